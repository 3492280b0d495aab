"""Allocation, review and staff forms: the shape of the input; the rules are in services."""

from crispy_forms_gds.layout import Button, Field, Fixed, Size
from django import forms
from django.conf import settings
from django.db.models import Q

from oocr.forms import GovukDateField, GovukForm, GovukModelForm, page_helper
from keyworkers.models import Allocation, AllocationReview, Specialism, StaffProfile


class AllocateForm(GovukForm):
    """The chooser: one keyworker from the table, and a reason when they are over capacity or away."""

    keyworker = forms.TypedChoiceField(coerce=int, error_messages={"required": "Choose a keyworker"})
    note = forms.CharField(
        label="Reason (needed when the keyworker is over capacity or on leave)", required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keyworker"].choices = [(c.pk, c.get_full_name()) for c in candidates]
        self.fields["keyworker"].error_messages["invalid_choice"] = "Choose a keyworker from the list"
        self.helper = page_helper(self)  # the page lays the chooser out as a table; the helper gives the error summary


class ReallocateForm(AllocateForm):
    reason = forms.ChoiceField(
        label="Why is the case being reallocated?",
        choices=[("", "Choose a reason")] + [c for c in Allocation.EndReason.choices if c[0] != Allocation.EndReason.CASE_CLOSED],
        error_messages={"required": "Choose why the case is being reallocated"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    end_note = forms.CharField(
        label="Note for the case record", widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        error_messages={"required": "Enter a note about the reallocation for the case record"},
    )


class AllocationReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Do you agree with this allocation?", widget=forms.RadioSelect,
        choices=[(AllocationReview.Outcome.AGREED, "Yes, agreed"), (AllocationReview.Outcome.CHANGED, "No, I have changed it")],
        error_messages={"required": "Select whether you agree with the allocation"},
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("outcome", legend_size=Size.MEDIUM, inline=True), "note",
                                  Button("submit", "Record review"))


class StaffProfileForm(GovukModelForm):
    leave_until = GovukDateField(what="date they are back from leave", required=False)

    class Meta:
        model = StaffProfile
        fields = ["availability", "leave_until", "area", "fte", "capacity_points", "specialisms", "work_phone"]
        widgets = {"availability": forms.RadioSelect, "specialisms": forms.CheckboxSelectMultiple}
        labels = {"fte": "Full-time equivalent (for example 0.6)", "area": "Postcode area covered"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = forms.ChoiceField(
            label="Postcode area covered", required=False,
            choices=[("", "Any")] + [(area, area) for area in settings.FORCE_POSTCODE_AREAS],
        )
        # Retired specialisms are not offered, but one the keyworker still has stays ticked until it is unticked.
        specialisms = self.fields["specialisms"]
        specialisms.queryset = Specialism.objects.filter(Q(is_active=True) | Q(staff=self.instance) if self.instance.pk
                                                         else Q(is_active=True)).distinct()
        specialisms.help_text = "Administrators keep the list. Ticked ones count towards the recommended keyworker."
        specialisms.error_messages["invalid_choice"] = "Choose specialisms from the list"
        specialisms.error_messages["invalid_pk_value"] = "Choose specialisms from the list"
        self.fields["fte"].error_messages.update({
            "invalid": "Enter the full-time equivalent as a number, like 0.6",
            "max_digits": "Enter the full-time equivalent as a number between 0.1 and 1",
        })
        self.helper = page_helper(
            self,
            Field.radios("availability", legend_size=Size.MEDIUM),
            Field("leave_until"),
            Field.select("area"),
            Field.text("fte", field_width=Fixed.FIVE),
            Field.text("capacity_points", field_width=Fixed.FIVE),
            Field.checkboxes("specialisms", legend_size=Size.SMALL),
            Field.text("work_phone", field_width=Fixed.TWENTY),
            Button("submit", "Save"),
        )

    def clean_fte(self):
        fte = self.cleaned_data["fte"]
        if fte is not None and not (0 < fte <= 1):
            raise forms.ValidationError("Enter the full-time equivalent as a number between 0.1 and 1")
        return fte


class BulkReallocateForm(GovukForm):
    """Several of one keyworker's cases moved at once: which, to whom (each case its own keyworker, the recommendation
    chosen to start with), and one reason and note for all."""

    cases = forms.TypedMultipleChoiceField(
        label="Cases to reallocate", coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the cases to reallocate",
                        "invalid_choice": "Select cases from the list: a case has moved since the page was opened"},
    )
    reason = ReallocateForm.base_fields["reason"]
    end_note = ReallocateForm.base_fields["end_note"]

    def __init__(self, *args, cases=(), candidates=(), recommendations=None, **kwargs):
        super().__init__(*args, **kwargs)
        recommendations = recommendations or {}
        self.cases = list(cases)
        self.fields["cases"].choices = [(case.pk, case.number) for case in self.cases]
        choices = [("", "Choose a keyworker")] + [(c.pk, c.get_full_name()) for c in candidates]
        for case in self.cases:
            recommended = recommendations.get(case.pk)
            self.fields[f"keyworker_{case.pk}"] = forms.TypedChoiceField(
                label=f"New keyworker for case {case.number}", coerce=int, required=False, choices=choices,
                initial=recommended.user_id if recommended else "",
                error_messages={"invalid_choice": f"Choose a keyworker from the list for case {case.number}"},
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
        self.helper = page_helper(self)  # the page lays the cases out as a table; the helper gives the error summary

    def clean(self):
        cleaned = super().clean()
        for case in self.cases:
            if case.pk in (cleaned.get("cases") or []) and not cleaned.get(f"keyworker_{case.pk}"):
                self.add_error(f"keyworker_{case.pk}", f"Choose a keyworker for case {case.number}")
        return cleaned

    def moves(self) -> dict[int, int]:
        """Each selected case's id and the id of its new keyworker."""
        return {pk: self.cleaned_data[f"keyworker_{pk}"] for pk in self.cleaned_data["cases"]}
