"""A trigram index on people's names for the search box (cases.selectors.case_search): its `%` and `<%` read the
index instead of every person (make bench, national size). PostgreSQL only: nothing to do on SQLite, where the
search compares words instead."""

from django.db import migrations

INDEX = "cases_person_name_key_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_person USING gin (name_key gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_first_contact_versioned")]

    operations = [migrations.RunPython(create, drop)]
