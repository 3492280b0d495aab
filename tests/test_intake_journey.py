"""An evidence review officer submits an eligible case and an ineligible one, in the system Chromium."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from cases.services import offence_import_csv
from oocr.accounts.tests.factories import EvidenceReviewOfficerFactory
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def offence_catalogue(transactional_db):
    """Browser tests empty the database between tests; reload the default catalogue through the real import."""
    offence_import_csv(text=(Path(settings.BASE_DIR) / "cases/data/offences.csv").read_text(encoding="utf-8"))


def enter_case(page, *, reference: str, offence: str, last_name: str, step: str) -> None:
    """Fill in every section of a new submission, checking each page with axe."""
    click_and_wait(page, "#start-submission")
    page.fill("#id_first_names", "Kelly")
    page.fill("#id_last_name", last_name)
    for part, value in zip("012", ["14", "6", "2001"]):
        page.fill(f"#id_date_of_birth_{part}", value)
    page.check("input[name=sex][value=female]")
    page.fill("#id_address_line_1", "4 Quay Street")
    page.fill("#id_town", "Truro")
    page.fill("#id_postcode", "tr1 2ab")
    page.fill("#id_phone", "07700 900123")
    check_and_capture(page, f"intake-{step}-1-person")
    click_and_wait(page, "#id_continue")

    offence_date = timezone.localdate() - timezone.timedelta(days=4)
    page.fill("#id_reference", reference)
    page.select_option("#id_offence_1", label=offence)
    for part, value in zip("012", [offence_date.day, offence_date.month, offence_date.year]):
        page.fill(f"#id_offence_date_{part}", str(value))
    page.fill("#id_offence_postcode", "TR1 3XX")
    page.fill("#id_officer_name", "PC Sam Hicks")
    page.fill("#id_officer_collar_number", "4521")
    page.fill("#id_officer_email", "sam.hicks@example.org")
    check_and_capture(page, f"intake-{step}-2-crime")
    click_and_wait(page, "#id_continue")

    check_and_capture(page, f"intake-{step}-3-victims")
    click_and_wait(page, "#id_continue")  # no identified victim

    for code, answer in [("consent", "yes"), ("admission", "admitted"), ("no_dvpo", "no"), ("no_court_order", "no"),
                         ("no_prison_licence", "no"), ("no_other_bail", "no")]:
        page.check(f"input[name={code}][value={answer}]")
    for name in ("previous_offences", "previous_cautions", "previous_convictions"):
        page.fill(f"#id_{name}", "0")
    check_and_capture(page, f"intake-{step}-4-questions")
    click_and_wait(page, "#id_continue")


@pytest.mark.django_db(transaction=True)
def test_an_officer_submits_an_eligible_case_and_closes_an_ineligible_one(live_server, page, offence_catalogue):
    officer = EvidenceReviewOfficerFactory()
    sign_in(page, live_server, officer)
    check_and_capture(page, "intake-0-start")

    enter_case(page, reference="CR/4001/26", offence="Theft from a shop (Theft Act 1968 s.1)", last_name="Trewartha", step="eligible")
    assert page.locator("h1").inner_text() == "Check your answers"
    assert page.locator("[data-testid=eligibility-results] .govuk-tag--red").count() == 0
    check_and_capture(page, "intake-eligible-5-check")
    page.check("input[name=route][value=deferred_caution]")
    click_and_wait(page, "#id_submit")
    assert page.locator(".govuk-panel__title").inner_text() == "Case submitted"
    check_and_capture(page, "intake-eligible-6-done")

    page.goto(f"{live_server.url}/intake/")
    enter_case(page, reference="CR/4002/26", offence="Robbery of personal property (Theft Act 1968 s.8)", last_name="Nance", step="ineligible")
    failed = page.locator("[data-testid=eligibility-results] tr", has=page.locator(".govuk-tag--red"))
    assert failed.count() == 1
    assert "indictable" in failed.first.inner_text()
    check_and_capture(page, "intake-ineligible-5-check")
    page.check("input[name=decision][value=closed_ineligible]")
    click_and_wait(page, "#id_submit")
    assert page.locator(".govuk-panel__title").inner_text() == "Case closed as ineligible"

    page.goto(f"{live_server.url}/intake/")
    rows = page.locator("[data-testid=submissions] tbody tr")
    assert rows.count() == 2
    assert "Case closed" not in rows.all_inner_texts()[0]
    texts = " ".join(rows.all_inner_texts())
    assert "CR/4001/26" in texts and "Waiting for allocation" in texts
    assert "CR/4002/26" in texts and "Ineligible" in texts
    check_and_capture(page, "intake-7-list")

    closed = Case.objects.get(crimes__reference="CR/4002/26")
    page.goto(f"{live_server.url}/intake/{closed.pk}/")
    assert "Robbery of personal property" in page.locator("[data-testid=eligibility-results]").inner_text()
    check_and_capture(page, "intake-8-closed-case")
    assert Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION, created_by=officer).count() == 1
