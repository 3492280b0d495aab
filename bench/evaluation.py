"""The evaluation's benchmark: `python -m bench.evaluation [--reseed] [force] [national]`.

For each size it makes sure a database `oocr_bench_eval_<size>` holds closed
cases and crime records (drop, create, migrate, seed with bulk SQL, VACUUM
ANALYZE; reused when it already holds the same seed), then, in a separate
Django process pointed at it:

1. **Reoffending check**: the check of one definition (proven reoffending, 12
   months from the decision, caution or conviction, 6 months' waiting) run
   twice through the service (the second replaces the first's results: the
   monthly re-run), beside one hand-written SQL query computing the same
   per-case result (aggregated in the database, so no rows travel), timed in
   the same process. Peak memory is the process's maximum resident set size.
   Targets (issue 8): the check within 2x the query and under 3 minutes at
   national size, peak memory under 1 GB.
2. **Crime record import** (issue 18), in a process of its own so that its
   peak resident memory is the import's: a 1,000,000-row extract about the
   seeded people written to a file, a bare COPY of that file into an unlogged
   table (the yardstick, best of two), the upload stored in parts as the web
   request does, then the import run as the worker does (COPY to staging, the
   fast check of an ASCII file or else the SQL checks and the rest in Python,
   one INSERT ... SELECT matching as it goes, the doubtful matches), each step timed; then the same file again (idempotent: no
   new rows). Targets: the whole import within 2x the bare COPY, peak memory
   under 200 MB. `python -m bench.evaluation --measure-import --out x.json
   [--rows N]` runs this part alone against DATABASE_URL (a seeded database).

3. **Reports** (issue 18, point 6): a check run and published, the figures and charts kept with the run drawn as the
   publishing task draws them (opening page, each breakdown, time to reoffence; timed), then the cohort report (plain,
   by ethnicity, by keyworker), each chart, the time-to-reoffence page and chart, a CSV and the outcomes dashboard
   opened as an administrator, first and again (median of 5); then three sets of new filters: above
   EVALUATION_REPORT_BACKGROUND_ABOVE cases their first view answers "being prepared" (timed) and their job is run
   here as the worker runs it (time until ready, from the first request), below it they are computed in the request.
   Targets: what publishing drew opens in under a second the first time, new filters answer in under a second, every
   page again in under a second, the drawing under 5 minutes. BENCH_EVAL_PARTS (default check,import,reports) picks the parts;
   BENCH_EVAL_DATABASE_PREFIX names the databases (default BENCH_DATABASE_PREFIX + eval_, else oocr_bench_eval_).

It writes bench/results/evaluation-<date>.md and evaluation-latest.md, and prints the same table.
"""

import argparse
import inspect
import json
import os
import resource
import subprocess  # nosec B404 (the benchmark runs its own module)
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.run import DEFAULT_SERVER, RESULTS_DIR, _connect, _run

SEED_VERSION = 1
AS_OF = date(2026, 11, 1)
IMPORT_ROWS = 1_000_000
CHECK_TARGET_SECONDS = 180
CHECK_RATIO_TARGET = 2.0
IMPORT_TARGET_SECONDS = 60
MEMORY_TARGET_MB = 1024
PUBLISH_DRAW_TARGET_SECONDS = 5 * 60  # issue 18, point 6: what publishing draws, bounded


@dataclass(frozen=True)
class Size:
    cases: int
    records: int


SIZES = {"demo": Size(500, 5_000), "force": Size(20_000, 500_000), "national": Size(1_000_000, 5_000_000)}


def database_url(size: str) -> str:
    import os

    server = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    # BENCH_EVAL_DATABASE_PREFIX: another name for the databases (two benchmarks on one server must not share them);
    # otherwise BENCH_DATABASE_PREFIX followed by eval_, as the load test's databases follow it.
    prefix = os.environ.get("BENCH_EVAL_DATABASE_PREFIX") or f"{os.environ.get('BENCH_DATABASE_PREFIX') or 'oocr_bench_'}eval_"
    return urlunsplit(urlsplit(server)._replace(path=f"/{prefix}{size}"))


# --- Seeding, inside a Django process -------------------------------------------------------------

EVENTS = ["arrest", "named_suspect", "charge", "caution", "conviction", "community_resolution", "outcome_22"]


