"""Retention reviews: closed cases that reached their review date listed, and each decision recorded; a disposal
erases the case's personal data in every app through its personal-data hook (oocr/personal_data.py)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from oocr.personal_data import Disposal, dispose
from retention.models import RetentionReview
from retention.selectors import retention_cases_due


def retention_reviews_list(*, today: date) -> int:
    """List every closed case due for review (the monthly job); returns how many reviews were added.

    Safe to run again: one review per case and review date (a unique key), so
    a repeated or overlapping run adds nothing twice.
    """
    added = 0
    for case, due_on in retention_cases_due(today=today):
        _, created = RetentionReview.objects.get_or_create(case=case, due_on=due_on)
        added += created
    return added


@transaction.atomic
def retention_decide(*, review_id: int, user, decision: str, reason: str, retain_until: date | None = None) -> RetentionReview:
    """Record a reviewer's decision; disposing removes the case's personal data in every app (each app's
    personal-data hook), in this transaction.

    Locks the review row (select_for_update), so two reviewers cannot decide it twice.
    """
    review = RetentionReview.objects.select_for_update().get(pk=review_id)
    today = timezone.localdate()
    errors = {}
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision"
    latest = RetentionReview.latest_retain_until(today)
    if decision == RetentionReview.Decision.RETAIN and (retain_until is None or retain_until <= today):
        errors["retain_until"] = "Enter a date in the future for the next review"
    elif decision == RetentionReview.Decision.RETAIN and retain_until > latest:
        errors["retain_until"] = (
            f"The next review must be on or before {latest:%-d %B %Y}, "
            f"{settings.RETENTION_RETAIN_MAX_YEARS} years from today at most"
        )
    if errors:
        raise ValidationError(errors)
    review.decide(decision=decision, reason=reason.strip(), retain_until=retain_until, user=user, at=timezone.now())
    review.full_clean()
    review.save()
    if decision == RetentionReview.Decision.DISPOSE:
        person_id = review.case.person_id
        # The person stays while another of their cases is still held (not yet disposed of).
        others_held = Case.objects.filter(person_id=person_id).exclude(pk=review.case_id).exclude(
            retention_reviews__decision=RetentionReview.Decision.DISPOSE).exists()
        # Every app erases what it holds, in its hook's order (oocr/personal_data.py): a new app joins by declaring one.
        dispose(Disposal(case_id=review.case_id, person_id=None if others_held else person_id))
    return review
