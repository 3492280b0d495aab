"""The contracts app's forms (assessment, contract and conditions, contacts and non-compliance, closure, variation,
supervisors' decisions): shapes of input only; the rules are the services'."""

from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.core.validators import DecimalValidator
from django.utils.html import conditional_escape

from oocr.forms import GovukDateField, GovukForm, GovukModelForm, page_helper, prefixed_text
from cases.models import Offence
from cases.models import Case
from contracts.models import (
    COMPENSATION_MAX, TAILORED_KINDS, ClosureProposal, Condition, ConditionTemplate, Contact, Contract, ContractDecision,
    KeyworkerAction, NeedDomain, NeedScore,
    NonCompliance, VariationProposal,
)


class NeedsAssessmentForm(GovukForm):
    """A score, notes and a safeguarding flag for every active need domain, and the conversation around them."""

    previous_offending = forms.CharField(label="Previous offending", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    offence_context = forms.CharField(label="Context of the offence", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    strengths = forms.CharField(label="Strengths", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    goals = forms.CharField(label="Goals and motivation", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = list(NeedDomain.objects.filter(is_active=True))
        domain_fieldsets = []
        for domain in self.domains:
            self.fields[f"score_{domain.pk}"] = forms.TypedChoiceField(
                label=domain.name, coerce=int, choices=NeedScore.Score.choices, widget=forms.RadioSelect,
                error_messages={"required": f"Select a score for {domain.name.lower()}"},
            )
            self.fields[f"notes_{domain.pk}"] = forms.CharField(
                label=f"Notes on {domain.name.lower()}", required=False, widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"safeguarding_{domain.pk}"] = forms.BooleanField(label="There is a safeguarding concern", required=False)
            domain_fieldsets.append(Fieldset(
                Field.radios(f"score_{domain.pk}", inline=True, small=True, legend_size=Size.SMALL),
                Field.textarea(f"notes_{domain.pk}"),
                Field.checkbox(f"safeguarding_{domain.pk}", small=True),
                legend=conditional_escape(domain.name), legend_size=Size.MEDIUM,
            ))
        self.helper = page_helper(
            self, *domain_fieldsets,
            Fieldset("previous_offending", "offence_context", "strengths", "goals",
                     legend="The conversation", legend_size=Size.MEDIUM),
            Button("submit", "Save assessment"),
        )

    def assessment_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("previous_offending", "offence_context", "strengths", "goals")}

    def scores(self) -> dict[int, dict]:
        return {
            domain.pk: {
                "score": self.cleaned_data[f"score_{domain.pk}"],
                "notes": self.cleaned_data[f"notes_{domain.pk}"],
                "safeguarding": self.cleaned_data[f"safeguarding_{domain.pk}"],
            }
            for domain in self.domains
        }


class KeyworkerActionForm(GovukModelForm):
    raised_on = GovukDateField(what="date it was raised")
    offence = forms.ModelChoiceField(Offence.objects.filter(is_active=True), required=False, label="Offence (for a new crime record)")

    class Meta:
        model = KeyworkerAction
        fields = ["kind", "concern", "sent_to", "reference", "offence", "raised_on", "notes"]
        widgets = {"kind": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "What are you recording?", "concern": "Safeguarding concern about", "sent_to": "Raised with (team or agency)"}
        error_messages = {"kind": {"required": "Select what you are recording"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = KeyworkerAction.Kind.choices
        self.helper = page_helper(
            self,
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.select("concern"),
            Field.text("sent_to", field_width=Fluid.TWO_THIRDS),
            Field.text("reference", field_width=Fixed.TWENTY),
            Field.select("offence"),
            Field("raised_on"),
            Field.textarea("notes"),
            Button("submit", "Save"),
        )


class ConditionForm(GovukModelForm):
    """A template tailored for the person, or (with no template) a condition written from scratch:
    the words, when, and what it points at."""

    due_date = GovukDateField(what="due date", required=False)

    class Meta:
        model = Condition
        fields = ["description", "due_date", "recurrence", "need_domain", "victim", "target", "hours_required", "amount"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "amount": forms.TextInput(attrs={"inputmode": "decimal"})}
        labels = {"description": "The condition, in plain words for the person", "need_domain": "Need it addresses",
                  "hours_required": "Hours (for unpaid work or a course)", "amount": "Amount of compensation, in pounds"}
        error_messages = {
            "description": {"required": "Describe the condition in plain words for the person"},
            "hours_required": {"invalid": "Enter the hours as a whole number"},
            "amount": {
                "invalid": "Enter the amount of compensation in pounds, like 150 or 150.50",
                "max_decimal_places": "Enter the amount of compensation in pounds and pence, like 150.50",
                "min_value": "The amount of compensation must be more than £0",
                "max_value": f"The amount of compensation must be £{COMPENSATION_MAX:,} or less",
            },
        }

    def __init__(self, *args, template: ConditionTemplate | None, victims, submit_label: str = "Add to the contract", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["victim"].queryset = victims
        self.fields["need_domain"].queryset = NeedDomain.objects.filter(is_active=True)
        # Pence are checked here; the cap, not a count of digits, says how big (one message, not two, for 99999).
        amount = self.fields["amount"]
        amount.validators = [v for v in amount.validators if not isinstance(v, DecimalValidator)]
        amount.validators.append(DecimalValidator(max_digits=None, decimal_places=amount.decimal_places))
        if template is None:
            # Written from scratch: the keyworker chooses the kind, and fills in what that kind needs.
            self.fields["kind"] = forms.ChoiceField(
                label="What kind of condition is it?", choices=TAILORED_KINDS, widget=forms.RadioSelect,
                error_messages={"required": "Select the kind of condition", "invalid_choice": "Select the kind of condition"},
            )
            self.fields["need_domain"].label = "Need it addresses (for a rehabilitative condition)"
            self.fields["victim"].label = "Victim it involves (for a restorative condition with the victim)"
            self.fields["target"].label = "Who or where (for a restrictive condition)"
            self.fields["amount"].label = "Amount of compensation, in pounds (for compensation only)"
            kind_fields = [Field.radios("kind", legend_size=Size.MEDIUM), Field.textarea("description"), Field("due_date"),
                           Field.text("recurrence", field_width=Fluid.TWO_THIRDS), Field.select("need_domain"),
                           Field.select("victim"), Field.text("target", field_width=Fluid.TWO_THIRDS),
                           prefixed_text("amount", prefix="£", field_width=Fixed.FIVE)]
        else:
            self.initial.setdefault("description", template.text)
            self.initial.setdefault("need_domain", template.need_domain_id)
            kind_fields = [
                Field.textarea("description"),
                Field("due_date"),
                Field.text("recurrence", field_width=Fluid.TWO_THIRDS),
                *(["need_domain"] if template.kind == "rehabilitative" else []),
                *(["victim"] if template.kind in ("restorative", "reparative") else []),
                *(["target"] if template.kind == "restrictive" else []),
                *([prefixed_text("amount", prefix="£", field_width=Fixed.FIVE)] if template.needs_amount else []),
            ]
            if not template.needs_amount:
                del self.fields["amount"]  # not asked, so not taken from a post either
        self.helper = page_helper(
            self, *kind_fields, Field.text("hours_required", field_width=Fixed.FIVE), Button("submit", submit_label),
        )


class ContractSignForm(GovukForm):
    signed_on = GovukDateField(what="date the person signed")
    agreement = forms.ChoiceField(
        label="How did the person agree?", choices=Contract.Agreement.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how the person agreed to the contract"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field("signed_on"), Field.radios("agreement", legend_size=Size.SMALL),
                                  Button("submit", "Record agreement and start the contract"))


class ConditionProgressForm(GovukModelForm):
    class Meta:
        model = Condition
        fields = ["status", "evidence", "hours_done"]
        widgets = {"status": forms.RadioSelect, "evidence": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in Condition.Status.choices if c[0] not in ("varied", "withdrawn")]
        self.helper = page_helper(self, Field.radios("status", legend_size=Size.SMALL, inline=True), Field.textarea("evidence"),
                                  Field.text("hours_done", field_width=Fixed.FIVE), Button("submit", "Save progress"))


class ContactForm(GovukModelForm):
    """Book an appointment (leave the outcome blank) or log a contact that has happened."""

    day = GovukDateField(what="date")
    time = forms.TimeField(label="Time (24-hour, like 14:30)", input_formats=["%H:%M", "%H.%M"],
                           error_messages={"required": "Enter the time", "invalid": "Enter the time like 14:30"})
    book_anyway = forms.BooleanField(label="Book it anyway: I will be at both", required=False)

    class Meta:
        model = Contact
        fields = ["type", "place", "outcome", "duration_minutes", "notes"]
        widgets = {"type": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"duration_minutes": "Duration in minutes", "outcome": "Outcome (leave blank when booking)"}
        error_messages = {"type": {"required": "Select the type of contact"}}

    outside_reason = forms.CharField(
        label="Why is the contact outside that period?", required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = Contact.Type.choices
        self.fields["outcome"].choices = [("", "Not yet: this is a booking")] + Contact.Outcome.choices
        # Asked only when needed: why, once the date turns out to be outside the case's working period (the service
        # says so); whether to book anyway, once a clash with another of the keyworker's appointments is found.
        self._asks_reason = bool(self.data.get(self.add_prefix("outside_reason"), "").strip())
        self._asks_confirm = bool(self.data.get(self.add_prefix("book_anyway")))
        self._layout()

    def _layout(self) -> None:
        self.helper = page_helper(
            self, Field.radios("type", legend_size=Size.SMALL), Field("day"), Field.text("time", field_width=Fixed.FIVE),
            *([Field.checkbox("book_anyway")] if self._asks_confirm else []),
            *([Field.textarea("outside_reason")] if self._asks_reason else []),
            Field.text("place", field_width=Fluid.TWO_THIRDS), Field.select("outcome"),
            Field.text("duration_minutes", field_width=Fixed.FIVE), Field.textarea("notes"), Button("submit", "Save"),
        )

    def add_error(self, field, error):
        super().add_error(field, error)
        if "outside_reason" in self.errors and not self._asks_reason:
            self._asks_reason = True
            self._layout()

    def ask_to_confirm_clash(self) -> None:
        """Show the box that books over a clash, under the time the clash is about."""
        if not self._asks_confirm:
            self._asks_confirm = True
            self._layout()

    def contact_data(self) -> dict:
        from datetime import datetime

        from django.utils import timezone

        starts_at = timezone.make_aware(datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"]))
        return {"starts_at": starts_at, "outside_reason": self.cleaned_data["outside_reason"],
                **{name: self.cleaned_data[name] for name in self.Meta.fields}}


class ContactOutcomeForm(GovukForm):
    outcome = forms.ChoiceField(label="How did it go?", choices=Contact.Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select the outcome of the appointment"})
    duration_minutes = forms.IntegerField(label="Duration in minutes", required=False, min_value=0, max_value=600)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("outcome", legend_size=Size.SMALL),
                                  Field.text("duration_minutes", field_width=Fixed.FIVE), "notes", Button("submit", "Save outcome"))


class NonComplianceForm(GovukModelForm):
    occurred_on = GovukDateField(what="date it happened")
    reasonable_excuse = forms.TypedChoiceField(
        label="Was there a reasonable excuse?", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect,
        coerce=lambda value: value == "yes", error_messages={"required": "Select whether there was a reasonable excuse"},
    )

    contact = forms.TypedChoiceField(label="Which appointment? (for a missed appointment)", required=False, coerce=int,
                                     empty_value=None, error_messages={"invalid_choice": "Choose one of this case's appointments"})
    condition = forms.TypedChoiceField(label="Which condition? (for a condition not met)", required=False, coerce=int,
                                       empty_value=None, error_messages={"invalid_choice": "Choose one of this contract's conditions"})

    class Meta:
        model = NonCompliance
        fields = ["kind", "occurred_on", "reasonable_excuse", "response", "notes"]
        widgets = {"kind": forms.RadioSelect, "response": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "What happened?", "response": "Response"}
        error_messages = {"kind": {"required": "Select what happened"}, "response": {"required": "Select the response"}}

    def __init__(self, *args, contacts=(), conditions=(), **kwargs):
        from django.utils import timezone

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = NonCompliance.Kind.choices
        self.fields["response"].choices = NonCompliance.Response.choices
        self.fields["contact"].choices = [("", "Choose an appointment")] + [
            (c.pk, f"{timezone.localtime(c.starts_at):%-d %B %Y %H:%M}, {c.get_type_display().lower()}"
                   + (f": {c.get_outcome_display().lower()}" if c.outcome else "")) for c in contacts]
        self.fields["condition"].choices = [("", "Choose a condition")] + [(c.pk, c.description[:90]) for c in conditions]
        self.helper = page_helper(
            self, Field.radios("kind", legend_size=Size.SMALL), Field.select("contact"), Field.select("condition"),
            Field("occurred_on"),
            Field.radios("reasonable_excuse", legend_size=Size.SMALL, inline=True),
            Field.radios("response", legend_size=Size.SMALL), "notes", Button("submit", "Save decision"),
        )


class ClosureForm(GovukForm):
    result = forms.ChoiceField(label="How should the case close?", choices=ClosureProposal.Result.choices,
                               widget=forms.RadioSelect, error_messages={"required": "Select how the case should close"})
    withdrawal_reason = forms.ChoiceField(label="Reason for withdrawing (if withdrawn)", required=False,
                                          choices=[("", "Choose a reason")] + Case.WithdrawalReason.choices)
    reason = forms.CharField(label="Summary for the case record", widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "Enter the reason, for the case record"})
    # A breach only: the record a supervisor decides on and the officer in the case reads.
    breach_on = GovukDateField(what="date of the breach", required=False, label="Date of the breach (for a breach)")
    conditions_breached = forms.TypedMultipleChoiceField(
        label="Conditions breached (for a breach)", required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose conditions of this case's contract"},
    )
    new_offence = forms.CharField(label="Or the new offence: crime reference and offence (for a breach)", required=False,
                                  max_length=300)
    circumstances = forms.CharField(label="What led to the breach", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    tried = forms.CharField(label="What was tried before proposing it (warnings, variations, support)", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    discussion = forms.CharField(label="Your discussion with the supervisor", required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    BREACH_FIELDS = ("breach_on", "conditions_breached", "new_offence", "circumstances", "tried", "discussion")

    victim_update_reason = forms.CharField(
        label="Why was the victim not updated? (only if an update is still to do)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The Victims' Code asks for restorative justice information and an update when the resolution is "
                  "agreed. If one was not given, say why: the case cannot close without it.",
    )

    def __init__(self, *args, conditions=(), victim_updates_undone=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions_breached"].choices = [(c.pk, c.description[:90]) for c in conditions]
        fields = [Field.radios("result", legend_size=Size.MEDIUM), Field.select("withdrawal_reason"), "reason"]
        if victim_updates_undone:
            self.fields["victim_update_reason"].help_text = (
                f"Still to do under the Victims' Code: {'; '.join(victim_updates_undone)}. Record the contact with the "
                "victim first, or say here why it was not given: the case cannot close without one or the other.")
            fields.append("victim_update_reason")
        else:
            del self.fields["victim_update_reason"]
        self.helper = page_helper(
            self, *fields,
            Fieldset(Field("breach_on"), Field.checkboxes("conditions_breached"), Field.text("new_offence"),
                     "circumstances", "tried", "discussion", legend="If you propose a breach", legend_size=Size.SMALL),
            Button("submit", "Propose closure"),
        )

    def closure_data(self) -> dict:
        """The service's arguments: a breach's record travels together, and only for a breach."""
        data = dict(self.cleaned_data)
        breach = {name: data.pop(name) for name in self.BREACH_FIELDS}
        return {**data, "breach": breach if data["result"] == ClosureProposal.Result.BREACHED else None}


class ConditionRemoveForm(GovukForm):
    """Asked before a condition leaves the draft: the page says which, and a button confirms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Button.warning("submit", "Yes, remove this condition"))


class ContactRescheduleForm(GovukForm):
    """Move a booked appointment: the new date and time, and why (kept on the case's timeline)."""

    day = GovukDateField(what="new date")
    time = forms.TimeField(label="New time (24-hour, like 14:30)", input_formats=["%H:%M", "%H.%M"],
                           error_messages={"required": "Enter the new time", "invalid": "Enter the time like 14:30"})
    reason = forms.CharField(label="Why is it moving?", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Enter why the appointment is moving"})
    book_anyway = forms.BooleanField(label="Book it anyway: I will be at both", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._asks_confirm = bool(self.data.get(self.add_prefix("book_anyway")))
        self._layout()

    def _layout(self) -> None:
        self.helper = page_helper(self, Field("day"), Field.text("time", field_width=Fixed.FIVE),
                                  *([Field.checkbox("book_anyway")] if self._asks_confirm else []),
                                  "reason", Button("submit", "Move the appointment"))

    def ask_to_confirm_clash(self) -> None:
        if not self._asks_confirm:
            self._asks_confirm = True
            self._layout()

    def service_data(self) -> dict:
        from datetime import datetime

        from django.utils import timezone

        return {"starts_at": timezone.make_aware(datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])),
                "reason": self.cleaned_data["reason"], "book_anyway": self.cleaned_data["book_anyway"]}


class ContactCancelForm(GovukForm):
    reason = forms.CharField(label="Why is the appointment cancelled?", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter why the appointment is cancelled"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, "reason", Button.warning("submit", "Cancel the appointment"))


class SupervisorDecisionForm(GovukForm):
    """A supervisor's approval or refusal of a proposal (a closure or a variation)."""

    approve = forms.TypedChoiceField(label="Your decision", choices=[("yes", "Approve"), ("no", "Refuse")],
                                     widget=forms.RadioSelect, coerce=lambda value: value == "yes",
                                     error_messages={"required": "Select approve or refuse"})
    note = forms.CharField(label="Note (needed to refuse; for a breach, your rationale: the officer in the case reads it)",
                           required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("approve", legend_size=Size.MEDIUM, inline=True), "note",
                                  Button("submit", "Record decision"))


class VariationForm(GovukForm):
    kind = forms.ChoiceField(label="What do you propose?", choices=VariationProposal.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select a variation or an extension"})
    reason = forms.CharField(label="Why?", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter why the contract should change"})
    extension_days = forms.IntegerField(
        label="Extension in days (for an extension)", required=False, min_value=1, max_value=56,
        error_messages={key: "Enter the extension in days, up to 56" for key in ("invalid", "min_value", "max_value")},
    )
    condition = forms.TypedChoiceField(label="Condition to vary (for a variation)", required=False, coerce=int,
                                       empty_value=None, error_messages={"invalid_choice": "Choose the condition to vary"})
    new_description = forms.CharField(label="New wording (leave blank to keep it)", required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    new_due_date = GovukDateField(what="new due date", required=False)
    new_recurrence = forms.CharField(label="New pattern (leave blank to keep it)", required=False)
    new_hours_required = forms.IntegerField(
        label="New hours (leave blank to keep them)", required=False, min_value=1, max_value=1000,
        error_messages={key: "Enter the new hours as a whole number, like 12" for key in ("invalid", "min_value", "max_value")},
    )

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [("", "Choose a condition")] + [(c.pk, c.description[:90]) for c in conditions]
        self.helper = page_helper(
            self, Field.radios("kind", legend_size=Size.MEDIUM), "reason", Field.text("extension_days", field_width=Fixed.FIVE),
            Field.select("condition"), "new_description", Field("new_due_date"), Field.text("new_recurrence"),
            Field.text("new_hours_required", field_width=Fixed.FIVE), Button("submit", "Propose to a supervisor"),
        )

    def variation_data(self) -> dict:
        """The service's arguments: the chosen condition travels as its id."""
        data = dict(self.cleaned_data)
        data["condition_id"] = data.pop("condition")
        return data


class ContractDecisionForm(GovukForm):
    """A supervisor's decision on a signed contract: approve, refuse or return it, with comments for the keyworker."""

    decision = forms.ChoiceField(label="Your decision", choices=ContractDecision.Decision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Select approve, refuse or return"})
    comments = forms.CharField(label="Comments for the keyworker (needed to refuse or return)", required=False,
                               max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="Shown on the contract page. Say what must change before you can approve it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("comments"),
                                  Button("submit", "Record decision"))

    def clean(self):
        data = super().clean()
        if data.get("decision") in (ContractDecision.Decision.REFUSED, ContractDecision.Decision.RETURNED) \
                and not data.get("comments", "").strip():
            self.add_error("comments", "Enter your comments for the keyworker: what must change, or why not")
        return data
