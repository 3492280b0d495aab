"""The monthly retention job: closed cases that reached their review date listed for a reviewer."""

from datetime import date

from celery import shared_task
from django.utils import timezone


@shared_task(name="retention.list_reviews", soft_time_limit=15 * 60, time_limit=16 * 60)
def list_reviews(today: str | None = None) -> dict:
    """List the closed cases due for a retention review (monthly). Running it again lists nothing twice."""
    from retention.services import retention_reviews_list

    return {"added": retention_reviews_list(today=date.fromisoformat(today) if today else timezone.localdate())}
