"""Allocation, reallocation, allocation review and staff profile forms, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.tests.factories import AwaitingAllocationCaseFactory
from keyworkers.models import Allocation, AllocationReview, StaffProfile
from keyworkers.tests.factories import (
    AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory, specialism_matching,
)
from oocr.accounts.tests.factories import TeamManagerFactory
from oocr.tests.form_harness import FormCase


def _team():
    """A supervisor and a free keyworker of the default team, and a keyworker of another team."""
    return {"user": SupervisorProfileFactory().user, "keyworker": StaffProfileFactory().user,
            "stranger": StaffProfileFactory(team=TeamFactory(name="North team")).user}


def _awaiting():
    case = AwaitingAllocationCaseFactory()
    return {**_team(), "case": case, "url": reverse("keyworkers:allocate", args=[case.pk])}


def _allocated():
    case = AllocatedCaseFactory()
    return {**_team(), "case": case, "url": reverse("keyworkers:reallocate", args=[case.pk])}


def _review_due():
    case = AllocatedCaseFactory()
    review = AllocationReview.objects.get(allocation__case=case)
    return {**_team(), "review": review, "url": reverse("keyworkers:review", args=[review.pk])}


def _allocate(context):
    return {"keyworker": str(context["keyworker"].pk), "note": "Lives near the Truro office"}


def _reallocate(context):
    return {**_allocate(context), "reason": "workload", "end_note": "Balancing the team's caseloads"}


def _to_stranger(valid):
    return lambda context: {**valid(context), "keyworker": str(context["stranger"].pk)}


def _allocated_to_keyworker(context):
    case = Case.objects.get(pk=context["case"].pk)
    allocation = Allocation.objects.get(case=case, ended_at=None)
    assert case.status == Case.Status.ALLOCATED
    assert (allocation.keyworker, allocation.allocated_by, allocation.note) == (
        context["keyworker"], context["user"], "Lives near the Truro office")


def _reallocated(context):
    allocations = Allocation.objects.filter(case=context["case"])
    current = allocations.get(ended_at=None)
    ended = allocations.exclude(ended_at=None).get()
    assert (current.keyworker, current.allocated_by) == (context["keyworker"], context["user"])
    assert (ended.end_reason, ended.end_note, ended.ended_by) == ("workload", "Balancing the team's caseloads", context["user"])


def _reviewed(context):
    review = AllocationReview.objects.get(pk=context["review"].pk)
    assert (review.outcome, review.note, review.reviewed_by) == (AllocationReview.Outcome.AGREED, "Right area and load",
                                                                 context["user"])
    assert review.reviewed_at is not None


def _profile():
    manager = StaffProfileFactory(user=TeamManagerFactory()).user
    profile = StaffProfileFactory()
    return {"user": manager, "profile": profile, "url": reverse("keyworkers:staff_profile", args=[profile.user_id])}


def _back_on():
    return timezone.localdate() + timedelta(days=14)


def _on_leave(context):
    back = _back_on()
    return {"availability": "on_leave", "leave_until_0": str(back.day), "leave_until_1": str(back.month),
            "leave_until_2": str(back.year), "area": "PL", "fte": "0.6", "capacity_points": "50",
            "specialisms": [str(specialism_matching("womens_offer").pk)], "record_version": str(context["profile"].version)}


def _profile_saved(context):
    profile = StaffProfile.objects.get(pk=context["profile"].pk)
    assert (profile.availability, profile.leave_until, profile.area) == ("on_leave", _back_on(), "PL")
    assert (str(profile.fte), profile.capacity_points) == ("0.60", 50)
    assert [specialism.name for specialism in profile.specialisms.all()] == ["Women"]


def _leaving():
    """A keyworker of the team holding two cases, and a case of another team's keyworker."""
    context = _team()
    leaving = StaffProfileFactory().user
    cases = [AllocatedCaseFactory(keyworker=leaving) for _ in range(2)]
    other = AllocatedCaseFactory(keyworker=context["stranger"])
    return {**context, "leaving": leaving, "cases": cases, "other": other,
            "url": reverse("keyworkers:reallocate_bulk", args=[leaving.pk])}


def _bulk(context):
    return {"cases": [str(case.pk) for case in context["cases"]], "reason": "leave", "end_note": "On leave until March",
            **{f"keyworker_{case.pk}": str(context["keyworker"].pk) for case in context["cases"]}}


def _bulk_reallocated(context):
    for case in context["cases"]:
        assert Allocation.objects.get(case=case, ended_at=None).keyworker == context["keyworker"]
        ended = Allocation.objects.exclude(ended_at=None).get(case=case)
        assert (ended.keyworker, ended.end_reason, ended.end_note) == (context["leaving"], "leave", "On leave until March")


def _bulk_foreign(context):
    other = context["other"]
    return {**_bulk(context), "cases": [str(other.pk)], f"keyworker_{other.pk}": str(context["keyworker"].pk)}


FORM_CASES = [
    FormCase("/team/<int:pk>/reallocate/", "Supervisor", _leaving, _bulk, _bulk_reallocated, foreign=_bulk_foreign,
             note="another case's record: a case another team's keyworker holds"),
    FormCase("/allocation/<int:pk>/", "Supervisor", _awaiting, _allocate, _allocated_to_keyworker,
             foreign=_to_stranger(_allocate), note="another case's record: a keyworker of another team"),
    FormCase("/allocation/<int:pk>/reallocate/", "Supervisor", _allocated, _reallocate, _reallocated,
             foreign=_to_stranger(_reallocate), note="another case's record: a keyworker of another team"),
    FormCase("/allocation/reviews/<int:pk>/", "Supervisor", _review_due,
             lambda context: {"outcome": "agreed", "note": "Right area and load"}, _reviewed),
    FormCase("/team/<int:pk>/profile/", "Team manager", _profile, _on_leave, _profile_saved),
]
