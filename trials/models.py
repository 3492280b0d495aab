"""Randomised trials run inside the service (issue 19): a trial, its arms, its concealed sequence, and allocations.

Invariants:
- A trial is edited only while it is a draft. Starting it draws the seed, makes the whole sequence
  (`TrialSequence`) and records its SHA-256; from then on only stopping changes it (`Trial.start`, `Trial.stop`).
- The sequence and the seed are never shown: no page, export or admin reads them (trials/tests/test_views.py,
  `test_no_page_depends_on_the_sequence_so_none_can_reveal_the_next_arm`).
- An allocation is written once (`Allocation.save` refuses an update, `delete` refuses) under the trial's row lock,
  unique per trial and case, and per person and crime across live trials (database constraints).
- Exclusions after randomisation and crossovers are added beside the allocation, never deleted.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from oocr.concurrency.models import Versioned
from oocr.errors import DomainError
from trials import randomisation


class TrialStateError(DomainError):
    """A move the trial's state does not allow, in words a user can read."""


class RecordImmutable(DomainError):
    pass


class Trial(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Being set up"
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped"

    class Algorithm(models.TextChoices):
        PERMUTED_BLOCKS = randomisation.BLOCKS, "Permuted blocks of random size within strata"
        MINIMISATION = randomisation.MINIMISATION, "Minimisation (Pocock-Simon, biased coin)"

    class Mode(models.TextChoices):
        TEST = "test", "Test: for practice, changes nothing on the case"
        LIVE = "live", "Live"

    name = models.CharField(max_length=200)
    protocol_reference = models.CharField(max_length=100, help_text="As registered, for example ISRCTN12345678.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TEST)
    algorithm = models.CharField(max_length=20, choices=Algorithm.choices, default=Algorithm.PERMUTED_BLOCKS)
    strata = models.JSONField(default=list, blank=True, help_text="Codes of the stratification factors (trials.strata).")
    block_multiples = models.JSONField(default=list, blank=True,
                                       help_text="Block sizes as multiples of the sum of the ratios, one drawn per block.")
    minimisation_probability = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.80"),
                                                   validators=[MinValueValidator(0.5), MaxValueValidator(1)])
    start_date = models.DateField()
    stop_date = models.DateField(null=True, blank=True)
    target_size = models.PositiveIntegerField(validators=[MinValueValidator(2), MaxValueValidator(20_000)])
    # Trial-specific eligibility, on top of the scheme's rules (trials.eligibility).
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    routes = models.JSONField(default=list, blank=True, help_text="Routes the trial takes; none listed: both.")
    include_overrides = models.BooleanField(default=False, help_text="Take cases submitted by override.")
    treatment_window_days = models.PositiveSmallIntegerField(
        default=28, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days after randomisation within which the contract must be signed to count as receiving the scheme.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    seed = models.CharField(max_length=64, blank=True, editable=False)
    sequence_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    stop_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("manage_trial", "Can set up, start and stop randomised trials and read their results")]
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | (~Q(seed="") & ~Q(sequence_hash="")),
                                   name="trial_started_has_sequence"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.mode == self.Mode.LIVE

    def require_draft(self, *, action: str = "changed") -> None:
        if self.status != self.Status.DRAFT:
            raise TrialStateError(f"The trial {self.name} has started, so it cannot be {action}: it can only be stopped.")

    def start(self, *, seed: str, sequence_hash: str, at, by) -> None:
        self.require_draft(action="started again")
        self.status, self.seed, self.sequence_hash, self.started_at, self.started_by = (
            self.Status.RUNNING, seed, sequence_hash, at, by)

    def stop(self, *, at, by, reason: str) -> None:
        if self.status != self.Status.RUNNING:
            raise TrialStateError(f"The trial {self.name} is {self.get_status_display().lower()}, so it cannot be stopped.")
        self.status, self.stopped_at, self.stopped_by, self.stop_reason = self.Status.STOPPED, at, by, reason

    def require_randomising(self, *, today) -> None:
        if self.status != self.Status.RUNNING:
            raise TrialStateError(f"The trial {self.name} is {self.get_status_display().lower()}: nobody can be randomised.")
        if today < self.start_date:
            raise TrialStateError(f"The trial {self.name} randomises from {self.start_date:%-d %B %Y}.")
        if self.stop_date and today > self.stop_date:
            raise TrialStateError(f"The trial {self.name} stopped randomising on {self.stop_date:%-d %B %Y}.")


class TrialArm(models.Model):
    class NextStep(models.TextChoices):
        QUEUE = "queue", "Into the team's allocation queue: the scheme"
        USUAL_PROCESS = "usual_process", "The usual process: the case leaves the scheme and the officer in the case proceeds"

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="arms")
    code = models.SlugField(max_length=20)
    name = models.CharField(max_length=100)
    ratio = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(10)])
    next_step = models.CharField(max_length=20, choices=NextStep.choices)
    is_control = models.BooleanField(default=False, help_text="The comparison arm of the analysis.")

    class Meta:
        ordering = ["trial", "is_control", "id"]
        constraints = [models.UniqueConstraint(fields=["trial", "code"], name="trial_arm_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def delivers_scheme(self) -> bool:
        return self.next_step == self.NextStep.QUEUE


class TrialSequence(models.Model):
    """The concealed sequence of one stratum (blocks) or of the trial (minimisation's draws, stratum "").

    Read only by `services.case_randomise`. Not in the Django admin, on no page, in no export.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="+")
    stratum = models.CharField(max_length=300, blank=True)
    values = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trial", "stratum"], name="trial_sequence_stratum_unique")]


class Allocation(models.Model):
    """One randomisation: written once, never edited or deleted."""

    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, related_name="allocations")
    arm = models.ForeignKey(TrialArm, on_delete=models.PROTECT, related_name="allocations")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="trial_allocations")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    crime = models.ForeignKey("cases.Crime", on_delete=models.PROTECT, related_name="+")
    is_live = models.BooleanField()
    number = models.PositiveIntegerField(help_text="1 for the trial's first randomisation, and so on.")
    stratum = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(help_text="Place in the stratum's sequence (blocks) or the trial's (minimisation).")
    levels = models.JSONField(help_text="The person's level of every stratification factor.")
    randomised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    randomised_at = models.DateTimeField()

    class Meta:
        ordering = ["trial", "number"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "case"], name="allocation_once_per_trial_and_case"),
            models.UniqueConstraint(fields=["trial", "number"], name="allocation_number_unique"),
            models.UniqueConstraint(fields=["trial", "stratum", "position"], name="allocation_position_unique"),
            models.UniqueConstraint(fields=["person", "crime"], condition=Q(is_live=True),
                                    name="allocation_once_per_person_and_crime_live"),
        ]

    def __str__(self) -> str:
        return f"{self.trial} #{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordImmutable("An allocation cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordImmutable("An allocation cannot be deleted.")


class Exclusion(models.Model):
    """Someone excluded after randomisation, with the reason: kept, never deleted (CONSORT: excluded from analysis)."""

    class Reason(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", "Found not to be eligible after randomisation"
        CONSENT_WITHDRAWN = "consent_withdrawn", "Withdrew consent to the use of their data"
        RANDOMISED_IN_ERROR = "randomised_in_error", "Randomised in error"
        DIED = "died", "Died"
        OTHER = "other", "Other"

    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="exclusion")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    details = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordImmutable("An exclusion cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordImmutable("An exclusion cannot be deleted.")


class Crossover(models.Model):
    """Someone who received another arm's treatment than the one allocated, and why (recorded, never deleted)."""

    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="crossover")
    received_arm = models.ForeignKey(TrialArm, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordImmutable("A crossover cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordImmutable("A crossover cannot be deleted.")
