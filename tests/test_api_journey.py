"""The integration in the system Chromium: an administrator adds a client and reads the reference; the client sends a
crime in over HTTP; an evidence review officer finds the draft in their list. Every page is axe-checked."""

import pytest
import requests

from api.tests.helpers import body, offence_codes_map
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_an_administrator_adds_a_client_that_sends_a_crime_an_officer_then_finds(live_server, page):
    offence_codes_map()
    sign_in(page, live_server, AdministratorFactory())
    page.goto(f"{live_server.url}/administration/api-clients/")
    check_and_capture(page, "api-1-clients")
    click_and_wait(page, "text=Add a client")
    click_and_wait(page, "#id_submit")  # nothing entered: the GOV.UK error summary
    assert "Enter the client's name" in page.inner_text(".govuk-error-summary")
    check_and_capture(page, "api-2-add-errors")
    page.fill("#id_name", "Niche RMS")
    page.check("input[value='referral:write']")
    page.fill("#id_allowed_addresses", "127.0.0.1")
    click_and_wait(page, "#id_submit")
    secret = page.inner_text("[data-testid=client-secret]")
    client_id = page.inner_text("dl:last-of-type code")
    check_and_capture(page, "api-3-client")
    page.goto(f"{live_server.url}/api/v1/reference/")
    assert "PUT /api/v1/referrals/{crime_reference}" in page.inner_text("main")
    check_and_capture(page, "api-4-reference")

    token = requests.post(f"{live_server.url}/api/v1/token/", data={"grant_type": "client_credentials"},
                          auth=(client_id, secret), timeout=10).json()["access_token"]
    answer = requests.put(f"{live_server.url}/api/v1/referrals/CR/05555/26", json=body(),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 201, answer.text
    case_number = answer.json()["case_number"]

    page.context.clear_cookies()
    sign_in(page, live_server, EvidenceReviewOfficerFactory())
    page.goto(f"{live_server.url}/intake/")
    assert "CR/05555/26" in page.inner_text("main")
    check_and_capture(page, "api-5-officer-list")
    click_and_wait(page, f"a:has-text('{case_number}')")
    assert f"Case {case_number} Draft" in page.inner_text("main")
    check_and_capture(page, "api-6-officer-draft")
    click_and_wait(page, "text=Check eligibility and submit")
    check = page.inner_text("main")
    assert "CR/05555/26" in check and "Penhaligon" in check and "PC Tamsin Rowe" in check
    assert "Not answered yet" in check  # consent and the other questions are for the officer to ask
    check_and_capture(page, "api-7-officer-check")
