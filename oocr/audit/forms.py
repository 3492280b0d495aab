"""The subject access request: the person, found by case number or record number through the apps' personal-data
hooks, and the information rights team's reference."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms

from oocr.forms import GovukForm
from oocr.personal_data import subject_find


class SubjectAccessForm(GovukForm):
    record = forms.CharField(
        label="Case number or person record number", max_length=20,
        help_text="A case number like OOCR-000123, or the person's record number from the access log.",
        error_messages={"required": "Enter a case number or a person record number"},
    )
    reference = forms.CharField(
        label="Request reference", max_length=50, help_text="The reference your information rights team gave the request.",
        error_messages={"required": "Enter the request reference", "max_length": "The reference must be 50 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("record", "reference", Button("submit", "Download everything held"))

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if not re.fullmatch(r"[A-Za-z0-9/_-]+", reference):
            raise forms.ValidationError("The request reference can only contain letters, numbers, / - and _")
        return reference

    def clean(self):
        data = super().clean()
        # The app holding the people finds them (its personal-data hook): a case number or a record number.
        person = subject_find(data.get("record", ""))
        if "record" in data and person is None:
            self.add_error("record", "No person was found with that case number or record number")
        data["person"] = person
        return data
