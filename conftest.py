"""Project-wide test set-up: a fast hasher, the reference data, the services used, Chromium, role fixtures."""

import contextlib
import importlib
import os
import shutil
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

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


# Where a Chromium is looked for after $CHROMIUM: these names on PATH, then these app bundles (macOS).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_APPS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
NO_CHROMIUM = (
    "No Chromium found: install it with `apt-get install -y chromium` (Debian/Ubuntu) or "
    "`python -m playwright install chromium`, or set CHROMIUM=/path/to/chrome"
)
# What start-up decided: the browser's path, and why the journeys are skipped (None: they run).
CHROMIUM_FOUND = pytest.StashKey[str | None]()
BROWSER_SKIPPED_BECAUSE = pytest.StashKey[str | None]()


class ChromiumNotFound(Exception):
    """No browser for the journeys; the message says, in one sentence, what to install or fix."""


# Where `python -m playwright install chromium` puts its browser, below its cache folder (Linux, then macOS).
PLAYWRIGHT_CHROMIUM_GLOBS = ("chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium")


def playwright_managed_chromium() -> str | None:
    """The Chromium `python -m playwright install chromium` downloads, if it has been.

    Found on disk, without starting Playwright: its sync API refuses to start inside a running
    event loop, which a worker that has already driven a browser has.
    """
    cache = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or (
        Path.home() / ("Library/Caches" if sys.platform == "darwin" else ".cache") / "ms-playwright")
    found = sorted(path for pattern in PLAYWRIGHT_CHROMIUM_GLOBS for path in Path(cache).glob(pattern)
                   if os.access(path, os.X_OK))
    return str(found[-1]) if found else None


def chromium_find(
    *,
    environ: Mapping[str, str] = os.environ,
    which: Callable[[str], str | None] = shutil.which,
    names: Sequence[str] = CHROMIUM_NAMES,
    apps: Sequence[str] = CHROMIUM_APPS,
    managed: Callable[[], str | None] = playwright_managed_chromium,
) -> str:
    """The browser the journeys drive: $CHROMIUM, else a system Chromium or Chrome, else Playwright's own.

    Raises ChromiumNotFound with a sentence naming what to install (or what is wrong with $CHROMIUM).
    """
    if environ.get("CHROMIUM"):
        found = which(environ["CHROMIUM"])
        if found is None:
            raise ChromiumNotFound(
                f"CHROMIUM={environ['CHROMIUM']} is not an executable Chromium or Chrome: "
                "set it to one, or unset it to look for the system's")
        return found
    for name in names:
        if found := which(name):
            return found
    for app in apps:
        if os.access(app, os.X_OK) and Path(app).is_file():
            return app
    if found := managed():
        return found
    raise ChromiumNotFound(NO_CHROMIUM)


def pytest_configure(config):
    # Factory users are hashed at Django's default 1,000,000 PBKDF2 iterations, about a second each here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    # The browser is looked for once, in the controller (or the only process); xdist workers get its answer.
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        config.stash[CHROMIUM_FOUND] = workerinput["chromium"]
        config.stash[BROWSER_SKIPPED_BECAUSE] = workerinput["skip_browser"]
        return
    config.stash[CHROMIUM_FOUND], config.stash[BROWSER_SKIPPED_BECAUSE] = None, None
    if os.environ.get("SKIP_BROWSER") == "1":
        config.stash[BROWSER_SKIPPED_BECAUSE] = "SKIP_BROWSER=1"
        try:
            config.stash[CHROMIUM_FOUND] = chromium_find()
        except ChromiumNotFound as missing:
            config.stash[BROWSER_SKIPPED_BECAUSE] = f"SKIP_BROWSER=1 and {missing}"
    elif not config.getoption("help"):
        try:
            config.stash[CHROMIUM_FOUND] = chromium_find()
        except ChromiumNotFound as missing:
            raise pytest.UsageError(f"{missing}; SKIP_BROWSER=1 runs everything else") from None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """(xdist) Hand each worker the controller's browser, so they neither look again nor disagree."""
    node.workerinput["chromium"] = node.config.stash[CHROMIUM_FOUND]
    node.workerinput["skip_browser"] = node.config.stash[BROWSER_SKIPPED_BECAUSE]


