"""API clients, tokens and bodies for the API's tests."""

import base64
import json
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from api.models import OffenceCode
from api.services import api_client_create
from cases.models import Offence
from oocr.accounts.tests.factories import AdministratorFactory

ALL_SCOPES = ("case:read", "outcome:read", "referral:write")
SHOP_THEFT_CJS = "TH68010"


def offence_codes_map() -> None:
    """The force's code for the catalogue's shop theft (a CJS code, and a Home Office classification)."""
    offence, _ = Offence.objects.get_or_create(code="TH-SHOP", defaults={
        "title": "Theft from a shop (Theft Act 1968 s.1)", "mode_of_trial": "either_way", "crime_subgroup": "Shoplifting"})
    OffenceCode.objects.get_or_create(scheme="cjs", code=SHOP_THEFT_CJS, defaults={"offence": offence})
    OffenceCode.objects.get_or_create(scheme="home_office", code="46", defaults={"offence": offence})


def client_make(*, scopes=ALL_SCOPES, addresses="127.0.0.0/8", webhook_url="", rate=1000, name="Niche RMS"):
    client, secret = api_client_create(by=AdministratorFactory(), name=name, scopes=list(scopes),
                                       allowed_addresses=addresses, webhook_url=webhook_url, rate_limit_per_minute=rate)
    return client, secret


def basic(client, secret) -> str:
    return "Basic " + base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()


def token_ask(http: Client, client, secret, scope: str | None = None):
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return http.post("/api/v1/token/", data, HTTP_AUTHORIZATION=basic(client, secret))


def token_of(client, secret, scope: str | None = None) -> str:
    response = token_ask(Client(), client, secret, scope)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def body(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "suspect_reference": "P-0001",
        "person": {"first_names": "Jory", "last_name": "Penhaligon", "date_of_birth": str(today - timedelta(days=30 * 365)),
                   "sex": "male", "postcode": "TR1 2AB", "address_line_1": "3 Quay Street", "town": "Truro",
                   "phone": "07700 900456"},
        "crime": {"offence_date": str(today - timedelta(days=5)), "offence_postcode": "TR1 3XX",
                  "offences": [{"scheme": "cjs", "code": SHOP_THEFT_CJS}]},
        "officer": {"name": "PC Tamsin Rowe", "collar_number": "2231", "email": "tamsin.rowe@police.example.org"},
        "victims": [{"name": "Truro Stores Ltd", "view": "supports"}],
        "admission": "admitted",
    }
    for key, value in overrides.items():
        data[key] = value
    return data


def put(http: Client, reference: str, data, token: str, **extra):
    return http.put(f"/api/v1/referrals/{reference}", data=json.dumps(data) if not isinstance(data, (bytes, str)) else data,
                    content_type="application/json", **bearer(token), **extra)


def case_closed(result: str = "breached"):
    """A case closed through the real services: proposed by its keyworker, approved by a supervisor."""
    from contracts.services.closure import closure_decide
    from contracts.tests.factories import PendingClosureFactory
    from oocr.accounts.tests.factories import SupervisorFactory

    proposal = PendingClosureFactory(result=result)
    closure_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True,
                   note="No contact for three weeks after a warning")
    proposal.case.refresh_from_db()
    return proposal.case
