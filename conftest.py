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


@pytest.fixture
def roles(db):
    """The five role groups, recreated for tests that empty the database between runs."""
    from oocr.accounts.roles import roles_sync

    roles_sync()
