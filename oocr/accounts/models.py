"""What the accounts app stores beside Django's users (whose changes django-simple-history keeps): the rights that
belong to a role, every change made to a staff account, and form input kept across a session timeout."""

import uuid

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from simple_history import register


class Capability(models.Model):
    """The rights that belong to a role rather than to one model.

    Never stored (no table): it exists so that these rights are ordinary
    permissions that groups hold and views check. Model-specific rights live on
    the models of the app that owns them.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("hold_caseload", "Can hold a caseload of cases"),
            ("allocate_cases", "Can allocate cases and approve decisions"),
            ("view_team_performance", "Can see the team's workload and performance"),
            ("administer_service", "Can manage reference data and jobs"),
            ("manage_accounts", "Can add and close staff accounts and change other people's roles"),
            ("reset_two_factor", "Can reset a person's two-factor sign-in"),
            ("review_retention", "Can decide whether closed records are kept or disposed of"),
            ("produce_subject_access", "Can produce everything held about a person (subject access)"),
        ]


# Changes to staff accounts (names, roles, active flag) are part of the audit trail.
register(get_user_model(), app=__package__, table_name="accounts_historicaluser")


class AccountChange(models.Model):
    """A change made to a staff account in the application: whose, by whom, what, and why.

    Roles are granted and taken away only here (oocr/accounts/services.py), never
    in the Django admin, and nobody changes their own; superuser and staff status
    are set at the command line only.
    """

    class Kind(models.TextChoices):
        ADDED = "added", "Account added"
        ROLES = "roles", "Roles changed"
        CLOSED = "closed", "Account closed"
        REOPENED = "reopened", "Account reopened"

    account = models.ForeignKey(get_user_model(), on_delete=models.PROTECT, related_name="account_changes")
    by = models.ForeignKey(get_user_model(), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    roles_before = models.CharField(max_length=200, blank=True)
    roles_after = models.CharField(max_length=200, blank=True)
    reason = models.TextField(max_length=1000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d %b %Y})"


class KeptFormInput(models.Model):
    """What someone typed into a form posted after their session ended, kept until they sign in again.

    Personal data, so kept briefly (`KEPT_FORM_INPUT_MINUTES`), for one person only, and used once: the
    form is filled from it on that person's next visit to the page, then the row is deleted. Never files
    or passwords. The id is random and travels only in the signed-out session, never in an address.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(get_user_model(), on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=2000)
    data = models.JSONField()
    kept_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        default_permissions = ()
