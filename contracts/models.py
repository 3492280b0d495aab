"""Needs assessment and keyworker actions (contracts, conditions and contacts follow)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


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


class NeedsAssessment(models.Model):
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
