"""The daily reminders job: thin, safe to repeat, scheduled by django-celery-beat (migration 0008)."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from contracts.services.reminders import reminders_send


@shared_task(name="contracts.send_reminders", soft_time_limit=15 * 60, time_limit=16 * 60)
def send_reminders(run_date: str | None = None) -> dict:
    """Remind everyone of what is due on `run_date` (ISO date; today by default). Running it again sends nothing twice.

    A worker killed mid-run commits nothing (one transaction); its retry (oocr/celery.py OocrTask) records every
    reminder then, and sends the messages still waiting, those of an earlier run included.
    """
    run = reminders_send(on=date.fromisoformat(run_date) if run_date else timezone.localdate())
    return {"run_date": run.run_date.isoformat(), "reminders": run.reminders_made, "deliveries": run.deliveries_made}
