"""Time to first reoffence (issue 18, point 5): Kaplan-Meier curves by group, the log-rank test between the groups the
cohort report compares, and a Cox proportional hazards model adjusted for the stored baseline where the numbers allow.

Pure functions of rows (no database); lifelines, pandas and matplotlib are imported inside the functions that use
them (a worker must start in under 3 seconds). The figures are computed once per published run and filters and kept
with the run as JSON (`ReportChart`, like the cohort report's); disclosure control is applied when they are shown
(`survival_tables`, `survival_chart`), so a change of threshold applies to figures already kept.

- **Time**: days from the measure's start point to the first reoffence that counts (an event), or to the end of what
  was observed (censored): the end of the follow-up window, or the as-at date when that comes first.
- **Groups**: the cohort report's (`selectors.GROUPS`); the log-rank test and the Cox model compare the pairs it
  compares (`selectors.COMPARISONS`). "All who started" contains the completed and the breached.
- **Cox model**: the group, adjusted for age on the offence date, sex, previous offences and offence group (the Home
  Office crime subgroup of the case's first offence), from the case's baseline. Shown only with at least
  `EVENTS_PER_PARAMETER` reoffences for each parameter it estimates; otherwise the page says why.
"""

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from evaluation import disclosure
from evaluation.tables import Column, Figure, FigureTable, text

DAYS_PER_MONTH = 365.25 / 12
# The months the survival table reads (and the measure's own follow-up when it is longer).
MILESTONE_MONTHS = (3, 6, 12)
# Peduzzi et al. (1995): fewer than 10 events for each parameter estimated gives unreliable hazard ratios.
EVENTS_PER_PARAMETER = 10
# A category (of sex, or offence group) with fewer people than this is counted with the others too small, and those
# with the largest category: a hazard ratio for a handful of people is noise.
SMALLEST_CATEGORY = 10
OTHER_OFFENCES = "Other offence groups"
COVARIATES_USED = ("age on the offence date (years)", "sex", "previous offences (the baseline's count)",
                   "offence group (the Home Office crime subgroup of the case's first offence)")


def milestone_days(months: int) -> int:
    return round(months * DAYS_PER_MONTH)


def milestones_for(follow_up_months: int) -> list[int]:
    """The months at which the table reads the curves: 3, 6 and 12, within the follow-up, and the follow-up itself."""
    chosen = [m for m in MILESTONE_MONTHS if m <= follow_up_months]
    if follow_up_months not in chosen:
        chosen.append(follow_up_months)
    return chosen


@dataclass(slots=True)  # a million of them at national size: made without frozen's per-field setattr
class Subject:
    """One person under the measure: their groups, time and event, and their baseline (None where not recorded)."""

    groups: tuple[str, ...]
    days: int
    reoffended: bool
    before_end: bool  # censored before the end of the follow-up (not yet at follow-up)
    age: int | None = None
    sex: str | None = None
    previous_offences: int | None = None
    offence_group: str | None = None


def subject_from_row(row: dict, groups: list[str]) -> Subject:
    """A row of `selectors.time_to_reoffence_rows` as a subject: the time is to the first reoffence, else to the end
    of what was observed (the window's end, or the as-at date when it comes first: `observed_days`)."""
    reoffended = bool(row["reoffended"]) and row["first_offence_date"] is not None
    days = (row["first_offence_date"] - row["start_date"]).days if reoffended else row["observed_days"]
    subgroups = row.get("crime_subgroups") or []
    return Subject(groups=tuple(groups), days=int(days), reoffended=reoffended,
                   before_end=not reoffended and not row["reached_follow_up"], age=row.get("age"), sex=row.get("sex"),
                   previous_offences=row.get("previous_offences"),
                   offence_group=subgroups[0] if isinstance(subgroups, list) and subgroups else None)


@dataclass
class Milestone:
    months: int
    day: int
    survival: float | None  # None: nobody was still followed that long
    low: float | None
    high: float | None
    at_risk: int


@dataclass
class Curve:
    key: str
    label: str
    people: int
    events: int
    censored_before_end: int
    # (day, share not yet reoffended, 95% low, 95% high, people at risk), at day 0 and each day something happened.
    points: list[list] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    # Withheld whole: shown beside the curves inside it, it would give back a small group (curve_enclosing_withheld).
    withheld: bool = False


@dataclass
class LogRank:
    label: str
    first: str
    second: str
    statistic: float | None
    p_value: float | None


