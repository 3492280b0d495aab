"""The search box in the header, as each role uses it (issue 17, point 1): type, submit, open a result.

Someone outside the team reaches another team's case only through the access justification; a refused search
comes back in the box with its GOV.UK error; at 375 px the results do not scroll sideways; axe on each page.
"""

from datetime import date

import pytest

from cases.tests.factories import AwaitingAllocationCaseFactory, ReadyDraftCaseFactory
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.accounts.tests.factories import TeamManagerFactory
from oocr.audit.models import AccessLog
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def search_from_the_header(page, text: str) -> None:
    page.fill("#header-search", text)
    click_and_wait(page, ".oocr-header__search-button")
    assert page.url.endswith("/search/")  # nothing typed travels in the address


def numbers_found(page) -> str:
    return page.inner_text("[data-testid=search-results]") if page.locator("[data-testid=search-results]").count() else ""


def no_sideways_scroll(page) -> None:
    width, client = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    assert width <= client, f"{page.url}: {width} px wide in {client} px"


@pytest.mark.django_db(transaction=True)
def test_each_role_finds_a_case_from_the_header_and_opens_it(live_server, page):
    keyworker = StaffProfileFactory(user__first_name="Jess", user__last_name="Penrose").user
    supervisor = SupervisorProfileFactory(user__first_name="Ruth", user__last_name="Trelawny").user
    manager = StaffProfileFactory(user=TeamManagerFactory(first_name="Alan", last_name="Bray")).user
    ours = AllocatedCaseFactory(keyworker=keyworker, person__first_names="Jonathan", person__last_name="Quillerbrook",
                                person__date_of_birth=date(1990, 3, 27))
    north = StaffProfileFactory(team=TeamFactory(name="North team")).user
    theirs = AllocatedCaseFactory(keyworker=north, person__first_names="Jonas", person__last_name="Quillerbrook")
    waiting = AwaitingAllocationCaseFactory(person__first_names="Maria", person__last_name="Quillerbrook")
    officer = ours.created_by
    draft = ReadyDraftCaseFactory(created_by=officer, person__first_names="Mark", person__last_name="Quillerbrook")

    # The keyworker: only the case they hold, opened on its case page, the view logged.
    sign_in(page, live_server, keyworker)
    search_from_the_header(page, "Quilerbruk")  # two letters wrong
    found = numbers_found(page)
    assert ours.number in found and theirs.number not in found and waiting.number not in found
    check_and_capture(page, "search-keyworker")
    click_and_wait(page, f"text={ours.number}")
    assert page.url.endswith(f"/cases/{ours.pk}/") and "Jonathan Quillerbrook" in page.inner_text("main")
    assert AccessLog.objects.filter(user=keyworker, object_id=ours.pk, kind=AccessLog.Kind.VIEW).exists()

    # The officer: their own submissions, opened on the intake pages.
    page.context.clear_cookies()
    sign_in(page, live_server, officer)
    search_from_the_header(page, "quillerbrook")
    found = numbers_found(page)
    assert ours.number in found and draft.number in found and theirs.number not in found
    click_and_wait(page, f"text={draft.number}")
    assert page.url.endswith(f"/intake/{draft.pk}/")

    # The supervisor: their team's case and the queue's open directly; another team's shows its number only and
    # opens through the access justification, whose reason goes into the access log with the view.
    page.context.clear_cookies()
    sign_in(page, live_server, supervisor)
    search_from_the_header(page, "Quillerbrook")
    found = numbers_found(page)
    assert ours.number in found and waiting.number in found and theirs.number in found
    assert "Jonas" not in page.inner_text("main")
    check_and_capture(page, "search-supervisor")
    click_and_wait(page, f"[data-testid=search-results] a[href='/cases/{theirs.pk}/reason/'] >> nth=0")
    assert page.url.endswith(f"/cases/{theirs.pk}/reason/")
    page.get_by_label("A safeguarding concern").check()
    page.fill("#id_details", "A call from the North team about a safeguarding concern")
    click_and_wait(page, "button:has-text('Continue to the record')")
    assert page.url.endswith(f"/cases/{theirs.pk}/") and "Jonas Quillerbrook" in page.inner_text("main")
    logged = AccessLog.objects.filter(user=supervisor, object_id=theirs.pk, kind=AccessLog.Kind.VIEW).exclude(justification="")
    assert logged.exists() and "safeguarding" in logged.first().justification.lower()

    # The team manager, on a phone: the results stack, nothing scrolls sideways; a refused search comes back in
    # the box with its error, linked to the box.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, manager)
    search_from_the_header(page, "Quillerbrook")
    assert ours.number in numbers_found(page) and theirs.number in numbers_found(page)
    no_sideways_scroll(page)
    check_and_capture(page, "phone-search-team-manager")
    search_from_the_header(page, "Quillerbrook 31/02/1990")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter a real date of birth" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#id_q") == "Quillerbrook 31/02/1990"
    no_sideways_scroll(page)
    check_and_capture(page, "phone-search-refused")
    page.click(".govuk-error-summary a[href='#id_q']")
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.reload()  # the refusal was shown once: a refresh is an empty box, not a re-post
    assert page.locator(".govuk-error-summary").count() == 0
