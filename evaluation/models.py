"""Evaluation: crime records about people after their case, reoffending checks, crime harm and surveys.

domain.md section 8. Crime records are loaded from the force's records system
(all rows or none), matched to people, and read by reoffending checks that
store one result per closed case, definition and follow-up period.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from oocr.concurrency.models import Versioned
from oocr.errors import DomainError


class EventType(models.TextChoices):
    """What a crime record says happened to the person (the columns of an RMS extract)."""

    ARREST = "arrest", "Arrest"
    NAMED_SUSPECT = "named_suspect", "Named suspect"
    CHARGE = "charge", "Charge"
    CAUTION = "caution", "Caution"
    CONVICTION = "conviction", "Conviction"
    COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
    OUTCOME_22 = "outcome_22", "Outcome 22 (deferred prosecution)"


class CrimeRecordImport(models.Model):
    """One upload of an RMS extract: loaded whole or not at all, with a row-by-row error report."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        RUNNING = "running", "Checking and loading"
        LOADED = "loaded", "Loaded"
        FAILED = "failed", "Not loaded"
        CANCELLED = "cancelled", "Cancelled: nothing was loaded"

    # Waiting or running: the import can still be cancelled, and the sweeper watches its heartbeat.
    UNFINISHED = (Status.WAITING, Status.RUNNING)
    # What can be run again from the import's page, while its upload is kept.
    RETRYABLE = (Status.FAILED, Status.CANCELLED)

    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    # The uploaded text, kept only until the load finishes (it holds personal data).
    content = models.TextField(blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="Each wrong row: line, column, problem.")
    matched = models.PositiveIntegerField(default=0)
    queued_for_review = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life: sent again, started, or a chunk of rows checked (oocr/jobs.py, the sweeper).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Asked to stop while running: the runner stops at its next chunk of rows, or before it loads anything.
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        permissions = [
            ("manage_evaluation", "Can import crime records, confirm matches and run reoffending checks"),
            ("view_outcomes", "Can see the outcomes dashboard and the cohort report"),
        ]

    def __str__(self) -> str:
        return f"Crime record import {self.pk}"

    @property
    def percent_done(self) -> int:
        return int(100 * self.rows_checked / self.total_rows) if self.total_rows else 0

    @property
    def rows_updated(self) -> int:
        """Rows already known from an earlier extract: updated, not added."""
        return self.rows_loaded - self.rows_new

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def last_sign_of_life(self):
        return self.heartbeat_at or self.uploaded_at

    @property
    def upload_is_kept(self) -> bool:
        """Whether the uploaded file is still stored (in parts, or as text), without reading megabytes of it."""
        if self.pk and CrimeRecordImportPart.objects.filter(upload_id=self.pk).exists():
            return True
        if "content" in self.get_deferred_fields():
            return CrimeRecordImport.objects.filter(pk=self.pk).exclude(content="").exists()
        return bool(self.content)

    @property
    def cancel_refusal(self) -> str:
        """Why this import cannot be cancelled, in a sentence; empty when it can."""
        if not self.is_finished:
            return "This import is already stopping: it will be cancelled shortly." if self.cancel_requested_at else ""
        return f"This import has already ended ({self.get_status_display().split(':')[0].lower()}): there is nothing to cancel."

    @property
    def retry_refusal(self) -> str:
        """Why this import cannot be run again from its page, in a sentence; empty when it can."""
        if self.status not in self.RETRYABLE:
            return "Only a failed or cancelled import can be run again."
        if not self.upload_is_kept:
            return ("The uploaded file is no longer kept (it holds personal data), so the import cannot be run again: "
                    "upload the file again.")
        return ""

    def cancel(self, *, by, at, runner_alive: bool) -> None:
        """Cancelled at once when nobody runs it; otherwise asked to stop, which its runner does at its next chunk."""
        if self.cancel_refusal:
            raise DomainError(self.cancel_refusal)
        self.cancelled_by = by
        if self.status == self.Status.RUNNING and runner_alive:
            self.cancel_requested_at = at
        else:
            self.status, self.finished_at, self.heartbeat_at = self.Status.CANCELLED, at, None

    def retry(self, *, at) -> None:
        """Back to waiting, with nothing of the last attempt left but the upload."""
        if self.retry_refusal:
            raise DomainError(self.retry_refusal)
        self.status, self.heartbeat_at = self.Status.WAITING, at
        self.total_rows = self.rows_checked = self.rows_loaded = self.rows_new = self.matched = self.queued_for_review = 0
        self.errors, self.finished_at, self.cancel_requested_at, self.cancelled_by = [], None, None, None


