"""Every read the allocation, caseload and team pages need, each with its joins and annotations.

keyworkers builds on cases only: what the caseload shows of contracts and referrals (the contract's week,
appointments, conditions and referrals overdue) is registered by those apps (`caseload_columns_register`).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import (
    Count, DateField, DateTimeField, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When,
)
from django.db.models.functions import Concat
from django.utils import timezone

from cases import selectors as cases_selectors
from cases.models import Case, Crime, EligibilityAssessment, Offence, Victim
from keyworkers.models import Allocation, AllocationReview, Specialism, StaffProfile
from keyworkers.workload import ASSESSMENT, TO_CONTACT, Candidate, CaseNeeds, load_percent, recommend
from oocr.accounts.roles import Role
from oocr.prepared import PreparedQuery, Slot, aggregate_row, any_of, any_of_values, prefetched, slots_of
from oocr.working_days import day_start

User = get_user_model()
OPEN_STATES = Case.OPEN_ALLOCATED  # on a keyworker's load and caseload
RECENTLY_CLOSED_DAYS = 30


LOAD_FIELDS = ("points", "allocated_last_7_days", "to_contact", "in_assessment", "active", "reviews_overdue")
# `keyworker_loads` in SQL, written by hand: the team page's grouped query, which the ORM took longer to build and
# compile than PostgreSQL to run (a quarter of the team page's CPU, python -m bench.profile). An open allocation's
# points are its case's state's points in its keyworker's team's settings, plus the enhanced-offer points; nothing once
# the allocation has ended or the case has closed.
_KEYWORKER_LOADS_SQL = """
SELECT a.keyworker_id,
       COALESCE(SUM(CASE WHEN a.ended_at IS NULL AND c.status IN (%(open)s) THEN
                    CASE c.status WHEN %%s THEN t.points_to_contact WHEN %%s THEN t.points_assessment
                                  WHEN %%s THEN t.points_active ELSE 0 END
                    + CASE WHEN c.young_adult_offer OR c.womens_offer THEN t.points_enhanced ELSE 0 END
                ELSE 0 END), 0),
       COUNT(*) FILTER (WHERE a.allocated_at >= %%s),
       COUNT(*) FILTER (WHERE a.ended_at IS NULL AND c.status = %%s),
       COUNT(*) FILTER (WHERE a.ended_at IS NULL AND c.status = %%s),
       COUNT(*) FILTER (WHERE a.ended_at IS NULL AND c.status = %%s),
       COUNT(*) FILTER (WHERE a.ended_at IS NULL AND r.id IS NOT NULL AND r.reviewed_at IS NULL AND r.due_on < %%s)
