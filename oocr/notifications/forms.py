"""A member of staff's reminder settings: which reminders, how many days' notice, and whether a daily email too."""

from crispy_forms_gds.layout import Button, Field, Fixed, Size
from django import forms

from oocr.forms import GovukForm, page_helper


class ReminderSettingsForm(GovukForm):
    kinds_on = forms.MultipleChoiceField(label="Which reminders do you want?", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    lead_days = forms.IntegerField(
        label="Days of notice before a condition is due", min_value=1, max_value=14,
        error_messages={"required": "Enter the days of notice, from 1 to 14", "invalid": "Enter the days of notice as a whole number",
                        "min_value": "Days of notice must be between 1 and 14", "max_value": "Days of notice must be between 1 and 14"},
    )
    email = forms.BooleanField(label="Also send me one email a day listing my reminders", required=False)

    def __init__(self, *args, kinds: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds_on"].choices = list(kinds.items())
        self.helper = page_helper(
            self, Field.checkboxes("kinds_on", legend_size=Size.SMALL, small=True),
            Field.text("lead_days", field_width=Fixed.TWO), Field.checkbox("email"), Button("submit", "Save settings"),
        )
