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
