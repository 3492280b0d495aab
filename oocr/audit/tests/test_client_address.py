"""The access log records the client's address, believing X-Forwarded-For only from a trusted proxy."""

import pytest
from django.test import RequestFactory

from oocr.client_address import client_address

pytestmark = pytest.mark.django_db


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_behind_a_trusted_proxy_the_client_is_the_right_most_address_the_proxies_did_not_add(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request_from("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
    # A client that sends its own header: the proxy appends what it saw, the made-up entry is ignored.
    assert client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request_from("10.0.0.2", "198.51.100.7, 10.0.0.9")) == "198.51.100.7"  # two proxies


def test_a_header_from_anyone_else_is_not_believed(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request_from("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


def test_garbage_in_the_header_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"
    assert client_address(request_from("10.0.0.2", "")) == "10.0.0.2"


def test_the_access_log_records_the_client_behind_the_proxy(client, settings):
    from oocr.accounts.tests.factories import AdministratorFactory
    from oocr.audit.models import AccessLog

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    admin = AdministratorFactory()
    client.force_login(admin)
    client.get(f"/administration/users/{admin.pk}/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AccessLog.objects.get(user=admin).ip_address == "198.51.100.7"
