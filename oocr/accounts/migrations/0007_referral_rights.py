"""Everyone who works cases reads the partner directory; team managers and administrators keep it and see its report."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_case_work_rights"),
        ("referrals", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
