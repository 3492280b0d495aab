"""How long a new web worker takes to be ready: `python -m bench.startup [--runs 3]`.

Each run is a fresh interpreter (DEBUG off, as gunicorn's master would be) that times, in process CPU and wall
clock: `django.setup()` (settings and every app), loading the URL configuration (importing every view module,
which is where statistics and charting libraries used to come in), and the first request through the WSGI
handler (the sign-in page: middleware, templates, a database connection). It also says whether any of the heavy
libraries were imported on the way. Target (issue 15): a worker ready in under 3 s. Writes
bench/results/startup-latest.md. A benchmark, not a test: nothing fails, the table says.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import date

from bench.run import ROOT, _child_env, load_database_url

RESULTS = ROOT / "bench" / "results" / "startup-latest.md"
TARGET_SECONDS = 3.0
HEAVY = ("scipy", "matplotlib", "lifelines", "statsmodels", "pandas", "numpy")

CHILD = r"""
import json, sys, time
marks = {"start": (time.process_time(), time.perf_counter())}
import django
django.setup()
marks["setup"] = (time.process_time(), time.perf_counter())
from django.urls import get_resolver
resolver = get_resolver()
resolver.url_patterns
resolver.resolve("/account/sign-in/")
marks["urls"] = (time.process_time(), time.perf_counter())
from django.core.handlers.wsgi import WSGIHandler
from django.test.client import RequestFactory
handler = WSGIHandler()
environ = RequestFactory().get("/account/sign-in/").environ
statuses = []
response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
b"".join(response)
marks["first request"] = (time.process_time(), time.perf_counter())
response = handler(RequestFactory().get("/account/sign-in/").environ, lambda *args: statuses.append(args[0]))
b"".join(response)
marks["second request"] = (time.process_time(), time.perf_counter())
heavy = [name for name in %r if name in sys.modules]
print(json.dumps({"marks": marks, "statuses": statuses, "heavy": heavy}))
""" % (HEAVY,)


def run_once(url: str) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD], env={**_child_env(url), "ALLOWED_HOSTS": "testserver"},
                            cwd=ROOT, capture_output=True, text=True, check=True)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    marks, steps, previous = data["marks"], {}, None
    for name, (cpu, wall) in marks.items():
        if previous is not None:
            steps[name] = (cpu - previous[0], wall - previous[1])
        previous = (cpu, wall)
    return {"steps": steps, "statuses": data["statuses"], "heavy": data["heavy"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="force", help="the load test database (oocr_bench_load_<size>) to connect to")
    args = parser.parse_args(argv)
    url = os.environ.get("STARTUP_DATABASE_URL") or load_database_url(args.size)
    runs = [run_once(url) for _ in range(args.runs)]
    names = list(runs[0]["steps"])
    load = os.getloadavg()[0]
    lines = [
        f"# Worker start-up, {date.today().isoformat()}",
        "",
        f"`python -m bench.startup`: {args.runs} fresh interpreters, DEBUG off; median of each step, process CPU and "
        f"wall clock (load average {load:.2f} on {len(os.sched_getaffinity(0))} cores when it ran).",
        "",
        "| step | CPU s | wall s |",
        "|---|---:|---:|",
    ]
    for name in names:
        cpu = statistics.median(run["steps"][name][0] for run in runs)
        wall = statistics.median(run["steps"][name][1] for run in runs)
        lines.append(f"| {name} | {cpu:.2f} | {wall:.2f} |")
    ready = [sum(run["steps"][name][0] for name in names[:3]) for run in runs]
    ready_wall = [sum(run["steps"][name][1] for name in names[:3]) for run in runs]
    heavy = sorted({name for run in runs for name in run["heavy"]})
    statuses = sorted({status for run in runs for status in run["statuses"]})
    lines += [
        f"| **ready (setup, URLs, first request)** | **{statistics.median(ready):.2f}** | **{statistics.median(ready_wall):.2f}** |",
        "",
        f"Answers: {', '.join(statuses)}. Heavy libraries imported by then: {', '.join(heavy) or 'none'}.",
        "",
        f"- ready in under {TARGET_SECONDS:.0f} s of CPU ({statistics.median(ready):.2f} s): "
        f"{'met' if statistics.median(ready) < TARGET_SECONDS else 'MISSED'}",
        f"- no statistics or charting library imported to serve a page: {'met' if not heavy else 'MISSED'}",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
