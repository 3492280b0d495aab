"""The application's PostgreSQL role may read and append to the access log and nothing more, and the whole
application works as it (oocr/audit/db_roles.py, migration audit 0003).

The test database is migrated as its owner (here a superuser, as CI's single root user), which created the
group role DATABASE_APP_ROLE and granted it its privileges. Each test logs in as a new login role that is a
member of it, as the application does in production with DATABASE_URL.
"""

import os

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.audit.models import AccessLog

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's (SQLite has none)"),
]


def connect(user: str) -> psycopg.Connection:
    config = connection.settings_dict
    return psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None, dbname=config["NAME"], user=user,
                           password=config["PASSWORD"] if user == config["USER"] else None, autocommit=True,
                           options="-c lock_timeout=5s -c statement_timeout=20s")


@pytest.fixture
def app_login():
    """A login role in the application's group role, committed (other connections log in as it), dropped after."""
    login = f"{settings.DATABASE_APP_ROLE}_test_{os.getpid()}"
    with connect(connection.settings_dict["USER"]) as owner:
        owner.execute(f"DROP ROLE IF EXISTS {login}")
        owner.execute(f"CREATE ROLE {login} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT IN ROLE {settings.DATABASE_APP_ROLE}")
        try:
            yield login
        finally:
            owner.execute(f"DROP ROLE {login}")


def test_the_migration_made_the_group_role_with_no_power_of_its_own():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
                       "FROM pg_roles WHERE rolname = %s", [settings.DATABASE_APP_ROLE])
        assert cursor.fetchone() == (False, False, False, False, False, False)
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_accesslog'")
        assert cursor.fetchone()[0] != settings.DATABASE_APP_ROLE


@pytest.mark.parametrize("statement, refusal", [
    ("TRUNCATE audit_accesslog", "permission denied"),
    ("DELETE FROM audit_accesslog", "permission denied"),
    ("UPDATE audit_accesslog SET justification = ''", "permission denied"),
    ("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only", "must be owner"),
    ("ALTER TABLE audit_accesslog DISABLE TRIGGER ALL", "must be owner"),
    ("SET session_replication_role = replica", "permission denied"),
    ("DROP TABLE audit_accesslog", "must be owner"),
    ("ALTER TABLE audit_accesslog OWNER TO CURRENT_USER", "must be owner"),
    ("SET ROLE postgres", "permission denied"),
])
def test_the_application_role_cannot_empty_or_change_the_access_log(app_login, statement, refusal):
    with connect(app_login) as app, pytest.raises(psycopg.errors.InsufficientPrivilege, match=refusal):
        app.execute(statement)


def test_the_application_role_reads_and_appends_to_the_access_log(app_login):
    with connect(app_login) as app, app.transaction(force_rollback=True):
        user_id = app.execute("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, "
                              "is_staff, is_active, date_joined) VALUES ('!', false, %s, '', '', '', false, true, now()) "
                              "RETURNING id", [f"role-test-{os.getpid()}"]).fetchone()[0]
        app.execute("INSERT INTO audit_accesslog (at, user_id, kind, content_type_id, object_id, justification, recipient, "
                    "sequence, previous_hash, entry_hash) SELECT now(), %s, 'view', id, 1, '', '', 999999999, '', '' "
                    "FROM django_content_type LIMIT 1", [user_id])
        assert app.execute("SELECT count(*) FROM audit_accesslog WHERE user_id = %s", [user_id]).fetchone() == (1,)
        assert app.execute("SELECT head_sequence FROM audit_accesslog_chain_head()").fetchone() == (999999999,)


