"""Every panel of the Today page, each one named read scoped to the user's role and team.

A panel is a few rows (the most urgent first) and how many there are in all:
two queries whatever the number of rows (`_panel`), so every count on the
page is a fixed number of queries (today/tests/test_selectors.py locks them at
two data sizes).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from cases.models import Case, CaseEvent, SubmissionReturn
from cases.selectors import victims_code_items_due
from contracts.models import ClosureProposal, Condition, Contact, Contract, VariationProposal
from contracts.selectors import scheme_settings
from keyworkers.models import Allocation, AllocationReview, StaffProfile
from keyworkers.selectors import (
    FIRST_CONTACT_RED_DAYS, allocation_queue, held_in_team_of, held_or_closed_in_team_of, keyworker_candidates, staff_team,
)
from keyworkers.workload import over_capacity
from referrals.models import Referral
from referrals.selectors import overdue as referral_overdue
from today.models import TodayLook

# The rows a panel lists; its count says how many there are in all, with a link to the full list where there is one.
PANEL_ROWS = 10
# How far back "what happened" reaches: decisions on a keyworker's cases, an officer's submissions.
RECENT_DAYS = 14
# Days ahead a condition's due date makes it "due" (the caseload's "due this week" uses the same).
CONDITION_DUE_DAYS = 7
# The week of the team manager's movement figures.
MOVEMENT_DAYS = 7


@dataclass
class Panel:
    """Some rows of a list and the number of rows in all."""

    rows: list
    count: int
    extra: dict = field(default_factory=dict)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _panel(queryset: QuerySet, rows: int = PANEL_ROWS) -> Panel:
    """Two queries, whatever the number of rows: the first rows, and how many in all."""
    return Panel(rows=list(queryset[:rows]), count=queryset.count())


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def last_looked(*, user) -> datetime | None:
    """When the user last opened Today, or None the first time."""
    return TodayLook.objects.filter(user=user).values_list("looked_at", flat=True).first()


# --- Keyworker ---------------------------------------------------------------

def _held_by(keyworker) -> QuerySet:
    """The cases the keyworker holds now (an open allocation), as a subquery of case ids."""
    return Allocation.objects.filter(keyworker=keyworker, ended_at=None).values("case_id")


def keyworker_appointments_soon(*, keyworker, today: date) -> Panel:
    """Booked appointments today and tomorrow on the cases the keyworker holds, soonest first."""
    return _panel(
        Contact.objects.filter(case__in=_held_by(keyworker), outcome="", starts_at__gte=start_of(today),
                               starts_at__lt=start_of(today + timedelta(days=2)))
        .select_related("case__person").order_by("starts_at", "id"),
        rows=20,
    )


def keyworker_outcomes_missing(*, keyworker, now: datetime) -> Panel:
    """Appointments that have happened with no outcome recorded, oldest first."""
    return _panel(
        Contact.objects.filter(case__in=_held_by(keyworker), outcome="", starts_at__lt=now)
        .select_related("case__person").order_by("starts_at", "id")
    )


def keyworker_conditions_due(*, keyworker, today: date) -> Panel:
    """Conditions of active contracts, not yet met or set aside, overdue or due within a week, soonest first."""
    return _panel(
        Condition.objects.filter(contract__case__in=_held_by(keyworker), contract__status=Contract.Status.ACTIVE,
                                 due_date__lte=today + timedelta(days=CONDITION_DUE_DAYS))
        .exclude(status__in=Condition.SETTLED)
        .select_related("contract__case__person").order_by("due_date", "id")
    )


def keyworker_referrals_overdue(*, keyworker, today: date) -> Panel:
    """Referrals a partner has not acknowledged, or not seen the person for, by their deadline."""
    return _panel(
        Referral.objects.filter(referral_overdue(today), case__in=_held_by(keyworker))
        .select_related("case__person", "partner").order_by("sent_on", "id")
    )


def keyworker_victims_code_due(*, keyworker, today: date) -> Panel:
    """The Victims' Code updates the keyworker owes (cases.victims_code), soonest due first, late ones marked.
    A fixed number of queries (cases.selectors.victims_code_items_owed)."""
    items = victims_code_items_due(keyworker, today=today)
    rows = [{"item": item, "late": item.is_late(today), "case_number": Case(pk=item.case_id).number} for item in items[:PANEL_ROWS]]
    return Panel(rows=rows, count=len(items), extra={"late": sum(item.is_late(today) for item in items)})


@dataclass(frozen=True)
class Decision:
    at: datetime
    case: Case
    what: str
    by: str
    url_name: str
    new: bool


def keyworker_decisions_recent(*, keyworker, since: datetime | None, now: datetime) -> Panel:
    """Supervisors' decisions on the keyworker's cases (held now, or when they closed) in the last two weeks,
    newest first; those made since `since` (their last look) are marked new. Three queries."""
    held = Allocation.objects.filter(
        Q(ended_at=None) | Q(end_reason=Allocation.EndReason.CASE_CLOSED), keyworker=keyworker).values("case_id")
    window = now - timedelta(days=RECENT_DAYS)
    decisions = []
    for proposal in (ClosureProposal.objects.filter(case__in=held, decided_at__gte=window)
                     .select_related("case__person", "decided_by").order_by("-decided_at")[:PANEL_ROWS]):
        decisions.append((proposal.decided_at, proposal.case,
                          f"{proposal.get_result_display()}: {proposal.get_decision_display().lower()}",
                          proposal.decided_by, "cases:case_detail"))
    for proposal in (VariationProposal.objects.filter(contract__case__in=held, decided_at__gte=window)
                     .select_related("contract__case__person", "decided_by").order_by("-decided_at")[:PANEL_ROWS]):
        decisions.append((proposal.decided_at, proposal.contract.case,
                          f"{proposal.get_kind_display()}: {proposal.get_decision_display().lower()}",
                          proposal.decided_by, "contracts:contract"))
    for contract in (Contract.objects.filter(case__in=held, approved_at__gte=window)
                     .select_related("case__person", "approved_by").order_by("-approved_at")[:PANEL_ROWS]):
        decisions.append((contract.approved_at, contract.case, "Contract approved", contract.approved_by, "contracts:contract"))
    decisions.sort(key=lambda d: d[0], reverse=True)
    rows = [
        Decision(at=at, case=case, what=what, by=by.get_full_name() if by else "", url_name=url_name,
                 new=since is None or at > since)
        for at, case, what, by, url_name in decisions[:PANEL_ROWS]
    ]
    return Panel(rows=rows, count=len(rows), extra={"new": sum(d.new for d in rows)})


# --- Supervisor and team manager ------------------------------------------------

def queue_against_target(*, user, now: datetime) -> Panel:
    """The allocation queue, oldest first, each case's age against the scheme's target (SchemeSettings).
    Three queries: the target, the oldest cases, the counts."""
    target = scheme_settings().allocation_target_days
    queue = allocation_queue(user=user)
    oldest = list(queue[:PANEL_ROWS])
    for case in oldest:
        case.days_waiting = (now - case.submitted_at).days if case.submitted_at else 0
        case.over_target = case.days_waiting > target
    counts = queue.aggregate(all=Count("id"), over=Count("id", filter=Q(submitted_at__lt=now - timedelta(days=target))),
                             first=Min("submitted_at"))
    oldest_days = (now - counts["first"]).days if counts["first"] else 0
    return Panel(rows=oldest, count=counts["all"],
                 extra={"target": target, "over_target": counts["over"], "oldest_days": oldest_days})


def overrides_to_review(*, user, now: datetime) -> Panel:
    """Cases waiting for allocation that the officer submitted by override: the supervisor reads the reason
    before choosing a keyworker."""
    panel = _panel(allocation_queue(user=user).exclude(override_reason=""))
    for case in panel.rows:
        case.days_waiting = (now - case.submitted_at).days if case.submitted_at else 0
    return panel


@dataclass(frozen=True)
class Waiting:
    since: datetime
    case: Case
    what: str
    proposed_by: str
    url: tuple  # (url name, args) where a supervisor decides it

    @property
    def days(self) -> int:
        return (timezone.now() - self.since).days


def decisions_waiting_in_team(*, user) -> Panel:
    """Contracts to approve, closures and variations to decide, of the cases the user's team holds, oldest first,
    with their age. Supervisors decide them; the team manager reads them. Three queries."""
    if not user.has_perm("cases.view_team_cases"):
        return Panel(rows=[], count=0)
    waiting = []
    for contract in (Contract.objects.filter(held_in_team_of(user, case_path="case"), status=Contract.Status.AWAITING_APPROVAL)
                     .select_related("case__person", "created_by")):
        waiting.append(Waiting(contract.created_at, contract.case, "Contract to approve", contract.created_by.get_full_name(),
                               ("contracts:contract_approve", [contract.case_id])))
    for proposal in (ClosureProposal.objects.filter(held_in_team_of(user, case_path="case"),
                                                   decision=ClosureProposal.Decision.PENDING)
                     .select_related("case__person", "proposed_by")):
        waiting.append(Waiting(proposal.proposed_at, proposal.case, f"Closure: {proposal.get_result_display().lower()}",
                               proposal.proposed_by.get_full_name(), ("contracts:closure_decide", [proposal.pk])))
    for proposal in (VariationProposal.objects.filter(held_in_team_of(user, case_path="contract__case"),
                                                     decision=VariationProposal.Decision.PENDING)
                     .select_related("contract__case__person", "proposed_by")):
        waiting.append(Waiting(proposal.proposed_at, proposal.contract.case, proposal.get_kind_display(),
                               proposal.proposed_by.get_full_name(), ("contracts:variation_decide", [proposal.pk])))
    waiting.sort(key=lambda w: w.since)
    return Panel(rows=waiting[:PANEL_ROWS], count=len(waiting))


def allocation_reviews_due_in_team(*, user, today: date) -> Panel:
    """Reviews of the team's open allocations due today or overdue, most overdue first."""
    if not user.has_perm("cases.view_team_cases"):
        return Panel(rows=[], count=0)
    panel = _panel(
        AllocationReview.objects.filter(reviewed_at=None, due_on__lte=today, allocation__ended_at=None,
                                        allocation__keyworker__staff_profile__team__staff__user=user)
        .select_related("allocation__case__person", "allocation__keyworker").order_by("due_on", "id")
    )
    for review in panel.rows:
        review.overdue = review.due_on < today
    return panel