# The slowest tests (`--durations`), longest first. With `--dist loadgroup` pytest-xdist hands tests out in collection
# order (its groups first, the largest first), and most of these were collected last (tests/ comes last in testpaths):
# one process ran a 2-minute test and the journeys alone at the end while the other had finished. Sent first, they
# overlap, and the end of the run is short tests that share out evenly. Only the order changes; a test not named keeps
# its place after these. Prefixes of node ids; update when `--durations` shows a new one of over 10 seconds.
# Three exceptions to "longest first": the slow tests that need no database come first, run while the test database's
# template is still being migrated (template_build_early); and the URL matrix's and the query-garbage tests come one
# after the other, so that each process builds their world once per module (tests/conftest.py, world_of_the_module)
# and not again for every test a test of another module came between.
SLOW_FIRST = (
    "tests/test_security_checks.py",
    "tests/test_browser_finder.py",
    "oocr/tests/test_settings.py",
    "tests/test_architecture.py",
    "tests/test_seed_demo.py",
    "tests/test_url_matrix.py::test_every_url_for_every_role",
    "tests/test_url_matrix.py::test_a_record_is_never_shown",
    "tests/test_url_matrix.py::test_stored_html_in_every_text_field",
    "tests/test_url_matrix.py::test_health_and_safeguarding_details",
    "tests/test_query_garbage.py::test_garbage_in_the_query_string_never_gives_a_server_error[letters]",
    "tests/test_query_garbage.py::test_garbage_in_the_query_string_never_gives_a_server_error[a huge number]",
    "tests/test_query_garbage.py::test_garbage_in_the_query_string_never_gives_a_server_error[a NUL character]",
    "tests/test_query_garbage.py::test_garbage_in_the_query_string_never_gives_a_server_error[31 February]",
    "tests/test_query_garbage.py",
    "evaluation/tests/test_report_figures.py::test_a_newer_published_run_removes_the_old_run_s_charts",
    "tests/test_intake_journey.py",
    "tests/test_partner_portal_journey.py",
    "tests/test_casework_journeys.py",
    "tests/test_evaluation_journey.py",
    "tests/test_browser_phone.py",
    "evaluation/tests/test_report_figures.py::test_publishing_draws_the_charts_once",
    "tests/test_bench_evaluation.py",
    "tests/test_api_journey.py",
    "tests/test_sending_back_journeys.py",
    "tests/test_referral_journey.py",
    "tests/test_allocation_journey.py",
    "evaluation/tests/test_report_figures.py::test_every_chart_carries_its_definition",
    "tests/test_trials_journey.py",
    "trials/tests/test_randomisation.py::test_permuted_blocks_keep_every_completed_block",
    "evaluation/tests/test_time_to_reoffence.py::test_the_page_reads_a_fixed_number_of_queries",
    "tests/test_browser_search.py",
    "evaluation/tests/test_report_figures.py::test_a_group_of_three",
    "tests/test_security_journey.py",
    "tests/test_session_timeout_journey.py",
    "tests/test_reminders_journey.py",
    "today/tests/test_views.py::test_each_roles_today_takes_the_same_number_of_queries",
    "evaluation/tests/test_publishing.py",
    "today/tests/test_selectors.py::test_every_panel_takes_the_same_number_of_queries",
    "contracts/tests/test_reminders.py::test_the_jobs_queries_do_not_grow",
    "tests/test_browser.py",
    "evaluation/tests/test_time_to_reoffence.py",
    "tests/test_bench.py",
)


def slow_first(items: list) -> None:
    """Put the tests SLOW_FIRST names first, in its order (a stable sort: the others keep theirs)."""
    def rank(item) -> int:
        return next((index for index, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)), len(SLOW_FIRST))

    items.sort(key=rank)


def xdist_groups_named(config, items: list) -> None:
    """(xdist --dist loadgroup) Put each xdist_group test's group at the end of its node id, as pytest-xdist means to.

    pytest-xdist 3.8 does it by setting `item._nodeid`, which pytest 9.2 no longer reads (a node id is `item._id`):
    its scheduler then saw no groups, and the real-worker tests ran on both processes, each starting its own workers.
    """
    if not getattr(config.option, "loadgroup", False):  # set in xdist's workers under --dist loadgroup
        return
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid.rpartition("]")[2] and hasattr(item, "_id"):
            item._id = type(item._id).parse(f"{item.nodeid}@{'_'.join(names)}")


def pytest_collection_modifyitems(config, items):
    slow_first(items)
    xdist_groups_named(config, items)
    if reason := config.stash[BROWSER_SKIPPED_BECAUSE]:
        skip = pytest.mark.skip(reason=f"browser journey skipped: {reason}")
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(skip)


