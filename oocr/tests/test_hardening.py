"""Hardened responses: security headers on every kind of page, and no personal data in addresses or error pages."""

import re

import pytest
from django.test import override_settings

from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.accounts.tests.factories import KeyworkerFactory
from oocr.accounts.tests.test_views import service_paths

pytestmark = pytest.mark.django_db


def assert_hardened(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_sign_in_page_a_403_and_a_404_all_carry_the_security_headers(client):
    assert_hardened(client.get("/account/sign-in/"))
    client.force_login(KeyworkerFactory())
    forbidden = client.get("/administration/")
    assert forbidden.status_code == 403
    assert_hardened(forbidden)
    missing = client.get("/cases/999999/")
    assert missing.status_code == 404
    assert_hardened(missing)


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_https_answers_carry_hsts(client):
    response = client.get("/account/sign-in/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_no_page_address_can_hold_a_name_only_numbers_and_random_tokens():
    converters = set()
    for path in service_paths():
        if path.startswith("/django-admin/"):  # Django's own admin, for reference data only (administrators)
            continue
        converters |= set(re.findall(r"<([^>]+)>", path))
    # kind: an assessment kind; format: pdf; token, uidb64: random keys, not personal data.
    assert converters <= {"int:pk", "int:contact_pk", "int:condition_pk", "int:referral_pk", "int:partner_pk",
                          "int:victim_pk", "int:document_pk", "int:instrument", "str:kind", "str:format", "str:token", "str:chart",
                          "str:table", "uidb64", "token", "int:response", "int:user_pk", "int:allocation_pk",
                          "path:crime_reference"}  # the API's key (issue 20): a crime's reference, never a person's name


def test_the_404_page_does_not_repeat_what_was_asked_for(client):
    client.force_login(KeyworkerFactory())
    response = client.get("/cases/999999/?name=Jane+Doe")
    assert b"Jane" not in response.content and b"999999" not in response.content


def test_case_pages_and_the_sign_in_form_are_not_cached_by_browsers_or_proxies(client):
    case = AllocatedCaseFactory()
    client.force_login(case.allocations.get().keyworker)
    response = client.get(f"/cases/{case.pk}/")
    assert "no-store" in response["Cache-Control"]