def seed(size: Size) -> None:
    """Closed cases over six years (60% completed, 25% declined, 15% breached), each with its person, crime,
    first contact and (unless declined) contract; crime records spread over eleven years, already matched."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from cases.models import Offence

    User = get_user_model()
    officer = User.objects.create_user("bench-officer", password=None)
    User.objects.create_superuser("bench-admin", password=None)
    codes = list(Offence.objects.values_list("code", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO evaluation_crimerecordimport (file_name, status, content, total_rows, rows_checked, rows_loaded,"
            " rows_new, errors, matched, queued_for_review, uploaded_at, uploaded_by_id)"
            " VALUES ('bench-seed.csv', 'loaded', '', 0, 0, 0, 0, '[]', 0, 0, now(), %s) RETURNING id", [officer.pk])
        source = cursor.fetchone()[0]
        cursor.execute(f"""
            INSERT INTO cases_person (id, first_names, last_name, name_key, date_of_birth, sex, ethnicity, address_line_1,
                address_line_2, town, postcode, phone, email, preferred_contact, pnc_id, created_at, reminders_by)
            SELECT i, 'First' || {_letters('i')}, 'Last' || {_letters('i %% 5000')},
                   'first' || {_letters('i')} || ' last' || {_letters('i %% 5000')},
                   date '1960-01-01' + (i::bigint * 7919 %% 15000)::int, CASE WHEN i %% 3 = 0 THEN 'female' ELSE 'male' END, 'NS',
                   '', '', '', '', '', '', 'phone', 'PNC' || i, now(), ''
            FROM generate_series(1, %s) i""", [size.cases])
        cursor.execute("""
            INSERT INTO cases_case (id, person_id, status, route, young_adult_offer, womens_offer, override_reason, created_at,
                updated_at, draft_answers, created_by_id, withdrawal_reason, review_flag, submitted_at, closed_at)
            SELECT i, i, CASE WHEN i %% 20 < 12 THEN 'completed' WHEN i %% 20 < 17 THEN 'declined' ELSE 'breached' END,
                   'deferred_caution', false, false, '', now(), now(), '{}', %s, '', '',
                   (date '2020-01-01' + (i %% 2190) - 10)::timestamptz,
                   (date '2020-01-01' + (i %% 2190) + CASE WHEN i %% 20 < 12 THEN 112 WHEN i %% 20 < 17 THEN 0 ELSE 50 END)::timestamptz
            FROM generate_series(1, %s) i""", [officer.pk, size.cases])
        cursor.execute("""
            INSERT INTO cases_crime (reference, offence_date, offence_postcode, domestic_abuse, hate_crime, co_accused,
                officer_name, officer_collar_number, officer_email, case_id)
            SELECT 'BENCH/' || i, date '2020-01-01' + (i %% 2190) - 30, 'TR1 3XX', false, false, false, 'PC', '1', 'pc@example.org', i
            FROM generate_series(1, %s) i""", [size.cases])
        cursor.execute("""
            INSERT INTO cases_firstcontact (offered_on, method, answer, notes, recorded_at, case_id, recorded_by_id)
            SELECT date '2020-01-01' + (i %% 2190), 'phone', CASE WHEN i %% 20 BETWEEN 12 AND 16 THEN 'declined' ELSE 'accepted' END,
                   '', now(), i, %s
            FROM generate_series(1, %s) i""", [officer.pk, size.cases])
        cursor.execute("""
            INSERT INTO contracts_contract (status, weeks, extension_days, agreement, created_at, case_id, created_by_id,
                start_date, end_date)
            SELECT 'ended', 16, 0, 'signed_in_person', now(), i, %s, date '2020-01-01' + (i %% 2190),
                   date '2020-01-01' + (i %% 2190) + CASE WHEN i %% 20 < 12 THEN 112 ELSE 50 END
            FROM generate_series(1, %s) i WHERE i %% 20 NOT BETWEEN 12 AND 16""", [officer.pk, size.cases])
        cursor.execute("""
            INSERT INTO evaluation_crimerecord (crime_reference, event_type, offence_code, offence_title, offence_date,
                outcome_date, pnc_id, surname, forenames, date_of_birth, name_key, person_key, person_id, match_method, source_id)
            SELECT 'R' || j, (%s::text[])[1 + j %% 7], (%s::text[])[1 + j %% %s], '', r.offence_date,
                   CASE WHEN j %% 5 = 0 THEN NULL ELSE r.offence_date + (j %% 200) END,
                   p.pnc_id, p.last_name, p.first_names, p.date_of_birth, p.name_key, 'pnc:' || p.pnc_id, p.id, 'pnc_id', %s
            FROM (SELECT j, 1 + (j::bigint * 104729 %% %s) AS person_id, date '2015-01-01' + (j * 31 %% 4300) AS offence_date
                  FROM generate_series(1, %s) j) r
            JOIN cases_person p ON p.id = r.person_id""",
                       [EVENTS, codes, len(codes), source, size.cases, size.records])
        for table in ("cases_person", "cases_case", "cases_crime", "cases_firstcontact", "contracts_contract",
                      "evaluation_crimerecord", "evaluation_crimerecordimport", "auth_user"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def _letters(expression: str) -> str:
    """Digits spelt as letters, so that seeded names survive name normalisation (which drops digits)."""
    return f"translate(({expression})::text, '0123456789', 'abcdefghij')"


# --- Measuring, inside a Django process --------------------------------------------------------------

# The hand-written query: proven reoffending, 12 months from the decision, cautions and convictions, outcome
# within 6 months after the window, nothing after the as-of date, harm by the shipped subgroup weights.
HAND_WRITTEN_SQL = """
WITH windows AS (
    SELECT c.id AS case_id, c.person_id, idx.index_date, fc.offered_on AS start_date,
           (fc.offered_on + interval '12 months')::date AS window_end,
           (fc.offered_on + interval '18 months')::date AS outcome_deadline,
           (idx.index_date - interval '12 months')::date AS before_start
    FROM cases_case c
    JOIN (SELECT case_id, min(offence_date) AS index_date FROM cases_crime GROUP BY case_id) idx ON idx.case_id = c.id
    JOIN cases_firstcontact fc ON fc.case_id = c.id
    WHERE c.status IN ('completed', 'breached', 'declined', 'withdrawn') AND fc.offered_on <= %(as_of)s
),
weights AS (
    SELECT o.code, w.days FROM cases_offence o
    JOIN evaluation_harmweight w ON w.key = o.crime_subgroup AND w.weight_set_id = %(weight_set)s
),
after_start AS (
    SELECT case_id, count(*) AS offences, min(offence_date) AS first_date, sum(harm) AS harm FROM (
        SELECT w.case_id, r.crime_reference, min(r.offence_date) AS offence_date, max(coalesce(h.days, 0)) AS harm
        FROM windows w JOIN evaluation_crimerecord r ON r.person_id = w.person_id
        LEFT JOIN weights h ON h.code = r.offence_code
        WHERE r.event_type IN ('caution', 'conviction') AND r.offence_date > w.start_date AND r.offence_date <= w.window_end
          AND r.offence_date <= %(as_of)s AND r.outcome_date <= w.outcome_deadline AND r.outcome_date <= %(as_of)s
          AND NOT EXISTS (SELECT 1 FROM cases_crime cc WHERE cc.case_id = w.case_id AND upper(cc.reference) = r.crime_reference)
        GROUP BY w.case_id, r.crime_reference) offences
    GROUP BY case_id
),
before_index AS (
    SELECT case_id, sum(harm) AS harm FROM (
        SELECT w.case_id, r.crime_reference, max(coalesce(h.days, 0)) AS harm
        FROM windows w JOIN evaluation_crimerecord r ON r.person_id = w.person_id
        LEFT JOIN weights h ON h.code = r.offence_code
        WHERE r.event_type IN ('caution', 'conviction') AND r.offence_date >= w.before_start AND r.offence_date < w.index_date
          AND r.outcome_date IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM cases_crime cc WHERE cc.case_id = w.case_id AND upper(cc.reference) = r.crime_reference)
        GROUP BY w.case_id, r.crime_reference) offences
    GROUP BY case_id
)
SELECT count(*) AS cases, count(*) FILTER (WHERE w.outcome_deadline <= %(as_of)s) AS reached,
       count(a.case_id) AS reoffended, coalesce(sum(a.offences), 0) AS offences,
       coalesce(sum(a.harm), 0) AS harm_after, coalesce(sum(b.harm), 0) AS harm_before
