"""The evaluation benchmark at a tiny size: the seed holds together, the check equals the hand-written query."""

import pytest
from django.db import connection

from bench import evaluation
from cases.models import Case
from evaluation.models import CrimeRecord

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the evaluation benchmark seeds with PostgreSQL-only SQL: set DATABASE_URL=postgres://... to run it"),
    pytest.mark.django_db,
]

TINY = evaluation.Size(cases=400, records=4_000)


def test_a_tiny_seed_gives_closed_cases_with_matched_records_and_the_check_equals_the_query():
    evaluation.seed(TINY)
    assert Case.objects.count() == 400
    assert set(Case.objects.values_list("status", flat=True)) == {"completed", "declined", "breached"}
    assert CrimeRecord.objects.filter(person__isnull=True).count() == 0

    check = evaluation.measure_check()
    assert check["same_as_query"] is True
    assert check["results"] == 400 and 0 < check["reoffended"] < 400


def test_a_small_import_pass_loads_then_adds_nothing_the_second_time():
    evaluation.seed(TINY)
    imported = evaluation.measure_import(2_000, extract_in_a_process=False)
    assert imported["rows"] == 2_000
    assert imported["matched"] == 2_000  # a fifth by names and date of birth, the rest by PNC ID
    assert imported["reimport_new_rows"] == 0


def test_the_reports_pass_publishes_draws_and_opens_every_page(settings):
    # What `make bench` measures at national size, at a tiny one: every page answers, and what publishing drew is
    # kept with the run (the opening page's figures and 4 charts, 8 breakdowns' figures and charts, the time-to-reoffence
    # figures and chart, for the one follow-up), so that the pages read it rather than compute it.
    settings.DISCLOSURE_THRESHOLD = 0
    evaluation.seed(TINY)
    evaluation.measure_check()
    timings = evaluation.measure_reports()
    assert timings["kept with the run (figures and charts)"] == 1 + 4 + 8 * 2 + 2
    for page in ("cohort report page", "time to reoffence page", "outcomes dashboard"):
        assert f"{page}: first" in timings and f"{page}: median of {evaluation.REPORT_REPEATS}" in timings
    # New filters: their first answer (at this size the page itself, below the background threshold) and again.
    new_filters = "new filters: time to reoffence page, women"
    assert f"{new_filters}: first answer" in timings and f"{new_filters}: median of {evaluation.REPORT_REPEATS}" in timings
    lines = evaluation._reports_lines([{"size": "tiny", "cases": 400, "reports": timings, "reports_peak_mb": 1}])
    assert any("drawing at publish under 5 minutes" in line for line in lines)
