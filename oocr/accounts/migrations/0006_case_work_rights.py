"""Administrators maintain the need domains, the condition library and the scheme settings."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_allocation_rights"),
        ("contracts", "0006_variations"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
