"""CPU per request on the busiest pages, and where it goes: `python -m bench.profile [--size force] [--top 25]`.

Runs in one Django process (DEBUG off, two-factor sign-in on) against the load test's database
(oocr_bench_load_<size>, made by `python -m bench.load`), through Django's test client with a session made as the
load test makes them. For each page: warm-up requests, then the median process CPU time of 30 requests
(time.process_time, not wall time), the queries and the Python function calls of one request, then cProfile over 20 more, printing the functions with the most time of their
own and in total. A tool for finding what need not run per request; `make bench` runs the load test, not this.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

from bench.run import _child_env, load_database_url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--size", default="force")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pages", nargs="*", default=None)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--only", default="", help="a regular expression: only functions whose file matches")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL")
    args = parser.parse_args(argv)
    os.environ.update({**_child_env(load_database_url(args.size)), "OOCR_REQUIRE_2FA": "true",
                       "ALLOWED_HOSTS": "testserver"})
    import django

    django.setup()
    from django.test import Client

    from bench.load import setup

    people = setup(users=3)
    keyworker, supervisor = people["people"][0], people["people"][2]
    pages = dict(keyworker["pages"]) | dict(supervisor["pages"]) | {"contact form": keyworker["write"]}
    session_of = {name: (keyworker if name in dict(keyworker["pages"]) or name == "contact form" else supervisor)["session"]
                  for name in pages}
    print(f"{'page':<18} {'median CPU ms':>14} {'queries':>8} {'calls':>8}")
    for name, url in pages.items():
        if args.pages and name not in args.pages:
            continue
        client = Client()
        client.cookies[people["session_cookie"]] = session_of[name]
        for _ in range(3):
            assert client.get(url).status_code == 200, (name, url)
        samples = []
        for _ in range(args.repeats):
            started = time.process_time()
            client.get(url)
            samples.append((time.process_time() - started) * 1000)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        captured = queries.captured_queries  # now: the next request's start empties the log
        counted = cProfile.Profile()
        counted.runcall(client.get, url)
        calls = pstats.Stats(counted).total_calls  # the machine-independent figure: CPU time moves with the machine's load
        print(f"{name:<18} {statistics.median(samples):>14.1f} {len(captured):>8} {calls:>8}", flush=True)
        if args.queries:
            for query in captured:
                print(f"    {query['sql'][:300]}")
        if args.top:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(20):
                client.get(url)
            profile.disable()
            pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(*([args.only] if args.only else []), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
