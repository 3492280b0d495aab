"""contracts 0001-0017 squashed: 17 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The schema operations are optimized together, and the data functions run after them, once each, in
their order: every table of this app is created here, so the functions meet empty tables and the latest
columns. Back-fills of rows that existed before a change (nothing to fill in a new database) are left out.
"""

import django.core.validators
import django.db.models.deletion
import importlib
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


# The replaced migrations' data operations, in their order: (module, index of the operation).
DATA = [
    ('contracts.migrations.0002_default_need_domains', 0),
    ('contracts.migrations.0004_condition_library', 0),
    ('contracts.migrations.0008_daily_reminders_schedule', 0),
    ('contracts.migrations.0009_condition_amount', 4),
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
        ('contracts', '0001_initial'),
        ('contracts', '0002_default_need_domains'),
        ('contracts', '0003_contracts_and_conditions'),
        ('contracts', '0004_condition_library'),
        ('contracts', '0005_contacts_compliance_closure'),
        ('contracts', '0006_variations'),
        ('contracts', '0007_contract_end_date'),
        ('contracts', '0008_daily_reminders_schedule'),
        ('contracts', '0009_condition_amount'),
        ('contracts', '0010_contact_outside_period_reason'),
        ('contracts', '0011_contract_cancelled_and_variation_hours'),
        ('contracts', '0012_end_contracts_of_closed_cases'),
        ('contracts', '0013_edited_records_carry_a_version'),
        ('contracts', '0014_allocation_target_days'),
        ('contracts', '0015_sending_work_back'),
        ('contracts', '0016_appointments_moved_cancelled_breach_record'),
        ('contracts', '0017_closure_records_why_the_victim_was_not_updated')
    ]

    dependencies = [
        ('cases', '0007_first_contact_and_closure'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('cases', '0009_outcome_code_and_review_flag'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('cases', '0013_person_reminders_by')
    ]

    operations = [
        migrations.CreateModel(
            name='NeedDomain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('is_active', models.BooleanField(default=True)),
            ],
            options={
                'ordering': ['position', 'name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalKeyworkerAction',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('safeguarding', 'Safeguarding alert'), ('intelligence', 'Intelligence submission'), ('crime_record', 'New crime record raised')], max_length=20)),
                ('concern', models.CharField(blank=True, choices=[('adult_at_risk', 'Adult at risk'), ('child_at_risk', 'Child at risk'), ('domestic_abuse', 'Domestic abuse'), ('self_harm', 'Self-harm')], max_length=20)),
                ('sent_to', models.CharField(blank=True, max_length=200, verbose_name='Raised with')),
                ('reference', models.CharField(blank=True, max_length=60, verbose_name='Reference')),
                ('notes', models.TextField(blank=True)),
                ('raised_on', models.DateField()),
                ('recorded_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('offence', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.offence')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical keyworker action',
                'verbose_name_plural': 'historical keyworker actions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='KeyworkerAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('safeguarding', 'Safeguarding alert'), ('intelligence', 'Intelligence submission'), ('crime_record', 'New crime record raised')], max_length=20)),
                ('concern', models.CharField(blank=True, choices=[('adult_at_risk', 'Adult at risk'), ('child_at_risk', 'Child at risk'), ('domestic_abuse', 'Domestic abuse'), ('self_harm', 'Self-harm')], max_length=20)),
                ('sent_to', models.CharField(blank=True, max_length=200, verbose_name='Raised with')),
                ('reference', models.CharField(blank=True, max_length=60, verbose_name='Reference')),
                ('notes', models.TextField(blank=True)),
                ('raised_on', models.DateField()),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='keyworker_actions', to='cases.case')),
                ('offence', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.offence')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-raised_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='NeedsAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('baseline', 'First assessment'), ('closing', 'Closing assessment')], max_length=10)),
                ('previous_offending', models.TextField(blank=True, verbose_name='Previous offending')),
                ('offence_context', models.TextField(blank=True, verbose_name='Context of the offence')),
                ('strengths', models.TextField(blank=True)),
                ('goals', models.TextField(blank=True, verbose_name='Goals and motivation')),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='needs_assessments', to='cases.case')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'ordering': ['recorded_at'],
            },
        ),
        migrations.CreateModel(
            name='NeedScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.PositiveSmallIntegerField(choices=[(0, '0: no need'), (1, '1: low need'), (2, '2: medium need'), (3, '3: severe need')])),
                ('notes', models.TextField(blank=True)),
                ('safeguarding', models.BooleanField(default=False, verbose_name='Safeguarding concern')),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='contracts.needsassessment')),
                ('domain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracts.needdomain')),
            ],
            options={
                'ordering': ['domain__position'],
            },
        ),
        migrations.CreateModel(
            name='ConditionTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('restorative', 'Restorative'), ('rehabilitative', 'Rehabilitative'), ('reparative', 'Reparative'), ('restrictive', 'Restrictive')], max_length=20)),
                ('title', models.CharField(max_length=120)),
                ('text', models.TextField(help_text="Plain English, written to the person: 'You will ...'.")),
                ('involves_victim', models.BooleanField(default=False, help_text="Needs the victim's consent to a restorative approach.")),
                ('is_unpaid_work', models.BooleanField(default=False, help_text='Hours are capped by the scheme settings.')),
                ('is_active', models.BooleanField(default=True)),
                ('need_domain', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracts.needdomain')),
                ('needs_amount', models.BooleanField(default=False, help_text='Compensation: the keyworker enters the amount in pounds.')),
            ],
            options={
                'ordering': ['kind', 'title'],
            },
        ),
        migrations.CreateModel(
            name='Contract',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('awaiting_approval', "Waiting for a supervisor's approval"), ('active', 'Active'), ('ended', 'Ended'), ('cancelled', 'Cancelled')], default='draft', max_length=20)),
                ('weeks', models.PositiveSmallIntegerField(default=16)),
                ('start_date', models.DateField(blank=True, help_text='The date the person signed.', null=True)),
                ('extension_days', models.PositiveSmallIntegerField(default=0, help_text='Approved extensions, in days.')),
                ('agreement', models.CharField(blank=True, choices=[('signed_in_person', 'Signed in person'), ('signed_remotely', 'Signed and returned remotely'), ('verbal', 'Agreed verbally, recorded by the keyworker')], max_length=20)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contract', to='cases.case')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('end_date', models.DateField(blank=True, db_index=True, null=True)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
        ),
        migrations.CreateModel(
            name='Condition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('restorative', 'Restorative'), ('rehabilitative', 'Rehabilitative'), ('reparative', 'Reparative'), ('restrictive', 'Restrictive'), ('standard', 'Standard')], max_length=20)),
                ('description', models.TextField(help_text='What the person will do, in plain English.')),
                ('due_date', models.DateField(blank=True, null=True)),
                ('recurrence', models.CharField(blank=True, help_text='For example: every Tuesday for 8 weeks.', max_length=120, verbose_name='Repeats')),
                ('target', models.CharField(blank=True, help_text='For a restriction: the person or place.', max_length=200, verbose_name='Who or where')),
                ('hours_required', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('hours_done', models.PositiveSmallIntegerField(default=0)),
                ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('met', 'Met'), ('not_met', 'Not met'), ('varied', 'Varied'), ('withdrawn', 'Withdrawn')], default='not_started', max_length=20)),
                ('evidence', models.TextField(blank=True, verbose_name='Evidence and progress notes')),
                ('need_domain', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracts.needdomain')),
                ('victim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.victim')),
                ('template', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contracts.conditiontemplate')),
                ('contract', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conditions', to='contracts.contract')),
                ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('5000'))], verbose_name='Amount of compensation, in pounds')),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='Contact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('type', models.CharField(choices=[('face_to_face', 'Face to face'), ('phone', 'Phone'), ('video', 'Video call'), ('home_visit', 'Home visit'), ('with_partner', 'With a partner agency'), ('message', 'Message (text or email)')], max_length=20)),
                ('starts_at', models.DateTimeField(db_index=True)),
                ('place', models.CharField(blank=True, max_length=200)),
                ('duration_minutes', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('outcome', models.CharField(blank=True, choices=[('attended', 'Attended'), ('late', 'Attended late'), ('absent_acceptable', 'Did not attend: acceptable absence'), ('absent_unacceptable', 'Did not attend: no acceptable reason')], help_text='Blank while booked.', max_length=25)),
                ('notes', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='cases.case')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('outside_reason', models.TextField(blank=True, verbose_name='Why it is outside the contract period')),
                ('cancel_reason', models.TextField(blank=True, verbose_name='Why it was cancelled')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('first_booked_for', models.DateTimeField(blank=True, help_text='Set on the first move: when it was booked for.', null=True)),
                ('times_moved', models.PositiveSmallIntegerField(default=0)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'ordering': ['-starts_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='VariationProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('variation', 'Vary a condition'), ('extension', 'Extend the contract')], max_length=20)),
                ('reason', models.TextField()),
                ('extension_days', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('new_description', models.TextField(blank=True)),
                ('new_due_date', models.DateField(blank=True, null=True)),
                ('new_recurrence', models.CharField(blank=True, max_length=120)),
                ('proposed_at', models.DateTimeField(auto_now_add=True)),
                ('decision', models.CharField(choices=[('pending', 'Waiting for a supervisor'), ('approved', 'Approved'), ('refused', 'Refused')], default='pending', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_note', models.TextField(blank=True)),
                ('condition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracts.condition')),
                ('contract', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='variations', to='contracts.contract')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('new_hours_required', models.PositiveSmallIntegerField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-proposed_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCondition',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('restorative', 'Restorative'), ('rehabilitative', 'Rehabilitative'), ('reparative', 'Reparative'), ('restrictive', 'Restrictive'), ('standard', 'Standard')], max_length=20)),
                ('description', models.TextField(help_text='What the person will do, in plain English.')),
                ('due_date', models.DateField(blank=True, null=True)),
                ('recurrence', models.CharField(blank=True, help_text='For example: every Tuesday for 8 weeks.', max_length=120, verbose_name='Repeats')),
                ('target', models.CharField(blank=True, help_text='For a restriction: the person or place.', max_length=200, verbose_name='Who or where')),
                ('hours_required', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('hours_done', models.PositiveSmallIntegerField(default=0)),
                ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('met', 'Met'), ('not_met', 'Not met'), ('varied', 'Varied'), ('withdrawn', 'Withdrawn')], default='not_started', max_length=20)),
                ('evidence', models.TextField(blank=True, verbose_name='Evidence and progress notes')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('contract', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contracts.contract')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('need_domain', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contracts.needdomain')),
                ('template', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contracts.conditiontemplate')),
                ('victim', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.victim')),
                ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('5000'))], verbose_name='Amount of compensation, in pounds')),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'verbose_name': 'historical condition',
                'verbose_name_plural': 'historical conditions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalContract',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('awaiting_approval', "Waiting for a supervisor's approval"), ('active', 'Active'), ('ended', 'Ended'), ('cancelled', 'Cancelled')], default='draft', max_length=20)),
                ('weeks', models.PositiveSmallIntegerField(default=16)),
                ('start_date', models.DateField(blank=True, help_text='The date the person signed.', null=True)),
                ('extension_days', models.PositiveSmallIntegerField(default=0, help_text='Approved extensions, in days.')),
                ('agreement', models.CharField(blank=True, choices=[('signed_in_person', 'Signed in person'), ('signed_remotely', 'Signed and returned remotely'), ('verbal', 'Agreed verbally, recorded by the keyworker')], max_length=20)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('approved_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('end_date', models.DateField(blank=True, db_index=True, null=True)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'verbose_name': 'historical contract',
                'verbose_name_plural': 'historical contracts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalNeedsAssessment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('baseline', 'First assessment'), ('closing', 'Closing assessment')], max_length=10)),
                ('previous_offending', models.TextField(blank=True, verbose_name='Previous offending')),
                ('offence_context', models.TextField(blank=True, verbose_name='Context of the offence')),
                ('strengths', models.TextField(blank=True)),
                ('goals', models.TextField(blank=True, verbose_name='Goals and motivation')),
                ('recorded_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'verbose_name': 'historical needs assessment',
                'verbose_name_plural': 'historical needs assessments',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSchemeSettings',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('contract_weeks', models.PositiveSmallIntegerField(default=16, verbose_name='Contract length (weeks)')),
                ('unpaid_work_hours_cap', models.PositiveSmallIntegerField(default=20, verbose_name='Most hours of unpaid work a contract may set')),
                ('contract_approval_required', models.BooleanField(default=False, verbose_name='A supervisor approves each contract before it starts')),
                ('unacceptable_absences_threshold', models.PositiveSmallIntegerField(default=2, verbose_name='Unacceptable absences before a supervisor reviews the case')),
                ('new_offences_threshold', models.PositiveSmallIntegerField(default=1, verbose_name='New offences before a supervisor reviews the case')),
                ('outcome_charge_completed', models.PositiveSmallIntegerField(default=22, verbose_name='Home Office outcome: charge route, completed')),
                ('outcome_caution_completed', models.PositiveSmallIntegerField(default=3, verbose_name='Home Office outcome: caution route, completed')),
                ('outcome_charge_breached', models.PositiveSmallIntegerField(default=1, verbose_name='Home Office outcome: charge route, breached')),
                ('outcome_caution_breached', models.PositiveSmallIntegerField(default=3, verbose_name='Home Office outcome: caution route, breached')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('closure_approval_required', models.BooleanField(default=False, verbose_name='A supervisor approves completions and withdrawals too (breaches always need one)')),
                ('allocation_target_days', models.PositiveSmallIntegerField(default=3, help_text="Supervisors' Today page shows each waiting case's age against this target.", verbose_name='Days a submission may wait for allocation')),
            ],
            options={
                'verbose_name': 'historical scheme settings',
                'verbose_name_plural': 'historical scheme settings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='SchemeSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contract_weeks', models.PositiveSmallIntegerField(default=16, verbose_name='Contract length (weeks)')),
                ('unpaid_work_hours_cap', models.PositiveSmallIntegerField(default=20, verbose_name='Most hours of unpaid work a contract may set')),
                ('contract_approval_required', models.BooleanField(default=False, verbose_name='A supervisor approves each contract before it starts')),
                ('unacceptable_absences_threshold', models.PositiveSmallIntegerField(default=2, verbose_name='Unacceptable absences before a supervisor reviews the case')),
                ('new_offences_threshold', models.PositiveSmallIntegerField(default=1, verbose_name='New offences before a supervisor reviews the case')),
                ('outcome_charge_completed', models.PositiveSmallIntegerField(default=22, verbose_name='Home Office outcome: charge route, completed')),
                ('outcome_caution_completed', models.PositiveSmallIntegerField(default=3, verbose_name='Home Office outcome: caution route, completed')),
                ('outcome_charge_breached', models.PositiveSmallIntegerField(default=1, verbose_name='Home Office outcome: charge route, breached')),
                ('outcome_caution_breached', models.PositiveSmallIntegerField(default=3, verbose_name='Home Office outcome: caution route, breached')),
                ('closure_approval_required', models.BooleanField(default=False, verbose_name='A supervisor approves completions and withdrawals too (breaches always need one)')),
                ('allocation_target_days', models.PositiveSmallIntegerField(default=3, help_text="Supervisors' Today page shows each waiting case's age against this target.", verbose_name='Days a submission may wait for allocation')),
            ],
            options={
                'verbose_name': 'scheme settings',
                'verbose_name_plural': 'scheme settings',
            },
        ),
        migrations.CreateModel(
            name='ContractDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decision', models.CharField(choices=[('approved', 'Approved'), ('refused', 'Refused'), ('returned', 'Returned for changes')], max_length=10)),
                ('comments', models.TextField(blank=True)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('contract', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='contracts.contract')),
            ],
            options={
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalContact',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('type', models.CharField(choices=[('face_to_face', 'Face to face'), ('phone', 'Phone'), ('video', 'Video call'), ('home_visit', 'Home visit'), ('with_partner', 'With a partner agency'), ('message', 'Message (text or email)')], max_length=20)),
                ('starts_at', models.DateTimeField(db_index=True)),
                ('place', models.CharField(blank=True, max_length=200)),
                ('duration_minutes', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('outcome', models.CharField(blank=True, choices=[('attended', 'Attended'), ('late', 'Attended late'), ('absent_acceptable', 'Did not attend: acceptable absence'), ('absent_unacceptable', 'Did not attend: no acceptable reason')], help_text='Blank while booked.', max_length=25)),
                ('notes', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('outside_reason', models.TextField(blank=True, verbose_name='Why it is outside the contract period')),
                ('cancel_reason', models.TextField(blank=True, verbose_name='Why it was cancelled')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                ('cancelled_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('first_booked_for', models.DateTimeField(blank=True, help_text='Set on the first move: when it was booked for.', null=True)),
                ('times_moved', models.PositiveSmallIntegerField(default=0)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'verbose_name': 'historical contact',
                'verbose_name_plural': 'historical contacts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='NonCompliance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('missed_appointment', 'Missed appointment'), ('condition_not_met', 'Condition not met'), ('new_offence', 'New offence')], max_length=20)),
                ('occurred_on', models.DateField()),
                ('reasonable_excuse', models.BooleanField()),
                ('response', models.CharField(choices=[('none', 'No action'), ('warning', 'Warning'), ('variation', 'Vary the contract'), ('extension', 'Extend the contract'), ('propose_breach', 'Propose breach')], max_length=20)),
                ('notes', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='non_compliance', to='cases.case')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contracts.contact')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('condition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contracts.condition')),
            ],
            options={
                'ordering': ['-occurred_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ClosureProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('result', models.CharField(choices=[('completed', 'Completed'), ('breached', 'Breached'), ('withdrawn', 'Withdrawn')], max_length=20)),
                ('withdrawal_reason', models.CharField(blank=True, max_length=30)),
                ('reason', models.TextField()),
                ('proposed_at', models.DateTimeField(auto_now_add=True)),
                ('decision', models.CharField(choices=[('pending', 'Waiting for a supervisor'), ('approved', 'Approved'), ('refused', 'Refused')], default='pending', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_note', models.TextField(blank=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='closure_proposals', to='cases.case')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('breach_on', models.DateField(blank=True, null=True, verbose_name='Date of the breach')),
                ('circumstances', models.TextField(blank=True, verbose_name='What led to the breach')),
                ('conditions_breached', models.ManyToManyField(blank=True, related_name='+', to='contracts.condition')),
                ('discussion', models.TextField(blank=True, verbose_name='Discussion with the supervisor')),
                ('new_offence', models.CharField(blank=True, max_length=300, verbose_name='The new offence, if the breach is one')),
                ('tried', models.TextField(blank=True, verbose_name='What was tried before proposing it')),
                ('victim_update_reason', models.TextField(blank=True, verbose_name='Why the victim was not updated')),
            ],
            options={
                'ordering': ['-proposed_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('decision', 'pending')), fields=('case',), name='one_pending_closure_per_case')],
            },
        ),
        migrations.AddConstraint(
            model_name='needsassessment',
            constraint=models.UniqueConstraint(fields=('case', 'kind'), name='one_assessment_of_each_kind_per_case'),
        ),
        migrations.AddConstraint(
            model_name='needscore',
            constraint=models.UniqueConstraint(fields=('assessment', 'domain'), name='one_score_per_domain'),
        ),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(('amount__isnull', True), models.Q(('amount__gt', 0), ('amount__lte', Decimal('5000'))), _connector='OR'), name='compensation_amount_positive_and_capped'),
        ),
        migrations.RunPython(data_forwards, data_backwards),
    ]