FROM keyworkers_allocation a
JOIN cases_case c ON c.id = a.case_id
LEFT JOIN keyworkers_staffprofile p ON p.user_id = a.keyworker_id
LEFT JOIN keyworkers_team t ON t.id = p.team_id
LEFT JOIN keyworkers_allocationreview r ON r.allocation_id = a.id
WHERE a.keyworker_id IN (%(ids)s)
GROUP BY a.keyworker_id
"""


def keyworker_loads(keyworker_ids) -> dict[int, dict]:
    """Each keyworker's open-case points, allocations in the last 7 days, open cases by state and allocation reviews
    overdue: one grouped query over their allocations (keyworkers without any are left out: all nought)."""
    keyworker_ids = list(keyworker_ids)
    if not keyworker_ids:
        return {}
    states = (Case.Status.ALLOCATED, Case.Status.ASSESSMENT, Case.Status.ACTIVE)
    sql = _KEYWORKER_LOADS_SQL % {"open": ", ".join(["%s"] * len(OPEN_STATES)), "ids": ", ".join(["%s"] * len(keyworker_ids))}
    params = [*OPEN_STATES, *states, timezone.now() - timedelta(days=7), *states, timezone.localdate(), *keyworker_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: dict(zip(LOAD_FIELDS, (int(value) for value in row[1:]))) for row in cursor.fetchall()}


def _keyworkers_build(*, team: bool, only: bool, excluding: bool) -> QuerySet:
    users = (User.objects.filter(groups__name=Role.KEYWORKER, is_active=True, staff_profile__isnull=False)
             .select_related("staff_profile__team").order_by("first_name", "last_name"))
    if team:
        users = users.filter(staff_profile__team_id=Slot("team", IntegerField()))
    if only:
        users = users.filter(pk=Slot("only", IntegerField()))
    if excluding:
        users = users.exclude(pk=Slot("excluding", IntegerField()))
    return users


# The team view and the chooser ask on every request: built and compiled once a process (oocr/prepared.py).
_KEYWORKERS = PreparedQuery(_keyworkers_build)
_SPECIALISMS = PreparedQuery(lambda **shape: StaffProfile.specialisms.through.objects.filter(
    staffprofile__user__in=_keyworkers_build(**shape).values("pk")).select_related("specialism").order_by("specialism__name", "id"))


def keyworker_candidates(*, team, only=None, excluding=None) -> list:
    """Keyworkers (of a team, or all, or `only` the one given, never `excluding`: a case's current keyworker, when it
    is moved) with their points, load %, recent allocations and case mix.

    Three queries whatever the number of keyworkers or cases: the keyworkers, their specialisms, their loads.
    """
    values = {"team": team and team.pk, "only": only and only.pk, "excluding": excluding and excluding.pk}
    shape = {"team": team is not None, "only": only is not None, "excluding": excluding is not None}
    users = _KEYWORKERS.rows(values, **shape)
    if not users:
        return users
    specialisms = defaultdict(list)
    for row in _SPECIALISMS.rows(values, **shape):  # of the same keyworkers, however many
        specialisms[row.staffprofile_id].append(row.specialism)
    loads = keyworker_loads([user.pk for user in users])
    nought = dict.fromkeys(LOAD_FIELDS, 0)
    for user in users:
        for field, value in loads.get(user.pk, nought).items():
            setattr(user, field, value)
        profile = user.staff_profile
        prefetched(profile, "specialisms", specialisms[profile.pk])
        user.load = load_percent(user.points, profile.capacity_points, profile.fte)
        user.open_cases = user.to_contact + user.in_assessment + user.active
    return users


def as_candidate(user) -> Candidate:
    """A keyworker as the recommendation sees them: the specialisms in use that match something known of a case."""
    profile: StaffProfile = user.staff_profile
    matches = {specialism.matches for specialism in profile.specialisms.all() if specialism.is_active}
    return Candidate(
        user_id=user.pk, name=user.get_full_name(), load=user.load,
        available=profile.availability == StaffProfile.Availability.ACTIVE,
        area=profile.area, women=Specialism.Matches.WOMENS_OFFER in matches,
        young_adults=Specialism.Matches.YOUNG_ADULT_OFFER in matches,
        domestic_abuse=Specialism.Matches.DOMESTIC_ABUSE in matches,
        allocated_last_7_days=user.allocated_last_7_days,
    )


def _previous_keyworker(field: str) -> Subquery:
    """The keyworker of the person's most recent earlier case, for continuity."""
    return Subquery(
        Allocation.objects.filter(case__person=OuterRef("person"))
        .exclude(case=OuterRef("pk"))
        .annotate(keyworker_name=Concat("keyworker__first_name", Value(" "), "keyworker__last_name"))
        .order_by("-allocated_at")
        .values(field)[:1]
    )


def allocation_cases(*, user) -> QuerySet[Case]:
    """Submitted cases with what a supervisor needs to choose a keyworker, whatever their state (none for others)."""
    return _with_previous_keyworker(cases_selectors.submitted_cases(user=user))


def _submitted_cases() -> QuerySet[Case]:
    return _with_previous_keyworker(cases_selectors.submitted_cases(user=None))


def _with_previous_keyworker(cases: QuerySet[Case]) -> QuerySet[Case]:
    return (
        cases
        .annotate(
            previous_keyworker_id=_previous_keyworker("keyworker_id"),
            previous_keyworker_name=_previous_keyworker("keyworker_name"),
        )
        .order_by("submitted_at", "id")
    )


