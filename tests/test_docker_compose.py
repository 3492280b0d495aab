"""docker-compose.yml, the nginx proxy's configuration and gunicorn's are coherent with each other and with the
settings (no Docker engine runs here, so they are read, not run)."""

import ipaddress
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from evaluation.forms import CRIME_EXTRACT_MAX_BYTES
from oocr.client_address import client_address
from oocr.forms import CSV_UPLOAD_MAX_BYTES
from oocr.tests.test_settings import loaded

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ["web", "migrate", "worker", "beat"]
LONG_RUNNING = ["proxy", "web", "worker", "beat", "postgres", "redis"]
# What an operator would put in the .env file beside docker-compose.yml.
OPERATOR_ENVIRONMENT = {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": "a-database-password",
                        "DATABASE_APP_PASSWORD": "the-app-role-password"}


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


def test_the_stack_has_a_proxy_web_worker_beat_postgres_and_redis(compose):
    assert set(compose["services"]) == {"proxy", "web", "migrate", "worker", "beat", "postgres", "redis"}


def test_secrets_must_be_supplied_by_the_operator(compose):
    with pytest.raises(KeyError, match="SECRET_KEY"):
        interpolate(compose["services"]["web"]["environment"]["SECRET_KEY"], {})


def test_each_app_service_runs_the_right_program(compose):
    services = compose["services"]
    assert services["web"]["command"] == "gunicorn oocr.wsgi:application"  # the rest is gunicorn.conf.py
    assert services["migrate"]["command"] == [
        "sh", "-c", "python manage.py migrate --no-input && python manage.py database_app_role --login oocr_web"]
    assert services["migrate"]["restart"] == "no"
    assert services["worker"]["command"].startswith("celery -A oocr worker")
    beat = services["beat"]["command"]
    assert beat.startswith("celery -A oocr beat")
    assert f"--scheduler {settings.CELERY_BEAT_SCHEDULER}" in beat


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_reach_the_compose_database_and_broker(compose, name):
    environment = service_environment(compose, name)
    database = re.match(r"postgres://(\w+):([^@]+)@(\w+):5432/(\w+)$", environment["DATABASE_URL"])
    postgres = service_environment(compose, "postgres")
    # The application's login role, a member of the group role that may not empty the access log; not the owner.
    assert database.groups() == (
        "oocr_web", OPERATOR_ENVIRONMENT["DATABASE_APP_PASSWORD"], "postgres", postgres["POSTGRES_DB"]
    )
    assert environment["DATABASE_APP_ROLE"] == "oocr_app"
    if name == "migrate":  # only migrations connect as the owner of the tables, and they make the login role
        owner = re.match(r"postgres://(\w+):([^@]+)@(\w+):5432/(\w+)$", environment["DATABASE_OWNER_URL"])
        assert owner.groups() == (postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"], "postgres", postgres["POSTGRES_DB"])
        assert environment["DATABASE_APP_PASSWORD"] == OPERATOR_ENVIRONMENT["DATABASE_APP_PASSWORD"]
    else:
        assert "DATABASE_OWNER_URL" not in environment
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


# --- The production shape: only the proxy faces clients; every service says whether it is healthy -----------


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_every_long_running_service_has_a_health_check(compose, name):
    check = compose["services"][name]["healthcheck"]
    assert check["test"][0] in {"CMD", "CMD-SHELL"} and len(check["test"]) > 1
    assert check["retries"] >= 3


def test_only_the_proxy_is_published_to_the_host(compose):
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    assert [port.split(":")[-1] for port in compose["services"]["proxy"]["ports"]] == ["443", "80"]
    assert compose["services"]["web"]["expose"] == ["8000"]


def test_app_services_wait_for_healthy_dependencies_and_one_migration(compose):
    for name in ["web", "worker", "beat"]:
        depends = compose["services"][name]["depends_on"]
        assert depends == {"postgres": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"},
                           "migrate": {"condition": "service_completed_successfully"}}
    assert compose["services"]["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert compose["services"]["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_the_app_trusts_the_proxys_address_and_nothing_else(compose):
    proxy_address = interpolate(compose["services"]["proxy"]["networks"]["backend"]["ipv4_address"], {})
    subnet = interpolate(compose["networks"]["backend"]["ipam"]["config"][0]["subnet"], {})
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    for name in APP_SERVICES:
        assert service_environment(compose, name)["TRUSTED_PROXIES"] == proxy_address
    # As the app would then see a request: the proxy replaces X-Forwarded-For with the address it saw.
    request = RequestFactory().get("/", REMOTE_ADDR=proxy_address, HTTP_X_FORWARDED_FOR="203.0.113.7")
    with override_settings(TRUSTED_PROXIES=[proxy_address]):
        assert client_address(request) == "203.0.113.7"
        sideways = RequestFactory().get("/", REMOTE_ADDR="172.30.80.99", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert client_address(sideways) == "172.30.80.99"


def test_the_web_health_check_asks_for_the_sign_in_page_as_the_proxy_would(compose):
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert reverse("login") in check
    assert "'X-Forwarded-Proto': 'https'" in check


def test_the_proxy_runs_the_official_nginx_image_with_this_repositorys_configuration(compose):
    proxy = compose["services"]["proxy"]
    assert re.fullmatch(r"nginx:1\.\d+", proxy["image"])
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in proxy["volumes"]}
    assert mounts["/etc/nginx/nginx.conf"] == "./deploy/nginx/nginx.conf"
    assert mounts["/etc/nginx/certificate.sh"] == "./deploy/nginx/certificate.sh"
    assert mounts["/etc/nginx/certificates"] in compose["volumes"]
    for source in mounts.values():
        assert source in compose["volumes"] or (ROOT / source).is_file()


# --- nginx's configuration, parsed ----------------------------------------------------------------------------

NGINX_CONF = ROOT / "deploy" / "nginx" / "nginx.conf"


def nginx_parse(text: str) -> list:
    """nginx's configuration as a list of (name, arguments, children or None) entries."""
    tokens = re.findall(r'"[^"]*"|[{};]|[^\s{};"]+', re.sub(r"#[^\n]*", "", text))
    position = 0

    def block() -> list:
        nonlocal position
        entries, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == "}":
                return entries
            if token == ";":
                entries.append((words[0], words[1:], None))
                words = []
            elif token == "{":
                entries.append((words[0], words[1:], block()))
                words = []
            else:
                words.append(token.strip('"'))
        assert not words, f"unterminated directive {words}"
        return entries

    return block()


def directive(entries: list, name: str, *arguments: str):
    """The one entry called `name` (whose arguments start with `arguments`)."""
    found = [entry for entry in entries if entry[0] == name and tuple(entry[1][: len(arguments)]) == arguments]
    assert len(found) == 1, f"{name} {arguments}: {len(found)} found"
    return found[0]


def value(entries: list, name: str) -> str:
    return " ".join(directive(entries, name)[1])


def size_bytes(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", text.lower()).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit]


def seconds(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(s|m)?", text).groups()
    return int(number) * (60 if unit == "m" else 1)


@pytest.fixture(scope="module")
def http():
    return directive(nginx_parse(NGINX_CONF.read_text()), "http")[2]


def https_server(http) -> list:
    return next(children for name, arguments, children in http if name == "server"
                and directive(children, "listen")[1][:2] == ["443", "ssl"])


def test_the_proxy_refuses_bodies_over_what_the_product_accepts(http):
    default = size_bytes(value(http, "client_max_body_size"))
    assert CSV_UPLOAD_MAX_BYTES < default <= 2 * CSV_UPLOAD_MAX_BYTES  # the CSV uploads, plus the envelope
    upload = directive(https_server(http), "location", "=", reverse("evaluation:import_new"))[2]
    largest = size_bytes(value(upload, "client_max_body_size"))
    assert CRIME_EXTRACT_MAX_BYTES < largest <= 1.1 * CRIME_EXTRACT_MAX_BYTES
    assert [child for child in https_server(http) if child[0] == "location"][0][1] == ["/"]
    assert "client_max_body_size" not in {name for name, _, _ in directive(https_server(http), "location", "/")[2]}


def test_the_proxy_bounds_slow_clients_and_buffers_both_ways(http):
    assert seconds(value(http, "client_header_timeout")) <= 10
    assert seconds(value(http, "client_body_timeout")) <= 30
    assert seconds(value(http, "send_timeout")) <= 60
    assert value(http, "proxy_request_buffering") == "on"
    assert value(http, "proxy_buffering") == "on"


def test_the_proxy_gives_up_no_sooner_than_gunicorn_on_the_upload_and_sooner_elsewhere(http, monkeypatch):
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    gunicorn = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    upload = directive(https_server(http), "location", "=", reverse("evaluation:import_new"))[2]
    assert seconds(value(http, "proxy_read_timeout")) < gunicorn["timeout"] < seconds(value(upload, "proxy_read_timeout"))


def test_the_proxy_tells_the_app_the_clients_address_and_scheme_and_nothing_it_was_sent(http):
    server = https_server(http)
    headers = {arguments[0]: " ".join(arguments[1:]) for name, arguments, _ in server if name == "proxy_set_header"}
    assert headers["X-Forwarded-For"] == "$remote_addr"  # replaced, never appended to what the client sent
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Host"] == "$http_host"  # with the port: Django's CSRF check compares the Origin with it
    assert headers["X-Forwarded-Host"] == ""


def test_the_proxy_passes_to_gunicorn_and_serves_only_https(http, monkeypatch):
    upstream = directive(http, "upstream", "web")[2]
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    gunicorn = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert value(upstream, "server") == "web:" + gunicorn["bind"].rsplit(":", 1)[1]
    for _, _, children in [entry for entry in https_server(http) if entry[0] == "location"]:
        assert value(children, "proxy_pass") == "http://web"
    plain = next(children for name, _, children in http if name == "server" and directive(children, "listen")[1][0] == "80")
    assert value(directive(plain, "location", "/")[2], "return") == "301 https://$host$request_uri"
    assert value(https_server(http), "ssl_protocols") == "TLSv1.2 TLSv1.3"


def test_the_access_log_leaves_out_query_strings(http):
    log_format = value(http, "log_format")
    assert "$uri" in log_format
    assert "$request " not in log_format + " " and "$request_uri" not in log_format and "$args" not in log_format


def test_gunicorn_runs_sync_workers_counted_from_the_cores(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    gunicorn = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert gunicorn["worker_class"] == "sync"
    assert gunicorn["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 7


def test_the_certificate_script_makes_a_self_signed_pair_once(tmp_path):
    environment = {**os.environ, "CERTIFICATE_DIRECTORY": str(tmp_path), "TLS_COMMON_NAME": "oocr.localhost"}
    script = str(ROOT / "deploy" / "nginx" / "certificate.sh")
    subprocess.run(["sh", script], env=environment, check=True, capture_output=True)
    made = (tmp_path / "server.crt").read_bytes()
    subject = subprocess.run(["openssl", "x509", "-noout", "-subject", "-in", str(tmp_path / "server.crt")],
                             check=True, capture_output=True, text=True).stdout
    assert "CN = oocr.localhost" in subject
    subprocess.run(["sh", script], env=environment, check=True, capture_output=True)
    assert (tmp_path / "server.crt").read_bytes() == made  # an existing pair (a real one) is left alone


def test_the_access_log_export_has_a_volume_of_its_own(compose):
    for name in APP_SERVICES:
        assert service_environment(compose, name)["ACCESS_LOG_EXPORT_DIR"] == "/app/var/access-log"
        assert "access-log-export:/app/var/access-log" in compose["services"][name]["volumes"]
    assert "access-log-export" in compose["volumes"]
