"""Project-wide test set-up: report the services used, Chromium launch options, role fixtures."""

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL or "none (tasks run eagerly)"
    return [
        f"database engine: {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})",
        f"celery broker: {broker}",
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive the system Chromium (never a downloaded one)."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def celery_tasks_in_process():
    """Run tasks in the test's own process and transaction, whatever broker the run has.

    The round trip through a real Redis-backed worker is tested on its own
    (oocr/tests/test_celery.py), which switches this off.
    """
    from oocr.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def roles(db):
    """The five role groups, recreated for tests that empty the database between runs."""
    from oocr.accounts.roles import roles_sync

    roles_sync()
