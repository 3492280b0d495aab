"""The retention review's form, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from keyworkers.tests.factories import AwaitingAllocationCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.tests.form_harness import FormCase
from retention.models import RetentionReview


def _review_due():
    case = AwaitingAllocationCaseFactory()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED, closed_at=timezone.now() - timedelta(days=2300))
    review = RetentionReview.objects.create(case=case, due_on=timezone.localdate())
    return {"user": AdministratorFactory(), "url": reverse("retention:review_decide", args=[review.pk]), "review": review}


def _retained(context):
    review = RetentionReview.objects.get(pk=context["review"].pk)
    assert review.decision == RetentionReview.Decision.RETAIN


def _retain(context):
    until = timezone.localdate() + timedelta(days=400)
    return {"decision": "retain", "retain_until_0": str(until.day), "retain_until_1": str(until.month),
            "retain_until_2": str(until.year), "reason": "Linked to a live investigation"}


FORM_CASES = [
    FormCase("/administration/retention/<int:pk>/", "Administrator", _review_due, _retain, _retained),
]