FROM windows w LEFT JOIN after_start a ON a.case_id = w.case_id LEFT JOIN before_index b ON b.case_id = w.case_id
"""


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure_check() -> dict:
    from django.db import connection
    from django.db.models import Count, Q, Sum

    from evaluation.models import HarmWeightSet, ReoffendingDefinition, ReoffendingResult
    from evaluation.services import reoffending_check_run

    definition, _ = ReoffendingDefinition.objects.update_or_create(name="Bench: proven reoffending, 12 months", defaults={
        "follow_up_months": [12], "start_point": "decision_date", "event_types": ["caution", "conviction"], "waiting_months": 6})
    ReoffendingDefinition.objects.exclude(pk=definition.pk).update(is_active=False)
    weight_set = HarmWeightSet.objects.get(is_current=True)

    def hand_written():
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN_SQL, {"as_of": AS_OF, "weight_set": weight_set.pk})
            return cursor.fetchone()

    hand_written()  # warm the cache for both
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        reoffending_check_run(definition_id=definition.pk, as_of=AS_OF)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    totals = hand_written()
    query_seconds = time.perf_counter() - started
    stored = ReoffendingResult.objects.filter(run__definition=definition).aggregate(
        cases=Count("pk"), reached=Count("pk", filter=Q(reached_follow_up=True)), reoffended=Count("pk", filter=Q(reoffended=True)),
        offences=Sum("reoffence_count"), harm_after=Sum("harm_after"), harm_before=Sum("harm_before"))
    same = [stored["cases"], stored["reached"], stored["reoffended"], stored["offences"]] == [int(v) for v in totals[:4]] \
        and float(stored["harm_after"]) == float(totals[4]) and float(stored["harm_before"]) == float(totals[5])
    return {"check_first_s": round(timings[0], 2), "check_rerun_s": round(timings[1], 2), "query_s": round(query_seconds, 2),
            "results": stored["cases"], "reoffended": stored["reoffended"], "same_as_query": same}


def _extract_write(path: Path, rows: int) -> None:
    """A `rows`-row extract about the seeded people, written line by line (never held whole)."""
    from cases.models import Person
    from evaluation.services import CRIME_RECORD_COLUMNS

    people = list(Person.objects.order_by("pk").values_list("pnc_id", "last_name", "first_names", "date_of_birth")[:200_000])
    events = ["arrest", "charge", "caution", "conviction"]
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(CRIME_RECORD_COLUMNS) + "\n")
        for j in range(rows):
            pnc, surname, forenames, born = people[j % len(people)]
            pnc = pnc if j % 5 else ""  # a fifth match on names and date of birth
            day = date(2024, 1, 1).toordinal() + j % 900
            out.write(f"IMP/{j},{events[j % 4]},TH-SHOP,Theft from a shop,{date.fromordinal(day)},"
                      f"{date.fromordinal(day + 40)},{pnc},{surname},{forenames},{born}\n")
    del people


def _bare_copy_seconds(path: Path) -> float:
    """PostgreSQL's COPY of the same file into an unlogged table of text, and nothing else: the import's yardstick."""
    from django.db import connection

    from evaluation.services import CRIME_RECORD_COLUMNS, PART_BYTES

    columns = ", ".join(CRIME_RECORD_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_copy")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_bare_copy ({', '.join(c + ' text' for c in CRIME_RECORD_COLUMNS)})")
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY bench_bare_copy ({columns}) FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                path.open("rb") as file:
            while chunk := file.read(PART_BYTES):
                copy.write(chunk)
        seconds = time.perf_counter() - started
    return seconds


def _insert_floor_seconds(source_id: int) -> float:
    """The same rows INSERTed from the bare COPY's table into the crime records (its six indexes, logged), spelt with
    plain casts, no check and no matching, then rolled back: the least any load into that table costs."""
    from django.db import connection, transaction

    class RolledBack(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO evaluation_crimerecord (crime_reference, event_type, offence_code, offence_title, offence_date,"
                " outcome_date, pnc_id, surname, forenames, date_of_birth, name_key, person_key, source_id, match_method)"
                " SELECT upper(crime_reference), event_type, offence_code, offence_title, offence_date::date,"
                " nullif(outcome_date, '')::date, coalesce(pnc_id, ''), surname, forenames, date_of_birth::date, lower(forenames || ' ' || surname),"
                " CASE WHEN pnc_id <> '' THEN 'pnc:' || pnc_id ELSE 'name:' || lower(forenames || ' ' || surname) || '|' || date_of_birth END,"
                " %s, '' FROM bench_bare_copy", [source_id])
            seconds = time.perf_counter() - started
            raise RolledBack
    except RolledBack:
        pass
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_copy")
    return seconds


def measure_import(rows: int, *, extract_in_a_process: bool = True) -> dict:
    """In a process of its own (its peak resident memory is the import's): the extract written to a file, a bare
    COPY of it, the upload stored in parts (what the web request does), then the import run (what the worker does),
    each step of it timed; then the same file again (idempotent: no new rows)."""
    from django.contrib.auth import get_user_model

    from evaluation import services

    admin = get_user_model().objects.get(username="bench-admin")
    steps: dict[str, float] = {}
    originals = []

    def timed(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)
        originals.append((owner, name, inspect.getattr_static(owner, name)))

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                steps[label] = steps.get(label, 0) + time.perf_counter() - started
        setattr(owner, name, staticmethod(wrapper) if isinstance(inspect.getattr_static(owner, name), staticmethod) else wrapper)

    timed(services.CopyStaging, "_copy", "copy_s")
    timed(services.CopyStaging, "_check_fast", "check_fast_s")
    timed(services.CopyStaging, "_check_in_sql", "check_sql_s")
    timed(services.CopyStaging, "_check_the_rest", "check_python_s")
    timed(services.CopyStaging, "load", "load_s")
    timed(services.CopyStaging, "_keys_check", "keys_check_s")
    timed(services, "crime_records_match", "match_s")
    try:
        return _import_measured(rows, admin, steps, extract_in_a_process)
    finally:  # the services as they were (a test calls this in a process that goes on)
        for owner, name, original in originals:
            setattr(owner, name, original)


def _import_measured(rows: int, admin, steps: dict[str, float], extract_in_a_process: bool) -> dict:
    from django.db import connection

    from evaluation import services
    from evaluation.models import CrimeRecordImport

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "extract.csv"
        if extract_in_a_process:
            # Written by a process of its own: the people it reads would count in this one's peak memory.
            subprocess.run([sys.executable, "-m", "bench.evaluation", "--write-extract", str(path), "--rows", str(rows)], check=True)
        else:  # a test: the people are in this process's transaction, which another process cannot see
            _extract_write(path, rows)
        file_mb = round(path.stat().st_size / 1e6, 1)
        bare = min(_bare_copy_seconds(path) for _ in range(2))
        floor = _insert_floor_seconds(CrimeRecordImport.objects.create(file_name="bench-extract-floor.csv", uploaded_by=admin).pk)
        start_rss = _peak_rss_mb()
        uploads, runs = [], []
        for name in ("bench-extract.csv", "bench-extract-again.csv"):
            started = time.perf_counter()
            with path.open("rb") as file:
                upload = CrimeRecordImport.objects.create(file_name=name, uploaded_by=admin)
                services.crime_record_upload_store(upload.pk, file)
            uploads.append(time.perf_counter() - started)
            if not runs:
                steps.clear()
            started = time.perf_counter()
            upload = services.crime_record_import_run(import_id=upload.pk)
            runs.append((time.perf_counter() - started, upload))
            if not upload.status == "loaded":
                raise RuntimeError(f"The generated extract was not loaded: {upload.errors[:3]}")
            if len(runs) == 1:
                first_steps = dict(steps)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser')")
            superuser = cursor.fetchone()[0] == "on"
    (first, loaded), (again, reloaded) = runs
    return {"rows": rows, "file_mb": file_mb, "bare_copy_s": round(bare, 2), "insert_floor_s": round(floor, 2), "store_upload_s": round(uploads[0], 2),
            "import_s": round(first, 2), "ratio": round(first / bare, 2), "reimport_s": round(again, 2),
            "reimport_ratio": round(again / bare, 2), "reimport_new_rows": reloaded.rows_new, "matched": loaded.matched,
            "steps": {label: round(value, 2) for label, value in first_steps.items()},
            "keys_as_a_set": superuser, "rss_before_mb": start_rss, "peak_mb": _peak_rss_mb()}


REPORT_REPEATS = 5


def _baselines_ensure() -> None:
    """Each seeded case's baseline (age, sex, ethnicity, area), which the breakdowns read, made here when missing so
    that the seed stays as it is: ages 18 to 67, the person's sex, six ethnic groups, four postcode areas."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM cases_case c WHERE NOT EXISTS "
                       "(SELECT 1 FROM cases_casebaseline b WHERE b.case_id = c.id))")
        if not cursor.fetchone()[0]:
            return  # every case has its baseline (a reused database): nothing to add
        # The NOT IN below is hashed only while the baselines fit in work_mem: on a reused database whose million
        # baselines did not, it scanned them once per case (16 minutes and counting, 4 December).
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("""
            INSERT INTO cases_casebaseline (case_id, age, sex, ethnicity, offence_codes, crime_subgroups, route,
                previous_offences, previous_cautions, previous_convictions, home_postcode_area, recorded_at)
            SELECT c.id, 18 + c.id % 50, p.sex, (ARRAY['W1','W1','W1','B2','A3','M1','O9','NS'])[1 + c.id % 8], '[]', '[]',
                   c.route, c.id % 4, c.id % 3, c.id % 2, (ARRAY['EX','PL','TQ','TR'])[1 + c.id % 4], now()
            FROM cases_case c JOIN cases_person p ON p.id = c.person_id
            WHERE c.id NOT IN (SELECT case_id FROM cases_casebaseline)""")
        # NOT IN: the baselines already there read once, into a hash. NOT EXISTS let the planner (its statistics saying
        # the table is empty) scan the table once per case, pages this INSERT was filling included: 150 rows a
        # second at national size, where this takes a minute.
        cursor.execute("RESET work_mem")
        cursor.execute("ANALYZE cases_casebaseline")


