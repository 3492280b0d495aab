"""The integration API: authentication and scopes, crimes in (idempotent), outcomes out, problems, limits."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api.models import ApiCall, ApiEvent, ApiReferral
from api.tests.helpers import ALL_SCOPES, SHOP_THEFT_CJS, body, bearer, case_closed, client_make, offence_codes_map, put, token_ask, token_of
from cases.models import Case, Crime, Victim
from cases.tests.factories import AwaitingAllocationCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
# Each operation: its method, a path, what it needs, and a body.
OPERATIONS = [
    ("put", "/api/v1/referrals/CR/00001/26", "referral:write"),
    ("get", "/api/v1/cases/CR/00001/26", "case:read"),
    ("get", "/api/v1/outcomes", "outcome:read"),
]


def call(http, method, path, headers=None):
    headers = headers or {}
    if method == "put":
        return http.put(path, data=json.dumps(body()), content_type="application/json", **headers)
    return http.get(path, **headers)


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    document = response.json()
    assert document["status"] == status and document["title"] and document["type"].startswith("https://")
    return document


@pytest.fixture
def mapped():
    offence_codes_map()


# --- Authentication: every operation ---------------------------------------------------------------------------


@pytest.mark.parametrize("method,path,scope", OPERATIONS)
def test_every_operation_refuses_no_token_a_wrong_scope_an_expired_token_and_a_signed_in_session(mapped, method, path, scope):
    http = Client()
    problem(call(http, method, path), 401)
    assert call(http, method, path)["WWW-Authenticate"].startswith("Bearer")

    other_scopes = [s for s in ALL_SCOPES if s != scope]
    client, secret = client_make(scopes=other_scopes)
    wrong = token_of(client, secret)
    assert scope in problem(call(http, method, path, bearer(wrong)), 403)["detail"]

    right_client, right_secret = client_make(name="Athena", scopes=[scope])
    expired = token_of(right_client, right_secret)
    AccessToken.objects.filter(token_checksum__isnull=False).update(expires=timezone.now() - timedelta(seconds=1))
    problem(call(http, method, path, bearer(expired)), 401)

    session = Client()
    session.force_login(AdministratorFactory())  # an administrator's session opens no API operation
    problem(call(session, method, path), 401)

    fresh = token_of(right_client, right_secret)
    assert call(http, method, path, bearer(fresh)).status_code not in (401, 403)


def test_no_api_token_opens_a_page():
    client, secret = client_make()
    token = token_of(client, secret)
    for page in ("/intake/", "/administration/", "/api/v1/reference/", "/api/v1/schema/", "/administration/api-clients/"):
        response = Client().get(page, **bearer(token))
        assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/"), page


def test_a_revoked_client_and_one_calling_from_outside_its_range_are_refused(mapped):
    from api.services import api_client_revoke

    client, secret = client_make(addresses="10.1.0.0/16")
    assert token_ask(Client(), client, secret).status_code == 403  # the token is asked for from 127.0.0.1
    inside = Client(REMOTE_ADDR="10.1.2.3")
    assert token_ask(inside, client, secret).status_code == 200
    token = token_ask(inside, client, secret).json()["access_token"]
    assert inside.get("/api/v1/outcomes", **bearer(token)).status_code == 200
    problem(Client().get("/api/v1/outcomes", **bearer(token)), 403)  # the same token from elsewhere

    api_client_revoke(client_id=client.pk, by=AdministratorFactory(), read_version=client.version)
    problem(inside.get("/api/v1/outcomes", **bearer(token)), 401)
    assert token_ask(inside, client, secret).status_code == 401


def test_tokens_are_short_lived_and_hold_only_the_scopes_the_client_was_given():
    client, secret = client_make(scopes=["outcome:read"])
    answer = token_ask(Client(), client, secret).json()
    assert answer["expires_in"] == 600 and answer["scope"] == "outcome:read" and answer["token_type"] == "Bearer"
    assert token_ask(Client(), client, secret, scope="referral:write").status_code in (400, 401)
    assert token_ask(Client(), client, "not-the-secret").status_code == 401
    assert Client().get("/api/v1/token/").status_code == 405


# --- Crimes in ---------------------------------------------------------------------------------------------------


def test_a_crime_sent_in_is_a_draft_with_its_eligibility_that_an_officer_sees_and_submits(mapped):
    client, secret = client_make()
    token = token_of(client, secret)
    response = put(Client(), "cr/00001/26", body(), token)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["crime_reference"] == "CR/00001/26" and answer["status"] == "draft" and answer["changed"] is True
    assert answer["eligibility"]["outcome"] == "needs_answers"  # consent and the other questions are the officer's
    rules = {rule["code"]: rule["outcome"] for rule in answer["eligibility"]["rules"]}
    assert rules["admission"] == "pass" and rules["adult"] == "pass" and rules["consent"] == "unanswered"

    case = Case.objects.get()
    crime = case.crimes.get()
    assert case.created_by == client.user and case.status == Case.Status.DRAFT
    assert [offence.code for offence in crime.offences.all()] == ["TH-SHOP"]
    assert crime.officer_name == "PC Tamsin Rowe" and case.person.last_name == "Penhaligon"
    assert list(Victim.objects.filter(crime=crime).values_list("view", flat=True)) == ["supports"]
    assert case.draft_answers == {"admission": "admitted"}
    # Every call is logged as the client; the case it wrote is in the access log under the client's user.
    assert AccessLog.objects.filter(user=client.user, object_id=case.pk, person_id=case.person_id).count() == 1
    assert ApiCall.objects.get().status == 201

    officer = Client()
    officer.force_login(EvidenceReviewOfficerFactory())
    assert "CR/00001/26" in officer.get("/intake/").content.decode()
    assert officer.get(f"/intake/{case.pk}/").status_code == 200


def test_the_same_body_twice_changes_nothing_and_a_different_one_updates_the_draft(mapped):
    from cases.models import Person

    client, secret = client_make()
    token = token_of(client, secret)
    http = Client()
    assert put(http, "CR/00002/26", body(), token).status_code == 201
    case = Case.objects.get()
    versions = (case.version, case.person.version, Crime.objects.get().version)
    histories = Person.history.count() + Crime.history.count() + Victim.history.count()

    again = put(http, "CR/00002/26", body(), token)
    assert again.status_code == 200 and again.json()["changed"] is False
    case.refresh_from_db()
    assert (case.version, case.person.version, Crime.objects.get().version) == versions
    assert Person.history.count() + Crime.history.count() + Victim.history.count() == histories
    assert Case.objects.count() == 1 and ApiReferral.objects.count() == 1

    changed = body(victims=[{"name": "Truro Stores Ltd", "view": "opposes"}, {"name": "A second shop", "view": "no_view"}])
    response = put(http, "CR/00002/26", changed, token)
    assert response.status_code == 200 and response.json()["changed"] is True
    assert sorted(Victim.objects.values_list("view", flat=True)) == ["no_view", "opposes"]
    assert Case.objects.count() == 1


def test_a_different_body_for_a_submitted_case_is_a_409_listing_the_differences(mapped):
    from cases import services as case_services
    from cases.tests.factories import ELIGIBLE_ANSWERS

    client, secret = client_make()
    token = token_of(client, secret)
    put(Client(), "CR/00003/26", body(), token)
    case = Case.objects.get()
    officer = EvidenceReviewOfficerFactory()
    case_services.intake_answers_save(case=case, user=officer, answers=dict(ELIGIBLE_ANSWERS))
    case_services.intake_submit(case=case, user=officer, decision="submitted", route=Case.Route.DEFERRED_CAUTION)

    same = put(Client(), "CR/00003/26", body(), token)
    assert same.status_code == 200 and same.json()["status"] == "awaiting_allocation"
    assert same.json()["eligibility"]["outcome"] == "eligible"
    different = body(person={**body()["person"], "last_name": "Penhallow"}, admission="accepts_responsibility")
    document = problem(put(Client(), "CR/00003/26", different, token), 409)
    assert document["differences"] == [
        {"field": "admission", "stored": "admitted", "sent": "accepts_responsibility"},
        {"field": "person.last_name", "stored": "Penhaligon", "sent": "Penhallow"},
    ]
    assert Case.objects.get().person.last_name == "Penhaligon"
    another_suspect = problem(put(Client(), "CR/00003/26", body(suspect_reference="P-0002"), token), 409)
    assert "another suspect" in another_suspect["detail"]


def test_an_unknown_offence_code_is_a_422_naming_it_and_nothing_is_written(mapped):
    client, secret = client_make()
    token = token_of(client, secret)
    crime = {**body()["crime"], "offences": [{"scheme": "cjs", "code": SHOP_THEFT_CJS}, {"scheme": "cjs", "code": "ZZ99999"}]}
    document = problem(put(Client(), "CR/00004/26", body(crime=crime), token), 422)
    assert "ZZ99999" in document["detail"]
    assert document["errors"] == [{"field": "crime.offences[1].code", "detail": "Unknown CJS offence code ZZ99999"}]
    home_office = {**body()["crime"], "offences": [{"scheme": "home_office", "code": "46"}]}
    assert put(Client(), "CR/00005/26", body(crime=home_office), token).status_code == 201
    assert Case.objects.count() == 1


@pytest.mark.parametrize("data,field", [
    ({"suspect_reference": "P"}, "person"),
    ("not json at all", None),
    (["a", "list"], None),
    (body(person={**body()["person"], "date_of_birth": "2026-02-31"}), "person.date_of_birth"),
    (body(person={**body()["person"], "sex": "unknown"}), "person.sex"),
    (body(crime={**body()["crime"], "offences": []}), "crime.offences"),
    (body(officer={"name": "x" * 5000, "collar_number": "1", "email": "not an email"}), "officer.name"),
    (body(crime={**body()["crime"], "offence_date": str(timezone.localdate() + timedelta(days=3))}), "crime.offence_date"),
    (body(person={**body()["person"], "date_of_birth": "1900-01-01"}), None),
])
def test_bad_input_is_a_problem_with_its_fields_never_a_500(mapped, data, field):
    client, secret = client_make()
    response = put(Client(), "CR/00006/26", data, token_of(client, secret))
    assert response.status_code in (400, 422, 201), response.content
    if response.status_code != 201:
        document = problem(response, response.status_code)
        if field:
            assert field in [error["field"] for error in document["errors"]], document
            assert Case.objects.count() == 0


def test_a_bad_crime_reference_a_huge_body_and_a_reference_in_use(mapped):
    client, secret = client_make()
    token = token_of(client, secret)
    assert problem(put(Client(), "no!", body(), token), 422)["errors"][0]["field"] == "crime_reference"
    huge = json.dumps(body(suspect_reference="x" * 70_000))
    problem(put(Client(), "CR/00007/26", huge, token), 413)
    manual = AwaitingAllocationCaseFactory()
    reference = manual.crimes.get().reference
    assert manual.number in problem(put(Client(), reference, body(), token), 409)["detail"]
    assert Client().put("/api/v1/referrals/CR/00008/26", data="a=1", content_type="application/x-www-form-urlencoded",
                        **bearer(token)).status_code == 415


def test_each_client_has_its_own_rate_limit(mapped):
    client, secret = client_make(rate=2)
    other, other_secret = client_make(name="Athena", rate=2)
    token, other_token = token_of(client, secret), token_of(other, other_secret)
    http = Client()
    assert [http.get("/api/v1/outcomes", **bearer(token)).status_code for _ in range(2)] == [200, 200]
    limited = http.get("/api/v1/outcomes", **bearer(token))
    problem(limited, 429)
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert http.get("/api/v1/outcomes", **bearer(other_token)).status_code == 200


def test_a_case_is_read_by_its_crime_reference(mapped):
    client, secret = client_make(scopes=["case:read"])
    case = AwaitingAllocationCaseFactory()
    reference = case.crimes.get().reference
    answer = Client().get(f"/api/v1/cases/{reference}", **bearer(token_of(client, secret))).json()
    assert answer["case_number"] == case.number and answer["status"] == "awaiting_allocation"
    problem(Client().get("/api/v1/cases/CR/99999/26", **bearer(token_of(client, secret))), 404)
    entry = AccessLog.objects.get(user=client.user)
    assert entry.kind == AccessLog.Kind.DISCLOSURE and entry.recipient == "Niche RMS" and entry.person_id == case.person_id


# --- Outcomes out ------------------------------------------------------------------------------------------------


def test_outcomes_come_once_each_in_order_from_a_cursor_with_closures_made_while_reading(mapped):
    from contracts.tests.test_closure import active_case

    client, secret = client_make(scopes=["outcome:read"])
    token = token_of(client, secret)
    http = Client()
    first = case_closed()
    page = http.get("/api/v1/outcomes", **bearer(token)).json()
    assert [item["case_number"] for item in page["outcomes"]] == [first.number]
    cursor = page["next_cursor"]
    assert http.get(f"/api/v1/outcomes?since={cursor}", **bearer(token)).json() == {"outcomes": [], "next_cursor": cursor}

    seen = [first.number]
    closed = [first.number]
    for _round in range(3):  # close some, read some: every closure is read once, in the order it closed
        for _ in range(2):
            closed.append(case_closed().number)
        page = http.get(f"/api/v1/outcomes?since={cursor}", **bearer(token)).json()
        seen += [item["case_number"] for item in page["outcomes"]]
        cursor = page["next_cursor"]
    assert seen == closed and len(set(seen)) == len(seen)
    item = page["outcomes"][-1]
    assert item["status"] == "breached" and item["event"] == "case.breached" and item["crime_reference"]
    assert item["outcome_date"] == str(timezone.localdate()) and item["conditions"]

    case, _holder, _condition = active_case()  # a contract signed: an event, but not an outcome
    assert ApiEvent.objects.filter(case=case, kind="contract.signed").exists()
    assert http.get(f"/api/v1/outcomes?since={cursor}", **bearer(token)).json()["outcomes"] == []
    problem(http.get("/api/v1/outcomes?since=abc", **bearer(token)), 422)


def test_a_token_in_the_query_string_is_not_accepted():
    """Addresses end up in proxies' logs: a token only works in the Authorization header (RFC 9700, 4.3.2)."""
    client, secret = client_make(scopes=["outcome:read"])
    token = token_of(client, secret)
    problem(Client().get(f"/api/v1/outcomes?access_token={token}"), 401)
    assert Client().get("/api/v1/outcomes", **bearer(token)).status_code == 200


