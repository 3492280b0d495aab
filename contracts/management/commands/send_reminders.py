"""`python manage.py send_reminders [--date YYYY-MM-DD]`: the daily reminders job, now, in this process."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the reminders due on a date (today by default). Running it twice sends nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to remind for, as YYYY-MM-DD.")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError("Give the date as YYYY-MM-DD, for example 2026-12-01") from error
        today = timezone.localdate()
        if on > today:
            raise CommandError(
                f"The date {on:%-d %B %Y} is in the future: reminders are sent for today ({today:%-d %B %Y}) or a day that has passed"
            )
        run = reminders_send(on=on)
        self.stdout.write(self.style.SUCCESS(
            f"Reminders for {on:%-d %B %Y}: {run.reminders_made} made and {run.deliveries_made} messages queued "
            f"over {run.runs} run{'s' if run.runs != 1 else ''} of the day."
        ))
