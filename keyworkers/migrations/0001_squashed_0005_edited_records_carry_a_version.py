"""keyworkers 0001-0005 squashed: 5 migrations in one, for a quicker `migrate` of a new database.

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
from decimal import Decimal
from django.conf import settings
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


class Migration(migrations.Migration):
    replaces = [
        ('keyworkers', '0001_initial'),
        ('keyworkers', '0002_review_pending_due_on'),
        ('keyworkers', '0003_end_allocations_of_closed_cases'),
        ('keyworkers', '0004_calendar_token'),
        ('keyworkers', '0005_edited_records_carry_a_version')
    ]

    dependencies = [
        ('cases', '0005_team_cases_and_allocation_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL)
    ]

    operations = [
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('points_to_contact', models.PositiveSmallIntegerField(default=2, verbose_name='Points: waiting for first contact')),
                ('points_assessment', models.PositiveSmallIntegerField(default=3, verbose_name='Points: in assessment')),
                ('points_active', models.PositiveSmallIntegerField(default=2, verbose_name='Points: active contract')),
                ('points_enhanced', models.PositiveSmallIntegerField(default=1, verbose_name='Extra points: enhanced offer')),
                ('review_working_days', models.PositiveSmallIntegerField(default=5, verbose_name='Review a new allocation within (working days)')),
            ],
        ),
        migrations.CreateModel(
            name='Allocation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('allocated_at', models.DateTimeField(db_index=True)),
                ('note', models.TextField(blank=True, help_text='Why this keyworker, when over capacity or on leave.')),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, choices=[('leave', 'Keyworker on leave or absent'), ('workload', 'Balancing workload'), ('specialism', 'Needs a specialist keyworker'), ('conflict', 'Conflict of interest'), ('client_request', 'The person asked for a change'), ('moved', 'The person moved area'), ('left_team', 'Keyworker left the team'), ('case_closed', 'The case closed'), ('other', 'Other')], max_length=20)),
                ('end_note', models.TextField(blank=True)),
                ('allocated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='cases.case')),
                ('ended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('keyworker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-allocated_at', '-id'],
                'permissions': [('allocate_case', 'Can allocate and reallocate cases')],
            },
        ),
        migrations.CreateModel(
            name='AllocationReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_on', models.DateField(db_index=True)),
                ('outcome', models.CharField(blank=True, choices=[('agreed', 'Agreed'), ('changed', 'Changed')], max_length=10)),
                ('note', models.TextField(blank=True)),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('allocation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='review', to='keyworkers.allocation')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['due_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalTeam',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=100)),
                ('points_to_contact', models.PositiveSmallIntegerField(default=2, verbose_name='Points: waiting for first contact')),
                ('points_assessment', models.PositiveSmallIntegerField(default=3, verbose_name='Points: in assessment')),
                ('points_active', models.PositiveSmallIntegerField(default=2, verbose_name='Points: active contract')),
                ('points_enhanced', models.PositiveSmallIntegerField(default=1, verbose_name='Extra points: enhanced offer')),
                ('review_working_days', models.PositiveSmallIntegerField(default=5, verbose_name='Review a new allocation within (working days)')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical team',
                'verbose_name_plural': 'historical teams',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalAllocation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('allocated_at', models.DateTimeField(db_index=True)),
                ('note', models.TextField(blank=True, help_text='Why this keyworker, when over capacity or on leave.')),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, choices=[('leave', 'Keyworker on leave or absent'), ('workload', 'Balancing workload'), ('specialism', 'Needs a specialist keyworker'), ('conflict', 'Conflict of interest'), ('client_request', 'The person asked for a change'), ('moved', 'The person moved area'), ('left_team', 'Keyworker left the team'), ('case_closed', 'The case closed'), ('other', 'Other')], max_length=20)),
                ('end_note', models.TextField(blank=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('allocated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                ('ended_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('keyworker', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical allocation',
                'verbose_name_plural': 'historical allocations',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalStaffProfile',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('area', models.CharField(blank=True, help_text='Postcode area the keyworker covers, like PL.', max_length=4)),
                ('fte', models.DecimalField(decimal_places=2, default=Decimal('1.00'), max_digits=3, verbose_name='Full-time equivalent')),
                ('capacity_points', models.PositiveSmallIntegerField(default=60, help_text='Workload points a full-time keyworker holds.')),
                ('specialism_women', models.BooleanField(default=False, verbose_name="Women's specialism")),
                ('specialism_young_adults', models.BooleanField(default=False, verbose_name='Young adults (18 to 25) specialism')),
                ('availability', models.CharField(choices=[('active', 'Available'), ('on_leave', 'On leave'), ('inactive', 'Not taking cases')], default='active', max_length=20)),
                ('leave_until', models.DateField(blank=True, null=True, verbose_name='On leave until')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='keyworkers.team')),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'verbose_name': 'historical staff profile',
                'verbose_name_plural': 'historical staff profiles',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='StaffProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area', models.CharField(blank=True, help_text='Postcode area the keyworker covers, like PL.', max_length=4)),
                ('fte', models.DecimalField(decimal_places=2, default=Decimal('1.00'), max_digits=3, verbose_name='Full-time equivalent')),
                ('capacity_points', models.PositiveSmallIntegerField(default=60, help_text='Workload points a full-time keyworker holds.')),
                ('specialism_women', models.BooleanField(default=False, verbose_name="Women's specialism")),
                ('specialism_young_adults', models.BooleanField(default=False, verbose_name='Young adults (18 to 25) specialism')),
                ('availability', models.CharField(choices=[('active', 'Available'), ('on_leave', 'On leave'), ('inactive', 'Not taking cases')], default='active', max_length=20)),
                ('leave_until', models.DateField(blank=True, null=True, verbose_name='On leave until')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_profile', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='keyworkers.team')),
                ('calendar_token', models.CharField(blank=True, db_index=True, editable=False, max_length=43)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
            ],
            options={
                'ordering': ['user__first_name', 'user__last_name'],
                'permissions': [('manage_staff', 'Can maintain staff profiles, capacity and availability')],
            },
        ),
        migrations.AddIndex(
            model_name='allocation',
            index=models.Index(fields=['keyworker', 'ended_at'], name='keyworkers__keywork_202eed_idx'),
        ),
        migrations.AddConstraint(
            model_name='allocation',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('case',), name='one_open_allocation_per_case'),
        ),
        migrations.AddConstraint(
            model_name='staffprofile',
            constraint=models.CheckConstraint(condition=models.Q(('fte__gt', 0), ('fte__lte', 1)), name='staff_fte_between_0_and_1'),
        ),
        migrations.AddIndex(
            model_name='allocationreview',
            index=models.Index(condition=models.Q(('reviewed_at__isnull', True)), fields=['due_on'], name='review_pending_due_on'),
        ),
    ]