def held_in_team_of(user, *, case_path: str = "") -> Q:
    """Cases held now (an open allocation) by a keyworker of the user's own team: what a supervisor or
    the team manager acts on. Someone in no team acts on none; other teams' cases are only read, through
    the case page and its access justification. `case_path` leads from the model filtered to the case.
    """
    prefix = f"{case_path}__" if case_path else ""
    return Q(**{f"{prefix}allocations__ended_at": None, f"{prefix}allocations__keyworker__staff_profile__team__staff__user": user})


def held_or_closed_in_team_of(user, *, case_path: str = "") -> Q:
    """`held_in_team_of`, or held by a keyworker of the user's team when the case closed: the cases whose
    decisions a supervisor may look back on. Filter with `.distinct()` (a case may match by two allocations)."""
    prefix = f"{case_path}__" if case_path else ""
    in_team = {f"{prefix}allocations__keyworker__staff_profile__team__staff__user": user}
    return held_in_team_of(user, case_path=case_path) | Q(
        **{f"{prefix}allocations__end_reason": Allocation.EndReason.CASE_CLOSED}, **in_team
    )


def reallocation_cases(*, user) -> QuerySet[Case]:
    """Cases with a keyworker of the user's team, which the user may move to another keyworker."""
    return allocation_cases(user=user).filter(held_in_team_of(user), status__in=Case.OPEN_ALLOCATED)