# The data the migrations ship (roles, offences, rules, need domains, the condition library, partners,
# the evaluation's definitions, the beat schedules): (app, migration, function), each safe to run again.
REFERENCE_DATA = [
    ("cases", "0002_default_offences", "load_offences"),
    ("cases", "0004_eligibility_rules", "create_rules"),
    ("contracts", "0002_default_need_domains", "create_domains"),
    ("contracts", "0004_condition_library", "create_library"),
    ("contracts", "0009_condition_amount", "compensation_needs_amount"),
    ("contracts", "0008_daily_reminders_schedule", "schedule"),
    ("referrals", "0002_default_partners", "load_partners"),
    ("evaluation", "0002_reference_data", "create_reference_data"),
    ("evaluation", "0002_reference_data", "schedule_monthly_check"),
    ("evaluation", "0005_import_cancel_heartbeat_and_check_request", "schedule"),  # the stale import sweep
    ("retention", "0002_monthly_review_schedule", "schedule"),
    ("keyworkers", "0006_specialisms_list", "seed_defaults"),
    ("oocr.audit", "0003_hash_chain_and_app_role", "export_schedule"),  # the daily copy of the access log
    ("portal", "0002_daily_escalation_schedule", "schedule"),  # partners' overdue referrals escalated
]


def reference_data_load() -> None:
    """Put back what the migrations ship, after a test (or an earlier run with --reuse-db) emptied the tables."""
    from django.apps import apps

    from oocr.accounts.roles import roles_sync

    roles_sync()
    for app, migration, function in REFERENCE_DATA:
        getattr(importlib.import_module(f"{app}.migrations.{migration}"), function)(apps, None)


# With several xdist workers each would migrate its own test database (about 20 s of CPU and as much of
# PostgreSQL's each). Instead one template database is migrated once per run, and every worker's database is a copy
# of it (CREATE DATABASE ... TEMPLATE, a file copy); pytest-django then finds it up to date. Only with --reuse-db (as
# `make test` runs) on PostgreSQL, when the worker's database is to be made afresh (--create-db, or it does not exist
# yet); otherwise pytest-django creates or migrates it as before. The controller starts the migration as the run
# begins (template_build_early), while the workers start and collect and run the tests that need no database; the
# first test that needs one waits for it. A worker that finds no template being built builds it itself.
@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_createdb, django_db_keepdb, django_db_modify_db_settings, tmp_path_factory):
    from django.db import connection

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2 or not django_db_keepdb or connection.vendor != "postgresql":
        return django_db_createdb
    import psycopg

    worker_name = connection.settings_dict["TEST"]["NAME"]
    template_name = f"{worker_name.rsplit('_', 1)[0]}_template"
    with psycopg.connect(**_admin_connection()) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [worker_name]).fetchone()
        if exists and not django_db_createdb:
            return False
        shared = tmp_path_factory.getbasetemp().parent
        with _template_build_once(server, template_name, createdb=django_db_createdb, shared=shared):
            server.execute(f'DROP DATABASE IF EXISTS "{worker_name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{worker_name}" TEMPLATE "{template_name}"')
    return False


def _admin_connection() -> dict:
    from django.db import connection

    database = connection.settings_dict
    return {"host": database["HOST"] or "127.0.0.1", "port": database["PORT"] or 5432, "user": database["USER"],
            "password": database["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}


@contextlib.contextmanager
def _template_build_once(server, template_name: str, *, createdb: bool, shared: Path):
    """Under the run's lock: the template migrated, once per run (with --create-db) or if there is none."""
    from filelock import FileLock

    with FileLock(shared / "test-database-template.lock"):
        built = shared / "test-database-template.built"
        template_exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template_name]).fetchone()
        if not built.exists() and (createdb or not template_exists):
            _test_database_template_build(server, template_name)
            built.touch()
        yield


TEMPLATE_BUILDER = pytest.StashKey[threading.Thread]()


