"""Reads of the notifications pages: a person's own inbox and its unread count, and each kind of notification with its
template for administrators."""

from django.db.models import QuerySet

from oocr.notifications.models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def notification_templates() -> list[dict]:
    """Each kind of notification with its recipients and its template's text, as stored (read, never edited here)."""
    from django.template.loader import get_template

    from oocr.notifications.kinds import KINDS

    return [{"kind": kind, "source": get_template(kind.template).template.source} for kind in KINDS.values()]
