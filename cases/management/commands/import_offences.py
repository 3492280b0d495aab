"""`manage.py import_offences PATH`: the offence list added to or updated from a CSV file, every row or none
(`offence_import_csv` decides)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.services import offence_import_csv


class Command(BaseCommand):
    help = "Add or update offences from a CSV file (code,title,mode_of_trial,crime_subgroup): every row or none."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            created, updated = offence_import_csv(text=path.read_text(encoding="utf-8-sig"))
        except ValidationError as error:
            raise CommandError("Nothing imported:\n" + "\n".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Offences imported: {created} added, {updated} updated."))
