"""Referrals in the system Chromium: a keyworker finds an alcohol service for the person and follows it to engagement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.models import NeedDomain
from contracts.services.contract import contract_sign
from contracts.tests.test_contracts import add, assessed_case
from referrals.models import Referral
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_keyworker_refers_a_person_with_an_alcohol_need_and_follows_it_to_engagement(live_server, page):
    case, keyworker = assessed_case(offered_on=timezone.localdate() - timedelta(weeks=1), person__first_names="Jamie",
                                    person__postcode="PL4 6AB")
    condition = add(case, keyworker, "Alcohol service sessions", need_domain=NeedDomain.objects.get(code="alcohol"))
    contract_sign(case_id=case.pk, user=keyworker, agreement="verbal",
                  signed_on=timezone.localdate() - timedelta(weeks=1))
    sign_in(page, live_server, keyworker)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    click_and_wait(page, "nav[aria-label='Case sections'] >> text=Referrals")
    click_and_wait(page, "#new-referral")
    page.select_option("#id_need", label="Alcohol")
    click_and_wait(page, "text=Show partners")
    top = [row.inner_text() for row in page.locator("[data-testid=match]").all()[:2]]
    assert all("Covers the area" in row for row in top)
    assert page.locator("[data-testid=match]").count() == 4  # only the four partners serving alcohol
    assert any(row.startswith("Plymouth Drug and Alcohol Service") for row in top)
    check_and_capture(page, "referral-1-matching")

    click_and_wait(page, "[data-testid=match]:has-text('Plymouth Drug and Alcohol Service') >> text=Refer")
    click_and_wait(page, "#id_submit")  # nothing entered: the GOV.UK error summary
    assert "Enter what you will share with the partner" in page.inner_text(".govuk-error-summary")
    page.fill("#id_shared", "Drinks most days since losing his job. Wants to cut down.")
    page.check("#id_consent_to_share")
    page.select_option("#id_condition", str(condition.pk))
    check_and_capture(page, "referral-2-form")
    click_and_wait(page, "#id_submit")

    page.check("input[name=sent_by][value=warm_introduction]")
    page.fill("#id_introduction_present", "Jamie, me and the duty worker")
    page.select_option("#id_introduced_how", "three_way_call")
    click_and_wait(page, "#id_send")
    assert "Referral to Plymouth Drug and Alcohol Service sent" in page.inner_text(".govuk-notification-banner")

    page.check("input[name=status][value=acknowledged]")
    page.fill("#id_source", "Duty worker, by phone")
    click_and_wait(page, "#id_progress")
    page.check("input[name=status][value=engaged]")
    page.fill("#id_text", "Attended the first group session.")
    click_and_wait(page, "#id_progress")
    assert "Progress recorded: the referral is engaged" in page.inner_text(".govuk-notification-banner")
    check_and_capture(page, "referral-3-engaged")

    referral = Referral.objects.get()
    assert (referral.status, referral.acknowledged_on, referral.engaged_on) == ("engaged", timezone.localdate(), timezone.localdate())
    page.goto(f"{live_server.url}/cases/{case.pk}/contract/")
    assert "In progress" in page.locator("tr", has_text="alcohol service").first.inner_text()
    check_and_capture(page, "referral-4-condition-in-progress")