@dataclass
class Term:
    name: str
    hazard_ratio: float
    low: float
    high: float
    p_value: float


@dataclass
class CoxModel:
    label: str
    first: str
    second: str
    people: int
    events: int
    parameters: int
    reason: str = ""  # why it is not shown; empty when it is
    unadjusted: Term | None = None
    adjusted: Term | None = None  # the group's hazard ratio, adjusted
    terms: list[Term] = field(default_factory=list)  # every adjusted term, the group's first
    left_out: int = 0  # people without a baseline

    @property
    def short_reason(self) -> str:
        """Why it is not shown, in a table's cell."""
        if not self.reason:
            return ""
        if self.parameters and self.events < EVENTS_PER_PARAMETER * self.parameters:
            return f"Adjusted model not shown: {self.events} reoffences, {EVENTS_PER_PARAMETER * self.parameters} needed"
        return self.reason


@dataclass
class TimeToReoffence:
    months: int
    curves: list[Curve]
    log_rank: list[LogRank]
    cox: list[CoxModel]
    not_yet_at_follow_up: int = 0
    randomised: list[list] = field(default_factory=list)  # [trial name, people] of the live trials among these people
    people: int = 0

    @property
    def curve(self) -> dict[str, Curve]:
        return {c.key: c for c in self.curves}

    def dump(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def load(cls, raw: bytes) -> "TimeToReoffence":
        data = json.loads(raw)

        def term(t):
            return Term(**t) if t else None

        # Figures kept before the enclosing-group rule: "All who started" withheld, to be safe.
        curves = [Curve(**{"withheld": c["key"] == "started", **c, "milestones": [Milestone(**m) for m in c["milestones"]]})
                  for c in data["curves"]]
        cox = [CoxModel(**{**m, "unadjusted": term(m["unadjusted"]), "adjusted": term(m["adjusted"]),
                           "terms": [Term(**t) for t in m["terms"]]}) for m in data["cox"]]
        return cls(months=data["months"], curves=curves, log_rank=[LogRank(**r) for r in data["log_rank"]], cox=cox,
                   not_yet_at_follow_up=data["not_yet_at_follow_up"], randomised=data["randomised"], people=data["people"])


# --- Computing ------------------------------------------------------------------------------------------------


def kaplan_meier_curve(days: list[int], events: list[bool]) -> list[list]:
    """[day, survival, 95% low, 95% high, at risk] at day 0 and each day someone reoffended or was censored (lifelines:
    the product-limit estimate, with the exponential Greenwood (log(-log)) interval)."""
    from lifelines import KaplanMeierFitter

    from evaluation.statistics import tied

    if not days:
        return []
    durations, observed, weights = tied(days, events)  # the same event table, each tie once with its weight
    fitter = KaplanMeierFitter().fit(durations, event_observed=observed, weights=weights)
    survival = fitter.survival_function_.iloc[:, 0]
    interval = fitter.confidence_interval_survival_function_
    at_risk = fitter.event_table["at_risk"]
    points = []
    for day in survival.index:
        low, high = interval.loc[day].iloc[0], interval.loc[day].iloc[1]
        points.append([int(day), float(survival.loc[day]), _number(low), _number(high), int(at_risk.loc[day])])
    return points


def _number(value) -> float | None:
    value = float(value)
    return None if value != value else value  # NaN: no interval (nobody left)


def milestone_at(points: list[list], days: list[int], months: int) -> Milestone:
    """The curve read at `months` (a step function: its value at the last day on or before it), with the number still
    followed that long (at risk: their time reaches it). None past the last day anyone was followed."""
    day = milestone_days(months)
    at_risk = sum(1 for d in days if d >= day)
    if not points or at_risk == 0:
        return Milestone(months, day, None, None, None, at_risk)
    value = low = high = None
    for point in points:
        if point[0] > day:
            break
        _, value, low, high, _ = point
    return Milestone(months, day, value, low, high, at_risk)


def curve_of(key: str, label: str, subjects: list[Subject], months: int) -> Curve:
    days = [s.days for s in subjects]
    events = [s.reoffended for s in subjects]
    points = kaplan_meier_curve(days, events)
    return Curve(key=key, label=label, people=len(subjects), events=sum(events),
                 censored_before_end=sum(1 for s in subjects if s.before_end), points=points,
                 milestones=[milestone_at(points, days, m) for m in milestones_for(months)])


def log_rank(first: list[Subject], second: list[Subject], label: str, first_key: str, second_key: str) -> LogRank:
    """The log-rank test (lifelines) of no difference between two groups' curves; None when a group is empty or
    nobody in either reoffended."""
    from lifelines.statistics import logrank_test

    from evaluation.statistics import tied

    if not first or not second or not any(s.reoffended for s in first + second):
        return LogRank(label, first_key, second_key, None, None)
    # Each (day, event) once, weighted by how many share it: the same table of events and people at risk.
    days_a, events_a, weights_a = tied([s.days for s in first], [s.reoffended for s in first])
    days_b, events_b, weights_b = tied([s.days for s in second], [s.reoffended for s in second])
    result = logrank_test(days_a, days_b, event_observed_A=events_a, event_observed_B=events_b, weights_A=weights_a,
                          weights_B=weights_b)
    return LogRank(label, first_key, second_key, float(result.test_statistic), float(result.p_value))


def _categories(values: list[str], other: str) -> dict[str, str]:
    """Each value's category in the model: itself, or `other` when fewer than SMALLEST_CATEGORY people have it (and
    `other` joins the largest when it is itself too small)."""
    counts = Counter(values)
    largest = counts.most_common(1)[0][0] if counts else ""
    small = {v for v, n in counts.items() if n < SMALLEST_CATEGORY}
    pooled = sum(counts[v] for v in small)
    target = other if pooled >= SMALLEST_CATEGORY else largest
    return {v: (target if v in small else v) for v in counts}


def cox_model(first: list[Subject], second: list[Subject], label: str, first_key: str, second_key: str,
              first_label: str) -> CoxModel:
    """The first group's hazard of reoffending against the second's (lifelines' CoxPHFitter, Efron's ties), without
    and with the baseline; each fitted only with EVENTS_PER_PARAMETER reoffences per parameter it estimates (the group
    alone has one)."""
    import warnings

    import pandas as pd
    from lifelines import CoxPHFitter

    everyone = [(1, s) for s in first] + [(0, s) for s in second]
    with_baseline = [(g, s) for g, s in everyone if s.age is not None and s.sex and s.previous_offences is not None]
    left_out = len(everyone) - len(with_baseline)
    events = sum(1 for _, s in with_baseline if s.reoffended)
    model = CoxModel(label=label, first=first_key, second=second_key, people=len(with_baseline), events=events,
                     parameters=0, left_out=left_out)
    if not first or not second:
        model.reason = "One of the groups has nobody in it."
        return model
    sexes = _categories([s.sex for _, s in with_baseline], "Other or not known")
    offences = _categories([s.offence_group or "Not known" for _, s in with_baseline], OTHER_OFFENCES)
    frame = pd.DataFrame({
        "days": [s.days for _, s in with_baseline], "event": [int(s.reoffended) for _, s in with_baseline],
        "group": [g for g, _ in with_baseline], "age": [s.age for _, s in with_baseline],
        "previous_offences": [s.previous_offences for _, s in with_baseline],
        "sex": [sexes[s.sex] for _, s in with_baseline],
        "offence_group": [offences[s.offence_group or "Not known"] for _, s in with_baseline],
    })
    names = {"group": f"{first_label} (against the second group)", "age": "Age (per year)",
             "previous_offences": "Previous offences (per offence)"}
    design = frame[["days", "event", "group", "age", "previous_offences"]].copy()
    for column, title in (("sex", "Sex"), ("offence_group", "Offence group")):
        reference = frame[column].value_counts().index[0] if len(frame) else ""
        for level in sorted(set(frame[column]) - {reference}):
            key = f"{column}={level}"
            design[key] = (frame[column] == level).astype(int)
            names[key] = f"{title}: {level} (against {reference})"
    # A covariate with one value in this comparison carries nothing to estimate.
    covariates = [c for c in design.columns if c not in ("days", "event") and design[c].nunique() > 1]
    model.parameters = len(covariates) if "group" in covariates else len(covariates) + 1

    def fit(columns):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a model that does not converge is not shown
            return CoxPHFitter().fit(design[["days", "event", *columns]], "days", "event")

    def terms(fitter, columns):
        summary = fitter.summary
        return [Term(names[c], float(summary.loc[c, "exp(coef)"]), float(summary.loc[c, "exp(coef) lower 95%"]),
                     float(summary.loc[c, "exp(coef) upper 95%"]), float(summary.loc[c, "p"])) for c in columns]

    # The group alone: one parameter, so it needs EVENTS_PER_PARAMETER reoffences.
    if events >= EVENTS_PER_PARAMETER and "group" in covariates:
        try:
            model.unadjusted = terms(fit(["group"]), ["group"])[0]
        except Exception:  # lifelines' ConvergenceError and ConvergenceWarning, a singular matrix
            model.unadjusted = None
    if events < EVENTS_PER_PARAMETER * model.parameters:
        model.reason = (f"Not shown: {events} reoffences among the {len(with_baseline)} people compared, and the model "
                        f"estimates {model.parameters} parameters, which needs at least "
                        f"{EVENTS_PER_PARAMETER * model.parameters} ({EVENTS_PER_PARAMETER} for each).")
        return model
    try:
        adjusted = fit(covariates)
    except Exception as error:  # as above
        model.reason = f"Not shown: the model could not be fitted reliably ({type(error).__name__})."
        return model
    model.terms = terms(adjusted, covariates)
    model.adjusted = model.terms[0]
    return model


def time_to_reoffence(*, subjects: list[Subject], months: int, groups: list[tuple[str, str]],
                      comparisons: list[tuple[str, str, str]], randomised: list[list] | None = None) -> TimeToReoffence:
    """Every figure of the page from the subjects: each group's curve, and for each pair compared the log-rank test and
    the Cox model."""
    labels = dict(groups)
    by_group = {key: [s for s in subjects if key in s.groups] for key, _ in groups}
    curves = [curve_of(key, label, by_group[key], months) for key, label in groups]
    by_key = {curve.key: curve for curve in curves}
    for enclosing, inside in ENCLOSING.items():
        if enclosing in by_key:
            by_key[enclosing].withheld = curve_enclosing_withheld(by_key[enclosing], [by_key[k] for k in inside if k in by_key])
    return TimeToReoffence(
        months=months, curves=curves,
        log_rank=[log_rank(by_group[a], by_group[b], label, a, b) for label, a, b in comparisons],
        cox=[cox_model(by_group[a], by_group[b], label, a, b, labels[a]) for label, a, b in comparisons],
        not_yet_at_follow_up=sum(1 for s in subjects if s.before_end), randomised=randomised or [],
        people=len(subjects),
    )


# --- Showing, disclosure control applied --------------------------------------------------------------------------


# Groups made of others (and of people in no group shown): all who started holds those who completed and breached.
ENCLOSING = {"started": ("completed", "breached")}


def curve_enclosing_withheld(enclosing: Curve, inside: list[Curve]) -> bool:
    """Whether the enclosing group's curve, beside the curves inside it that are shown, would give back a small group
    by subtraction: its people and reoffences, its censored, or its people at risk at a milestone
    (disclosure.enclosing_withheld, the rule the cohort report's groups follow too)."""
    if disclosure.curve_hidden(enclosing.people, enclosing.events):
        return False  # hidden already
    shown = [curve for curve in inside if not curve_hidden(curve)]

    def as_shown(number: int) -> int | None:
        return None if _small(number) else number

    at_risk = [(milestone.at_risk, [as_shown(c.milestones[i].at_risk) for c in shown if i < len(c.milestones)])
               for i, milestone in enumerate(enclosing.milestones)]
    return disclosure.enclosing_withheld(
        pairs=[((enclosing.events, enclosing.people), [(c.events, c.people) for c in shown])],
        counts=[(enclosing.censored_before_end, [as_shown(c.censored_before_end) for c in shown]), *at_risk])


def curve_hidden(curve: Curve) -> str:
    """What stands for a group's curve when it is not drawn or tabulated (empty when it is): the group rule of
    disclosure.py, or withheld as an enclosing group."""
    return disclosure.WITHHELD if curve.withheld else disclosure.curve_hidden(curve.people, curve.events)


def groups_table(figures: TimeToReoffence) -> FigureTable:
    """Each group: the people followed, those who reoffended, and those censored before the end of the follow-up."""
    rows = []
    for curve in figures.curves:
        hidden = curve_hidden(curve)
        rows.append([text(curve.label), Figure(curve.people, "count", hidden), Figure(curve.events, "count", hidden),
                     Figure(curve.censored_before_end, "count", hidden or _small(curve.censored_before_end))])
    return FigureTable("groups", "People followed, by group", [
        Column("Group", ("group",), False), Column("People", ("people",)), Column("Reoffended", ("reoffended",)),
        Column("Censored before the end of follow-up", ("censored_before_end",))], rows)


def kaplan_meier_table(figures: TimeToReoffence) -> FigureTable:
    """Each group at each milestone: the people still at risk, and the share not yet reoffending with its interval.
    A group whose curve is hidden shows nothing; a milestone with fewer people at risk than the threshold shows no
    share (one person's reoffence would move it by more than a tenth)."""
    rows = []
    for curve in figures.curves:
        hidden = curve_hidden(curve)
        for milestone in curve.milestones:
            at_risk = hidden or _small(milestone.at_risk)
            rows.append([text(curve.label), text(f"{milestone.months} months"), Figure(milestone.at_risk, "count", at_risk),
                         Figure(milestone.survival, "percent", at_risk),
                         Figure((milestone.low, milestone.high), "interval_percent", at_risk)])
    return FigureTable("kaplan-meier", "Share not yet reoffending (Kaplan-Meier), with the numbers at risk", [
        Column("Group", ("group",), False), Column("Time since the start", ("months",), False),
        Column("At risk", ("at_risk",)), Column("Not yet reoffended", ("survival",)),
        Column("95% interval (log-log)", ("low", "high"), False)], rows)


def _small(number: int) -> str:
    """"fewer than 10" for a count below the threshold; empty when it is shown."""
    shown = disclosure.cell(number)
    return "" if shown.shown else shown.text


def _pair_hidden(figures: TimeToReoffence, first: str, second: str) -> str:
    curves = figures.curve
    hidden = [curve_hidden(curves[k]) for k in (first, second)]
    return next((h for h in hidden if h), "")


def log_rank_table(figures: TimeToReoffence) -> FigureTable:
    rows = []
    curves = figures.curve
    for test in figures.log_rank:
        hidden = _pair_hidden(figures, test.first, test.second)
        rows.append([text(test.label), Figure(curves[test.first].events, "count", hidden),
                     Figure(curves[test.second].events, "count", hidden),
                     Figure(test.statistic, "number", hidden, 2), Figure(test.p_value, "p", hidden)])
    return FigureTable("log-rank", "Log-rank tests of no difference between the curves (first group against the second)", [
        Column("Comparison", ("comparison",), False), Column("Reoffended (first group)", ("events_first",)),
        Column("Reoffended (second group)", ("events_second",)), Column("Chi-square (1 df)", ("chi_square",)),
        Column("p-value", ("p_value",))], rows)


def cox_rule_table(figures: TimeToReoffence) -> FigureTable:
    """Whether each comparison's model is shown, and why: the reoffences it has against those its parameters need."""
    rows = []
    for model in figures.cox:
        hidden = _pair_hidden(figures, model.first, model.second)
        rows.append([text(model.label), Figure(model.people, "count", hidden), Figure(model.events, "count", hidden),
                     Figure(model.parameters, "count"), Figure(EVENTS_PER_PARAMETER * model.parameters, "count"),
                     text(hidden or model.short_reason or "Shown")])
    return FigureTable("cox-rule", "Whether each Cox model is shown", [
        Column("Comparison", ("comparison",), False), Column("People", ("people",)), Column("Reoffended", ("reoffended",)),
        Column("Parameters", ("parameters",)), Column("Reoffences needed", ("needed",)),
        Column("Shown", ("shown",), False)], rows)


def cox_table(figures: TimeToReoffence) -> FigureTable:
    """Each comparison's hazard ratio, unadjusted and adjusted for the baseline ("not shown" where the rule withholds
    the model: `cox_rule_table` says why)."""
    rows = []
    for model in figures.cox:
        hidden = _pair_hidden(figures, model.first, model.second)
        missing = hidden or ("not shown" if model.reason else "")
        u, a = model.unadjusted, model.adjusted
        rows.append([
            text(model.label),
            Figure(u.hazard_ratio if u else None, "number", hidden or ("" if u else "not shown"), 2),
            Figure((u.low, u.high) if u else None, "interval_number", hidden or ("" if u else "not shown"), 2),
            Figure(a.hazard_ratio if a else None, "number", missing, 2),
            Figure((a.low, a.high) if a else None, "interval_number", missing, 2),
            Figure(a.p_value if a else None, "p", missing),
        ])
    return FigureTable("cox", "Hazard ratio of reoffending (Cox proportional hazards), first group against the second", [
        Column("Comparison", ("comparison",), False), Column("Hazard ratio (unadjusted)", ("hr_unadjusted",)),
        Column("95% interval", ("unadjusted_low", "unadjusted_high"), False),
        Column("Hazard ratio (adjusted)", ("hr_adjusted",)), Column("95% interval", ("adjusted_low", "adjusted_high"), False),
        Column("p-value (adjusted)", ("p_adjusted",))], rows)


def cox_terms_tables(figures: TimeToReoffence) -> list[FigureTable]:
    """Every term of each adjusted model that is shown (the group's hazard ratio and each covariate's)."""
    made = []
    for model in figures.cox:
        if model.reason or _pair_hidden(figures, model.first, model.second):
            continue
        rows = [[text(t.name), Figure(t.hazard_ratio, "number", "", 2), Figure((t.low, t.high), "interval_number", "", 2),
                 Figure(t.p_value, "p")] for t in model.terms]
        made.append(FigureTable(f"cox-{model.first}-{model.second}", f"{model.label}: the adjusted model", [
            Column("Term", ("term",), False), Column("Hazard ratio", ("hazard_ratio",)),
            Column("95% interval", ("low", "high"), False), Column("p-value", ("p_value",))], rows))
    return made


def survival_tables(figures: TimeToReoffence) -> dict[str, FigureTable]:
    """The page's tables, by key (the CSV's name)."""
    return {"groups": groups_table(figures), "kaplan-meier": kaplan_meier_table(figures), "log-rank": log_rank_table(figures),
            "cox": cox_table(figures), "cox-rule": cox_rule_table(figures)}


def survival_chart(figures: TimeToReoffence, definition: list[tuple[str, str]]) -> bytes:
    """The Kaplan-Meier curves of the groups shown (with their 95% bands, "All who started" dashed, without one), each
    stopped where fewer people than the threshold are still at risk; the numbers at risk at the start and each
    milestone under it, and the definition under those."""
    from evaluation import charts

    plt = charts.pyplot()
    colours = {curve.key: charts.COLOURS[i % len(charts.COLOURS)] for i, curve in enumerate(figures.curves)}
    shown = [c for c in figures.curves if not curve_hidden(c) and c.points]
    hidden = [charts._short(c.label) for c in figures.curves if curve_hidden(c)]
    figure, (axes, risk) = plt.subplots(2, 1, figsize=(7.2, 4.2 + 0.18 * len(shown)),
                                        gridspec_kw={"height_ratios": [4, 0.6 + 0.25 * len(shown)], "hspace": 0.35})
    months = milestones_for(figures.months)
    ticks = [0] + [milestone_days(m) for m in months]
    limit = disclosure.threshold()
    for curve in shown:
        points = [p for p in curve.points if p[4] >= limit]
        if not points:
            continue
        days = [p[0] for p in points]
        started = curve.key == "started"
        axes.step(days, [100 * p[1] for p in points], where="post", color=colours[curve.key],
                  linestyle="--" if started else "-", label=charts._short(curve.label))
        if not started:
            axes.fill_between(days, [100 * (p[2] if p[2] is not None else p[1]) for p in points],
                              [100 * (p[3] if p[3] is not None else p[1]) for p in points], step="post",
                              color=colours[curve.key], alpha=0.12, linewidth=0)
    axes.set_xlim(0, ticks[-1])
    axes.set_ylim(0, 101)
    axes.set_xticks(ticks, ["Start"] + [f"{m} months" for m in months])
    axes.set_ylabel("Not yet reoffended (%)")
    axes.set_title("Time to first reoffence (Kaplan-Meier), by group, with 95% bands", fontsize=10, loc="left")
    if axes.get_legend_handles_labels()[0]:
        axes.legend(frameon=False, loc="lower left", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    # The numbers at risk, in columns under the axis's ticks, a row for each group shown.
    risk.set_xlim(0, ticks[-1])
    risk.set_ylim(-len(shown) - 0.5, 0.5)
    risk.axis("off")
    risk.text(0, 0.4, f"Number at risk (each curve stops where fewer than {limit} people are still at risk)", fontsize=8,
              ha="left", va="bottom", fontweight="bold")
    for row, curve in enumerate(shown, start=1):
        risk.text(-0.04 * ticks[-1], -row, charts._short(curve.label), fontsize=7, ha="right", va="center",
                  color=colours[curve.key])
        counts = [disclosure.cell(curve.people).text] + [disclosure.cell(m.at_risk).text for m in curve.milestones]
        for tick, value in zip(ticks, counts):
            risk.text(tick, -row, value, fontsize=7, ha="center", va="center", color=colours[curve.key])
    charts._footnote(risk, definition, hidden)
    return charts._svg(figure)
