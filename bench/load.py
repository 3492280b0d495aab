"""The loopback load test: `python -m bench.load [--size demo|force] [--users 10 25 50] [--seconds 20]`.

Seeds (or reuses) `oocr_bench_load_<size>` with bench/seed.py, starts gunicorn with the production settings
(gunicorn.conf.py: sync workers, two per core plus one) on a free loopback port, and signs in many people at once:
sessions made directly in the database, as `force_login` would, with a confirmed authenticator device (two-factor
sign-in is on, as in production; scripted sign-in is what axes and the codes are there to stop). Then, for each
number of concurrent users, each user's thread loops over the busiest pages for its role (a keyworker: caseload,
one of their cases, notifications; a supervisor: allocation queue, team view, notifications) and, every few pages,
a keyworker records a contact through the real form (GET the form, then POST it with its CSRF and one-time form
tokens). It stops by itself after `--seconds` per level.

Measured: requests per second, p50/p95/p99 wall time per page (client side), errors (any answer other than the
expected one), the CPU time of each request in the worker (gunicorn hooks, bench/gunicorn_load.py: process CPU,
not wall), and afterwards, in the database, writes lost (answered as saved but not there) or duplicated (there
twice). The machine's load average is written beside each level: on a shared machine wall times are pessimistic,
CPU per request much less so. Results: bench/results/load-latest.md and load-<date>.json.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

from bench.run import ROOT, _child_env, _connect, _duration, load_database_url, prepare
from bench.seed import SIZES

RESULTS_DIR = ROOT / "bench" / "results"
LEVELS = (10, 25, 50)
# The targets (`targets`).
TARGET_CPU_MS = 20
TARGET_RPS = 60
TARGET_P95_MS = 500
WRITE_EVERY = 6  # a keyworker records a contact after this many page views
PAGES = ("caseload", "case page", "allocation queue", "team view", "notifications", "contact form", "record a contact")


# --- Setting up the people, in a Django process pointed at the load database ----------------------------------


def setup(*, users: int) -> dict:
    """Sessions for `users` virtual users (about 2 in 3 keyworkers), the pages each opens, the case each writes to."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore  # the engine's (oocr.accounts.session_store) subclass
    from django.db.models import Count, Max
    from django.urls import reverse
    from django.utils import timezone as django_timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.run import OPEN_STATES
    from keyworkers.models import Allocation
    from oocr.accounts.roles import Role

    User = get_user_model()
    week_ago = django_timezone.now() - timedelta(days=7)
    # Each keyworker's open cases allocated over a week ago (a contact yesterday is inside the working period).
    held = (Allocation.objects.filter(ended_at=None, case__status__in=OPEN_STATES)
            .values("keyworker").annotate(cases=Count("id"), newest=Max("allocated_at")).order_by("keyworker"))
    cases_of = {}
    for row in held:
        ids = list(Allocation.objects.filter(keyworker_id=row["keyworker"], ended_at=None, case__status__in=OPEN_STATES,
                                             allocated_at__lt=week_ago).order_by("case_id").values_list("case_id", flat=True))
        if ids:
            cases_of[row["keyworker"]] = ids
    keyworkers = list(User.objects.filter(pk__in=cases_of).order_by("id"))
    supervisors = list(User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True).order_by("id")[:4])
    if not keyworkers or not supervisors:
        raise SystemExit("The load database has no keyworkers with open cases or no supervisors: seed it again.")

    def signed_in(user) -> str:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="load test", defaults={"confirmed": True})
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.set_expiry(settings.SESSION_COOKIE_AGE)
        session.create()
        return session.session_key

    people = []
    for index in range(users):
        if index % 3 == 2:
            user = supervisors[index // 3 % len(supervisors)]
            pages = [("allocation queue", reverse("keyworkers:allocation")), ("team view", reverse("keyworkers:team")),
                     ("notifications", reverse("notifications:list"))]
            people.append({"role": "supervisor", "session": signed_in(user), "pages": pages, "write": None})
        else:
            user = keyworkers[index % len(keyworkers)]
            case_ids = cases_of[user.pk]
            case_id = case_ids[(index // len(keyworkers)) % len(case_ids)]
            pages = [("caseload", reverse("keyworkers:caseload")), ("case page", reverse("cases:case_detail", args=[case_id])),
                     ("notifications", reverse("notifications:list"))]
            people.append({"role": "keyworker", "session": signed_in(user), "pages": pages,
                           "write": reverse("contracts:contact_new", args=[case_id])})
    return {"people": people, "session_cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME}


# --- The server ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(url: str, *, port: int, cpu_dir: Path) -> dict:
    return {**_child_env(url), "LOAD_BIND": f"127.0.0.1:{port}", "LOAD_CPU_DIR": str(cpu_dir),
            "OOCR_REQUIRE_2FA": "true", "CONN_MAX_AGE": "60"}


def server_start(url: str, *, port: int, cpu_dir: Path) -> tuple[subprocess.Popen, float]:
    """gunicorn on the port, and the seconds until it answered its first request."""
    import requests

    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "gunicorn_load.py"), "oocr.wsgi:application"],
        env=server_env(url, port=port, cpu_dir=cpu_dir), cwd=ROOT, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {process.returncode}) before answering.")
        try:
            if requests.get(f"http://127.0.0.1:{port}/account/sign-in/", timeout=5).status_code == 200:
                return process, time.perf_counter() - started
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server_stop(process)
    raise SystemExit("gunicorn did not answer within two minutes.")


def server_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def workers_cpu_seconds(master: int) -> float:
    """User and system CPU of the master and its live workers (from /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [master] + _children(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# --- The users -------------------------------------------------------------------------------------------------

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


class User(threading.Thread):
    def __init__(self, person: dict, *, base: str, cookies: dict, stop_at: float, marks, writes, samples, lock,
                 number: int):
        super().__init__(daemon=True)
        self.person, self.base, self.stop_at, self.number = person, base, stop_at, number
        self.marks, self.writes, self.samples, self.lock = marks, writes, samples, lock
        import requests

        self.http = requests.Session()
        self.http.cookies.set(cookies["session"], person["session"], domain="127.0.0.1", path="/")
        self.random = random.Random(number)

    def plain(self) -> None:
        """With DEBUG off the cookies come marked Secure: send them back over plain HTTP to 127.0.0.1, as a browser
        would through the TLS proxy (whose TLS is not what is measured here)."""
        for cookie in self.http.cookies:
            cookie.secure = False

    def record(self, page: str, started: float, ok: bool, status) -> None:
        self.plain()
        with self.lock:
            self.samples.append((page, (time.perf_counter() - started) * 1000, ok, status))

    def get(self, page: str, path: str):
        started = time.perf_counter()
        try:
            response = self.http.get(self.base + path, timeout=60, allow_redirects=False)
        except Exception as error:  # noqa: BLE001 - a refused or timed-out connection is an error to count
            self.record(page, started, False, type(error).__name__)
            return None
        ok = response.status_code == 200
        where = response.headers.get("Location", "").split("?")[0]
        self.record(page, started, ok, f"{response.status_code} {where}".strip())
        return response if ok else None

    def write(self) -> None:
        form = self.get("contact form", self.person["write"])
        if form is None:
            return
        fields = {}
        for tag in HIDDEN.findall(form.text):
            attributes = dict(ATTRIBUTE.findall(tag))
            if "name" in attributes:
                fields[attributes["name"]] = attributes.get("value", "")
        mark = next(self.marks)
        # A contact that happened yesterday, at a minute no other write of this run uses on this case.
        yesterday = date.fromordinal(date.today().toordinal() - 1 - mark["number"] // 1440)
        minute = mark["number"] % 1440
        fields.update({
            "type": "phone", "day_0": str(yesterday.day), "day_1": str(yesterday.month), "day_2": str(yesterday.year),
            "time": f"{minute // 60:02d}:{minute % 60:02d}", "place": "", "outcome": "attended",
            "duration_minutes": "15", "notes": mark["text"], "outside_reason": "Load test: a contact before the period",
        })
        started = time.perf_counter()
        try:
            response = self.http.post(self.base + self.person["write"], data=fields, timeout=60, allow_redirects=False,
                                      headers={"Referer": self.base + self.person["write"]})
        except Exception as error:  # noqa: BLE001
            self.record("record a contact", started, False, type(error).__name__)
            with self.lock:
                self.writes.append((mark["text"], "error"))
            return
        saved = response.status_code == 302 and "/contacts/" in response.headers.get("Location", "")
        self.record("record a contact", started, saved, response.status_code)
        with self.lock:
            self.writes.append((mark["text"], "saved" if saved else f"refused {response.status_code}"))

    def run(self) -> None:
        views = self.random.randrange(WRITE_EVERY)
        while time.monotonic() < self.stop_at:
            page, path = self.random.choice(self.person["pages"])
            self.get(page, path)
            views += 1
            if self.person["write"] and views % WRITE_EVERY == 0 and time.monotonic() < self.stop_at:
                self.write()


def warm_up(people: list, *, workers: int, base: str, cookies: dict) -> None:
    """Each worker compiles its templates and opens its database connection before anything is measured:
    as many users as workers (and one more) open each of their pages twice."""
    samples, lock = [], threading.Lock()
    threads = [User(people[index], base=base, cookies=cookies, stop_at=0, marks=None, writes=[], samples=samples,
                    lock=lock, number=index) for index in range(min(workers + 1, len(people)))]

    def visit(user):
        for _ in range(2):
            for page, path in user.person["pages"] + ([("contact form", user.person["write"])] if user.person["write"] else []):
                user.get(page, path)

    helpers = [threading.Thread(target=visit, args=[user], daemon=True) for user in threads]
    for helper in helpers:
        helper.start()
    for helper in helpers:
        helper.join(timeout=300)
    failed = [sample for sample in samples if not sample[2]]
    if failed:
        print(f"[load] warm-up: {len(failed)} of {len(samples)} requests failed, e.g. {failed[0]}", flush=True)


class Marks:
    """Unique notes for each contact written (the run's tag and a number), so the database can be checked."""

    def __init__(self, run: str, start: int = 0):
        self.run, self.number, self.lock = run, start, threading.Lock()

    def __next__(self) -> dict:
        with self.lock:
            number = self.number
            self.number += 1
        return {"number": number, "text": f"load {self.run} write {number}"}


def level_run(people: list, *, users: int, seconds: float, base: str, cookies: dict, marks: Marks, master: int,
              cpu_dir: Path) -> dict:
    samples, writes, lock = [], [], threading.Lock()
    load_before = os.getloadavg()
    cpu_before = workers_cpu_seconds(master)
    started_wall, started_at = time.perf_counter(), time.time()
    stop_at = time.monotonic() + seconds
    threads = [User(people[index], base=base, cookies=cookies, stop_at=stop_at, marks=marks, writes=writes,
                    samples=samples, lock=lock, number=index) for index in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started_wall
    cpu = workers_cpu_seconds(master) - cpu_before
    ended_at = time.time()
    load_after = os.getloadavg()
    per_page = {}
    cpu_per_page = _cpu_per_page(cpu_dir, started_at, ended_at)
    for page in PAGES:
        times = sorted(ms for name, ms, _, _ in samples if name == page)
        if not times:
            continue
        per_page[page] = {
            "requests": len(times), "errors": sum(1 for name, _, ok, _ in samples if name == page and not ok),
            "p50_ms": _percentile(times, 50), "p95_ms": _percentile(times, 95), "p99_ms": _percentile(times, 99),
            "cpu_median_ms": _percentile(sorted(cpu_per_page.get(page, [])), 50) if cpu_per_page.get(page) else None,
        }
    statuses = defaultdict(int)
    for _, _, ok, status in samples:
        if not ok:
            statuses[str(status)] += 1
    all_times = sorted(ms for _, ms, _, _ in samples)
    all_cpu = sorted(ms for values in cpu_per_page.values() for ms in values)
    return {
        "users": users, "seconds": round(elapsed, 1), "requests": len(samples), "rps": round(len(samples) / elapsed, 1),
        "errors": sum(1 for _, _, ok, _ in samples if not ok), "error_statuses": dict(statuses),
        "p50_ms": _percentile(all_times, 50), "p95_ms": _percentile(all_times, 95), "p99_ms": _percentile(all_times, 99),
        "cpu_ms_per_request": round(cpu * 1000 / max(len(samples), 1), 1),
        "cpu_median_ms": _percentile(all_cpu, 50) if all_cpu else None,
        "load_before": [round(value, 2) for value in load_before], "load_after": [round(value, 2) for value in load_after],
        "pages": per_page, "writes": writes,
    }


def _cpu_per_page(cpu_dir: Path, start: float, end: float) -> dict[str, list[float]]:
    """CPU ms of each request the workers finished between start and end, by page (from the hooks' files)."""
    patterns = [
        ("caseload", re.compile(r"^GET /caseload/$")), ("case page", re.compile(r"^GET /cases/\d+/$")),
        ("allocation queue", re.compile(r"^GET /allocation/$")), ("team view", re.compile(r"^GET /team/$")),
        ("notifications", re.compile(r"^GET /notifications/$")),
        ("contact form", re.compile(r"^GET /cases/\d+/contacts/new/$")),
        ("record a contact", re.compile(r"^POST /cases/\d+/contacts/new/$")),
    ]
    found = defaultdict(list)
    for path in cpu_dir.glob("*.log"):
        for line in path.read_text().splitlines():
            stamp, spent, method, url = line.split(" ", 3)
            if not start <= float(stamp) <= end + 1:
                continue
            for page, pattern in patterns:
                if pattern.match(f"{method} {url}"):
                    found[page].append(float(spent))
                    break
    return found


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[percent - 1], 1)


def writes_check(url: str, run: str, writes: list) -> dict:
    """Writes answered as saved but missing (lost), there more than once (duplicated), or there though refused."""
    with _connect(url) as connection:
        rows = dict(connection.execute(
            "SELECT notes, count(*) FROM contracts_contact WHERE notes LIKE %s GROUP BY notes", [f"load {run} write %"]
        ).fetchall())
    saved = [text for text, outcome in writes if outcome == "saved"]
    return {
        "posted": len(writes), "saved": len(saved), "refused": len(writes) - len(saved),
        "lost": sum(1 for text in saved if rows.get(text, 0) == 0),
        "duplicated": sum(1 for count in rows.values() if count > 1),
        "saved_though_refused": sum(1 for text, outcome in writes if outcome != "saved" and rows.get(text, 0) > 0),
    }


# --- Reporting -------------------------------------------------------------------------------------------------


def markdown(result: dict) -> str:
    lines = [
        f"# Load test, {result['date']}",
        "",
        f"`python -m bench.load` ({result['size']} size, {result['cases']:,} cases): gunicorn with gunicorn.conf.py "
        f"({result['workers']} sync workers on {result['cores']} cores), DEBUG off, two-factor sign-in on, PostgreSQL "
        f"on the same machine, clients on the same machine (threads, `requests`), {result['seconds_per_level']} s per "
        f"level. Each user loops over its role's pages (keyworker: caseload, a case, notifications; supervisor: "
        f"allocation queue, team view, notifications) and every {WRITE_EVERY} pages a keyworker records a contact "
        f"through the form (GET, then POST with its tokens). CPU is the gunicorn worker's process time per request "
        f"(bench/gunicorn_load.py), not wall time; load average (1 min) before and after each level beside it.",
        "",
        f"Server start to first answer: {result['startup_seconds']:.1f} s.",
        "",
        "| users | req/s | requests | errors | p50 ms | p95 ms | p99 ms | CPU ms/request (all) | median CPU ms | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for level in result["levels"]:
        lines.append(
            f"| {level['users']} | {level['rps']} | {level['requests']} | {level['errors']} | {level['p50_ms']} | "
            f"{level['p95_ms']} | {level['p99_ms']} | {level['cpu_ms_per_request']} | {level['cpu_median_ms']} | "
            f"{level['load_before'][0]} → {level['load_after'][0]} |"
        )
    lines += ["", "Per page (client wall time; CPU median from the worker):", "",
              "| users | page | requests | errors | p50 ms | p95 ms | p99 ms | median CPU ms |",
              "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for level in result["levels"]:
        for page, row in level["pages"].items():
            lines.append(f"| {level['users']} | {page} | {row['requests']} | {row['errors']} | {row['p50_ms']} | "
                         f"{row['p95_ms']} | {row['p99_ms']} | {row['cpu_median_ms']} |")
    writes = result["writes"]
    lines += ["", f"Writes (contacts recorded through the form, checked in the database afterwards): {writes['posted']} "
              f"posted, {writes['saved']} answered as saved, {writes['refused']} refused, **{writes['lost']} lost**, "
              f"**{writes['duplicated']} duplicated**, {writes['saved_though_refused']} saved though refused.", ""]
    lines += ["Targets (the issue; wall-clock ones assume an idle machine):", ""]
    lines += [f"- {line}" for line in targets(result)]
    return "\n".join(lines) + "\n"


def targets(result: dict) -> list[str]:
    """The issue's targets against a run. Errors, lost writes and CPU are judged at 50 users. "At least 60 requests/s
    at p95 under 500 ms" is a capacity: the most requests/s of a level whose p95 stayed under 500 ms. It cannot mean
    both at 50 users: each user here asks again the moment an answer comes (no time to read), so by Little's law
    the mean wait at 50 users is 50 / (requests/s), over 500 ms below 100 requests/s."""
    top = next((level for level in result["levels"] if level["users"] == 50), result["levels"][-1])
    pages = [row["cpu_median_ms"] for page, row in top["pages"].items() if page in PAGES[:5] and row["cpu_median_ms"]]
    worst = max(pages) if pages else None
    writes = result["writes"]
    within = [level for level in result["levels"] if level["p95_ms"] < TARGET_P95_MS]
    best = max(within, key=lambda level: level["rps"], default=None)
    capacity = (f"{best['rps']} at {best['users']} users, p95 {best['p95_ms']} ms, load average {best['load_before'][0]}"
                if best else f"no level had p95 under {TARGET_P95_MS} ms")
    met = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    return [
        f"0 errors at {top['users']} users ({top['errors']}): {met(top['errors'] == 0)}",
        f"0 lost writes ({writes['lost']} lost, {writes['duplicated']} duplicated): "
        f"{met(writes['lost'] == 0 and writes['duplicated'] == 0)}",
        f"median CPU per request under {TARGET_CPU_MS} ms on each of the five pages at {top['users']} users "
        f"(worst {worst} ms): {met(worst is not None and worst < TARGET_CPU_MS)}",
        f"at least {TARGET_RPS} requests/s at p95 under {TARGET_P95_MS} ms ({capacity}): "
        f"{met(best is not None and best['rps'] >= TARGET_RPS)}",
        f"at {top['users']} users: {top['rps']} requests/s, p95 {top['p95_ms']} ms (for comparison; a closed loop of "
        f"{top['users']} users cannot have both 60 requests/s and p95 under {TARGET_P95_MS} ms, see bench/README.md)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="demo", choices=[name for name in SIZES if name != "national"])
    parser.add_argument("--users", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument("--seconds", type=float, default=20, help="how long each level runs")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="", help="a word for the results file name (e.g. before, after)")
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)  # in the child process: make the sessions
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.setup:
        import django

        django.setup()
        args.out.write_text(json.dumps(setup(users=args.setup)))
        return 0

    url = load_database_url(args.size)
    prepare(args.size, reseed=args.reseed, url=url)
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "people.json"
        subprocess.run([sys.executable, "-m", "bench.load", "--setup", str(max(args.users)), "--out", str(out)],
                       env=_child_env(url), cwd=ROOT, check=True)
        people = json.loads(out.read_text())
        cpu_dir = Path(directory) / "cpu"
        cpu_dir.mkdir()
        port = free_port()
        print(f"[load] starting gunicorn on 127.0.0.1:{port}", flush=True)
        process, startup = server_start(url, port=port, cpu_dir=cpu_dir)
        run = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        # Earlier runs' contacts stay in the database: this run's take the minutes after theirs.
        with _connect(url) as connection:
            earlier = connection.execute("SELECT count(*) FROM contracts_contact WHERE notes LIKE 'load %%'").fetchone()[0]
        marks, levels, writes = Marks(run, start=earlier), [], []
        try:
            workers = len(_children(process.pid))
            base = f"http://127.0.0.1:{port}"
            cookies = {"session": people["session_cookie"]}
            print(f"[load] warming up {workers} workers", flush=True)
            warm_up(people["people"], workers=workers, base=base, cookies=cookies)
            for users in args.users:
                print(f"[load] {users} users for {args.seconds:.0f} s", flush=True)
                level = level_run(people["people"], users=users, seconds=args.seconds, base=base, cookies=cookies,
                                  marks=marks, master=process.pid, cpu_dir=cpu_dir)
                writes += level.pop("writes")
                levels.append(level)
                print(f"[load] {users} users: {level['rps']} req/s, p95 {level['p95_ms']} ms, {level['errors']} errors, "
                      f"{level['cpu_ms_per_request']} ms CPU per request, load {level['load_before'][0]}", flush=True)
        finally:
            server_stop(process)
    with _connect(url) as connection:
        cases = connection.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    result = {
        "date": date.today().isoformat(), "size": args.size, "cases": cases, "cores": len(os.sched_getaffinity(0)),
        "workers": workers, "seconds_per_level": args.seconds, "startup_seconds": round(startup, 1),
        "levels": levels, "writes": writes_check(url, run, writes),
    }
    text = markdown(result)
    args.results.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    (args.results / f"load{suffix}-latest.md").write_text(text)
    (args.results / f"load-{result['date']}{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(text)
    print(f"Written to bench/results/load{suffix}-latest.md (total {_duration(sum(level['seconds'] for level in levels))} "
          "of load)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
