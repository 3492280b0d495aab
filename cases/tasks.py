"""Background work of the cases app: thin tasks that take ids and call one service."""

from celery import shared_task

from cases.models import Case


@shared_task(name="cases.officer_email_declined", soft_time_limit=50, time_limit=60,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def officer_email_declined(case_id: int, user_id: int) -> None:
    """Email the officer in the case that the person opted for court (safe to retry: one email per run)."""
    from cases.services import officer_email_declined_send

    if Case.objects.filter(pk=case_id, status=Case.Status.DECLINED).exists():
        officer_email_declined_send(case_id=case_id, user_id=user_id)
