"""Intake forms: the shape of what an ERO enters. Business rules stay in services."""

import re
from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.db import models
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import eligibility
from cases.models import (
    PNC_ID_SHAPE, Case, Crime, EligibilityAssessment, FirstContact, Offence, Person, Victim, VictimContact, pnc_id_normalise,
)
from oocr.forms import GovukDateField, GovukForm, GovukModelForm, csv_upload_text, page_helper

UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def clean_postcode(value: str) -> str:
    """Upper case with one space before the inward code; an error names the expected shape."""
    compact = re.sub(r"\s+", "", value.upper())
    match = UK_POSTCODE.match(compact)
    if not match:
        raise ValidationError("Enter a real postcode, like EX1 1AA")
    return f"{match.group(1)} {match.group(2)}"


def clean_phone(value: str) -> str:
    digits = re.sub(r"[\s()-]", "", value)
    if not re.fullmatch(r"(\+44|0)[0-9]{9,10}", digits):
        raise ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")
    return value.strip()


class StepForm:
    """The buttons every intake page has: carry on, or keep what is entered and come back later.

    The view tells them apart by name: `later` in the POST data means come back later.
    """

    def make_helper(self, *fields, first_button=None) -> FormHelper:
        buttons = Div(
            *([first_button] if first_button else []),
            Button("continue", "Save and continue"),
            Button.secondary("later", "Save and come back later"),
            css_class="govuk-button-group",
        )
        return page_helper(self, *fields, buttons)


def reachable_check(form, data: dict) -> dict:
    """One way at least to reach the person, and an address given whole (intake and corrections alike)."""
    if not any(data.get(name) for name in ("address_line_1", "postcode", "phone", "email")):
        # Next to the phone number, the first way the message names: an error summary link must land on a field.
        form.add_error("phone", "Enter a phone number, email address or postal address: the team must be able to reach the person")
        return data
    if data.get("address_line_1") and not data.get("postcode"):
        form.add_error("postcode", "Enter the postcode of the address")
    if data.get("postcode") and not data.get("address_line_1"):
        form.add_error("address_line_1", "Enter the first line of the address")
    return data


