"""Randomised trials in Chromium: the officer randomises a submission, the trial manager reads the CONSORT diagram.

The diagram of a fixed simulated trial is captured with the other screenshots (test-results/screenshots/);
the README's copy (docs/screenshots/trial-consort-demo.png) is taken by hand from the demo, so a test run leaves the
checkout clean.
"""


import pytest

from cases.tests.factories import AwaitingAllocationCaseFactory
from tests.browser import check_and_capture, click_and_wait, sign_in
from trials.models import Allocation
from trials.tests.test_consort import simulated_trial

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_officer_randomises_and_the_trial_manager_reads_the_consort_diagram(live_server, page):
    trial, scheme, usual, _ = simulated_trial()
    case = AwaitingAllocationCaseFactory()
    sign_in(page, live_server, case.created_by)
    page.goto(f"{live_server.url}/intake/{case.pk}/")
    click_and_wait(page, "[data-testid=randomise]")
    check_and_capture(page, "trial-randomise")
    page.check(f"input[name=trial][value='{trial.pk}']")
    page.check("#id_confirm")
    click_and_wait(page, "#id_submit")
    allocation = Allocation.objects.get(case=case)
    assert page.locator("h1").inner_text() == allocation.arm.name
    assert page.get_by_test_id("next-step").is_visible()
    check_and_capture(page, "trial-randomised")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, trial.created_by)
    assert page.url == f"{live_server.url}/trials/"
    page.goto(f"{live_server.url}/trials/{trial.pk}/consort/")
    svg = page.get_by_test_id("consort-svg")
    assert svg.get_attribute("role") == "img"
    assert "Assessed for eligibility (n = 19)" in svg.text_content()  # the 18 of the simulated trial and this one
    check_and_capture(page, "trial-consort")
    page.goto(f"{live_server.url}/trials/{trial.pk}/")
    check_and_capture(page, "trial-detail")
