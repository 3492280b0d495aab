"""The partner portal's daily job: shared referrals past the partner's service level escalated, each stage once."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="portal.escalate_overdue", soft_time_limit=10 * 60, time_limit=11 * 60)
def escalate_overdue(today: str | None = None) -> int:
    """Daily: escalate referrals shared through the portal that are past the partner's service level (each stage once)."""
    from datetime import date

    from portal.services import overdue_escalate

    return overdue_escalate(on=date.fromisoformat(today) if today else timezone.localdate())