class CrimeRecordImportPart(models.Model):
    """One piece (up to a megabyte) of an uploaded extract, as the bytes came: an upload is stored and read back as a
    stream of these, so that neither the web process nor the import's runner ever holds the whole file (issue 18).

    Removed with the upload's kept text when the import ends (they hold personal data)."""

    upload = models.ForeignKey(CrimeRecordImport, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    data = models.BinaryField()
    lines = models.PositiveIntegerField(help_text="Line ends in this part (to count the rows without reading them).")

    class Meta:
        ordering = ["upload", "number"]
        constraints = [models.UniqueConstraint(fields=["upload", "number"], name="crime_record_import_part_once")]


class CrimeRecord(models.Model):
    """One later event about a person, from the records system; kept whole so any definition can be computed.

    Unique by crime reference + person + event type: re-importing an extract
    updates the same rows. The person is identified by `person_key`: the PNC ID
    when the extract gives one, otherwise normalised names and date of birth.
    """

    class MatchMethod(models.TextChoices):
        UNMATCHED = "", "Not matched"
        PNC_ID = "pnc_id", "PNC ID"
        NAME_AND_BIRTH = "name_and_birth", "Names and date of birth"
        CONFIRMED = "confirmed", "Confirmed by an administrator"

    crime_reference = models.CharField(max_length=30)
    event_type = models.CharField(max_length=30, choices=EventType.choices)
    offence_code = models.CharField(max_length=20)
    offence_title = models.CharField(max_length=200, blank=True)
    offence_date = models.DateField()
    outcome_date = models.DateField(null=True, blank=True)
    pnc_id = models.CharField("PNC ID", max_length=20, blank=True)
    surname = models.CharField(max_length=100)
    forenames = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    name_key = models.CharField(max_length=201, help_text="Forenames and surname as duplicate checks compare them.")
    person_key = models.CharField(max_length=230)
    # No index of its own: crime_record_person_date (person, offence_date) serves every look-up by person, and each
    # index costs the import (a quarter of loading a million rows went to this one).
    person = models.ForeignKey("cases.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="crime_records",
                               db_index=False)
    match_method = models.CharField(max_length=20, choices=MatchMethod.choices, blank=True, default="")
    source = models.ForeignKey(CrimeRecordImport, on_delete=models.PROTECT, related_name="records")

    class Meta:
        ordering = ["offence_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["crime_reference", "person_key", "event_type"], name="crime_record_key"),
        ]
        # Only what a query reads (EXPLAIN of the check, the matching and the doubtful matches, 2026-12-03): the
        # people's side of a match is looked up by date of birth in cases, never the records', so (date_of_birth,
        # name_key) was dropped (0011): each index is a write on every imported row.
        indexes = [
            models.Index(fields=["person", "offence_date"], name="crime_record_person_date"),
        ]

    def __str__(self) -> str:
        return f"{self.crime_reference} {self.get_event_type_display()}"


class PersonMatch(models.Model):
    """A doubtful match (same date of birth, similar name) waiting for an administrator; the decision is kept."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a decision"
        CONFIRMED = "confirmed", "Confirmed: the same person"
        REJECTED = "rejected", "Rejected: a different person"

    crime_record = models.ForeignKey(CrimeRecord, on_delete=models.CASCADE, related_name="candidate_matches")
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["crime_record", "person"], name="person_match_once")]

    def decide(self, *, confirm: bool, by, at) -> None:
        if self.status != self.Status.WAITING:
            raise DomainError(f"This match was already {self.get_status_display().split(':')[0].lower()}.")
        self.status = self.Status.CONFIRMED if confirm else self.Status.REJECTED
        self.decided_by, self.decided_at = by, at


class HarmWeightSet(models.Model):
    """A versioned table of crime harm weights, in days of imprisonment (Cambridge Crime Harm Index)."""

    class Kind(models.TextChoices):
        SUBGROUP = "subgroup", "By Home Office crime subgroup"
        OFFENCE = "offence", "By offence code"

    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.TextField(help_text="Where the weights come from.")
    is_current = models.BooleanField(default=False, help_text="The set new reoffending checks use.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="harm_weight_set_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class HarmWeight(models.Model):
    """One weight: an offence code's, or a crime subgroup's (used when the offence has no weight of its own)."""

    weight_set = models.ForeignKey(HarmWeightSet, on_delete=models.CASCADE, related_name="weights")
    key = models.CharField(max_length=100, help_text="The offence code, or the crime subgroup's name.")
    title = models.CharField(max_length=200, blank=True)
    days = models.DecimalField(max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["weight_set", "key"], name="harm_weight_once")]


class ReoffendingDefinition(models.Model):
    """How reoffending is counted: which events, over which follow-up, from which start (configurable)."""

    class StartPoint(models.TextChoices):
        OFFENCE_DATE = "offence_date", "Offence date (the index offence)"
        DECISION_DATE = "decision_date", "Decision date (the person chose the scheme or court)"
        CONTRACT_END = "contract_end", "Contract end (or the date the case closed, without a contract)"

    name = models.CharField(max_length=200, unique=True)
    follow_up_months = models.JSONField(default=list, help_text="Follow-up periods in months, for example [12, 24].")
    start_point = models.CharField(max_length=20, choices=StartPoint.choices, default=StartPoint.DECISION_DATE)
    event_types = models.JSONField(default=list, help_text="The event types that count as reoffending.")
    waiting_months = models.PositiveSmallIntegerField(
        null=True, blank=True, default=6,
        help_text="Months after the window for the outcome (caution or conviction) to be recorded. Empty: no outcome needed.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        months = self.follow_up_months
        if not isinstance(months, list) or not months or not all(isinstance(m, int) and 1 <= m <= 120 for m in months):
            raise ValidationError({"follow_up_months": "Enter one or more follow-up periods in whole months, 1 to 120, like [12, 24]"})
        events = self.event_types
        if not isinstance(events, list) or not events or not set(events) <= set(EventType.values):
            raise ValidationError({"event_types": f"Choose the event types that count from: {', '.join(EventType.values)}"})


class ReoffendingCheckRun(models.Model):
    """One run of the reoffending check for one definition, as at a date.

    A run changes no report until an administrator publishes it: the cohort report, the outcomes dashboard
    and their downloads read the definition's one published run. Publishing a newer run supersedes the old
    one, which is kept for the record (who ran and published it, when, as at which date, its counts) while
    its results are removed. A finished run not published before a newer run of its definition finishes is
    set aside the same way: only the published run and the newest run keep their results.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished: not published"
        FAILED = "failed", "Failed"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded by a later published run"
        SET_ASIDE = "set_aside", "Not published: a newer run replaced it"

    # Where each state may go.
    MOVES = {
        Status.RUNNING: [Status.FINISHED, Status.FAILED],
        Status.FINISHED: [Status.PUBLISHED, Status.SET_ASIDE],
        Status.PUBLISHED: [Status.SUPERSEDED],
    }

    definition = models.ForeignKey(ReoffendingDefinition, on_delete=models.PROTECT, related_name="runs")
    as_of = models.DateField()
    weight_set = models.ForeignKey(HarmWeightSet, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    cases_checked = models.PositiveIntegerField(default=0)
    cases_reoffended = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      help_text="The published run that replaced this one, or the newer run that set it aside.")
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The request this run answers (the task's id, and the definition for the monthly run of every definition):
    # the same request delivered again, after a worker was lost, finds its run instead of making a second one.
    request_key = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["definition"], condition=models.Q(status="published"),
                                    name="one_published_run_per_definition"),
            models.UniqueConstraint(fields=["request_key"], condition=~models.Q(request_key=""),
                                    name="one_run_per_check_request"),
        ]

    def __str__(self) -> str:
        return f"{self.definition} as at {self.as_of:%d %b %Y}"

    @property
    def publish_refusal(self) -> str:
        """Why this run cannot be published, in a sentence; empty when it can."""
        if self.status == self.Status.FINISHED:
            return ""
        if self.status == self.Status.PUBLISHED:
            return (f"This run is already published: the reports have used it since "
                    f"{timezone.localtime(self.published_at):%-d %B %Y %H:%M}.")
        if self.status == self.Status.RUNNING:
            return "This run has not finished yet: it can be published once it has."
        if self.status == self.Status.FAILED:
            return "This run failed, so it has no results to publish. Run the check again."
        if self.status == self.Status.SUPERSEDED:
            return ("This run was replaced by a later published run and its results are no longer kept. "
                    "Run the check again to publish figures as at this date.")
        return ("A newer run of this definition finished before this one was published, and its results are no longer "
                "kept: publish the newer run instead.")

    def _move(self, to: str) -> None:
        if to not in self.MOVES.get(self.status, []):
            raise DomainError(f"A run that is {self.get_status_display().split(':')[0].lower()} cannot be "
                              f"{self.Status(to).label.split(':')[0].lower()}.")
        self.status = to

    def finish(self, *, at, cases_checked: int, cases_reoffended: int) -> None:
        self._move(self.Status.FINISHED)
        self.finished_at, self.cases_checked, self.cases_reoffended = at, cases_checked, cases_reoffended

    def publish(self, *, by, at) -> None:
        """The reports read this run from now on. The caller supersedes the run published before (`supersede`)."""
        if self.publish_refusal:
            raise DomainError(self.publish_refusal)
        self._move(self.Status.PUBLISHED)
        self.published_by, self.published_at = by, at

    def supersede(self, *, by_run: "ReoffendingCheckRun", at) -> None:
        """Replaced: by the newly published run (when this one was published), or by a newer run (when it was not)."""
        self._move(self.Status.SUPERSEDED if self.status == self.Status.PUBLISHED else self.Status.SET_ASIDE)
        self.superseded_by, self.superseded_at = by_run, at


