"""Reads of the notifications pages: a person's own inbox and its unread count, and each kind of notification with its
template for administrators."""

from django.db.models import Count, IntegerField, QuerySet

from oocr.notifications.models import Notification
from oocr.prepared import PreparedQuery, Slot, aggregate_row


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


# Every page's header shows the count: built and compiled once a process (oocr/prepared.py).
_UNREAD_COUNT = PreparedQuery(lambda: aggregate_row(
    Notification.objects.filter(user_id=Slot("user", IntegerField()), read_at=None), unread=Count("id")))


def unread_count(*, user) -> int:
    return _UNREAD_COUNT.rows({"user": user.pk})[0]["unread"]


def notification_templates() -> list[dict]:
    """Each kind of notification with its recipients and its template's text, as stored (read, never edited here)."""
    from django.template.loader import get_template

    from oocr.notifications.kinds import KINDS

    return [{"kind": kind, "source": get_template(kind.template).template.source} for kind in KINDS.values()]
