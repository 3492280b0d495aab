"""Security rights: resetting two-factor sign-in, retention review and subject access."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_referral_rights'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='capability',
            options={'default_permissions': (), 'managed': False, 'permissions': [('hold_caseload', 'Can hold a caseload of cases'), ('allocate_cases', 'Can allocate cases and approve decisions'), ('view_team_performance', "Can see the team's workload and performance"), ('administer_service', 'Can manage users, reference data and jobs'), ('reset_two_factor', "Can reset a person's two-factor sign-in"), ('review_retention', 'Can decide whether closed records are kept or disposed of'), ('produce_subject_access', 'Can produce everything held about a person (subject access)')]},
        ),
        migrations.RunPython(roles_migrate, migrations.RunPython.noop),
    ]
