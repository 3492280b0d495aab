"""Partner portal forms: shapes of input only."""

from datetime import datetime

from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Size
from django import forms
from django.utils import timezone

from oocr.forms import GovukDateField, GovukForm, GovukModelForm, page_helper
from portal.models import PartnerSession, ReferralPack


class InviteForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(label="Work email address", error_messages={
        "required": "Enter their work email address",
        "invalid": "Enter the email address in the right format, like name@example.org"})

    def __init__(self, *args, button: str = "Send the invitation", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.text("first_name", field_width=Fixed.TWENTY),
                                  Field.text("last_name", field_width=Fixed.TWENTY), Field.text("email"),
                                  Button("invite", button))


class InvitationAcceptForm(GovukForm):
    username = forms.RegexField(label="Choose a user name", max_length=150, regex=r"^[\w.@+-]+\Z",
                                help_text="Letters, numbers and . @ + - _ only.",
                                error_messages={"required": "Choose a user name",
                                                "invalid": "Use only letters, numbers and . @ + - _ in the user name"})
    password1 = forms.CharField(label="Choose a password", strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "Choose a password"})
    password2 = forms.CharField(label="Enter the password again", strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "Enter the password again"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.text("username", field_width=Fixed.TWENTY), "password1", "password2",
                                  Button("accept", "Make my account"))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The passwords are not the same: enter them again")
        return data


class RemoveForm(GovukForm):
    """A button: remove a partner user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Button("remove", "Remove", css_class="govuk-button--warning"))


class PackForm(GovukModelForm):
    class Meta:
        model = ReferralPack
        fields = ["summary", "share_phone", "share_email", "share_address", "risk_who", "risk_when", "risk_nature",
                  "dates_agreed"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}), "risk_nature": forms.Textarea(attrs={"rows": 3}),
                   "dates_agreed": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "summary": "Why you are referring them and what will help. The partner sees this, their name and the "
                       "contact details you tick: never the needs assessment or safeguarding records.",
            "risk_nature": "Written for the partner: what they need to keep themselves and others safe, without detail "
                           "of offences or of other people.",
        }
        error_messages = {"summary": {"required": "Enter your summary for the partner"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            self, Field.textarea("summary"),
            Fieldset(Field.checkbox("share_phone"), Field.checkbox("share_email"), Field.checkbox("share_address"),
                     legend="Contact details the partner sees", legend_size=Size.SMALL),
            Fieldset(Field.text("risk_who"), Field.text("risk_when"), Field.textarea("risk_nature"),
                     legend="Risk statement (leave empty when there is none to share)", legend_size=Size.SMALL),
            Field.textarea("dates_agreed"), Button("share", "Share with the partner"),
        )


class AcknowledgeForm(GovukForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Button("acknowledge", "Acknowledge the referral"))


class AppointmentForm(GovukForm):
    day = GovukDateField(what="date of the appointment", label="Date of the appointment")
    time = forms.TimeField(label="Time (24-hour, like 14:30)", input_formats=["%H:%M", "%H.%M"],
                           widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
                           error_messages={"required": "Enter the time", "invalid": "Enter the time like 14:30"})
    place = forms.CharField(label="Where", max_length=200, error_messages={"required": "Enter where the appointment is"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field("day"), Field.text("time", field_width=Fixed.FIVE), Field.text("place"),
                                  Button("book", "Save the first appointment"))

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"]))


class SessionForm(GovukForm):
    held_on = GovukDateField(what="date of the session", label="Date of the session")
    attendance = forms.ChoiceField(label="Did the person attend?", choices=PartnerSession.Attendance.choices,
                                   widget=forms.RadioSelect, error_messages={"required": "Select whether the person attended"})
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field("held_on"), Field.radios("attendance", legend_size=Size.SMALL, inline=True),
                                  Field.text("note"), Button("session", "Record the session"))


class NoteForm(GovukForm):
    text = forms.CharField(label="Progress note", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter the progress note"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = "note_%s"
        self.helper = page_helper(self, Field.textarea("text"), Button("add_note", "Add the note"))


class CloseForm(GovukForm):
    outcome = forms.ChoiceField(label="Outcome", choices=ReferralPack.Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select the outcome"})
    summary = forms.CharField(label="End-of-service summary", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "Enter the end-of-service summary"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("outcome", legend_size=Size.SMALL), Field.textarea("summary"),
                                  Button("close", "Close the referral"))
