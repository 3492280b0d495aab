"""Reads for the retention review pages and the monthly job."""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case
from retention.models import RetentionReview


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    return years_before(day, -years)


def case_retention_review_date(*, case: Case) -> date | None:
    """When a closed case is next reviewed: closure + RETENTION_REVIEW_YEARS, or the date a reviewer set when retaining it."""
    if case.closed_at is None:
        return None
    retained = [review.retain_until for review in case.retention_reviews.all() if review.decision == RetentionReview.Decision.RETAIN]
    return max(retained) if retained else years_after(timezone.localdate(case.closed_at), settings.RETENTION_REVIEW_YEARS)


def retention_cases_due(*, today: date) -> list[tuple[Case, date]]:
    """Closed cases whose review date has come, not disposed of and with no review waiting: (case, review date)."""
    candidates = (
        Case.objects.filter(closed_at__date__lte=years_before(today, settings.RETENTION_REVIEW_YEARS))
        .exclude(retention_reviews__decision__in=[RetentionReview.Decision.DISPOSE, RetentionReview.Decision.PENDING])
        .prefetch_related("retention_reviews").order_by("closed_at", "id")
    )
    due = []
    for case in candidates:
        review_date = case_retention_review_date(case=case)
        if review_date <= today:
            due.append((case, review_date))
    return due


def retention_review_list(*, user, decided: bool = False) -> QuerySet[RetentionReview]:
    """Reviews waiting for a decision (oldest due first), or those decided (newest first), for reviewers only."""
    if not user.has_perm("accounts.review_retention"):
        return RetentionReview.objects.none()
    reviews = RetentionReview.objects.select_related("case", "decided_by")
    if decided:
        return reviews.exclude(decision=RetentionReview.Decision.PENDING).order_by("-decided_at", "-id")
    return reviews.filter(decision=RetentionReview.Decision.PENDING).order_by("due_on", "id")
