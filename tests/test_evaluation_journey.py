"""The evaluation in the system Chromium: an administrator loads an extract, runs and publishes the check, reads the report,
downloads a table."""

import csv
from datetime import date

import pytest

from evaluation.models import CrimeRecord
from evaluation.tests.factories import CompletedCaseFactory, DeclinedCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.audit.models import AccessLog
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser

HEADER = "crime_reference,event_type,offence_code,offence_title,offence_date,outcome_date,pnc_id,surname,forenames,date_of_birth\n"


def closed(factory, number):
    return factory(person__pnc_id=f"2010/{number:07d}A", crime__offence_date=date(2023, 12, 1),
                   closed__on=date(2024, 5, 1), closed__decided_on=date(2024, 1, 10))


@pytest.mark.django_db(transaction=True)
def test_an_administrator_loads_an_extract_runs_the_check_and_downloads_the_report(live_server, page, tmp_path):
    completers = [closed(CompletedCaseFactory, n) for n in range(4)]
    court = [closed(DeclinedCaseFactory, n) for n in range(10, 13)]
    lines = [f"RMS/{n},conviction,AS-ABH,ABH,2024-06-0{n + 1},2024-09-01,{case.person.pnc_id},{case.person.last_name},"
             f"{case.person.first_names},{case.person.date_of_birth}" for n, case in enumerate([completers[0], *court[:2]])]
    extract = tmp_path / "rms-extract.csv"
    extract.write_text(HEADER + "\n".join(lines) + "\n")

    sign_in(page, live_server, AdministratorFactory())
    page.goto(f"{live_server.url}/evaluation/")
    check_and_capture(page, "evaluation-1-home")
    click_and_wait(page, "#new-import")
    page.set_input_files("#id_file", str(extract))
    check_and_capture(page, "evaluation-2-upload")
    click_and_wait(page, "#id_submit")
    assert page.inner_text("#import-status") == "Loaded"
    assert CrimeRecord.objects.filter(person__isnull=False).count() == 3
    check_and_capture(page, "evaluation-3-import-loaded")

    page.goto(f"{live_server.url}/evaluation/")
    for part, value in zip("012", ["1", "11", "2026"]):
        page.fill(f"#id_as_of_{part}", value)
    click_and_wait(page, "#id_submit")
    assert "has started" in page.inner_text(".govuk-notification-banner")
    check_and_capture(page, "evaluation-4-check-run")

    # The check changes no report until it is published from its page, after a confirmation.
    click_and_wait(page, "table a.govuk-link >> nth=0")
    assert page.inner_text("#run-status") == "Finished: not published"
    click_and_wait(page, "#publish")
    assert "the cohort report, the outcomes dashboard and their downloads will use it" in page.inner_text("#publish-warning")
    check_and_capture(page, "evaluation-5-publish")
    click_and_wait(page, "#id_submit")
    assert "Published:" in page.inner_text(".govuk-notification-banner")
    assert page.inner_text("#run-status") == "Published"

    click_and_wait(page, "a:has-text('cohort report')")
    assert "As at 1 November 2026" in page.inner_text("[data-testid=published-run]")
    events = page.inner_text("[data-testid=definition-events-that-count]")
    assert "Caution" in events and "Conviction" in events
    assert "fewer than 10" in page.inner_text("[data-testid=disclosure-rule]")
    table = page.locator("[data-testid=groups-table]")
    # 1 of 4 completers, 2 of 3 who chose court: groups this small show no count and no rate.
    assert "25.0%" not in table.inner_text() and "66.7%" not in table.inner_text()
    assert "fewer than 10" in table.inner_text()
    assert page.locator("img.oocr-chart").count() == 4
    check_and_capture(page, "evaluation-6-report")
    with page.expect_download() as download:
        page.click("[data-testid=export-groups]")
    with open(download.value.path(), newline="") as exported:
        rows = list(csv.reader(exported))
    blank = rows.index([])
    assert dict(rows[:blank])["as at"] == "2026-11-01"
    assert "Conviction" in dict(rows[:blank])["events that count"]
    assert rows[blank + 2][:3] == ["Completed the contract", "fewer than 10", "fewer than 10"]
    assert AccessLog.objects.filter(kind=AccessLog.Kind.DISCLOSURE).count() == 1
