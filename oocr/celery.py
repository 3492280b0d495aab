"""The Celery application: tasks are discovered in every installed app's tasks.py."""

import os

import kombu.exceptions
import redis.exceptions
from celery import Celery, Task
from celery.utils.time import get_exponential_backoff_interval

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oocr.settings")


class WorkerLost(Exception):
    """The worker that was running this task died before the task ended (killed, out of memory, the machine stopped)."""


def transient_errors() -> tuple[type[BaseException], ...]:
    """Errors that a later try may not meet: the database or Redis gone for a while (a restart, a fail-over, a lock wait
    cut short), or a job another worker is still running (JobBusy). A task's own mistakes are not among them:
    retrying those would only repeat them."""
    from django.db import InterfaceError, OperationalError

    from oocr.jobs import JobBusy

    return (OperationalError, InterfaceError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
            kombu.exceptions.OperationalError, ConnectionError, JobBusy)


class OocrTask(Task):
    """Every task of the project (the app's `task_cls`): acknowledged at its end, retried with growing waits.

    Its message is acknowledged only when it ends (`acks_late`), and put back when the pool process running it is
    killed (`reject_on_worker_lost`); when the whole worker is killed, Redis gives the message to another worker after
    the visibility timeout (settings, JOB_VISIBILITY_TIMEOUT). Either way the message comes back marked "redelivered":
    the task is then retried after a wait (WorkerLost) rather than run at once, so a task that kills its worker (one
    too big for the memory) is tried JOB_MAX_RETRIES times with growing waits and then fails, instead of killing
    workers for ever. A transient error (database, Redis) is retried the same way. The waits: about
    JOB_RETRY_BACKOFF x 1, 2, 4, 8, 16 seconds, randomised so that many tasks do not all come back at once, at
    most JOB_RETRY_BACKOFF_MAX. When the tries are used up, the task fails and its `on_failure` says so.

    Tasks are safe to run twice (style.md, 9): a retry or a redelivery repeats nothing that was done.
    """

    acks_late = True
    reject_on_worker_lost = True

    @property
    def max_retries(self) -> int:  # read when used: the settings are not loaded when this module is imported
        from django.conf import settings

        return settings.JOB_MAX_RETRIES

    def retry_wait(self) -> int:
        """Seconds before the next try: exponential, with full jitter, capped."""
        from django.conf import settings

        return get_exponential_backoff_interval(
            factor=settings.JOB_RETRY_BACKOFF, retries=self.request.retries, maximum=settings.JOB_RETRY_BACKOFF_MAX,
            full_jitter=True,
        )

    def __call__(self, *args, **kwargs):
        delivery = self.request.delivery_info or {}
        if delivery.get("redelivered") and not self.request.is_eager:
            raise self.retry(exc=WorkerLost(f"The worker running {self.name} stopped before it ended"),
                             countdown=self.retry_wait())
        try:
            return super().__call__(*args, **kwargs)
        except transient_errors() as error:
            if self.request.is_eager:
                raise
            raise self.retry(exc=error, countdown=self.retry_wait()) from error


app = Celery("oocr", task_cls=OocrTask)
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


def beat_interval_ensure(apps, *, name: str, task: str, minutes: int, description: str = "") -> None:
    """For a data migration: run `task` every `minutes` (once; administrators may change it later)."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=name, defaults={"task": task, "interval": interval, "kwargs": "{}", "description": description},
    )
