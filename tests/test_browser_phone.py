"""The lists fit a phone: at 375 px wide no page scrolls sideways, and each passes axe (issue 17, point 4).

Each role's Today page is also kept at desktop width in test-results/screenshots/today-*.png; the README's copies in
docs/screenshots/ are copied from there by hand, so a test run leaves the checkout clean.
"""

import pytest

from cases.tests.factories import AwaitingAllocationCaseFactory, DraftCaseFactory
from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts.tests.factories import EvidenceReviewOfficerFactory, TeamManagerFactory
from tests.browser import SCREENSHOTS, check_and_capture, click_and_wait, sign_in
from today.tests.test_selectors import keyworker_work, team_work

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.django_db(transaction=True)
def test_the_lists_and_today_pages_fit_a_phone_without_scrolling_sideways(live_server, page):
    keyworker = StaffProfileFactory(user__first_name="Jess", user__last_name="Penrose").user
    supervisor = SupervisorProfileFactory(user__first_name="Ruth", user__last_name="Trelawny").user
    manager = StaffProfileFactory(user=TeamManagerFactory(first_name="Alan", last_name="Bray")).user
    officer = EvidenceReviewOfficerFactory(first_name="Peter", last_name="Chegwidden")
    keyworker_work(keyworker, supervisor)
    waiting = team_work(supervisor)["waiting"]
    DraftCaseFactory(created_by=officer)
    AwaitingAllocationCaseFactory(created_by=officer)

    pages = {
        officer: ["/today/", "/intake/"],
        keyworker: ["/today/", "/caseload/"],
        supervisor: ["/today/", "/allocation/", f"/allocation/{waiting.pk}/", "/team/"],
        manager: ["/today/", "/allocation/"],
    }
    too_wide = []
    for user, paths in pages.items():
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        sign_in(page, live_server, user)
        assert page.url == f"{live_server.url}/today/"  # every role but the administrator starts on Today
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"today-{user.groups.get().name.lower().replace(' ', '-')}.png"), full_page=True)
        for path in paths:
            name = f"phone-{user.username}-{path.strip('/').replace('/', '-')}"
            page.set_viewport_size(PHONE)
            page.goto(f"{live_server.url}{path}")
            assert page.locator("h1").count() == 1, path
            widths = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
            if widths[0] > widths[1]:
                too_wide.append(f"{path} as {user.username}: {widths[0]} px wide in {widths[1]} px")
            check_and_capture(page, name)
            page.set_viewport_size(DESKTOP)
    # The search results, as the last of them (the team manager) finds a case from the header box on a phone.
    page.set_viewport_size(PHONE)
    page.fill("#header-search", waiting.number)
    click_and_wait(page, ".oocr-header__search-button")
    assert waiting.number in page.inner_text("[data-testid=search-results]")
    widths = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    if widths[0] > widths[1]:
        too_wide.append(f"/search/: {widths[0]} px wide in {widths[1]} px")
    check_and_capture(page, "phone-search-results")
    assert too_wide == []
