"""Django's `migrate`, connected as the owner of the tables (DATABASE_OWNER_URL) when one is configured.

The application's own role may not alter tables, nor change the access log: migrations, which create and alter
them, run as the owner. Without DATABASE_OWNER_URL this is Django's command unchanged.
"""

from django.core.management.commands import migrate

from oocr.audit.owner import connect_as_owner


class Command(migrate.Command):
    def handle(self, *args, **options):
        if connect_as_owner(options["database"]) and options["verbosity"] >= 1:
            self.stdout.write("Connected as the owner of the tables (DATABASE_OWNER_URL).")
        return super().handle(*args, **options)
