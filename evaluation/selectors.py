"""Every read the evaluation pages need: imports, the review queue, harm weights, checks, the cohort report (with
time to reoffence, and the trials its people were randomised in), the outcomes dashboard, and surveys with their report.

The report and the dashboard read a fixed number of queries whatever the
number of cases: rows come back as values, and the arithmetic is done here.
"""

import statistics as pystats
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import Case, FirstContact, Person, Victim
from contracts.models import NeedDomain, NeedScore, NeedsAssessment
from evaluation import disclosure
from evaluation import statistics as stats
from evaluation.models import (
    CrimeRecordImport, HarmWeightSet, PersonMatch, ReoffendingCheckRun, ReoffendingDefinition, ReoffendingResult,
    ReportJob, SurveyAnswer, SurveyInstrument, SurveyResponse,
)
from keyworkers.models import Allocation
from keyworkers.selectors import staff_team
from oocr.working_days import day_start
from referrals.models import Referral

# --- Administration pages --------------------------------------------------------------------------


def crime_record_imports() -> QuerySet[CrimeRecordImport]:
    return CrimeRecordImport.objects.select_related("uploaded_by", "cancelled_by").defer("content")


def person_matches_waiting() -> QuerySet[PersonMatch]:
    return PersonMatch.objects.filter(status=PersonMatch.Status.WAITING).select_related("crime_record")


def person_match_detail() -> QuerySet[PersonMatch]:
    return PersonMatch.objects.select_related("crime_record", "person", "decided_by")


def harm_weight_sets() -> QuerySet[HarmWeightSet]:
    return HarmWeightSet.objects.annotate(weight_count=Count("weights")).select_related("created_by")


def check_runs() -> QuerySet[ReoffendingCheckRun]:
    return ReoffendingCheckRun.objects.select_related("definition", "weight_set", "requested_by", "published_by")


def check_run_detail() -> QuerySet[ReoffendingCheckRun]:
    return check_runs().select_related("superseded_by")


def published_run(*, definition_id: int) -> ReoffendingCheckRun | None:
    """The run the reports read for a definition: its one published run, or None before any is published."""
    return check_runs().filter(definition_id=definition_id, status=ReoffendingCheckRun.Status.PUBLISHED).first()


def scheme_first_case_on() -> date | None:
    """The day the scheme's first case began: the earliest submission or first contact; None before any case."""
    submitted = Case.objects.aggregate(first=Min("submitted_at"))["first"]
    contacted = FirstContact.objects.aggregate(first=Min("offered_on"))["first"]
    days = [day for day in (timezone.localdate(submitted) if submitted else None, contacted) if day is not None]
    return min(days) if days else None


def reoffending_definitions() -> QuerySet[ReoffendingDefinition]:
    return ReoffendingDefinition.objects.filter(is_active=True)


# --- The cohort report --------------------------------------------------------------------------------

GROUPS = [
    ("completed", "Completed the contract"),
    ("breached", "Breached"),
    ("declined", "Declined: opted for court"),
    ("started", "All who started (agreed to take part)"),
]
# (label, group, reference group): per protocol, then intention to treat.
COMPARISONS = [
    ("Per protocol: completed against opted for court", "completed", "declined"),
    ("Intention to treat: all who started against opted for court", "started", "declined"),
    ("Completed against breached", "completed", "breached"),
]
SURVIVAL_DAYS = [90, 180, 270, 365, 545, 730]


def measure_choices() -> list[tuple[str, str]]:
    """Each active definition with each of its follow-up periods, as `<definition id>-<months>`."""
    return [(f"{definition.pk}-{months}", f"{definition.name}: {months} months")
            for definition in reoffending_definitions() for months in definition.follow_up_months]


def measure_chosen(asked: str | None) -> tuple[int, int, str] | None:
    """(definition id, follow-up months, label) of the measure asked for (`measure_choices`' key), or of the first
    there is; None before any definition."""
    choices = dict(measure_choices())
    key = asked if asked in choices else next(iter(choices), None)
    if key is None:
        return None
    definition_id, months = (int(part) for part in key.split("-"))
    return definition_id, months, choices[key]


@dataclass
class GroupFigures:
    key: str
    label: str
    reoffending: stats.Proportion
    reoffences_per_100: float | None
    harm_after: stats.MeanInterval
    harm_before: stats.MeanInterval
    harm_change: stats.MeanInterval
    censored: int
    survival: list[stats.SurvivalPoint] = field(default_factory=list)
    events: int = 0  # everyone in the group who reoffended, at follow-up or not (the curve's events)
    people: int = 0  # everyone in the group, at follow-up or not (the curve's people)
    # Every figure of the group withheld: shown beside the groups inside it, it would give back a small group
    # (disclosure.remainder_small; "All who started" less "Completed" and "Breached").
    withheld: bool = False

    def survival_at(self, day: int) -> float | None:
        """The Kaplan-Meier share not yet reoffending on `day` (a step function), None past the last observation."""
        if not self.survival or day > self.survival[-1].day:
            return None
        value = 1.0
        for point in self.survival:
            if point.day > day:
                break
            value = point.still_not_reoffended
        return value

    @property
    def survival_table(self) -> list[float | None]:
        return [self.survival_at(day) for day in SURVIVAL_DAYS]


