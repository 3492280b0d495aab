from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oocr.accounts.tests.factories import KeyworkerFactory
from oocr.notifications.models import Notification, ReminderSettings

pytestmark = pytest.mark.django_db


def test_the_inbox_costs_the_same_queries_for_3_or_30_notifications(client):
    user = KeyworkerFactory()
    client.force_login(user)
    counts = []
    for total in (3, 30):
        while Notification.objects.filter(user=user).count() < total:
            Notification.objects.create(user=user, text="OOCR-000001: condition due", url="/cases/1/contract/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("notifications:list"))
        assert response.content.decode().count("OOCR-000001: condition due") == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_following_a_notification_marks_it_read_and_goes_where_it_points(client):
    user = KeyworkerFactory()
    first = Notification.objects.create(user=user, text="a", url="/cases/7/contract/conditions/9/")
    other = Notification.objects.create(user=user, text="b", url="/cases/8/")
    client.force_login(user)
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response["Location"] == "/cases/7/contract/conditions/9/"
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.read_at is not None and other.read_at is None


def test_mark_all_as_read_marks_only_ones_own_unread_notifications(client):
    user, colleague = KeyworkerFactory(), KeyworkerFactory()
    earlier = timezone.now() - timedelta(days=2)
    Notification.objects.create(user=user, text="a", url="/cases/1/")
    Notification.objects.create(user=user, text="b", url="/cases/2/")
    already = Notification.objects.create(user=user, text="c", url="/cases/3/", read_at=earlier)
    theirs = Notification.objects.create(user=colleague, text="d", url="/cases/4/")
    client.force_login(user)
    response = client.post(reverse("notifications:mark_read"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at=None).exists()
    already.refresh_from_db()
    theirs.refresh_from_db()
    assert already.read_at == earlier and theirs.read_at is None
    assert response.context["unread_notifications"] == 0


def test_someone_elses_notification_cannot_be_opened(client):
    mine, theirs = KeyworkerFactory(), KeyworkerFactory()
    notification = Notification.objects.create(user=theirs, text="x", url="/cases/1/")
    client.force_login(mine)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_never_sends_anyone_off_the_service(client):
    user = KeyworkerFactory()
    notification = Notification.objects.create(user=user, text="x", url="//elsewhere.example/")
    client.force_login(user)
    assert client.get(reverse("notifications:open", args=[notification.pk]))["Location"] == reverse("notifications:list")


def test_the_header_counts_unread_notifications(client):
    user = KeyworkerFactory()
    for _ in range(3):
        Notification.objects.create(user=user, text="x")
    Notification.objects.create(user=user, text="y", read_at=timezone.now() - timedelta(hours=1))
    client.force_login(user)
    assert client.get(reverse("notifications:list")).context["unread_notifications"] == 3


def test_reminder_settings_are_saved_and_checked(client):
    user = KeyworkerFactory()
    client.force_login(user)
    page = client.get(reverse("notifications:settings"))
    assert "condition_due" in page.context["form"].initial["kinds_on"]  # everything on until chosen otherwise
    refused = client.post(reverse("notifications:settings"), {"kinds_on": ["condition_due"], "lead_days": "30"})
    assert refused.context["form"].errors["lead_days"] == ["Days of notice must be between 1 and 14"]
    assert not ReminderSettings.objects.exists()
    client.post(reverse("notifications:settings"), {"kinds_on": ["condition_due", "appointment_tomorrow"], "lead_days": "5"})
    saved = ReminderSettings.objects.get(user=user)
    assert (saved.lead_days, saved.email) == (5, False)
    assert "condition_overdue" in saved.kinds_off and "condition_due" not in saved.kinds_off
