"""Administrators run the evaluation; team managers and administrators see the outcomes."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_security_rights"),
        ("evaluation", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
