"""The administrators' pages: adding a client (secrets shown once), its page, revoking it, the schema and reference."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiClient
from api.tests.helpers import client_make, token_of
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory
from oocr.tests.concurrency import posted_twice

pytestmark = pytest.mark.django_db


def admin_client() -> Client:
    http = Client()
    http.force_login(AdministratorFactory())
    return http


def test_an_administrator_adds_a_client_sees_its_secrets_once_and_the_secret_gets_a_token():
    http = admin_client()
    response = http.post(reverse("api:client_add"), {
        "name": "Niche RMS", "scopes": ["referral:write"], "allowed_addresses": "127.0.0.1, 10.0.0.0/8",
        "rate_limit_per_minute": "60", "webhook_url": ""})
    client = ApiClient.objects.get()
    assert response["Location"] == reverse("api:client_detail", args=[client.pk])
    page = http.get(response["Location"]).content.decode()
    secret = page.split('data-testid="client-secret">', 1)[1].split("<", 1)[0]
    assert client.webhook_secret in page and client.application.client_id in page
    again = http.get(response["Location"]).content.decode()
    assert secret not in again and client.webhook_secret not in again  # shown once
    from api.tests.helpers import token_ask

    assert token_ask(Client(), client, secret).status_code == 200


def test_a_bad_address_range_is_refused_at_its_field_and_a_resent_form_adds_one_client():
    http = admin_client()
    response = http.post(reverse("api:client_add"), {"name": "Athena", "scopes": ["outcome:read"],
                                                     "allowed_addresses": "10.0.0.0/8, the police station",
                                                     "rate_limit_per_minute": "60"})
    assert response.status_code == 200 and "the police station is not an address" in response.content.decode()
    assert ApiClient.objects.count() == 0
    first, second = posted_twice(reverse("api:client_add"), user=AdministratorFactory(), data={
        "name": "Athena", "scopes": ["outcome:read"], "allowed_addresses": "10.0.0.0/8", "rate_limit_per_minute": "60"})
    assert first.status_code == second.status_code == 302 and ApiClient.objects.count() == 1


def test_revoking_a_client_stops_its_tokens_and_is_shown():
    client, secret = client_make()
    token = token_of(client, secret)
    http = admin_client()
    response = http.post(reverse("api:client_revoke", args=[client.pk]), {"confirm": "on", "record_version": client.version})
    assert response.status_code == 302
    assert Client().get("/api/v1/outcomes", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert "Revoked" in http.get(reverse("api:client_detail", args=[client.pk])).content.decode()
    stale = http.post(reverse("api:client_revoke", args=[client.pk]), {"confirm": "on", "record_version": client.version})
    assert stale.status_code == 200  # read before the revocation: refused, nothing changed


def test_the_schema_and_its_reference_page_are_for_administrators_and_name_every_operation():
    http = admin_client()
    schema = http.get(reverse("api:schema")).json()
    assert schema["openapi"].startswith("3.") and len([m for p in schema["paths"].values() for m in p]) == 3
    page = http.get(reverse("api:reference")).content.decode()
    for operation in ("PUT /api/v1/referrals/{crime_reference}", "GET /api/v1/outcomes", "GET /api/v1/cases/{crime_reference}"):
        assert operation in page
    assert "person.date_of_birth" in page and "referral:write" in page
    officer = Client()
    officer.force_login(EvidenceReviewOfficerFactory())
    assert officer.get(reverse("api:schema")).status_code == 403
    assert officer.get(reverse("api:reference")).status_code == 403
