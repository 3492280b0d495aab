import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.tests.factories import AwaitingAllocationCaseFactory, ReadyDraftCaseFactory
from cases import services as case_services
from keyworkers import services
from oocr.working_days import add_working_days
from keyworkers.models import Allocation, AllocationReview, StaffProfile
from keyworkers.selectors import keyworker_candidates
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "start, days, due",
    [(date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 working days = next Monday
     (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 = Monday
     (date(2026, 11, 28), 5, date(2026, 12, 4))],  # Saturday + 5 = Friday
)
def test_reviews_are_due_in_working_days(start, days, due):
    assert add_working_days(start, days) == due


def test_allocating_records_the_allocation_the_review_the_timeline_and_tells_the_keyworker():
    case = AwaitingAllocationCaseFactory()
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    allocation = services.case_allocate(case_id=case.pk, keyworker=keyworker, user=supervisor)
    case.refresh_from_db()
    assert case.status == Case.Status.ALLOCATED
    assert (allocation.keyworker, allocation.allocated_by, allocation.ended_at) == (keyworker, supervisor, None)
    assert allocation.review.due_on == add_working_days(timezone.localdate(), 5)
    assert case.events.first().kind == CaseEvent.Kind.ALLOCATED
    notification = Notification.objects.get(user=keyworker)
    assert notification.text == f"Case {case.number} has been allocated to you by {supervisor.get_full_name()}"
    assert notification.url == f"/cases/{case.pk}/"
    assert case.person.first_names not in notification.text


def test_a_case_not_waiting_for_allocation_is_refused_with_a_clear_message():
    case = AllocatedCaseFactory()
    holder = case.allocations.get().keyworker
    with pytest.raises(CaseStateError, match=f"was allocated to {holder.get_full_name()}"):
        services.case_allocate(case_id=case.pk, keyworker=StaffProfileFactory().user, user=SupervisorProfileFactory().user)
    assert Allocation.objects.filter(case=case).count() == 1


def test_a_draft_or_closed_case_cannot_be_allocated():
    draft = ReadyDraftCaseFactory()
    with pytest.raises(CaseStateError, match="cannot be allocated"):
        services.case_allocate(case_id=draft.pk, keyworker=StaffProfileFactory().user, user=SupervisorProfileFactory().user)
    closed = ReadyDraftCaseFactory(person__postcode="BS1 4DJ")
    case_services.intake_submit(case=closed, user=closed.created_by, decision="closed_ineligible")
    with pytest.raises(CaseStateError, match="ineligible"):
        services.case_allocate(case_id=closed.pk, keyworker=StaffProfileFactory().user, user=SupervisorProfileFactory().user)
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    "profile, message",
    [({"availability": StaffProfile.Availability.ON_LEAVE}, "is on leave"),
     ({"capacity_points": 2}, "is at 100% of capacity")],
)
def test_over_capacity_or_on_leave_needs_a_reason(profile, message):
    keyworker = StaffProfileFactory(**profile).user
    AllocatedCaseFactory(keyworker=keyworker) if "capacity_points" in profile else None
    case = AwaitingAllocationCaseFactory()
    supervisor = SupervisorProfileFactory().user
    with pytest.raises(ValidationError, match=message):
        services.case_allocate(case_id=case.pk, keyworker=keyworker, user=supervisor)
    allocation = services.case_allocate(case_id=case.pk, keyworker=keyworker, user=supervisor, note="Knows the family")
    assert allocation.note == "Knows the family"


def test_someone_not_taking_cases_cannot_be_given_one():
    keyworker = StaffProfileFactory(availability=StaffProfile.Availability.INACTIVE).user
    with pytest.raises(ValidationError, match="not taking cases"):
        services.case_allocate(case_id=AwaitingAllocationCaseFactory().pk, keyworker=keyworker,
                               user=SupervisorProfileFactory().user, note="anyway")


def test_reallocation_keeps_the_history_and_tells_both_keyworkers():
    case = AllocatedCaseFactory()
    first = case.allocations.get()
    newcomer, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    services.case_reallocate(case_id=case.pk, keyworker=newcomer, user=supervisor, reason="workload", note="Balancing loads")
    history = list(Allocation.objects.filter(case=case).order_by("id"))
    assert [a.keyworker for a in history] == [first.keyworker, newcomer]
    assert (history[0].end_reason, history[0].end_note, history[0].ended_by) == ("workload", "Balancing loads", supervisor)
    assert history[0].ended_at is not None and history[1].ended_at is None
    told = f"Case {case.number} has been reallocated to {newcomer.get_full_name()} by {supervisor.get_full_name()} (balancing workload)"
    assert list(Notification.objects.filter(user=newcomer).values_list("text", flat=True)) == [told]
    assert Notification.objects.filter(user=first.keyworker).values_list("text", flat=True).first() == told
    assert not Notification.objects.filter(user=supervisor).exists()
    assert case.events.first().kind == CaseEvent.Kind.REALLOCATED


