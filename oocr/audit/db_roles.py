"""The application's PostgreSQL role: everything on the tables it works with, and only INSERT and SELECT on the
access log, which it does not own.

Two roles (README, "The access log cannot be emptied from inside"):

- the **owner** (`DATABASE_OWNER_URL`, else whoever runs `migrate`) creates and owns every table; `migrate`
  connects as it;
- the **application** connects with `DATABASE_URL` as a login role that is a member of the group role
  `DATABASE_APP_ROLE` (default `oocr_app`), which holds the privileges granted here: SELECT, INSERT, UPDATE
  and DELETE on every table (and, through default privileges, on every table the owner creates later),
  the sequences, USAGE and CREATE on the schema (the crime record import stages rows in a table of its own),
  and on `audit_accesslog` SELECT and INSERT only. Not owning the table, it cannot TRUNCATE, ALTER or DROP
  it, nor disable its trigger; not a superuser, it cannot set `session_replication_role`.

The migration `audit 0003` grants these as the owner (creating the group role if the owner may create roles);
`manage.py database_app_role` does it again, and creates the login role, for a database set up the other way
round. Both are safe to repeat.
"""

import re

from django.conf import settings

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
ACCESS_LOG_TABLE = "audit_accesslog"


def role_name_check(name: str) -> str:
    if not ROLE_NAME.fullmatch(name):
        raise ValueError(f"A role name is lower-case letters, digits and _, not {name!r}")
    return name


def app_role() -> str:
    return role_name_check(settings.DATABASE_APP_ROLE) if settings.DATABASE_APP_ROLE else ""


def role_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    return cursor.fetchone() is not None


def may_create_roles(cursor) -> bool:
    cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def group_role_create(cursor, name: str) -> None:
    """A role nobody logs in as, holding the application's privileges. Safe when another process makes it at once."""
    role_name_check(name)
    cursor.execute(
        "DO $$ BEGIN "
        f"CREATE ROLE {name} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
        "END $$"
    )


def app_privileges_sql(cursor, role: str) -> list[str]:
    """The statements that give `role` what the application needs, run as the owner of the tables."""
    role_name_check(role)
    cursor.execute("SELECT current_database(), current_schema()")
    database, schema = cursor.fetchone()
    database = '"' + database.replace('"', '""') + '"'
    schema = '"' + schema.replace('"', '""') + '"'
    return [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
        f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # Tables and sequences the owner creates in later migrations get the same.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        # The access log: read and append, nothing else.
        f"REVOKE ALL ON {ACCESS_LOG_TABLE} FROM PUBLIC",
        f"REVOKE ALL ON {ACCESS_LOG_TABLE} FROM {role}",
        f"GRANT SELECT, INSERT ON {ACCESS_LOG_TABLE} TO {role}",
    ]


def app_privileges_grant(cursor, role: str, *, create: bool = True) -> bool:
    """Grant the application's privileges to `role` (creating it as a group role if missing and allowed).

    Returns False, having done nothing, when the role does not exist and cannot be created here.
    """
    cursor.execute("SELECT %s = current_user", [role])
    if cursor.fetchone()[0]:
        raise ValueError(f"DATABASE_APP_ROLE is {role}, the owner of the tables: give the application a role of its own")
    if not role_exists(cursor, role):
        if not (create and may_create_roles(cursor)):
            return False
        group_role_create(cursor, role)
    for statement in app_privileges_sql(cursor, role):
        cursor.execute(statement)
    return True
