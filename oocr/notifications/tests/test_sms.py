"""The text message backends: GOV.UK Notify's request built through its own client, mocking only the network."""

import json

import jwt
import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from oocr.notifications.sms import FileSmsBackend, NotifySmsBackend, SmsError, SmsTemporaryError

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"oocr_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


class FakeResponse:
    def __init__(self, status: int, payload: dict):
        self.status_code, self._payload = status, payload
        self.text = json.dumps(payload)

    def json(self):
        return self._payload

    def raise_for_status(self):
        if self.status_code >= 400:
            import requests

            raise requests.HTTPError(response=self)


@pytest.fixture
def notify(settings):
    settings.NOTIFY_SMS_TEMPLATE_ID = TEMPLATE_ID
    client = NotificationsAPIClient(API_KEY, base_url="https://notify.invalid")
    sent = []

    def network(method, url, **kwargs):  # the only thing mocked: the HTTP call itself
        sent.append((method, url, kwargs))
        return network.response

    network.response = FakeResponse(201, {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"})
    client.request_session.request = network
    return NotifySmsBackend(client=client), sent, network


def test_notify_gets_the_number_the_template_the_message_and_our_reference(notify):
    backend, sent, _ = notify
    reference = backend.send(to="07700 900123", text="Appointment tomorrow at 10:00", reference="reminder:contact:1")
    assert reference == "740e5834-3a29-46b4-9a6f-16142fde533a"
    [(method, url, kwargs)] = sent
    assert (method, url) == ("POST", "https://notify.invalid/v2/notifications/sms")
    assert json.loads(kwargs["data"]) == {
        "phone_number": "07700 900123", "template_id": TEMPLATE_ID,
        "personalisation": {"message": "Appointment tomorrow at 10:00"}, "reference": "reminder:contact:1",
    }
    token = kwargs["headers"]["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["iss"] == SERVICE_ID


@pytest.mark.parametrize("status, error", [(500, SmsTemporaryError), (429, SmsTemporaryError), (400, SmsError)])
def test_notify_failures_say_whether_a_retry_can_help(notify, status, error):
    backend, _, network = notify
    network.response = FakeResponse(status, {"errors": [{"error": "Error", "message": "no"}], "status_code": status})
    with pytest.raises(error) as raised:
        backend.send(to="07700 900123", text="x", reference="r")
    assert (raised.type is SmsTemporaryError) == (status != 400)


def test_the_file_backend_appends_each_message(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "messages.log")
    backend = FileSmsBackend()
    first = backend.send(to="07700 900001", text="One", reference="a")
    backend.send(to="07700 900002", text="Two", reference="b")
    text = (tmp_path / "sms" / "messages.log").read_text()
    assert first.startswith("file-") and "to 07700 900001 (a," in text and text.index("One") < text.index("Two")
