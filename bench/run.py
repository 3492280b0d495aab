"""The benchmark runner: `python -m bench.run [--reseed] [demo] [force] [national]`.

For each size it makes sure a database `oocr_bench_<size>` holds the dataset
(drop, create, migrate, seed with bulk SQL, VACUUM ANALYZE; reused when it
already holds the same seed), then times the allocation queue, the chooser, my
caseload and the team view in a separate Django process pointed at it, beside
two baselines measured in the same process: one hand-written SQL query reading
what each page shows, and the Django admin list of cases. It writes a Markdown
table to bench/results/<date>.md and bench/results/latest.md, and prints it.

BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/) gives the server
and the user; the database name is always oocr_bench_<size>.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.seed import SEED_VERSION, SIZES

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DEFAULT_SERVER = "postgres://root@127.0.0.1:5432/"
P95_TARGET_MS = 150
NATIONAL_SEED_TARGET_SECONDS = 15 * 60
OPEN_STATES = ("allocated", "assessment", "active")


class BenchError(Exception):
    """Something the benchmark cannot measure honestly: a page that fails, a database that is not there."""


@dataclass
class Row:
    size: str
    page: str
    cases: int
    queries: int
    median_ms: float
    p95_ms: float
    peak_mb: float
    baseline: bool = False


@dataclass
class SeedInfo:
    seconds: float  # bulk inserts plus VACUUM ANALYZE
    migrate_seconds: float | None
    seeded_on: str
    reused: bool


# --- Measuring, inside a Django process ------------------------------------------


def measure(*, size: str, repeats: int = 30, warmups: int = 3, pages: tuple[str, ...] = ()) -> list[Row]:
    """Time each page and its baselines against the database Django is configured with; with `pages`, only the
    rows whose name starts with one of them ("search" for the searches alone)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    subjects = _subjects()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = cursor.fetchone()[0]

    def page(name: str, user, url: str, *, baseline: bool = False, search: str = "") -> Row:
        client = Client()
        client.force_login(user)
        if search:  # the search box posts; the page it redirects to runs the search kept in the session
            response = client.post(reverse("cases:search"), {"q": search})
            if response.status_code != 302:
                raise BenchError(f"Searching for {search!r} answered {response.status_code}, not a redirect.")
        for _ in range(warmups):
            _get(client, url)
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        queries = len(captured.captured_queries)  # read now: the next request empties the log
        peak = _peak_mb(lambda: _get(client, url))
        times = _timed(lambda: _get(client, url), repeats)
        return Row(size, name, cases, queries, *times, peak, baseline=baseline)

    def sql(name: str, statement: str, params: list) -> Row:
        def read():
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                if not cursor.fetchall():
                    raise BenchError(f"The baseline query for {name} read no rows.")

        for _ in range(warmups):
            read()
        peak = _peak_mb(read)
        return Row(size, f"baseline: plain SQL, {name} rows", cases, 1, *_timed(read, repeats), peak, baseline=True)

    team, supervisor, keyworker, admin, waiting = (
        subjects["team"], subjects["supervisor"], subjects["keyworker"], subjects["admin"], subjects["waiting"]
    )
    search_url = reverse("cases:search")
    rows = [
        ("allocation queue", lambda: page("allocation queue", supervisor, reverse("keyworkers:allocation"))),
        ("allocation queue", lambda: sql("allocation queue", QUEUE_SQL, [])),
        ("chooser", lambda: page("chooser", supervisor, reverse("keyworkers:allocate", args=[waiting.pk]))),
        ("chooser", lambda: sql("chooser", CHOOSER_SQL, [waiting.pk, team.pk])),
        ("my caseload", lambda: page("my caseload", keyworker, reverse("keyworkers:caseload"))),
        ("my caseload", lambda: sql("my caseload", CASELOAD_SQL, [keyworker.pk])),
        ("team view", lambda: page("team view", supervisor, reverse("keyworkers:team"))),
        ("team view", lambda: sql("team view", TEAM_SQL, [team.pk])),
        *[(name, lambda name=name, text=text: page(name, supervisor, search_url, search=text)) for name, text in [
            ("search: a full name", subjects["full_name"]),
            ("search: a surname, two letters swapped", subjects["misspelt"]),
            ("search: a name and date of birth", subjects["name_and_birthday"]),
            ("search: a case number", waiting.number),
            ("search: surname before first name", subjects["swapped"]),
            ("search: a crime reference", subjects["reference"]),
            ("search: a PNC ID", subjects["pnc_id"]),
        ]],
        ("baseline: Django admin", lambda: page("baseline: Django admin list of cases", admin, "/django-admin/cases/case/",
                                                baseline=True)),
    ]
    return [measure_row() for name, measure_row in rows if not pages or name.startswith(tuple(pages))]


