"""Document forms: an upload (what it is, the file) and the choice of non-compliance a warning letter is about."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from documents.file_types import upload_check
from documents.models import CaseDocument
from oocr.forms import GovukForm, page_helper


class DocumentUploadForm(GovukForm):
    kind = forms.ChoiceField(label="What is the document?", widget=forms.RadioSelect,
                             choices=[(kind, CaseDocument.Kind(kind).label) for kind in CaseDocument.UPLOADED],
                             error_messages={"required": "Select what the document is"})
    description = forms.CharField(label="Describe it (optional)", required=False, max_length=200,
                                  help_text="For example: the food bank's letter confirming 4 sessions. No names needed.")
    file = forms.FileField(label="The document", error_messages={"required": "Choose the document to upload"},
                           help_text="A PDF, a JPEG or PNG picture, or a Word (.docx) or OpenDocument (.odt) document.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("kind", legend_size=Size.SMALL), "description", "file",
                                  Button("submit", "Upload"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload_check(upload)  # the type from the content, and the size: refused here, before anything is kept
        return upload


class WarningLetterForm(GovukForm):
    non_compliance = forms.TypedChoiceField(
        label="Which non-compliance is the warning about?", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select the non-compliance the warning is about",
                        "invalid_choice": "Select the non-compliance the warning is about"},
    )

    def __init__(self, *args, choices=(), **kwargs):
        """`choices`: (id, label) of each non-compliance a letter may answer (`warning_letter_choices`)."""
        super().__init__(*args, **kwargs)
        self.fields["non_compliance"].choices = list(choices)
        self.helper = page_helper(self, Field.radios("non_compliance", legend_size=Size.SMALL),
                                  Button("submit", "Make the warning letter"))


def warning_letter_choices(events) -> list[tuple[int, str]]:
    return [(event.pk, f"{event.get_kind_display()} on {event.occurred_on:%-d %B %Y}: {event.get_response_display().lower()}")
            for event in events]
