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