def _subjects() -> dict:
    """Who signs in, and the case the chooser opens: the first team's supervisor, the busiest keyworker."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from cases.models import Case
    from keyworkers.models import Allocation, Team
    from oocr.accounts.roles import Role

    User = get_user_model()
    team = Team.objects.order_by("id").first()
    supervisor = User.objects.filter(groups__name=Role.SUPERVISOR, staff_profile__team=team).order_by("id").first()
    busiest = (
        Allocation.objects.filter(ended_at=None, case__status__in=OPEN_STATES)
        .values("keyworker").annotate(held=Count("id")).order_by("-held", "keyworker").first()
    )
    admin = User.objects.filter(is_superuser=True, is_staff=True, is_active=True).order_by("id").first()
    waiting = Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION).order_by("submitted_at", "id").first()
    missing = [name for name, thing in [("a team", team), ("a supervisor", supervisor), ("a keyworker with open cases", busiest),
                                        ("a superuser", admin), ("a case waiting for allocation", waiting)] if not thing]
    if missing:
        raise BenchError(f"The database has no {', '.join(missing)}: seed it first.")
    from cases.models import Person

    person = waiting.person
    surname = person.last_name
    pnc_id = person.pnc_id or (Person.objects.exclude(pnc_id="").filter(cases__status=Case.Status.AWAITING_ALLOCATION)
                               .order_by("id").values_list("pnc_id", flat=True).first())
    if not pnc_id:
        raise BenchError("The database has no person with a PNC ID waiting for allocation: seed it first.")
    misspelt = surname[:-2] + surname[-1] + surname[-2] if len(surname) > 3 else surname + "e"  # two letters swapped
    return {"team": team, "supervisor": supervisor, "keyworker": User.objects.get(pk=busiest["keyworker"]),
            "admin": admin, "waiting": waiting, "full_name": f"{person.first_names} {surname}", "misspelt": misspelt,
            "name_and_birthday": f"{surname} {person.date_of_birth:%-d/%-m/%Y}",
            "swapped": f"{surname} {person.first_names}", "reference": waiting.crimes.order_by("id").first().reference,
            "pnc_id": pnc_id}


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}, not 200: nothing was measured.")
    return response


def _timed(action, repeats: int) -> tuple[float, float]:
    """Median and 95th percentile of `repeats` runs, in milliseconds."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]
    return round(statistics.median(samples), 1), round(p95, 1)


def _peak_mb(action) -> float:
    """Peak Python memory allocated during one run (tracemalloc slows it, so it is a run of its own)."""
    tracemalloc.start()
    try:
        action()
        return round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
    finally:
        tracemalloc.stop()


def machine() -> dict:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return {"cores": len(os.sched_getaffinity(0)), "postgres": postgres, "python": platform.python_version(),
            "django": get_version()}


# The baselines: what each page shows, read by one hand-written query.

