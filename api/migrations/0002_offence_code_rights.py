"""Administrators maintain the force's offence codes that the API maps to the catalogue."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_kept_form_input"),
        ("api", "0001_api_clients_referrals_events_webhooks"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
