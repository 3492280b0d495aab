"""Webhooks: one task per delivery, retried with growing waits while the receiver fails."""

from celery import shared_task


@shared_task(bind=True, name="api.webhook_deliver", soft_time_limit=60, time_limit=90)
def webhook_deliver(self, delivery_id: str) -> str:
    """Try a delivery once; on failure try again after webhook_wait() seconds, up to WEBHOOK_MAX_ATTEMPTS tries.
    Safe to run twice: a delivered or failed delivery is not sent again (a receiver may still see one twice,
    and deduplicates by the Oocr-Webhook-Id header)."""
    from api.services import webhook_attempt

    wait = webhook_attempt(delivery_id=delivery_id)
    if wait is None:
        return "done"
    if self.request.is_eager:
        return f"retry in {wait} s"  # in-process (no broker): the next try waits for a worker's retry
    raise self.retry(countdown=wait, max_retries=None)