def test_tables_the_owner_makes_later_are_the_application_roles_too(app_login):
    """Default privileges: a table a later migration creates needs no new grant (only the access log is kept back)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_migration_table (id int)")
        cursor.execute("SELECT has_table_privilege(%s, 'later_migration_table', 'SELECT, INSERT, UPDATE, DELETE'), "
                       "has_table_privilege(%s, 'later_migration_table', 'TRUNCATE')", [app_login, app_login])
        assert cursor.fetchone() == (True, False)
        cursor.execute("SELECT has_table_privilege(%s, 'audit_accesslog', 'UPDATE'), "
                       "has_table_privilege(%s, 'audit_accesslog', 'DELETE'), "
                       "has_table_privilege(%s, 'audit_accesslog', 'INSERT, SELECT')", [app_login] * 3)
        assert cursor.fetchone() == (False, False, True)
        transaction.set_rollback(True)


def test_the_application_works_as_its_role_and_writes_the_access_log(client, app_login):
    """A whole flow as the application's role: sign-in session, a form posted, a case page that logs the view."""
    keyworker = StaffProfileFactory(team=TeamFactory(name="North team")).user
    case = AllocatedCaseFactory(keyworker=keyworker)
    supervisor = SupervisorProfileFactory().user
    client.force_login(supervisor)
    before = AccessLog.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_login}")  # every query of the requests below runs as the application's role
    try:
        response = client.post(reverse("cases:case_access_reason", args=[case.pk]),
                               {"reason": "covering", "details": "Covering this week"})
        assert response.status_code == 302
        assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
        assert client.get(reverse("keyworkers:allocation")).status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_login
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    entry = AccessLog.objects.get(object_id=case.pk, content_type__model="case", kind=AccessLog.Kind.VIEW)
    assert entry.user == supervisor and entry.justification.endswith("Covering this week")
    assert entry.sequence == before + 1 and AccessLog.objects.count() == before + 1


def test_two_transactions_appending_at_once_do_not_fork_the_chain(app_login):
    """The second waits at the chain's lock until the first commits, then chains to the first's entry."""
    import threading

    with connect(app_login) as first, connect(app_login) as second, connect(connection.settings_dict["USER"]) as owner:
        user_id = owner.execute("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, "
                                "is_staff, is_active, date_joined) VALUES ('!', false, %s, '', '', '', false, true, now()) "
                                "RETURNING id", [f"chain-test-{os.getpid()}"]).fetchone()[0]
        append = ("INSERT INTO audit_accesslog (at, user_id, kind, content_type_id, object_id, justification, recipient, "
                  "sequence, previous_hash, entry_hash) SELECT now(), %s, 'view', id, 1, '', '', %s, %s, %s "
                  "FROM django_content_type LIMIT 1")
        try:
            first.execute("BEGIN")
            head = first.execute("SELECT * FROM audit_accesslog_chain_head()").fetchone()
            seen = []
            waiting = threading.Thread(target=lambda: (second.execute("BEGIN"), seen.append(
                second.execute("SELECT * FROM audit_accesslog_chain_head()").fetchone())))
            waiting.start()
            waiting.join(timeout=1)
            assert waiting.is_alive() and not seen  # held at the lock
            first.execute(append, [user_id, (head[0] or 0) + 1, head[1] or "", "f" * 64])
            first.execute("COMMIT")
            waiting.join(timeout=10)
            assert seen == [((head[0] or 0) + 1, "f" * 64)]  # the first's entry, committed while it waited
            second.execute("ROLLBACK")
        finally:
            owner.execute("SET session_replication_role = replica")  # as the owner: take the test's entry out again
            owner.execute("DELETE FROM audit_accesslog WHERE user_id = %s", [user_id])
            owner.execute("DELETE FROM auth_user WHERE id = %s", [user_id])


def test_the_owner_is_never_given_the_application_roles_privileges():
    from oocr.audit.db_roles import app_privileges_grant

    with connection.cursor() as cursor, pytest.raises(ValueError, match="the owner of the tables"):
        app_privileges_grant(cursor, connection.settings_dict["USER"])


def test_the_command_makes_a_login_role_in_the_application_role():
    import io

    from django.core.management import call_command

    login = f"oocr_web_test_{os.getpid()}"
    call_command("database_app_role", "--login", login, stdout=io.StringIO())  # undone with the test
    with connection.cursor() as cursor:
        cursor.execute("SELECT r.rolcanlogin, r.rolsuper, pg_has_role(%s, %s, 'MEMBER') FROM pg_roles r WHERE rolname = %s",
                       [login, settings.DATABASE_APP_ROLE, login])
        assert cursor.fetchone() == (True, False, True)
        cursor.execute("SELECT has_table_privilege(%s, 'audit_accesslog', 'DELETE'), "
                       "has_table_privilege(%s, 'cases_case', 'UPDATE')", [login, login])
        assert cursor.fetchone() == (False, True)
