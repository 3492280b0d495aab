"""The inbox's forms, for the form harness (oocr/tests/form_harness.py)."""

from django.urls import reverse

from oocr.accounts.tests.factories import KeyworkerFactory
from oocr.notifications.models import Notification, ReminderSettings
from oocr.notifications.services import notification_send
from oocr.tests.form_harness import FormCase


def _inbox():
    user = KeyworkerFactory()
    notification_send(user=user, text="A case for you", url="/caseload/")
    return {"user": user, "url": reverse("notifications:mark_read")}


def _settings():
    return {"user": KeyworkerFactory(), "url": reverse("notifications:settings")}


def _read(context):
    assert not Notification.objects.filter(user=context["user"], read_at=None).exists()


def _saved(context):
    preference = ReminderSettings.objects.get(user=context["user"])
    assert (preference.lead_days, preference.email) == (5, False)


FORM_CASES = [
    FormCase("/notifications/read/", "Keyworker", _inbox, lambda context: {}, _read, button=True),
    FormCase("/notifications/settings/", "Keyworker", _settings,
             lambda context: {"kinds_on": ["condition_due"], "lead_days": "5", "email": ""}, _saved),
]
