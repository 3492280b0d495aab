"""Every table of figures the evaluation shows or exports, made once for the page and the CSV, suppression applied.

A table is a title, its columns and rows of `Figure`s. A figure knows how it reads on a page ("19.0%", "12.5% to
27.8%") and in a CSV cell (0.19; two cells for an interval), and what stands in its place when disclosure control
hides it ("fewer than 10", "withheld"). The page and the download read the same table, so nothing hidden on one
can leave through the other.
"""

from dataclasses import dataclass, field

from evaluation import disclosure
from evaluation import statistics as stats
from evaluation.templatetags.evaluation_format import NONE, number, p_value, percent


@dataclass(frozen=True)
class Figure:
    value: object = None
    kind: str = "text"  # text, count, percent, number, interval_percent, interval_number, p
    hidden: str = ""  # the text shown instead, when disclosure control hides the figure
    places: int = 1

    @property
    def html(self) -> str:
        if self.hidden:
            return self.hidden
        value = self.value
        if self.kind in ("interval_percent", "interval_number"):
            low, high = value if value else (None, None)
            if low is None or high is None:
                return NONE
            write = percent if self.kind == "interval_percent" else number
            return f"{write(low, self.places)} to {write(high, self.places)}"
        if self.kind == "percent":
            return percent(value, self.places)
        if self.kind == "number":
            return number(value, self.places)
        if self.kind == "p":
            return p_value(value)
        return NONE if value is None else str(value)

    @property
    def csv(self) -> list:
        """One CSV cell, or two for an interval (low, high)."""
        width = 2 if self.kind.startswith("interval") else 1
        if self.hidden:
            return [self.hidden] * width
        if width == 2:
            low, high = self.value if self.value else (None, None)
            return [_round(low, self.kind), _round(high, self.kind)]
        return [_round(self.value, self.kind)]


def _round(value, kind):
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 6 if kind == "p" else (4 if "percent" in kind else 2))
    return value


@dataclass(frozen=True)
class Column:
    name: str  # as the page heads it
    csv: tuple[str, ...]  # as the CSV heads it (two names for an interval)
    numeric: bool = True


@dataclass
class FigureTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Figure]]
    notes: list[str] = field(default_factory=list)

    @property
    def csv_rows(self) -> list[list]:
        header = [name for column in self.columns for name in column.csv]
        return [header] + [[cell for figure in row for cell in figure.csv] for row in self.rows]

    @property
    def suppressed(self) -> bool:
        return any(figure.hidden for row in self.rows for figure in row)


def text(value) -> Figure:
    return Figure(value, "text")


def count(cell: disclosure.Cell) -> Figure:
    return Figure(cell.value, "count", "" if cell.shown else cell.text)


def share_figures(proportion: stats.Proportion, shown: disclosure.Share, places: int = 1) -> list[Figure]:
    """People, count, share and interval of a proportion, as disclosure control allows."""
    return [
        count(shown.n), count(shown.count),
        Figure(proportion.value, "percent", shown.text, places),
        Figure((proportion.low, proportion.high), "interval_percent", shown.text, places),
    ]


SHARE_COLUMNS = [Column("People at follow-up", ("n",)), Column("Reoffended", ("reoffended",)), Column("Share", ("share",)),
                 Column("95% interval (Wilson)", ("wilson_low", "wilson_high"), numeric=False)]


def _hide_unless(shown: disclosure.Share | bool) -> str:
    """The text standing for a figure built on a share (a rate per 100, a mean, an interval) when the share is hidden."""
    if isinstance(shown, bool):
        return "" if shown else disclosure.fewer_than()
    return shown.text


# --- The cohort report ---------------------------------------------------------------------------------------


def group_share(g) -> disclosure.Share:
    """A cohort group's share reoffending as it may be shown: withheld whole when it would give back a small group."""
    shown = disclosure.share(g.reoffending.count, g.reoffending.n)
    return disclosure.withheld(shown) if g.withheld else shown


def _group_cell(g, value: int) -> disclosure.Cell:
    shown = disclosure.cell(value)
    return disclosure.Cell(value, shown.suppressed or disclosure.SECONDARY, shown.limit) if g.withheld else shown


def groups_table(report) -> FigureTable:
    rows = []
    for g in report.groups:
        shown = group_share(g)
        rows.append([text(g.label), *share_figures(g.reoffending, shown),
                     Figure(g.reoffences_per_100, "number", _hide_unless(shown)), count(_group_cell(g, g.censored))])
    return FigureTable("groups", f"Reoffending within {report.months} months, by group",
                       [Column("Group", ("group",), False), *SHARE_COLUMNS,
                        Column("Reoffences per 100 people", ("reoffences_per_100",)),
                        Column("Not yet at follow-up", ("censored",))], rows)


