"""The reoffending check as SQL: one INSERT ... SELECT per follow-up period, whatever the number of cases.

The rules (domain.md section 8), for each closed case with a person:

- the **start** is the index offence date (the earliest of the case's crimes),
  the decision date (first contact, else submission) or the contract end (else
  the date the case closed);
- a later **offence** counts when its event type is one the definition counts,
  it is not one of the case's own crimes, and start < offence date <= start +
  follow-up months (the window);
- with a **waiting period**, the offence must also have an outcome (a caution
  or conviction) dated no later than the window end + waiting months; without
  one, the event itself is enough;
- nothing dated after the check's as-of date is known;
- the follow-up is **reached** when the window end (+ waiting months) is on or
  before the as-of date; otherwise the case is censored after `observed_days`;
- **harm** after sums each counted offence's weight once (an offence may have
  several events); harm before sums the same kind of offence in the same number
  of months up to the index offence date.

Months are calendar months. PostgreSQL and SQLite differ only in the date
arithmetic, kept in the small `Dialect` seam below (on SQLite a start on the
29th to 31st can end a window a day or three later than on PostgreSQL).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection

from cases.models import Case, Crime
from contracts.models import Contract
from evaluation.models import CrimeRecord, ReoffendingCheckRun, ReoffendingDefinition, ReoffendingResult

CHECKED_STATUSES = (Case.Status.COMPLETED, Case.Status.BREACHED, Case.Status.DECLINED, Case.Status.WITHDRAWN)


@dataclass(frozen=True)
class Dialect:
    vendor: str

    def add_months(self, expression: str, months: int) -> str:
        if self.vendor == "postgresql":
            return f"CAST({expression} + INTERVAL '{int(months)} months' AS date)"
        return f"date({expression}, '{int(months):+d} months')"

    def days_between(self, later: str, earlier: str) -> str:
        if self.vendor == "postgresql":
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def earlier_of(self, first: str, second: str) -> str:
        return f"LEAST({first}, {second})" if self.vendor == "postgresql" else f"MIN({first}, {second})"

    def local_date(self, timestamp: str) -> str:
        if self.vendor == "postgresql":
            return f"CAST({timestamp} AT TIME ZONE '{settings.TIME_ZONE}' AS date)"
        return f"date({timestamp})"


def start_expression(start_point: str, dialect: Dialect) -> str:
    """The SQL for a case's start date (columns of the cohort query: idx, fc, k, c)."""
    closed_on = dialect.local_date("c.closed_at")
    return {
        ReoffendingDefinition.StartPoint.OFFENCE_DATE: "idx.index_date",
        ReoffendingDefinition.StartPoint.DECISION_DATE: f"COALESCE(fc.offered_on, {dialect.local_date('c.submitted_at')})",
        ReoffendingDefinition.StartPoint.CONTRACT_END: f"COALESCE(k.end_date, {closed_on})",
    }[start_point]