def with_allocation_facts(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what the chooser shows beside the person: the offences (prefetched, two queries whatever the number
    of cases) and the flags of `with_allocation_flags`."""
    return with_allocation_flags(cases).prefetch_related(
        Prefetch("crimes", queryset=Crime.objects.prefetch_related("offences").order_by("id")))


def with_allocation_flags(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with the domestic-abuse flag, the first offence's title and the number of flags (young adult, women's
    offer, domestic abuse, override) to sort by."""
    one = Value(1)
    return cases.annotate(
        domestic_abuse=Exists(Crime.objects.filter(case=OuterRef("pk"), domestic_abuse=True)),
        first_offence=Subquery(
            Offence.objects.filter(crimes__case=OuterRef("pk")).order_by("title").values("title")[:1]),
    ).annotate(
        flag_count=SqlCase(When(young_adult_offer=True, then=one), default=Value(0), output_field=IntegerField())
        + SqlCase(When(womens_offer=True, then=one), default=Value(0), output_field=IntegerField())
        + SqlCase(When(domestic_abuse=True, then=one), default=Value(0), output_field=IntegerField())
        + SqlCase(When(~Q(override_reason=""), then=one), default=Value(0), output_field=IntegerField()),
    )


def _offence_titles_build(*, cases: int) -> QuerySet:
    return (Crime.objects.filter(any_of("case_id", "case", cases))
            .order_by("case_id", "id", "offences__title", "offences__id").values_list("case_id", "id", "offences__title"))


# Prepared for each number of cases (a page holds at most 50): the queue's rows ask for it on every request.
_OFFENCE_TITLES = PreparedQuery(_offence_titles_build)


def offence_titles_add(cases: list[Case]) -> None:
    """Set each case's `offence_titles`: its crimes' offences, crime by crime, as the chooser lists them ("; " between
    each). One query of three columns whatever the number of cases, instead of two prefetches of whole records."""
    titles = {case.pk: [] for case in cases}
    if not titles:
        return
    crimes = {}
    rows = _OFFENCE_TITLES.rows(any_of_values("case", titles), cases=len(titles))
    for case_id, crime_id, title in rows:
        crimes.setdefault((case_id, crime_id), [])
        if title is not None:
            crimes[(case_id, crime_id)].append(title)
    for (case_id, _), offences in crimes.items():
        titles[case_id].append("; ".join(offences))
    for case in cases:
        case.offence_titles = "; ".join(titles[case.pk])


def allocation_case_facts(*, case: Case) -> dict:
    """What the chooser shows beyond the queue's columns: each victim's view of an out of court resolution, and for
    a case submitted by override, the rules it failed and the officer's reason. Two queries."""
    override = (
        EligibilityAssessment.objects.filter(case=case, decision=EligibilityAssessment.Decision.OVERRIDDEN)
        .select_related("assessed_by").order_by("-assessed_at", "-id").first()
    )
    return {
        "victims": list(Victim.objects.filter(crime__case=case).select_related("crime").order_by("crime_id", "id")),
        "override": override,
        "failed_rules": override.failed_results() if override else [],
    }


def cases_held_by(*, user, keyworker) -> QuerySet[Case]:
    """The open cases a keyworker of the user's team holds now, which the user may move (bulk reallocation)."""
    return with_allocation_facts(reallocation_cases(user=user).filter(
        allocations__ended_at=None, allocations__keyworker=keyworker))


def recommendations_for(cases: list[Case], candidates: list) -> dict[int, object]:
    """The recommended keyworker (workload.Recommendation, or None) of each case moved at once, in order: each case
    given counts towards its keyworker's load when the next is recommended, so that a whole caseload is not
    recommended to one person. No queries: the candidates come with their loads (keyworker_candidates)."""
    from dataclasses import replace

    from keyworkers.workload import Weights, case_points

    pool = {user.pk: as_candidate(user) for user in candidates}
    profiles = {user.pk: user.staff_profile for user in candidates}
    recommendations = {}
    for case in cases:
        recommendation = recommend(list(pool.values()), case_needs(case))
        recommendations[case.pk] = recommendation
        if recommendation is None:
            continue
        profile = profiles[recommendation.user_id]
        team = profile.team
        weights = Weights(team.points_to_contact, team.points_assessment, team.points_active, team.points_enhanced)
        points = case_points(case.status, enhanced=case.young_adult_offer or case.womens_offer, weights=weights)
        chosen = pool[recommendation.user_id]
        capacity = float(profile.capacity_points) * float(profile.fte) or 1.0
        pool[recommendation.user_id] = replace(chosen, load=chosen.load + round(points * 100 / capacity),
                                               allocated_last_7_days=chosen.allocated_last_7_days + 1)
    return recommendations


def allocation_queue(*, user) -> QuerySet[Case]:
    """Cases waiting for allocation, oldest first, with their offences and flags: supervisors allocate them, the team
    manager reads them."""
    if not user.has_perm("cases.view_team_cases"):
        return Case.objects.none()
    return waiting_cases()


def waiting_cases() -> QuerySet[Case]:
    """`allocation_queue`'s cases, whoever asks: for the queue page's prepared queries (keyworkers.views), which run
    only behind the page's own check of the same permission."""
    return with_allocation_flags(_submitted_cases().filter(status=Case.Status.AWAITING_ALLOCATION))


_WAITING_COUNT = PreparedQuery(lambda: aggregate_row(Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION), count=Count("id")))


def waiting_for_allocation_count(*, user) -> int:
    """How many cases `allocation_queue` holds, counted without building its annotations."""
    if not user.has_perm("cases.view_team_cases"):
        return 0
    return _WAITING_COUNT.rows({})[0]["count"]


def already_allocated_message(case: Case) -> str:
    """Why a case can no longer be allocated, naming who has it, for the supervisor who tried."""
    current = case.allocations.filter(ended_at=None).select_related("keyworker", "allocated_by").first()
    if current is None:
        return f"Case {case.number} is {case.get_status_display().lower()}, so it cannot be allocated. Nothing was changed."
    return (
        f"Case {case.number} was allocated to {current.keyworker.get_full_name()} by "
        f"{current.allocated_by.get_full_name()} at {timezone.localtime(current.allocated_at):%H:%M}. Nothing was changed."
    )


