"""Give the roles the allocation rights: team view for supervisors, staff profiles for the team manager."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_intake_rights"),
        ("cases", "0005_team_cases_and_allocation_events"),
        ("keyworkers", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