def comparisons_table(report) -> FigureTable:
    rows = []
    for label, first, second, c in report.comparisons:
        kinds = {group_share(g).suppressed for g in (first, second)} - {""}
        hidden = "" if not kinds else (disclosure.fewer_than() if disclosure.PRIMARY in kinds else disclosure.WITHHELD)
        if c is None:
            rows.append([text(label)] + [Figure(None, kind, hidden) for kind in
                                         ("number", "interval_percent", "number", "interval_number", "p", "text")])
            continue
        rows.append([text(label), Figure(c.risk_difference, "percent", hidden),
                     Figure((c.difference_low, c.difference_high), "interval_percent", hidden),
                     Figure(c.relative_risk, "number", hidden, 2), Figure((c.ratio_low, c.ratio_high), "interval_number", hidden, 2),
                     Figure(c.p_value, "p", hidden), Figure(c.test, "text", hidden)])
    return FigureTable("comparisons", "Difference and ratio of the shares reoffending (first group against the second)", [
        Column("Comparison", ("comparison",), False), Column("Risk difference", ("risk_difference",)),
        Column("95% interval (Newcombe)", ("difference_low", "difference_high"), False),
        Column("Relative risk", ("relative_risk",)), Column("95% interval", ("ratio_low", "ratio_high"), False),
        Column("p-value", ("p_value",)), Column("Test", ("test",), False)], rows)


def survival_table(report, days: list[int]) -> FigureTable:
    """Kaplan-Meier shares: a group's curve is shown only when the group and its reoffences both reach the threshold."""
    rows = []
    for g in report.groups:
        people = len(g.survival) and g.survival[0].at_risk
        hidden = disclosure.WITHHELD if g.withheld else disclosure.curve_hidden(people, g.events)
        rows.append([text(g.label)] + [Figure(g.survival_at(day), "percent", hidden) for day in days])
    return FigureTable("survival", "Share not yet reoffending (Kaplan-Meier), by days since the start",
                       [Column("Group", ("group",), False)] + [Column(f"Day {day}", (f"day_{day}",)) for day in days], rows)


def harm_table(report) -> FigureTable:
    """Mean harm: shown only when the group's share is (the harm after rests on the people who reoffended)."""
    rows = []
    for g in report.groups:
        hidden = _hide_unless(group_share(g))
        rows.append([text(g.label), count(_group_cell(g, g.harm_after.n)),
                     Figure(g.harm_before.mean, "number", hidden, 2), Figure(g.harm_after.mean, "number", hidden, 2),
                     Figure((g.harm_after.low, g.harm_after.high), "interval_number", hidden, 2),
                     Figure(g.harm_change.mean, "number", hidden, 2),
                     Figure((g.harm_change.low, g.harm_change.high), "interval_number", hidden, 2)])
    return FigureTable("harm", "Crime harm per person, in days", [
        Column("Group", ("group",), False), Column("People", ("n",)), Column("Before", ("harm_before_mean",)),
        Column("After", ("harm_after_mean",)), Column("95% interval (bootstrap)", ("after_low", "after_high"), False),
        Column("Change", ("change_mean",)), Column("95% interval (bootstrap)", ("change_low", "change_high"), False)], rows)


def breakdown_table(breakdown) -> FigureTable:
    """Each category among those who started and those who opted for court. The categories add up to each group, so
    each group's column is suppressed as a table: a hidden category cannot be worked out from the group's total."""
    started, _ = disclosure.suppress_shares([(r.started.count, r.started.n) for r in breakdown.rows])
    declined, _ = disclosure.suppress_shares([(r.declined.count, r.declined.n) for r in breakdown.rows])
    censored, _ = disclosure.suppress_counts([r.started_censored + r.declined_censored for r in breakdown.rows])
    rows = []
    for row, s, d, c in zip(breakdown.rows, started, declined, censored):
        rows.append([text(row.label), *share_figures(row.started, s), Figure(row.started_per_100, "number", s.text),
                     *share_figures(row.declined, d), count(c)])
    columns = [Column(breakdown.label, ("category",), False)]
    for who, prefix in (("started", "started"), ("opted for court", "court")):
        columns += [Column(f"{name} ({who})", tuple(f"{prefix}_{c}" for c in column.csv), column.numeric)
                    for name, column in zip(["People at follow-up", "Reoffended", "Share", "95% interval"], SHARE_COLUMNS)]
        if prefix == "started":
            columns.append(Column("Reoffences per 100 (started)", ("started_reoffences_per_100",)))
    columns.append(Column("Not yet at follow-up", ("censored",)))
    return FigureTable(f"breakdown-{breakdown.key}", f"Reoffending by {breakdown.label.lower()}", columns, rows)