_PREVIOUS_KEYWORKER = """
    LEFT JOIN LATERAL (
        SELECT u.id AS previous_keyworker_id, u.first_name || ' ' || u.last_name AS previous_keyworker_name
        FROM keyworkers_allocation a
        JOIN cases_case earlier ON earlier.id = a.case_id
        JOIN auth_user u ON u.id = a.keyworker_id
        WHERE earlier.person_id = q.person_id AND earlier.id <> q.id
        ORDER BY a.allocated_at DESC LIMIT 1
    ) previous ON true
"""

QUEUE_SQL = f"""
    SELECT q.*, previous.* FROM (
        SELECT c.id, c.person_id, c.route, c.submitted_at, c.young_adult_offer, c.womens_offer, c.override_reason,
            p.first_names, p.last_name, p.postcode, count(*) OVER () AS waiting
        FROM cases_case c LEFT JOIN cases_person p ON p.id = c.person_id
        WHERE c.status = 'awaiting_allocation'
        ORDER BY c.submitted_at, c.id LIMIT 50
    ) q
    {_PREVIOUS_KEYWORKER}
    ORDER BY q.submitted_at, q.id
"""

# The team's keyworkers with their open cases by state, points, recent allocations and overdue reviews.
_KEYWORKERS = """
    WITH keyworker AS (
        SELECT u.id, u.first_name, u.last_name, sp.area, sp.fte, sp.capacity_points, sp.availability,
            (SELECT string_agg(s.name, ', ' ORDER BY s.name) FROM keyworkers_staffprofile_specialisms ss
             JOIN keyworkers_specialism s ON s.id = ss.specialism_id WHERE ss.staffprofile_id = sp.id) AS specialisms,
            t.points_to_contact, t.points_assessment,
            t.points_active, t.points_enhanced
        FROM auth_user u
        JOIN keyworkers_staffprofile sp ON sp.user_id = u.id
        JOIN keyworkers_team t ON t.id = sp.team_id
        WHERE sp.team_id = %s AND u.is_active
            AND EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                        WHERE ug.user_id = u.id AND g.name = 'Keyworker')
    ), held AS (
        SELECT k.id,
            count(*) FILTER (WHERE c.status = 'allocated') AS to_contact,
            count(*) FILTER (WHERE c.status = 'assessment') AS in_assessment,
            count(*) FILTER (WHERE c.status = 'active') AS active,
            sum(CASE c.status WHEN 'allocated' THEN k.points_to_contact WHEN 'assessment' THEN k.points_assessment
                              ELSE k.points_active END
                + CASE WHEN c.young_adult_offer OR c.womens_offer THEN k.points_enhanced ELSE 0 END) AS points
        FROM keyworker k
        JOIN keyworkers_allocation a ON a.keyworker_id = k.id AND a.ended_at IS NULL
        JOIN cases_case c ON c.id = a.case_id AND c.status IN ('allocated', 'assessment', 'active')
        GROUP BY k.id
    ), recent AS (
        SELECT a.keyworker_id AS id, count(*) AS allocated_last_7_days
        FROM keyworker k JOIN keyworkers_allocation a ON a.keyworker_id = k.id
        WHERE a.allocated_at >= now() - interval '7 days'
        GROUP BY a.keyworker_id
    ), overdue AS (
        SELECT a.keyworker_id AS id, count(*) AS reviews_overdue
        FROM keyworker k
        JOIN keyworkers_allocation a ON a.keyworker_id = k.id
        JOIN keyworkers_allocationreview r ON r.allocation_id = a.id
        WHERE r.reviewed_at IS NULL AND r.due_on < current_date
        GROUP BY a.keyworker_id
    )
    SELECT k.id, k.first_name, k.last_name, k.area, k.fte, k.capacity_points, k.availability, k.specialisms,
        coalesce(held.to_contact, 0) AS to_contact,
        coalesce(held.in_assessment, 0) AS in_assessment, coalesce(held.active, 0) AS active,
        coalesce(held.points, 0) AS points, coalesce(recent.allocated_last_7_days, 0) AS allocated_last_7_days,
        coalesce(overdue.reviews_overdue, 0) AS reviews_overdue
    FROM keyworker k
    LEFT JOIN held ON held.id = k.id
    LEFT JOIN recent ON recent.id = k.id
    LEFT JOIN overdue ON overdue.id = k.id
"""

