"""Sending work back, in the system Chromium: a supervisor returns a submission and the officer corrects and resubmits
it; a supervisor returns a contract and the keyworker revises it (issue 16)."""

import pytest
from django.utils import timezone

from cases.models import Case, SubmissionReturn
from cases.tests.factories import AwaitingAllocationCaseFactory
from contracts.models import Contract
from contracts.tests.factories import AwaitingApprovalContractFactory, holder_of
from keyworkers.tests.factories import SupervisorProfileFactory
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


def sign_in_as(page, live_server, user) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, user)


@pytest.mark.django_db(transaction=True)
def test_an_officer_corrects_and_resubmits_a_submission_a_supervisor_returned(live_server, page):
    case = AwaitingAllocationCaseFactory()
    supervisor = SupervisorProfileFactory().user
    sign_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/allocation/{case.pk}/")
    click_and_wait(page, "[data-testid=send-back]")
    page.check("input[name=kind][value=returned]")
    page.fill("#id_reasons", "The crime reference is another force's: check it")
    check_and_capture(page, "send-back-1-supervisor")
    click_and_wait(page, "#id_submit")

    sign_in_as(page, live_server, case.created_by)
    page.goto(f"{live_server.url}/notifications/")
    click_and_wait(page, f"text=returned case {case.number} to you")
    assert "another force's" in page.inner_text("[data-testid=returns]")
    check_and_capture(page, "send-back-2-officer-returned")
    click_and_wait(page, "text=Crime and officer in the case")
    page.fill("#id_reference", "CR/88888/26")
    click_and_wait(page, "#id_continue")  # on to the victims
    click_and_wait(page, "#id_continue")  # none added: on to the questions, answered already
    click_and_wait(page, "#id_continue")
    page.check("input[name=route][value=deferred_caution]")
    click_and_wait(page, "#id_submit")

    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    assert case.crimes.get().reference == "CR/88888/26"
    assert SubmissionReturn.objects.get(case=case).resubmitted_at is not None
    page.goto(f"{live_server.url}/intake/{case.pk}/")
    assert "Corrected and submitted again" in page.inner_text("[data-testid=returns]")
    # Waiting again, the officer corrects the person's name too, with a reason kept in the history.
    click_and_wait(page, "text=Correct the person's name, date of birth or PNC ID")
    page.fill("#id_last_name", "Tregenza")
    page.fill("#id_reason", "Spelt as on the custody record")
    check_and_capture(page, "send-back-3-officer-identity")
    click_and_wait(page, "#id_submit")
    assert "Correction saved" in page.inner_text(".govuk-notification-banner")
    assert case.person.history.latest().history_change_reason == "Correction: Spelt as on the custody record"

    sign_in_as(page, live_server, supervisor)  # who returned it hears it is back
    page.goto(f"{live_server.url}/notifications/")
    assert f"Case {case.number}, which you returned to the officer, has been corrected and submitted again" in page.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_returns_a_contract_and_the_keyworker_revises_it(live_server, page):
    contract = AwaitingApprovalContractFactory()
    case, keyworker = contract.case, holder_of(contract.case)
    sign_in(page, live_server, SupervisorProfileFactory().user)
    page.goto(f"{live_server.url}/cases/{case.pk}/contract/")
    click_and_wait(page, "text=Approve with comments, refuse or return")
    page.check("input[name=decision][value=returned]")
    page.fill("#id_comments", "Make the debt advice fortnightly, with a named adviser")
    check_and_capture(page, "contract-return-1-supervisor")
    click_and_wait(page, "#id_submit")

    sign_in_as(page, live_server, keyworker)
    page.goto(f"{live_server.url}/cases/{case.pk}/contract/")
    assert "with a named adviser" in page.inner_text("[data-testid=contract-decisions]")
    check_and_capture(page, "contract-return-2-keyworker")
    click_and_wait(page, "main a[href$='/remove/'] >> nth=0")  # the condition the supervisor asked to change
    click_and_wait(page, "button:has-text('Yes, remove this condition')")
    click_and_wait(page, "a:text-is('Debt advice')")
    page.fill("#id_recurrence", "Fortnightly with Citizens Advice Truro")
    click_and_wait(page, "#id_submit")
    click_and_wait(page, "#sign-contract")
    for part, value in zip("012", [timezone.localdate().day, timezone.localdate().month, timezone.localdate().year]):
        page.fill(f"#id_signed_on_{part}", str(value))
    page.check("input[name=agreement][value=signed_in_person]")
    click_and_wait(page, "#id_submit")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.AWAITING_APPROVAL  # back with the supervisor
    assert contract.conditions.filter(recurrence="Fortnightly with Citizens Advice Truro").exists()
