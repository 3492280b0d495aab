"""`python manage.py run_reoffending_checks [--as-of YYYY-MM-DD]`: the reoffending checks that are due, run now."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluation.services import reoffending_checks_run_all
from oocr.errors import DomainError


class Command(BaseCommand):
    help = ("Run every active reoffending definition for the closed cases that have reached a follow-up point. Safe to re-run. "
            "The runs change no report until an administrator publishes them.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of: date | None, **options):
        try:
            runs = reoffending_checks_run_all(as_of=as_of or timezone.localdate())
        except DomainError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for run in runs:
            self.stdout.write(self.style.SUCCESS(
                f"{run}: {run.cases_checked} cases checked, {run.cases_reoffended} reoffended. Not published yet."
            ))
