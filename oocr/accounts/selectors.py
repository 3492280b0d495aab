"""Reads of the account pages: the staff accounts an administrator manages, the accounts whose two-factor sign-in a
person may reset, and kept form input by its key."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from oocr.accounts.models import KeptFormInput

User = get_user_model()


def user_list(*, user) -> QuerySet:
    """Staff accounts with their roles, for those who manage accounts (never a partner organisation's users)."""
    if not user.has_perm("auth.view_user"):
        return User.objects.none()
    return User.objects.filter(partner_account__isnull=True).prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    ).order_by("last_name", "first_name")


def two_factor_resettable_users(*, user) -> QuerySet:
    """Accounts whose two-factor sign-in this person may reset: anyone's for administrators, their team's for supervisors."""
    if not user.has_perm("accounts.reset_two_factor"):
        return User.objects.none()
    if user.has_perm("accounts.manage_accounts"):
        return User.objects.all()  # partner users too: they sign in with a code as staff do
    team_id = getattr(getattr(user, "staff_profile", None), "team_id", None)
    if team_id is None:
        return User.objects.none()
    return User.objects.filter(staff_profile__team_id=team_id).exclude(pk=user.pk)


def kept_form_input_by_key(*, key: str) -> KeptFormInput | None:
    """Kept form input by the random id the signed-out session carries, unless it has expired."""
    try:
        return KeptFormInput.objects.filter(pk=key, expires_at__gt=timezone.now()).first()
    except ValidationError:  # not a UUID: a session from before, or tampered with
        return None