def disparities_table(breakdown) -> FigureTable:
    """Among those who started: each category's share beside the reference category's, with the relative risk and the
    risk difference and their intervals (the Lammy Review's side-by-side comparison)."""
    started, _ = disclosure.suppress_shares([(r.started.count, r.started.n) for r in breakdown.rows])
    reference = next((i for i, r in enumerate(breakdown.rows) if r.label == breakdown.reference), None)
    rows = []
    for row, s in zip(breakdown.rows, started):
        c = row.comparison
        both = s.shown and reference is not None and started[reference].shown
        hidden = "" if both else (s.text or started[reference].text if reference is not None else disclosure.fewer_than())
        if row.label == breakdown.reference:
            rows.append([text(row.label), Figure(row.started.value, "percent", s.text),
                         Figure((row.started.low, row.started.high), "interval_percent", s.text),
                         text("reference"), text(""), text("reference"), text(""), text("")])
            continue
        rows.append([text(row.label), Figure(row.started.value, "percent", s.text),
                     Figure((row.started.low, row.started.high), "interval_percent", s.text),
                     Figure(c.risk_difference if c else None, "percent", hidden),
                     Figure((c.difference_low, c.difference_high) if c else None, "interval_percent", hidden),
                     Figure(c.relative_risk if c else None, "number", hidden, 2),
                     Figure((c.ratio_low, c.ratio_high) if c else None, "interval_number", hidden, 2),
                     Figure(c.p_value if c else None, "p", hidden)])
    return FigureTable(f"disparities-{breakdown.key}",
                       f"Disparities by {breakdown.label.lower()} among those who started, against {breakdown.reference}", [
        Column(breakdown.label, ("category",), False), Column("Share reoffending", ("share",)),
        Column("95% interval (Wilson)", ("wilson_low", "wilson_high"), False),
        Column("Difference from the reference", ("risk_difference",)),
        Column("95% interval (Newcombe)", ("difference_low", "difference_high"), False),
        Column("Relative risk", ("relative_risk",)), Column("95% interval", ("ratio_low", "ratio_high"), False),
        Column("p-value", ("p_value",))], rows)


def trend_table(trend) -> FigureTable:
    rows = []
    for q in trend:
        rows.append([text(q.label), count(disclosure.cell(q.starts))])
        for proportion in (q.completion, q.breach, q.reoffending):
            shown = disclosure.share(proportion.count, proportion.n)
            rows[-1] += [count(shown.n), Figure(proportion.value, "percent", shown.text),
                         Figure((proportion.low, proportion.high), "interval_percent", shown.text)]
    columns = [Column("Quarter", ("quarter",), False), Column("Starts", ("starts",))]
    for name, prefix, base in (("Completion", "completion", "Contracts ended"), ("Breach", "breach", "Cases closed"),
                               ("Reoffending", "reoffending", "At follow-up")):
        columns += [Column(base, (f"{prefix}_n",)), Column(name, (f"{prefix}_share",)),
                    Column("95% interval", (f"{prefix}_low", f"{prefix}_high"), False)]
    return FigureTable("trend", "By quarter: starts, completion, breach and reoffending", columns, rows)


# --- The outcomes dashboard -------------------------------------------------------------------------------


def dashboard_figures(dashboard) -> dict[str, Figure]:
    """The dashboard's headline figures as disclosure control allows."""
    completion = disclosure.share(dashboard.completed, dashboard.completed + dashboard.breached)
    closed = dashboard.completed + dashboard.breached + dashboard.withdrawn_after_starting
    returned = disclosure.share(closed - dashboard.breached, closed)
    engagement = disclosure.share(dashboard.referrals_engaged, dashboard.referrals_sent)
    return {
        "received": count(disclosure.cell(dashboard.received)),
        "active_contracts": count(disclosure.cell(dashboard.active_contracts)),
        "open_cases": count(disclosure.cell(dashboard.open_cases)),
        "completed": count(disclosure.cell(dashboard.completed)),
        "breached": count(disclosure.cell(dashboard.breached)),
        "completion_rate": Figure(dashboard.completion_rate, "percent", completion.text, 0),
        "not_returned": Figure(dashboard.not_returned_for_breach.value, "percent", returned.text, 0),
        "referrals_sent": count(engagement.n),
        "referral_engagement": Figure(dashboard.referral_engagement.value, "percent", engagement.text, 0),
        # A median over a handful of cases is one of them.
        "days_to_allocation": Figure(dashboard.days_to_allocation, "number",
                                     "" if disclosure.group_shown(dashboard.allocations_timed) else disclosure.fewer_than()),
        "days_to_contract": Figure(dashboard.days_to_contract, "number",
                                   "" if disclosure.group_shown(dashboard.contracts_timed) else disclosure.fewer_than()),
    }