class ReoffendingResult(models.Model):
    """One closed case under one definition and follow-up, as one run of the check found it.

    Written only by the check (evaluation/checks.py), a million rows at a time at
    national size: so two foreign keys, one unique index and the case's index, no more.

    `reached_follow_up` false means the person is censored: only `observed_days`
    of the window have passed, and the result counts only in time-to-event figures.
    """

    # The definition and the harm weights are the run's. Only a definition's published run and its newest run
    # keep their results (ReoffendingCheckRun).
    # No database foreign key constraints on this derived table: checking them for a million inserted rows took
    # 12 of a national check's 28 seconds (bench/evaluation.py). Rows come from one INSERT ... SELECT joined to
    # the cases, in the transaction that creates the run; Django's own CASCADE still removes them with either.
    run = models.ForeignKey(ReoffendingCheckRun, on_delete=models.CASCADE, related_name="results", db_index=False,
                            db_constraint=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reoffending_results", db_constraint=False)
    follow_up_months = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    window_end = models.DateField()
    reached_follow_up = models.BooleanField()
    observed_days = models.PositiveIntegerField()
    reoffended = models.BooleanField()
    first_offence_date = models.DateField(null=True, blank=True)
    reoffence_count = models.PositiveIntegerField()
    harm_after = models.DecimalField(max_digits=12, decimal_places=2)
    harm_before = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "case", "follow_up_months"], name="reoffending_result_once"),
        ]

    @property
    def definition(self) -> ReoffendingDefinition:
        return self.run.definition

    @property
    def weight_set(self) -> HarmWeightSet:
        """The crime harm weights this result used."""
        return self.run.weight_set


