"""cases 0001-0013 squashed: 13 migrations in one, for a quicker `migrate` of a new database.

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
    ('cases.migrations.0002_default_offences', 0),
    ('cases.migrations.0003_trigram_extension', 0),
    ('cases.migrations.0004_eligibility_rules', 0),
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
        ('cases', '0001_initial'),
        ('cases', '0002_default_offences'),
        ('cases', '0003_trigram_extension'),
        ('cases', '0004_eligibility_rules'),
        ('cases', '0005_team_cases_and_allocation_events'),
        ('cases', '0006_case_status_submitted_index'),
        ('cases', '0007_first_contact_and_closure'),
        ('cases', '0008_contract_events'),
        ('cases', '0009_outcome_code_and_review_flag'),
        ('cases', '0010_variation_and_victim_events'),
        ('cases', '0011_victim_contacts'),
        ('cases', '0012_referral_events'),
        ('cases', '0013_person_reminders_by')
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # Only an order, for speed: the OAuth and one-time-password apps' migrations alter fields that refer to the
        # user, and Django re-renders every model related to the user for each; run before ours, those are few
        # (oauth2_provider 0021 alone took 19 s of CPU after them, a fifth of a new database's migrate). Their names
        # as of this squash: a database that has this migration recorded has them applied.
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
        ("otp_static", "0003_add_timestamps"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name='EligibilityRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=40, unique=True)),
                ('name', models.CharField(max_length=200)),
                ('is_optional', models.BooleanField(default=False, editable=False)),
                ('is_enabled', models.BooleanField(default=True)),
                ('parameter', models.PositiveIntegerField(blank=True, null=True)),
                ('parameter_help', models.CharField(blank=True, editable=False, max_length=200)),
            ],
            options={
                'ordering': ['is_optional', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Offence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20, unique=True)),
                ('title', models.CharField(max_length=200)),
                ('mode_of_trial', models.CharField(choices=[('summary', 'Summary only'), ('either_way', 'Either way'), ('indictable', 'Indictable only')], max_length=20)),
                ('crime_subgroup', models.CharField(choices=[('Homicide', 'Homicide'), ('Rape offences', 'Rape'), ('Violence with injury', 'Violence With Injury'), ('Death or serious injury - unlawful driving', 'Unlawful Driving'), ('Robbery of business property', 'Robbery Business'), ('Robbery of personal property', 'Robbery Personal'), ('Possession of weapons offences', 'Weapons'), ('Residential burglary', 'Residential Burglary'), ('Arson', 'Arson'), ('Non-residential burglary', 'Non Residential Burglary'), ('Other sexual offences', 'Other Sexual'), ('Violence without injury', 'Violence Without Injury'), ('Stalking and harassment', 'Stalking Harassment'), ('Miscellaneous crimes against society', 'Miscellaneous'), ('Public order offences', 'Public Order'), ('Vehicle offences', 'Vehicle'), ('Trafficking of drugs', 'Drug Trafficking'), ('Possession of drugs', 'Drug Possession'), ('Criminal damage', 'Criminal Damage'), ('Other theft offences', 'Other Theft'), ('Theft from the person', 'Theft From Person'), ('Bicycle theft', 'Bicycle Theft'), ('Shoplifting', 'Shoplifting')], max_length=60)),
                ('is_active', models.BooleanField(default=True, help_text='Retired offences stay on old crimes but cannot be chosen.')),
            ],
            options={
                'ordering': ['title'],
            },
        ),
        migrations.CreateModel(
            name='Case',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('ineligible', 'Ineligible'), ('awaiting_allocation', 'Waiting for allocation'), ('allocated', 'Allocated'), ('declined', 'Declined: opted for court'), ('assessment', 'Needs assessment'), ('active', 'Contract active'), ('completed', 'Completed'), ('breached', 'Breached'), ('withdrawn', 'Withdrawn')], db_index=True, default='draft', max_length=30)),
                ('route', models.CharField(blank=True, choices=[('deferred_caution', 'Deferred caution'), ('deferred_charge', 'Deferred charge')], max_length=20)),
                ('young_adult_offer', models.BooleanField(default=False, help_text='Aged 18 to 25 on the offence date.')),
                ('womens_offer', models.BooleanField(default=False)),
                ('override_reason', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('draft_answers', models.JSONField(blank=True, default=dict)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
                'permissions': [('submit_case', 'Can submit crimes to the OoCR team'), ('view_all_submissions', 'Can see every submission, not only their own')],
            },
        ),
        migrations.CreateModel(
            name='CaseBaseline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('age', models.PositiveSmallIntegerField(help_text='Age on the offence date.')),
                ('sex', models.CharField(choices=[('female', 'Female'), ('male', 'Male'), ('not_known', 'Not known')], max_length=20)),
                ('ethnicity', models.CharField(choices=[('A1', 'Asian or Asian British: Bangladeshi'), ('A2', 'Asian or Asian British: Chinese'), ('A3', 'Asian or Asian British: Indian'), ('A4', 'Asian or Asian British: Pakistani'), ('A5', 'Asian or Asian British: any other Asian background'), ('B1', 'Black, Black British, Caribbean or African: African'), ('B2', 'Black, Black British, Caribbean or African: Caribbean'), ('B3', 'Black, Black British, Caribbean or African: any other Black background'), ('M1', 'Mixed or multiple ethnic groups: White and Asian'), ('M2', 'Mixed or multiple ethnic groups: White and Black African'), ('M3', 'Mixed or multiple ethnic groups: White and Black Caribbean'), ('M4', 'Mixed or multiple ethnic groups: any other mixed background'), ('W1', 'White: English, Welsh, Scottish, Northern Irish or British'), ('W2', 'White: Irish'), ('W3', 'White: Gypsy or Irish Traveller'), ('W4', 'White: Roma'), ('W9', 'White: any other White background'), ('O1', 'Other ethnic group: Arab'), ('O9', 'Other ethnic group: any other ethnic group'), ('NS', 'Not stated')], max_length=2)),
                ('offence_codes', models.JSONField()),
                ('crime_subgroups', models.JSONField()),
                ('route', models.CharField(blank=True, choices=[('deferred_caution', 'Deferred caution'), ('deferred_charge', 'Deferred charge')], max_length=20)),
                ('previous_offences', models.PositiveSmallIntegerField()),
                ('previous_cautions', models.PositiveSmallIntegerField()),
                ('previous_convictions', models.PositiveSmallIntegerField()),
                ('home_postcode_area', models.CharField(blank=True, max_length=2)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='baseline', to='cases.case')),
            ],
        ),
        migrations.CreateModel(
            name='Crime',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=30, unique=True, verbose_name='Crime reference')),
                ('offence_date', models.DateField()),
                ('offence_postcode', models.CharField(max_length=8)),
                ('domestic_abuse', models.BooleanField(default=False)),
                ('hate_crime', models.BooleanField(default=False)),
                ('co_accused', models.BooleanField(default=False)),
                ('officer_name', models.CharField(max_length=200, verbose_name='Officer in the case')),
                ('officer_collar_number', models.CharField(max_length=20, verbose_name='Collar number')),
                ('officer_email', models.EmailField(max_length=254, verbose_name="Officer's email")),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='crimes', to='cases.case')),
                ('offences', models.ManyToManyField(related_name='crimes', to='cases.offence')),
            ],
            options={
                'ordering': ['offence_date'],
            },
        ),
        migrations.CreateModel(
            name='EligibilityAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answers', models.JSONField()),
                ('results', models.JSONField(help_text='Each rule: code, name, outcome (pass / fail / unanswered), reason.')),
                ('rule_set_version', models.CharField(max_length=20)),
                ('outcome', models.CharField(choices=[('eligible', 'Eligible'), ('ineligible', 'Ineligible'), ('needs_answers', 'Needs answers')], max_length=20)),
                ('decision', models.CharField(choices=[('submitted', 'Submitted to the OoCR team'), ('closed_ineligible', 'Closed as ineligible'), ('overridden', 'Submitted by override')], max_length=20)),
                ('override_reason', models.TextField(blank=True)),
                ('assessed_at', models.DateTimeField(auto_now_add=True)),
                ('assessed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='eligibility_assessments', to='cases.case')),
            ],
            options={
                'ordering': ['-assessed_at', '-id'],
                'get_latest_by': 'assessed_at',
            },
        ),
        migrations.CreateModel(
            name='HistoricalCrime',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reference', models.CharField(db_index=True, max_length=30, verbose_name='Crime reference')),
                ('offence_date', models.DateField()),
                ('offence_postcode', models.CharField(max_length=8)),
                ('domestic_abuse', models.BooleanField(default=False)),
                ('hate_crime', models.BooleanField(default=False)),
                ('co_accused', models.BooleanField(default=False)),
                ('officer_name', models.CharField(max_length=200, verbose_name='Officer in the case')),
                ('officer_collar_number', models.CharField(max_length=20, verbose_name='Collar number')),
                ('officer_email', models.EmailField(max_length=254, verbose_name="Officer's email")),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical crime',
                'verbose_name_plural': 'historical crimes',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalEligibilityRule',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(db_index=True, max_length=40)),
                ('name', models.CharField(max_length=200)),
                ('is_optional', models.BooleanField(default=False, editable=False)),
                ('is_enabled', models.BooleanField(default=True)),
                ('parameter', models.PositiveIntegerField(blank=True, null=True)),
                ('parameter_help', models.CharField(blank=True, editable=False, max_length=200)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical eligibility rule',
                'verbose_name_plural': 'historical eligibility rules',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalOffence',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(db_index=True, max_length=20)),
                ('title', models.CharField(max_length=200)),
                ('mode_of_trial', models.CharField(choices=[('summary', 'Summary only'), ('either_way', 'Either way'), ('indictable', 'Indictable only')], max_length=20)),
                ('crime_subgroup', models.CharField(choices=[('Homicide', 'Homicide'), ('Rape offences', 'Rape'), ('Violence with injury', 'Violence With Injury'), ('Death or serious injury - unlawful driving', 'Unlawful Driving'), ('Robbery of business property', 'Robbery Business'), ('Robbery of personal property', 'Robbery Personal'), ('Possession of weapons offences', 'Weapons'), ('Residential burglary', 'Residential Burglary'), ('Arson', 'Arson'), ('Non-residential burglary', 'Non Residential Burglary'), ('Other sexual offences', 'Other Sexual'), ('Violence without injury', 'Violence Without Injury'), ('Stalking and harassment', 'Stalking Harassment'), ('Miscellaneous crimes against society', 'Miscellaneous'), ('Public order offences', 'Public Order'), ('Vehicle offences', 'Vehicle'), ('Trafficking of drugs', 'Drug Trafficking'), ('Possession of drugs', 'Drug Possession'), ('Criminal damage', 'Criminal Damage'), ('Other theft offences', 'Other Theft'), ('Theft from the person', 'Theft From Person'), ('Bicycle theft', 'Bicycle Theft'), ('Shoplifting', 'Shoplifting')], max_length=60)),
                ('is_active', models.BooleanField(default=True, help_text='Retired offences stay on old crimes but cannot be chosen.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical offence',
                'verbose_name_plural': 'historical offences',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalVictim',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('phone', models.CharField(blank=True, max_length=20)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('view', models.CharField(choices=[('supports', 'Supports an out of court resolution'), ('opposes', 'Opposes it'), ('no_view', 'Has no view'), ('not_asked', 'Has not been asked yet')], default='not_asked', max_length=20, verbose_name="Victim's view")),
                ('restorative_consent', models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('not_asked', 'Not asked yet')], default='not_asked', max_length=20, verbose_name='Consents to a restorative approach')),
                ('date_asked', models.DateField(blank=True, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('crime', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.crime')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical victim',
                'verbose_name_plural': 'historical victims',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalCrime_offences',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('crime', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.crime')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='cases.historicalcrime')),
                ('offence', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.offence')),
            ],
            options={
                'verbose_name': 'HistoricalCrime_offences',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_names', models.CharField(max_length=100)),
                ('last_name', models.CharField(max_length=100)),
                ('name_key', models.CharField(db_index=True, editable=False, max_length=201)),
                ('date_of_birth', models.DateField()),
                ('sex', models.CharField(choices=[('female', 'Female'), ('male', 'Male'), ('not_known', 'Not known')], max_length=20)),
                ('ethnicity', models.CharField(choices=[('A1', 'Asian or Asian British: Bangladeshi'), ('A2', 'Asian or Asian British: Chinese'), ('A3', 'Asian or Asian British: Indian'), ('A4', 'Asian or Asian British: Pakistani'), ('A5', 'Asian or Asian British: any other Asian background'), ('B1', 'Black, Black British, Caribbean or African: African'), ('B2', 'Black, Black British, Caribbean or African: Caribbean'), ('B3', 'Black, Black British, Caribbean or African: any other Black background'), ('M1', 'Mixed or multiple ethnic groups: White and Asian'), ('M2', 'Mixed or multiple ethnic groups: White and Black African'), ('M3', 'Mixed or multiple ethnic groups: White and Black Caribbean'), ('M4', 'Mixed or multiple ethnic groups: any other mixed background'), ('W1', 'White: English, Welsh, Scottish, Northern Irish or British'), ('W2', 'White: Irish'), ('W3', 'White: Gypsy or Irish Traveller'), ('W4', 'White: Roma'), ('W9', 'White: any other White background'), ('O1', 'Other ethnic group: Arab'), ('O9', 'Other ethnic group: any other ethnic group'), ('NS', 'Not stated')], default='NS', max_length=2)),
                ('address_line_1', models.CharField(blank=True, max_length=200, verbose_name='Address line 1')),
                ('address_line_2', models.CharField(blank=True, max_length=200, verbose_name='Address line 2')),
                ('town', models.CharField(blank=True, max_length=100, verbose_name='Town or city')),
                ('postcode', models.CharField(blank=True, max_length=8)),
                ('phone', models.CharField(blank=True, max_length=20)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('preferred_contact', models.CharField(choices=[('phone', 'Phone call'), ('text', 'Text message'), ('email', 'Email'), ('post', 'Letter')], default='phone', max_length=10)),
                ('pnc_id', models.CharField(blank=True, db_index=True, max_length=20, verbose_name='PNC ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('reminders_by', models.CharField(blank=True, choices=[('', 'No reminders'), ('sms', 'Text message'), ('email', 'Email')], max_length=10, verbose_name='Reminders the person agreed to')),
            ],
            options={
                'ordering': ['last_name', 'first_names'],
                'indexes': [models.Index(fields=['date_of_birth', 'name_key'], name='cases_perso_date_of_35455d_idx')],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.person'),
        ),
        migrations.CreateModel(
            name='Victim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('phone', models.CharField(blank=True, max_length=20)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('view', models.CharField(choices=[('supports', 'Supports an out of court resolution'), ('opposes', 'Opposes it'), ('no_view', 'Has no view'), ('not_asked', 'Has not been asked yet')], default='not_asked', max_length=20, verbose_name="Victim's view")),
                ('restorative_consent', models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('not_asked', 'Not asked yet')], default='not_asked', max_length=20, verbose_name='Consents to a restorative approach')),
                ('date_asked', models.DateField(blank=True, null=True)),
                ('crime', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='victims', to='cases.crime')),
            ],
        ),
        migrations.AlterModelOptions(
            name='case',
            options={'ordering': ['-created_at'], 'permissions': [('submit_case', 'Can submit crimes to the OoCR team'), ('view_all_submissions', 'Can see every submission, not only their own'), ('view_team_cases', 'Can see every case of the team (read-only unless also the keyworker)')]},
        ),
        migrations.AddField(
            model_name='case',
            name='closed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='case',
            name='withdrawal_reason',
            field=models.CharField(blank=True, choices=[('moved_away', 'Moved out of the force area'), ('died', 'Died'), ('new_evidence', 'New evidence: no longer suitable'), ('no_further_action', 'Officer in the case took no further action'), ('other', 'Other')], max_length=30),
        ),
        migrations.CreateModel(
            name='FirstContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('offered_on', models.DateField()),
                ('method', models.CharField(choices=[('face_to_face', 'Face to face'), ('phone', 'Phone'), ('video', 'Video call'), ('home_visit', 'Home visit'), ('letter', 'Letter or email')], max_length=20)),
                ('answer', models.CharField(choices=[('accepted', 'Agrees to take part'), ('declined', 'Declines and opts for court')], max_length=20)),
                ('notes', models.TextField(blank=True)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='first_contact', to='cases.case')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='HistoricalFirstContact',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('offered_on', models.DateField()),
                ('method', models.CharField(choices=[('face_to_face', 'Face to face'), ('phone', 'Phone'), ('video', 'Video call'), ('home_visit', 'Home visit'), ('letter', 'Letter or email')], max_length=20)),
                ('answer', models.CharField(choices=[('accepted', 'Agrees to take part'), ('declined', 'Declines and opts for court')], max_length=20)),
                ('notes', models.TextField(blank=True)),
                ('recorded_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical first contact',
                'verbose_name_plural': 'historical first contacts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='case',
            name='outcome_code',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Home Office outcome code'),
        ),
        migrations.AddField(
            model_name='case',
            name='review_flag',
            field=models.CharField(blank=True, help_text='Why a supervisor should review the case now.', max_length=200),
        ),
        migrations.CreateModel(
            name='HistoricalCase',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('ineligible', 'Ineligible'), ('awaiting_allocation', 'Waiting for allocation'), ('allocated', 'Allocated'), ('declined', 'Declined: opted for court'), ('assessment', 'Needs assessment'), ('active', 'Contract active'), ('completed', 'Completed'), ('breached', 'Breached'), ('withdrawn', 'Withdrawn')], db_index=True, default='draft', max_length=30)),
                ('route', models.CharField(blank=True, choices=[('deferred_caution', 'Deferred caution'), ('deferred_charge', 'Deferred charge')], max_length=20)),
                ('young_adult_offer', models.BooleanField(default=False, help_text='Aged 18 to 25 on the offence date.')),
                ('womens_offer', models.BooleanField(default=False)),
                ('override_reason', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.person')),
                ('closed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('withdrawal_reason', models.CharField(blank=True, choices=[('moved_away', 'Moved out of the force area'), ('died', 'Died'), ('new_evidence', 'New evidence: no longer suitable'), ('no_further_action', 'Officer in the case took no further action'), ('other', 'Other')], max_length=30)),
                ('outcome_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Home Office outcome code')),
                ('review_flag', models.CharField(blank=True, help_text='Why a supervisor should review the case now.', max_length=200)),
            ],
            options={
                'verbose_name': 'historical case',
                'verbose_name_plural': 'historical cases',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='VictimContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contacted_on', models.DateField()),
                ('method', models.CharField(choices=[('phone', 'Phone'), ('email', 'Email'), ('letter', 'Letter'), ('in_person', 'In person')], max_length=20)),
                ('purpose', models.CharField(choices=[('views', 'Views sought on the resolution'), ('rj_information', 'Restorative justice information given'), ('update_agreed', 'Told the resolution was agreed'), ('update_closed', 'Told the case closed'), ('other', 'Other')], max_length=20)),
                ('notes', models.TextField(blank=True)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('victim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='cases.victim')),
            ],
            options={
                'ordering': ['-contacted_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('created', 'Draft started'), ('eligibility', 'Eligibility checked'), ('submitted', 'Submitted to the OoCR team'), ('overridden', 'Submitted by override'), ('ineligible', 'Closed as ineligible'), ('allocated', 'Allocated to a keyworker'), ('reallocated', 'Reallocated'), ('first_contact', 'First contact: scheme offered'), ('accepted', 'Agreed to take part'), ('declined', 'Declined: opted for court'), ('assessment', 'Needs assessment recorded'), ('safeguarding', 'Safeguarding'), ('action', 'Keyworker action'), ('contract', 'Contract agreed'), ('contract_approved', 'Contract approved'), ('condition', 'Condition progress'), ('contact', 'Contact'), ('non_compliance', 'Non-compliance'), ('closure_proposed', 'Closure proposed'), ('closure_refused', 'Closure refused'), ('completed', 'Completed'), ('breached', 'Breached'), ('variation_proposed', 'Variation proposed'), ('variation_decided', 'Variation decided'), ('victim_contact', 'Victim contact'), ('referral', 'Referral'), ('withdrawn', 'Withdrawn')], max_length=30)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('text', models.TextField(blank=True)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cases.case')),
            ],
            options={
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPerson',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('first_names', models.CharField(max_length=100)),
                ('last_name', models.CharField(max_length=100)),
                ('name_key', models.CharField(db_index=True, editable=False, max_length=201)),
                ('date_of_birth', models.DateField()),
                ('sex', models.CharField(choices=[('female', 'Female'), ('male', 'Male'), ('not_known', 'Not known')], max_length=20)),
                ('ethnicity', models.CharField(choices=[('A1', 'Asian or Asian British: Bangladeshi'), ('A2', 'Asian or Asian British: Chinese'), ('A3', 'Asian or Asian British: Indian'), ('A4', 'Asian or Asian British: Pakistani'), ('A5', 'Asian or Asian British: any other Asian background'), ('B1', 'Black, Black British, Caribbean or African: African'), ('B2', 'Black, Black British, Caribbean or African: Caribbean'), ('B3', 'Black, Black British, Caribbean or African: any other Black background'), ('M1', 'Mixed or multiple ethnic groups: White and Asian'), ('M2', 'Mixed or multiple ethnic groups: White and Black African'), ('M3', 'Mixed or multiple ethnic groups: White and Black Caribbean'), ('M4', 'Mixed or multiple ethnic groups: any other mixed background'), ('W1', 'White: English, Welsh, Scottish, Northern Irish or British'), ('W2', 'White: Irish'), ('W3', 'White: Gypsy or Irish Traveller'), ('W4', 'White: Roma'), ('W9', 'White: any other White background'), ('O1', 'Other ethnic group: Arab'), ('O9', 'Other ethnic group: any other ethnic group'), ('NS', 'Not stated')], default='NS', max_length=2)),
                ('address_line_1', models.CharField(blank=True, max_length=200, verbose_name='Address line 1')),
                ('address_line_2', models.CharField(blank=True, max_length=200, verbose_name='Address line 2')),
                ('town', models.CharField(blank=True, max_length=100, verbose_name='Town or city')),
                ('postcode', models.CharField(blank=True, max_length=8)),
                ('phone', models.CharField(blank=True, max_length=20)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('preferred_contact', models.CharField(choices=[('phone', 'Phone call'), ('text', 'Text message'), ('email', 'Email'), ('post', 'Letter')], default='phone', max_length=10)),
                ('pnc_id', models.CharField(blank=True, db_index=True, max_length=20, verbose_name='PNC ID')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reminders_by', models.CharField(blank=True, choices=[('', 'No reminders'), ('sms', 'Text message'), ('email', 'Email')], max_length=10, verbose_name='Reminders the person agreed to')),
            ],
            options={
                'verbose_name': 'historical person',
                'verbose_name_plural': 'historical persons',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['status', 'submitted_at'], name='case_status_submitted'),
        ),
        migrations.RunPython(data_forwards, data_backwards),
    ]
