"""The daily reminders job's write: what `contracts.reminders` finds due, recorded and sent once by notifications."""

from datetime import date

from contracts.reminders import KINDS, due_on
from oocr.notifications.services import reminders_record


def reminders_send(*, on: date):
    """Record and send the day's reminders (contracts/reminders.py says what is due; notifications sends it once)."""
    return reminders_record(
        on=on, collect=lambda lead_days: due_on(on, lead_days=lead_days),
        labels={code: kind.label for code, kind in KINDS.items()},
    )
