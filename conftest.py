"""Project-wide test set-up: a fast hasher, the reference data, the services used, Chromium, role fixtures."""

import importlib

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


def pytest_configure(config):
    # Factory users are hashed at Django's default 1,000,000 PBKDF2 iterations, about a second each here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The data the migrations ship (roles, offences, rules, need domains, the condition library, partners,
# the evaluation's definitions, the beat schedules): (app, migration, function), each safe to run again.
REFERENCE_DATA = [
    ("cases", "0002_default_offences", "load_offences"),
    ("cases", "0004_eligibility_rules", "create_rules"),
    ("contracts", "0002_default_need_domains", "create_domains"),
    ("contracts", "0004_condition_library", "create_library"),
    ("contracts", "0008_daily_reminders_schedule", "schedule"),
    ("referrals", "0002_default_partners", "load_partners"),
    ("evaluation", "0002_reference_data", "create_reference_data"),
    ("evaluation", "0002_reference_data", "schedule_monthly_check"),
    ("retention", "0002_monthly_review_schedule", "schedule"),
]


def reference_data_load() -> None:
    """Put back what the migrations ship, after a test (or an earlier run with --reuse-db) emptied the tables."""
    from django.apps import apps

    from oocr.accounts.roles import roles_sync

    roles_sync()
    for app, migration, function in REFERENCE_DATA:
        getattr(importlib.import_module(f"{app}.migrations.{migration}"), function)(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Once per database: a reused one may have been emptied by the last run's transactional tests."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture(autouse=True)
def reference_data_after_flush(request):
    """Tests that empty the database between runs (live server, real workers) get the reference data back first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames or (
        marker is not None and (marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])))
    if transactional:
        request.getfixturevalue("transactional_db")
        reference_data_load()


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
    """The five role groups (kept for the tests that name them; the reference data holds them already)."""
