"""Each Today panel lists what its role should act on, and reads it in a fixed number of queries."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from cases.tests.factories import AwaitingAllocationCaseFactory, DraftCaseFactory
from contracts.models import NeedDomain, VariationProposal
from contracts.tests.factories import (
    ActiveContractFactory, BookedContactFactory, PendingClosureFactory, PendingExtensionFactory, TailoredConditionFactory,
)
from keyworkers.models import AllocationReview, StaffProfile
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts.tests.factories import EvidenceReviewOfficerFactory, TeamManagerFactory
from referrals.models import Referral, Route
from referrals.tests.factories import PartnerFactory
from today import selectors

pytestmark = pytest.mark.django_db


def at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def keyworker_work(keyworker, supervisor) -> Case:
    """One of everything on a keyworker's Today: an appointment tomorrow, one held three days ago with no outcome,
    a condition overdue, a referral the partner has not acknowledged in time, and an extension just approved."""
    today = timezone.localdate()
    contract = ActiveContractFactory(case=AllocatedCaseFactory(keyworker=keyworker), start_date=today - timedelta(weeks=2))
    case = contract.case
    BookedContactFactory(case=case, starts_at=at(today + timedelta(days=1), 10))
    BookedContactFactory(case=case, starts_at=at(today - timedelta(days=3), 10))
    TailoredConditionFactory(contract=contract, due_date=today - timedelta(days=1))
    Referral.objects.create(
        case=case, partner=PartnerFactory(), need_domain=NeedDomain.objects.get(code="alcohol"), route=Route.WARM_INTRODUCTION,
        shared="Drinking", created_by=keyworker, status=Referral.Status.SENT, sent_on=today - timedelta(days=6),
        acknowledge_by=today - timedelta(days=3),
    )
    PendingExtensionFactory(contract=contract, decision=VariationProposal.Decision.APPROVED, decided_by=supervisor,
                            decided_at=timezone.now())
    return case


def team_work(supervisor) -> dict:
    """One of everything on a team's Today: a case waiting past the target, one by override, a breach to decide,
    a review overdue, a case with no first contact after a week, and a keyworker on leave holding a case."""
    now = timezone.now()
    waiting = AwaitingAllocationCaseFactory()
    Case.objects.filter(pk=waiting.pk).update(submitted_at=now - timedelta(days=5))
    override = AwaitingAllocationCaseFactory()
    Case.objects.filter(pk=override.pk).update(override_reason="The officer thinks it suits the scheme")
    closure = PendingClosureFactory()
    red = AllocatedCaseFactory()
    red.allocations.update(allocated_at=now - timedelta(days=7))
    AllocationReview.objects.filter(allocation__case=red).update(due_on=timezone.localdate() - timedelta(days=1))
    away = StaffProfileFactory()
    AllocatedCaseFactory(keyworker=away.user)
    StaffProfile.objects.filter(pk=away.pk).update(availability=StaffProfile.Availability.ON_LEAVE)
    return {"waiting": waiting, "override": override, "closure": closure, "red": red, "away": away.user}


def test_a_keyworker_sees_their_appointments_missing_outcomes_conditions_referrals_and_decisions():
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    case = keyworker_work(keyworker, supervisor)
    other = keyworker_work(StaffProfileFactory().user, supervisor)  # another keyworker's: never shown
    now, today = timezone.now(), timezone.localdate()

    appointments = selectors.keyworker_appointments_soon(keyworker=keyworker, today=today)
    assert [c.case for c in appointments.rows] == [case] and appointments.count == 1
    assert appointments.rows[0].starts_at.date() == today + timedelta(days=1)
    missing = selectors.keyworker_outcomes_missing(keyworker=keyworker, now=now)
    assert [c.case for c in missing.rows] == [case]
    assert missing.rows[0].starts_at < now
    conditions = selectors.keyworker_conditions_due(keyworker=keyworker, today=today)
    assert [c.due_date for c in conditions.rows] == [today - timedelta(days=1)]  # the one due in 60 days is not due
    referrals = selectors.keyworker_referrals_overdue(keyworker=keyworker, today=today)
    assert [r.case for r in referrals.rows] == [case]
    decisions = selectors.keyworker_decisions_recent(keyworker=keyworker, since=None, now=now)
    assert [(d.case, d.what, d.new) for d in decisions.rows] == [(case, "Extend the contract: approved", True)]
    assert other not in {d.case for d in decisions.rows}


def test_decisions_made_before_the_keyworker_last_looked_are_no_longer_new():
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    keyworker_work(keyworker, supervisor)
    now = timezone.now()
    later = selectors.keyworker_decisions_recent(keyworker=keyworker, since=now + timedelta(seconds=1), now=now)
    assert later.count == 1 and later.extra["new"] == 0
    earlier = selectors.keyworker_decisions_recent(keyworker=keyworker, since=now - timedelta(hours=1), now=now)
    assert earlier.extra["new"] == 1


@pytest.mark.parametrize("manager", [False, True])
def test_the_team_sees_the_queue_against_its_target_overrides_decisions_reviews_red_flags_and_keyworkers_away(manager):
    user = StaffProfileFactory(user=TeamManagerFactory()).user if manager else SupervisorProfileFactory().user
    work = team_work(user)
    now, today = timezone.now(), timezone.localdate()

    queue = selectors.queue_against_target(user=user, now=now)
    assert queue.count == 2 and queue.extra == {"target": 3, "over_target": 1, "oldest_days": 5}
    assert [(c, c.over_target) for c in queue.rows] == [(work["waiting"], True), (work["override"], False)]
    assert selectors.overrides_to_review(user=user, now=now).rows == [work["override"]]
    decisions = selectors.decisions_waiting_in_team(user=user)
    assert [(w.case, w.what) for w in decisions.rows] == [(work["closure"].case, "Closure: breached")]
    reviews = selectors.allocation_reviews_due_in_team(user=user, today=today)
    assert [(r.allocation.case, r.overdue) for r in reviews.rows] == [(work["red"], True)]
    red = selectors.red_flag_cases_in_team(user=user, today=today)
    assert [(c, c.red_reason) for c in red.rows] == [(work["red"], "No first contact after 7 days")]
    assert red.extra["no_first_contact"] == 1
    keyworkers = selectors.keyworkers_needing_attention(user=user)
    assert [(k, k.away_with_cases) for k in keyworkers.rows] == [(work["away"], True)]


def test_a_team_sees_nothing_of_another_teams_cases():
    from keyworkers.tests.factories import TeamFactory

    team_work(SupervisorProfileFactory().user)
    stranger = SupervisorProfileFactory(team=TeamFactory(name="Another team")).user
    today = timezone.localdate()
    assert selectors.decisions_waiting_in_team(user=stranger).count == 0
    assert selectors.allocation_reviews_due_in_team(user=stranger, today=today).count == 0
    assert selectors.red_flag_cases_in_team(user=stranger, today=today).count == 0
    assert selectors.keyworkers_needing_attention(user=stranger).count == 0


def test_the_weeks_movement_counts_the_teams_allocations_starts_and_closures():
    supervisor = SupervisorProfileFactory().user
    AwaitingAllocationCaseFactory()
    AllocatedCaseFactory()
    completed = ActiveContractFactory(start_date=timezone.localdate()).case
    Case.objects.filter(pk=completed.pk).update(status=Case.Status.COMPLETED, closed_at=timezone.now())
    movement = selectors.team_movement(user=supervisor, now=timezone.now())
    assert movement == {"received": 3, "allocated": 2, "started": 1, "completed": 1, "breached": 0}


def test_an_officer_sees_their_drafts_and_what_happened_to_their_submissions():
    officer = EvidenceReviewOfficerFactory()
    draft = DraftCaseFactory(created_by=officer)
    submitted = AwaitingAllocationCaseFactory(created_by=officer)
    DraftCaseFactory()  # another officer's
    assert selectors.officer_drafts(user=officer).rows == [draft]
    recent = selectors.officer_submissions_recent(user=officer, since=timezone.now() - timedelta(hours=1), now=timezone.now())
    assert recent.rows == [submitted] and recent.rows[0].changed_since_look


def test_a_keyworker_sees_the_victims_code_updates_they_owe_late_ones_marked():
    from cases.tests.test_victims_code import case_with_victim, told

    case, holder, victim = case_with_victim()
    case_with_victim()  # another keyworker's
    panel = selectors.keyworker_victims_code_due(keyworker=holder, today=timezone.localdate())
    assert [(row["case_number"], row["item"].purpose, row["late"]) for row in panel.rows] == [
        (case.number, "rj_information", True), (case.number, "update_agreed", True)]
    assert (panel.count, panel.extra["late"]) == (2, 2)
    told(case, holder, victim, "rj_information")
    assert selectors.keyworker_victims_code_due(keyworker=holder, today=timezone.localdate()).count == 1


def test_an_officer_sees_the_submissions_returned_to_them_until_they_submit_again():
    from cases.models import SubmissionReturn

    officer, supervisor = EvidenceReviewOfficerFactory(), SupervisorProfileFactory().user
    returned = DraftCaseFactory(created_by=officer)
    round_ = SubmissionReturn.objects.create(case=returned, kind=SubmissionReturn.Kind.RETURNED, reasons="Wrong offence", by=supervisor)
    SubmissionReturn.objects.create(case=DraftCaseFactory(), kind=SubmissionReturn.Kind.RETURNED, reasons="x", by=supervisor)
    assert selectors.officer_returned(user=officer).rows == [round_]
    SubmissionReturn.objects.filter(pk=round_.pk).update(resubmitted_at=timezone.now())
    assert selectors.officer_returned(user=officer).count == 0


def panel_queries(keyworker, supervisor, manager, officer) -> dict[str, int]:
    """The number of queries each panel takes to read (the users' rights already read, once per request)."""
    for user in (keyworker, supervisor, manager, officer):
        user.has_perm("today.view_today")
    now, today = timezone.now(), timezone.localdate()
    panels = {
        "appointments": lambda: selectors.keyworker_appointments_soon(keyworker=keyworker, today=today),
        "outcomes": lambda: selectors.keyworker_outcomes_missing(keyworker=keyworker, now=now),
        "conditions": lambda: selectors.keyworker_conditions_due(keyworker=keyworker, today=today),
        "referrals": lambda: selectors.keyworker_referrals_overdue(keyworker=keyworker, today=today),
        "decisions made": lambda: selectors.keyworker_decisions_recent(keyworker=keyworker, since=None, now=now),
        "queue": lambda: selectors.queue_against_target(user=supervisor, now=now),
        "overrides": lambda: selectors.overrides_to_review(user=supervisor, now=now),
        "decisions waiting": lambda: selectors.decisions_waiting_in_team(user=supervisor),
        "reviews": lambda: selectors.allocation_reviews_due_in_team(user=supervisor, today=today),
        "red flags": lambda: selectors.red_flag_cases_in_team(user=supervisor, today=today),
        "keyworkers": lambda: selectors.keyworkers_needing_attention(user=supervisor),
        "movement": lambda: selectors.team_movement(user=manager, now=now),
        "drafts": lambda: selectors.officer_drafts(user=officer),
        "submissions": lambda: selectors.officer_submissions_recent(user=officer, since=None, now=now),
        "victims": lambda: selectors.keyworker_victims_code_due(keyworker=keyworker, today=today),
        "returned": lambda: selectors.officer_returned(user=officer),
    }
    counts = {}
    for name, read in panels.items():
        with CaptureQueriesContext(connection) as queries:
            panel = read()
            getattr(panel, "rows", None)
        counts[name] = len(queries)
    return counts


def test_every_panel_takes_the_same_number_of_queries_at_two_sizes():
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    manager, officer = StaffProfileFactory(user=TeamManagerFactory()).user, EvidenceReviewOfficerFactory()

    def more_work():
        keyworker_work(keyworker, supervisor)
        team_work(supervisor)
        DraftCaseFactory(created_by=officer)
        AwaitingAllocationCaseFactory(created_by=officer)

    more_work()
    small = panel_queries(keyworker, supervisor, manager, officer)
    for _ in range(2):
        more_work()
    large = panel_queries(keyworker, supervisor, manager, officer)
    assert large == small
    assert max(small.values()) <= 5, small  # the queue's rows bring their crimes and offences (two prefetches)
    # Each panel shows the three times as many rows it now has (up to its first ten).
    assert selectors.keyworker_outcomes_missing(keyworker=keyworker, now=timezone.now()).count == 3
    assert selectors.red_flag_cases_in_team(user=supervisor, today=timezone.localdate()).count == 3
