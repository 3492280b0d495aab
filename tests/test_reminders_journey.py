"""Reminders in the system Chromium: a keyworker sees the count in the header and follows a reminder to the condition."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.models import NeedDomain
from contracts.services.contract import contract_sign
from contracts.services.reminders import reminders_send
from contracts.tests.test_contracts import add, assessed_case
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_keyworker_follows_a_reminder_from_the_header_to_the_condition(live_server, page):
    case, keyworker = assessed_case(offered_on=timezone.localdate() - timedelta(weeks=1))
    condition = add(case, keyworker, "Debt advice", due_date=timezone.localdate() + timedelta(days=2),
                    need_domain=NeedDomain.objects.get(code="finance"))
    contract_sign(case_id=case.pk, user=keyworker, agreement="verbal",
                  signed_on=timezone.localdate() - timedelta(weeks=1))
    keyworker.notifications.update(read_at=timezone.now())  # the allocation notice, read long ago
    reminders_send(on=timezone.localdate())

    sign_in(page, live_server, keyworker)
    assert page.inner_text(".oocr-header__count").split() == ["1", "unread"]
    click_and_wait(page, "text=Notifications")
    reminder = page.locator("[data-testid=notifications] a", has_text=f"{case.number}: rehabilitative condition due")
    assert reminder.count() == 1
    check_and_capture(page, "reminders-1-inbox")
    with page.expect_navigation():
        reminder.click()
    assert page.url.endswith(f"/cases/{case.pk}/contract/conditions/{condition.pk}/")
    assert "You will meet a debt adviser" in page.content()
    assert page.locator(".oocr-header__count").count() == 0  # read now
    check_and_capture(page, "reminders-2-condition")

    click_and_wait(page, "text=Notifications")
    click_and_wait(page, "text=Reminder settings")
    check_and_capture(page, "reminders-3-settings")
