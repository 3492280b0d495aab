"""Teams, staff, their capacity, and who holds which case."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from oocr.concurrency.models import Versioned


class Team(models.Model):
    """An OoCR team, with the settings that shape its workload and reviews."""

    name = models.CharField(max_length=100, unique=True)
    # Workload points per open case (design.md section 4); configurable per team.
    points_to_contact = models.PositiveSmallIntegerField("Points: waiting for first contact", default=2)
    points_assessment = models.PositiveSmallIntegerField("Points: in assessment", default=3)
    points_active = models.PositiveSmallIntegerField("Points: active contract", default=2)
    points_enhanced = models.PositiveSmallIntegerField("Extra points: enhanced offer", default=1)
    review_working_days = models.PositiveSmallIntegerField(
        "Review a new allocation within (working days)", default=5
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class Specialism(models.Model):
    """What a keyworker is skilled in, from a list administrators keep (Administration, reference data).

    A specialism that `matches` something known of a case at allocation (the women's or young adult offer, a
    domestic-abuse crime) counts towards the recommendation (keyworkers.workload.recommend); the others (mental
    health, substance use and any added) are shown in the chooser for the supervisor to weigh.
    """

    class Matches(models.TextChoices):
        NOTHING = "", "Nothing known at allocation: shown to the supervisor"
        WOMENS_OFFER = "womens_offer", "The women's offer"
        YOUNG_ADULT_OFFER = "young_adult_offer", "The young adult offer (18 to 25)"
        DOMESTIC_ABUSE = "domestic_abuse", "A domestic-abuse crime"

    name = models.CharField(max_length=100, unique=True)
    matches = models.CharField("Recommended for cases with", max_length=20, choices=Matches.choices, blank=True)
    is_active = models.BooleanField("In use", default=True, help_text="Retire a specialism instead of deleting it.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(Versioned):
    """A member of staff's place in a team: area, hours, capacity, specialisms and availability.

    Roles come from the user's groups; the profile holds what allocation needs.
    """

    class Availability(models.TextChoices):
        ACTIVE = "active", "Available"
        ON_LEAVE = "on_leave", "On leave"
        INACTIVE = "inactive", "Not taking cases"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="staff")
    area = models.CharField(max_length=4, blank=True, help_text="Postcode area the keyworker covers, like PL.")
    fte = models.DecimalField("Full-time equivalent", max_digits=3, decimal_places=2, default=Decimal("1.00"))
    capacity_points = models.PositiveSmallIntegerField(default=60, help_text="Workload points a full-time keyworker holds.")
    specialisms = models.ManyToManyField(Specialism, blank=True, related_name="staff")
    availability = models.CharField(max_length=20, choices=Availability.choices, default=Availability.ACTIVE)
    leave_until = models.DateField("On leave until", null=True, blank=True)
    # Printed on the contract and the letters the person keeps, so they know whom to call.
    work_phone = models.CharField("Work phone", max_length=20, blank=True)
    # Leave longer than this is an absence: the keyworker is marked as not taking cases instead.
    LEAVE_LONGEST_DAYS = 366
    # The secret in the private address of the keyworker's appointments calendar (.ics).
    calendar_token = models.CharField(max_length=43, blank=True, db_index=True, editable=False)
    history = HistoricalRecords(excluded_fields=["calendar_token"])

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        permissions = [
            ("manage_staff", "Can maintain staff profiles, capacity and availability"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="staff_fte_between_0_and_1"),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class Allocation(models.Model):
    """Who holds a case, from when to when. Never overwritten: a reallocation ends one and starts another.

    At most one open allocation per case, enforced by the database as well as
    by the service (which locks the case row first).
    """

    class EndReason(models.TextChoices):
        LEAVE = "leave", "Keyworker on leave or absent"
        WORKLOAD = "workload", "Balancing workload"
        SPECIALISM = "specialism", "Needs a specialist keyworker"
        CONFLICT = "conflict", "Conflict of interest"
        CLIENT_REQUEST = "client_request", "The person asked for a change"
        MOVED = "moved", "The person moved area"
        LEFT_TEAM = "left_team", "Keyworker left the team"
        CASE_CLOSED = "case_closed", "The case closed"
        OTHER = "other", "Other"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="allocations")
    keyworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True, help_text="Why this keyworker, when over capacity or on leave.")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-allocated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_allocation_per_case"),
        ]
        indexes = [models.Index(fields=["keyworker", "ended_at"])]
        permissions = [
            ("allocate_case", "Can allocate and reallocate cases"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} to {self.keyworker_id}"


class AllocationReview(models.Model):
    """A supervisor's check of a new allocation, due a few working days after it was made."""

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        CHANGED = "changed", "Changed"

    allocation = models.OneToOneField(Allocation, on_delete=models.CASCADE, related_name="review")
    due_on = models.DateField(db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # Reviews not yet made are few among all ever made: the queue counts those due, the team view each
            # keyworker's overdue ones, without reading every review (make bench, national size).
            models.Index(fields=["due_on"], condition=Q(reviewed_at__isnull=True), name="review_pending_due_on"),
        ]
