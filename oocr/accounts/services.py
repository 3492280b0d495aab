"""Staff accounts: two-factor sign-in (enrolment, codes, backup codes, lockout and reset), accounts and their
roles, and form input kept across a sign-in.

Every account signs in with a password and then a six-digit code from an
authenticator app (TOTP, RFC 6238), or one of ten single-use backup codes.
Devices are django-otp's; every write to them goes through these functions.
"""

import json
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oocr.accounts.models import AccountChange, KeptFormInput
from oocr.accounts.roles import Role
from oocr.accounts.work_held import open_cases_held
from oocr.errors import DomainError

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class TwoFactorLocked(DomainError):
    """Too many wrong codes in a row: no code is accepted until the cool-off ends or the codes are reset."""


def two_factor_device_start(*, user) -> TOTPDevice:
    """The authenticator app being set up: an unconfirmed device, reused until its first code is entered."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def two_factor_is_locked(*, user) -> bool:
    """Locked after AXES_FAILURE_LIMIT wrong codes in a row, for AXES_COOLOFF_TIME after the last one."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    if device is None or device.throttling_failure_count < settings.AXES_FAILURE_LIMIT:
        return False
    return device.throttling_failure_timestamp + settings.AXES_COOLOFF_TIME > timezone.now()


@transaction.atomic
def two_factor_device_confirm(*, user, code: str) -> list[str] | None:
    """Confirm the app with its first code; return the new backup codes, or None if the code is wrong.

    Locks the user's devices (select_for_update) so that one code is not accepted twice.
    """
    if two_factor_is_locked(user=user):
        raise TwoFactorLocked("You have entered too many wrong codes. Try again in 30 minutes, or ask your supervisor to reset your sign-in codes.")
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return two_factor_backup_codes_make(user=user)


@transaction.atomic
def two_factor_code_check(*, user, code: str):
    """The confirmed device that accepts `code` (app code or backup code), or None.

    A backup code is deleted when used, so it works once. Wrong codes are
    counted on the app device; after AXES_FAILURE_LIMIT of them in a row,
    TwoFactorLocked is raised for every code until the cool-off ends.
    """
    if two_factor_is_locked(user=user):
        raise TwoFactorLocked("You have entered too many wrong codes. Try again in 30 minutes, or ask your supervisor to reset your sign-in codes.")
    app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    code = "".join(code.split())
    if app is not None and app.verify_token(code):
        return app
    backup = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if backup is not None and backup.verify_token(code.lower()):
        if app is not None:
            app.throttle_reset()
        return backup
    return None


@transaction.atomic
def two_factor_backup_codes_make(*, user) -> list[str]:
    """Ten new backup codes, replacing any left: shown once, stored only on the device."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_reset(*, user, by) -> None:
    """Remove a person's app and backup codes (lost phone): they set up a new app at their next sign-in.

    Logged with account numbers only (no names in logs).
    """
    logger.info("Two-factor sign-in reset for user %s by user %s", user.pk, by.pk)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- Staff accounts and their roles -----------------------------------------------------------------------


class AccountChangeRefused(DomainError):
    """A change to an account that nobody may make here (their own roles, a superuser's account)."""


def _roles_of(account) -> list[str]:
    return sorted(account.groups.filter(name__in=Role.ALL).values_list("name", flat=True))


def account_change_refusal(*, by, account) -> str | None:
    """Why `by` may not change `account` at all (the pages say it before the form is filled), or None."""
    if not by.has_perm("accounts.manage_accounts"):
        return "Only an administrator can change accounts."
    if account.pk == by.pk:
        return "You cannot change your own account or roles: ask another administrator."
    if account.is_superuser and not by.is_superuser:
        return "This account is managed at the command line, not here."
    return None


def _may_change(*, by, account) -> None:
    if refusal := account_change_refusal(by=by, account=account):
        raise AccountChangeRefused(refusal)


def _caseload_refusal(account, *, field: str, what: str) -> None:
    held = open_cases_held(account)  # they would drop out of every list
    if held:
        name = account.get_full_name() or account.username
        raise ValidationError({field: f"{name} holds {held} open case{'s' if held != 1 else ''}: a supervisor reallocates "
                                      f"them first (Allocation, then each case's Reallocate), then {what}"})


def _roles_set(account, roles: list[str]) -> None:
    unknown = set(roles) - set(Role.ALL)
    if unknown:
        raise ValidationError({"roles": "Choose roles from the list"})
    account.groups.remove(*Group.objects.exclude(name__in=roles).filter(name__in=Role.ALL))
    account.groups.add(*Group.objects.filter(name__in=roles))


def _record(*, account, by, kind: str, before: list[str], after: list[str], reason: str) -> None:
    AccountChange.objects.create(account=account, by=by, kind=kind, roles_before=", ".join(before),
                                 roles_after=", ".join(after), reason=reason)
    logger.info("Account %s: %s by user %s", account.pk, kind, by.pk)  # numbers only: no names in logs


@transaction.atomic
def account_add(*, by, username: str, first_name: str, last_name: str, email: str, roles: list[str], reason: str):
    """A new staff account with the roles given and no password: they set one from the link emailed to them."""
    if not by.has_perm("accounts.manage_accounts"):
        raise AccountChangeRefused("Only an administrator can add accounts.")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That user name is taken: choose another"})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Another account has that email address: check it, or find that account"})
    account = User(username=username, first_name=first_name, last_name=last_name, email=email)
    account.set_unusable_password()
    account.save()
    _roles_set(account, roles)
    _record(account=account, by=by, kind=AccountChange.Kind.ADDED, before=[], after=sorted(roles), reason=reason)
    return account


