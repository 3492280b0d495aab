"""Celery wiring: eager in-process without a broker, a real worker over Redis when there is one."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from conftest import REAL_WORKER
from oocr.celery import app, health


def test_health_task_runs_in_process_without_a_broker():
    # A fresh interpreter with no broker configured, whatever this run uses.
    environment = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CELERY_BROKER_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "from oocr.celery import health; print(health.delay('hello').get(timeout=5))"],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello"


def test_tasks_of_every_app_are_discovered():
    app.loader.import_default_modules()
    assert "oocr.health" in app.tasks


@REAL_WORKER
@pytest.mark.django_db
def test_health_task_round_trip_through_a_real_worker(real_celery_worker):
    app.conf.task_always_eager = False  # the autouse fixture restores it afterwards
    token = uuid.uuid4().hex
    result = health.apply_async(args=[token], queue=real_celery_worker.queue)
    # Tasks run eagerly earlier in this process leave Celery's guard against waiting inside a task set.
    assert result.get(timeout=60, disable_sync_subtasks=False) == token


# --- Every task survives a killed worker (README, "Jobs and a killed worker") ------------------------------------


def test_every_task_is_acknowledged_late_and_put_back_when_its_worker_is_lost():
    from oocr.celery import OocrTask

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert len(ours) >= 6
    for name, task in ours.items():
        assert isinstance(task, OocrTask), name
        assert (task.acks_late, task.reject_on_worker_lost) == (True, True), name
    assert (app.conf.task_acks_late, app.conf.task_reject_on_worker_lost, app.conf.worker_prefetch_multiplier) == (True, True, 1)


def test_no_task_outlives_the_visibility_timeout_and_the_sweeper_waits_for_a_restarted_worker():
    app.loader.import_default_modules()
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility == settings.JOB_VISIBILITY_TIMEOUT < 3600  # Redis's default hour is what the issue found
    for name, task in app.tasks.items():
        if not name.startswith("celery."):
            # A task still running when Redis hands its message on would run twice at once.
            assert (task.time_limit or app.conf.task_time_limit) <= settings.JOB_LONGEST_SECONDS < visibility, name
    # A task waiting for its retry holds its message unacknowledged too.
    assert settings.JOB_RETRY_BACKOFF_MAX < visibility
    # The sweeper gives a killed worker's job to a restarted worker first.
    assert settings.JOB_STALE_AFTER_SECONDS > visibility + settings.JOB_RETRY_BACKOFF_MAX


@app.task(name="tests.flaky_database", bind=True)
def flaky_database(self):
    from django.db import OperationalError

    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize("task, redelivered, error", [
    (health, True, "WorkerLost"),  # its worker was killed: Redis (or the pool) gave the message back
    (flaky_database, False, "OperationalError"),
])
def test_a_task_whose_worker_was_lost_or_that_met_a_passing_error_is_retried_after_a_growing_wait(
        monkeypatch, task, redelivered, error):
    from celery.exceptions import Retry

    asked = []

    def retry(*, exc, countdown):
        asked.append((type(exc).__name__, countdown))
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(task, "retry", retry)
    for retries in range(4):
        task.push_request(delivery_info={"redelivered": redelivered}, is_eager=False, retries=retries)
        try:
            with pytest.raises(Retry):
                task()
        finally:
            task.pop_request()
    assert [name for name, _ in asked] == [error] * 4
    # Randomised (full jitter) below a cap that doubles: 10, 20, 40, 80 seconds.
    assert all(0 <= countdown <= settings.JOB_RETRY_BACKOFF * 2 ** n for n, (_, countdown) in enumerate(asked))


def test_a_task_delivered_the_first_time_runs_at_once():
    health.push_request(delivery_info={"redelivered": False}, is_eager=False, retries=0)
    try:
        assert health("pong") == "pong"
    finally:
        health.pop_request()
