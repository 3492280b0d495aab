"""Sign-in, password and two-factor forms, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts import services
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import FACTORY_BY_ROLE, PASSWORD, AdministratorFactory, KeyworkerFactory, TeamManagerFactory
from oocr.accounts.tests.test_two_factor import current_code, enrolled, sign_in_code
from oocr.tests.form_harness import FormCase

NEW_PASSWORD = "another-long-password-7"


def _session_of(user) -> SessionStore:
    """The session the harness signed `user` in with: pages that need more than a signed-in person set it up here."""
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            return SessionStore(session_key=session.session_key)
    raise AssertionError(f"user {user.pk} is not signed in")


def _account(context):
    return type(context["account"]).objects.get(pk=context["account"].pk)


# --- Signed out: sign in, forgotten password ---------------------------------------------------------------


def _signed_out():
    return {"user": None, "url": reverse("login"), "account": KeyworkerFactory()}


def _signed_in(context):
    assert _account(context).last_login is not None


def _reset_asked():
    return {"user": None, "url": reverse("password_reset"), "account": KeyworkerFactory()}


def _reset_link_sent(context):
    [message] = mail.outbox
    assert message.to == [context["account"].email]
    assert "/account/password/reset/" in message.body


def _reset_link_opened():
    """After the emailed link's GET: a signed-out session holding the token, at the link without it."""
    account = KeyworkerFactory()
    uidb64 = urlsafe_base64_encode(force_bytes(account.pk))
    return {"user": account, "account": account, "url": reverse("password_reset_confirm", args=[uidb64, "set-password"])}