def template_build_early(config) -> None:
    """(xdist controller) Migrate the template in a thread while the workers start, if they will need it.

    With --create-db they all do; otherwise only when a worker's database is missing and there is no template.
    The thread takes the same lock as the workers (long before any of them has collected its tests).
    """
    workers = len(getattr(config.option, "tx", None) or [])
    if (workers < 2 or getattr(config, "workerinput", None) is not None or not config.getvalue("reuse_db")
            or os.environ.get("TOX_PARALLEL_ENV")):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    import psycopg

    database = connection.settings_dict
    base = database["TEST"]["NAME"] or f"test_{database['NAME']}"
    template_name, createdb = f"{base}_template", bool(config.getvalue("create_db"))
    with psycopg.connect(**_admin_connection()) as server:
        found = {row[0] for row in server.execute(
            "SELECT datname FROM pg_database WHERE datname = ANY(%s)",
            [[template_name] + [f"{base}_gw{number}" for number in range(workers)]]).fetchall()}
    if not createdb and (template_name in found or len(found) == workers):
        return
    shared = config._tmp_path_factory.getbasetemp()

    def build() -> None:
        with psycopg.connect(**_admin_connection()) as server, _template_build_once(
                server, template_name, createdb=createdb, shared=shared):
            pass

    config.stash[TEMPLATE_BUILDER] = thread = threading.Thread(target=build, name="test-database-template", daemon=True)
    thread.start()


def pytest_sessionstart(session):
    template_build_early(session.config)


def pytest_sessionfinish(session):
    if (thread := session.config.stash.get(TEMPLATE_BUILDER, None)) is not None:
        thread.join()


def _test_database_template_build(server, name: str) -> None:
    """Migrate a fresh database `name` in a process of its own (as the test database would be, cache tables too)."""
    import subprocess

    from django.db import connection

    server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.execute(f'CREATE DATABASE "{name}"')
    database = connection.settings_dict
    url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
           f"{database['PORT'] or 5432}/{name}")
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.core.management import call_command; "
         "call_command('migrate', verbosity=0, interactive=False, run_syncdb=True); call_command('createcachetable')"],
        cwd=settings.BASE_DIR, env={**os.environ, "DJANGO_SETTINGS_MODULE": "oocr.settings", "DATABASE_URL": url},
        check=True)


# A copy of the reference data, taken once per test database, in a schema Django never looks at. A transactional
# test (live server, real workers, two connections) ends by putting the database back to this copy: it deletes the
# rows of the tables it finds filled and copies the reference rows back, in one transaction. Django's own ending
# (TRUNCATE of every table, then post_migrate recreating content types and permissions, then reference_data_load)
# took about 5 s of the database's time per test on a loaded machine; this takes a few hundredths. PostgreSQL only:
# elsewhere the flush and reference_data_load run as before.
REFERENCE_SNAPSHOT = "test_reference_snapshot"
# Per database alias: the tables the snapshot holds; and the aliases flushed Django's way since (reference data gone).
SNAPSHOT_TABLES: dict[str, list[str]] = {}
# Per alias: tables whose own triggers refuse DELETE (the append-only access log); those are truncated instead.
TRUNCATED_TABLES: dict[str, set[str]] = {}
FLUSHED_WITHOUT_SNAPSHOT: set[str] = set()


def _reset_tables(connection) -> list[str]:
    """The tables a flush empties (Django's models', never django_migrations)."""
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _row_counts(connection, tables: list[str], schema: str = "public") -> dict[str, int]:
    """Rows per table, the empty ones left out (one query)."""
    if not tables:
        return {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(
            f"SELECT '{table}', count(*) FROM {schema}.{quote(table)}" for table in tables))
        return {table: count for table, count in cursor.fetchall() if count}


def reference_snapshot_take(connection) -> None:
    """Copy the reference data aside. A database left holding more than the last run's copy (a run stopped
    mid-test) is flushed and given the reference data again first, so the copy holds nothing else."""
    quote = connection.ops.quote_name
    tables = _reset_tables(connection)
    previous = _snapshot_tables(connection)
    if previous and _row_counts(connection, tables) != _row_counts(connection, previous, REFERENCE_SNAPSHOT):
        from django.core.management import call_command

        call_command("flush", verbosity=0, interactive=False, database=connection.alias)
        reference_data_load()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {REFERENCE_SNAPSHOT} CASCADE")
        cursor.execute(f"CREATE SCHEMA {REFERENCE_SNAPSHOT}")
        for table in _row_counts(connection, tables):
            cursor.execute(f"CREATE TABLE {REFERENCE_SNAPSHOT}.{quote(table)} AS SELECT * FROM {quote(table)}")
        cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
        TRUNCATED_TABLES[connection.alias] = {row[0].strip('"') for row in cursor.fetchall()}
    SNAPSHOT_TABLES[connection.alias] = _snapshot_tables(connection)


