"""Partner agencies and the referrals (warm introductions) made to them, each tracked to an outcome."""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from oocr.concurrency.models import Versioned

from cases.eligibility import age_on
from cases.models import CaseStateError

AREAS_PATTERN = re.compile(r"^([A-Z]{1,2}( [A-Z]{1,2})*)?$")


class Route(models.TextChoices):
    """How a partner takes people on (domain.md section 6)."""

    WARM_INTRODUCTION = "warm_introduction", "Warm introduction"
    REFERRAL_FORM = "referral_form", "Referral form"
    STATUTORY = "statutory", "Statutory referral"
    SIGNPOST = "signpost", "Signpost only"


class Partner(Versioned):
    """An organisation the team refers people to; team managers and administrators keep the directory."""

    class Kind(models.TextChoices):
        HEALTH = "health", "Health"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        VOLUNTARY = "voluntary", "Voluntary or not for profit"
        STATUTORY = "statutory", "Statutory"

    class Sex(models.TextChoices):
        ANY = "", "Anyone"
        WOMEN = "female", "Women only"
        MEN = "male", "Men only"

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField("Type", max_length=20, choices=Kind.choices)
    services = models.TextField(help_text="What they offer, in a sentence or two.")
    need_domains = models.ManyToManyField("contracts.NeedDomain", related_name="partners", verbose_name="Needs served")
    areas = models.CharField(
        "Areas served", max_length=60, blank=True,
        help_text="Postcode areas separated by spaces, like PL TQ. Leave empty if they cover the whole force.",
    )
    sex = models.CharField("Who they take", max_length=10, choices=Sex.choices, blank=True)
    min_age = models.PositiveSmallIntegerField("Youngest age taken", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField("Oldest age taken", null=True, blank=True)
    eligibility_notes = models.TextField(blank=True, help_text="Anything else about who they take.")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField("General email", blank=True)
    referral_email = models.EmailField("Referral email", blank=True, help_text="Where referrals are emailed.")
    route = models.CharField("Referral route", max_length=20, choices=Route.choices)
    acknowledge_days = models.PositiveSmallIntegerField("Working days to acknowledge", default=5)
    appointment_days = models.PositiveSmallIntegerField("Working days to a first appointment", default=15)
    is_active = models.BooleanField("Taking referrals", default=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [("view_referral_report", "See how partners engage the team's clients")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.areas = " ".join(self.areas.upper().replace(",", " ").split())
        if not AREAS_PATTERN.match(self.areas):
            raise ValidationError({"areas": "Enter postcode areas as letters separated by spaces, like PL TQ"})
        if self.min_age and self.max_age and self.min_age > self.max_age:
            raise ValidationError({"max_age": "The oldest age taken must be the same as or more than the youngest"})
        if None not in (self.appointment_days, self.acknowledge_days) and self.appointment_days < self.acknowledge_days:
            raise ValidationError({"appointment_days": "Days to a first appointment must be at least the days to acknowledge"})

    @property
    def area_list(self) -> list[str]:
        return self.areas.split()

    def eligibility_problems(self, person, *, on: date) -> list[str]:
        """Why `person` falls outside who this partner takes, in words; empty when they do not."""
        problems = []
        if self.sex and person.sex != self.sex:
            problems.append(f"{self.name} takes {self.get_sex_display().lower()}")
        age = age_on(person.date_of_birth, on)
        if self.min_age is not None and age < self.min_age:
            problems.append(f"{self.name} takes people aged {self.min_age} or over; the person is {age}")
        if self.max_age is not None and age > self.max_age:
            problems.append(f"{self.name} takes people aged up to {self.max_age}; the person is {age}")
        return problems


class Referral(Versioned):
    """A referral of the person on a case to a partner, from draft to its outcome, with the date of each step."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ENGAGED = "engaged", "Engaged"
        COMPLETED = "completed", "Completed"
        DECLINED = "declined", "Declined by the partner"
        DISENGAGED = "disengaged", "Disengaged"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class SentBy(models.TextChoices):
        EMAIL = "email", "Emailed to the partner from this system"
        WARM_INTRODUCTION = "warm_introduction", "Warm introduction"
        FORM = "form", "The partner's referral form or portal"
        PHONE = "phone", "Phone call"
        OTHER = "other", "Another way"

    class IntroducedHow(models.TextChoices):
        IN_PERSON = "in_person", "In person, together"
        THREE_WAY_CALL = "three_way_call", "Three-way phone call"
        VIDEO = "video", "Video call"

    class EndReason(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", "Partner: not eligible for the service"
        NO_CAPACITY = "no_capacity", "Partner: no capacity or waiting list closed"
        OTHER_SERVICE = "other_service", "Partner: needs a different service"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend the first appointment"
        STOPPED_ATTENDING = "stopped_attending", "Stopped attending"
        PARTNER_CLOSED = "partner_closed", "Partner closed the referral for non-engagement"
        NEED_MET = "need_met", "Need met another way"
        CONSENT_WITHDRAWN = "consent_withdrawn", "Person withdrew consent"
        CASE_CLOSED = "case_closed", "Case closed"
        MADE_IN_ERROR = "made_in_error", "Made in error"
        OTHER = "other", "Other"

    # Where each step may go; the last three are endings, which need a reason.
    MOVES = {
        Status.DRAFT: [Status.SENT, Status.WITHDRAWN],
        Status.SENT: [Status.ACKNOWLEDGED, Status.ENGAGED, Status.DECLINED, Status.WITHDRAWN],
        Status.ACKNOWLEDGED: [Status.ENGAGED, Status.DECLINED, Status.DISENGAGED, Status.WITHDRAWN],
        Status.ENGAGED: [Status.COMPLETED, Status.DISENGAGED, Status.WITHDRAWN],
    }
    REASONS = {
        Status.DECLINED: [EndReason.NOT_ELIGIBLE, EndReason.NO_CAPACITY, EndReason.OTHER_SERVICE, EndReason.OTHER],
        Status.DISENGAGED: [EndReason.DID_NOT_ATTEND, EndReason.STOPPED_ATTENDING, EndReason.PARTNER_CLOSED,
                            EndReason.OTHER],
        Status.WITHDRAWN: [EndReason.NEED_MET, EndReason.CONSENT_WITHDRAWN, EndReason.CASE_CLOSED,
                           EndReason.MADE_IN_ERROR, EndReason.OTHER],
    }
    OPEN = [Status.DRAFT, Status.SENT, Status.ACKNOWLEDGED, Status.ENGAGED]
    WAITING = [Status.SENT, Status.ACKNOWLEDGED]

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    need_domain = models.ForeignKey("contracts.NeedDomain", on_delete=models.PROTECT, related_name="+", verbose_name="Need")
    condition = models.ForeignKey(
        "contracts.Condition", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals",
        help_text="The contract's condition this referral is the evidence for.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    route = models.CharField(max_length=20, choices=Route.choices)
    shared = models.TextField("What was shared", help_text="What you told the partner about the person and why.")
    consent_to_share = models.BooleanField("The person agreed to share this with the partner", default=False)
    eligibility_override = models.TextField(blank=True, help_text="Why refer although the partner's eligibility is not met.")
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.CharField("How it was sent", max_length=20, choices=SentBy.choices, blank=True)
    sent_to = models.CharField(max_length=254, blank=True)
    introduction_present = models.CharField("Who was present", max_length=200, blank=True)
    introduced_how = models.CharField("How", max_length=20, choices=IntroducedHow.choices, blank=True)
    # Set when sent from the partner's expected working days, so lists and reminders can query them.
    acknowledge_by = models.DateField(null=True, blank=True, db_index=True)
    engage_by = models.DateField(null=True, blank=True, db_index=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    engaged_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "sent_on"])]

    def __str__(self) -> str:
        return f"Referral to {self.partner}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def last_step_on(self) -> date | None:
        return self.ended_on or self.completed_on or self.engaged_on or self.acknowledged_on or self.sent_on

    def overdue(self, today: date) -> str:
        """What the partner has not done by the date they should have, in words; empty when nothing is late."""
        if self.status == self.Status.SENT and self.acknowledge_by and today > self.acknowledge_by:
            return f"Not acknowledged: due by {self.acknowledge_by:%-d %B}"
        if self.status in self.WAITING and self.engage_by and today > self.engage_by:
            return f"No first appointment: due by {self.engage_by:%-d %B}"
        return ""

    def move(self, to: str, *, on: date, reason: str = "") -> None:
        """Take the referral one step on, recording the date of the step (and the reason, for an ending)."""
        if to not in self.MOVES.get(self.status, []):
            raise CaseStateError(
                f"A referral that is {self.get_status_display().lower()} cannot be marked "
                f"{self.Status(to).label.lower()}."
            )
        if to in self.REASONS and reason not in self.REASONS[to]:
            raise ValidationError({"reason": f"Choose why the referral was {self.Status(to).label.lower()}"})
        if self.last_step_on and on < self.last_step_on:
            raise ValidationError({"on": f"The date cannot be before the last step, on {self.last_step_on:%-d %B %Y}"})
        self.status = to
        if to == self.Status.SENT:
            self.sent_on = on
        elif to == self.Status.ACKNOWLEDGED:
            self.acknowledged_on = on
        elif to == self.Status.ENGAGED:
            self.acknowledged_on = self.acknowledged_on or on
            self.engaged_on = on
        elif to == self.Status.COMPLETED:
            self.completed_on = on
        else:
            self.ended_on, self.end_reason = on, reason


class ReferralUpdate(models.Model):
    """What the partner (or the person) told us about a referral: a step, or news between steps."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    happened_on = models.DateField("Date")
    status = models.CharField("Step", max_length=20, choices=Referral.Status.choices, blank=True)
    source = models.CharField("Who told us", max_length=200, blank=True)
    text = models.TextField("What happened", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
