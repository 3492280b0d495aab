"""The partner portal: partner organisations' own accounts, the referral pack a keyworker shares with the partner,
and what the partner records about the referral (first appointment, sessions attended, the outcome)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from oocr.concurrency.models import Versioned


class PartnerUser(models.Model):
    """A partner organisation's member of staff: a separate kind of account, with no staff role.

    The sign-in (`auth.User`, password and one-time code) is shared with staff; this row makes it a partner's.
    Such an account reaches only /partner/ pages (portal.middleware) and is never listed as staff.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_account")
    partner = models.ForeignKey("referrals.Partner", on_delete=models.PROTECT, related_name="portal_users")
    is_point_of_contact = models.BooleanField("Single point of contact", default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner__name", "user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.partner})"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None and self.user.is_active


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PartnerInvitation(models.Model):
    """A time-limited link to make a partner account: only its digest is stored, the link is emailed once."""

    partner = models.ForeignKey("referrals.Partner", on_delete=models.PROTECT, related_name="portal_invitations")
    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    is_point_of_contact = models.BooleanField(default=False)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    account = models.OneToOneField(PartnerUser, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation to {self.partner}"

    def usable(self, now=None) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and (now or timezone.now()) < self.expires_at


class ReferralPack(Versioned):
    """What the keyworker chose to share with the partner through the portal. Never the needs assessment or
    safeguarding records: those are not fields of the pack, and the pack's page reads nothing else about the case."""

    class Outcome(models.TextChoices):
        COMPLETED = "engaged_completed", "Engaged and completed"
        ONGOING = "engaged_ongoing", "Engaged and ongoing"
        DID_NOT_ENGAGE = "did_not_engage", "Did not engage"
        NOT_SUITABLE = "not_suitable", "Not suitable"

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="pack")
    share_phone = models.BooleanField("Share the person's phone number", default=True)
    share_email = models.BooleanField("Share the person's email address", default=True)
    share_address = models.BooleanField("Share the person's address", default=False)
    summary = models.TextField("Your summary for the partner")
    risk_who = models.CharField("Who is at risk", max_length=300, blank=True)
    risk_when = models.CharField("When", max_length=300, blank=True)
    risk_nature = models.TextField("The nature of the risk", blank=True)
    dates_agreed = models.TextField("Dates agreed", blank=True,
                                    help_text="For example: available on weekday mornings; the contract ends on 30 March.")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    # The partner's side, set by portal.services only.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    end_summary = models.TextField("End-of-service summary", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The last overdue stage escalated ("ack" or "appt"): the daily job escalates each stage once.
    escalated_stage = models.CharField(max_length=10, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Referral pack for {self.referral}"

    @property
    def has_risk(self) -> bool:
        return bool(self.risk_who or self.risk_when or self.risk_nature)


class FirstAppointment(Versioned):
    """The first appointment the partner booked with the person; the partner may move it."""

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="first_appointment")
    starts_at = models.DateTimeField("Date and time")
    place = models.CharField("Where", max_length=200)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"First appointment for {self.referral}"


class PartnerSession(models.Model):
    """One session the partner held or offered, and whether the person came."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        CANCELLED = "cancelled", "Cancelled with notice"

    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="partner_sessions")
    held_on = models.DateField("Date of the session")
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
