"""docker-compose.yml is coherent with the settings (no Docker engine runs here, so it is read, not run)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from oocr.tests.test_settings import loaded

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ["web", "worker", "beat"]
# What an operator would put in the .env file beside docker-compose.yml.
OPERATOR_ENVIRONMENT = {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": "a-database-password"}


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} substitution."""

    def substitute(match):
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        if name in variables and variables[name] != "":
            return variables[name]
        if operator == ":?":
            raise KeyError(f"{name} must be set: {argument}")
        return argument or ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", substitute, value)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service_environment(compose, name) -> dict[str, str]:
    return {key: interpolate(str(value), OPERATOR_ENVIRONMENT) for key, value in compose["services"][name]["environment"].items()}


def test_the_stack_has_web_worker_beat_postgres_and_redis(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis"}


def test_secrets_must_be_supplied_by_the_operator(compose):
    with pytest.raises(KeyError, match="SECRET_KEY"):
        interpolate(compose["services"]["web"]["environment"]["SECRET_KEY"], {})


def test_each_app_service_runs_the_right_program(compose):
    services = compose["services"]
    assert "gunicorn oocr.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A oocr worker")
    beat = services["beat"]["command"]
    assert beat.startswith("celery -A oocr beat")
    assert f"--scheduler {settings.CELERY_BEAT_SCHEDULER}" in beat


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_reach_the_compose_database_and_broker(compose, name):
    environment = service_environment(compose, name)
    database = re.match(r"postgres://(\w+):([^@]+)@(\w+):5432/(\w+)$", environment["DATABASE_URL"])
    postgres = service_environment(compose, "postgres")
    assert database.groups() == (
        postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"], "postgres", postgres["POSTGRES_DB"]
    )
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["DEBUG"] == "false"


def test_settings_loaded_with_the_compose_environment_are_production_ones(compose):
    values = loaded(**service_environment(compose, "web"))
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["host"] == "postgres"
    assert values["eager"] is False
    assert values["broker"] == "redis://redis:6379/0"
    assert values["static"].endswith("CompressedManifestStaticFilesStorage")
    assert values["require_2fa"] is True


def test_deployment_checks_pass_with_the_compose_environment(compose):
    # Only the machine's own variables, not the test run's (which relax security for tests).
    test_run_only = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "STATIC_MANIFEST",
                     "OOCR_REQUIRE_2FA"}
    environment = {key: value for key, value in os.environ.items() if key not in test_run_only}
    environment.update(service_environment(compose, "web"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