def case_needs(case) -> CaseNeeds:
    return CaseNeeds(
        area=case.person.postcode_area if case.person else "",
        womens_offer=case.womens_offer,
        young_adult_offer=case.young_adult_offer,
        previous_keyworker_id=getattr(case, "previous_keyworker_id", None),
        domestic_abuse=bool(getattr(case, "domestic_abuse", False)),  # with_allocation_facts
    )


_STAFF_PROFILE = PreparedQuery(lambda: StaffProfile.objects.filter(user_id=Slot("user", IntegerField())).select_related("team"))


def staff_team(user):
    """The team of the signed-in member of staff, or None."""
    profile = next(iter(_STAFF_PROFILE.rows({"user": user.pk})), None)
    return profile.team if profile else None


@dataclass(frozen=True)
class Flag:
    colour: str  # red, amber, green
    reason: str


# Days after allocation without a first contact before the caseload flags it amber, then red.
FIRST_CONTACT_AMBER_DAYS, FIRST_CONTACT_RED_DAYS = 2, 5
FLAG_RANK = {"red": 0, "amber": 1, "green": 2}  # the caseload's order; closed cases (no flag) come last


def caseload_flag(case, *, today) -> Flag | None:
    """Red, amber or green for one open case, with the reason in words. Closed cases have none.

    `_flag_rank` orders the caseload by the same rules in SQL: change both together.
    """
    if case.review_flag and case.status in OPEN_STATES:
        return Flag("red", "Supervisor review: non-compliance")
    if case.status == TO_CONTACT:
        days = (today - timezone.localdate(case.allocated_at)).days
        if days >= FIRST_CONTACT_RED_DAYS:
            return Flag("red", f"No first contact after {days} days")
        if days >= FIRST_CONTACT_AMBER_DAYS:
            return Flag("amber", f"First contact due: allocated {days} days ago")
        return Flag("green", "New: make first contact")
    if case.status == Case.Status.ACTIVE and getattr(case, "conditions_overdue", 0):
        return Flag("amber", f"{case.conditions_overdue} condition(s) overdue")
    if case.status in Case.REFERRAL_ALLOWED and getattr(case, "referrals_overdue", 0):
        return Flag("amber", f"{case.referrals_overdue} referral(s) overdue: chase the partner")
    if case.status == ASSESSMENT:
        return Flag("green", "Assessment under way")
    if case.status == Case.Status.ACTIVE:
        return Flag("green", "Contract on track")
    return None


def _flag_rank(at: "CaseloadAt") -> SqlCase:
    """`caseload_flag`'s colour as a number to sort by (red 0, amber 1, green 2, closed 3), over the caseload's annotations."""
    return SqlCase(
        When(Q(status__in=OPEN_STATES) & ~Q(review_flag=""), then=Value(FLAG_RANK["red"])),
        When(status=TO_CONTACT, allocated_at__lt=at.red_before, then=Value(FLAG_RANK["red"])),
        When(status=TO_CONTACT, allocated_at__lt=at.amber_before, then=Value(FLAG_RANK["amber"])),
        When(status=Case.Status.ACTIVE, conditions_overdue__gt=0, then=Value(FLAG_RANK["amber"])),
        When(status__in=Case.REFERRAL_ALLOWED, referrals_overdue__gt=0, then=Value(FLAG_RANK["amber"])),
        When(status__in=OPEN_STATES, then=Value(FLAG_RANK["green"])),
        default=Value(len(FLAG_RANK)), output_field=IntegerField(),
    )


# Days ahead a contract's end puts a case under the caseload's "Ending in 14 days" tab (keyworkers.filters).
ENDING_DAYS = 14


@dataclass(frozen=True)
class CaseloadAt:
    """Everything a caseload's queries depend on: whose caseload, the time, and the dates and instants worked out
    from it. In one place so that the caseload page's prepared queries (oocr/prepared.py) fill them as slots
    (`CASELOAD_SLOTS`); every other caller passes `caseload_at(...)`."""

    keyworker_id: int | None
    now: datetime
    today: date
    closed_since: datetime  # cases closed since then are "recently closed" and stay on the caseload
    week_ahead: date  # conditions due up to then are "due this week"
    ending_by: date  # contracts ending by then are under the "Ending in 14 days" tab
    amber_before: datetime  # allocated before then without a first contact: amber (`caseload_flag`)
    red_before: datetime  # and before then: red


