"""People, crimes, offences, eligibility and the case: the spine of the service."""

import re
import unicodedata
from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.timeline import CaseTimeline
from oocr.concurrency.models import Versioned
from oocr.errors import DomainError
from oocr.links import case_section_links


def name_key(first_names: str, last_name: str) -> str:
    """A name as duplicate checks compare it: lower case, no accents, letters and single spaces."""
    text = unicodedata.normalize("NFKD", f"{first_names} {last_name}")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z ]+", " ", text).split())


# A PNC ID: the year the record was made (two or four digits), a serial number of up to seven digits, a check letter.
PNC_ID_SHAPE = re.compile(r"^([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])$")


def pnc_id_normalise(value: str, *, today: date | None = None) -> str:
    """A PNC ID as it is stored and compared: 2026/0001234A, whether typed 26/1234a or 2026/0001234A.

    A two-digit year is in this century unless that would be in the future (PNC IDs date from the
    1970s on). Text that is not shaped like a PNC ID comes back trimmed and in capitals, unchanged
    otherwise: the form refuses it, and old records keep what they had.
    """
    text = re.sub(r"\s+", "", value or "").upper()
    match = PNC_ID_SHAPE.match(text)
    if not match:
        return text
    year, serial, check = match.groups()
    if len(year) == 2:
        this_year = (today or date.today()).year
        year = str(2000 + int(year) if 2000 + int(year) <= this_year else 1900 + int(year))
    return f"{year}/{int(serial):07d}{check}"


class CaseStateError(DomainError):
    """An illegal move of a case; the message is a sentence a user can read."""


class CrimeSubgroup(models.TextChoices):
    """Home Office police-recorded crime subgroups (shared/data/harm_weights_prc_subgroups.csv)."""

    HOMICIDE = "Homicide"
    RAPE = "Rape offences"
    VIOLENCE_WITH_INJURY = "Violence with injury"
    UNLAWFUL_DRIVING = "Death or serious injury - unlawful driving"
    ROBBERY_BUSINESS = "Robbery of business property"
    ROBBERY_PERSONAL = "Robbery of personal property"
    WEAPONS = "Possession of weapons offences"
    RESIDENTIAL_BURGLARY = "Residential burglary"
    ARSON = "Arson"
    NON_RESIDENTIAL_BURGLARY = "Non-residential burglary"
    OTHER_SEXUAL = "Other sexual offences"
    VIOLENCE_WITHOUT_INJURY = "Violence without injury"
    STALKING_HARASSMENT = "Stalking and harassment"
    MISCELLANEOUS = "Miscellaneous crimes against society"
    PUBLIC_ORDER = "Public order offences"
    VEHICLE = "Vehicle offences"
    DRUG_TRAFFICKING = "Trafficking of drugs"
    DRUG_POSSESSION = "Possession of drugs"
    CRIMINAL_DAMAGE = "Criminal damage"
    OTHER_THEFT = "Other theft offences"
    THEFT_FROM_PERSON = "Theft from the person"
    BICYCLE_THEFT = "Bicycle theft"
    SHOPLIFTING = "Shoplifting"


SEXUAL_SUBGROUPS = {CrimeSubgroup.RAPE, CrimeSubgroup.OTHER_SEXUAL}