@pytest.mark.parametrize("reason, note, field", [("", "a note", "reason"), ("workload", " ", "end_note")])
def test_reallocation_needs_a_coded_reason_and_a_note(reason, note, field):
    case = AllocatedCaseFactory()
    with pytest.raises(ValidationError) as refused:
        services.case_reallocate(case_id=case.pk, keyworker=StaffProfileFactory().user, user=SupervisorProfileFactory().user,
                                 reason=reason, note=note)
    assert field in refused.value.error_dict
    assert case.allocations.get().ended_at is None


def test_a_case_waiting_for_allocation_cannot_be_reallocated():
    with pytest.raises(CaseStateError, match="cannot be reallocated"):
        services.case_reallocate(case_id=AwaitingAllocationCaseFactory().pk, keyworker=StaffProfileFactory().user,
                                 user=SupervisorProfileFactory().user, reason="workload", note="x")


def test_a_review_is_recorded_once_and_a_change_needs_a_note():
    review = AllocatedCaseFactory().allocations.get().review
    supervisor = SupervisorProfileFactory().user
    with pytest.raises(ValidationError, match="Enter what was changed"):
        services.allocation_review_record(review_id=review.pk, user=supervisor, outcome="changed", note="")
    services.allocation_review_record(review_id=review.pk, user=supervisor, outcome="agreed", note="")
    review.refresh_from_db()
    assert (review.outcome, review.reviewed_by) == (AllocationReview.Outcome.AGREED, supervisor)
    with pytest.raises(CaseStateError, match="reviewed already"):
        services.allocation_review_record(review_id=review.pk, user=supervisor, outcome="agreed", note="")


def test_loads_count_open_cases_by_state_with_the_enhanced_offer_extra():
    profile = StaffProfileFactory(capacity_points=10, fte="0.50")
    AllocatedCaseFactory(keyworker=profile.user, young_adult_offer=False, womens_offer=False)
    AllocatedCaseFactory(keyworker=profile.user, person__sex="female")  # the women's offer
    [candidate] = [c for c in keyworker_candidates(team=profile.team) if c.pk == profile.user_id]
    assert candidate.points == 2 + 3
    assert candidate.load == 100
    assert (candidate.to_contact, candidate.allocated_last_7_days) == (2, 2)


def test_staff_profile_leave_needs_a_return_date():
    profile = StaffProfileFactory()
    with pytest.raises(ValidationError, match="back from leave"):
        services.staff_profile_update(profile=profile, user=profile.user, data={"availability": "on_leave", "leave_until": None})
    services.staff_profile_update(profile=profile, user=profile.user, data={"availability": "active", "leave_until": date(2030, 1, 1)})
    profile.refresh_from_db()
    assert profile.leave_until is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and two real connections (CI runs it)")
def test_two_supervisors_allocating_the_same_case_at_once_make_exactly_one_allocation():
    team = TeamFactory()
    case = AwaitingAllocationCaseFactory()
    keyworkers = [StaffProfileFactory(team=team).user for _ in range(2)]
    supervisors = [SupervisorProfileFactory(team=team).user for _ in range(2)]
    start = threading.Barrier(2)
    outcomes = []

    def allocate(supervisor, keyworker):
        try:
            start.wait()
            services.case_allocate(case_id=case.pk, keyworker=keyworker, user=supervisor)
            outcomes.append("allocated")
        except CaseStateError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=pair) for pair in zip(supervisors, keyworkers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("allocated") == 1
    refused = next(outcome for outcome in outcomes if outcome != "allocated")
    assert f"Case {case.number} was allocated to" in refused and "Nothing was changed" in refused
    assert Allocation.objects.filter(case=case).count() == 1


def test_the_review_of_an_allocation_that_has_ended_cannot_be_recorded():
    case = AllocatedCaseFactory()
    review = case.allocations.get().review
    supervisor = SupervisorProfileFactory().user
    services.case_reallocate(case_id=case.pk, keyworker=StaffProfileFactory().user, user=supervisor, reason="workload",
                             note="Balancing loads")
    with pytest.raises(CaseStateError, match=f"The allocation of case {case.number} to .* ended on .*nothing was recorded"):
        services.allocation_review_record(review_id=review.pk, user=supervisor, outcome="agreed", note="")
    review.refresh_from_db()
    assert (review.outcome, review.reviewed_by, review.reviewed_at) == ("", None, None)
