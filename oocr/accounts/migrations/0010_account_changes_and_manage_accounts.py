"""Accounts and roles are changed on the application's pages, recorded with a reason; administrators lose the
Django admin's user and group rights (with which they could make themselves superusers) for `manage_accounts`."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_evaluation_rights'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='capability',
            options={'default_permissions': (), 'managed': False, 'permissions': [('hold_caseload', 'Can hold a caseload of cases'), ('allocate_cases', 'Can allocate cases and approve decisions'), ('view_team_performance', "Can see the team's workload and performance"), ('administer_service', 'Can manage reference data and jobs'), ('manage_accounts', "Can add and close staff accounts and change other people's roles"), ('reset_two_factor', "Can reset a person's two-factor sign-in"), ('review_retention', 'Can decide whether closed records are kept or disposed of'), ('produce_subject_access', 'Can produce everything held about a person (subject access)')]},
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
        migrations.RunPython(roles_migrate, migrations.RunPython.noop),
    ]
