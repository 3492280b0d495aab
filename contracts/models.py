"""Case work after allocation: needs assessments, keyworker actions, the scheme's settings, contracts and their
conditions, contacts, non-compliance, and the closures and variations a supervisor decides.

Each stateful model has its own verbs (`Contract.sign`, `Condition.vary`, `SupervisorDecision.decide`, ...) that
check the move; the services in `contracts/services/` lock, call them and record the change."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import CaseStateError
from oocr.concurrency.models import Versioned


class NeedDomain(models.Model):
    """One need domain of the assessment (domain.md section 6); administrators maintain the list."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class NeedsAssessment(Versioned):
    """A conversation about the person's needs, recorded by domain: at the start and again at the end."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "First assessment"
        CLOSING = "closing", "Closing assessment"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="needs_assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    previous_offending = models.TextField("Previous offending", blank=True)
    offence_context = models.TextField("Context of the offence", blank=True)
    strengths = models.TextField(blank=True)
    goals = models.TextField("Goals and motivation", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_assessment_of_each_kind_per_case")]

    @property
    def safeguarding(self) -> bool:
        return any(score.safeguarding for score in self.scores.all())


class NeedScore(models.Model):
    """A domain's score: 0 no need, 1 low, 2 medium, 3 severe."""

    class Score(models.IntegerChoices):
        NONE = 0, "0: no need"
        LOW = 1, "1: low need"
        MEDIUM = 2, "2: medium need"
        SEVERE = 3, "3: severe need"

    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.ForeignKey(NeedDomain, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    notes = models.TextField(blank=True)
    safeguarding = models.BooleanField("Safeguarding concern", default=False)

    class Meta:
        ordering = ["domain__position"]
        constraints = [models.UniqueConstraint(fields=["assessment", "domain"], name="one_score_per_domain")]


class KeyworkerAction(models.Model):
    """Something the keyworker raised outside the case: a safeguarding alert, intelligence, a crime record."""

    class Kind(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Safeguarding alert"
        INTELLIGENCE = "intelligence", "Intelligence submission"
        CRIME_RECORD = "crime_record", "New crime record raised"

    class Concern(models.TextChoices):
        ADULT_AT_RISK = "adult_at_risk", "Adult at risk"
        CHILD_AT_RISK = "child_at_risk", "Child at risk"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        SELF_HARM = "self_harm", "Self-harm"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="keyworker_actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    concern = models.CharField(max_length=20, choices=Concern.choices, blank=True)
    sent_to = models.CharField("Raised with", max_length=200, blank=True)
    reference = models.CharField("Reference", max_length=60, blank=True)
    offence = models.ForeignKey("cases.Offence", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    raised_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-id"]


class SchemeSettings(models.Model):
    """The scheme's configurable rules (domain.md), one row, edited by administrators in the Django admin."""

    contract_weeks = models.PositiveSmallIntegerField("Contract length (weeks)", default=16)
    unpaid_work_hours_cap = models.PositiveSmallIntegerField("Most hours of unpaid work a contract may set", default=20)
    contract_approval_required = models.BooleanField("A supervisor approves each contract before it starts", default=False)
    unacceptable_absences_threshold = models.PositiveSmallIntegerField(
        "Unacceptable absences before a supervisor reviews the case", default=2
    )
    new_offences_threshold = models.PositiveSmallIntegerField("New offences before a supervisor reviews the case", default=1)
    closure_approval_required = models.BooleanField(
        "A supervisor approves completions and withdrawals too (breaches always need one)", default=False
    )
    allocation_target_days = models.PositiveSmallIntegerField(
        "Days a submission may wait for allocation", default=3,
        help_text="Supervisors' Today page shows each waiting case's age against this target.",
    )
    outcome_charge_completed = models.PositiveSmallIntegerField("Home Office outcome: charge route, completed", default=22)
    outcome_caution_completed = models.PositiveSmallIntegerField("Home Office outcome: caution route, completed", default=3)
    outcome_charge_breached = models.PositiveSmallIntegerField("Home Office outcome: charge route, breached", default=1)
    outcome_caution_breached = models.PositiveSmallIntegerField("Home Office outcome: caution route, breached", default=3)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "scheme settings"
        verbose_name_plural = "scheme settings"

    def __str__(self) -> str:
        return "Scheme settings"


class ConditionKind(models.TextChoices):
    RESTORATIVE = "restorative", "Restorative"
    REHABILITATIVE = "rehabilitative", "Rehabilitative"
    REPARATIVE = "reparative", "Reparative"
    RESTRICTIVE = "restrictive", "Restrictive"
    STANDARD = "standard", "Standard"


# The kinds a keyworker tailors for the person: every kind but the standard condition, which each contract holds once.
TAILORED_KINDS = [choice for choice in ConditionKind.choices if choice[0] != ConditionKind.STANDARD]


class ConditionTemplate(models.Model):
    """A starting point for a condition, tailored for each person; administrators maintain the library."""

    kind = models.CharField(max_length=20, choices=TAILORED_KINDS)
    title = models.CharField(max_length=120)
    text = models.TextField(help_text="Plain English, written to the person: 'You will ...'.")
    involves_victim = models.BooleanField(default=False, help_text="Needs the victim's consent to a restorative approach.")
    is_unpaid_work = models.BooleanField(default=False, help_text="Hours are capped by the scheme settings.")
    needs_amount = models.BooleanField(default=False, help_text="Compensation: the keyworker enters the amount in pounds.")
    need_domain = models.ForeignKey(NeedDomain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


def contract_week(start_date, day) -> int | None:
    """Which week of a contract starting on `start_date` the `day` falls in (1 on the day it starts)."""
    if start_date is None or day < start_date:
        return None
    return (day - start_date).days // 7 + 1


def contract_total_weeks(weeks: int, extension_days: int) -> int:
    """The contract's length in weeks with its approved extensions (a part week counts as one)."""
    return weeks + -(-extension_days // 7)


class Contract(Versioned):
    """The person's 16-week contract: bespoke conditions plus the standard one not to reoffend.

    Drafted during the assessment; it starts on the date the person signs it
    (or, where the scheme requires it, once a supervisor approves it).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Waiting for a supervisor's approval"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    class Agreement(models.TextChoices):
        SIGNED_IN_PERSON = "signed_in_person", "Signed in person"
        SIGNED_REMOTELY = "signed_remotely", "Signed and returned remotely"
        VERBAL = "verbal", "Agreed verbally, recorded by the keyworker"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="contract")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    weeks = models.PositiveSmallIntegerField(default=16)
    start_date = models.DateField(null=True, blank=True, help_text="The date the person signed.")
    extension_days = models.PositiveSmallIntegerField(default=0, help_text="Approved extensions, in days.")
    # Stored (set by the services on signing and on each approved extension) so lists and reminders can query it.
    end_date = models.DateField(null=True, blank=True, db_index=True)
    agreement = models.CharField(max_length=20, choices=Agreement.choices, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    # Where each status may go; the verbs below make each move and set the fields that go with it.
    MOVES = {
        Status.DRAFT: [Status.AWAITING_APPROVAL, Status.ACTIVE, Status.CANCELLED],
        Status.AWAITING_APPROVAL: [Status.ACTIVE, Status.DRAFT, Status.CANCELLED],
        Status.ACTIVE: [Status.ENDED],
    }
    # Agreed or not, a contract that never started: cancelled if its case closes.
    NOT_STARTED = (Status.DRAFT, Status.AWAITING_APPROVAL)

    def _move(self, to: str, *, action: str) -> None:
        if to not in self.MOVES.get(self.status, []):
            raise CaseStateError(f"This contract is {self.get_status_display().lower()}, so it cannot be {action}.")
        self.status = to

    def sign(self, *, on, agreement: str, approval_required: bool) -> None:
        """The person agreed on `on`: the contract runs from that day, at once or once a supervisor approves it."""
        if self.status != self.Status.DRAFT:
            raise CaseStateError(f"This contract is {self.get_status_display().lower()}, so it cannot be agreed again.")
        self._move(self.Status.AWAITING_APPROVAL if approval_required else self.Status.ACTIVE, action="agreed")
        self.start_date, self.agreement = on, agreement
        self.end_date = self.compute_end_date()

    def approve(self, *, by, at) -> None:
        """A supervisor approves a signed contract: it is active from the day it was signed."""
        if self.status != self.Status.AWAITING_APPROVAL and self.approved_by is not None:
            raise CaseStateError(
                f"This contract is not waiting for approval: it was approved already by {self.approved_by.get_full_name()} "
                f"on {timezone.localtime(self.approved_at):%-d %B %Y at %H:%M}. Nothing was changed."
            )
        if self.status != self.Status.AWAITING_APPROVAL:
            raise CaseStateError(f"This contract is {self.get_status_display().lower()}, so it is not waiting for approval.")
        self._move(self.Status.ACTIVE, action="approved")
        self.approved_by, self.approved_at = by, at

    def send_back(self) -> None:
        """A supervisor refuses or returns a signed contract: a draft again, for the keyworker to revise, agree with the
        person again and resubmit. The agreement that was recorded no longer stands."""
        if self.status != self.Status.AWAITING_APPROVAL:
            raise CaseStateError(f"This contract is {self.get_status_display().lower()}, so it is not waiting for approval.")
        self._move(self.Status.DRAFT, action="sent back")
        self.start_date, self.agreement, self.end_date = None, "", None

    def extend(self, days: int) -> None:
        """An approved extension: `days` more before the end date."""
        if self.status != self.Status.ACTIVE:
            raise CaseStateError(f"This contract is {self.get_status_display().lower()}, so it cannot be extended.")
        self.extension_days += days
        self.end_date = self.compute_end_date()

    def end(self, *, on) -> None:
        """The case closed on `on` (completed, breached or withdrawn): the contract ends that day.

        Early or late, the end date is the day it really ended, which the reoffending
        check's "contract end" start point reads; the planned end stays `compute_end_date()`.
        """
        if self.start_date and on < self.start_date:
            raise CaseStateError(f"This contract started on {self.start_date:%-d %B %Y}, so it cannot end before then.")
        self._move(self.Status.ENDED, action="ended")
        self.end_date = on

    def cancel(self) -> None:
        """The case closed before the contract started: it never ran, so it has no end date."""
        self._move(self.Status.CANCELLED, action="cancelled")
        self.end_date = None

    def compute_end_date(self):
        """Start + the contract's weeks + approved extensions, in calendar days (clock changes do not matter)."""
        from datetime import timedelta

        if self.start_date is None:
            return None
        return self.start_date + timedelta(weeks=self.weeks, days=self.extension_days)

    def week_on(self, day) -> int | None:
        """Which week of the contract `day` falls in (1 on the day it starts)."""
        return contract_week(self.start_date, day)

    @property
    def total_weeks(self) -> int:
        return contract_total_weeks(self.weeks, self.extension_days)


class ContractDecision(models.Model):
    """A supervisor's decision on a signed contract, with their comments: each round kept, shown on the contract page."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        RETURNED = "returned", "Returned for changes"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comments = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.at:%Y-%m-%d}"


# The most compensation one condition may ask of the person, in pounds: a keyworker's figure, not a court's.
COMPENSATION_MAX = Decimal("5000")


class Condition(Versioned):
    """One condition of a contract, in plain words, with its due date or pattern and its progress."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        VARIED = "varied", "Varied"
        WITHDRAWN = "withdrawn", "Withdrawn"

    SETTLED = (Status.MET, Status.VARIED, Status.WITHDRAWN)
    # What a keyworker records as the condition goes along (corrections included); varied and withdrawn are final.
    PROGRESS = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.MET, Status.NOT_MET)
    # Withdrawn when its contract ends or is cancelled before the person finished it: not met is kept as it was.
    UNFINISHED = (Status.NOT_STARTED, Status.IN_PROGRESS)
    # The conditions whose hours count towards the contract's unpaid-work cap (is_unpaid_work, as a query).
    UNPAID_WORK = models.Q(template__is_unpaid_work=True) | models.Q(template__isnull=True, kind=ConditionKind.REPARATIVE)

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="conditions")
    template = models.ForeignKey(ConditionTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=ConditionKind.choices)
    description = models.TextField(help_text="What the person will do, in plain English.")
    due_date = models.DateField(null=True, blank=True)
    recurrence = models.CharField("Repeats", max_length=120, blank=True, help_text="For example: every Tuesday for 8 weeks.")
    need_domain = models.ForeignKey(NeedDomain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    victim = models.ForeignKey("cases.Victim", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target = models.CharField("Who or where", max_length=200, blank=True, help_text="For a restriction: the person or place.")
    hours_required = models.PositiveSmallIntegerField(null=True, blank=True)
    hours_done = models.PositiveSmallIntegerField(default=0)
    amount = models.DecimalField(
        "Amount of compensation, in pounds", max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(COMPENSATION_MAX)],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField("Evidence and progress notes", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0, amount__lte=COMPENSATION_MAX),
                name="compensation_amount_positive_and_capped",
            ),
        ]

    @property
    def is_standard(self) -> bool:
        return self.kind == ConditionKind.STANDARD

    @property
    def is_unpaid_work(self) -> bool:
        """Hours of unpaid work, capped per contract (UNPAID_WORK says the same in a query). Written from scratch
        there is no template to say so: a reparative condition's hours, made to make good the harm, are."""
        return self.template.is_unpaid_work if self.template_id else self.kind == ConditionKind.REPARATIVE

    def _require_open(self, *, action: str) -> None:
        if self.status not in self.PROGRESS:
            raise CaseStateError(f"This condition was {self.get_status_display().lower()}, so it cannot be {action}.")

    def record_progress(self, *, status: str, evidence: str, hours_done: int) -> None:
        """How the condition is going, as the keyworker records it (a correction of an earlier status included)."""
        self._require_open(action="changed")
        if status not in self.PROGRESS:
            raise ValidationError({"status": "A condition is varied or withdrawn through a variation a supervisor approves"})
        if self.hours_required and hours_done > self.hours_required:
            raise ValidationError({"hours_done": f"Hours done cannot be more than the {self.hours_required} required"})
        self.status, self.evidence, self.hours_done = status, evidence.strip(), hours_done

    def vary(self, *, description: str = "", due_date=None, recurrence: str = "", hours_required=None) -> "Condition":
        """An approved variation: this condition is kept, marked varied, and the one returned (unsaved) replaces it,
        with the new words, dates or hours and the progress made so far."""
        self._require_open(action="varied")
        replacement = Condition(
            contract_id=self.contract_id, template=self.template, kind=self.kind, need_domain=self.need_domain,
            victim=self.victim, target=self.target, amount=self.amount, hours_done=self.hours_done,
            hours_required=hours_required or self.hours_required, description=description or self.description,
            due_date=due_date or self.due_date, recurrence=recurrence or self.recurrence,
            status=self.Status.IN_PROGRESS if self.status == self.Status.IN_PROGRESS else self.Status.NOT_STARTED,
        )
        self.status = self.Status.VARIED
        return replacement

    def withdraw(self) -> None:
        """The condition no longer applies because its contract ended or was cancelled before the person finished it."""
        if self.status not in self.UNFINISHED:
            raise CaseStateError(f"This condition is {self.get_status_display().lower()}, so it cannot be withdrawn.")
        self.status = self.Status.WITHDRAWN


class Contact(Versioned):
    """An appointment (booked, then its outcome recorded) or a contact logged as it happened.

    A booked appointment may be moved (`reschedule`: the first time booked and every move stay in its history and
    on the case's timeline) or cancelled with a reason (`cancel`); its outcome is recorded once it has happened,
    however late (`record_outcome`).
    """

    class Type(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        HOME_VISIT = "home_visit", "Home visit"
        WITH_PARTNER = "with_partner", "With a partner agency"
        MESSAGE = "message", "Message (text or email)"

    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        LATE = "late", "Attended late"
        ABSENT_ACCEPTABLE = "absent_acceptable", "Did not attend: acceptable absence"
        ABSENT_UNACCEPTABLE = "absent_unacceptable", "Did not attend: no acceptable reason"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contacts")
    type = models.CharField(max_length=20, choices=Type.choices)
    starts_at = models.DateTimeField(db_index=True)
    place = models.CharField(max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True, help_text="Blank while booked.")
    notes = models.TextField(blank=True)
    # Why a contact is dated outside the case's working period (before allocation, after the contract's end).
    outside_reason = models.TextField("Why it is outside the contract period", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    first_booked_for = models.DateTimeField(null=True, blank=True, help_text="Set on the first move: when it was booked for.")
    times_moved = models.PositiveSmallIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cancel_reason = models.TextField("Why it was cancelled", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-id"]

    @property
    def is_booked(self) -> bool:
        return not self.outcome and self.cancelled_at is None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def _require_booked(self, *, action: str) -> None:
        if self.is_cancelled:
            raise CaseStateError(f"This appointment was cancelled, so it cannot be {action}. Nothing was changed.")
        if self.outcome:
            raise CaseStateError(f"This appointment's outcome is recorded already, so it cannot be {action}. Nothing was changed.")

    def reschedule(self, *, to, now) -> None:
        """Move a booked appointment that has not happened yet; when it was first booked for is kept."""
        self._require_booked(action="moved")
        if self.starts_at <= now:
            raise ValidationError({"day": "This appointment's time has passed: record its outcome instead of moving it"})
        if to <= now:
            raise ValidationError({"day": "Choose a new date and time in the future"})
        if to == self.starts_at:
            raise ValidationError({"day": "That is the time it is booked for already: choose another"})
        self.first_booked_for = self.first_booked_for or self.starts_at
        self.starts_at, self.times_moved = to, self.times_moved + 1

    def cancel(self, *, by, at, reason: str) -> None:
        """Call off a booked appointment, with a reason; it stays in the list, marked cancelled, and needs no outcome."""
        self._require_booked(action="cancelled")
        if not reason.strip():
            raise ValidationError({"reason": "Enter why the appointment is cancelled"})
        self.cancelled_at, self.cancelled_by, self.cancel_reason = at, by, reason.strip()

    def record_outcome(self, *, outcome: str, duration_minutes, notes: str, now) -> None:
        """How it went, once it has happened: on the day or later."""
        self._require_booked(action="given an outcome again")
        if self.starts_at > now:
            raise ValidationError({"outcome": (
                f"The appointment is on {timezone.localtime(self.starts_at):%-d %B %Y at %H:%M}: "
                "record its outcome once it has happened"
            )})
        self.outcome, self.duration_minutes, self.notes = outcome, duration_minutes, notes.strip()


class NonCompliance(models.Model):
    """One missed appointment, unmet condition or new offence, and what the keyworker decided about it."""

    class Kind(models.TextChoices):
        MISSED_APPOINTMENT = "missed_appointment", "Missed appointment"
        CONDITION_NOT_MET = "condition_not_met", "Condition not met"
        NEW_OFFENCE = "new_offence", "New offence"

    class Response(models.TextChoices):
        NONE = "none", "No action"
        WARNING = "warning", "Warning"
        VARIATION = "variation", "Vary the contract"
        EXTENSION = "extension", "Extend the contract"
        PROPOSE_BREACH = "propose_breach", "Propose breach"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="non_compliance")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    condition = models.ForeignKey(Condition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    occurred_on = models.DateField()
    reasonable_excuse = models.BooleanField()
    response = models.CharField(max_length=20, choices=Response.choices)
    notes = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]


class SupervisorDecision(models.Model):
    """What a proposal waiting for a supervisor records: who proposed it, and who decided what and why.

    `decide` holds the rules every such decision follows; the services lock the
    row before calling it and then apply what was approved.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a supervisor"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    noun = "proposal"

    class Meta:
        abstract = True
        ordering = ["-proposed_at", "-id"]

    def decided_message(self) -> str:
        """What someone opening a proposal decided meanwhile is told: who decided what, and when."""
        who = self.decided_by.get_full_name() if self.decided_by else "a supervisor"
        when = f" on {timezone.localtime(self.decided_at):%-d %B %Y at %H:%M}" if self.decided_at else ""
        return f"This {self.noun} has been decided already: {self.get_decision_display().lower()} by {who}{when}. Nothing was changed."

    def decide(self, *, user, approve: bool, note: str, at, approval_required: bool = True) -> None:
        """Record the decision. Where the scheme requires no supervisor's approval (`approval_required=False`),
        the proposer's own approval stands; otherwise someone else decides."""
        if self.decision != self.Decision.PENDING:
            raise CaseStateError(self.decided_message())
        if self.proposed_by_id == user.pk and approval_required:
            raise CaseStateError(f"A {self.noun} is decided by a supervisor other than the person who proposed it.")
        if not approve and not note.strip():
            raise ValidationError({"note": f"Enter why the {self.noun} is refused"})
        self.decision = self.Decision.APPROVED if approve else self.Decision.REFUSED
        self.decided_by, self.decided_at, self.decision_note = user, at, note.strip()


class ClosureProposal(SupervisorDecision):
    """A keyworker's proposal to close a case, decided by a supervisor where the scheme requires it."""

    class Result(models.TextChoices):
        COMPLETED = "completed", "Completed"
        BREACHED = "breached", "Breached"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="closure_proposals")
    result = models.CharField(max_length=20, choices=Result.choices)
    withdrawal_reason = models.CharField(max_length=30, blank=True)
    reason = models.TextField()
    # A breach is careful and reviewed (following "Make a recall decision"): what happened, when, what it breached,
    # what was tried first and what the keyworker and supervisor said; the supervisor's rationale is `decision_note`.
    breach_on = models.DateField("Date of the breach", null=True, blank=True)
    conditions_breached = models.ManyToManyField(Condition, blank=True, related_name="+")
    new_offence = models.CharField("The new offence, if the breach is one", max_length=300, blank=True)
    circumstances = models.TextField("What led to the breach", blank=True)
    tried = models.TextField("What was tried before proposing it", blank=True)
    discussion = models.TextField("Discussion with the supervisor", blank=True)
    # Why a Victims' Code update due before closure was not given (cases/victims_code.py): without it the case stays open.
    victim_update_reason = models.TextField("Why the victim was not updated", blank=True)

    noun = "closure"

    @property
    def what(self) -> str:
        """The decision's name in a sentence: the completion, the breach, the withdrawal."""
        return {self.Result.COMPLETED: "completion", self.Result.BREACHED: "breach"}.get(self.result, "withdrawal")

    class Meta(SupervisorDecision.Meta):
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(decision="pending"), name="one_pending_closure_per_case"),
        ]


class VariationProposal(SupervisorDecision):
    """A change to an agreed contract, proposed by the keyworker: it takes effect only when a supervisor approves.

    An extension adds days to the end date; a variation replaces one condition
    with new words, dates or hours (the old one is kept, marked varied).
    """

    class Kind(models.TextChoices):
        VARIATION = "variation", "Vary a condition"
        EXTENSION = "extension", "Extend the contract"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="variations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    extension_days = models.PositiveSmallIntegerField(null=True, blank=True)
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    new_description = models.TextField(blank=True)
    new_due_date = models.DateField(null=True, blank=True)
    new_recurrence = models.CharField(max_length=120, blank=True)
    new_hours_required = models.PositiveSmallIntegerField(null=True, blank=True)

    noun = "variation"

    @property
    def what(self) -> str:
        return "extension" if self.kind == self.Kind.EXTENSION else "variation"
