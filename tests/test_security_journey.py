"""Browser journey with two-factor sign-in on: set up the app, keep the backup codes, reach the caseload.

The new pages are checked with axe-core like every other journey.
"""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oocr.accounts.tests.factories import KeyworkerFactory
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_keyworker_sets_up_two_factor_sign_in_then_signs_in_with_a_code(live_server, page, settings):
    settings.OOCR_REQUIRE_2FA = True
    user = KeyworkerFactory(first_name="Jess", last_name="Penrose")
    sign_in(page, live_server, user)
    assert page.url.startswith(f"{live_server.url}/account/two-factor/set-up/")
    assert page.locator("img.oocr-qr-code").is_visible()
    check_and_capture(page, "two-factor-set-up")
    click_and_wait(page, "#id_submit")
    assert "Enter the code from your authenticator app" in page.locator(".govuk-error-summary").inner_text()
    device = TOTPDevice.objects.get(user=user)
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    click_and_wait(page, "#id_submit")
    assert page.locator("h1").inner_text() == "Backup codes"
    assert page.locator(".oocr-backup-codes li").count() == 10
    check_and_capture(page, "two-factor-backup-codes")
    click_and_wait(page, "text=I have kept my backup codes")
    assert page.url == f"{live_server.url}/today/"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/account/sign-in/")
    sign_in(page, live_server, user)
    assert page.url.startswith(f"{live_server.url}/account/two-factor/?next=")
    check_and_capture(page, "two-factor-code")
    device.refresh_from_db()  # the next period's code, counted from the drift recorded when the app was confirmed
    page.fill("#id_code", f"{totp(device.bin_key, drift=device.drift + 1):06d}")
    click_and_wait(page, "#id_submit")
    assert page.url == f"{live_server.url}/today/"
