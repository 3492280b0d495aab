"""A supervisor allocates a case following the recommendation; the keyworker finds it under "To contact"."""

import pytest

from cases.tests.factories import AwaitingAllocationCaseFactory
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_supervisor_allocates_by_the_recommendation_and_the_keyworker_sees_it(live_server, browser):
    team = TeamFactory()
    supervisor = SupervisorProfileFactory(team=team, user__first_name="Mark", user__last_name="Pascoe").user
    busy = StaffProfileFactory(team=team, user__first_name="Tom", user__last_name="Hocking").user
    free = StaffProfileFactory(team=team, area="TR", user__first_name="Jess", user__last_name="Penrose").user
    AllocatedCaseFactory(keyworker=busy)
    case = AwaitingAllocationCaseFactory(person__first_names="Kelly", person__last_name="Trewartha")

    supervisor_page = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 800})
    sign_in(supervisor_page, live_server, supervisor)
    assert supervisor_page.url.endswith("/today/")
    click_and_wait(supervisor_page, ".govuk-service-navigation__link >> text=Allocation")
    check_and_capture(supervisor_page, "allocation-1-queue")
    click_and_wait(supervisor_page, f"a[href='/allocation/{case.pk}/']")
    recommendation = supervisor_page.get_by_test_id("recommendation").inner_text()
    assert "Recommended: Jess Penrose" in recommendation
    assert supervisor_page.is_checked(f"input[name=keyworker][value='{free.pk}']")
    check_and_capture(supervisor_page, "allocation-2-chooser")
    click_and_wait(supervisor_page, "#id_submit")
    assert f"Case {case.number} allocated to Jess Penrose." in supervisor_page.inner_text(".govuk-notification-banner")
    assert supervisor_page.get_by_test_id("queue-count").inner_text().startswith("0 cases")
    check_and_capture(supervisor_page, "allocation-3-queue-after")

    keyworker_page = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 800})
    sign_in(keyworker_page, live_server, free)
    assert keyworker_page.url.endswith("/today/")
    click_and_wait(keyworker_page, ".govuk-service-navigation__link >> text=My caseload")
    click_and_wait(keyworker_page, "[data-testid=tab-to_contact]")
    assert keyworker_page.get_by_test_id("tab-to_contact").inner_text() == "To contact (1)"
    rows = keyworker_page.locator("[data-testid=caseload] tbody tr")
    assert rows.count() == 1
    assert "Kelly Trewartha" in rows.first.inner_text()
    assert "New: make first contact" in rows.first.inner_text()
    check_and_capture(keyworker_page, "allocation-4-caseload")
    assert "1" in keyworker_page.inner_text(".oocr-header__count")
    click_and_wait(keyworker_page, "text=Kelly Trewartha")
    assert keyworker_page.get_by_test_id("identity-bar").inner_text().count("Jess Penrose") == 1
    check_and_capture(keyworker_page, "allocation-5-case")
