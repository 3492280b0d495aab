"""Allocation, review and staff forms: the shape of the input; the rules are in services."""

from crispy_forms_gds.layout import Button, Field, Fixed, Size
from django import forms
from django.conf import settings

from oocr.forms import GovukDateField, GovukForm, GovukModelForm, page_helper
from keyworkers.models import Allocation, AllocationReview, StaffProfile


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
        fields = ["availability", "leave_until", "area", "fte", "capacity_points", "specialism_women", "specialism_young_adults",
                  "work_phone"]
        widgets = {"availability": forms.RadioSelect}
        labels = {"fte": "Full-time equivalent (for example 0.6)", "area": "Postcode area covered"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = forms.ChoiceField(
            label="Postcode area covered", required=False,
            choices=[("", "Any")] + [(area, area) for area in settings.FORCE_POSTCODE_AREAS],
        )
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
            Field.checkbox("specialism_women"),
            Field.checkbox("specialism_young_adults"),
            Field.text("work_phone", field_width=Fixed.TWENTY),
            Button("submit", "Save"),
        )

    def clean_fte(self):
        fte = self.cleaned_data["fte"]
        if fte is not None and not (0 < fte <= 1):
            raise forms.ValidationError("Enter the full-time equivalent as a number between 0.1 and 1")
        return fte
