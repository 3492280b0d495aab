"""Sending one email or text message: a thin task that takes an id and is safe to repeat."""

from celery import shared_task


@shared_task(bind=True, name="notifications.delivery_send", soft_time_limit=50, time_limit=60, max_retries=5)
def delivery_send(self, delivery_id: int) -> str:
    """Send a waiting message; a temporary failure is retried with a growing wait (1, 2, 4, 8, 16 minutes)."""
    from oocr.notifications.services import delivery_send as send

    outcome = send(delivery_id=delivery_id)
    if outcome == "retry" and not self.request.is_eager:
        raise self.retry(countdown=60 * 2 ** self.request.retries)
    return outcome
