"""`make bench` at a tiny size: the seeded data hangs together and one measuring pass writes its table."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count

from bench import run, seed
from cases.models import Case
from keyworkers.models import Allocation
from oocr.accounts.roles import Role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="bench seeds with PostgreSQL-only SQL: set DATABASE_URL=postgres://... to run it",
)

TINY = seed.Size("tiny", cases=300, teams=1, years=1)
PAGES = ["allocation queue", "chooser", "my caseload", "team view"]
SEARCHES = ["search: a full name", "search: a surname, two letters swapped", "search: a name and date of birth",
            "search: a case number", "search: surname before first name", "search: a crime reference",
            "search: a PNC ID"]  # no plain-SQL baseline of their own


def test_a_tiny_seed_has_cases_in_every_state_with_one_open_allocation_each(db):
    seed.seed(TINY)

    assert seed.dataset_problems() == []
    by_status = dict(Case.objects.values_list("status").annotate(n=Count("id")))
    assert sum(by_status.values()) == TINY.cases
    assert set(by_status) == set(Case.Status.values)
    open_cases = Case.objects.filter(status__in=Case.OPEN_ALLOCATED)
    open_allocations = Allocation.objects.filter(ended_at=None)
    assert open_allocations.count() == open_cases.count()  # closing a case ends its allocation
    assert not open_allocations.values("case").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert Allocation.objects.exclude(ended_at=None).exists()  # reallocation history
    keyworkers = get_user_model().objects.filter(groups__name=Role.KEYWORKER)
    assert keyworkers.count() == TINY.keyworkers_per_team
    assert not keyworkers.filter(staff_profile__isnull=True).exists()
    assert Case.objects.values("person").annotate(n=Count("id")).filter(n__gt=1).exists()  # returning people


def test_one_measuring_pass_writes_a_row_per_page_and_baseline(db, tmp_path):
    seed.seed(TINY)

    rows = run.measure(size="tiny", repeats=2, warmups=1)
    seeds = {"tiny": run.SeedInfo(seconds=1.0, migrate_seconds=2.0, seeded_on="2026-01-05", reused=False)}
    text = run.results_markdown(rows, seeds, run.machine(), day=date(2026, 1, 5), repeats=2, warmups=1)
    paths = run.results_write(text, directory=tmp_path, day=date(2026, 1, 5))

    assert [path.name for path in paths] == ["2026-01-05.md", "latest.md"]
    table = [line.split(" | ") for line in paths[0].read_text().splitlines() if line.startswith("| tiny |")]
    pages = [cells[1] for cells in table]
    assert [page for page in pages if not page.startswith("baseline")] == PAGES + SEARCHES
    assert [page for page in pages if page.startswith("baseline: plain SQL")] == [f"baseline: plain SQL, {p} rows" for p in PAGES]
    assert "baseline: Django admin list of cases" in pages
    assert all(int(cells[3]) > 0 for cells in table)  # every row ran queries
    assert "query count the same at every size (tiny " in text


def test_the_searches_alone_are_measured_with_a_constant_query_count_and_written_under_their_own_name(db, tmp_path):
    seed.seed(TINY)

    rows = run.measure(size="tiny", repeats=1, warmups=1, pages=("search",))
    assert [row.page for row in rows] == SEARCHES
    by_name = {row.page: row.queries for row in rows}
    # The names (and date of birth) take the same queries, the identifiers theirs: not one per match.
    assert by_name["search: a full name"] == by_name["search: surname before first name"] == by_name[
        "search: a surname, two letters swapped"]
    seeds = {"tiny": run.SeedInfo(seconds=1.0, migrate_seconds=None, seeded_on="2026-01-05", reused=True)}
    text = run.results_markdown(rows, seeds, run.machine(), day=date(2026, 1, 5), repeats=1, warmups=1)
    paths = run.results_write(text, directory=tmp_path, day=date(2026, 1, 5), label="search-tiny")
    assert [path.name for path in paths] == ["search-tiny-2026-01-05.md", "search-tiny-latest.md"]