@dataclass
class BreakdownRow:
    """One category of a breakdown: the figures of those who started and of those who opted for court."""

    key: str
    label: str
    started: stats.Proportion
    started_per_100: float | None
    started_censored: int
    declined: stats.Proportion
    declined_per_100: float | None
    declined_censored: int
    # Against the reference category (the largest), among those who started: None for the reference itself.
    comparison: stats.Comparison | None = None


@dataclass
class Breakdown:
    key: str
    label: str
    rows: list[BreakdownRow]
    reference: str  # the label of the reference category
    protected: bool  # a protected characteristic: its disparities are shown side by side


@dataclass
class TrendQuarter:
    label: str  # "2025 Q2"
    starts: int
    completion: stats.Proportion  # completed, of those whose contract ended (completed or breached) in the quarter
    breach: stats.Proportion  # breached, of those who started and whose case closed in the quarter
    reoffending: stats.Proportion  # reoffended, of those starting the follow-up in the quarter and now past it


@dataclass
class CohortReport:
    run: ReoffendingCheckRun | None
    definition: ReoffendingDefinition | None
    months: int | None
    groups: list[GroupFigures]
    comparisons: list[tuple[str, GroupFigures, GroupFigures, stats.Comparison | None]]
    breakdown: Breakdown | None = None
    waiting_matches: int = 0
    # Everyone checked (whatever their group) whose follow-up and waiting period have not yet passed.
    not_yet_at_follow_up: int = 0

    @property
    def group(self) -> dict[str, GroupFigures]:
        return {figures.key: figures for figures in self.groups}


def report_results(*, definition_id: int, months: int) -> QuerySet[ReoffendingResult]:
    """The rows the report reads (before filtering): the published run's results for one definition and follow-up.

    Never a newer run's: a check changes no report until an administrator publishes it.
    """
    answer = FirstContact.objects.filter(case=OuterRef("case_id")).values("answer")[:1]
    keyworker = Allocation.objects.filter(case=OuterRef("case_id")).order_by("-allocated_at", "-pk").values("keyworker_id")[:1]
    return (
        ReoffendingResult.objects.filter(run__definition_id=definition_id, run__status=ReoffendingCheckRun.Status.PUBLISHED,
                                         follow_up_months=months)
        .annotate(status=F("case__status"), first_contact_answer=Subquery(answer), route=F("case__route"),
                  area=F("case__baseline__home_postcode_area"), sex=F("case__baseline__sex"), age=F("case__baseline__age"),
                  ethnicity=F("case__baseline__ethnicity"), young_adult=F("case__young_adult_offer"),
                  womens=F("case__womens_offer"), keyworker=Subquery(keyworker))
    )


def _group_of(row: dict) -> list[str]:
    keys = [row["status"]] if row["status"] in ("completed", "breached", "declined") else []
    if row["first_contact_answer"] == FirstContact.Answer.ACCEPTED:
        keys.append("started")
    return keys


def cohort_report(*, results: QuerySet[ReoffendingResult], definition: ReoffendingDefinition | None, months: int | None,
                  breakdown: str = "") -> CohortReport:
    """Every group's figures, the comparisons between groups and a breakdown, from (filtered) results. Four queries, and
    one more for a breakdown (counted in the database: `breakdown_rows`)."""
    run = published_run(definition_id=definition.pk) if definition else None
    columns = ["status", "first_contact_answer", "reached_follow_up", "reoffended", "reoffence_count", "harm_after",
               "harm_before", "start_date", "first_offence_date", "observed_days"]
    rows = list(results.values(*columns))
    by_group: dict[str, list[dict]] = {key: [] for key, _ in GROUPS}
    for row in rows:
        for key in _group_of(row):
            by_group[key].append(row)
    groups = [_group_figures(key, label, by_group[key]) for key, label in GROUPS]
    figures = {g.key: g for g in groups}
    figures["started"].withheld = _enclosing_withheld(figures["started"], [figures["completed"], figures["breached"]])
    comparisons = [
        (label, figures[a], figures[b], stats.proportions_compare(
            figures[a].reoffending.count, figures[a].reoffending.n, figures[b].reoffending.count, figures[b].reoffending.n))
        for label, a, b in COMPARISONS
    ]
    return CohortReport(run=run, definition=definition, months=months, groups=groups, comparisons=comparisons,
                        breakdown=breakdown_figures(breakdown, breakdown_rows(results, breakdown)) if breakdown else None,
                        waiting_matches=person_matches_waiting().count(),
                        not_yet_at_follow_up=sum(1 for row in rows if not row["reached_follow_up"]))


# --- Breakdowns and the quarterly trend ------------------------------------------------------------------

# The row column each breakdown reads (an annotation of report_results).
BREAKDOWN_COLUMNS = {"age_band": "age"}
BREAKDOWN_LABELS = {
    "route": "Route", "area": "Area (home postcode)", "sex": "Sex", "age_band": "Age band", "ethnicity": "Ethnicity",
    "young_adult": "Young adult offer", "womens": "Women's offer", "keyworker": "Keyworker",
}
# Protected characteristics (Equality Act 2010) the Lammy Review asks criminal justice figures to be shown by.
PROTECTED = {"sex", "age_band", "ethnicity"}
AGE_BANDS = [(0, 17, "Under 18"), (18, 25, "18 to 25"), (26, 35, "26 to 35"), (36, 49, "36 to 49"), (50, 200, "50 and over")]
# The ONS's five high-level ethnic groups, plus not stated: the 19 detailed ones would be too small to show anywhere.
ETHNIC_GROUPS = {"A": "Asian or Asian British", "B": "Black, Black British, Caribbean or African",
                 "M": "Mixed or multiple ethnic groups", "W": "White", "O": "Other ethnic group", "N": "Not stated"}


