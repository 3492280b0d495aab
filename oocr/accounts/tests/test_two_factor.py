"""Two-factor sign-in: enrolment on first sign-in, codes, lockout, backup codes and reset."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.accounts import services
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.OOCR_REQUIRE_2FA = True


def current_code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def sign_in_code(device: TOTPDevice) -> str:
    """A code the app would show: the next period's, since the current one was used to confirm the app
    and a code is never accepted twice (django-otp refuses a replay; one period of drift is allowed).
    Counted from the drift django-otp recorded when the app was confirmed, which is -1 when that code
    was typed just before a period ended."""
    device.refresh_from_db()
    return current_code(device, drift=device.drift + 1)


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 500000) % 1000000:06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = services.two_factor_device_start(user=user)
    codes = services.two_factor_device_confirm(user=user, code=current_code(device))
    device.refresh_from_db()
    return device, codes


def test_a_user_without_a_device_is_sent_to_set_one_up(client):
    client.force_login(KeyworkerFactory())
    response = client.get("/caseload/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/set-up/?next=%2Fcaseload%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert "Enter this key in your app instead" in page


def test_enrolment_with_the_apps_first_code_signs_in_and_shows_ten_backup_codes_once(client):
    user = KeyworkerFactory()
    client.force_login(user)
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/two-factor/set-up/", {"code": current_code(device), "next": "/caseload/"})
    assert response["Location"] == "/account/two-factor/backup-codes/?next=%2Fcaseload%2F"
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<code>(\w+)</code>", page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert "<code>" not in client.get("/account/two-factor/backup-codes/").content.decode()
    assert client.get("/caseload/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_the_pages_stay_closed(client):
    user = KeyworkerFactory()
    device, _ = enrolled(user)
    client.force_login(user)
    assert client.get("/caseload/")["Location"] == "/account/two-factor/?next=%2Fcaseload%2F"
    response = client.post("/account/two-factor/", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get("/caseload/").status_code == 302
    response = client.post("/account/two-factor/", {"code": ""})
    assert "Enter the code from your authenticator app" in response.content.decode()


def test_the_right_code_opens_the_page_asked_for(client):
    user = KeyworkerFactory()
    device, _ = enrolled(user)
    client.force_login(user)
    response = client.post("/account/two-factor/", {"code": sign_in_code(device), "next": "/caseload/"})
    assert response["Location"] == "/caseload/"
    assert client.get("/caseload/").status_code == 200


def test_next_cannot_send_someone_to_another_site(client):
    user = KeyworkerFactory()
    device, _ = enrolled(user)
    client.force_login(user)
    response = client.post("/account/two-factor/", {"code": sign_in_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_repeated_wrong_codes_lock_the_account_even_for_the_right_code(client, settings):
    user = KeyworkerFactory()
    device, _ = enrolled(user)
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/account/two-factor/", {"code": wrong_code(device)}).status_code == 200
    response = client.post("/account/two-factor/", {"code": wrong_code(device)})
    assert response.status_code == 200  # the fifth wrong code is refused like the others
    response = client.post("/account/two-factor/", {"code": sign_in_code(device)})
    assert response.status_code == 403
    assert "too many wrong codes" in response.content.decode()
    assert "_auth_user_id" not in client.session  # signed out
    client.force_login(user)
    assert client.post("/account/two-factor/", {"code": sign_in_code(device)}).status_code == 403


def test_a_right_code_before_the_limit_starts_the_count_again(client, settings):
    user = KeyworkerFactory()
    device, _ = enrolled(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert services.two_factor_code_check(user=user, code=wrong_code(device)) is None
    assert services.two_factor_code_check(user=user, code=sign_in_code(device)) is not None
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_backup_code_works_once(client):
    user = KeyworkerFactory()
    _, codes = enrolled(user)
    client.force_login(user)
    assert client.post("/account/two-factor/", {"code": codes[0], "next": "/caseload/"})["Location"] == "/caseload/"
    client.logout()
    client.force_login(user)
    response = client.post("/account/two-factor/", {"code": codes[0]})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.post("/account/two-factor/", {"code": codes[1], "next": "/caseload/"})["Location"] == "/caseload/"


def test_new_backup_codes_replace_the_old_ones(client):
    user = KeyworkerFactory()
    device, old_codes = enrolled(user)
    client.force_login(user)
    client.post("/account/two-factor/", {"code": sign_in_code(device)})
    client.post("/account/two-factor/backup-codes/")
    new_codes = re.findall(r"<code>(\w+)</code>", client.get("/account/two-factor/backup-codes/").content.decode())
    assert len(new_codes) == 10
    assert services.two_factor_code_check(user=user, code=old_codes[0]) is None
    assert services.two_factor_code_check(user=user, code=new_codes[0]) is not None


def test_a_supervisor_resets_someone_in_their_team_who_then_sets_up_again(client):
    profile = SupervisorProfileFactory()
    supervisor = profile.user
    keyworker = StaffProfileFactory(team=profile.team).user
    enrolled(supervisor)
    enrolled(keyworker)
    client.force_login(supervisor)
    client.post("/account/two-factor/", {"code": sign_in_code(TOTPDevice.objects.get(user=supervisor))})
    url = reverse("accounts:two_factor_reset", args=[keyworker.pk])
    response = client.post(url, {})
    assert "Confirm that you have checked who this person is" in response.content.decode()
    assert TOTPDevice.objects.filter(user=keyworker).exists()
    client.post(url, {"confirm": "on"})
    assert not TOTPDevice.objects.filter(user=keyworker).exists()
    assert not StaticToken.objects.filter(device__user=keyworker).exists()
    client.force_login(keyworker)
    assert client.get("/caseload/")["Location"].startswith("/account/two-factor/set-up/")


def test_a_supervisor_cannot_reset_someone_outside_their_team_but_an_administrator_can(client, settings, caplog):
    settings.OOCR_REQUIRE_2FA = False  # the reset itself is under test here, not the second factor
    supervisor = SupervisorProfileFactory().user
    other = StaffProfileFactory(team=TeamFactory(name="Another team"), user__last_name="Quillerbrook").user
    enrolled(other)
    client.force_login(supervisor)
    assert client.post(reverse("accounts:two_factor_reset", args=[other.pk]), {"confirm": "on"}).status_code == 404
    assert TOTPDevice.objects.filter(user=other).exists()
    admin = AdministratorFactory(last_name="Trevennack")
    client.force_login(admin)
    with caplog.at_level("INFO"):
        client.post(reverse("accounts:two_factor_reset", args=[other.pk]), {"confirm": "on"})
    assert not TOTPDevice.objects.filter(user=other).exists()
    # Logged with account numbers, never names.
    [reset] = [record.getMessage() for record in caplog.records if "Two-factor" in record.getMessage()]
    assert reset == f"Two-factor sign-in reset for user {other.pk} by user {admin.pk}"
    assert "Quillerbrook" not in caplog.text and "Trevennack" not in caplog.text


def test_a_keyworker_cannot_reset_anyone(client, settings):
    settings.OOCR_REQUIRE_2FA = False
    other = KeyworkerFactory()
    enrolled(other)
    client.force_login(KeyworkerFactory())
    assert client.post(reverse("accounts:two_factor_reset", args=[other.pk]), {"confirm": "on"}).status_code == 403
    assert TOTPDevice.objects.filter(user=other).exists()


def test_signing_out_stays_open_before_the_code(client):
    user = KeyworkerFactory()
    enrolled(user)
    client.force_login(user)
    response = client.post("/account/sign-out/")
    assert response["Location"] == "/account/sign-in/"


@pytest.mark.parametrize("persistent_id", ["", "nonsense", "otp_totp.totpdevice/x", "auth.user/1", "no_app.device/1",
                                           "otp_totp.totpdevice/99999999", "OTHER"])
def test_a_session_naming_no_device_of_its_own_is_asked_for_the_code_again(client, persistent_id):
    from django_otp import DEVICE_ID_SESSION_KEY

    user, other = KeyworkerFactory(), KeyworkerFactory()
    device, _ = enrolled(user)
    other_device, _ = enrolled(other)
    client.force_login(user)
    assert client.post("/account/two-factor/", {"code": sign_in_code(device), "next": "/caseload/"})["Location"] == "/caseload/"
    assert client.get("/caseload/").status_code == 200  # the verified device is found on the next request
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other_device.persistent_id if persistent_id == "OTHER" else persistent_id
    session.save()
    response = client.get("/caseload/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/")
