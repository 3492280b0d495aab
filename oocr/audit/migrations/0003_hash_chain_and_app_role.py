"""The access log becomes tamper-evident, and the application's PostgreSQL role may only append to it and read it.

1. Each entry gets a number (`sequence`) and a hash chained to the entry before it (oocr/audit/chain.py);
   entries already there are chained in the order they were written (as the owner, with the append-only
   trigger set aside for the backfill only).
2. PostgreSQL: the application's group role (DATABASE_APP_ROLE, default oocr_app) is given what the
   application needs on every table, and only SELECT and INSERT on the access log (oocr/audit/db_roles.py).
   The role is created (NOLOGIN) when whoever migrates may create roles; otherwise `manage.py
   database_app_role` does it later. Nothing on SQLite, which has no roles.
3. The daily copy of the access log outside the database is scheduled at 01:00 (oocr/audit/export.py;
   administrators can change the time in Scheduled jobs).
"""

import django.utils.timezone
from django.db import migrations, models

from oocr.audit.chain import CHAIN_HEAD_FUNCTION, GENESIS, VERIFIED_FIELDS, entry_hash
from oocr.celery import beat_schedule_ensure

EXPORT_TASK = "audit.access_log_export"
EXPORT_NAME = "Daily copy of the access log"

SQLITE_TRIGGER = """
CREATE TRIGGER audit_accesslog_append_only BEFORE UPDATE ON audit_accesslog
BEGIN
    SELECT RAISE(ABORT, 'The access log is append-only: entries cannot be changed or deleted.');
END;
"""


def chain_existing_entries(apps, schema_editor):
    connection = schema_editor.connection
    AccessLog = apps.get_model("audit", "AccessLog")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_accesslog_append_only")
        previous, sequence = GENESIS, 0
        fields = [field for field in VERIFIED_FIELDS if field not in ("previous_hash", "entry_hash", "sequence")]
        for entry in AccessLog.objects.using(connection.alias).order_by("id").values(*fields).iterator(chunk_size=2000):
            sequence += 1
            entry["sequence"] = sequence
            entry["ip_address"] = entry["ip_address"] or None
            digest = entry_hash(previous, entry)
            cursor.execute("UPDATE audit_accesslog SET sequence = %s, previous_hash = %s, entry_hash = %s WHERE id = %s",
                           [sequence, previous, digest, entry["id"]])
            previous = digest
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_accesslog ENABLE TRIGGER audit_accesslog_append_only")


def chain_head_function(apps, schema_editor):
    """PostgreSQL: the chain's head read under its lock in one call (oocr/audit/chain.py)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHAIN_HEAD_FUNCTION)


def sqlite_trigger_restore(apps, schema_editor):
    """SQLite rebuilds a table to alter a column, and the rebuilt table has lost its trigger."""
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_accesslog_append_only")
            cursor.execute(SQLITE_TRIGGER)


def app_role_grant(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from oocr.audit.db_roles import app_privileges_grant, app_role

    role = app_role()
    with schema_editor.connection.cursor() as cursor:
        try:
            granted = not role or app_privileges_grant(cursor, role)
        except ValueError as error:  # the application's role named as the owner's: nothing to keep apart
            print(f"\n  {error}")
            return
        if not granted:
            print(f"\n  The role {role} does not exist and may not be created here: "
                  "run `manage.py database_app_role` as a role that may create roles.")


def export_schedule(apps, schema_editor):
    beat_schedule_ensure(apps, name=EXPORT_NAME, task=EXPORT_TASK, hour="1",
                         description="Writes each finished day's access log entries and the chain's head to a file.")


def export_unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=EXPORT_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [
        migrations.AlterField(
            model_name="accesslog", name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="accesslog", name="sequence", field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="accesslog", name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64), preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesslog", name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64), preserve_default=False,
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accesslog", name="sequence", field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(chain_head_function, migrations.RunPython.noop),
        migrations.RunPython(sqlite_trigger_restore, migrations.RunPython.noop),
        migrations.RunPython(export_schedule, export_unschedule),
        migrations.RunPython(app_role_grant, migrations.RunPython.noop),
    ]