def distance_table(distance) -> FigureTable:
    rows = []
    for name, change, people in distance:
        hidden = "" if disclosure.group_shown(people) else disclosure.fewer_than()
        rows.append([text(name), Figure(change, "number", hidden, 2), count(disclosure.cell(people))])
    return FigureTable("distance", "Mean reduction in need score (first to closing assessment)",
                       [Column("Need", ("need",), False), Column("Reduction", ("reduction",)), Column("People", ("people",))], rows)


def report_tables(report, trend, survival_days: list[int]) -> dict[str, FigureTable]:
    """Every table of the cohort report, by its key (the CSV's name); none before a run is published."""
    if report.run is None:
        return {}
    made = {"groups": groups_table(report), "comparisons": comparisons_table(report),
            "survival": survival_table(report, survival_days), "harm": harm_table(report), "trend": trend_table(trend)}
    if report.breakdown:
        made["breakdown"] = breakdown_table(report.breakdown)
        if report.breakdown.protected:
            made["disparities"] = disparities_table(report.breakdown)
    return made


# --- What every figure carries ----------------------------------------------------------------------------


def definition_lines(report, filters: list[tuple[str, str]], *, review_url: str = "") -> list[tuple[str, str]]:
    """The definition every reoffending figure carries, as (name, value): on the page, under each chart, at the top of
    each CSV. Empty before a run is published (there are no figures to define)."""
    run, definition = report.run, report.definition
    if run is None or definition is None:
        return []
    from evaluation.models import EventType

    events = ", ".join(str(EventType(event).label) for event in definition.event_types if event in EventType.values)
    waiting = (f"{definition.waiting_months} months after the follow-up for the outcome (caution or conviction) to be "
               f"recorded" if definition.waiting_months else "none: an event counts without waiting for its outcome")
    published_by = (run.published_by.get_full_name() or run.published_by.username) if run.published_by else "unknown"
    published = f"{run.published_at:%-d %B %Y} by {published_by}" if run.published_at else "not published"
    matches = f"{report.waiting_matches}"
    if report.waiting_matches:
        matches += " (they count only once confirmed" + (f": review them at {review_url})" if review_url else ")")
    return [
        ("definition", definition.name),
        ("start point", definition.get_start_point_display()),
        ("follow-up", f"{report.months} months"),
        ("events that count", events),
        ("waiting period", waiting),
        ("as at", run.as_of.isoformat()),
        ("published check run", f"{run.pk}"),
        ("published", published),
        ("harm weights", f"{run.weight_set}"),
        ("filters", "; ".join(f"{label}: {value}" for label, value in filters) or "none"),
        ("not yet at follow-up", disclosure.cell(report.not_yet_at_follow_up).text),
        ("doubtful matches waiting for review", matches),
        ("disclosure control", disclosure.rule_statement()),
    ]


# --- The survey report ------------------------------------------------------------------------------------------

SCORE_PLACES = 2


def survey_groups_table(figures, by: str) -> FigureTable:
    """Response rate and mean scale score by route or by outcome, with everyone offered last.

    The groups add up to everyone, so the responses and the rest are suppressed as a table (a hidden group cannot be
    worked out from the total); a group's mean score is shown only when its count of responses is, so the overall
    mean never gives one group's back either.
    """
    groups = figures.by_route if by == "route" else figures.by_outcome
    shares, overall = disclosure.suppress_shares([(g.rate.count, g.rate.n) for g in groups])
    rows = []
    for g, shown in [*zip(groups, shares), (figures.overall, overall)]:
        hidden_score = shown.count.text if not shown.count.shown else (
            "" if disclosure.group_shown(g.score.n) else disclosure.fewer_than())
        rows.append([text(g.label), count(shown.n), count(shown.count),
                     Figure(g.rate.value, "percent", shown.text),
                     Figure((g.rate.low, g.rate.high), "interval_percent", shown.text),
                     Figure(g.score.mean, "number", hidden_score, SCORE_PLACES),
                     Figure((g.score.low, g.score.high), "interval_number", hidden_score, SCORE_PLACES)])
    label = "Route" if by == "route" else "Outcome"
    instrument = figures.instrument
    return FigureTable(f"{instrument.code}-v{instrument.version}-by-{by}",
                       f"{instrument.name}: response rate and scale score by {label.lower()}", [
        Column(label, (by,), False), Column("Cases offered", ("cases_offered",)), Column("Ending responses", ("responses",)),
        Column("Response rate", ("response_rate",)), Column("95% interval (Wilson)", ("rate_low", "rate_high"), False),
        Column("Mean scale score (1 to 5)", ("mean_score",)),
        Column("95% interval (t)", ("score_low", "score_high"), False)], rows)