CHOOSER_SQL = f"""
    WITH the_case AS (
        SELECT q.*, previous.* FROM (
            SELECT c.id AS case_id, c.id, c.person_id, c.status AS case_status, c.route, c.young_adult_offer AS case_young,
                c.womens_offer AS case_women, p.first_names AS person_first_names, p.last_name AS person_last_name,
                p.postcode AS person_postcode
            FROM cases_case c LEFT JOIN cases_person p ON p.id = c.person_id
            WHERE c.id = %s
        ) q
        {_PREVIOUS_KEYWORKER}
    )
    SELECT keyworkers.*, the_case.* FROM ({_KEYWORKERS}) keyworkers CROSS JOIN the_case
    ORDER BY keyworkers.first_name, keyworkers.last_name
"""

TEAM_SQL = f"""
    SELECT keyworkers.*, (SELECT count(*) FROM cases_case WHERE status = 'awaiting_allocation') AS waiting
    FROM ({_KEYWORKERS}) keyworkers
    ORDER BY keyworkers.first_name, keyworkers.last_name
"""

CASELOAD_SQL = """
    SELECT c.id, c.status, c.route, c.closed_at, c.young_adult_offer, c.womens_offer, p.first_names, p.last_name,
        a.allocated_at, crime.reference,
        count(*) FILTER (WHERE c.status = 'allocated') OVER () AS to_contact,
        count(*) FILTER (WHERE c.status = 'assessment') OVER () AS assessment,
        count(*) FILTER (WHERE c.status = 'active') OVER () AS active,
        count(*) FILTER (WHERE c.closed_at IS NOT NULL) OVER () AS recently_closed
    FROM keyworkers_allocation a
    JOIN cases_case c ON c.id = a.case_id
    LEFT JOIN cases_person p ON p.id = c.person_id
    LEFT JOIN LATERAL (SELECT reference FROM cases_crime WHERE case_id = c.id ORDER BY id LIMIT 1) crime ON true
    WHERE a.keyworker_id = %s
        AND ((a.ended_at IS NULL AND c.status IN ('allocated', 'assessment', 'active'))
             OR c.closed_at >= now() - interval '30 days')
    ORDER BY c.status, a.allocated_at, c.id
    LIMIT 50
"""


# --- The report -----------------------------------------------------------------


def results_markdown(rows: list[Row], seeds: dict[str, SeedInfo], machine: dict, *, day: date, repeats: int = 30,
                     warmups: int = 3) -> str:
    lines = [
        f"# Benchmark results, {day.isoformat()}",
        "",
        (
            "Server time of each page through Django's test client (DEBUG off) against PostgreSQL, median and "
            f"95th percentile of {repeats} requests after {warmups} warm-ups; queries counted on one more request "
            "and peak Python memory (tracemalloc) on another. Baselines, measured in the same run: one hand-written "
            "SQL query reading what the page shows, and the Django admin list of cases. See bench/README.md."
        ),
        "",
        (
            f"Machine: {machine['cores']} cores (nproc), PostgreSQL {machine['postgres']}, "
            f"Python {machine['python']}, Django {machine['django']}."
        ),
        "",
        "Seeding (bulk SQL, then VACUUM ANALYZE): " + "; ".join(
            f"{size} {_duration(info.seconds)}"
            + (f" (seeded {info.seeded_on}, reused)" if info.reused else f" (plus {_duration(info.migrate_seconds)} of migrations)")
            for size, info in seeds.items()
        ) + ".",
        "",
        "| size | page | cases | queries | median ms | p95 ms | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {row.size} | {row.page} | {row.cases:,} | {row.queries} | {row.median_ms:.1f} | {row.p95_ms:.1f} | {row.peak_mb:.2f} |"
        for row in rows
    ]
    lines += ["", "Targets:", ""] + [f"- {line}" for line in targets(rows, seeds)]
    return "\n".join(lines) + "\n"