def measure_reports() -> dict:
    """The cohort report and the dashboard as a reader meets them after a run is published (issue 18, point 6):
    publishing, drawing the charts kept with the run, then each page and chart opened, first and again."""
    import statistics

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from evaluation import services
    from evaluation.models import ReoffendingDefinition, ReportChart, ReportJob

    _baselines_ensure()
    definition = ReoffendingDefinition.objects.get(name="Bench: proven reoffending, 12 months")
    admin = get_user_model().objects.get(username="bench-admin")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    run = services.reoffending_check_run(definition_id=definition.pk, as_of=AS_OF)  # the results measure_check left are gone
    timings["check run to publish"] = round(time.perf_counter() - started, 2)

    def timed(name: str, action) -> None:
        started = time.perf_counter()
        action()
        timings[name] = round(time.perf_counter() - started, 2)
        print(f"  {name}: {timings[name]} s (load {os.getloadavg()[0]:.2f})", flush=True)  # a long run shows its progress

    def page(name: str, url: str, query: dict | None = None) -> None:
        client = Client()
        client.force_login(admin)

        def get():
            response = client.get(url, query or {})
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        timed(f"{name}: first", get)
        again = []
        for _ in range(REPORT_REPEATS):
            started = time.perf_counter()
            get()
            again.append(time.perf_counter() - started)
        timings[f"{name}: median of {REPORT_REPEATS}"] = round(statistics.median(again), 2)
        print(f"  {name}: median of {REPORT_REPEATS}: {timings[f'{name}: median of {REPORT_REPEATS}']} s", flush=True)

    def prepared(name: str, url: str, query: dict) -> None:
        """New filters: the first answer (being prepared, or the page computed in the request below the threshold),
        then, when a job was made, the job as the worker runs it and the page once ready; then the median again."""
        client = Client()
        client.force_login(admin)
        started = time.perf_counter()
        response = client.get(url, query)
        timings[f"{name}: first answer"] = round(time.perf_counter() - started, 2)
        waiting = response.status_code == 202 or b"Your report is being prepared" in response.content
        print(f"  {name}: first answer {timings[f'{name}: first answer']} s ({'being prepared' if waiting else 'the page'}; "
              f"load {os.getloadavg()[0]:.2f})", flush=True)
        if waiting:
            job = ReportJob.objects.filter(run=run).order_by("-pk").first()
            services.report_job_run(job_id=job.pk)  # what the worker does
            response = client.get(url, query)
            if response.status_code != 200 or b"being prepared" in response.content:
                raise RuntimeError(f"{url} not ready after its job ({response.status_code})")
            timings[f"{name}: ready, from the first request"] = round(time.perf_counter() - started, 2)
            print(f"  {name}: ready {timings[f'{name}: ready, from the first request']} s "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)
        again = []
        for _ in range(REPORT_REPEATS):
            started = time.perf_counter()
            client.get(url, query)
            again.append(time.perf_counter() - started)
        timings[f"{name}: median of {REPORT_REPEATS}"] = round(statistics.median(again), 2)

    timed("publish", lambda: services.reoffending_check_run_publish(run_id=run.pk, user=admin))
    ReportChart.objects.filter(run=run).delete()  # the task ran (or not) on publishing: draw again, timed
    timed("drawn at publish: figures and charts (opening page, each breakdown, time to reoffence)",
          lambda: services.report_charts_draw(run_id=run.pk))
    timings["kept with the run (figures and charts)"] = ReportChart.objects.filter(run=run).count()
    report = reverse("evaluation:report")
    page("cohort report page", report)
    for chart in ("reoffending", "survival", "harm", "trend"):
        page(f"chart {chart} (kept with the run)", reverse("evaluation:report_chart", args=[chart]))
    page("cohort report page, by ethnicity", report, {"breakdown": "ethnicity"})
    page("chart breakdown by ethnicity", reverse("evaluation:report_chart", args=["breakdown"]), {"breakdown": "ethnicity"})
    page("cohort report page, by keyworker", report, {"breakdown": "keyworker"})
    page("time to reoffence page", reverse("evaluation:time_to_reoffence"))
    page("time to reoffence chart", reverse("evaluation:time_to_reoffence_chart"))
    page("CSV: groups", reverse("evaluation:report_export", args=["groups"]))
    page("outcomes dashboard", reverse("evaluation:dashboard"))
    # Filters nobody has asked for yet (no set of filters can be drawn in advance): above
    # EVALUATION_REPORT_BACKGROUND_ABOVE cases the first view answers "being prepared" at once and a job computes them;
    # here the job is run in this process as the worker runs it, right after the first answer (no queue, no refresh
    # interval), and the page asked again once it has finished.
    prepared("new filters: chart reoffending, women", reverse("evaluation:report_chart", args=["reoffending"]),
             {"sex": "female"})
    prepared("new filters: cohort report page, by area, 2022 to 2023", report, {"breakdown": "area", "start_from": "1/1/2022",
                                                                               "start_to": "31/12/2023"})
    prepared("new filters: time to reoffence page, women", reverse("evaluation:time_to_reoffence"), {"sex": "female"})
    return timings