def survey_items_table(figures) -> FigureTable:
    """How many gave each answer to each item. Each item's answers add up to the responses (its row total), so each
    row is suppressed as a line of a table; the same person is in every row, so columns are not added up."""
    counts = [[*item.counts, item.not_answered] for item in figures.items]
    table = disclosure.suppress_table(counts, row_totals=True, column_totals=False)
    rows = [[text(item.text), *[count(c) for c in cells], count(total)]
            for item, cells, total in zip(figures.items, table.cells, table.row_totals or [])]
    instrument = figures.instrument
    return FigureTable(f"{instrument.code}-v{instrument.version}-items",
                       f"{instrument.name}: answers to each item at closure (1 strongly disagree, 5 strongly agree)", [
        Column("Item", ("item",), False), *[Column(f"{score}", (f"answered_{score}",)) for score in range(1, 6)],
        Column("Not answered", ("not_answered",)), Column("Responses", ("responses",))], rows)


def survey_change_table(figures) -> FigureTable:
    """Before and after: the cases with a response at the start and at closure, and the mean paired difference."""
    pairs = disclosure.cell(figures.change.n)
    hidden = pairs.text if not pairs.shown else ""
    instrument = figures.instrument
    rows = [[text("Start and closure"), count(pairs),
             Figure(figures.before.mean, "number", hidden, SCORE_PLACES),
             Figure(figures.after.mean, "number", hidden, SCORE_PLACES),
             Figure(figures.change.mean, "number", hidden, SCORE_PLACES),
             Figure((figures.change.low, figures.change.high), "interval_number", hidden, SCORE_PLACES)]]
    return FigureTable(f"{instrument.code}-v{instrument.version}-change",
                       f"{instrument.name}: before and after, where both were asked", [
        Column("Pairs", ("pairs",), False), Column("Cases", ("cases",)), Column("Mean at the start", ("mean_start",)),
        Column("Mean at closure", ("mean_closure",)), Column("Mean change", ("mean_change",)),
        Column("95% interval (paired t)", ("change_low", "change_high"), False)], rows)


def survey_tables(report) -> list[tuple[object, list[FigureTable]]]:
    """Each questionnaire with its tables, in the order the page and the download show them."""
    return [(figures, [survey_groups_table(figures, "route"), survey_groups_table(figures, "outcome"),
                       survey_items_table(figures), survey_change_table(figures)]) for figures in report.instruments]


def survey_definition_lines(filters: list[tuple[str, str]], *, as_at) -> list[tuple[str, str]]:
    """What every survey figure means, as (name, value): on the page and at the top of the download."""
    from evaluation.selectors import SURVEY_OUTCOMES

    outcomes = ", ".join(label.lower() for _, label in SURVEY_OUTCOMES)
    return [
        ("as at", as_at),
        ("filters", "; ".join(f"{label}: {value}" for label, value in filters) or "none: every closure"),
        ("cases offered", "cases whose person agreed to take part and that closed in the period (" + outcomes + "); "
                          "for a victim survey, only those whose crime records a victim"),
        ("response rate", "ending responses (asked at closure) on the cases offered, of the cases offered; 95% Wilson "
                          "interval"),
        ("scale score", "for each response, the mean of the items answered (1 strongly disagree to 5 strongly agree); "
                        "the figure is the mean over the ending responses, with a 95% t interval"),
        ("before and after", "cases with a response to the same questionnaire at the start and at closure: the mean "
                             "of closure minus start, with a 95% paired t interval"),
        ("by route and outcome", "the route and the status the case closed with"),
        ("free text", "never in a download; on the page for managers only, without names or case numbers"),
        ("disclosure control", disclosure.rule_statement()),
    ]
