"""evaluation 0001-0009 squashed: 9 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The schema operations are optimized together, and the data functions run after them, once each, in
their order: every table of this app is created here, so the functions meet empty tables and the latest
columns. Back-fills of rows that existed before a change (nothing to fill in a new database) are left out.
"""

import django.db.models.deletion
import importlib
from django.conf import settings
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


# The replaced migrations' data operations, in their order: (module, index of the operation).
DATA = [
    ('evaluation.migrations.0002_reference_data', 0),
    ('evaluation.migrations.0002_reference_data', 1),
    ('evaluation.migrations.0005_import_cancel_heartbeat_and_check_request', 6),
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
        ('evaluation', '0001_crime_records_checks_surveys'),
        ('evaluation', '0002_reference_data'),
        ('evaluation', '0003_result_without_database_constraints'),
        ('evaluation', '0004_check_run_publishing'),
        ('evaluation', '0005_import_cancel_heartbeat_and_check_request'),
        ('evaluation', '0006_survey_response_version'),
        ('evaluation', '0007_report_charts_kept_with_the_run'),
        ('evaluation', '0008_crime_record_import_parts'),
        ('evaluation', '0009_survey_response_comments')
    ]

    dependencies = [
        ('cases', '0011_victim_contacts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('django_celery_beat', '0019_alter_periodictasks_options')
    ]

    operations = [
        migrations.CreateModel(
            name='ReoffendingDefinition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('follow_up_months', models.JSONField(default=list, help_text='Follow-up periods in months, for example [12, 24].')),
                ('start_point', models.CharField(choices=[('offence_date', 'Offence date (the index offence)'), ('decision_date', 'Decision date (the person chose the scheme or court)'), ('contract_end', 'Contract end (or the date the case closed, without a contract)')], default='decision_date', max_length=20)),
                ('event_types', models.JSONField(default=list, help_text='The event types that count as reoffending.')),
                ('waiting_months', models.PositiveSmallIntegerField(blank=True, default=6, help_text='Months after the window for the outcome (caution or conviction) to be recorded. Empty: no outcome needed.', null=True)),
                ('is_active', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='CrimeRecordImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=255)),
                ('status', models.CharField(choices=[('waiting', 'Waiting to start'), ('running', 'Checking and loading'), ('loaded', 'Loaded'), ('failed', 'Not loaded'), ('cancelled', 'Cancelled: nothing was loaded')], default='waiting', max_length=20)),
                ('content', models.TextField(blank=True)),
                ('total_rows', models.PositiveIntegerField(default=0)),
                ('rows_checked', models.PositiveIntegerField(default=0)),
                ('rows_loaded', models.PositiveIntegerField(default=0)),
                ('rows_new', models.PositiveIntegerField(default=0)),
                ('errors', models.JSONField(blank=True, default=list, help_text='Each wrong row: line, column, problem.')),
                ('matched', models.PositiveIntegerField(default=0)),
                ('queued_for_review', models.PositiveIntegerField(default=0)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('cancel_requested_at', models.DateTimeField(blank=True, null=True)),
                ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-uploaded_at', '-id'],
                'permissions': [('manage_evaluation', 'Can import crime records, confirm matches and run reoffending checks'), ('view_outcomes', 'Can see the outcomes dashboard and the cohort report')],
            },
        ),
        migrations.CreateModel(
            name='CrimeRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('crime_reference', models.CharField(max_length=30)),
                ('event_type', models.CharField(choices=[('arrest', 'Arrest'), ('named_suspect', 'Named suspect'), ('charge', 'Charge'), ('caution', 'Caution'), ('conviction', 'Conviction'), ('community_resolution', 'Community resolution'), ('outcome_22', 'Outcome 22 (deferred prosecution)')], max_length=30)),
                ('offence_code', models.CharField(max_length=20)),
                ('offence_title', models.CharField(blank=True, max_length=200)),
                ('offence_date', models.DateField()),
                ('outcome_date', models.DateField(blank=True, null=True)),
                ('pnc_id', models.CharField(blank=True, max_length=20, verbose_name='PNC ID')),
                ('surname', models.CharField(max_length=100)),
                ('forenames', models.CharField(max_length=100)),
                ('date_of_birth', models.DateField()),
                ('name_key', models.CharField(help_text='Forenames and surname as duplicate checks compare them.', max_length=201)),
                ('person_key', models.CharField(max_length=230)),
                ('match_method', models.CharField(blank=True, choices=[('', 'Not matched'), ('pnc_id', 'PNC ID'), ('name_and_birth', 'Names and date of birth'), ('confirmed', 'Confirmed by an administrator')], default='', max_length=20)),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='crime_records', to='cases.person')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='records', to='evaluation.crimerecordimport')),
            ],
            options={
                'ordering': ['offence_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HarmWeightSet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('version', models.CharField(max_length=40)),
                ('kind', models.CharField(choices=[('subgroup', 'By Home Office crime subgroup'), ('offence', 'By offence code')], max_length=20)),
                ('source', models.TextField(help_text='Where the weights come from.')),
                ('is_current', models.BooleanField(default=False, help_text='The set new reoffending checks use.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='HarmWeight',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text="The offence code, or the crime subgroup's name.", max_length=100)),
                ('title', models.CharField(blank=True, max_length=200)),
                ('days', models.DecimalField(decimal_places=2, max_digits=9)),
                ('weight_set', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='weights', to='evaluation.harmweightset')),
            ],
            options={
                'ordering': ['key'],
            },
        ),
        migrations.CreateModel(
            name='PersonMatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=200)),
                ('status', models.CharField(choices=[('waiting', 'Waiting for a decision'), ('confirmed', 'Confirmed: the same person'), ('rejected', 'Rejected: a different person')], db_index=True, default='waiting', max_length=20)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('crime_record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='candidate_matches', to='evaluation.crimerecord')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.person')),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReoffendingCheckRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('as_of', models.DateField()),
                ('status', models.CharField(choices=[('running', 'Running'), ('finished', 'Finished: not published'), ('failed', 'Failed'), ('published', 'Published'), ('superseded', 'Superseded by a later published run'), ('set_aside', 'Not published: a newer run replaced it')], default='running', max_length=20)),
                ('cases_checked', models.PositiveIntegerField(default=0)),
                ('cases_reoffended', models.PositiveIntegerField(default=0)),
                ('started_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('weight_set', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='evaluation.harmweightset')),
                ('definition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='evaluation.reoffendingdefinition')),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('superseded_at', models.DateTimeField(blank=True, null=True)),
                ('superseded_by', models.ForeignKey(blank=True, help_text='The published run that replaced this one, or the newer run that set it aside.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='evaluation.reoffendingcheckrun')),
                ('request_key', models.CharField(blank=True, default='', max_length=100)),
            ],
            options={
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SurveyInstrument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=40)),
                ('version', models.PositiveSmallIntegerField(default=1)),
                ('name', models.CharField(max_length=200)),
                ('respondent', models.CharField(choices=[('person', 'The person'), ('victim', 'The victim')], max_length=10)),
                ('items', models.JSONField(help_text='A list of {code, text}.')),
                ('is_current', models.BooleanField(default=True)),
            ],
            options={
                'ordering': ['respondent', 'code', '-version'],
                'constraints': [models.UniqueConstraint(fields=('code', 'version'), name='survey_instrument_version')],
            },
        ),
        migrations.CreateModel(
            name='SurveyResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('timing', models.CharField(choices=[('start', 'At the start'), ('end', 'At closure')], max_length=10)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_responses', to='cases.case')),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='evaluation.surveyinstrument')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
                ('comments', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['recorded_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SurveyAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item_code', models.CharField(max_length=40)),
                ('score', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='evaluation.surveyresponse')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='ReoffendingResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('follow_up_months', models.PositiveSmallIntegerField()),
                ('start_date', models.DateField()),
                ('window_end', models.DateField()),
                ('reached_follow_up', models.BooleanField()),
                ('observed_days', models.PositiveIntegerField()),
                ('reoffended', models.BooleanField()),
                ('first_offence_date', models.DateField(blank=True, null=True)),
                ('reoffence_count', models.PositiveIntegerField()),
                ('harm_after', models.DecimalField(decimal_places=2, max_digits=12)),
                ('harm_before', models.DecimalField(decimal_places=2, max_digits=12)),
                ('case', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='reoffending_results', to='cases.case')),
                ('run', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='results', to='evaluation.reoffendingcheckrun')),
            ],
        ),
        migrations.CreateModel(
            name='ReportChart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text="The chart's name and a digest of its measure, filters and breakdown.", max_length=80)),
                ('svg', models.BinaryField()),
                ('drawn_at', models.DateTimeField(auto_now_add=True)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='charts', to='evaluation.reoffendingcheckrun')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('run', 'key'), name='report_chart_once')],
            },
        ),
        migrations.CreateModel(
            name='CrimeRecordImportPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('data', models.BinaryField()),
                ('lines', models.PositiveIntegerField(help_text='Line ends in this part (to count the rows without reading them).')),
                ('upload', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='evaluation.crimerecordimport')),
            ],
            options={
                'ordering': ['upload', 'number'],
                'constraints': [models.UniqueConstraint(fields=('upload', 'number'), name='crime_record_import_part_once')],
            },
        ),
        migrations.AddIndex(
            model_name='crimerecord',
            index=models.Index(fields=['person', 'offence_date'], name='crime_record_person_date'),
        ),
        migrations.AddIndex(
            model_name='crimerecord',
            index=models.Index(fields=['date_of_birth', 'name_key'], name='crime_record_birth_name'),
        ),
        migrations.AddConstraint(
            model_name='crimerecord',
            constraint=models.UniqueConstraint(fields=('crime_reference', 'person_key', 'event_type'), name='crime_record_key'),
        ),
        migrations.AddConstraint(
            model_name='harmweightset',
            constraint=models.UniqueConstraint(fields=('name', 'version'), name='harm_weight_set_version'),
        ),
        migrations.AddConstraint(
            model_name='harmweight',
            constraint=models.UniqueConstraint(fields=('weight_set', 'key'), name='harm_weight_once'),
        ),
        migrations.AddConstraint(
            model_name='personmatch',
            constraint=models.UniqueConstraint(fields=('crime_record', 'person'), name='person_match_once'),
        ),
        migrations.AddConstraint(
            model_name='reoffendingresult',
            constraint=models.UniqueConstraint(fields=('run', 'case', 'follow_up_months'), name='reoffending_result_once'),
        ),
        migrations.AddConstraint(
            model_name='surveyresponse',
            constraint=models.UniqueConstraint(fields=('case', 'instrument', 'timing'), name='survey_response_once'),
        ),
        migrations.AddConstraint(
            model_name='surveyanswer',
            constraint=models.UniqueConstraint(fields=('response', 'item_code'), name='survey_answer_once'),
        ),
        migrations.AddConstraint(
            model_name='surveyanswer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('score__gte', 1), ('score__lte', 5)), ('score', None), _connector='OR'), name='survey_score_1_to_5'),
        ),
        migrations.AddConstraint(
            model_name='reoffendingcheckrun',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'published')), fields=('definition',), name='one_published_run_per_definition'),
        ),
        migrations.AddConstraint(
            model_name='reoffendingcheckrun',
            constraint=models.UniqueConstraint(condition=models.Q(('request_key', ''), _negated=True), fields=('request_key',), name='one_run_per_check_request'),
        ),
        migrations.RunPython(data_forwards, data_backwards),
    ]
