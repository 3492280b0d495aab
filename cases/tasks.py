"""Background work of the cases app: thin tasks that take ids and call one service."""

from celery import shared_task

from cases.models import Case

CLOSED_AS = {"declined": Case.Status.DECLINED, "breached": Case.Status.BREACHED}


@shared_task(name="cases.officer_email", soft_time_limit=50, time_limit=60,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def officer_email(case_id: int, user_id: int, reason: str) -> None:
    """Email the officer in the case that the case comes back to them; nothing if it no longer does."""
    from cases.services import officer_email_send

    if Case.objects.filter(pk=case_id, status=CLOSED_AS[reason]).exists():
        officer_email_send(case_id=case_id, user_id=user_id, reason=reason)
