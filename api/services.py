"""The API's writes: clients, crimes sent in, the events clients hear of, and webhook deliveries."""

import hashlib
import hmac
import json
import secrets
import time
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from oauth2_provider.models import get_application_model

from api.models import ApiCall, ApiClient, ApiEvent, ApiReferral, OffenceCode, WebhookAttempt, WebhookDelivery
from api.problems import Problem, django_errors, invalid
from cases import services as case_services
from cases.models import Case, Crime, Offence, Person, pnc_id_normalise
from oocr.concurrency.services import version_bump

# --- Clients ---------------------------------------------------------------------------------------------------


@transaction.atomic
def api_client_create(*, by, name: str, scopes: list[str], allowed_addresses: str, webhook_url: str = "",
                      rate_limit_per_minute: int = 120) -> tuple[ApiClient, str]:
    """A client, its OAuth2 application (client credentials, confidential) and its own user; returns the client
    and its client secret, which is shown once and kept only hashed."""
    if ApiClient.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "A client already has this name"})
    Application = get_application_model()
    secret = secrets.token_urlsafe(32)
    user = get_user_model().objects.create_user(username=f"api-client-{secrets.token_hex(6)}", first_name="API client",
                                                last_name=name.strip()[:150])
    user.set_unusable_password()
    user.save()
    application = Application.objects.create(
        name=name.strip(), client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=secret, user=None,
        skip_authorization=True,
    )
    client = ApiClient.objects.create(
        name=name.strip(), user=user, application=application, scopes=sorted(scopes), allowed_addresses=allowed_addresses,
        webhook_url=webhook_url, webhook_secret=secrets.token_urlsafe(32), rate_limit_per_minute=rate_limit_per_minute,
        created_by=by,
    )
    return client, secret


@transaction.atomic
def api_client_revoke(*, client_id: int, by, read_version) -> ApiClient:
    """No new token, and every token it holds stops working at once."""
    client = ApiClient.objects.select_for_update().get(pk=client_id)
    version_bump(client, read_version=read_version, user=by)
    if not client.is_active:
        raise ValidationError("This client has been revoked already")
    client.is_active, client.revoked_at = False, timezone.now()
    client.save()
    client.application.accesstoken_set.all().delete()
    return client


def api_call_record(*, client: ApiClient, method: str, path: str, status: int, ip_address: str | None) -> None:
    ApiCall.objects.create(client=client, method=method, path=path[:200], status=status, ip_address=ip_address)


# --- Crimes in -------------------------------------------------------------------------------------------------


def _plain(value):
    """Validated data as JSON values: dates as ISO text, so that bodies compare and store alike."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def body_canonical(data: dict) -> tuple[dict, str]:
    body = _plain(data)
    return body, hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def body_differences(stored, sent, prefix: str = "") -> list[dict]:
    """Every field whose value differs, by its path (`person.last_name`, `victims[0].view`)."""
    if isinstance(stored, dict) and isinstance(sent, dict):
        found = []
        for key in sorted(set(stored) | set(sent)):
            found += body_differences(stored.get(key), sent.get(key), f"{prefix}.{key}" if prefix else key)
        return found
    if isinstance(stored, list) and isinstance(sent, list) and len(stored) == len(sent):
        found = []
        for index, (one, two) in enumerate(zip(stored, sent)):
            found += body_differences(one, two, f"{prefix}[{index}]")
        return found
    return [] if stored == sent else [{"field": prefix, "stored": stored, "sent": sent}]


def offences_mapped(offences: list[dict]) -> list[Offence]:
    """The catalogue's offences for the codes sent; a 422 naming every code that is not known (or is retired)."""
    found, unknown = [], []
    for index, item in enumerate(offences):
        mapped = OffenceCode.objects.select_related("offence").filter(scheme=item["scheme"], code=item["code"].strip().upper()).first()
        if mapped is None or not mapped.offence.is_active:
            unknown.append({"field": f"crime.offences[{index}].code",
                            "detail": f"Unknown {OffenceCode.Scheme(item['scheme']).label} {item['code'][:20]}"})
        elif mapped.offence not in found:
            found.append(mapped.offence)
    if unknown:
        raise invalid(unknown, detail="Unknown offence code: " + ", ".join(error["detail"].rsplit(" ", 1)[-1] for error in unknown))
    return found