def _imports_remove() -> None:
    """Remove what an earlier measuring pass imported, so a reused database measures the seeded data only."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evaluation_crimerecord WHERE source_id IN "
                       "(SELECT id FROM evaluation_crimerecordimport WHERE file_name LIKE 'bench-extract%%')")
        cursor.execute("DELETE FROM evaluation_crimerecordimportpart WHERE upload_id IN "
                       "(SELECT id FROM evaluation_crimerecordimport WHERE file_name LIKE 'bench-extract%%')")
        cursor.execute("DELETE FROM evaluation_crimerecordimport WHERE file_name LIKE 'bench-extract%%'")
        cursor.execute("DELETE FROM evaluation_reoffendingresult")
        cursor.execute("VACUUM (ANALYZE) evaluation_crimerecord")
        cursor.execute("VACUUM (ANALYZE) evaluation_reoffendingresult")


def measure(size: str, out: Path) -> None:
    from django.db import connection

    _imports_remove()
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM evaluation_crimerecord)")
        cases, records = cursor.fetchone()
    # BENCH_EVAL_PARTS: which parts to measure (default all: check, import, reports).
    parts = os.environ.get("BENCH_EVAL_PARTS", "check,import,reports").split(",")
    load = {"before check": os.getloadavg()[0]}
    from evaluation.models import ReoffendingDefinition

    if "check" in parts or not ReoffendingDefinition.objects.filter(name="Bench: proven reoffending, 12 months").exists():
        check = measure_check()
    else:  # the reports alone (BENCH_EVAL_PARTS=reports), on a database where the check part ran before
        check = {"check_first_s": None, "check_rerun_s": None, "query_s": None, "results": None, "reoffended": None,
                 "same_as_query": None}
    check_rss = _peak_rss_mb()
    load["after check"] = os.getloadavg()[0]
    print(f"  check: {check}, peak {check_rss} MB, load {load}", flush=True)
    reports = measure_reports() if "reports" in parts else None
    if reports is not None:
        load["after reports"] = os.getloadavg()[0]
    out.write_text(json.dumps({"size": size, "cases": cases, "records": records, "check": check, "check_peak_mb": check_rss,
                               "reports": reports, "reports_peak_mb": _peak_rss_mb(),
                               "load": {k: round(v, 2) for k, v in load.items()}}))


def measure_imports(out: Path, rows: int = IMPORT_ROWS) -> None:
    _imports_remove()
    imported = measure_import(rows)
    _imports_remove()
    out.write_text(json.dumps(imported))


# --- Orchestration ----------------------------------------------------------------------------------------


def prepare(size: str, *, reseed: bool) -> float | None:
    """A migrated and seeded database for `size`; reused when it holds this seed. Returns the seeding seconds (None if reused)."""
    url = database_url(size)
    name = urlsplit(url).path.lstrip("/")
    if not reseed:
        try:
            with _connect(url) as connection:
                if connection.execute("SELECT to_regclass('bench_eval_seed')").fetchone()[0]:
                    row = connection.execute("SELECT cases, seed_version FROM bench_eval_seed").fetchone()
                    if row == (SIZES[size].cases, SEED_VERSION):
                        print(f"[{size}] reusing {name} (--reseed to seed again)", flush=True)
                        _run(["manage.py", "migrate", "--no-input", "-v0"], url)
                        return None
        except Exception:  # noqa: BLE001 (no such database yet)
            pass
    print(f"[{size}] creating {name} and migrating", flush=True)
    with _connect(urlunsplit(urlsplit(url)._replace(path="/postgres"))) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    _run(["manage.py", "migrate", "--no-input", "-v0"], url)
    print(f"[{size}] seeding {SIZES[size].cases:,} cases and {SIZES[size].records:,} crime records", flush=True)
    seconds = _run(["-m", "bench.evaluation", "--seed", size], url)
    started = time.perf_counter()
    with _connect(url) as connection:
        connection.execute("VACUUM (ANALYZE)")
        connection.execute("CREATE TABLE bench_eval_seed (cases int, seed_version int)")
        connection.execute("INSERT INTO bench_eval_seed VALUES (%s, %s)", [SIZES[size].cases, SEED_VERSION])
    seconds += time.perf_counter() - started
    print(f"[{size}] seeded in {seconds:.0f} s", flush=True)
    return seconds


IMPORT_RATIO_TARGET = 2.0
IMPORT_MEMORY_TARGET_MB = 200


def import_table(results: list[dict]) -> list[str]:
    lines = ["", "| size | rows (file) | bare COPY | bare COPY + plain INSERT into crime records | upload stored | whole import | ratio | COPY to staging | fast check | SQL checks | "
                 "Python checks | load (INSERT, matching) | doubtful matches | re-import (new rows) | peak RSS |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        i, steps = r["import"], r["import"]["steps"]
        floor = i["bare_copy_s"] + i["insert_floor_s"]
        lines.append(f"| {r['size']} | {i['rows']:,} ({i['file_mb']} MB) | {i['bare_copy_s']} s | {floor:.2f} s "
                     f"({floor / i['bare_copy_s']:.1f}x) | {i['store_upload_s']} s | "
                     f"{i['import_s']} s | {i['ratio']}x | {steps.get('copy_s', 0)} s | {steps.get('check_fast_s', 0)} s | "
                     f"{steps.get('check_sql_s', 0)} s | "
                     f"{steps.get('check_python_s', 0)} s | {steps.get('load_s', 0)} s (keys {steps.get('keys_check_s', 0)} s) | "
                     f"{steps.get('match_s', 0)} s | "
                     f"{i['reimport_s']} s, {i['reimport_ratio']}x ({i['reimport_new_rows']}) | {i['peak_mb']} MB |")
    return lines


def import_targets(size: str, i: dict) -> list[tuple[str, bool]]:
    return [
        (f"{size}: whole import within {IMPORT_RATIO_TARGET}x a bare COPY of the same file", i["ratio"] <= IMPORT_RATIO_TARGET),
        (f"{size}: import peak memory under {IMPORT_MEMORY_TARGET_MB} MB for {i['rows']:,} rows", i["peak_mb"] < IMPORT_MEMORY_TARGET_MB),
        (f"{size}: whole import under {IMPORT_TARGET_SECONDS} s", i["import_s"] < IMPORT_TARGET_SECONDS),
        (f"{size}: re-import adds no rows", i["reimport_new_rows"] == 0),
    ]


def report(results: list[dict]) -> str:
    lines = [f"# Evaluation benchmark, {date.today().isoformat()}", "",
             "| size | cases | crime records | seeding | check (first run) | check (re-run) | hand-written SQL | ratio | "
             "check peak RSS | load average (1 min) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        c = r["check"]
        if c["query_s"] is None:  # the reports alone
            lines.append(f"| {r['size']} | {r['cases']:,} | {r['records']:,} | reused | not measured | | | | | "
                         f"{', '.join(f'{v} {w}' for w, v in r.get('load', {}).items())} |")
            continue
        ratio = max(c["check_first_s"], c["check_rerun_s"]) / max(c["query_s"], 0.001)
        seeded = "reused" if r.get("seed_s") is None else f"{r['seed_s']} s"
        load = ", ".join(f"{value} {when}" for when, value in r.get("load", {}).items())
        lines.append(f"| {r['size']} | {r['cases']:,} | {r['records']:,} | {seeded} | {c['check_first_s']} s | "
                     f"{c['check_rerun_s']} s | {c['query_s']} s | {ratio:.2f}x | {r['check_peak_mb']} MB | {load} |")
    lines += import_table([r for r in results if r["import"]])
    lines += _reports_lines(results)
    lines += ["", "Targets (issues 8 and 18):", ""]
    for r in results:
        c, i = r["check"], r["import"]
        if i is None:
            continue
        worst = max(c["check_first_s"], c["check_rerun_s"])
        checks = [
            (f"{r['size']}: check within {CHECK_RATIO_TARGET}x the hand-written query", worst <= CHECK_RATIO_TARGET * c["query_s"]),
            (f"{r['size']}: check under {CHECK_TARGET_SECONDS} s", worst < CHECK_TARGET_SECONDS),
            (f"{r['size']}: check's results equal the hand-written query's", c["same_as_query"]),
            (f"{r['size']}: check peak memory under {MEMORY_TARGET_MB} MB", r["check_peak_mb"] < MEMORY_TARGET_MB),
            *import_targets(r["size"], i),
        ]
        lines += [f"- {'met' if ok else 'MISSED'}: {label}" for label, ok in checks]
    return "\n".join(lines) + "\n"


def _reports_lines(results: list[dict]) -> list[str]:
    """The report and dashboard timings (issue 18, point 6: every report opens in under a second at national size)."""
    lines = []
    for r in (r for r in results if r.get("reports")):
        lines += ["", f"Reports at {r['size']} size ({r['cases']:,} cases; peak RSS {r['reports_peak_mb']} MB):", "",
                  "| step | seconds |", "|---|---:|"]
        lines += [f"| {name} | {seconds} |" for name, seconds in r["reports"].items()]
        kept_first = [name for name, seconds in r["reports"].items()
                      if name.endswith(": first") and not name.startswith("new filters") and seconds >= 1]
        new_first = [name for name, seconds in r["reports"].items()
                     if name.startswith("new filters") and name.endswith(": first answer") and seconds >= 1]
        slow = [name for name, seconds in r["reports"].items() if "median" in name and seconds >= 1]
        drawing = next((seconds for name, seconds in r["reports"].items() if name.startswith("drawn at publish")), 0)
        lines += ["", f"- {'MISSED' if kept_first else 'met'}: every page and chart drawn at publish opens the first time "
                      f"in under a second" + (f" ({', '.join(kept_first)})" if kept_first else ""),
                  f"- {'MISSED' if slow else 'met'}: every page and chart opens again in under a second"
                  + (f" ({', '.join(slow)})" if slow else ""),
                  f"- {'MISSED' if new_first else 'met'}: new filters answer (the report, or that it is being prepared) "
                  f"in under a second" + (f" ({', '.join(new_first)})" if new_first else ""),
                  f"- {'met' if drawing < PUBLISH_DRAW_TARGET_SECONDS else 'MISSED'}: drawing at publish under "
                  f"{PUBLISH_DRAW_TARGET_SECONDS // 60} minutes ({drawing} s)"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluation", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", metavar="size", help=f"any of {', '.join(SIZES)} (default: force national)")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--measure-import", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--write-extract", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=IMPORT_ROWS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed or args.measure or args.measure_import or args.write_extract:
        import django

        django.setup()
        if args.write_extract:
            _extract_write(args.write_extract, args.rows)
        elif args.measure_import:
            measure_imports(args.out, args.rows)
        elif args.seed:
            seed(SIZES[args.seed])
        else:
            measure(args.measure, args.out)
        return 0
    results = []
    for size in args.sizes or ["force", "national"]:
        seeded = prepare(size, reseed=args.reseed)
        print(f"[{size}] measuring", flush=True)
        with tempfile.TemporaryDirectory() as directory:
            out = Path(directory) / "result.json"
            _run(["-m", "bench.evaluation", "--measure", size, "--out", str(out)], database_url(size))
            result = json.loads(out.read_text())
            result["import"] = None
            result["seed_s"] = None if seeded is None else round(seeded, 1)
            if "import" in os.environ.get("BENCH_EVAL_PARTS", "check,import,reports").split(","):
                # The import in a process of its own: its peak resident memory is the import's alone.
                _run(["-m", "bench.evaluation", "--measure-import", "--out", str(out)], database_url(size))
                result["import"] = json.loads(out.read_text())
            results.append(result)
    table = report(results)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"evaluation-{date.today().isoformat()}.md").write_text(table)
    (args.results / "evaluation-latest.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
