"""Webhooks: signed, sent by a Celery task, retried with growing waits while the receiver fails, every try recorded
and shown to administrators. Only the receiver is outside: a real HTTP server on a loopback port."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiEvent, WebhookDelivery
from api.services import api_event_record, webhook_attempt
from api.tasks import webhook_deliver
from api.tests.helpers import case_closed, client_make
from contracts.tests.test_closure import active_case
from keyworkers.tests.factories import AwaitingAllocationCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A webhook receiver that answers the given statuses in turn (the last one from then on), and keeps what it got."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body.decode()))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/oocr-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def verify(headers: dict, body: str, secret: str) -> bool:
    """What a receiver does (README, "Receiving a webhook"): recompute the signature, compare in constant time,
    and refuse an old timestamp (a replay)."""
    timestamp = headers["Oocr-Webhook-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["Oocr-Webhook-Signature"], f"v1={expected}") and abs(time.time() - int(timestamp)) < 300


def test_a_breach_is_sent_signed_and_retried_with_growing_waits_until_the_receiver_takes_it(receiver_factory, settings):
    receiver = receiver_factory([500, 503, 200])
    client, _secret = client_make(scopes=["outcome:read"], webhook_url=receiver.url)
    client_make(name="Reads cases only", scopes=["case:read"], webhook_url=receiver.url)  # no outcome:read: not sent
    case = case_closed("breached")
    delivery = WebhookDelivery.objects.get()
    assert delivery.client == client and delivery.event.kind == "case.breached" and delivery.event.case == case

    assert webhook_deliver.apply(args=[str(delivery.pk)]).get() == "retry in 30 s"  # the task: one try, then a wait
    assert webhook_attempt(delivery_id=delivery.pk) == 60
    assert webhook_attempt(delivery_id=delivery.pk) is None
    assert webhook_attempt(delivery_id=delivery.pk) is None  # delivered: not sent again
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert [attempt.status_code for attempt in delivery.tries.all()] == [500, 503, 200]

    assert len(receiver.received) == 3
    bodies = {body for _headers, body in receiver.received}
    assert bodies == {delivery.body}  # every retry sends the same body
    headers, body = receiver.received[-1]
    assert verify(headers, body, client.webhook_secret)
    assert not verify(headers, body.replace("breached", "completed"), client.webhook_secret)
    assert not verify({**headers, "Oocr-Webhook-Timestamp": str(int(time.time()) - 3600)}, body, client.webhook_secret)
    event = json.loads(body)
    assert event["id"] == headers["Oocr-Webhook-Id"] == str(delivery.pk) and event["type"] == "case.breached"
    assert event["data"]["case_number"] == case.number and event["data"]["crime_reference"] == case.crimes.get().reference

    admin = Client()
    admin.force_login(AdministratorFactory())
    page = admin.get(reverse("api:client_detail", args=[client.pk])).content.decode()
    assert "HTTP 500" in page and "HTTP 503" in page and "HTTP 200" in page and "Delivered" in page


def test_a_receiver_that_never_answers_fails_the_delivery_after_the_last_try(receiver_factory, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver = receiver_factory([500])
    url = receiver.url
    receiver.close()  # nothing listens there any more: the connection is refused
    client_make(scopes=["outcome:read"], webhook_url=url)
    case_closed("completed")
    delivery = WebhookDelivery.objects.get()
    waits = [webhook_attempt(delivery_id=delivery.pk) for _ in range(4)]
    assert waits == [30, 60, None, None]
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3 and delivery.event.kind == "case.concluded"
    assert {attempt.error for attempt in delivery.tries.all()} == {"ConnectionError"}


def test_each_event_is_recorded_once_per_case_and_queued_after_the_commit(receiver_factory, django_capture_on_commit_callbacks):
    client_make(scopes=["outcome:read"], webhook_url="https://rms.police.example.org/oocr")
    with django_capture_on_commit_callbacks() as queued:
        signed, _holder, _condition = active_case()  # signed through the real service
    assert ApiEvent.objects.filter(case=signed, kind="contract.signed").count() == 1
    # The task is queued only once the change has committed (beside the notifications' own).
    assert [callback.__qualname__ for callback in queued].count("api_event_record.<locals>.<lambda>") == 1
    case = AwaitingAllocationCaseFactory()
    assert api_event_record(case=case, kind="case.concluded") is not None
    assert api_event_record(case=case, kind="case.concluded") is None
    assert WebhookDelivery.objects.filter(event__case=case).count() == 1
