"""Partner and referral forms: shapes of input only."""

from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Size
from django import forms

from oocr.forms import GovukDateField, GovukForm, GovukModelForm, csv_upload_text, page_helper
from contracts.models import NeedDomain
from referrals.models import Partner, Referral, ReferralUpdate


class PartnerForm(GovukModelForm):
    class Meta:
        model = Partner
        fields = [
            "name", "kind", "services", "need_domains", "areas", "sex", "min_age", "max_age", "eligibility_notes",
            "route", "referral_email", "email", "phone", "acknowledge_days", "appointment_days", "is_active",
        ]
        widgets = {
            "kind": forms.RadioSelect, "route": forms.RadioSelect, "sex": forms.RadioSelect,
            "need_domains": forms.CheckboxSelectMultiple, "services": forms.Textarea(attrs={"rows": 3}),
            "eligibility_notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "name": {"required": "Enter the partner's name", "unique": "A partner with this name is already in the directory"},
            "kind": {"required": "Select the type of organisation"},
            "services": {"required": "Enter what the partner offers"},
            "need_domains": {"required": "Select at least one need the partner serves"},
            "route": {"required": "Select how the partner takes referrals"},
            "referral_email": {"invalid": "Enter the referral email in the right format, like referrals@example.org"},
            "email": {"invalid": "Enter the email in the right format, like info@example.org"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need_domains"].queryset = NeedDomain.objects.filter(is_active=True)
        for name in ("min_age", "max_age", "acknowledge_days", "appointment_days"):
            self.fields[name].error_messages["invalid"] = f"Enter {self.fields[name].label.lower()} as a whole number"
        self.helper = page_helper(
            self,
            Field.text("name"),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.textarea("services"),
            Field.checkboxes("need_domains", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.text("areas", field_width=Fixed.TEN),
                Field.radios("sex", legend_size=Size.SMALL, small=True, inline=True),
                Field.text("min_age", field_width=Fixed.TWO), Field.text("max_age", field_width=Fixed.TWO),
                Field.textarea("eligibility_notes"),
                legend="Who they take", legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("route", legend_size=Size.SMALL, small=True),
                Field.text("referral_email"), Field.text("email"), Field.text("phone", field_width=Fixed.TWENTY),
                Field.text("acknowledge_days", field_width=Fixed.TWO), Field.text("appointment_days", field_width=Fixed.TWO),
                Field.checkbox("is_active"),
                legend="Referrals", legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save partner"),
        )


class PartnerImportForm(GovukForm):
    file = forms.FileField(
        label="CSV file of partners", error_messages={"required": "Choose a CSV file to upload"},
        help_text="The first line must be the column names, as in the directory's export.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, "file", Button("submit", "Import partners"))

    def clean_file(self):
        return csv_upload_text(self.cleaned_data["file"])


class ReferralForm(GovukForm):
    shared = forms.CharField(
        label="What will you share with the partner?", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why you are referring them and what the partner needs to know. Share the least that will do: "
                  "no offence details unless the person agrees and the partner needs them.",
        error_messages={"required": "Enter what you will share with the partner"},
    )
    consent_to_share = forms.BooleanField(label="The person agrees to this being shared with the partner", required=False)
    condition = forms.TypedChoiceField(label="Is this the evidence for a condition of the contract?", coerce=int,
                                       required=False, empty_value=None)
    eligibility_override = forms.CharField(
        label="Why refer them although they are outside who the partner takes?", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, conditions=(), eligibility_problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [("", "No")] + [(c.pk, c.description[:90]) for c in conditions]
        fields = [Field.textarea("shared"), Field.checkbox("consent_to_share")]
        if conditions:
            fields.append(Field.select("condition"))
        if eligibility_problems:
            fields.append(Field.textarea("eligibility_override"))
        self.helper = page_helper(self, *fields, Button("submit", "Save referral"))


class ReferralSendForm(GovukForm):
    sent_by = forms.ChoiceField(label="How are you sending it?", choices=Referral.SentBy.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select how you are sending the referral"})
    on = GovukDateField(what="date it was sent")
    introduction_present = forms.CharField(label="For a warm introduction: who was present?", required=False,
                                           max_length=Referral._meta.get_field("introduction_present").max_length,
                                           help_text="For example: the person, me, and Sam from the service.")
    introduced_how = forms.ChoiceField(label="For a warm introduction: how was it made?", required=False,
                                       choices=[("", "Choose")] + Referral.IntroducedHow.choices)

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        choices = dict(Referral.SentBy.choices)
        if partner.referral_email:
            choices[Referral.SentBy.EMAIL] = f"Email it to {partner.referral_email} from this system"
        else:
            del choices[Referral.SentBy.EMAIL]
        self.fields["sent_by"].choices = list(choices.items())
        self.helper = page_helper(
            self, Field.radios("sent_by", legend_size=Size.SMALL), Field("on"),
            Field.text("introduction_present"), Field.select("introduced_how"), Button("send", "Send the referral"),
        )


class ReferralProgressForm(GovukForm):
    status = forms.ChoiceField(label="What has happened?", required=False, widget=forms.RadioSelect)
    on = GovukDateField(what="date it happened")
    reason = forms.ChoiceField(label="Why did it end? (for declined, disengaged or withdrawn)", required=False,
                               choices=[("", "Choose")] + Referral.EndReason.choices)
    source = forms.CharField(label="Who told us?", required=False,
                             max_length=ReferralUpdate._meta.get_field("source").max_length,
                             help_text="For example: Jo at the service, by phone.")
    text = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    STEP_LABELS = {
        Referral.Status.ACKNOWLEDGED: "The partner acknowledged the referral",
        Referral.Status.ENGAGED: "The person attended a first appointment (engaged)",
        Referral.Status.COMPLETED: "The person completed the service",
        Referral.Status.DECLINED: "The partner declined the referral",
        Referral.Status.DISENGAGED: "The person disengaged",
        Referral.Status.WITHDRAWN: "We withdrew the referral",
    }

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        if referral.status == Referral.Status.DRAFT:
            self.auto_id = "withdraw_%s"  # shown beside the send form, whose fields share these names
        moves = [move for move in Referral.MOVES.get(referral.status, []) if move in self.STEP_LABELS]
        self.fields["status"].choices = [(move, self.STEP_LABELS[move]) for move in moves] + [("", "Just an update")]
        self.helper = page_helper(
            self, Field.radios("status", legend_size=Size.SMALL, small=True), Field("on"), Field.select("reason"),
            Field.text("source"), Field.textarea("text"), Button("progress", "Record progress"),
        )


class ReferralConditionForm(GovukForm):
    condition = forms.TypedChoiceField(label="Condition this referral is the evidence for", coerce=int, required=False,
                                       empty_value=None)

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [("", "None")] + [(c.pk, c.description[:90]) for c in conditions]
        self.helper = page_helper(self, Field.select("condition"), Button("link", "Link to this condition", css_class="govuk-button--secondary"))


class ReportPeriodForm(GovukForm):
    sent_from = forms.DateField(label="Sent from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sent_to = forms.DateField(label="Sent to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