@transaction.atomic
def account_roles_change(*, by, account, roles: list[str], reason: str) -> None:
    _may_change(by=by, account=account)
    before = _roles_of(account)
    if sorted(roles) == before:
        raise ValidationError({"roles": "These are the roles the account has already: change them, or go back"})
    if Role.KEYWORKER in before and Role.KEYWORKER not in roles:
        _caseload_refusal(account, field="roles", what="take away the Keyworker role")
    _roles_set(account, roles)
    _record(account=account, by=by, kind=AccountChange.Kind.ROLES, before=before, after=sorted(roles), reason=reason)


@transaction.atomic
def account_close(*, by, account, reason: str) -> None:
    """Closed: they cannot sign in, their sessions end now, and their calendar feed stops (it serves open accounts)."""
    _may_change(by=by, account=account)
    account = get_user_model().objects.select_for_update().get(pk=account.pk)
    if not account.is_active:
        raise AccountChangeRefused("This account is closed already.")
    _caseload_refusal(account, field="reason", what="close the account")
    account.is_active = False
    account.save(update_fields=["is_active"])
    sessions_end(user=account)
    roles = _roles_of(account)
    _record(account=account, by=by, kind=AccountChange.Kind.CLOSED, before=roles, after=roles, reason=reason)


@transaction.atomic
def account_reopen(*, by, account, reason: str) -> None:
    _may_change(by=by, account=account)
    account = get_user_model().objects.select_for_update().get(pk=account.pk)
    if account.is_active:
        raise AccountChangeRefused("This account is open already.")
    account.is_active = True
    account.save(update_fields=["is_active"])
    roles = _roles_of(account)
    _record(account=account, by=by, kind=AccountChange.Kind.REOPENED, before=roles, after=roles, reason=reason)


def sessions_end(*, user) -> int:
    """Sign a person out everywhere: delete their sessions from the session table. Returns how many ended."""
    ended = [session.pk for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def account_welcome_send(*, account, domain: str, use_https: bool) -> None:
    """Email a new account its user name and a link to set a password (Django's reset link: once, for 3 days)."""
    context = {"user": account, "domain": domain, "protocol": "https" if use_https else "http",
               "uid": urlsafe_base64_encode(force_bytes(account.pk)), "token": default_token_generator.make_token(account)}
    send_mail(subject="Your account for the Out of Court Resolutions case manager",
              message=render_to_string("registration/account_welcome_email.txt", context),
              from_email=None, recipient_list=[account.email])


# --- Form input kept across a sign-in ------------------------------------------------------------------

# Never kept: passwords, the form's own CSRF token, and the field naming the page to go back to.
NEVER_KEPT = re.compile(r"password|^csrfmiddlewaretoken$|^oocr_return_to$", re.IGNORECASE)
# A form's typed answers are a few kilobytes (twelve need domains of notes are under 70 KB); more is not a form.
KEPT_FORM_INPUT_MAX_CHARACTERS = 200_000


def kept_form_input_keep(*, user_id: int, path: str, post) -> KeptFormInput | None:
    """Keep the fields of a form that could not be saved because the session had ended, for `user_id` only.

    Kept for KEPT_FORM_INPUT_MINUTES and one per person and page (the latest). Never passwords or the
    CSRF token; files never reach here (they are not in `post`). Nothing is kept for a post without
    fields, one too big to be a form's, or an account that no longer exists or is inactive. Expired rows
    are deleted on the way, so nobody's input outlives its time even if they never come back.
    """
    data = {name: post.getlist(name) for name in post if not NEVER_KEPT.search(name)}
    if not data or len(json.dumps(data)) > KEPT_FORM_INPUT_MAX_CHARACTERS:
        return None
    if not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
        return None
    now = timezone.now()
    with transaction.atomic():
        KeptFormInput.objects.filter(expires_at__lte=now).delete()
        KeptFormInput.objects.filter(user_id=user_id, path=path).delete()
        kept = KeptFormInput(user_id=user_id, path=path[:2000], data=data,
                             expires_at=now + timedelta(minutes=settings.KEPT_FORM_INPUT_MINUTES))
        kept.full_clean()
        kept.save()
    logger.info("Form input kept for user %s until they sign in again (%s)", user_id, kept.pk)
    return kept


def kept_form_input_discard(*, kept: KeptFormInput) -> None:
    """Delete kept input: once it has filled its form again, or when someone other than its owner signs in."""
    KeptFormInput.objects.filter(pk=kept.pk).delete()