class ReportChart(models.Model):
    """A chart of a published run's figures, drawn once (at publishing, or at its first showing for other filters)
    and kept with the run: the report's images are read from here, never drawn per request. The figures behind the
    report are kept the same way, as JSON (key "figures:..."). Removed when a later run supersedes the run."""

    run = models.ForeignKey(ReoffendingCheckRun, on_delete=models.CASCADE, related_name="charts")
    key = models.CharField(max_length=80, help_text="The chart's name and a digest of its measure, filters and breakdown.")
    svg = models.BinaryField()
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="report_chart_once")]


class SurveyInstrument(models.Model):
    """A versioned questionnaire; items on a 1 to 5 scale. A new wording is a new version, never an edit."""

    class Respondent(models.TextChoices):
        PERSON = "person", "The person"
        VICTIM = "victim", "The victim"

    code = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    items = models.JSONField(help_text="A list of {code, text}.")
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["respondent", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="survey_instrument_version")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class SurveyResponse(Versioned):
    """One completed questionnaire on a case, at the start or at closure.

    Its answers may be corrected (over the version read) until it is locked: a starting survey when the case
    closes, an ending survey once a published reoffending check counts the case (`locked_because`).
    """

    class Timing(models.TextChoices):
        START = "start", "At the start"
        END = "end", "At closure"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="survey_responses")
    instrument = models.ForeignKey(SurveyInstrument, on_delete=models.PROTECT, related_name="responses")
    timing = models.CharField(max_length=10, choices=Timing.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Anything else the respondent said, in their words: read by managers in the survey report (without the case or
    # any name), never exported, erased at retention with the case's other free text.
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "instrument", "timing"], name="survey_response_once")]

    def locked_because(self) -> str:
        """Why its answers can no longer change (empty while they can)."""
        if self.timing == self.Timing.START and self.case.closed_at is not None:
            return "A starting questionnaire is locked once the case has closed."
        if self.timing == self.Timing.END and ReoffendingResult.objects.filter(
                case_id=self.case_id, run__status=ReoffendingCheckRun.Status.PUBLISHED).exists():
            return "An ending questionnaire is locked once a published reoffending check counts the case."
        return ""


