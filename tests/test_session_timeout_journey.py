"""Browser journeys of the idle timeout: the warning and Stay signed in; a session ending mid-form loses nothing."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from contracts.models import NeedDomain, NeedsAssessment
from contracts.tests.factories import AssessedCaseFactory, holder_of
from oocr.accounts.tests.factories import PASSWORD, KeyworkerFactory
from tests.browser import check_and_capture, click_and_wait, sign_in
from tests.test_casework_journeys import score_every_domain

pytestmark = pytest.mark.browser

NOTE = "Drinks most evenings since losing his job"
GOAL = "Back in work by the spring"


def _fill_the_assessment(page, live_server, case) -> str:
    url = f"{live_server.url}/cases/{case.pk}/assessment/baseline/"
    page.goto(url)
    score_every_domain(page, 3)
    page.fill(f"#id_notes_{NeedDomain.objects.get(code='alcohol').pk}", NOTE)
    page.fill("#id_goals", GOAL)
    return url


def _sign_in_here(page, user) -> None:
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "#id_submit")


def _the_assessment_is_as_typed(page) -> None:
    assert page.input_value(f"#id_notes_{NeedDomain.objects.get(code='alcohol').pk}") == NOTE
    assert page.input_value("#id_goals") == GOAL
    assert page.locator("input[type=radio][value='3']:checked").count() == NeedDomain.objects.filter(is_active=True).count()
    expect(page.get_by_test_id("kept-input-banner")).to_contain_text("has not been saved")


@pytest.mark.django_db(transaction=True)
def test_a_keyworker_whose_session_ended_mid_assessment_signs_in_again_and_finds_what_they_typed(live_server, page):
    case = AssessedCaseFactory(draft_contract=False)
    keyworker = holder_of(case)
    sign_in(page, live_server, keyworker)
    url = _fill_the_assessment(page, live_server, case)

    Session.objects.all().delete()  # the idle timeout ends the session while they type
    click_and_wait(page, "#id_submit")
    assert page.url.startswith(f"{live_server.url}/account/sign-in/")
    expect(page.locator("main")).to_contain_text("Sign in again to go back to it with what you typed")
    assert NOTE not in page.content() and "Drinks" not in page.url  # kept on the server, never in the address

    _sign_in_here(page, keyworker)
    assert page.url == url
    _the_assessment_is_as_typed(page)
    check_and_capture(page, "timeout-form-kept")
    click_and_wait(page, "#id_submit")
    baseline = NeedsAssessment.objects.get(case=case, kind=NeedsAssessment.Kind.BASELINE)
    assert baseline.scores.get(domain__code="alcohol").notes == NOTE


@pytest.mark.django_db(transaction=True)
def test_the_timeout_warning_appears_before_the_session_ends_and_stay_signed_in_renews_it(live_server, page, settings):
    settings.SESSION_COOKIE_AGE = 30
    settings.SESSION_WARNING_SECONDS = 27  # the warning opens 3 seconds after the page
    user = KeyworkerFactory()
    page.clock.install()  # the page's clock, which runs on by itself, is moved on instead of waited for
    sign_in(page, live_server, user)

    page.clock.run_for(4_000)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=20_000)
    expect(dialog).to_contain_text("You'll be signed out in")
    assert page.evaluate("document.activeElement.id") == "oocr-timeout-warning-heading"
    check_and_capture(page, "timeout-warning")
    expiry = Session.objects.get().expire_date

    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert Session.objects.get().expire_date > expiry
    assert page.url == f"{live_server.url}/today/"


@pytest.mark.django_db(transaction=True)
def test_when_the_warning_runs_out_the_keyworker_is_signed_out_and_gets_their_typing_back(live_server, page, settings):
    settings.SESSION_COOKIE_AGE = 25
    settings.SESSION_WARNING_SECONDS = 10
    case = AssessedCaseFactory(draft_contract=False)
    keyworker = holder_of(case)
    page.clock.install()  # the page's clock, which runs on by itself, is moved on instead of waited for
    sign_in(page, live_server, keyworker)
    url = _fill_the_assessment(page, live_server, case)

    page.clock.run_for(26_000)
    page.wait_for_url(f"{live_server.url}/account/sign-in/**", timeout=60_000)  # nobody pressed anything
    expect(page.locator("main")).to_contain_text("What you typed is kept")
    assert NOTE not in page.content()
    _sign_in_here(page, keyworker)
    assert page.url == url
    _the_assessment_is_as_typed(page)