class Offence(models.Model):
    """An entry in the offence catalogue that administrators maintain."""

    class ModeOfTrial(models.TextChoices):
        SUMMARY = "summary", "Summary only"
        EITHER_WAY = "either_way", "Either way"
        INDICTABLE = "indictable", "Indictable only"

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    mode_of_trial = models.CharField(max_length=20, choices=ModeOfTrial.choices)
    crime_subgroup = models.CharField(max_length=60, choices=CrimeSubgroup.choices)
    is_active = models.BooleanField(default=True, help_text="Retired offences stay on old crimes but cannot be chosen.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Person(Versioned):
    """Someone suspected of an offence. Victims are separate records (domain.md section 9)."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_KNOWN = "not_known", "Not known"

    class Ethnicity(models.TextChoices):
        """The ONS 2021 census categories for England and Wales."""

        ASIAN_BANGLADESHI = "A1", "Asian or Asian British: Bangladeshi"
        ASIAN_CHINESE = "A2", "Asian or Asian British: Chinese"
        ASIAN_INDIAN = "A3", "Asian or Asian British: Indian"
        ASIAN_PAKISTANI = "A4", "Asian or Asian British: Pakistani"
        ASIAN_OTHER = "A5", "Asian or Asian British: any other Asian background"
        BLACK_AFRICAN = "B1", "Black, Black British, Caribbean or African: African"
        BLACK_CARIBBEAN = "B2", "Black, Black British, Caribbean or African: Caribbean"
        BLACK_OTHER = "B3", "Black, Black British, Caribbean or African: any other Black background"
        MIXED_WHITE_ASIAN = "M1", "Mixed or multiple ethnic groups: White and Asian"
        MIXED_WHITE_BLACK_AFRICAN = "M2", "Mixed or multiple ethnic groups: White and Black African"
        MIXED_WHITE_BLACK_CARIBBEAN = "M3", "Mixed or multiple ethnic groups: White and Black Caribbean"
        MIXED_OTHER = "M4", "Mixed or multiple ethnic groups: any other mixed background"
        WHITE_BRITISH = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
        WHITE_IRISH = "W2", "White: Irish"
        WHITE_GYPSY = "W3", "White: Gypsy or Irish Traveller"
        WHITE_ROMA = "W4", "White: Roma"
        WHITE_OTHER = "W9", "White: any other White background"
        OTHER_ARAB = "O1", "Other ethnic group: Arab"
        OTHER_ANY = "O9", "Other ethnic group: any other ethnic group"
        NOT_STATED = "NS", "Not stated"

    class ContactPreference(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        POST = "post", "Letter"

    first_names = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # Lower case, accents and punctuation removed: what duplicate checks compare.
    name_key = models.CharField(max_length=201, db_index=True, editable=False)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=20, choices=Sex.choices)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED)
    address_line_1 = models.CharField("Address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactPreference.choices, default=ContactPreference.PHONE)
    # Reminders of appointments and deadlines go to the person only where they agreed, by the way they chose.
    reminders_by = models.CharField(
        "Reminders the person agreed to", max_length=10, blank=True,
        choices=[("", "No reminders"), ("sms", "Text message"), ("email", "Email")],
    )
    pnc_id = models.CharField("PNC ID", max_length=20, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_names"]
        indexes = [models.Index(fields=["date_of_birth", "name_key"])]
        constraints = [
            # A person is one record: a PNC ID belongs to one person (many people have none yet).
            models.UniqueConstraint(
                fields=["pnc_id"], condition=~models.Q(pnc_id=""), name="person_pnc_id_unique",
                violation_error_message="Another person on record has this PNC ID",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_names} {self.last_name}"

    def clean(self) -> None:
        # One spelling per PNC ID, so that the constraint and every match compare like with like.
        self.pnc_id = pnc_id_normalise(self.pnc_id)

    @property
    def has_postal_address(self) -> bool:
        return bool(self.address_line_1 and self.postcode)

    @property
    def postcode_area(self) -> str:
        """The leading letters of the postcode, like PL: what areas and allocation compare."""
        return re.match(r"[A-Z]*", self.postcode.upper()).group()

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.address_line_1, self.address_line_2, self.town, self.postcode) if part)


class Case(Versioned, models.Model):
    """One person's journey through the scheme (design.md section 3).

    Every change of `status` goes through a verb below, called by a service
    that holds a row lock on the case (`select_for_update`).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        INELIGIBLE = "ineligible", "Ineligible"
        AWAITING_ALLOCATION = "awaiting_allocation", "Waiting for allocation"
        ALLOCATED = "allocated", "Allocated"
        DECLINED = "declined", "Declined: opted for court"
        ASSESSMENT = "assessment", "Needs assessment"
        ACTIVE = "active", "Contract active"
        COMPLETED = "completed", "Completed"
        BREACHED = "breached", "Breached"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Route(models.TextChoices):
        DEFERRED_CAUTION = "deferred_caution", "Deferred caution"
        DEFERRED_CHARGE = "deferred_charge", "Deferred charge"

    class WithdrawalReason(models.TextChoices):
        MOVED_AWAY = "moved_away", "Moved out of the force area"
        DIED = "died", "Died"
        NEW_EVIDENCE = "new_evidence", "New evidence: no longer suitable"
        NO_FURTHER_ACTION = "no_further_action", "Officer in the case took no further action"
        SUBMITTED_IN_ERROR = "submitted_in_error", "Submitted in error"
        DUPLICATE = "duplicate", "A duplicate of another submission"
        OTHER = "other", "Other"
        TRIAL_CONTROL = "trial_control", "Randomised to a trial's usual-process arm"

    # What an officer may give as the reason when they withdraw their own submission before allocation.
    OFFICER_WITHDRAWAL_REASONS = [
        choice for choice in WithdrawalReason.choices
        if choice[0] in ("submitted_in_error", "duplicate", "new_evidence", "no_further_action", "moved_away", "died", "other")
    ]

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", null=True, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    young_adult_offer = models.BooleanField(default=False, help_text="Aged 18 to 25 on the offence date.")
    womens_offer = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=30, choices=WithdrawalReason.choices, blank=True)
    outcome_code = models.PositiveSmallIntegerField("Home Office outcome code", null=True, blank=True)
    review_flag = models.CharField(max_length=200, blank=True, help_text="Why a supervisor should review the case now.")
    updated_at = models.DateTimeField(auto_now=True)
    # Draft answers to the eligibility questions, kept until the assessment is stored.
    draft_answers = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["draft_answers"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="case_status_submitted")]
        permissions = [
            ("submit_case", "Can submit crimes to the OoCR team"),
            ("view_all_submissions", "Can see every submission, not only their own"),
            ("view_team_cases", "Can see every case of the team (read-only unless also the keyworker)"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The case number people quote: stable, short, not personal."""
        return self.number_of(self.pk)

    # The case number's one home: formatted by number_of, read back by id_from_number (the search box, where
    # "OOCR-000123", "oocr123" and "123" all find case 123). Nothing else writes or parses the shape.
    NUMBER_SHAPE = re.compile(r"^(?:OOCR-?)?0*([0-9]{1,9})$", re.I)

    @staticmethod
    def number_of(case_id: int) -> str:
        """The case number of a case known only by its id (a values() row, a file name)."""
        return f"OOCR-{case_id:06d}"

    @classmethod
    def id_from_number(cls, text: str) -> int | None:
        """The id of the case a typed case number names, or None if the text is not one."""
        match = cls.NUMBER_SHAPE.match(text.strip())
        return int(match.group(1)) if match else None

    @property
    def section_links(self) -> dict[str, str]:
        """The addresses of the case record's sections (its sub-navigation, cases/case_base.html) by section name."""
        return case_section_links(self.pk)

    @property
    def timeline(self):
        """The case's dates in order (cases/timeline.py): every service asks it before it accepts a date.

        Read afresh on each use (a few small queries): take it once per service call.
        """
        return CaseTimeline.of(self)

    def _require(self, *statuses: str, action: str) -> None:
        if self.status not in statuses:
            raise CaseStateError(f"Case {self.number} is {self.get_status_display().lower()}, so it cannot be {action}.")

    def submit(self, *, route: str, at, override_reason: str = "") -> None:
        self._require(self.Status.DRAFT, action="submitted")
        self.status = self.Status.AWAITING_ALLOCATION
        self.route = route
        self.override_reason = override_reason
        self.submitted_at = at

    # Which states allow which work: the one home of each rule. Every app, query and template asks these (or the
    # properties below), never a list of its own.
    OPEN_ALLOCATED = (Status.ALLOCATED, Status.ASSESSMENT, Status.ACTIVE)  # with a keyworker: worked on, on their load
    OPEN = (Status.AWAITING_ALLOCATION, *OPEN_ALLOCATED)  # submitted and not closed: may be corrected, or withdrawn
    CLOSED = (Status.INELIGIBLE, Status.DECLINED, Status.COMPLETED, Status.BREACHED, Status.WITHDRAWN)
    CONTACT_ALLOWED = OPEN_ALLOCATED  # contacts with the person booked and recorded (first contact included)
    REFERRAL_ALLOWED = (Status.ASSESSMENT, Status.ACTIVE)  # referrals to partners made and worked
    BASELINE_ASSESSMENT_ALLOWED = (Status.ASSESSMENT, Status.ACTIVE)  # the first needs assessment: before and during
    CLOSING_ASSESSMENT_ALLOWED = (Status.ACTIVE,)  # the closing needs assessment: at the contract's end
    # Closed after the scheme was offered (an ineligible or declined case never reached its work): the victim is
    # owed an update on closure, and the evaluation counts these as outcomes of starting the scheme.
    SCHEME_CLOSURES = (Status.COMPLETED, Status.BREACHED, Status.WITHDRAWN)

    @property
    def contact_allowed(self) -> bool:
        return self.status in self.CONTACT_ALLOWED

    @property
    def referral_allowed(self) -> bool:
        return self.status in self.REFERRAL_ALLOWED

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_with_keyworker(self) -> bool:
        """Allocated and not closed: it can be worked on, or reallocated."""
        return self.status in self.OPEN_ALLOCATED

    def _close(self, status: str, *, at, by) -> None:
        self.status, self.closed_at, self.closed_by = status, at, by

    def allocate(self) -> None:
        self._require(self.Status.AWAITING_ALLOCATION, action="allocated")
        self.status = self.Status.ALLOCATED

    def require_reallocatable(self) -> None:
        self._require(*self.OPEN_ALLOCATED, action="reallocated")

    def close_ineligible(self, *, at) -> None:
        self._require(self.Status.DRAFT, action="closed as ineligible")
        self.status = self.Status.INELIGIBLE
        self.submitted_at = at
        self.closed_at = at

    def accept_scheme(self) -> None:
        """The person agreed to take part: on to the needs assessment."""
        self._require(self.Status.ALLOCATED, action="moved to assessment")
        self.status = self.Status.ASSESSMENT

    def decline(self, *, at, by) -> None:
        """The person opted for court: closed, and kept for the evaluation's comparison group."""
        self._require(self.Status.ALLOCATED, action="closed as declined")
        self._close(self.Status.DECLINED, at=at, by=by)

    def start_contract(self) -> None:
        self._require(self.Status.ASSESSMENT, action="given a contract")
        self.status = self.Status.ACTIVE

    def complete(self, *, at, by) -> None:
        self._require(self.Status.ACTIVE, action="completed")
        self._close(self.Status.COMPLETED, at=at, by=by)

    def breach(self, *, at, by) -> None:
        self._require(self.Status.ACTIVE, action="closed as breached")
        self._close(self.Status.BREACHED, at=at, by=by)

    def withdraw(self, *, at, by, reason: str) -> None:
        self._require(*self.OPEN, action="withdrawn")
        self._close(self.Status.WITHDRAWN, at=at, by=by)
        self.withdrawal_reason = reason

    # Sending work back and taking it back, before a keyworker has the case (issue 16).

    @property
    def is_returned(self) -> bool:
        """A submission a supervisor sent back to its officer: a draft again, that was submitted once."""
        return self.status == self.Status.DRAFT and self.submitted_at is not None

    def require_deletable(self) -> None:
        """Only a draft never submitted can be deleted; one sent back to the officer is withdrawn instead (it has a trail)."""
        self._require(self.Status.DRAFT, action="deleted")
        if self.is_returned:
            raise CaseStateError(f"Case {self.number} was submitted once, so it cannot be deleted: withdraw it instead.")

    def return_to_officer(self) -> None:
        """A supervisor sends a submission back before allocation: a draft again, for its officer to correct and resubmit."""
        self._require(self.Status.AWAITING_ALLOCATION, action="returned to the officer")
        self.status = self.Status.DRAFT

    def refuse_override(self, *, at, by) -> None:
        """A supervisor refuses a submission made by override: it closes as ineligible, as the rules said."""
        self._require(self.Status.AWAITING_ALLOCATION, action="refused")
        if not self.override_reason:
            raise CaseStateError(f"Case {self.number} was not submitted by override: return it to the officer instead.")
        self._close(self.Status.INELIGIBLE, at=at, by=by)

    def withdraw_submission(self, *, at, by, reason: str) -> None:
        """The officer takes back their own submission before allocation (waiting, or returned to them)."""
        if not (self.status == self.Status.AWAITING_ALLOCATION or self.is_returned):
            raise CaseStateError(
                f"Case {self.number} is {self.get_status_display().lower()}, so its officer cannot withdraw it: "
                "only a submission not yet allocated can be withdrawn here."
            )
        self._close(self.Status.WITHDRAWN, at=at, by=by)
        self.withdrawal_reason = reason

    def require_correctable(self) -> None:
        """Submitted and not closed: the person's contact details, the crime and the victims may be corrected."""
        self._require(*self.OPEN, action="corrected")


class FirstContact(Versioned):
    """The keyworker's offer of the scheme and the person's answer (domain.md section 3, step 5).

    Its date, way and notes may be corrected while the case is in assessment; once the contract is agreed the
    step is locked. The answer is never corrected: declining closes the case.
    """

    class Method(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        HOME_VISIT = "home_visit", "Home visit"
        LETTER = "letter", "Letter or email"

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", "Agrees to take part"
        DECLINED = "declined", "Declines and opts for court"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="first_contact")
    offered_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    answer = models.CharField(max_length=20, choices=Answer.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()


class Crime(Versioned):
    """An evidenced crime, with its offences and the officer in the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="crimes")
    reference = models.CharField("Crime reference", max_length=30, unique=True)
    offences = models.ManyToManyField(Offence, related_name="crimes")
    offence_date = models.DateField()
    offence_postcode = models.CharField(max_length=8)
    domestic_abuse = models.BooleanField(default=False)
    hate_crime = models.BooleanField(default=False)
    co_accused = models.BooleanField(default=False)
    officer_name = models.CharField("Officer in the case", max_length=200)
    officer_collar_number = models.CharField("Collar number", max_length=20)
    officer_email = models.EmailField("Officer's email")
    history = HistoricalRecords(m2m_fields=[offences])

    class Meta:
        ordering = ["offence_date"]

    def __str__(self) -> str:
        return self.reference

    @property
    def flags(self) -> str:
        """What the optional eligibility rules may look at, in words."""
        labels = [("Domestic abuse", self.domestic_abuse), ("Hate crime", self.hate_crime), ("Co-accused", self.co_accused)]
        return ", ".join(label for label, applies in labels if applies) or "None"


class Victim(Versioned):
    """A victim of a crime: a separate record from any suspect, even the same human."""

    class View(models.TextChoices):
        SUPPORTS = "supports", "Supports an out of court resolution"
        OPPOSES = "opposes", "Opposes it"
        NO_VIEW = "no_view", "Has no view"
        NOT_ASKED = "not_asked", "Has not been asked yet"

    class RestorativeConsent(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_ASKED = "not_asked", "Not asked yet"

    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="victims")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    view = models.CharField("Victim's view", max_length=20, choices=View.choices, default=View.NOT_ASKED)
    restorative_consent = models.CharField(
        "Consents to a restorative approach", max_length=20, choices=RestorativeConsent.choices,
        default=RestorativeConsent.NOT_ASKED,
    )
    date_asked = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class VictimContact(models.Model):
    """A contact with a victim, and what it was for (the Victims' Code asks for some by a date)."""

    class Purpose(models.TextChoices):
        VIEWS = "views", "Views sought on the resolution"
        RJ_INFORMATION = "rj_information", "Restorative justice information given"
        UPDATE_AGREED = "update_agreed", "Told the resolution was agreed"
        UPDATE_CLOSED = "update_closed", "Told the case closed"
        OTHER = "other", "Other"

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField()
    method = models.CharField(max_length=20, choices=[("phone", "Phone"), ("email", "Email"), ("letter", "Letter"),
                                                      ("in_person", "In person")])
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]


class EligibilityRule(models.Model):
    """The switchable part of an eligibility rule; its logic lives in cases/eligibility.py.

    Core rules (domain.md section 4) cannot be switched off; optional ones can,
    and some take a parameter (for example a number of months).
    """

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    is_optional = models.BooleanField(default=False, editable=False)
    is_enabled = models.BooleanField(default=True)
    parameter = models.PositiveIntegerField(null=True, blank=True)
    parameter_help = models.CharField(max_length=200, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["is_optional", "id"]

    def __str__(self) -> str:
        return self.name


class EligibilityAssessment(models.Model):
    """One eligibility check, stored whole and never changed: a new check is a new row."""

    class Outcome(models.TextChoices):
        ELIGIBLE = "eligible", "Eligible"
        INELIGIBLE = "ineligible", "Ineligible"
        NEEDS_ANSWERS = "needs_answers", "Needs answers"

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", "Submitted to the OoCR team"
        CLOSED_INELIGIBLE = "closed_ineligible", "Closed as ineligible"
        OVERRIDDEN = "overridden", "Submitted by override"
        RECHECKED = "rechecked", "Checked again after a correction"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="eligibility_assessments")
    answers = models.JSONField()
    results = models.JSONField(help_text="Each rule: code, name, outcome (pass / fail / unanswered), reason.")
    rule_set_version = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    override_reason = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        get_latest_by = "assessed_at"

    def failed_results(self) -> list[dict]:
        return [result for result in self.results if result["outcome"] == "fail"]


class CaseBaseline(models.Model):
    """What was known at submission, kept for matching comparison groups (domain.md section 8)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="baseline")
    age = models.PositiveSmallIntegerField(help_text="Age on the offence date.")
    sex = models.CharField(max_length=20, choices=Person.Sex.choices)
    ethnicity = models.CharField(max_length=2, choices=Person.Ethnicity.choices)
    offence_codes = models.JSONField()
    crime_subgroups = models.JSONField()
    route = models.CharField(max_length=20, choices=Case.Route.choices, blank=True)
    previous_offences = models.PositiveSmallIntegerField()
    previous_cautions = models.PositiveSmallIntegerField()
    previous_convictions = models.PositiveSmallIntegerField()
    home_postcode_area = models.CharField(max_length=2, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)


class CaseEvent(models.Model):
    """One entry on a case's timeline: what happened, who did it, when."""

    class Kind(models.TextChoices):
        CREATED = "created", "Draft started"
        ELIGIBILITY = "eligibility", "Eligibility checked"
        SUBMITTED = "submitted", "Submitted to the OoCR team"
        OVERRIDDEN = "overridden", "Submitted by override"
        INELIGIBLE = "ineligible", "Closed as ineligible"
        ALLOCATED = "allocated", "Allocated to a keyworker"
        REALLOCATED = "reallocated", "Reallocated"
        FIRST_CONTACT = "first_contact", "First contact: scheme offered"
        ACCEPTED = "accepted", "Agreed to take part"
        DECLINED = "declined", "Declined: opted for court"
        ASSESSMENT = "assessment", "Needs assessment recorded"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        ACTION = "action", "Keyworker action"
        CONTRACT = "contract", "Contract agreed"
        CONTRACT_APPROVED = "contract_approved", "Contract approved"
        CONDITION = "condition", "Condition progress"
        CONTACT = "contact", "Contact"
        NON_COMPLIANCE = "non_compliance", "Non-compliance"
        CLOSURE_PROPOSED = "closure_proposed", "Closure proposed"
        CLOSURE_REFUSED = "closure_refused", "Closure refused"
        COMPLETED = "completed", "Completed"
        BREACHED = "breached", "Breached"
        VARIATION_PROPOSED = "variation_proposed", "Variation proposed"
        VARIATION_DECIDED = "variation_decided", "Variation decided"
        VICTIM_CONTACT = "victim_contact", "Victim contact"
        REFERRAL = "referral", "Referral"
        WITHDRAWN = "withdrawn", "Withdrawn"
        PERSON_MERGED = "person_merged", "Person records merged"
        CORRECTED = "corrected", "Record corrected"
        RETURNED = "returned", "Returned to the officer"
        OVERRIDE_REFUSED = "override_refused", "Override refused"
        RESUBMITTED = "resubmitted", "Submitted again after a return"
        CONTRACT_REFUSED = "contract_refused", "Contract refused"
        CONTRACT_RETURNED = "contract_returned", "Contract returned for changes"
        DOCUMENT = "document", "Document"
        RANDOMISED = "randomised", "Randomised in a trial"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class SubmissionReturn(models.Model):
    """One round of sending a submission back: a supervisor returns it (or refuses its override) with reasons,
    and, for a return, when the officer submitted it again. Kept for each round, never changed but to close it."""

    class Kind(models.TextChoices):
        RETURNED = "returned", "Returned to the officer to correct"
        OVERRIDE_REFUSED = "override_refused", "Override refused: closed as ineligible"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="returns")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reasons = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    resubmitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.at:%Y-%m-%d}"