class SurveyAnswer(models.Model):
    """One item's answer, stored per item so any scale can be recomputed; empty when not answered."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item_code = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item_code"], name="survey_answer_once"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5) | models.Q(score=None), name="survey_score_1_to_5"),
        ]


class ReportJob(models.Model):
    """Figures of a published run asked for with filters nothing kept yet, computed in the background and kept with
    the run (ReportChart) when the run is large (settings.EVALUATION_REPORT_BACKGROUND_ABOVE cases): the reader is
    told the report is being prepared instead of waiting minutes in the request.

    One job per run and set of figures (the key its page reads them under): the same filters asked for twice (two tabs,
    a retry, two administrators) find the one job. Removed with the run's charts when a later run supersedes it.
    """

    class Kind(models.TextChoices):
        REPORT = "report", "Cohort report"
        TIME_TO_REOFFENCE = "time", "Time to reoffence"
        DASHBOARD = "dashboard", "Outcomes dashboard"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    UNFINISHED = (Status.WAITING, Status.RUNNING)

    run = models.ForeignKey(ReoffendingCheckRun, on_delete=models.CASCADE, related_name="report_jobs")
    key = models.CharField(max_length=80, help_text="The key of the figures kept with the run (ReportChart.key).")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The valid filters only, as the form received them (measure included): what the job computes, for anyone.
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    error = models.CharField(max_length=300, blank=True, default="", help_text="Why it failed; no personal data.")
    cases_in_scope = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the computing took.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="report_job_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} figures ({self.get_status_display().lower()})"

    @property
    def is_unfinished(self) -> bool:
        return self.status in self.UNFINISHED
