"""Settings are read from the environment: each case loads them in a fresh interpreter.

Only the settings module is imported there (not `django.setup()`, which would import every app and its libraries:
a second and a half a case, for nothing the settings depend on)."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"].get("HOST", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "force": settings.FORCE_NAME,
    "session_age": settings.SESSION_COOKIE_AGE,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "require_2fa": settings.OOCR_REQUIRE_2FA,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "retention_years": settings.RETENTION_REVIEW_YEARS,
    "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
}))
"""

# Variables that the surrounding run (CI, a developer's shell) may have set.
SERVICE_VARIABLES = ["DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "STATIC_MANIFEST",
                     "OOCR_REQUIRE_2FA", "SECURE_SSL_REDIRECT", "CONN_MAX_AGE", "DEBUG"]


def load_settings(**variables) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    environment.update({"DJANGO_SETTINGS_MODULE": "oocr.settings", "SECRET_KEY": "settings-test", **variables})
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], env=environment, capture_output=True, text=True, cwd=settings.BASE_DIR
    )


def loaded(**variables) -> dict:
    result = load_settings(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_is_the_default_database():
    values = loaded()
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")


def test_database_url_is_honoured():
    values = loaded(DATABASE_URL="postgres://someone@db.example:5433/oocr_live")
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "oocr_live"
    assert values["host"] == "db.example"


def test_development_closes_each_request_s_database_connection_and_production_reuses_it():
    postgres = "postgres://someone@db.example:5433/oocr_live"
    # runserver starts a thread per request: each kept connection would stay open for its age, up to the server's limit.
    assert loaded(DATABASE_URL=postgres, DEBUG="true")["conn_max_age"] == 0
    assert loaded(DATABASE_URL=postgres)["conn_max_age"] == 60  # gunicorn's few workers
    assert loaded(DATABASE_URL=postgres, DEBUG="true", CONN_MAX_AGE="30")["conn_max_age"] == 30


def test_tasks_run_eagerly_without_a_broker():
    values = loaded()
    assert values["broker"] == ""
    assert values["eager"] is True


def test_redis_url_becomes_the_broker_and_tasks_are_queued():
    values = loaded(REDIS_URL="redis://cache.example:6379/2")
    assert values["broker"] == "redis://cache.example:6379/2"
    assert values["eager"] is False


def test_a_secret_key_is_required_unless_debug_is_on():
    refused = load_settings(SECRET_KEY=None, DEBUG="false")
    assert refused.returncode != 0
    assert "Set SECRET_KEY" in refused.stderr
    assert loaded(SECRET_KEY=None, DEBUG="true")["engine"].endswith("sqlite3")


def test_force_name_and_idle_expiry_come_from_the_environment():
    values = loaded(FORCE_NAME="Kent Police", SESSION_IDLE_MINUTES="15")
    assert values["force"] == "Kent Police"
    assert values["session_age"] == 15 * 60


def test_production_serves_static_files_from_the_manifest():
    assert loaded(DEBUG="false")["static"].endswith("CompressedManifestStaticFilesStorage")
    assert loaded(DEBUG="true")["static"].endswith("StaticFilesStorage")


def test_production_settings_are_hardened_and_require_two_factor_sign_in():
    values = loaded(DEBUG="false")
    assert values["require_2fa"] is True
    assert values["session_cookie_secure"] is True and values["csrf_cookie_secure"] is True
    assert values["hsts_seconds"] == 31536000
    assert values["ssl_redirect"] is True


def test_two_factor_sign_in_is_off_by_default_only_in_development_and_can_be_switched():
    assert loaded(DEBUG="true")["require_2fa"] is False
    assert loaded(DEBUG="true", OOCR_REQUIRE_2FA="true")["require_2fa"] is True
    assert loaded(DEBUG="false", OOCR_REQUIRE_2FA="false")["require_2fa"] is False


def test_the_retention_period_comes_from_the_environment():
    assert loaded()["retention_years"] == 6
    assert loaded(RETENTION_REVIEW_YEARS="8")["retention_years"] == 8
