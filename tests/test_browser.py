"""Browser journeys in the system Chromium: each role signs in, sees its navigation, signs out.

Every page visited is checked with axe-core against the WCAG 2.0/2.1/2.2 A and AA
rules, and a screenshot of it is written to test-results/screenshots/.
"""

import pytest

from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import FACTORY_BY_ROLE, PASSWORD
from tests.browser import check_and_capture

pytestmark = pytest.mark.browser

EXPECTED = {
    Role.EVIDENCE_REVIEW_OFFICER: ("/today/", "Today", ["Today", "Intake"]),
    Role.KEYWORKER: ("/today/", "Today", ["Today", "My caseload", "Partners"]),
    Role.SUPERVISOR: ("/today/", "Today", ["Today", "Allocation", "Team", "Partners"]),
    Role.TEAM_MANAGER: ("/today/", "Today", ["Today", "Allocation", "Team", "Outcomes", "Partners", "Retention"]),
    Role.ADMINISTRATOR: ("/administration/", "Administration", ["Administration", "Evaluation", "Outcomes", "Intake", "Partners", "Retention"]),
    Role.TRIAL_MANAGER: ("/trials/", "Trials", ["Trials"]),
}


@pytest.mark.django_db(transaction=True)
def test_sign_in_page_has_no_accessibility_violations(live_server, page):
    page.goto(f"{live_server.url}/account/sign-in/")
    assert page.locator("h1").inner_text() == "Sign in"
    check_and_capture(page, "sign-in")
    page.click("#id_submit")
    assert page.locator(".govuk-error-summary").is_visible()
    check_and_capture(page, "sign-in-errors")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", Role.ALL)
def test_each_role_signs_in_sees_its_navigation_and_signs_out(live_server, page, role):
    start_path, heading, navigation = EXPECTED[role]
    user = FACTORY_BY_ROLE[role](first_name="Alex", last_name="Morgan")

    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/account/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#id_submit")

    page.wait_for_url(f"{live_server.url}{start_path}")
    assert page.locator("h1").inner_text() == heading
    assert page.locator(".govuk-service-navigation__link").all_inner_texts() == navigation
    assert page.get_by_test_id("signed-in-user").inner_text() == "Alex Morgan"
    check_and_capture(page, f"start-{role.lower().replace(' ', '-')}")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/account/sign-in/")
    page.goto(f"{live_server.url}{start_path}")
    assert page.url.startswith(f"{live_server.url}/account/sign-in/")


@pytest.mark.django_db(transaction=True)
def test_administrator_searches_the_access_log(live_server, page):
    admin = FACTORY_BY_ROLE[Role.ADMINISTRATOR](first_name="Gareth", last_name="Wills")
    colleague = FACTORY_BY_ROLE[Role.KEYWORKER](first_name="Jess", last_name="Penrose")
    page.goto(f"{live_server.url}/account/sign-in/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("#id_submit")
    page.get_by_role("link", name="Users and roles").click()
    page.get_by_role("link", name="Jess Penrose").click()
    assert page.locator("h1").inner_text() == "Jess Penrose"
    page.goto(f"{live_server.url}/administration/access-log/")
    page.select_option("#id_user", str(admin.pk))
    page.get_by_role("button", name="Apply filters").click()
    assert f"user={admin.pk}" in page.url
    rows = page.locator("tbody .govuk-table__row")
    assert rows.count() == 1
    assert f"User {colleague.pk}" in rows.first.inner_text()
    check_and_capture(page, "access-log")
