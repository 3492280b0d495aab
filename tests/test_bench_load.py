"""The load test's verdicts on the issue's targets (bench/load.py `targets`), on hand-made results."""

from bench.load import targets


def _level(users, rps, p95, cpu=15.0, errors=0):
    pages = {page: {"cpu_median_ms": cpu} for page in ("caseload", "case page", "allocation queue", "team view",
                                                       "notifications")}
    return {"users": users, "rps": rps, "p95_ms": p95, "errors": errors, "load_before": (1.0, 1.0, 1.0), "pages": pages}


def _verdicts(levels, lost=0):
    return targets({"levels": levels, "writes": {"lost": lost, "duplicated": 0}})


def test_the_capacity_is_the_busiest_level_whose_p95_stayed_under_500_ms():
    verdicts = _verdicts([_level(10, 64.0, 240.0), _level(25, 70.0, 520.0), _level(50, 66.0, 900.0)])
    assert verdicts[3].startswith("at least 60 requests/s at p95 under 500 ms (64.0 at 10 users") and verdicts[3].endswith("met")
    assert "66.0 requests/s, p95 900.0 ms" in verdicts[4]


def test_no_level_under_500_ms_or_too_few_requests_misses_the_capacity():
    assert _verdicts([_level(10, 80.0, 510.0)])[3].endswith("no level had p95 under 500 ms): MISSED")
    assert _verdicts([_level(10, 59.4, 247.5)])[3].endswith("MISSED")


def test_errors_lost_writes_and_cpu_are_judged_at_50_users():
    verdicts = _verdicts([_level(10, 64.0, 240.0), _level(50, 60.0, 800.0, cpu=21.0, errors=2)], lost=1)
    assert [verdict.rsplit(": ", 1)[1] for verdict in verdicts[:3]] == ["MISSED", "MISSED", "MISSED"]
    assert "(worst 21.0 ms)" in verdicts[2]