def _category(breakdown: str, value) -> tuple[str, str]:
    """(key, label) of a row's category under a breakdown."""
    if breakdown == "age_band":
        for low, high, label in AGE_BANDS:
            if value is not None and low <= value <= high:
                return label, label
        return "unknown", "Not known"
    if breakdown == "ethnicity":
        letter = (value or "N")[0]
        return letter, ETHNIC_GROUPS.get(letter, "Not stated")
    if breakdown == "route":
        return value or "none", Case.Route(value).label if value else "No route recorded"
    if breakdown == "sex":
        return value or "unknown", dict(Person.Sex.choices).get(value, "Not known")
    if breakdown in ("young_adult", "womens"):
        return ("yes", "Offered") if value else ("no", "Not offered")
    if breakdown == "area":
        return value or "none", value or "Not known"
    return str(value or "none"), str(value or "Not allocated")


def breakdown_rows(results: QuerySet[ReoffendingResult], breakdown: str) -> list[dict]:
    """The rows a breakdown reads, counted in the database: one per category, status, answer and outcome, with `n`
    the people it stands for and `reoffence_count` their reoffences. One query (hundreds of rows, not a million)."""
    column = BREAKDOWN_COLUMNS.get(breakdown, breakdown)
    return list(results.values(column, "status", "first_contact_answer", "reached_follow_up", "reoffended")
                .annotate(n=Count("pk"), reoffence_count=Sum("reoffence_count")).order_by())


def breakdown_figures(breakdown: str, rows: list[dict]) -> Breakdown:
    """Each category's reoffending among those who started and those who opted for court, with the same statistics
    as the groups; among those who started, each category against the largest (the reference).

    A row stands for `row["n"]` people (one when it has no `n`), its `reoffence_count` their reoffences together."""
    column = BREAKDOWN_COLUMNS.get(breakdown, breakdown)
    by_category: dict[str, tuple[str, list[dict], list[dict]]] = {}
    for row in rows:
        key, label = _category(breakdown, row[column])
        groups = _group_of(row)
        entry = by_category.setdefault(key, (label, [], []))
        if "started" in groups:
            entry[1].append(row)
        elif "declined" in groups:
            entry[2].append(row)
    if breakdown == "keyworker":
        from django.contrib.auth import get_user_model

        ids = [int(key) for key in by_category if key.isdigit()]
        names = {str(user.pk): user.get_full_name() or user.username for user in get_user_model().objects.filter(pk__in=ids)}
        by_category = {key: (names.get(key, label), started, declined) for key, (label, started, declined) in by_category.items()}
    order = [label for _, _, label in AGE_BANDS] if breakdown == "age_band" else None
    keys = sorted(by_category, key=lambda key: (order.index(key) if order and key in order else 99, by_category[key][0]))
    table = []
    for key in keys:
        label, started, declined = by_category[key]
        s_fig, d_fig = _share_of(started), _share_of(declined)
        table.append(BreakdownRow(key=key, label=label, started=s_fig[0], started_per_100=s_fig[1], started_censored=s_fig[2],
                                  declined=d_fig[0], declined_per_100=d_fig[1], declined_censored=d_fig[2]))
    reference = max(table, key=lambda r: r.started.n, default=None)
    for row in table:
        if reference is not None and row is not reference:
            row.comparison = stats.proportions_compare(row.started.count, row.started.n, reference.started.count,
                                                       reference.started.n)
    return Breakdown(key=breakdown, label=BREAKDOWN_LABELS.get(breakdown, breakdown), rows=table,
                     reference=reference.label if reference else "", protected=breakdown in PROTECTED)


def _share_of(rows: list[dict]) -> tuple[stats.Proportion, float | None, int]:
    reached = [row for row in rows if row["reached_follow_up"]]
    people = sum(row.get("n", 1) for row in rows)
    followed = sum(row.get("n", 1) for row in reached)
    count = sum(row.get("n", 1) for row in reached if row["reoffended"])
    return (stats.proportion_wilson(count, followed),
            stats.per_hundred(sum(row["reoffence_count"] for row in reached), followed), people - followed)