def _reference_lock(reference: str) -> None:
    """One PUT per crime reference at a time (PostgreSQL: a lock held to the end of the transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"api-referral:{reference}"])


def _draft_fill(*, case: Case, user, body: dict, offences: list[Offence]) -> None:
    """Write the body onto a draft through the intake services (the same checks as the pages)."""
    person_data = dict(body["person"])
    existing = None
    pnc_id = person_data.get("pnc_id", "")
    if pnc_id:
        existing = Person.objects.filter(pnc_id=pnc_id_normalise(pnc_id)).first()
    person_data["date_of_birth"] = date.fromisoformat(person_data["date_of_birth"])
    try:
        case_services.intake_person_save(case=case, user=user, data=person_data, existing_person=existing)
    except ValidationError as error:
        raise invalid(django_errors(error, "person."))
    crime, officer = body["crime"], body["officer"]
    crime_data = {
        "reference": body["crime_reference"], "offence_date": date.fromisoformat(crime["offence_date"]),
        "offence_postcode": crime["offence_postcode"], "domestic_abuse": crime["domestic_abuse"],
        "hate_crime": crime["hate_crime"], "co_accused": crime["co_accused"], "officer_name": officer["name"],
        "officer_collar_number": officer["collar_number"], "officer_email": officer["email"],
    }
    try:
        case_services.intake_crime_save(case=case, user=user, data=crime_data, offences=offences)
    except ValidationError as error:
        errors = django_errors(error, "crime.")
        for item in errors:  # the officer's fields are sent under officer
            if item["field"] and item["field"].startswith("crime.officer_"):
                item["field"] = "officer." + item["field"].removeprefix("crime.officer_")
        raise invalid(errors)
    for victim in case.crimes.first().victims.all():
        case_services.intake_victim_remove(case=case, user=user, victim_id=victim.pk)
    for index, victim in enumerate(body["victims"]):
        data = dict(victim, date_asked=date.fromisoformat(victim["date_asked"]) if victim["date_asked"] else None)
        try:
            case_services.intake_victim_add(case=case, user=user, data=data)
        except ValidationError as error:
            raise invalid(django_errors(error, f"victims[{index}]."))
    answers = dict(Case.objects.get(pk=case.pk).draft_answers)
    if body.get("admission"):
        answers["admission"] = body["admission"]
    else:
        answers.pop("admission", None)
    case_services.intake_answers_save(case=case, user=user, answers=answers)


def referral_put(*, client: ApiClient, crime_reference: str, data: dict) -> tuple[ApiReferral, bool, bool]:
    """Create or update the draft submission for a crime reference: the same body again changes nothing; a different
    body once the case has been submitted is a 409 listing the differences. Returns (referral, changed, created)."""
    reference = crime_reference.strip().upper()
    body, body_hash = body_canonical({**data, "crime_reference": reference})
    with transaction.atomic():
        _reference_lock(reference)
        referral = ApiReferral.objects.select_related("case").filter(crime_reference=reference).first()
        if referral is not None and referral.body_hash == body_hash:
            return referral, False, False
        if referral is None:
            clash = Crime.objects.filter(reference=reference).select_related("case").first()
            if clash is not None:
                raise Problem(status_code=409, kind="conflict", title="Crime reference in use",
                              detail=f"Crime reference {reference} is already on case {clash.case.number}, "
                                     "entered in the case manager")
        else:
            if referral.suspect_reference != body["suspect_reference"]:
                raise Problem(status_code=409, kind="conflict", title="Another suspect",
                              detail=f"Crime reference {reference} was sent for another suspect reference",
                              differences=body_differences(referral.body, body))
            if referral.case.status != Case.Status.DRAFT:
                raise Problem(status_code=409, kind="conflict", title="Already submitted",
                              detail=f"Case {referral.case.number} has been {referral.case.get_status_display().lower()}: "
                                     "it is changed in the case manager now, not by the API",
                              differences=body_differences(referral.body, body))
        offences = offences_mapped(body["crime"]["offences"])
        created = referral is None
        if created:
            case = case_services.case_draft_start(user=client.user)
            referral = ApiReferral(crime_reference=reference, client=client, case=case)
        _draft_fill(case=referral.case, user=client.user, body=body, offences=offences)
        referral.suspect_reference, referral.body, referral.body_hash = body["suspect_reference"], body, body_hash
        referral.save()
        return referral, True, created


def referral_eligibility(case: Case) -> dict | None:
    if case.status != Case.Status.DRAFT:
        assessment = case.eligibility_assessments.order_by("-assessed_at", "-id").first()
        if assessment is None:
            return None
        return {"outcome": assessment.outcome, "rules": assessment.results}
    results, outcome = case_services.eligibility_preview(case)
    return {"outcome": outcome, "rules": [result.__dict__ for result in results]}


# --- Events and webhooks -------------------------------------------------------------------------------------


def _events_lock() -> None:
    """Events are numbered one transaction at a time, the lock held to its commit: ids become visible in order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('api-events'))")


