"""Two-factor sign-in: enrolment, codes, backup codes, lockout and reset; form input kept across a sign-in.

Every account signs in with a password and then a six-digit code from an
authenticator app (TOTP, RFC 6238), or one of ten single-use backup codes.
Devices are django-otp's; every write to them goes through these functions.
"""

import json
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oocr.accounts.models import KeptFormInput
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
