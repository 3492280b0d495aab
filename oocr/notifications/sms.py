"""Text message backends: a file in development, GOV.UK Notify when an API key is configured.

`SMS_BACKEND` names the class; by default Notify if `NOTIFY_API_KEY` is set,
otherwise the file backend. A backend's `send` returns the provider's reference
and raises `SmsTemporaryError` for a failure worth retrying (the network, the
provider's own errors) and `SmsError` for one that is not (a bad number).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The message cannot be sent as it is: retrying will not help."""


class SmsTemporaryError(SmsError):
    """The provider or the network failed: try again later."""


class FileSmsBackend:
    """Development: each message is appended to a file (SMS_FILE_PATH), one block per message."""

    def send(self, *, to: str, text: str, reference: str) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        provider_reference = f"file-{uuid.uuid4().hex[:12]}"
        with path.open("a", encoding="utf-8") as messages:
            messages.write(f"--- {timezone.now():%Y-%m-%d %H:%M:%S} to {to} ({reference}, {provider_reference})\n{text}\n")
        return provider_reference


class NotifySmsBackend:
    """GOV.UK Notify through its own client; the template takes one placeholder, ((message))."""

    def __init__(self, client=None):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = client or NotificationsAPIClient(settings.NOTIFY_API_KEY)

    def send(self, *, to: str, text: str, reference: str) -> str:
        from notifications_python_client.errors import APIError

        try:
            response = self.client.send_sms_notification(
                phone_number=to, template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
                personalisation={"message": text}, reference=reference,
            )
        except APIError as error:
            if error.status_code >= 500 or error.status_code == 429:
                raise SmsTemporaryError(str(error)) from error
            raise SmsError(str(error)) from error
        return response["id"]


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
