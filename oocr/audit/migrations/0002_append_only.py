"""Make the access log append-only in the database itself.

UPDATE is refused on both engines. DELETE is refused on PostgreSQL; SQLite
keeps DELETE because it is how Django empties tables between tests there
(PostgreSQL uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

POSTGRESQL_FORWARD = """
CREATE FUNCTION audit_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The access log is append-only: entries cannot be changed or deleted.';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only();
"""
POSTGRESQL_BACKWARD = """
DROP TRIGGER audit_accesslog_append_only ON audit_accesslog;
DROP FUNCTION audit_accesslog_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_accesslog_append_only BEFORE UPDATE ON audit_accesslog
BEGIN
    SELECT RAISE(ABORT, 'The access log is append-only: entries cannot be changed or deleted.');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER audit_accesslog_append_only;"


def run(sql_by_vendor):
    def operation(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