def targets(rows: list[Row], seeds: dict[str, SeedInfo]) -> list[str]:
    """The issue's targets, each met or missed, in words."""
    lines = []
    pages = [row for row in rows if not row.baseline]
    for name in dict.fromkeys(row.page for row in pages):
        counts = {row.size: row.queries for row in pages if row.page == name}
        same = len(set(counts.values())) == 1
        detail = ", ".join(f"{size} {count}" for size, count in counts.items())
        lines.append(f"{name}: query count the same at every size ({detail}): {'met' if same else 'MISSED'}")
    for row in pages:
        if row.size == "national":
            met = row.p95_ms < P95_TARGET_MS
            lines.append(f"{row.page}: p95 under {P95_TARGET_MS} ms at national size ({row.p95_ms:.0f} ms): "
                         f"{'met' if met else 'MISSED'}")
    if "national" in seeds:
        seconds = seeds["national"].seconds
        met = seconds < NATIONAL_SEED_TARGET_SECONDS
        lines.append(f"national seeding under 15 minutes ({_duration(seconds)}): {'met' if met else 'MISSED'}")
    return lines


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {round(seconds % 60):02d} s"


def results_write(text: str, *, directory: Path, day: date, label: str = "") -> list[Path]:
    """<date>.md and latest.md; with a label (a run of some pages), <label>-<date>.md and <label>-latest.md."""
    directory.mkdir(parents=True, exist_ok=True)
    prefix = f"{label}-" if label else ""
    paths = [directory / f"{prefix}{day.isoformat()}.md", directory / f"{prefix}latest.md"]
    for path in paths:
        path.write_text(text)
    return paths


# --- Orchestration: databases and processes -----------------------------------------


def database_url(size: str, *, prefix: str = "") -> str:
    """BENCH_DATABASE_PREFIX (default oocr_bench_) names the databases: engineers sharing a server keep theirs apart."""
    server = urlsplit(os.environ.get("BENCH_DATABASE_URL") or DEFAULT_SERVER)
    prefix = prefix or os.environ.get("BENCH_DATABASE_PREFIX") or "oocr_bench_"
    return urlunsplit((server.scheme, server.netloc, f"/{prefix}{size}", "", ""))


def load_database_url(size: str) -> str:
    """The load test's database, `<prefix>load_<size>` (oocr_bench_load_<size> unless BENCH_DATABASE_PREFIX is set)."""
    return database_url(size, prefix=f"{os.environ.get('BENCH_DATABASE_PREFIX') or 'oocr_bench_'}load_")


