"""The reviewer's decision on a retention review: retain until a later review, or dispose of the personal data, with
a reason."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from oocr.forms import GovukDateField, GovukForm, page_helper
from retention.models import RetentionReview


class RetentionDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="What should happen to this record?", widget=forms.RadioSelect,
        choices=[(RetentionReview.Decision.RETAIN, "Retain it for longer"),
                 (RetentionReview.Decision.DISPOSE, "Dispose of the personal data (keeps a pseudonymised record for evaluation)")],
        error_messages={"required": "Select whether to retain the record or dispose of it"},
    )
    retain_until = GovukDateField(what="date of the next review", required=False,
                                  help_text="Only if you retain it. For example, 1 4 2031")
    reason = forms.CharField(label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             error_messages={"required": "Give the reason for the decision",
                                             "max_length": "The reason must be 1,000 characters or fewer"})

    def clean(self):
        data = super().clean()
        if data.get("decision") == RetentionReview.Decision.RETAIN and not data.get("retain_until") and "retain_until" not in self.errors:
            self.add_error("retain_until", "Enter a date in the future for the next review")
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("decision", legend_size=Size.MEDIUM), Field("retain_until"),
                                  Field.textarea("reason"), Button("submit", "Record the decision"))
