"""Compare-and-increment of a record's version, and one-time form tokens.

Locking rule: `version_bump` is called inside the service's transaction, before the record's new
values are saved; its UPDATE ... WHERE version = %s takes the row lock, so of two edits read at the
same version exactly one succeeds and the other raises `EditConflict`.
"""

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from oocr.concurrency.models import FormToken

FORM_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
VERSION_MAX = 2**31 - 1
# A service called by code rather than by an edit form (demo data, imports, tests): the version still moves on.
ANY_VERSION = object()


class EditConflict(ValidationError):
    """The record changed after the editor read it. `record` is the record as it is now, `message` says who and when."""

    def __init__(self, record, *, user):
        self.record = record
        super().__init__(edit_conflict_message(record, user=user), code="edit_conflict")


def _latest_change(record) -> tuple[object, object] | None:
    """(who, when) of the record's last saved change, from its change history."""
    history = getattr(record, "history", None)
    if history is None:
        return None
    latest = history.select_related("history_user").order_by("-history_date", "-history_id").first()
    return (latest.history_user, latest.history_date) if latest else None


def edit_conflict_message(record, *, user) -> str:
    change = _latest_change(record)
    if change is None:
        return ("Someone else changed this record while you were editing it. Their version is shown below; "
                "your changes are kept in the form: check them and save again.")
    who, when = change
    local = timezone.localtime(when)
    at = f"{local:%H:%M}" if local.date() == timezone.localdate() else f"{local:%H:%M} on {local:%-d %B %Y}"
    if who is not None and who.pk == getattr(user, "pk", None):
        return (f"You changed this record in another tab or window at {at}. That version is shown below; "
                "your changes here are kept in the form: check them and save again.")
    name = f" ({who.get_full_name() or who.get_username()})" if who is not None else ""
    return (f"Someone else changed this record at {at}{name}. Their version is shown below; "
            "your changes are kept in the form: check them and save again.")


def version_parse(value) -> int | None:
    """The version a form was read at; None for anything missing or not a version (which is refused as out of date)."""
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if 0 < number <= VERSION_MAX else None


def version_bump(record, *, read_version, user) -> None:
    """Move `record` from `read_version` to the next version in one UPDATE, or raise `EditConflict`.

    Call it in the service's transaction before saving the new values; `record.version` is set to
    the new version so that the save that follows writes it unchanged. `read_version` None (a form
    that sent none, or garbage) is refused as out of date; `ANY_VERSION` skips the comparison.
    """
    model = type(record)
    if read_version is ANY_VERSION:
        model._base_manager.filter(pk=record.pk).update(version=F("version") + 1)
        record.version = model._base_manager.values_list("version", flat=True).get(pk=record.pk)
        return
    updated = 0
    if read_version is not None:
        updated = model._base_manager.filter(pk=record.pk, version=read_version).update(version=F("version") + 1)
    if not updated:
        raise EditConflict(model._base_manager.get(pk=record.pk), user=user)
    record.version = read_version + 1


def versions_total(queryset) -> int:
    """One number for a set of records read together (the victims of a case): it changes when any of them changes
    or one is added, since versions only go up."""
    return sum(queryset.values_list("version", flat=True)) or 0


def versions_check(queryset, *, read_version, record, user) -> None:
    """Refuse an edit made over a set of records (locked by the caller) that changed since `read_version` was read."""
    if read_version is not ANY_VERSION and read_version != versions_total(queryset):
        raise EditConflict(type(record)._base_manager.get(pk=record.pk), user=user)


def form_token_new() -> str:
    return secrets.token_urlsafe(24)


def form_token_parse(value) -> str | None:
    return value if isinstance(value, str) and FORM_TOKEN_PATTERN.fullmatch(value) else None


def form_token_claim(*, token: str, user) -> FormToken | None:
    """Claim a create form's token inside the caller's transaction: None when it is new (the form goes on),
    else the earlier use of it (the form was sent before: go where that post went, create nothing).

    A concurrent post of the same token waits on the unique index until the first one commits or rolls back.
    """
    try:
        with transaction.atomic():
            FormToken.objects.create(user=user, token=token)
    except IntegrityError:
        return FormToken.objects.get(user=user, token=token)
    return None


def form_token_used(*, token: str, user) -> FormToken | None:
    """The earlier, committed use of this token by this user, if there was one."""
    return FormToken.objects.filter(user=user, token=token).first()


def form_token_done(*, token: str, user, redirect_to: str) -> None:
    """Remember where the accepted post went: a repeat of it is sent there."""
    FormToken.objects.filter(user=user, token=token).update(redirect_to=redirect_to[:500])