def caseload_at(*, keyworker_id: int | None = None, now: datetime | None = None) -> CaseloadAt:
    now = now or timezone.now()
    today = timezone.localdate(now)

    def allocated_before(days: int) -> datetime:
        # Allocated `days` or more local days ago: before the start of the day `days - 1` days ago.
        return day_start(today - timedelta(days=days - 1))

    return CaseloadAt(
        keyworker_id=keyworker_id, now=now, today=today, closed_since=now - timedelta(days=RECENTLY_CLOSED_DAYS),
        week_ahead=today + timedelta(days=7), ending_by=today + timedelta(days=ENDING_DAYS),
        amber_before=allocated_before(FIRST_CONTACT_AMBER_DAYS), red_before=allocated_before(FIRST_CONTACT_RED_DAYS),
    )


CASELOAD_SLOTS = CaseloadAt(**slots_of({
    "keyworker_id": IntegerField(), "now": DateTimeField(), "today": DateField(), "closed_since": DateTimeField(),
    "week_ahead": DateField(), "ending_by": DateField(), "amber_before": DateTimeField(), "red_before": DateTimeField(),
}))


@dataclass(frozen=True)
class CaseloadColumns:
    """What an app built on keyworkers adds to each caseload row, in the caseload's one query.

    `annotations(at)`: {name: expression over the case}, its dates and times from `at` (a `CaseloadAt`, whose
    values may be slots of a prepared query: compare with them, never compute with them); `row(case, today=)`: works
    out, in Python, what
    the row shows from them. The caseload reads these names: from contracts `contract_start`, `contract_weeks`,
    `contract_extension_days`, `next_appointment`, `last_contact`, `conditions_due`, `conditions_overdue` (with
    `week` and `contract_total_weeks` set by its row); from referrals `referrals_overdue`."""

    annotations: Callable[..., dict]
    row: Callable[..., None] = field(default=lambda case, *, today: None)


_caseload_columns: dict[str, CaseloadColumns] = {}


def caseload_columns_register(name: str, columns: CaseloadColumns) -> None:
    """Called in the registering app's AppConfig.ready(); the same name again replaces its columns."""
    _caseload_columns[name] = columns


def caseload_rows_complete(cases, *, today) -> None:
    """Each registered app works out what its columns show on each row of a caseload page."""
    for case in cases:
        for columns in _caseload_columns.values():
            columns.row(case, today=today)


def caseload_cases(*, keyworker=None, at: CaseloadAt | None = None) -> QuerySet[Case]:
    """The cases of a keyworker's caseload (`caseload`'s rows) with only what its search needs (the crime reference):
    what the tab counts count, without the row annotations (building and compiling those twice was a fifth of the
    caseload's CPU, python -m bench.profile). `at`: `caseload_at(keyworker_id=...)`, or the keyworker."""
    at = at or caseload_at(keyworker_id=keyworker.pk)
    # Start from the keyworker's own allocations (indexed), never from every case: one subquery, not an
    # OR of two, which would make PostgreSQL read the whole case table (make bench, national size).
    current = Allocation.objects.filter(keyworker_id=at.keyworker_id).filter(
        Q(ended_at=None, case__status__in=OPEN_STATES)
        | Q(end_reason=Allocation.EndReason.CASE_CLOSED, case__closed_at__gte=at.closed_since)
    )
    return Case.objects.filter(pk__in=current.values("case_id")).annotate(
        crime_reference=Subquery(Crime.objects.filter(case=OuterRef("pk")).order_by("id").values("reference")[:1]),
    )


