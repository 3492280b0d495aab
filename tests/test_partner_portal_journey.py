"""The partner portal in the system Chromium: an administrator invites a partner's point of contact, who makes an
account, signs in with a password and a one-time code, and works a referral from acknowledgement to closing it.
Every page is checked with axe."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts.models import Condition
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.notifications.models import Notification
from portal.models import PartnerUser, ReferralPack
from portal.tests.factories import shared_referral
from referrals.models import Referral
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a-long-partner-password-9"


@pytest.mark.django_db(transaction=True)
def test_a_partner_goes_from_invitation_to_closing_a_referral(live_server, page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    referral, keyworker, condition = shared_referral(sent_days_ago=1)
    partner = referral.partner
    person = referral.case.person

    # The administrator invites the partner's point of contact.
    admin = AdministratorFactory()
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    click_and_wait(page, "#portal-users")
    page.fill("#id_first_name", "Morwenna")
    page.fill("#id_last_name", "Pascoe")
    page.fill("#id_email", "morwenna@partner.example.org")
    check_and_capture(page, "portal-1-invite")
    click_and_wait(page, "#id_invite")
    assert "Invitation emailed to morwenna@partner.example.org" in page.inner_text(".govuk-notification-banner")
    [email] = [message for message in mail.outbox if message.to == ["morwenna@partner.example.org"]]
    link = re.search(r"http://\S+/partner/invitation/\S+/", email.body).group(0)
    page.context.clear_cookies()

    # The point of contact makes their account and signs in with a password and a code, as staff do.
    settings.OOCR_REQUIRE_2FA = True
    page.goto(link.replace("http://testserver", live_server.url))
    page.fill("#id_username", "morwenna.pascoe")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    check_and_capture(page, "portal-2-make-account")
    click_and_wait(page, "#id_accept")
    page.fill("#id_username", "morwenna.pascoe")
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "#id_submit")
    assert page.url.startswith(f"{live_server.url}/account/two-factor/set-up/")
    account = PartnerUser.objects.get(user__username="morwenna.pascoe")
    device = TOTPDevice.objects.get(user=account.user)
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    click_and_wait(page, "#id_submit")
    click_and_wait(page, "text=I have kept my backup codes")
    assert page.url == f"{live_server.url}/partner/"
    check_and_capture(page, "portal-3-start")
    assert "Notifications" not in page.inner_text("header")
    # A staff page is refused.
    assert page.goto(f"{live_server.url}/today/").status == 403
    page.goto(f"{live_server.url}/partner/")

    # The referral pack, then each of the partner's actions.
    click_and_wait(page, f"text={person.first_names}")
    assert "Lone female staff" in page.inner_text("[data-testid=pack]")
    check_and_capture(page, "portal-4-pack")
    click_and_wait(page, "#id_acknowledge")
    assert "Referral acknowledged" in page.inner_text(".govuk-notification-banner")
    day = timezone.localdate() + timedelta(days=2)
    page.fill("#id_day_0", str(day.day))
    page.fill("#id_day_1", str(day.month))
    page.fill("#id_day_2", str(day.year))
    page.fill("#id_time", "10:30")
    page.fill("#id_place", "Harbour House, Truro")
    click_and_wait(page, "#id_book")
    assert "First appointment saved" in page.inner_text(".govuk-notification-banner")
    page.check("input[name=attendance][value=attended]")
    page.fill("#id_note", "First group session")
    click_and_wait(page, "#id_session")
    page.fill("#note_text", "Settled in well; wants weekly sessions.")
    click_and_wait(page, "#id_add_note")
    check_and_capture(page, "portal-5-engaged")
    click_and_wait(page, "#id_close")  # nothing chosen: the GOV.UK error summary
    assert "Select the outcome" in page.inner_text(".govuk-error-summary")
    check_and_capture(page, "portal-6-close-errors")
    page.check("input[name=outcome][value=engaged_completed]")
    page.fill("#id_summary", "Attended six sessions and completed the programme.")
    click_and_wait(page, "#id_close")
    assert "Referral closed: engaged and completed" in page.inner_text(".govuk-notification-banner")
    check_and_capture(page, "portal-7-closed")

    referral.refresh_from_db()
    condition.refresh_from_db()
    assert referral.status == Referral.Status.COMPLETED
    assert condition.status == Condition.Status.MET
    assert ReferralPack.objects.get(referral=referral).outcome == "engaged_completed"
    assert Notification.objects.filter(user=keyworker).count() >= 5

    # The keyworker sees the partner's progress without a phone call.
    page.context.clear_cookies()
    settings.OOCR_REQUIRE_2FA = False
    sign_in(page, live_server, keyworker)
    page.goto(f"{live_server.url}/cases/{referral.case_id}/referrals/{referral.pk}/")
    click_and_wait(page, "#portal-pack")
    assert "Engaged and completed" in page.inner_text("[data-testid=partner-outcome]")
    check_and_capture(page, "portal-8-keyworker")
