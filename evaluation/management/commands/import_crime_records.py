"""`python manage.py import_crime_records PATH [--user NAME]`: load a crime record extract here, as the upload page does."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from evaluation.models import CrimeRecordImport
from evaluation.services import crime_record_upload_store, crime_record_import_run


class Command(BaseCommand):
    help = "Load a crime record extract (CSV) from the records system: every row or none, then match records to people."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", default="admin", help="The administrator the import is recorded against.")

    def handle(self, *args, path: Path, user: str, **options):
        uploader = get_user_model().objects.filter(username=user).first()
        if uploader is None:
            raise CommandError(f"No user named {user}: give --user the user name of an administrator.")
        with path.open("rb") as file:  # stored a megabyte at a time, never read whole
            upload = CrimeRecordImport.objects.create(file_name=path.name, uploaded_by=uploader)
            crime_record_upload_store(upload.pk, file)
        upload = crime_record_import_run(import_id=upload.pk)
        if upload.status == CrimeRecordImport.Status.FAILED:
            problems = "\n".join(f"Line {e['line']}, {e['column'] or 'file'}: {e['problem']}" for e in upload.errors[:50])
            raise CommandError(f"Nothing loaded: {len(upload.errors)} problem(s).\n{problems}")
        self.stdout.write(self.style.SUCCESS(
            f"Crime records loaded: {upload.rows_loaded} rows ({upload.rows_new} new); {upload.matched} matched to people, "
            f"{upload.queued_for_review} doubtful matches to review."
        ))