def red_flag_cases_in_team(*, user, today: date) -> Panel:
    """The team's open cases the caseload flags red: a supervisor review asked for (non-compliance), or no first
    contact after FIRST_CONTACT_RED_DAYS days (keyworkers.selectors.caseload_flag says the same for one case)."""
    if not user.has_perm("cases.view_team_cases"):
        return Panel(rows=[], count=0)
    allocated_before = start_of(today - timedelta(days=FIRST_CONTACT_RED_DAYS - 1))
    # One filter() call: the allocation that makes it the team's is the one whose date is compared.
    cases = (
        Case.objects.filter(
            held_in_team_of(user),
            Q(~Q(review_flag=""), status__in=Case.OPEN_ALLOCATED)
            | Q(status=Case.Status.ALLOCATED, allocations__allocated_at__lt=allocated_before),
        )
        .select_related("person")
        .annotate(allocated_at=F("allocations__allocated_at"), keyworker_first=F("allocations__keyworker__first_name"),
                  keyworker_last=F("allocations__keyworker__last_name"))
        .order_by("allocated_at", "id")
    )
    # Two queries: the first rows, and how many in all with how many of them have had no first contact.
    counts = cases.aggregate(all=Count("id"), no_first_contact=Count(
        "id", filter=Q(status=Case.Status.ALLOCATED, allocated_at__lt=allocated_before)))
    panel = Panel(rows=list(cases[:PANEL_ROWS]), count=counts["all"],
                  extra={"no_first_contact": counts["no_first_contact"], "days": FIRST_CONTACT_RED_DAYS})
    for case in panel.rows:
        case.red_reason = case.review_flag or (
            f"No first contact after {(today - timezone.localdate(case.allocated_at)).days} days")
    return panel


