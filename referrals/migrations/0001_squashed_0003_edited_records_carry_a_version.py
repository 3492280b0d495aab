"""referrals 0001-0003 squashed: 3 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The schema operations are optimized together, and the data functions run after them, once each, in
their order: every table of this app is created here, so the functions meet empty tables and the latest
columns. Back-fills of rows that existed before a change (nothing to fill in a new database) are left out.
"""

import django.db.models.deletion
import importlib
import simple_history.models
from django.conf import settings
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


# The replaced migrations' data operations, in their order: (module, index of the operation).
DATA = [
    ('referrals.migrations.0002_default_partners', 0),
]


def data_forwards(apps, schema_editor):
    for module, index in DATA:
        _replaced(module, index).code(apps, schema_editor)


def data_backwards(apps, schema_editor):
    for module, index in reversed(DATA):
        if (operation := _replaced(module, index)).reverse_code is not None:
            operation.reverse_code(apps, schema_editor)


class Migration(migrations.Migration):
    replaces = [
        ('referrals', '0001_initial'),
        ('referrals', '0002_default_partners'),
        ('referrals', '0003_edited_records_carry_a_version')
    ]

    dependencies = [
        ('cases', '0012_referral_events'),
        ('contracts', '0007_contract_end_date'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contracts', '0002_default_need_domains')
    ]

    operations = [
        migrations.CreateModel(
            name='Partner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, unique=True)),
                ('kind', models.CharField(choices=[('health', 'Health'), ('local_authority', 'Local authority'), ('voluntary', 'Voluntary or not for profit'), ('statutory', 'Statutory')], max_length=20, verbose_name='Type')),
                ('services', models.TextField(help_text='What they offer, in a sentence or two.')),
                ('areas', models.CharField(blank=True, help_text='Postcode areas separated by spaces, like PL TQ. Leave empty if they cover the whole force.', max_length=60, verbose_name='Areas served')),
                ('sex', models.CharField(blank=True, choices=[('', 'Anyone'), ('female', 'Women only'), ('male', 'Men only')], max_length=10, verbose_name='Who they take')),
                ('min_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Youngest age taken')),
                ('max_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Oldest age taken')),
                ('eligibility_notes', models.TextField(blank=True, help_text='Anything else about who they take.')),
                ('phone', models.CharField(blank=True, max_length=30)),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='General email')),
                ('referral_email', models.EmailField(blank=True, help_text='Where referrals are emailed.', max_length=254, verbose_name='Referral email')),
                ('route', models.CharField(choices=[('warm_introduction', 'Warm introduction'), ('referral_form', 'Referral form'), ('statutory', 'Statutory referral'), ('signpost', 'Signpost only')], max_length=20, verbose_name='Referral route')),
                ('acknowledge_days', models.PositiveSmallIntegerField(default=5, verbose_name='Working days to acknowledge')),
                ('appointment_days', models.PositiveSmallIntegerField(default=15, verbose_name='Working days to a first appointment')),
                ('is_active', models.BooleanField(default=True, verbose_name='Taking referrals')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('need_domains', models.ManyToManyField(related_name='partners', to='contracts.needdomain', verbose_name='Needs served')),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'ordering': ['name'],
                'permissions': [('view_referral_report', "See how partners engage the team's clients")],
            },
        ),
        migrations.CreateModel(
            name='Referral',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('sent', 'Sent'), ('acknowledged', 'Acknowledged'), ('engaged', 'Engaged'), ('completed', 'Completed'), ('declined', 'Declined by the partner'), ('disengaged', 'Disengaged'), ('withdrawn', 'Withdrawn')], default='draft', max_length=20)),
                ('route', models.CharField(choices=[('warm_introduction', 'Warm introduction'), ('referral_form', 'Referral form'), ('statutory', 'Statutory referral'), ('signpost', 'Signpost only')], max_length=20)),
                ('shared', models.TextField(help_text='What you told the partner about the person and why.', verbose_name='What was shared')),
                ('consent_to_share', models.BooleanField(default=False, verbose_name='The person agreed to share this with the partner')),
                ('eligibility_override', models.TextField(blank=True, help_text="Why refer although the partner's eligibility is not met.")),
                ('sent_on', models.DateField(blank=True, null=True)),
                ('sent_by', models.CharField(blank=True, choices=[('email', 'Emailed to the partner from this system'), ('warm_introduction', 'Warm introduction'), ('form', "The partner's referral form or portal"), ('phone', 'Phone call'), ('other', 'Another way')], max_length=20, verbose_name='How it was sent')),
                ('sent_to', models.CharField(blank=True, max_length=254)),
                ('introduction_present', models.CharField(blank=True, max_length=200, verbose_name='Who was present')),
                ('introduced_how', models.CharField(blank=True, choices=[('in_person', 'In person, together'), ('three_way_call', 'Three-way phone call'), ('video', 'Video call')], max_length=20, verbose_name='How')),
                ('acknowledge_by', models.DateField(blank=True, db_index=True, null=True)),
                ('engage_by', models.DateField(blank=True, db_index=True, null=True)),
                ('acknowledged_on', models.DateField(blank=True, null=True)),
                ('engaged_on', models.DateField(blank=True, null=True)),
                ('completed_on', models.DateField(blank=True, null=True)),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, choices=[('not_eligible', 'Partner: not eligible for the service'), ('no_capacity', 'Partner: no capacity or waiting list closed'), ('other_service', 'Partner: needs a different service'), ('did_not_attend', 'Did not attend the first appointment'), ('stopped_attending', 'Stopped attending'), ('partner_closed', 'Partner closed the referral for non-engagement'), ('need_met', 'Need met another way'), ('consent_withdrawn', 'Person withdrew consent'), ('case_closed', 'Case closed'), ('made_in_error', 'Made in error'), ('other', 'Other')], max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='referrals', to='cases.case')),
                ('condition', models.ForeignKey(blank=True, help_text="The contract's condition this referral is the evidence for.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='referrals', to='contracts.condition')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('need_domain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracts.needdomain', verbose_name='Need')),
                ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='referrals.partner')),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ReferralUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('happened_on', models.DateField(verbose_name='Date')),
                ('status', models.CharField(blank=True, choices=[('draft', 'Draft'), ('sent', 'Sent'), ('acknowledged', 'Acknowledged'), ('engaged', 'Engaged'), ('completed', 'Completed'), ('declined', 'Declined by the partner'), ('disengaged', 'Disengaged'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='Step')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='Who told us')),
                ('text', models.TextField(blank=True, verbose_name='What happened')),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='referrals.referral')),
            ],
            options={
                'ordering': ['-happened_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPartner',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=150)),
                ('kind', models.CharField(choices=[('health', 'Health'), ('local_authority', 'Local authority'), ('voluntary', 'Voluntary or not for profit'), ('statutory', 'Statutory')], max_length=20, verbose_name='Type')),
                ('services', models.TextField(help_text='What they offer, in a sentence or two.')),
                ('areas', models.CharField(blank=True, help_text='Postcode areas separated by spaces, like PL TQ. Leave empty if they cover the whole force.', max_length=60, verbose_name='Areas served')),
                ('sex', models.CharField(blank=True, choices=[('', 'Anyone'), ('female', 'Women only'), ('male', 'Men only')], max_length=10, verbose_name='Who they take')),
                ('min_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Youngest age taken')),
                ('max_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Oldest age taken')),
                ('eligibility_notes', models.TextField(blank=True, help_text='Anything else about who they take.')),
                ('phone', models.CharField(blank=True, max_length=30)),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='General email')),
                ('referral_email', models.EmailField(blank=True, help_text='Where referrals are emailed.', max_length=254, verbose_name='Referral email')),
                ('route', models.CharField(choices=[('warm_introduction', 'Warm introduction'), ('referral_form', 'Referral form'), ('statutory', 'Statutory referral'), ('signpost', 'Signpost only')], max_length=20, verbose_name='Referral route')),
                ('acknowledge_days', models.PositiveSmallIntegerField(default=5, verbose_name='Working days to acknowledge')),
                ('appointment_days', models.PositiveSmallIntegerField(default=15, verbose_name='Working days to a first appointment')),
                ('is_active', models.BooleanField(default=True, verbose_name='Taking referrals')),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'verbose_name': 'historical partner',
                'verbose_name_plural': 'historical partners',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalReferral',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('sent', 'Sent'), ('acknowledged', 'Acknowledged'), ('engaged', 'Engaged'), ('completed', 'Completed'), ('declined', 'Declined by the partner'), ('disengaged', 'Disengaged'), ('withdrawn', 'Withdrawn')], default='draft', max_length=20)),
                ('route', models.CharField(choices=[('warm_introduction', 'Warm introduction'), ('referral_form', 'Referral form'), ('statutory', 'Statutory referral'), ('signpost', 'Signpost only')], max_length=20)),
                ('shared', models.TextField(help_text='What you told the partner about the person and why.', verbose_name='What was shared')),
                ('consent_to_share', models.BooleanField(default=False, verbose_name='The person agreed to share this with the partner')),
                ('eligibility_override', models.TextField(blank=True, help_text="Why refer although the partner's eligibility is not met.")),
                ('sent_on', models.DateField(blank=True, null=True)),
                ('sent_by', models.CharField(blank=True, choices=[('email', 'Emailed to the partner from this system'), ('warm_introduction', 'Warm introduction'), ('form', "The partner's referral form or portal"), ('phone', 'Phone call'), ('other', 'Another way')], max_length=20, verbose_name='How it was sent')),
                ('sent_to', models.CharField(blank=True, max_length=254)),
                ('introduction_present', models.CharField(blank=True, max_length=200, verbose_name='Who was present')),
                ('introduced_how', models.CharField(blank=True, choices=[('in_person', 'In person, together'), ('three_way_call', 'Three-way phone call'), ('video', 'Video call')], max_length=20, verbose_name='How')),
                ('acknowledge_by', models.DateField(blank=True, db_index=True, null=True)),
                ('engage_by', models.DateField(blank=True, db_index=True, null=True)),
                ('acknowledged_on', models.DateField(blank=True, null=True)),
                ('engaged_on', models.DateField(blank=True, null=True)),
                ('completed_on', models.DateField(blank=True, null=True)),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, choices=[('not_eligible', 'Partner: not eligible for the service'), ('no_capacity', 'Partner: no capacity or waiting list closed'), ('other_service', 'Partner: needs a different service'), ('did_not_attend', 'Did not attend the first appointment'), ('stopped_attending', 'Stopped attending'), ('partner_closed', 'Partner closed the referral for non-engagement'), ('need_met', 'Need met another way'), ('consent_withdrawn', 'Person withdrew consent'), ('case_closed', 'Case closed'), ('made_in_error', 'Made in error'), ('other', 'Other')], max_length=20)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('condition', models.ForeignKey(blank=True, db_constraint=False, help_text="The contract's condition this referral is the evidence for.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contracts.condition')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('need_domain', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contracts.needdomain', verbose_name='Need')),
                ('partner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='referrals.partner')),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'verbose_name': 'historical referral',
                'verbose_name_plural': 'historical referrals',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(fields=['partner', 'sent_on'], name='referrals_r_partner_d9bf47_idx'),
        ),
        migrations.RunPython(data_forwards, data_backwards),
    ]