def _connect(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


def _child_env(url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oocr.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-not-a-secret",
        "DEBUG": "false",
        "STATIC_MANIFEST": "false",
        "SECURE_SSL_REDIRECT": "false",
        # The pages are measured signed in with force_login: two-factor sign-in (on whenever DEBUG is off) is not.
        "OOCR_REQUIRE_2FA": "false",
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # Whitenoise warns once that there is no collectstatic output: static files are not what is measured.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }


def _run(args: list[str], url: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], env=_child_env(url), cwd=ROOT, check=True)
    return time.perf_counter() - started


def _seeded(url: str, size: str) -> SeedInfo | None:
    """The seed already in the database, if it is the one this version of bench/seed.py would write."""
    import psycopg

    try:
        connection = _connect(url)
    except psycopg.OperationalError:  # no such database
        return None
    with connection:
        if connection.execute("SELECT to_regclass('bench_seed')").fetchone()[0] is None:
            return None
        row = connection.execute("SELECT cases, seed_version, seconds, seeded_at::date FROM bench_seed").fetchone()
        if row is None or row[0] != SIZES[size].cases or row[1] != SEED_VERSION:
            return None
        if connection.execute("SELECT count(*) FROM cases_case").fetchone()[0] != SIZES[size].cases:
            return None
        return SeedInfo(seconds=row[2], migrate_seconds=None, seeded_on=row[3].isoformat(), reused=True)


def prepare(size: str, *, reseed: bool, url: str | None = None) -> SeedInfo:
    """A migrated, seeded and analysed database for `size` (at `url`, by default oocr_bench_<size>), reused when it
    holds this seed already."""
    url = url or database_url(size)
    name = urlsplit(url).path.lstrip("/")
    cached = None if reseed else _seeded(url, size)
    if cached:
        print(f"[{size}] reusing {name}, seeded {cached.seeded_on} (--reseed to seed again)", flush=True)
        _run(["manage.py", "migrate", "--no-input", "-v0"], url)  # a new migration (an index) still applies
        return cached
    print(f"[{size}] creating {name} and migrating", flush=True)
    with _connect(urlunsplit(urlsplit(url)._replace(path="/postgres"))) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    migrate_seconds = _run(["manage.py", "migrate", "--no-input", "-v0"], url)
    print(f"[{size}] seeding {SIZES[size].cases:,} cases", flush=True)
    seconds = _run(["-m", "bench.seed", size], url)
    started = time.perf_counter()
    with _connect(url) as connection:
        connection.execute("VACUUM (ANALYZE)")
        seconds += time.perf_counter() - started
        connection.execute("CREATE TABLE bench_seed (cases int, seed_version int, seconds float8, seeded_at timestamptz)")
        connection.execute("INSERT INTO bench_seed VALUES (%s, %s, %s, now())", [SIZES[size].cases, SEED_VERSION, seconds])
    print(f"[{size}] seeded in {_duration(seconds)}", flush=True)
    return SeedInfo(seconds=seconds, migrate_seconds=migrate_seconds, seeded_on=date.today().isoformat(), reused=False)


def measure_in_process(size: str, *, repeats: int, warmups: int, pages: tuple[str, ...] = ()) -> tuple[list[Row], dict]:
    print(f"[{size}] measuring", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "rows.json"
        _run(["-m", "bench.run", "--measure", size, "--out", str(out), "--repeats", str(repeats),
              "--warmups", str(warmups), *[f"--pages={name}" for name in pages]], database_url(size))
        result = json.loads(out.read_text())
    return [Row(**row) for row in result["rows"]], result["machine"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", metavar="size", help=f"any of {', '.join(SIZES)} (default: all three)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database holds the dataset")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where to write the Markdown table")
    parser.add_argument("--pages", action="append", default=[], metavar="name",
                        help='only the rows whose name starts with this ("search", "chooser"; repeat for more); '
                             "the table is written as <pages>-<sizes>-<date>.md, not latest.md")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # in the child process: measure this size
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        import django

        django.setup()
        rows = measure(size=args.measure, repeats=args.repeats, warmups=args.warmups, pages=tuple(args.pages))
        args.out.write_text(json.dumps({"rows": [asdict(row) for row in rows], "machine": machine()}))
        return 0

    sizes = list(dict.fromkeys(args.sizes or SIZES))
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}")
    seeds, rows, machine_info = {}, [], {}
    for size in sizes:
        seeds[size] = prepare(size, reseed=args.reseed)
        size_rows, machine_info = measure_in_process(size, repeats=args.repeats, warmups=args.warmups,
                                                     pages=tuple(args.pages))
        rows += size_rows
    day = date.today()
    text = results_markdown(rows, seeds, machine_info, day=day, repeats=args.repeats, warmups=args.warmups)
    named = [name.split(":")[0].strip().replace(" ", "-") for name in args.pages if not name.startswith("baseline")]
    label = "-".join([*named, *sizes]) if args.pages else ""  # the baseline beside some pages does not name the file
    paths = results_write(text, directory=args.results, day=day, label=label)
    print()
    print(text)
    print("Written to " + ", ".join(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path) for path in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