class PersonForm(StepForm, GovukModelForm):
    date_of_birth = GovukDateField(what="date of birth")
    match = forms.ChoiceField(
        label="Is this one of these people?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"required": "Select the person this is, or that it is someone new"},
    )

    class Meta:
        model = Person
        fields = [
            "first_names", "last_name", "date_of_birth", "sex", "ethnicity", "pnc_id",
            "address_line_1", "address_line_2", "town", "postcode", "phone", "email", "preferred_contact",
        ]
        labels = {"first_names": "First names", "pnc_id": "PNC ID (if known)", "email": "Email address"}
        widgets = {"sex": forms.RadioSelect, "preferred_contact": forms.RadioSelect}
        error_messages = {
            "first_names": {"required": "Enter the person's first names"},
            "last_name": {"required": "Enter the person's last name"},
            "sex": {"required": "Select the person's sex"},
            "email": {"invalid": "Enter an email address in the correct format, like name@example.com"},
        }

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = Person.Sex.choices  # radios, so no empty choice
        self.candidates = list(candidates)
        if self.candidates:
            self.fields["match"].required = True
            self.fields["match"].choices = [
                (str(p.pk), f"{p} (born {p.date_of_birth:%-d %B %Y}{', PNC ' + p.pnc_id if p.pnc_id else ''}, {p.postcode or 'no postcode'})"
                            + "".join(f", case {number} open" for number in getattr(p, "open_case_numbers", ())))
                for p in self.candidates
            ] + [("new", "None of these: this is someone new")]
        self.helper = self.make_helper(
            *(["match"] if self.candidates else []),
            Fieldset(
                Field.text("first_names", field_width=Fluid.TWO_THIRDS),
                Field.text("last_name", field_width=Fluid.TWO_THIRDS),
                Field("date_of_birth"),
                Field.radios("sex", inline=True, legend_size=Size.SMALL),
                Field.select("ethnicity"),
                Field.text("pnc_id", field_width=Fixed.TEN),
                legend="Who they are", legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("address_line_1", field_width=Fluid.TWO_THIRDS),
                Field.text("address_line_2", field_width=Fluid.TWO_THIRDS),
                Field.text("town", field_width=Fluid.ONE_HALF),
                Field.text("postcode", field_width=Fixed.TEN),
                Field.text("phone", field_width=Fixed.TWENTY),
                Field.text("email", field_width=Fluid.TWO_THIRDS),
                Field.radios("preferred_contact", legend_size=Size.SMALL),
                legend="How to reach them", legend_size=Size.MEDIUM,
            ),
        )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value and value >= timezone.localdate():
            raise ValidationError("The date of birth must be in the past")
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        return clean_postcode(value) if value else value

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return clean_phone(value) if value else value

    def clean_pnc_id(self):
        value = re.sub(r"\s+", "", self.cleaned_data["pnc_id"]).upper()
        if value and not PNC_ID_SHAPE.match(value):
            raise ValidationError("Enter a PNC ID in the correct format, like 12/3456789A")
        return pnc_id_normalise(value)

    def _get_validation_exclusions(self):
        # The service checks that the PNC ID is free, naming the person on record who has it (person_pnc_id_unique);
        # here the constraint would refuse linking that very person.
        return {*super()._get_validation_exclusions(), "pnc_id"}

    def clean(self):
        return reachable_check(self, super().clean())

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CrimeForm(StepForm, GovukModelForm):
    offence_date = GovukDateField(what="offence date")
    offence_1 = forms.ModelChoiceField(
        Offence.objects.none(), label="Offence", empty_label="Choose an offence",
        error_messages={"required": "Select the offence"},
    )
    offence_2 = forms.ModelChoiceField(Offence.objects.none(), label="Second offence (if any)", required=False, empty_label="None")
    offence_3 = forms.ModelChoiceField(Offence.objects.none(), label="Third offence (if any)", required=False, empty_label="None")

    class Meta:
        model = Crime
        fields = [
            "reference", "offence_date", "offence_postcode", "domestic_abuse", "hate_crime", "co_accused",
            "officer_name", "officer_collar_number", "officer_email",
        ]
        labels = {
            "offence_postcode": "Postcode where the offence happened",
            "domestic_abuse": "Domestic abuse related",
            "hate_crime": "Hate crime",
            "co_accused": "There is a co-accused",
            "officer_name": "Name of the officer in the case",
        }
        help_texts = {"reference": "Letters, numbers and /, for example CR/12345/26"}
        error_messages = {
            "reference": {"required": "Enter the crime reference"},
            "offence_postcode": {"required": "Enter the postcode where the offence happened"},
            "officer_name": {"required": "Enter the name of the officer in the case"},
            "officer_collar_number": {"required": "Enter the officer's collar number"},
            "officer_email": {
                "required": "Enter the officer's email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offences = Offence.objects.filter(is_active=True).order_by("title")
        for name in ("offence_1", "offence_2", "offence_3"):
            self.fields[name].queryset = offences
        if self.instance.pk:
            for name, offence in zip(("offence_1", "offence_2", "offence_3"), self.instance.offences.all()):
                self.initial[name] = offence.pk
        self.helper = self.make_helper(
            Field.text("reference", field_width=Fixed.TWENTY),
            Field.select("offence_1"),
            Field.select("offence_2"),
            Field.select("offence_3"),
            Field("offence_date"),
            Field.text("offence_postcode", field_width=Fixed.TEN),
            Fieldset(
                Field.checkbox("domestic_abuse"),
                Field.checkbox("hate_crime"),
                Field.checkbox("co_accused"),
                legend="Does any of this apply?", legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.text("officer_name", field_width=Fluid.TWO_THIRDS),
                Field.text("officer_collar_number", field_width=Fixed.TEN),
                Field.text("officer_email", field_width=Fluid.TWO_THIRDS),
                legend="Officer in the case", legend_size=Size.MEDIUM,
            ),
        )

    def validate_unique(self):
        """The service checks the crime reference, and names the case that already uses it."""

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip().upper()
        if not re.fullmatch(settings.CRIME_REFERENCE_PATTERN, value):
            raise ValidationError(f"Enter the crime reference in the force's format: {settings.CRIME_REFERENCE_HELP}")
        return value

    def clean_offence_postcode(self):
        return clean_postcode(self.cleaned_data["offence_postcode"])

    def clean_offence_date(self):
        value = self.cleaned_data["offence_date"]
        if value and value > timezone.localdate():
            raise ValidationError("The offence date must be today or in the past")
        return value

    def offences(self) -> list[Offence]:
        chosen = [self.cleaned_data.get(name) for name in ("offence_1", "offence_2", "offence_3")]
        return list(dict.fromkeys(offence for offence in chosen if offence))

    def crime_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class VictimForm(StepForm, GovukModelForm):
    date_asked = GovukDateField(what="date the victim was asked", required=False)

    class Meta:
        model = Victim
        fields = ["name", "phone", "email", "view", "restorative_consent", "date_asked"]
        labels = {"name": "Victim's name", "email": "Email address"}
        widgets = {"view": forms.RadioSelect, "restorative_consent": forms.RadioSelect}
        error_messages = {"name": {"required": "Enter the victim's name"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fixed.TWENTY),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("view", legend_size=Size.SMALL),
            Field.radios("restorative_consent", legend_size=Size.SMALL),
            Field("date_asked"),
            first_button=Button.secondary("add_victim", "Add this victim and add another"),
        )

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return clean_phone(value) if value else value

    def clean(self):
        data = super().clean()
        asked = data.get("view") != Victim.View.NOT_ASKED or data.get("restorative_consent") != Victim.RestorativeConsent.NOT_ASKED
        if asked and not data.get("date_asked") and "date_asked" not in self.errors:
            self.add_error("date_asked", "Enter the date the victim was asked")
        return data


class QuestionsForm(StepForm, GovukForm):
    """The eligibility questions only a person can answer, and the previous offending for the baseline."""

    previous_offences = forms.IntegerField(label="Previous offences", min_value=0, max_value=999)
    previous_cautions = forms.IntegerField(label="Previous cautions", min_value=0, max_value=999)
    previous_convictions = forms.IntegerField(label="Previous convictions", min_value=0, max_value=999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in eligibility.QUESTIONS:
            self.fields[question.code] = forms.ChoiceField(
                label=question.label, help_text=question.hint, choices=question.choices, widget=forms.RadioSelect,
                error_messages={"required": f"Answer the question: {question.label}"},
            )
        for name in ("previous_offences", "previous_cautions", "previous_convictions"):
            label = self.fields[name].label.lower()
            self.fields[name].error_messages.update({
                "required": f"Enter the number of {label}, or 0",
                "invalid": f"Enter the number of {label} as a whole number",
                "min_value": f"The number of {label} cannot be less than 0",
            })
        self.helper = self.make_helper(
            *[Field.radios(q.code, legend_size=Size.SMALL, inline=len(q.choices) == 2) for q in eligibility.QUESTIONS],
            Fieldset(
                Field.text("previous_offences", field_width=Fixed.THREE),
                Field.text("previous_cautions", field_width=Fixed.THREE),
                Field.text("previous_convictions", field_width=Fixed.THREE),
                legend="Previous offending, as recorded on the PNC", legend_size=Size.MEDIUM,
            ),
        )


class DecisionForm(GovukForm):
    """What the ERO decides once every rule has been checked."""

    decision = forms.ChoiceField(
        label="What do you want to do?", widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do with this case"},
    )
    route = forms.ChoiceField(
        label="Route", choices=Case.Route.choices, widget=forms.RadioSelect, required=False,
        help_text="Chosen by the seriousness of the offence: each route has its own consequence of a breach.",
    )
    override_reason = forms.CharField(
        label="Why should the case go ahead although a rule is not met?", widget=forms.Textarea(attrs={"rows": 4}),
        required=False, help_text="Supervisors see this reason when they allocate the case.",
        error_messages={"max_length": "The reason for the override must be 5,000 characters or fewer"},
    )

    open_case_confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, outcome: str, open_cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        Decision = EligibilityAssessment.Decision
        if open_cases:
            numbers = ", ".join(case.number for case in open_cases)
            self.fields["open_case_confirmed"].label = (
                f"This is a new crime, not one already on case{'s' if len(open_cases) > 1 else ''} {numbers}"
            )
            self.fields["open_case_confirmed"].help_text = "Needed to submit it; not needed to close it as ineligible."
        else:
            del self.fields["open_case_confirmed"]
        if outcome == eligibility.ELIGIBLE:
            self.fields["decision"].choices = [(Decision.SUBMITTED, "Submit to the OoCR team")]
            self.fields["decision"].initial = Decision.SUBMITTED
            del self.fields["override_reason"]
        else:
            self.fields["decision"].choices = [
                (Decision.CLOSED_INELIGIBLE, "Close the case as ineligible"),
                (Decision.OVERRIDDEN, "Submit it anyway, with a reason (override)"),
            ]
        self.helper = page_helper(
            self,
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.radios("route", legend_size=Size.MEDIUM),
            *(["override_reason"] if "override_reason" in self.fields else []),
            *([Fieldset(Field.checkbox("open_case_confirmed"), legend="The person has a case open",
                        legend_size=Size.SMALL)] if "open_case_confirmed" in self.fields else []),
            Button("submit", "Confirm decision"),
        )


class OffenceImportForm(GovukForm):
    file = forms.FileField(
        label="CSV file of offences", help_text="Columns: code,title,mode_of_trial,crime_subgroup",
        error_messages={"required": "Choose a CSV file to upload"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, "file", Button("submit", "Import offences"))

    def clean_file(self):
        return csv_upload_text(self.cleaned_data["file"])


class FirstContactForm(GovukForm):
    offered_on = GovukDateField(what="date the scheme was offered")
    method = forms.ChoiceField(
        label="How was it offered?", choices=FirstContact.Method.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how the scheme was offered"},
    )
    answer = forms.ChoiceField(
        label="What did the person decide?", choices=FirstContact.Answer.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select whether the person agrees to take part"},
        help_text="If they decline, the case closes and the officer in the case is emailed to proceed to court.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            self,
            Field("offered_on"),
            Field.radios("method", legend_size=Size.SMALL),
            Field.radios("answer", legend_size=Size.MEDIUM),
            Field.textarea("notes"),
            Button("submit", "Save first contact"),
        )


class FirstContactCorrectForm(FirstContactForm):
    """The first contact's date, way and notes; the answer stays as recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["answer"]
        self.helper = page_helper(self, Field("offered_on"), Field.radios("method", legend_size=Size.SMALL),
                                  Field.textarea("notes"), Button("submit", "Save changes"))


class VictimContactForm(GovukForm):
    victim = forms.TypedChoiceField(label="Victim", coerce=int, error_messages={"required": "Choose the victim"})
    contacted_on = GovukDateField(what="date of the contact")
    method = forms.ChoiceField(label="How?", choices=VictimContact._meta.get_field("method").choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select how you contacted the victim"})
    purpose = forms.ChoiceField(label="What was it for?", choices=VictimContact.Purpose.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select what the contact was for"})
    view = forms.ChoiceField(label="Their view of the resolution (if asked)", required=False,
                             choices=[("", "Unchanged")] + Victim.View.choices)
    restorative_consent = forms.ChoiceField(label="Consent to a restorative approach (if asked)", required=False,
                                            choices=[("", "Unchanged")] + Victim.RestorativeConsent.choices)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["victim"].choices = [(v.pk, v.name) for v in victims]
        self.helper = page_helper(
            self, Field.select("victim"), Field("contacted_on"), Field.radios("method", legend_size=Size.SMALL, inline=True),
            Field.radios("purpose", legend_size=Size.SMALL), Field.select("view"), Field.select("restorative_consent"),
            "notes", Button("submit", "Save"),
        )


class PersonRemindersForm(GovukForm):
    reminders_by = forms.ChoiceField(
        label="Has the person agreed to reminders of appointments and deadlines?", widget=forms.RadioSelect,
        choices=Person._meta.get_field("reminders_by").choices, required=False,
        help_text="A text or email the day before each appointment and 3 days before each condition is due. "
                  "Reminders say what and when, never what the offence was.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("reminders_by", legend_size=Size.MEDIUM), Button("submit", "Save"))


class CaseAccessReasonForm(GovukForm):
    """Why someone opens a case outside their caseload or team: a coded reason and a sentence."""

    class Reason(models.TextChoices):
        COVERING = "covering", "Covering for a colleague who is away"
        SAFEGUARDING = "safeguarding", "A safeguarding concern"
        QUALITY = "quality", "Supervision, audit or quality assurance"
        REQUEST = "request", "A request from the officer in the case or a partner agency"
        OTHER = "other", "Another reason"

    reason = forms.ChoiceField(
        label="Why do you need to open this record?", choices=Reason.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select why you need to open this record"},
    )
    details = forms.CharField(
        label="Give details", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the colleague you are covering for or the request you are answering. "
                  "This is kept in the access log with your view of the record.",
        error_messages={"required": "Give details of why you need to open this record",
                        "max_length": "Details must be 500 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("reason", legend_size=Size.MEDIUM), Field.textarea("details"),
                                  Button("submit", "Continue to the record"))

    def justification(self) -> str:
        return f"{self.Reason(self.cleaned_data['reason']).label}: {self.cleaned_data['details'].strip()}"


# --- Corrections, withdrawals and returns (issue 16) --------------------------------------------------------------

REASON_FIELD_LABEL = "Why are you making this correction?"


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=REASON_FIELD_LABEL, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the case's history with the change, for everyone who reads the record.",
        error_messages={"required": "Enter why you are making this correction"},
    )


class PersonCorrectionForm(GovukModelForm):
    """How to reach the person: their address, phone, email and preferred contact (their identity stays as recorded)."""

    reason = _reason_field()

    class Meta:
        model = Person
        fields = ["address_line_1", "address_line_2", "town", "postcode", "phone", "email", "preferred_contact"]
        labels = {"email": "Email address"}
        widgets = {"preferred_contact": forms.RadioSelect}
        error_messages = {"email": {"invalid": "Enter an email address in the correct format, like name@example.com"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            self, Field.text("address_line_1", field_width=Fluid.TWO_THIRDS), Field.text("address_line_2", field_width=Fluid.TWO_THIRDS),
            Field.text("town", field_width=Fluid.ONE_HALF), Field.text("postcode", field_width=Fixed.TEN),
            Field.text("phone", field_width=Fixed.TWENTY), Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("preferred_contact", legend_size=Size.SMALL), Field.textarea("reason"), Button("submit", "Save correction"),
        )

    clean_postcode = PersonForm.clean_postcode
    clean_phone = PersonForm.clean_phone

    def clean(self):
        return reachable_check(self, super().clean())

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PersonIdentityCorrectionForm(GovukModelForm):
    """Who the person is: their names, date of birth and PNC ID, corrected with a reason."""

    date_of_birth = GovukDateField(what="date of birth")
    reason = _reason_field()

    class Meta:
        model = Person
        fields = ["first_names", "last_name", "date_of_birth", "pnc_id"]
        labels = {"first_names": "First names", "pnc_id": "PNC ID (if known)"}
        error_messages = {"first_names": {"required": "Enter the person's first names"},
                          "last_name": {"required": "Enter the person's last name"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            self, Field.text("first_names", field_width=Fluid.TWO_THIRDS), Field.text("last_name", field_width=Fluid.TWO_THIRDS),
            Field("date_of_birth"), Field.text("pnc_id", field_width=Fixed.TEN), Field.textarea("reason"),
            Button("submit", "Save correction"),
        )

    clean_date_of_birth = PersonForm.clean_date_of_birth
    clean_pnc_id = PersonForm.clean_pnc_id

    def validate_unique(self):
        """The service says, at its field, whose record a PNC ID is on already."""

    def identity_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CrimeCorrectionForm(CrimeForm):
    reason = _reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [item for item in self.helper.layout.fields if not isinstance(item, Div)]  # the intake page's buttons go
        self.helper = page_helper(self, *fields, Field.textarea("reason"), Button("submit", "Save correction"))


class VictimCorrectionForm(VictimForm):
    reason = _reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [item for item in self.helper.layout.fields if not isinstance(item, Div)]
        self.helper = page_helper(self, *fields, Field.textarea("reason"), Button("submit", "Save correction"))

    def victim_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SubmissionWithdrawForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why are you withdrawing this submission?", choices=Case.OFFICER_WITHDRAWAL_REASONS, widget=forms.RadioSelect,
        error_messages={"required": "Select why you are withdrawing the submission"},
    )
    details = forms.CharField(label="Details (needed for another reason)", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("reason", legend_size=Size.MEDIUM), Field.textarea("details"),
                                  Button.warning("submit", "Withdraw the submission"))


class SendBackForm(GovukForm):
    """A supervisor returns a submission to its officer, or refuses the override it was made by."""

    kind = forms.ChoiceField(label="What do you decide?", widget=forms.RadioSelect,
                             error_messages={"required": "Select whether to return the submission or refuse the override"})
    reasons = forms.CharField(
        label="Your reasons, for the officer", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what is wrong and what to correct: the officer sees this at once.",
        error_messages={"required": "Enter your reasons, for the officer"},
    )

    def __init__(self, *args, override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from cases.models import SubmissionReturn

        self.fields["kind"].choices = [choice for choice in SubmissionReturn.Kind.choices
                                       if override or choice[0] != SubmissionReturn.Kind.OVERRIDE_REFUSED]
        self.helper = page_helper(self, Field.radios("kind", legend_size=Size.MEDIUM), Field.textarea("reasons"),
                                  Button("submit", "Send back to the officer"))
SEARCH_DATE = re.compile(r"^(?:([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4}|[0-9]{2})|([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}))$")
SEARCH_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")


class CaseSearchForm(GovukForm):
    """The one search box: names, a date of birth, case numbers, crime references and PNC IDs, in any order.

    Words of letters are a name; a date (27/3/1990, 27-03-90, 1990-03-27) is the date of birth; anything else is
    an identifier, tried as a case number, a PNC ID and a crime reference. `terms()` gives what the selector needs.
    """

    q = forms.CharField(
        label="Search by name, date of birth, case number, crime reference or PNC ID", max_length=100,
        help_text="For example, Jon Smyth 27/3/1990, OOCR-000123, DC/12345/26 or 2019/0012345X",
        error_messages={"required": "Enter a name, date of birth, case number, crime reference or PNC ID",
                        "max_length": "Search for 100 characters or fewer",
                        "null_characters_not_allowed": "Search for letters, numbers and the characters / - . only"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.text("q", label_size=Size.SMALL), Button("submit", "Search"))

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        words, identifiers, dates = [], [], []
        for token in text.split():
            token = token.strip(",;")
            shaped = SEARCH_DATE.match(token)
            if shaped:
                dates.append(self._date(shaped))
            elif SEARCH_NAME_WORD.match(token):
                words.append(token)
            elif token:
                identifiers.append(token)
        if len(dates) > 1:
            raise ValidationError("Enter one date of birth")
        if words and len("".join(words)) < 2:
            raise ValidationError("Enter at least 2 letters of the name")
        if not (words or dates or identifiers):
            raise ValidationError("Enter a name, date of birth, case number, crime reference or PNC ID")
        self.parts = {"words": words, "identifiers": identifiers, "date_of_birth": dates[0] if dates else None}
        return text

    @staticmethod
    def _date(shaped):
        day, month, year = (shaped.group(1), shaped.group(2), shaped.group(3)) if shaped.group(1) else (
            shaped.group(6), shaped.group(5), shaped.group(4))
        year = int(year)
        if year < 100:  # a two-digit year is the latest one not in the future
            this_year = timezone.localdate().year
            year = 2000 + year if 2000 + year <= this_year else 1900 + year
        try:
            born = date(year, int(month), int(day))
        except ValueError:
            raise ValidationError("Enter a real date of birth, like 27/3/1990") from None
        if born > timezone.localdate() or born.year < 1900:
            raise ValidationError("Enter a date of birth in the past, like 27/3/1990")
        return born