def keyworkers_needing_attention(*, user) -> Panel:
    """The team's keyworkers at or over capacity, or on leave or not taking cases while holding some. Two queries."""
    team = staff_team(user)
    if team is None or not user.has_perm("cases.view_team_cases"):
        return Panel(rows=[], count=0)
    keyworkers = []
    for keyworker in keyworker_candidates(team=team):
        away = keyworker.staff_profile.availability != StaffProfile.Availability.ACTIVE
        keyworker.over_capacity = over_capacity(keyworker.load)
        keyworker.away_with_cases = away and keyworker.open_cases > 0
        if keyworker.over_capacity or keyworker.away_with_cases:
            keyworkers.append(keyworker)
    return Panel(rows=keyworkers, count=len(keyworkers))


def team_movement(*, user, now: datetime) -> dict[str, int]:
    """The last seven days: submissions received (the whole queue's, as the queue is shared), and of the team's
    cases those allocated, whose contract started, completed and breached. Two queries."""
    since = now - timedelta(days=MOVEMENT_DAYS)
    received = Case.objects.filter(submitted_at__gte=since).count()
    if not user.has_perm("cases.view_team_cases"):
        return {"received": received, "allocated": 0, "started": 0, "completed": 0, "breached": 0}
    team_cases = Case.objects.filter(held_or_closed_in_team_of(user))
    figures = team_cases.aggregate(
        allocated=Count("id", distinct=True, filter=Q(events__kind=CaseEvent.Kind.ALLOCATED, events__at__gte=since)),
        started=Count("id", distinct=True, filter=Q(contract__start_date__gte=timezone.localdate(since),
                                                    contract__status__in=(Contract.Status.ACTIVE, Contract.Status.ENDED))),
        completed=Count("id", distinct=True, filter=Q(status=Case.Status.COMPLETED, closed_at__gte=since)),
        breached=Count("id", distinct=True, filter=Q(status=Case.Status.BREACHED, closed_at__gte=since)),
    )
    return {"received": received, **figures}


# --- Evidence review officer -----------------------------------------------------

def officer_drafts(*, user) -> Panel:
    """The officer's own drafts, most recently changed first."""
    return _panel(Case.objects.filter(created_by=user, status=Case.Status.DRAFT).select_related("person")
                  .order_by("-updated_at", "-id"))


def officer_returned(*, user) -> Panel:
    """The officer's submissions a supervisor returned to them to correct, not yet submitted again, oldest return first."""
    waiting = SubmissionReturn.objects.filter(case__created_by=user, case__status=Case.Status.DRAFT,
                                              kind=SubmissionReturn.Kind.RETURNED, resubmitted_at=None)
    return _panel(waiting.select_related("case__person", "by").order_by("at", "id"))


def officer_submissions_recent(*, user, since: datetime | None, now: datetime) -> Panel:
    """The officer's submissions of the last two weeks and where each is now (the keyworker's name is not theirs to
    see); those changed since the officer last looked are marked."""
    panel = _panel(
        Case.objects.filter(created_by=user, submitted_at__gte=now - timedelta(days=RECENT_DAYS))
        .select_related("person").order_by("-updated_at", "-id")
    )
    for case in panel.rows:
        case.changed_since_look = since is not None and case.updated_at > since
    return panel