def _snapshot_tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [REFERENCE_SNAPSHOT])
        return [row[0] for row in cursor.fetchall()]


def reference_snapshot_restore(connection) -> None:
    """Empty what the test filled and put the reference rows back (foreign keys are checked at the commit)."""
    from django.db import transaction

    quote = connection.ops.quote_name
    tables = _reset_tables(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables))
        filled = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if truncated := [table for table in filled if table in TRUNCATED_TABLES[connection.alias]]:
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in truncated)}")
        for table in filled:
            if table not in TRUNCATED_TABLES[connection.alias]:
                cursor.execute(f"DELETE FROM {quote(table)}")
        for table in SNAPSHOT_TABLES[connection.alias]:
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {REFERENCE_SNAPSHOT}.{quote(table)}")


def _fixture_teardown_to_reference_snapshot(original):
    from django.db import connections

    def _fixture_teardown(self):
        names = self._databases_names(include_mirrors=False)
        if self.available_apps is None and not self.serialized_rollback and all(name in SNAPSHOT_TABLES for name in names):
            for name in names:
                reference_snapshot_restore(connections[name])
            return
        original(self)
        FLUSHED_WITHOUT_SNAPSHOT.update(names)

    return _fixture_teardown


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Once per database: a reused one may have been emptied by the last run's transactional tests."""
    from django.db import connection
    from django.test import TransactionTestCase

    with django_db_blocker.unblock():
        reference_data_load()
        if connection.vendor == "postgresql":
            reference_snapshot_take(connection)
    original = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _fixture_teardown_to_reference_snapshot(original)
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def reference_data_after_flush(request):
    """Tests that empty the database between runs (live server, real workers) get the reference data back first.

    On PostgreSQL the last transactional test has already put it back (reference_snapshot_restore), unless
    it was flushed Django's way (serialized rollback, available apps)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames or (
        marker is not None and (marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])))
    if transactional:
        request.getfixturevalue("transactional_db")
        if "default" not in SNAPSHOT_TABLES or "default" in FLUSHED_WITHOUT_SNAPSHOT:
            reference_data_load()
            FLUSHED_WITHOUT_SNAPSHOT.discard("default")


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL or "none (tasks run eagerly)"
    return [
        f"database engine: {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})",
        f"celery broker: {broker}",
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig, browser_type_launch_args):
    """Drive the Chromium found at start-up (chromium_find), never one Playwright would download now."""
    return {**browser_type_launch_args, "executable_path": pytestconfig.stash[CHROMIUM_FOUND], "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def documents_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(autouse=True)
def documents_in_a_temporary_folder(settings, documents_folder) -> Path:
    """No test writes letters or uploads into the project's var/documents (several did, through the letters a
    service makes): each test process keeps them in a temporary folder of its own. documents/tests give each test its
    own folder (a fixture of the same name); STORAGES["documents"] is looked up at each use."""
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(documents_folder)},
    }}
    return documents_folder


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


# The tests that use a real worker share one per test process (its start-up imports every app: seconds each time).
# They are marked as one xdist group (Makefile runs `--dist loadgroup`; xdist_groups_named makes that work under
# pytest 9.2), so one process starts the workers; each test's worker still has a queue of its own and cleans up only
# its own tasks, as when pytest-xdist 3.8 under pytest 9.2 sent them to both processes.
REAL_WORKER = pytest.mark.xdist_group("real-celery-worker")


@pytest.fixture(scope="session")
def real_celery_worker(django_db_setup, tmp_path_factory):
    """A Celery worker process over Redis, on a queue of its own, using this run's test database.

    Its tasks send text messages to a file (`.sms_file`) and queue follow-up tasks on the same queue.
    Yields an object with `.queue` and `.sms_file`; tests skip without REDIS_URL or PostgreSQL.
    """
    import signal
    import subprocess
    import uuid
    from types import SimpleNamespace

    from django.db import connection

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: no Redis to run a worker against")
    if connection.vendor != "postgresql":
        pytest.skip("The worker needs a database it can share with the test: PostgreSQL (DATABASE_URL) only")
    database = connection.settings_dict
    database_url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
                    f"{database['PORT'] or 5432}/{database['NAME']}")
    queue = f"oocr-test-{uuid.uuid4().hex[:8]}"
    sms_file = tmp_path_factory.mktemp("worker") / "sms.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "oocr", "worker", "--pool=solo", "--loglevel=WARNING",
         "-Q", queue, "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "oocr.settings", "DATABASE_URL": database_url,
             "CELERY_TASK_DEFAULT_QUEUE": queue, "SMS_BACKEND": "oocr.notifications.sms.FileSmsBackend",
             "SMS_FILE_PATH": str(sms_file)},
    )
    from oocr.celery import app, health

    # Ready when it has run a task: its start-up takes seconds, and far longer on a loaded machine.
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        token = uuid.uuid4().hex
        assert health.apply_async(args=[token], queue=queue).get(timeout=300, disable_sync_subtasks=False) == token
    except BaseException:
        os.kill(worker.pid, signal.SIGTERM)
        raise
    finally:
        app.conf.task_always_eager = eager
    yield SimpleNamespace(queue=queue, sms_file=sms_file)
    os.kill(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)


def _test_database_url() -> str:
    from django.db import connection

    database = connection.settings_dict
    return (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}")


class KillableWorker:
    """A Celery worker (prefork, one pool process) on a queue of its own, which a test kills as the kernel's
    out-of-memory killer would (SIGKILL, no chance to clean up) and starts again.

    Set for quick recovery, for these tests only: Redis hands a dead worker's task on after 6 s (JOB_VISIBILITY_TIMEOUT,
    20 minutes in production) and a worker looks for such tasks every second; retries wait about a second.
    """

    VISIBILITY_TIMEOUT = 6

    def __init__(self, *, queue: str, sms_file: Path, database_url: str):
        self.queue, self.sms_file, self.database_url = queue, sms_file, database_url
        self.process = None
        self.starts = []  # seconds each start took, until the worker answered

    def start(self, *, wait: bool = True) -> None:
        """Start a worker; with `wait`, until it has answered a task (start-up takes seconds, more on a busy machine).
        A restarted worker is not waited for: the test waits for the dead worker's job to be done instead."""
        import subprocess
        import time
        import uuid

        from oocr.celery import app, health

        began = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "oocr", "worker", "--pool=prefork", "--concurrency=1",
             "--loglevel=WARNING", "-Q", self.queue, "-n", f"{self.queue}-{uuid.uuid4().hex[:4]}@%h",
             "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=settings.BASE_DIR, start_new_session=True,  # its own process group: killed whole, pool included
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "oocr.settings", "DATABASE_URL": self.database_url,
                 "CELERY_TASK_DEFAULT_QUEUE": self.queue, "SMS_BACKEND": "oocr.notifications.sms.FileSmsBackend",
                 "SMS_FILE_PATH": str(self.sms_file), "JOB_VISIBILITY_TIMEOUT": str(self.VISIBILITY_TIMEOUT),
                 "JOB_RESTORE_INTERVAL": "1", "JOB_RESTORE_THROTTLE": "1", "JOB_RESTORE_MUTEX_EXPIRE": "3",
                 "JOB_RETRY_BACKOFF": "1"},
        )
        if not wait:
            return
        eager, app.conf.task_always_eager = app.conf.task_always_eager, False
        try:
            token = uuid.uuid4().hex
            assert health.apply_async(args=[token], queue=self.queue).get(timeout=120, disable_sync_subtasks=False) == token
        except BaseException:
            self.kill()
            raise
        finally:
            app.conf.task_always_eager = eager
        self.starts.append(round(time.monotonic() - began, 1))

    def ensure_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()

    def pool_processes(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_pool_process(self) -> None:
        """SIGKILL the pool process running the task; the worker itself lives on and starts another."""
        import signal

        for pid in self.pool_processes():
            os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL the whole worker, its pool processes included."""
        import signal

        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def killable_celery_worker(django_db_setup, tmp_path_factory):
    """A KillableWorker; tests start it (`ensure_running`), kill it and restart it, and the next test finds it running.

    Yields the worker; tests skip without REDIS_URL or PostgreSQL, as with `real_celery_worker`.
    """
    import uuid

    from django.db import connection

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: no Redis to run a worker against")
    if connection.vendor != "postgresql":
        pytest.skip("The worker needs a database it can share with the test: PostgreSQL (DATABASE_URL) only")
    worker = KillableWorker(queue=f"oocr-kill-{uuid.uuid4().hex[:8]}",
                            sms_file=tmp_path_factory.mktemp("killable") / "sms.log", database_url=_test_database_url())
    yield worker
    worker.kill()
