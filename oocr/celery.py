"""The Celery application: tasks are discovered in every installed app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oocr.settings")

app = Celery("oocr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="oocr.health", soft_time_limit=20, time_limit=30)
def health(value: str = "pong") -> str:
    """Echo a value back: proves that a worker receives tasks and returns results."""
    return value


def beat_schedule_ensure(apps, *, name: str, task: str, hour: str, day_of_month: str = "*", description: str = "") -> None:
    """For a data migration: schedule `task` at `hour`:00 London time (once; administrators may change it later)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour=hour, day_of_week="*", day_of_month=day_of_month, month_of_year="*", timezone="Europe/London",
    )
    PeriodicTask.objects.get_or_create(
        name=name, defaults={"task": task, "crontab": crontab, "kwargs": "{}", "description": description},
    )
