"""Writes to users' in-app inboxes."""

from django.db.models import QuerySet
from django.utils import timezone

from oocr.notifications.models import Notification


def notification_send(*, user, text: str, url: str = "") -> Notification:
    """Put an item in a user's inbox (inside the caller's transaction, so it exists only if the change does)."""
    return Notification.objects.create(user=user, text=text, url=url)


def notifications_mark_read(*, user, notifications: QuerySet[Notification] | None = None) -> int:
    """Mark some of a user's notifications (all of them by default) as read; returns how many changed."""
    unread = (notifications if notifications is not None else Notification.objects.all()).filter(user=user, read_at=None)
    return unread.update(read_at=timezone.now())
