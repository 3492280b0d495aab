"""The reminders job at national scale: `python -m bench.reminders` (also run by `make bench`).

Seeds a database `oocr_bench_reminders` with 50,000 active contracts (43 teams of
40 keyworkers and 2 supervisors, ~29 contracts each; three dated conditions and
one booked appointment per contract; a referral for one case in five; half the
people agreed to text reminders), then runs the daily job for three different
days in a fresh Django process each and reports, per run: seconds, queries, peak
Python memory (tracemalloc) and what it made. The issue's targets: under 60 s,
and a number of queries that does not grow per contract.

Reused when the database already holds this seed (the `bench_seed` table).
"""

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

from bench.run import DEFAULT_SERVER, RESULTS_DIR, ROOT, _child_env, _connect, machine
from bench.seed import Size

CONTRACTS = 50_000
SIZE = Size("reminders", cases=CONTRACTS, teams=43, years=1, keyworkers_per_team=40)
SEED_VERSION = 1
DATABASE = "oocr_bench_reminders"
TARGET_SECONDS = 60


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER).rstrip("/") + "/" + DATABASE


def seed() -> dict:
    """Write the dataset into the migrated database DATABASE_URL points at (run inside Django)."""
    from django.db import connection, transaction

    from bench.seed import _helpers_create, _staff_seed

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        _helpers_create(cursor)
        _staff_seed(cursor, SIZE)
        cursor.execute(f"""
            CREATE TEMP TABLE bench_plan AS
            SELECT n, s.user_id AS keyworker_id,
                   (SELECT user_id FROM bench_staff v WHERE v.team_no = s.team_no AND v.role = 'supervisor' AND v.k = 1) AS supervisor_id,
                   current_date - (n % 105)::int AS start_date
            FROM generate_series(1, {CONTRACTS}) AS n
            JOIN bench_staff s ON s.role = 'keyworker' AND s.team_no = 1 + (n % 43) AND s.k = 1 + ((n / 43) % 40)
        """)
        cursor.execute("""
            INSERT INTO cases_person (id, first_names, last_name, name_key, date_of_birth, sex, ethnicity, address_line_1,
                address_line_2, town, postcode, phone, email, preferred_contact, pnc_id, created_at, reminders_by)
            SELECT n, 'Person', 'Number ' || n, 'person number ' || n, date '1990-01-01' + (n % 5000), 'male', 'W1',
                   n || ' High Street', '', 'Town', 'PL1 1AA', '07700 9' || lpad((n % 100000)::text, 5, '0'), '',
                   'text', '', now(), CASE WHEN n % 2 = 0 THEN 'sms' ELSE '' END
            FROM bench_plan
        """)
        cursor.execute("""
            INSERT INTO cases_case (id, status, route, young_adult_offer, womens_offer, override_reason, created_at,
                updated_at, draft_answers, created_by_id, withdrawal_reason, review_flag, person_id, submitted_at)
            SELECT n, 'active', 'deferred_caution', false, false, '', now(), now(), '{}', supervisor_id, '',
                   CASE WHEN n % 200 = 0 THEN 'Two unexcused absences' ELSE '' END, n, now() - interval '120 days'
            FROM bench_plan
        """)
        cursor.execute("""
            INSERT INTO keyworkers_allocation (id, allocated_at, note, end_reason, end_note, allocated_by_id, case_id, keyworker_id)
            SELECT n, now() - interval '110 days', '', '', '', supervisor_id, n, keyworker_id FROM bench_plan
        """)
        cursor.execute("""
            INSERT INTO contracts_contract (id, status, weeks, extension_days, agreement, created_at, case_id, created_by_id,
                start_date, end_date)
            SELECT n, 'active', 16, 0, 'verbal', now(), n, keyworker_id, start_date, start_date + 112 FROM bench_plan
        """)
        cursor.execute("""
            INSERT INTO contracts_condition (kind, description, recurrence, target, hours_done, status, evidence,
                contract_id, due_date)
            SELECT 'rehabilitative', 'You will meet a debt adviser.', '', '', 0,
                   CASE WHEN (n + k) % 5 = 0 THEN 'met' ELSE 'not_started' END, '', n,
                   current_date + ((n * 7 + k * 13) % 70 - 35)
            FROM bench_plan, generate_series(1, 3) AS k
        """)
        cursor.execute("""
            INSERT INTO contracts_contact (type, starts_at, place, outcome, notes, created_at, case_id, recorded_by_id)
            SELECT 'face_to_face', date_trunc('day', now()) + (n % 14) * interval '1 day' + interval '10 hours',
                   'Police station', '', '', now(), n, keyworker_id
            FROM bench_plan
        """)
        cursor.execute("""
            INSERT INTO referrals_referral (status, route, shared, consent_to_share, eligibility_override, sent_by, sent_to,
                introduction_present, introduced_how, end_reason, created_at, case_id, created_by_id, need_domain_id,
                partner_id, sent_on, acknowledge_by, engage_by)
            SELECT 'sent', 'referral_form', 'Debt.', true, '', 'phone', 'Partner', '', '', '', now(), n, keyworker_id,
                   (SELECT id FROM contracts_needdomain WHERE code = 'finance'),
                   (SELECT min(id) FROM referrals_partner), current_date - (n % 30), current_date - (n % 30) + 5,
                   current_date - (n % 30) + 15
            FROM bench_plan WHERE n % 5 = 0
        """)
        for table in ["cases_person", "cases_case", "keyworkers_allocation", "contracts_contract"]:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        counts = {}
        for table in ["contracts_contract", "contracts_condition", "contracts_contact", "referrals_referral", "auth_user"]:
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def measure(on: date, *, trace: bool = False, fresh: bool = False) -> dict:
    """Run the job once for `on` (inside Django; messages are left waiting: sending them is the workers' job).

    `fresh` empties the reminders first (the first run ever: the most to record);
    `trace` measures peak Python memory instead of time (tracing slows the run).
    """
    import tracemalloc

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contracts.services.reminders import reminders_send
    from oocr.notifications import services as notification_services

    if fresh:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE notifications_reminder, notifications_notification, notifications_delivery, "
                           "notifications_reminderrun")
    notification_services._enqueue = lambda ids: None  # time the job, not tens of thousands of task messages to a broker
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        run = reminders_send(on=on)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    tracemalloc.stop()
    return {"on": on.isoformat(), "seconds": round(seconds, 1), "queries": len(queries),
            "peak_mb": round(peak, 1) if peak else None, "reminders": run.reminders_made,
            "deliveries": run.deliveries_made, "machine": machine()}


