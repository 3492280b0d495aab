"""Retention reviews of closed cases (Management of Police Information): listed when due, decided once, never deleted."""

from django.conf import settings
from django.db import models

from oocr.errors import DomainError


class RetentionDecisionError(DomainError):
    """A review already decided, or a decision the rules do not allow."""


class RetentionReview(models.Model):
    """One review of a closed case that reached its review date (Management of Police Information).

    Listed by the monthly job; decided once by a reviewer, who retains the
    record until a new date (a new review is listed then) or disposes of its
    personal data. Rows are never deleted: every decision is kept.
    """

    class Decision(models.TextChoices):
        PENDING = "", "Not decided yet"
        RETAIN = "retain", "Retain"
        DISPOSE = "dispose", "Dispose of personal data"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="retention_reviews")
    due_on = models.DateField(db_index=True)
    listed_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default=Decision.PENDING)
    reason = models.TextField(blank=True)
    retain_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "due_on"], name="retention_review_once_per_due_date"),
            models.CheckConstraint(
                condition=~models.Q(decision="retain") | models.Q(retain_until__isnull=False),
                name="retention_retain_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of case {self.case_id} due {self.due_on}"

    @staticmethod
    def latest_retain_until(today):
        """The furthest date a record may be retained until at a review on `today` (settings.RETENTION_RETAIN_MAX_YEARS)."""
        years = settings.RETENTION_RETAIN_MAX_YEARS
        try:
            return today.replace(year=today.year + years)
        except ValueError:  # 29 February, and the year it lands on is not a leap year
            return today.replace(year=today.year + years, day=28)

    def decide(self, *, decision: str, reason: str, retain_until, user, at) -> None:
        """Record the decision; a review is decided once."""
        if self.decision:
            raise RetentionDecisionError("This review has already been decided.")
        self.decision, self.reason, self.decided_by, self.decided_at = decision, reason, user, at
        self.retain_until = retain_until if decision == self.Decision.RETAIN else None
