"""The administrators' API client forms, for the form harness (tests/test_forms_matrix.py)."""

from django.urls import reverse

from api.models import ApiClient
from api.services import api_client_create
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.tests.concurrency import one_time_token
from oocr.tests.form_harness import FormCase


def _added(context):
    client = ApiClient.objects.get(name="Niche RMS (live)")
    assert client.scopes == ["outcome:read", "referral:write"] and client.allowed_addresses == "10.20.0.0/16, 192.0.2.10"
    assert client.application.authorization_grant_type == "client-credentials"
    assert not client.user.has_usable_password() and not client.user.groups.exists()


def _a_client(context=None):
    admin = AdministratorFactory()
    client, _secret = api_client_create(by=admin, name="Athena RMS", scopes=["outcome:read"], allowed_addresses="10.0.0.0/8")
    return {"user": admin, "url": reverse("api:client_revoke", args=[client.pk]), "client": client}


def _revoked(context):
    client = ApiClient.objects.get(pk=context["client"].pk)
    assert not client.is_active and client.revoked_at is not None


FORM_CASES = [
    FormCase("/administration/api-clients/new/", Role.ADMINISTRATOR,
             lambda: {"user": AdministratorFactory(), "url": reverse("api:client_add")},
             lambda context: {"name": "Niche RMS (live)", "scopes": ["referral:write", "outcome:read"],
                              "allowed_addresses": "10.20.0.0/16, 192.0.2.10", "webhook_url": "https://rms.police.example.org/oocr",
                              "rate_limit_per_minute": "120", **one_time_token()},
             _added),
    FormCase("/administration/api-clients/<int:pk>/revoke/", Role.ADMINISTRATOR, _a_client,
             lambda context: {"confirm": "on", "record_version": str(context["client"].version)}, _revoked),
]