def quarter_of(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarters(first: date, last: date) -> list[str]:
    labels, year, quarter = [], first.year, (first.month - 1) // 3 + 1
    while (year, quarter) <= (last.year, (last.month - 1) // 3 + 1) and len(labels) < 200:
        labels.append(f"{year} Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return labels


def report_jobs() -> QuerySet[ReportJob]:
    """Figures being prepared in the background (or ready, or failed), for any reader of the reports: they hold
    filters and counts of a published run, nothing about a person."""
    return ReportJob.objects.select_related("run")


# Seconds a million cases took to prepare on the benchmark's machine (bench/results/evaluation-national-2026-12-03.md),
# until this server has prepared some itself.
REPORT_JOB_SECONDS_PER_MILLION = {ReportJob.Kind.REPORT: 40, ReportJob.Kind.TIME_TO_REOFFENCE: 150,
                                  ReportJob.Kind.DASHBOARD: 10}


def report_job_estimate(job: ReportJob) -> int:
    """Roughly how many seconds the job takes in all: from the last jobs of its kind this server prepared (their
    seconds per case, for this many cases), else from the benchmark's."""
    earlier = list(ReportJob.objects.filter(kind=job.kind, status=ReportJob.Status.READY, seconds__isnull=False,
                                            cases_in_scope__gt=0)
                   .order_by("-finished_at").values_list("seconds", "cases_in_scope")[:5])
    if earlier:
        per_case = pystats.median(seconds / cases for seconds, cases in earlier)
    else:
        per_case = REPORT_JOB_SECONDS_PER_MILLION[job.kind] / 1_000_000
    return max(5, round(per_case * max(job.cases_in_scope, 1)))


def trend_cases() -> QuerySet[Case]:
    """Every case submitted to the team (the report, like its results, is the whole scheme's)."""
    return Case.objects.exclude(status=Case.Status.DRAFT).exclude(submitted_at=None)


def quarterly_trend(*, cases: QuerySet[Case], results: QuerySet[ReoffendingResult], first: date | None = None,
                    last: date | None = None) -> list[TrendQuarter]:
    """Starts, completion, breach and reoffending by quarter. Three queries, whatever the number of cases.

    Starts: people who agreed to take part, by the day they agreed. Completion: completed, of the contracts that
    ended (completed or breached) in the quarter. Breach: breached, of those who started and whose case closed in the
    quarter (completed, breached or withdrawn). Reoffending: of the published check's results whose follow-up began
    in the quarter and has passed.
    """
    accepted = FirstContact.Answer.ACCEPTED
    # Counted by day in the database (a few thousand rows, whatever the number of cases), by quarter here.
    starts = list(cases.filter(first_contact__answer=accepted).values_list("first_contact__offered_on")
                  .annotate(n=Count("pk")).order_by())
    closed = list(cases.filter(first_contact__answer=accepted, closed_at__isnull=False, status__in=Case.SCHEME_CLOSURES)
                  .annotate(closed_on=TruncDate("closed_at")).values_list("status", "closed_on").annotate(n=Count("pk"))
                  .order_by())
    outcomes = list(results.filter(reached_follow_up=True).values_list("start_date", "reoffended").annotate(n=Count("pk"))
                    .order_by())
    days = [d for d, _ in starts if d] + [d for _, d, _ in closed] + [d for d, _, _ in outcomes]
    if not days:
        return []
    first = first or min(days)
    last = last or max(days)
    labels = _quarters(first, last)
    tally = {label: {"starts": 0, "completed": 0, "breached": 0, "closed": 0, "followed": 0, "reoffended": 0} for label in labels}
    for day, n in starts:
        if day and quarter_of(day) in tally:
            tally[quarter_of(day)]["starts"] += n
    for status, day, n in closed:
        entry = tally.get(quarter_of(day))
        if entry is None:
            continue
        entry["closed"] += n
        entry["completed"] += n if status == Case.Status.COMPLETED else 0
        entry["breached"] += n if status == Case.Status.BREACHED else 0
    for day, reoffended, n in outcomes:
        entry = tally.get(quarter_of(day))
        if entry is not None:
            entry["followed"] += n
            entry["reoffended"] += n if reoffended else 0
    return [TrendQuarter(
        label=label, starts=t["starts"],
        completion=stats.proportion_wilson(t["completed"], t["completed"] + t["breached"]),
        breach=stats.proportion_wilson(t["breached"], t["closed"]),
        reoffending=stats.proportion_wilson(t["reoffended"], t["followed"]),
    ) for label, t in tally.items()]


def _enclosing_withheld(enclosing: GroupFigures, inside: list[GroupFigures]) -> bool:
    """Whether the enclosing group, shown with the groups inside it as they are shown, would give back a small group:
    through its share reoffending, its curve (people and reoffences) or its count not yet at follow-up
    (disclosure.enclosing_withheld, the rule the time-to-reoffence curves follow too)."""
    if not disclosure.cell(enclosing.people).shown:
        return False  # hidden already, whole
    shares = []
    for g in inside:
        shown = disclosure.share(g.reoffending.count, g.reoffending.n)
        shares.append((g.reoffending.count if shown.count.shown else None, g.reoffending.n if shown.n.shown else None))
    curves = [(None, None) if disclosure.curve_hidden(g.people, g.events) else (g.events, g.people) for g in inside]
    censored = [g.censored if disclosure.cell(g.censored).shown else None for g in inside]
    return disclosure.enclosing_withheld(
        pairs=[((enclosing.reoffending.count, enclosing.reoffending.n), shares), ((enclosing.events, enclosing.people), curves)],
        counts=[(enclosing.censored, censored)])


def _group_figures(key: str, label: str, rows: list[dict]) -> GroupFigures:
    reached = [row for row in rows if row["reached_follow_up"]]
    reoffended = sum(1 for row in reached if row["reoffended"])
    times = [(row["first_offence_date"] - row["start_date"]).days if row["reoffended"] else row["observed_days"] for row in rows]
    return GroupFigures(
        key=key, label=label,
        reoffending=stats.proportion_wilson(reoffended, len(reached)),
        reoffences_per_100=stats.per_hundred(sum(row["reoffence_count"] for row in reached), len(reached)),
        harm_after=stats.mean_bootstrap([float(row["harm_after"]) for row in reached]),
        harm_before=stats.mean_bootstrap([float(row["harm_before"]) for row in reached]),
        harm_change=stats.mean_bootstrap([float(row["harm_after"] - row["harm_before"]) for row in reached]),
        censored=len(rows) - len(reached), events=sum(1 for row in rows if row["reoffended"]), people=len(rows),
        survival=stats.kaplan_meier(times, [row["reoffended"] for row in rows]),
    )


# --- The outcomes dashboard ---------------------------------------------------------------------------


def dashboard_cases(*, user) -> QuerySet[Case]:
    """The cases a dashboard counts: all for an administrator; a team manager's team (and cases not yet allocated)."""
    return dashboard_scope_cases(dashboard_scope(user=user))


def dashboard_scope(*, user) -> str:
    """Whose cases the user's dashboard counts, as a short name: "all", or "team-<id>" for a team's manager. The
    dashboard's figures kept with a published run are kept by this name (two managers of a team share them)."""
    if user.has_perm("evaluation.manage_evaluation"):
        return "all"
    team = staff_team(user)
    return "all" if team is None else f"team-{team.pk}"


def dashboard_scope_cases(scope: str) -> QuerySet[Case]:
    """The cases of a scope named by `dashboard_scope`."""
    cases = Case.objects.exclude(status=Case.Status.DRAFT).exclude(submitted_at=None)
    if scope == "all":
        return cases
    team_id = int(scope.removeprefix("team-"))
    allocations = Allocation.objects.filter(case=OuterRef("pk"))
    return cases.filter(Exists(allocations.filter(keyworker__staff_profile__team_id=team_id)) | ~Exists(allocations))


@dataclass
class Dashboard:
    since: date
    received: int
    days_to_allocation: float | None
    days_to_contract: float | None
    open_cases: int
    active_contracts: int
    completed: int
    breached: int
    withdrawn_after_starting: int
    distance: list[tuple[str, float, int]]
    referrals_sent: int = 0
    referrals_engaged: int = 0
    allocations_timed: int = 0  # the cases each median is taken over
    contracts_timed: int = 0

    @property
    def referral_engagement(self) -> stats.Proportion:
        """Of referrals sent to partners in the period: the share where the person attended a first appointment."""
        return stats.proportion_wilson(self.referrals_engaged, self.referrals_sent)

    @property
    def completion_rate(self) -> float | None:
        finished = self.completed + self.breached
        return self.completed / finished if finished else None

    @property
    def not_returned_for_breach(self) -> stats.Proportion:
        """Of those who agreed to take part and whose case has closed: the share not sent back to the officer for breach."""
        closed = self.completed + self.breached + self.withdrawn_after_starting
        return stats.proportion_wilson(closed - self.breached, closed)


def outcomes_dashboard(*, user=None, scope: str | None = None, today: date | None = None, months: int = 12) -> Dashboard:
    """The team's figures over the last `months` (for a user, or a scope named by `dashboard_scope`): a fixed handful
    of queries, whatever the number of cases; over a million cases they take seconds, so a large published run keeps
    them (services.dashboard_figures) and the page reads them from there."""
    today = today or timezone.localdate()
    since = today - timedelta(days=round(months * 365.25 / 12))
    cases = dashboard_scope_cases(scope) if scope is not None else dashboard_cases(user=user)
    recent = cases.filter(submitted_at__gte=day_start(since))
    timings = list(recent.annotate(
        allocated_at=Min("allocations__allocated_at"), contract_start=F("contract__start_date"),
    ).values_list("submitted_at", "allocated_at", "contract_start"))
    to_allocation = [(allocated - submitted).total_seconds() / 86400 for submitted, allocated, _ in timings if allocated]
    to_contract = [(start - timezone.localdate(submitted)).days for submitted, _, start in timings if start]
    counts = cases.aggregate(
        open_cases=Count("pk", filter=Q(status__in=Case.OPEN)),
        active=Count("pk", filter=Q(status=Case.Status.ACTIVE)),
        completed=Count("pk", filter=Q(status=Case.Status.COMPLETED, closed_at__gte=day_start(since))),
        breached=Count("pk", filter=Q(status=Case.Status.BREACHED, closed_at__gte=day_start(since))),
        withdrawn=Count("pk", filter=Q(status=Case.Status.WITHDRAWN, closed_at__gte=day_start(since),
                                        first_contact__answer=FirstContact.Answer.ACCEPTED)),
    )
    return Dashboard(
        since=since, received=len(timings),
        days_to_allocation=pystats.median(to_allocation) if to_allocation else None,
        days_to_contract=pystats.median(to_contract) if to_contract else None,
        open_cases=counts["open_cases"], active_contracts=counts["active"], completed=counts["completed"],
        breached=counts["breached"], withdrawn_after_starting=counts["withdrawn"],
        distance=distance_travelled_by_domain(cases=cases),
        allocations_timed=len(to_allocation), contracts_timed=len(to_contract),
        **_referral_counts(cases=cases, since=since),
    )


def dashboard_dump(dashboard: Dashboard, *, drawn_at, today: date) -> bytes:
    """The dashboard's figures as JSON, with when they were drawn and for which local day (kept with the run)."""
    import json
    from dataclasses import asdict

    data = asdict(dashboard)
    data["since"] = dashboard.since.isoformat()
    return json.dumps({"dashboard": data, "drawn_at": drawn_at.isoformat(), "today": today.isoformat()}).encode()


def dashboard_load(raw: bytes) -> tuple[Dashboard, datetime, date]:
    """What `dashboard_dump` wrote: the figures, when they were drawn, and the local day they were drawn for."""
    import json

    kept = json.loads(bytes(raw))
    data = kept["dashboard"]
    data["since"] = date.fromisoformat(data["since"])
    data["distance"] = [tuple(row) for row in data["distance"]]
    return Dashboard(**data), datetime.fromisoformat(kept["drawn_at"]), date.fromisoformat(kept["today"])


def _referral_counts(*, cases: QuerySet[Case], since: date) -> dict:
    return Referral.objects.filter(case__in=cases.values("pk"), sent_on__gte=since).aggregate(
        referrals_sent=Count("pk"), referrals_engaged=Count("pk", filter=Q(engaged_on__isnull=False)),
    )


def distance_travelled_by_domain(*, cases: QuerySet[Case]) -> list[tuple[str, float, int]]:
    """Each need domain's mean change in score (first minus closing: positive is progress) over cases with both assessments."""
    closing = NeedScore.objects.filter(
        assessment__case=OuterRef("assessment__case"), assessment__kind=NeedsAssessment.Kind.CLOSING, domain=OuterRef("domain"),
    ).values("score")[:1]
    rows = (
        NeedScore.objects.filter(assessment__kind=NeedsAssessment.Kind.BASELINE, assessment__case__in=cases.values("pk"))
        .annotate(closing=Subquery(closing)).exclude(closing=None)
        .values("domain").annotate(change=Avg(F("score") - F("closing")), people=Count("pk"))
    )
    names = dict(NeedDomain.objects.values_list("pk", "name"))
    return sorted(((names[row["domain"]], float(row["change"]), row["people"]) for row in rows), key=lambda item: -item[1])


# --- Surveys ---------------------------------------------------------------------------------------------


@dataclass
class SurveyScore:
    response: SurveyResponse
    score: float | None
    answered: int
    change: float | None = None
    locked: str = ""  # why its answers can no longer be corrected (empty while they can)


def case_surveys(*, case: Case) -> list[SurveyScore]:
    """The case's questionnaires with their scale scores (mean of answered items) and, at closure, the change since the start."""
    responses = list(SurveyResponse.objects.filter(case=case).select_related("instrument", "recorded_by", "case")
                     .prefetch_related("answers"))
    scored = []
    for response in responses:
        answered = [answer.score for answer in response.answers.all() if answer.score is not None]
        scored.append(SurveyScore(response, sum(answered) / len(answered) if answered else None, len(answered),
                                  locked=response.locked_because()))
    start = {item.response.instrument.code: item.score for item in scored if item.response.timing == SurveyResponse.Timing.START}
    for item in scored:
        before = start.get(item.response.instrument.code)
        if item.response.timing == SurveyResponse.Timing.END and before is not None and item.score is not None:
            item.change = item.score - before
    return scored


def survey_instruments() -> QuerySet[SurveyInstrument]:
    return SurveyInstrument.objects.filter(is_current=True)


def survey_can_record(*, case: Case, user) -> bool:
    """The keyworker holding the case, or the one who held it when it closed, records its questionnaires."""
    return Allocation.objects.filter(
        Q(ended_at=None) | Q(end_reason=Allocation.EndReason.CASE_CLOSED), case=case, keyworker=user,
    ).exists()


# --- The survey report -----------------------------------------------------------------------------------------

# The outcomes a case offered an ending survey closes with: the person agreed to take part, then one of these.
SURVEY_OUTCOMES = [(Case.Status.COMPLETED, "Completed"), (Case.Status.BREACHED, "Breached"),
                   (Case.Status.WITHDRAWN, "Withdrawn after starting")]


@dataclass
class SurveyGroup:
    """A route or an outcome (or everyone: key "all"): cases offered, ending responses and their scale scores."""

    key: str
    label: str
    offered: int
    rate: stats.Proportion  # ending responses, of the cases offered
    score: stats.MeanInterval  # the mean scale score of those responses, with its t interval


@dataclass
class SurveyItemCounts:
    code: str
    text: str
    counts: list[int]  # how many answered 1, 2, 3, 4 and 5
    not_answered: int


@dataclass
class SurveyInstrumentFigures:
    instrument: SurveyInstrument
    overall: SurveyGroup
    by_route: list[SurveyGroup]
    by_outcome: list[SurveyGroup]
    items: list[SurveyItemCounts]
    before: stats.MeanInterval  # over the pairs: the scale score at the start
    after: stats.MeanInterval  # and at closure
    change: stats.MeanInterval  # the paired difference (closure minus start) with its t interval
    comments: list[tuple[str, str]] = field(default_factory=list)  # (when asked, the words): managers only


@dataclass
class SurveyReport:
    instruments: list[SurveyInstrumentFigures]
    comments_shown: bool


def survey_offered_cases(*, closed_from: date | None = None, closed_to: date | None = None) -> QuerySet[Case]:
    """The cases offered an ending survey: the person agreed to take part and the case closed (completed, breached or
    withdrawn), on a day in the period. A victim survey is offered only where the crime records a victim."""
    cases = Case.objects.filter(first_contact__answer=FirstContact.Answer.ACCEPTED, closed_at__isnull=False,
                                status__in=[status for status, _ in SURVEY_OUTCOMES])
    if closed_from:
        cases = cases.filter(closed_at__gte=day_start(closed_from))
    if closed_to and closed_to < date.max:  # the last day there is bounds nothing (and has no day after it)
        cases = cases.filter(closed_at__lt=day_start(closed_to + timedelta(days=1)))
    return cases.annotate(has_victim=Exists(Victim.objects.filter(crime__case=OuterRef("pk"))))


def _offered_responses(cases: QuerySet[Case]) -> QuerySet[SurveyResponse]:
    """The questionnaires (at the start and at closure) of the cases offered, each counted for the respondent it asks:
    a victim's only where the case records a victim."""
    victim = Exists(Victim.objects.filter(crime__case=OuterRef("case_id")))
    return (SurveyResponse.objects.filter(case__in=cases.values("pk")).annotate(victim_recorded=victim)
            .filter(Q(instrument__respondent=SurveyInstrument.Respondent.PERSON) | Q(victim_recorded=True)))


def survey_report(*, user, closed_from: date | None = None, closed_to: date | None = None,
                  with_comments: bool = False) -> SurveyReport:
    """Each questionnaire's ending-survey figures for the cases closed in the period. Five queries, whatever the number
    of cases: the cases offered (grouped), one row per response with its scale score, the answers' counts by item and
    score, the instruments, and (for a manager) the comments of the cases they may see, without the case."""
    cases = survey_offered_cases(closed_from=closed_from, closed_to=closed_to)
    offered = list(cases.values("route", "status", "has_victim").annotate(n=Count("pk")))
    responses = _offered_responses(cases)
    rows = list(responses.values("case_id", "instrument_id", "timing", route=F("case__route"), status=F("case__status"))
                .annotate(score=Avg("answers__score")))
    item_counts = list(SurveyAnswer.objects.filter(response__in=responses.filter(timing=SurveyResponse.Timing.END).values("pk"))
                       .values("response__instrument_id", "item_code", "score").annotate(n=Count("pk")))
    with_rows = {row["instrument_id"] for row in rows}
    instruments = [i for i in SurveyInstrument.objects.all() if i.is_current or i.pk in with_rows]
    comments: dict[int, list[tuple[str, str]]] = {}
    if with_comments:
        timing = dict(SurveyResponse.Timing.choices)
        seen = responses.filter(case__in=dashboard_cases(user=user).values("pk")).exclude(comments="")
        for instrument_id, when, words in seen.order_by("instrument_id", "timing", "comments").values_list(
                "instrument_id", "timing", "comments"):
            comments.setdefault(instrument_id, []).append((str(timing[when]), words))
    figures = []
    for instrument in instruments:
        victim = instrument.respondent == SurveyInstrument.Respondent.VICTIM
        own_offered = [row for row in offered if row["has_victim"] or not victim]
        own_rows = [row for row in rows if row["instrument_id"] == instrument.pk]
        figures.append(_instrument_figures(instrument, own_offered, own_rows,
                                           [row for row in item_counts if row["response__instrument_id"] == instrument.pk],
                                           comments.get(instrument.pk, [])))
    return SurveyReport(instruments=figures, comments_shown=with_comments)


def _survey_group(key: str, label: str, offered: int, ending: list[dict]) -> SurveyGroup:
    scores = [float(row["score"]) for row in ending if row["score"] is not None]
    return SurveyGroup(key=key, label=label, offered=offered, rate=stats.proportion_wilson(len(ending), offered),
                       score=stats.mean_t_interval(scores))


def _instrument_figures(instrument, offered: list[dict], rows: list[dict], item_counts: list[dict],
                        comments: list[tuple[str, str]]) -> SurveyInstrumentFigures:
    ending = [row for row in rows if row["timing"] == SurveyResponse.Timing.END]
    overall = _survey_group("all", "Everyone offered", sum(row["n"] for row in offered), ending)
    routes: dict[str, str] = {}
    for row in offered + ending:
        key, label = _category("route", row["route"])
        routes[key] = label
    by_route = [_survey_group(key, label, sum(row["n"] for row in offered if _category("route", row["route"])[0] == key),
                              [row for row in ending if _category("route", row["route"])[0] == key])
                for key, label in sorted(routes.items(), key=lambda item: item[1])]
    by_outcome = [_survey_group(status, label, sum(row["n"] for row in offered if row["status"] == status),
                                [row for row in ending if row["status"] == status]) for status, label in SURVEY_OUTCOMES]
    tally = {(row["item_code"], row["score"]): row["n"] for row in item_counts}
    items = [SurveyItemCounts(code=item["code"], text=item["text"],
                              counts=[tally.get((item["code"], score), 0) for score in range(1, 6)],
                              not_answered=tally.get((item["code"], None), 0)) for item in instrument.items]
    start = {row["case_id"]: float(row["score"]) for row in rows
             if row["timing"] == SurveyResponse.Timing.START and row["score"] is not None}
    pairs = [(start[row["case_id"]], float(row["score"])) for row in ending
             if row["case_id"] in start and row["score"] is not None]
    return SurveyInstrumentFigures(
        instrument=instrument, overall=overall, by_route=by_route, by_outcome=by_outcome, items=items,
        before=stats.mean_t_interval([b for b, _ in pairs]), after=stats.mean_t_interval([a for _, a in pairs]),
        change=stats.mean_t_interval([a - b for b, a in pairs]), comments=comments)


# --- The figures kept with a published run -----------------------------------------------------------------
# Computing a report at force size takes seconds (the bootstrap, Kaplan-Meier): a published run's figures never
# change, so each set (measure, filters, breakdown) is computed once and kept with the run as JSON (ReportChart, key
# "figures:..."), like its charts. The doubtful matches waiting are counted afresh each time.


def report_figures_dump(report: CohortReport, trend: list[TrendQuarter]) -> bytes:
    import json
    from dataclasses import asdict

    data = {
        "months": report.months, "groups": [asdict(g) for g in report.groups],
        "comparisons": [[label, a.key, b.key, asdict(c) if c else None] for label, a, b, c in report.comparisons],
        "breakdown": asdict(report.breakdown) if report.breakdown else None,
        "not_yet_at_follow_up": report.not_yet_at_follow_up, "trend": [asdict(q) for q in trend],
    }
    return json.dumps(data).encode()


def report_figures_load(raw: bytes, *, run: ReoffendingCheckRun, definition) -> tuple[CohortReport, list[TrendQuarter]]:
    import json

    data = json.loads(raw)

    def proportion(p):
        return stats.Proportion(**p)

    def group(g):
        return GroupFigures(
            key=g["key"], label=g["label"], reoffending=proportion(g["reoffending"]),
            reoffences_per_100=g["reoffences_per_100"], harm_after=stats.MeanInterval(**g["harm_after"]),
            harm_before=stats.MeanInterval(**g["harm_before"]), harm_change=stats.MeanInterval(**g["harm_change"]),
            censored=g["censored"], survival=[stats.SurvivalPoint(**p) for p in g["survival"]], events=g["events"],
            people=g.get("people", 0), withheld=g.get("withheld", g["key"] == "started"))  # kept before the rule: safe

    groups = [group(g) for g in data["groups"]]
    by_key = {g.key: g for g in groups}
    comparisons = [(label, by_key[a], by_key[b], stats.Comparison(**c) if c else None)
                   for label, a, b, c in data["comparisons"]]
    breakdown = None
    if data["breakdown"]:
        b = data["breakdown"]
        rows = [BreakdownRow(**{**row, "started": proportion(row["started"]), "declined": proportion(row["declined"]),
                                "comparison": stats.Comparison(**row["comparison"]) if row["comparison"] else None})
                for row in b["rows"]]
        breakdown = Breakdown(key=b["key"], label=b["label"], rows=rows, reference=b["reference"], protected=b["protected"])
    trend = [TrendQuarter(label=q["label"], starts=q["starts"], completion=proportion(q["completion"]),
                          breach=proportion(q["breach"]), reoffending=proportion(q["reoffending"])) for q in data["trend"]]
    report = CohortReport(run=run, definition=definition, months=data["months"], groups=groups, comparisons=comparisons,
                          breakdown=breakdown, waiting_matches=person_matches_waiting().count(),
                          not_yet_at_follow_up=data["not_yet_at_follow_up"])
    return report, trend



# --- Time to first reoffence -------------------------------------------------------------------------------


def time_to_reoffence_rows(*, results: QuerySet[ReoffendingResult]) -> list[dict]:
    """The rows the time-to-reoffence page reads: each result's group, time and event, and the baseline the Cox model
    adjusts for. One query."""
    return list(results.values(
        "status", "first_contact_answer", "reached_follow_up", "reoffended", "start_date", "first_offence_date",
        "observed_days", "age", "sex", previous_offences=F("case__baseline__previous_offences"),
        crime_subgroups=F("case__baseline__crime_subgroups"),
    ))


def randomised_trials(*, results: QuerySet[ReoffendingResult]) -> list[list]:
    """[trial name, people] for each live trial that randomised people counted in `results`. Read through the case's
    allocations by name: the trials app uses the evaluation, never the other way round."""
    from django.apps import apps

    if not apps.is_installed("trials"):
        return []
    rows = (Case.objects.filter(pk__in=results.values("case_id"), trial_allocations__is_live=True)
            .values("trial_allocations__trial__name").annotate(people=Count("pk", distinct=True))
            .order_by("trial_allocations__trial__name"))
    return [[row["trial_allocations__trial__name"], row["people"]] for row in rows]


def time_to_reoffence_figures(*, results: QuerySet[ReoffendingResult], months: int):
    """Every figure of the time-to-reoffence page (evaluation/survival.py), for the cohort report's groups and
    comparisons. Two queries."""
    from evaluation import survival

    subjects = [survival.subject_from_row(row, _group_of(row)) for row in time_to_reoffence_rows(results=results)]
    return survival.time_to_reoffence(subjects=subjects, months=months, groups=GROUPS, comparisons=COMPARISONS,
                                      randomised=randomised_trials(results=results))