def api_event_record(*, case: Case, kind: str) -> ApiEvent | None:
    """Record an event once (inside the change that makes it) and queue its webhooks for after the commit."""
    with transaction.atomic():
        _events_lock()
        event, created = ApiEvent.objects.get_or_create(case=case, kind=kind)
    if not created:
        return None
    clients = ApiClient.objects.filter(is_active=True).exclude(webhook_url="")
    deliveries = [WebhookDelivery.objects.create(client=client, event=event) for client in clients
                  if "outcome:read" in client.scopes]
    if deliveries:
        from api.tasks import webhook_deliver

        ids = [str(delivery.pk) for delivery in deliveries]
        transaction.on_commit(lambda: [webhook_deliver.delay(delivery_id) for delivery_id in ids])
    return event


def outcome_item(event: ApiEvent) -> dict:
    case = event.case
    crime = next(iter(case.crimes.all()), None)
    contract = getattr(case, "contract", None)
    conditions = [] if contract is None else [
        {"kind": condition.kind, "description": condition.description, "status": condition.status}
        for condition in contract.conditions.all()
    ]
    return {
        "cursor": str(event.pk), "event": event.kind, "crime_reference": crime.reference if crime else "",
        "case_number": case.number, "status": case.status, "outcome_code": case.outcome_code,
        "outcome_date": timezone.localdate(case.closed_at).isoformat() if case.closed_at else None,
        "route": case.route, "conditions": conditions,
    }


def webhook_signature(*, secret: str, timestamp: str, body: str) -> str:
    """HMAC-SHA256 over `<timestamp>.<body>` with the client's secret, in hex."""
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def webhook_body(delivery: WebhookDelivery) -> str:
    event = delivery.event
    data = outcome_item(event) if event.kind in ApiEvent.CLOSURES else {
        "crime_reference": (event.case.crimes.first().reference if event.case.crimes.exists() else ""),
        "case_number": event.case.number, "status": event.case.status,
    }
    return json.dumps({"id": str(delivery.pk), "type": event.kind, "created_at": event.at.isoformat(), "data": data},
                      sort_keys=True)


def webhook_wait(attempts: int) -> int:
    """Seconds before the next try after `attempts` tries: 30 s doubled each time, at most an hour."""
    return min(settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), settings.WEBHOOK_BACKOFF_MAX_SECONDS)


def webhook_attempt(*, delivery_id) -> int | None:
    """One try at a delivery, recorded. Returns the seconds to wait before the next try, or None when done
    (delivered, failed for good, or the client gone)."""
    import requests

    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("client", "event__case").get(pk=delivery_id)
        if delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED):
            return None
        if not delivery.body:
            delivery.body = webhook_body(delivery)
            delivery.save(update_fields=["body"])
    client = delivery.client
    if not client.is_active or not client.webhook_url:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED)
        return None
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json", "Oocr-Webhook-Id": str(delivery.pk), "Oocr-Webhook-Timestamp": timestamp,
        "Oocr-Webhook-Signature": "v1=" + webhook_signature(secret=client.webhook_secret, timestamp=timestamp, body=delivery.body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        response = requests.post(client.webhook_url, data=delivery.body.encode(), headers=headers,
                                 timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False)
        status_code = response.status_code
    except requests.RequestException as failure:
        error = type(failure).__name__
    milliseconds = int((time.monotonic() - started) * 1000)
    delivered = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        WebhookAttempt.objects.create(delivery=delivery, status_code=status_code, error=error, milliseconds=milliseconds)
        delivery.attempts += 1
        if delivered:
            delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, timezone.now()
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.status = WebhookDelivery.Status.RETRYING
        delivery.save(update_fields=["status", "attempts", "delivered_at"])
    return webhook_wait(delivery.attempts) if delivery.status == WebhookDelivery.Status.RETRYING else None


# --- Disposal at the end of retention --------------------------------------------------------------------------


def api_personal_data_erase(*, case_id: int) -> None:
    """What the API holds about a disposed case: the body a client sent (the crime, its suspect and officer) and the
    bodies sent to clients (the case number and outcome) are emptied; that a crime came in, from which client, and
    what happened when, stay. The crime reference becomes DISPOSED-API-<id>: it is unique, and a client sending the
    same reference again after disposal starts a new case."""
    ApiReferral.objects.filter(case_id=case_id).update(
        crime_reference=Concat(Value("DISPOSED-API-"), Cast("id", CharField())), suspect_reference="", body={},
        body_hash="")
    WebhookDelivery.objects.filter(event__case_id=case_id).update(body="")
