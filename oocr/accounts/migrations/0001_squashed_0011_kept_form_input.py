"""accounts 0001-0011 squashed: 11 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The schema operations are optimized together, and the data functions run after them, once each, in
their order: every table of this app is created here, so the functions meet empty tables and the latest
columns. Back-fills of rows that existed before a change (nothing to fill in a new database) are left out.
"""

import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import importlib
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


# The replaced migrations' data operations, in their order: (module, index of the operation).
DATA = [
    ('oocr.accounts.migrations.0010_account_changes_and_manage_accounts', 2),
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
        ('accounts', '0001_initial'),
        ('accounts', '0002_roles'),
        ('accounts', '0003_alter_capability_options'),
        ('accounts', '0004_intake_rights'),
        ('accounts', '0005_allocation_rights'),
        ('accounts', '0006_case_work_rights'),
        ('accounts', '0007_referral_rights'),
        ('accounts', '0008_security_rights'),
        ('accounts', '0009_evaluation_rights'),
        ('accounts', '0010_account_changes_and_manage_accounts'),
        ('accounts', '0011_kept_form_input')
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('audit', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('cases', '0004_eligibility_rules'),
        ('cases', '0005_team_cases_and_allocation_events'),
        ('keyworkers', '0001_initial'),
        ('contracts', '0006_variations'),
        ('referrals', '0001_initial'),
        ('evaluation', '0002_reference_data')
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalUser',
            fields=[
                ('id', models.IntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(db_index=True, error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical user',
                'verbose_name_plural': 'historical users',
                'db_table': 'accounts_historicaluser',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Capability',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'permissions': [('hold_caseload', 'Can hold a caseload of cases'), ('allocate_cases', 'Can allocate cases and approve decisions'), ('view_team_performance', "Can see the team's workload and performance"), ('administer_service', 'Can manage reference data and jobs'), ('manage_accounts', "Can add and close staff accounts and change other people's roles"), ('reset_two_factor', "Can reset a person's two-factor sign-in"), ('review_retention', 'Can decide whether closed records are kept or disposed of'), ('produce_subject_access', 'Can produce everything held about a person (subject access)')],
                'managed': False,
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='AccountChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('added', 'Account added'), ('roles', 'Roles changed'), ('closed', 'Account closed'), ('reopened', 'Account reopened')], max_length=20)),
                ('roles_before', models.CharField(blank=True, max_length=200)),
                ('roles_after', models.CharField(blank=True, max_length=200)),
                ('reason', models.TextField(max_length=1000)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='account_changes', to=settings.AUTH_USER_MODEL)),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='KeptFormInput',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('path', models.CharField(max_length=2000)),
                ('data', models.JSONField()),
                ('kept_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.RunPython(data_forwards, data_backwards),
    ]
