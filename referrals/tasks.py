"""Background work of the referrals app: thin tasks that take ids and call one service."""

from celery import shared_task


@shared_task(name="referrals.referral_email", soft_time_limit=50, time_limit=60,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def referral_email(referral_id: int, user_id: int) -> None:
    """Email a referral to the partner; nothing if it was not emailed or has been already (safe to repeat)."""
    from referrals.services import referral_email_send

    referral_email_send(referral_id=referral_id, user_id=user_id)