def caseload(*, keyworker=None, cases: QuerySet[Case] | None = None, at: CaseloadAt | None = None) -> QuerySet[Case]:
    """A keyworker's open cases and those closed in the last 30 days, with the current allocation date. `cases`:
    `caseload_cases(at=at)` when the caller has built it already (the caseload page, for its tab counts)."""
    at = at or caseload_at(keyworker_id=keyworker.pk)
    held = Allocation.objects.filter(keyworker_id=at.keyworker_id)
    return (
        (caseload_cases(at=at) if cases is None else cases)
        .select_related("person")
        .annotate(
            allocated_at=Subquery(held.filter(case=OuterRef("pk")).order_by("-allocated_at").values("allocated_at")[:1]),
            **{name: expression for columns in _caseload_columns.values()
               for name, expression in columns.annotations(at).items()},
        )
        .annotate(flag_rank=_flag_rank(at))
    )


def _reviews_not_made(user) -> QuerySet[AllocationReview]:
    return AllocationReview.objects.filter(reviewed_at=None, allocation__keyworker__staff_profile__team__staff__user=user)


# The queue shows how many are due on every request: built and compiled once a process (oocr/prepared.py).
_REVIEWS_DUE_COUNT = PreparedQuery(lambda: aggregate_row(
    _reviews_not_made(Slot("user", IntegerField())).filter(allocation__ended_at=None, due_on__lte=Slot("today", DateField())),
    count=Count("id")))


def allocation_reviews_due_count(*, user, today: date) -> int:
    """How many of `allocation_reviews_due` are due by `today`."""
    if not user.has_perm("accounts.allocate_cases"):
        return 0
    return _REVIEWS_DUE_COUNT.rows({"user": user.pk, "today": today})[0]["count"]


def allocation_reviews_not_made(*, user) -> QuerySet[AllocationReview]:
    """Reviews not yet made of the allocations of the user's team, including allocations ended since (a reallocation,
    the case closing): a supervisor who opens one of those is told why it can no longer be recorded."""
    if not user.has_perm("accounts.allocate_cases"):
        return AllocationReview.objects.none()
    return _reviews_not_made(user).select_related(
        "allocation__case__person", "allocation__keyworker", "allocation__allocated_by"
    ).order_by("due_on", "id")


def allocation_reviews_due(*, user) -> QuerySet[AllocationReview]:
    """Reviews of new allocations not yet made, soonest due first; an allocation that has ended has nothing to review."""
    return allocation_reviews_not_made(user=user).filter(allocation__ended_at=None)


def review_ended_message(review: AllocationReview) -> str:
    """Why the review of an allocation that has ended cannot be recorded."""
    allocation = review.allocation
    return (f"The allocation of case {allocation.case.number} to {allocation.keyworker.get_full_name()} ended on "
            f"{timezone.localtime(allocation.ended_at):%-d %B %Y} ({allocation.get_end_reason_display().lower()}): "
            "there is nothing left to review, and nothing was recorded.")


def team_caseload_visible(*, user, keyworker) -> bool:
    """Supervisors and the team manager see the caseloads of their team's keyworkers; keyworkers their own."""
    return user.pk == keyworker.pk or (
        user.has_perm("cases.view_team_cases")
        and StaffProfile.objects.filter(user=keyworker, team__staff__user=user).exists()
    )


def staff_profiles_editable(*, user) -> QuerySet[StaffProfile]:
    """The staff profiles of the manager's own team."""
    return StaffProfile.objects.select_related("user", "team").filter(team__staff__user=user)


def calendar_token_of(*, user) -> str | None:
    """The token of the keyworker's private calendar address: "" before one is issued, None without a staff profile."""
    return StaffProfile.objects.filter(user=user).values_list("calendar_token", flat=True).first()


def calendar_feed_keyworker(*, token: str):
    """Whose calendar a private address shows: an active user's only (a deactivated account's address stops working)."""
    if not token:
        return None
    profile = StaffProfile.objects.filter(calendar_token=token, user__is_active=True).select_related("user").first()
    return profile.user if profile else None


def open_cases_held(*, user) -> int:
    """How many open cases are allocated to this person now."""
    return Allocation.objects.filter(keyworker=user, ended_at=None, case__status__in=OPEN_STATES).count()