def results_sql(*, definition: ReoffendingDefinition, months: int, weights: dict[str, Decimal],
                dialect: Dialect, insert: bool) -> tuple[str, list]:
    """The statement computing one follow-up's results: an INSERT for the check, a SELECT for comparisons."""
    from django.apps import apps

    first_contact = apps.get_model("cases", "FirstContact")._meta.db_table
    waiting = definition.waiting_months
    outcome_rule = (
        "AND r.outcome_date IS NOT NULL AND r.outcome_date <= w.outcome_deadline AND r.outcome_date <= %(as_of)s"
        if waiting is not None else ""
    )
    before_outcome_rule = "AND r.outcome_date IS NOT NULL" if waiting is not None else ""
    event_types = ", ".join(f"'{event}'" for event in definition.event_types if event.isidentifier()) or "''"
    statuses = ", ".join(f"'{status}'" for status in CHECKED_STATUSES)
    weight_rows = ", ".join(["(%s, %s)"] * len(weights)) or "('', 0)"
    weight_params = [value for code, days in weights.items() for value in (code, days)]
    records, crimes = CrimeRecord._meta.db_table, Crime._meta.db_table
    own_crime = (f"NOT EXISTS (SELECT 1 FROM {crimes} cc WHERE cc.case_id = w.case_id "
                 f"AND UPPER(cc.reference) = r.crime_reference)")
    columns = ("run_id, case_id, follow_up_months, start_date, window_end, reached_follow_up, "
               "observed_days, reoffended, first_offence_date, reoffence_count, harm_after, harm_before")
    # Named placeholders are not mixed with positional ones: the weights go first, positionally, then named.
    sql = f"""
    WITH weights(code, days) AS (VALUES {weight_rows}),
    cohort AS (
        SELECT c.id AS case_id, c.person_id, idx.index_date, {start_expression(definition.start_point, dialect)} AS start_date
        FROM {Case._meta.db_table} c
        JOIN (SELECT case_id, MIN(offence_date) AS index_date FROM {crimes} GROUP BY case_id) idx ON idx.case_id = c.id
        LEFT JOIN {first_contact} fc ON fc.case_id = c.id
        LEFT JOIN {Contract._meta.db_table} k ON k.case_id = c.id
        WHERE c.status IN ({statuses}) AND c.person_id IS NOT NULL
    ),
    windows AS (
        SELECT case_id, person_id, index_date, start_date,
               {dialect.add_months('start_date', months)} AS window_end,
               {dialect.add_months('start_date', months + (waiting or 0))} AS outcome_deadline,
               {dialect.add_months('index_date', -months)} AS before_start
        FROM cohort WHERE start_date IS NOT NULL AND start_date <= %(as_of)s
    ),
    later_offences AS (
        SELECT w.case_id, r.crime_reference, MIN(r.offence_date) AS offence_date, MAX(COALESCE(wt.days, 0)) AS harm
        FROM windows w JOIN {records} r ON r.person_id = w.person_id
        LEFT JOIN weights wt ON wt.code = r.offence_code
        WHERE r.event_type IN ({event_types}) AND r.offence_date > w.start_date AND r.offence_date <= w.window_end
          AND r.offence_date <= %(as_of)s {outcome_rule} AND {own_crime}
        GROUP BY w.case_id, r.crime_reference
    ),
    after_start AS (
        SELECT case_id, COUNT(*) AS offences, MIN(offence_date) AS first_date, SUM(harm) AS harm
        FROM later_offences GROUP BY case_id
    ),
    earlier_offences AS (
        SELECT w.case_id, r.crime_reference, MAX(COALESCE(wt.days, 0)) AS harm
        FROM windows w JOIN {records} r ON r.person_id = w.person_id
        LEFT JOIN weights wt ON wt.code = r.offence_code
        WHERE r.event_type IN ({event_types}) AND r.offence_date >= w.before_start AND r.offence_date < w.index_date
          {before_outcome_rule} AND {own_crime}
        GROUP BY w.case_id, r.crime_reference
    ),
    before_index AS (SELECT case_id, SUM(harm) AS harm FROM earlier_offences GROUP BY case_id)
    {"INSERT INTO " + ReoffendingResult._meta.db_table + " (" + columns + ")" if insert else ""}
    SELECT %(run)s, w.case_id, %(months)s, w.start_date, w.window_end,
           w.outcome_deadline <= %(as_of)s,
           {dialect.days_between(dialect.earlier_of('%(as_of)s', 'w.window_end'), 'w.start_date')},
           a.offences IS NOT NULL, a.first_date, COALESCE(a.offences, 0), COALESCE(a.harm, 0), COALESCE(b.harm, 0)
    FROM windows w
    LEFT JOIN after_start a ON a.case_id = w.case_id
    LEFT JOIN before_index b ON b.case_id = w.case_id
    """
    return sql, weight_params


def _bind(sql: str, weight_params: list, named: dict) -> tuple[str, list]:
    """Turn the named placeholders into positional ones after the weights (the DB-API takes one style per call)."""
    params = list(weight_params)
    pieces = sql.split("%(")
    out = [pieces[0]]
    for piece in pieces[1:]:
        name, rest = piece.split(")s", 1)
        params.append(named[name])
        out.append("%s" + rest)
    return "".join(out), params


def results_replace(*, run: ReoffendingCheckRun, weights: dict[str, Decimal]) -> tuple[int, int]:
    """Insert this run's results, one statement per follow-up, and delete the definition's earlier unpublished runs' results.

    Caller holds the transaction: readers see the old results until it commits.
    Returns (cases checked, cases reoffended within the longest follow-up,
    which contains every shorter one).
    """
    dialect = Dialect(connection.vendor)
    definition = run.definition
    with connection.cursor() as cursor:
        for months in sorted({int(m) for m in definition.follow_up_months}):
            sql, weight_params = results_sql(definition=definition, months=months, weights=weights, dialect=dialect, insert=True)
            statement, params = _bind(sql, weight_params, {"as_of": run.as_of, "run": run.pk, "months": months})
            cursor.execute(statement, params)
    # The published run keeps its results: the reports read them until an administrator publishes another run.
    earlier = (ReoffendingCheckRun.objects.filter(definition=definition).exclude(pk=run.pk)
               .exclude(status=ReoffendingCheckRun.Status.PUBLISHED).values("pk"))
    ReoffendingResult.objects.filter(run__in=earlier).delete()
    # Counted, not taken from the cursor's rowcount: SQLite does not report one for WITH ... INSERT.
    longest = ReoffendingResult.objects.filter(run=run, follow_up_months=max(definition.follow_up_months))
    return longest.count(), longest.filter(reoffended=True).count()


def results_select(*, definition: ReoffendingDefinition, months: int, as_of, weights: dict[str, Decimal]) -> tuple[str, list]:
    """The same computation as a plain SELECT (the benchmark's and the tests' independent reading)."""
    sql, weight_params = results_sql(definition=definition, months=months, weights=weights, dialect=Dialect(connection.vendor), insert=False)
    return _bind(sql, weight_params, {"as_of": as_of, "run": 0, "months": months})
