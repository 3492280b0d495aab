"""Give the roles the intake rights: submitting cases, the offence catalogue, eligibility rules."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_alter_capability_options"),
        ("cases", "0004_eligibility_rules"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