def _new_password_for_link(context):
    # The harness can only sign a client in; the link's GET would leave a signed-out session with the token.
    # The token is made now: signing in changed the account's last sign-in, which the token depends on.
    session = _session_of(context["account"])
    for key in (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY):
        session.pop(key, None)
    session[INTERNAL_RESET_SESSION_TOKEN] = default_token_generator.make_token(_account(context))
    session.save()
    return {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def _password_changed(context):
    assert _account(context).check_password(NEW_PASSWORD)


# --- Signed in, any role ---------------------------------------------------------------------------------------


def _person(role):
    def arrange():
        user = FACTORY_BY_ROLE[role]()
        return {"user": user, "account": user}
    return arrange


def _at(url_name, arrange):
    def at():
        return {**arrange(), "url": reverse(url_name)}
    return at


def _signed_out_now(context):
    sessions = [session.get_decoded() for session in Session.objects.all()]
    assert not any(session.get(SESSION_KEY) == str(context["user"].pk) for session in sessions)


def _change_password(context):
    return {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def _enrolling(role):
    """Signed in with a password for the first time: the set-up page has made the app's key (its GET does)."""
    def arrange():
        context = _person(role)()
        return {**context, "device": services.two_factor_device_start(user=context["user"]),
                "url": reverse("two_factor_enrol")}
    return arrange


def _app_confirmed(context):
    device = TOTPDevice.objects.get(pk=context["device"].pk)
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=context["user"]).count() == services.BACKUP_CODE_COUNT


def _enrolled(role):
    def arrange():
        context = _person(role)()
        device, codes = enrolled(context["user"])
        return {**context, "device": device, "last_t": device.last_t, "codes": codes,
                "url": reverse("two_factor_verify")}
    return arrange


def _code_accepted(context):
    assert TOTPDevice.objects.get(pk=context["device"].pk).last_t > context["last_t"]  # a code is used once


def _backup_code_used(context):
    codes = set(StaticToken.objects.filter(device__user=context["user"]).values_list("token", flat=True))
    assert context["codes"][0] not in codes
    assert len(codes) == services.BACKUP_CODE_COUNT - 1


def _verified(context):
    """The person has entered a code this session (otp_login): new backup codes need it."""
    session = _session_of(context["user"])
    session[DEVICE_ID_SESSION_KEY] = context["device"].persistent_id
    session.save()
    return {}


def _new_backup_codes(context):
    codes = set(StaticToken.objects.filter(device__user=context["user"]).values_list("token", flat=True))
    assert len(codes) == services.BACKUP_CODE_COUNT
    assert not codes & set(context["codes"])


# --- Resetting someone's two-factor sign-in ---------------------------------------------------------------------


def _lost_phone(role):
    """A keyworker with an app and backup codes, in the team of the supervisor or manager resetting it."""
    def arrange():
        if role == Role.ADMINISTRATOR:
            user, account = AdministratorFactory(), KeyworkerFactory()
        else:
            team_lead = SupervisorProfileFactory() if role == Role.SUPERVISOR else StaffProfileFactory(user=TeamManagerFactory())
            user, account = team_lead.user, StaffProfileFactory(team=team_lead.team).user
        enrolled(account)
        return {"user": user, "account": account, "url": reverse("accounts:two_factor_reset", args=[account.pk])}
    return arrange


def _two_factor_removed(context):
    assert not TOTPDevice.objects.filter(user=context["account"]).exists()
    assert not StaticDevice.objects.filter(user=context["account"]).exists()


# --- The idle timeout -----------------------------------------------------------------------------------------


def _session_nearly_over(context):
    """Two minutes left: the timeout warning is showing."""
    Session.objects.filter(session_key=_session_of(context["user"]).session_key).update(
        expire_date=timezone.now() + timedelta(minutes=2))
    return {}


def _session_renewed(context):
    expiry = Session.objects.get(session_key=_session_of(context["user"]).session_key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=20)


def _typed_before_the_timeout(context):
    return {"oocr_return_to": "/caseload/", "goals": "Back in work by the spring"}


SIGNED_IN_NOTE = "Every role's own account: the page is the same for each, the case is run for each."

FORM_CASES = [
    FormCase("/account/sign-in/", "anonymous visitor", _signed_out,
             lambda context: {"username": context["account"].username, "password": PASSWORD, "next": ""}, _signed_in,
             note="Each wrong sign-in is rolled back with its savepoint, so django-axes never reaches its lockout here."),
    FormCase("/account/password/reset/", "anonymous visitor", _reset_asked,
             lambda context: {"email": context["account"].email}, _reset_link_sent),
    FormCase("/account/password/reset/<uidb64>/<token>/", "anonymous visitor with the emailed link", _reset_link_opened,
             _new_password_for_link, _password_changed,
             note="Signed in by the harness, then signed out in `valid` with the link's token put in the session, "
                  "as the link's GET leaves it."),
    FormCase("/account/two-factor/", "Keyworker with a backup code", _enrolled(Role.KEYWORKER),
             lambda context: {"code": context["codes"][0]}, _backup_code_used),
]
for role in Role.ALL:
    FORM_CASES += [
        FormCase("/account/sign-out/", role, _at("logout", _person(role)), lambda context: {}, _signed_out_now,
                 button=True, note=SIGNED_IN_NOTE),
        FormCase("/account/password/change/", role, _at("password_change", _person(role)), _change_password,
                 _password_changed, note=SIGNED_IN_NOTE),
        FormCase("/account/two-factor/set-up/", role, _enrolling(role),
                 lambda context: {"code": current_code(context["device"])}, _app_confirmed, note=SIGNED_IN_NOTE),
        FormCase("/account/two-factor/", role, _enrolled(role), lambda context: {"code": sign_in_code(context["device"])},
                 _code_accepted, note=SIGNED_IN_NOTE),
        FormCase("/account/two-factor/backup-codes/", role, _at("two_factor_backup_codes", _enrolled(role)), _verified,
                 _new_backup_codes, button=True, note=SIGNED_IN_NOTE),
    ]
FORM_CASES += [
    FormCase("/account/session/keep-alive/", "Keyworker", _at("session_keep_alive", _person(Role.KEYWORKER)),
             _session_nearly_over, _session_renewed, button=True, note="Any signed-in request renews the session."),
    FormCase("/account/session/timed-out/", "Keyworker", _at("session_timed_out", _person(Role.KEYWORKER)),
             _typed_before_the_timeout, _signed_out_now, optional=True,
             note="Signs out whatever is sent; the harness sends no CSRF token, so nothing is kept (tests/test_session_timeout.py)."),
]
FORM_CASES += [
    FormCase("/administration/users/<int:pk>/two-factor/reset/", role, _lost_phone(role), lambda context: {"confirm": "on"},
             _two_factor_removed)
    for role in (Role.SUPERVISOR, Role.TEAM_MANAGER, Role.ADMINISTRATOR)
]


# --- Accounts and roles (administrators) ----------------------------------------------------------------------

REASON = "Joined the team this week"


def _account_page(name, account_factory=KeyworkerFactory, **account):
    def arrange():
        target = account_factory(**account)
        return {"user": AdministratorFactory(), "account": target, "url": reverse(f"accounts:{name}", args=[target.pk])}
    return arrange


def _account_added(context):
    from django.contrib.auth import get_user_model

    added = get_user_model().objects.get(username="new.keyworker")
    assert set(added.groups.values_list("name", flat=True)) == {Role.KEYWORKER}
    assert not added.has_usable_password() and not added.is_staff and not added.is_superuser
    assert added.account_changes.get().reason == REASON
    assert mail.outbox[-1].to == ["new.keyworker@police.example.org"]


def _roles_now_supervisor(context):
    account = _account(context)
    assert set(account.groups.values_list("name", flat=True)) == {Role.KEYWORKER, Role.SUPERVISOR}
    assert account.account_changes.get().roles_after == f"{Role.KEYWORKER}, {Role.SUPERVISOR}"


def _closed(context):
    assert not _account(context).is_active
    assert _account(context).account_changes.get().kind == "closed"


def _reopened(context):
    assert _account(context).is_active


FORM_CASES += [
    FormCase("/administration/users/new/", Role.ADMINISTRATOR,
             lambda: {"user": AdministratorFactory(), "url": reverse("accounts:account_add")},
             lambda context: {"first_name": "Nia", "last_name": "Penrose", "username": "new.keyworker",
                              "email": "new.keyworker@police.example.org", "roles": [Role.KEYWORKER], "reason": REASON},
             _account_added),
    FormCase("/administration/users/<int:pk>/roles/", Role.ADMINISTRATOR, _account_page("account_roles"),
             lambda context: {"roles": [Role.KEYWORKER, Role.SUPERVISOR], "reason": "Acting supervisor in March"},
             _roles_now_supervisor),
    FormCase("/administration/users/<int:pk>/close/", Role.ADMINISTRATOR, _account_page("account_close"),
             lambda context: {"reason": "Left the force"}, _closed),
    FormCase("/administration/users/<int:pk>/reopen/", Role.ADMINISTRATOR, _account_page("account_reopen", is_active=False),
             lambda context: {"reason": "Came back from secondment"}, _reopened),
]
