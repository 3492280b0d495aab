"""pg_trgm for finding people with similar names; nothing to do on SQLite."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_default_offences")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop)]