# --- Disposal at the end of retention ----------------------------------------------------------------------------


def test_disposal_empties_what_a_client_sent_and_what_was_sent_to_clients_and_a_resend_starts_afresh(mapped):
    from api.models import WebhookDelivery
    from api.services import api_event_record
    from oocr.personal_data import Disposal, dispose

    client, secret = client_make(webhook_url="https://rms.police.example.org/oocr")
    token, http = token_of(client, secret), Client()
    assert put(http, "CR/00003/26", body(), token).status_code == 201
    assert put(http, "CR/00004/26", body(suspect_reference="P-0002"), token).status_code == 201
    referral, other = ApiReferral.objects.get(crime_reference="CR/00003/26"), ApiReferral.objects.get(crime_reference="CR/00004/26")
    event = api_event_record(case=referral.case, kind="case.concluded")
    WebhookDelivery.objects.filter(event=event).update(body='{"case_number": "OOCR-1", "outcome": "completed"}')

    dispose(Disposal(case_id=referral.case_id, person_id=None))

    referral.refresh_from_db()
    assert (referral.crime_reference, referral.suspect_reference, referral.body, referral.body_hash) == (
        f"DISPOSED-API-{referral.pk}", "", {}, "")
    assert (referral.client_id, referral.case_id) == (client.pk, event.case_id)
    assert list(WebhookDelivery.objects.filter(event=event).values_list("body", flat=True)) == [""]
    other.refresh_from_db()
    assert (other.crime_reference, other.suspect_reference) == ("CR/00004/26", "P-0002")  # another case: untouched
    assert put(http, "CR/00003/26", body(), token).status_code == 201  # a new case, not the disposed one
    assert ApiReferral.objects.get(crime_reference="CR/00003/26").case_id != referral.case_id
