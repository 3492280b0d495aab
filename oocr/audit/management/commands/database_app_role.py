"""Give the application's PostgreSQL role its privileges, and create its login role: run as the tables' owner.

    DATABASE_URL=<owner's URL> python manage.py database_app_role --login oocr_web

creates the group role DATABASE_APP_ROLE (default oocr_app) if missing, grants it what the application needs
(everything on every table but the access log, where only SELECT and INSERT; oocr/audit/db_roles.py), and
with --login creates that login role as a member of it. The password comes from DATABASE_APP_PASSWORD
(never a command-line argument, which other users of the machine can see). Safe to run again.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from oocr.audit.db_roles import app_privileges_grant, app_role, group_role_create, role_exists, role_name_check
from oocr.audit.owner import connect_as_owner


class Command(BaseCommand):
    help = "Create the application's PostgreSQL roles and grant their privileges (run as the owner of the tables)."

    def add_arguments(self, parser):
        parser.add_argument("--login", default="", help="also create this login role, a member of the group role")

    def handle(self, *args, login: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Roles are a PostgreSQL matter: SQLite has none.")
        connect_as_owner(connection.alias)
        role = app_role()
        if not role:
            raise CommandError("Set DATABASE_APP_ROLE to the name of the application's group role.")
        try:
            login = role_name_check(login) if login else ""
        except ValueError as error:
            raise CommandError(str(error)) from error
        with transaction.atomic(), connection.cursor() as cursor:
            group_role_create(cursor, role)
            app_privileges_grant(cursor, role)
            if login:
                password = os.environ.get("DATABASE_APP_PASSWORD", "")
                if not role_exists(cursor, login):
                    cursor.execute(f"CREATE ROLE {login} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                                   "NOBYPASSRLS INHERIT")
                if password:
                    cursor.execute(f"ALTER ROLE {login} PASSWORD %s", [password])
                cursor.execute(f"GRANT {role} TO {login}")
        self.stdout.write(f"{role} holds the application's privileges" + (f"; {login} logs in as a member of it." if login else "."))