def _django(args: list[str]) -> str:
    env = {**_child_env(database_url()), "DJANGO_SETTINGS_MODULE": "oocr.settings"}
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout


def prepare() -> str:
    with _connect(DEFAULT_SERVER.rstrip("/") + "/postgres") as server:
        server.autocommit = True
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
    if exists:
        with _connect(database_url()) as connection:
            table = connection.execute("SELECT to_regclass('bench_seed')").fetchone()[0]
            row = table and connection.execute("SELECT version FROM bench_seed").fetchone()
        if row and row[0] == SEED_VERSION:
            _django(["manage.py", "migrate", "--no-input", "-v0"])
            return "reused"
    with _connect(DEFAULT_SERVER.rstrip("/") + "/postgres") as server:
        server.autocommit = True
        server.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        server.execute(f"CREATE DATABASE {DATABASE}")
    _django(["manage.py", "migrate", "--no-input", "-v0"])
    counts = json.loads(_django(["-c", "import django; django.setup(); import json; from bench.reminders import seed; "
                                       "print(json.dumps(seed()))"]).strip().splitlines()[-1])
    with _connect(database_url()) as connection:
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
        connection.execute("CREATE TABLE bench_seed (version int)")
        connection.execute("INSERT INTO bench_seed VALUES (%s)", [SEED_VERSION])
    return f"seeded in {counts['seconds']} s: {counts}"


def main() -> int:
    seeded = prepare()
    print(f"[reminders] {seeded}", flush=True)
    runs = []
    today = date.today()
    # The first run ever (nothing recorded yet), then the next two days as they come; then the first again, traced.
    for days, options in ((0, "fresh=True"), (1, ""), (2, ""), (0, "fresh=True, trace=True")):
        on = today + timedelta(days=days)
        out = _django(["-c", "import django; django.setup(); import json, datetime; from bench.reminders import measure; "
                             f"print(json.dumps(measure(datetime.date.fromisoformat('{on}'), {options})))"])
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(f"[reminders] {({k: v for k, v in runs[-1].items() if k != 'machine'})}", flush=True)
    text = results_markdown(runs[:3], seeded, peak_mb=runs[3]["peak_mb"])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "reminders-latest.md").write_text(text)
    print(text)
    return 0


def results_markdown(runs: list[dict], seeded: str, *, peak_mb: float) -> str:
    info = runs[0]["machine"]
    median = statistics.median(run["seconds"] for run in runs)
    lines = [
        f"# Reminders job benchmark, {date.today()}",
        "",
        f"{CONTRACTS:,} active contracts on PostgreSQL ({seeded.split(':')[0]}); the job run for three days in a row, "
        "each in a fresh process, timing the whole job (collect what is due, record it, make the messages), not the sending.",
        "",
        f"Machine: {info.get('cores')} cores, PostgreSQL {info.get('postgres')}, Python {info.get('python')}.",
        "",
        "| day | seconds | queries | reminders | messages |",
        "|---|---:|---:|---:|---:|",
        *[f"| {r['on']}{' (first run ever)' if n == 0 else ''} | {r['seconds']} | {r['queries']} | {r['reminders']:,} "
          f"| {r['deliveries']:,} |" for n, r in enumerate(runs)],
        "",
        f"Peak Python memory of the first run, measured on a run of its own (tracemalloc): {peak_mb} MB.",
        "",
        f"Median {median} s against a target of {TARGET_SECONDS} s: "
        f"{'met' if median < TARGET_SECONDS else 'MISSED'}; the slowest run {max(r['seconds'] for r in runs)} s. "
        "Queries: a fixed number of set-based reads (the same for 10 contracts or 50,000), plus one insert per "
        "2,000 rows written.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
