"""Evaluation forms: crime record and harm weight uploads, check runs and their publication, match decisions and
surveys. Shapes of input only."""

from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from oocr.forms import GovukDateField, GovukForm, csv_upload_text, page_helper
from evaluation.models import SurveyResponse
from evaluation.selectors import reoffending_definitions


# A force's extract of a year's events runs to about a million rows (some 100 MB).
CRIME_EXTRACT_MAX_BYTES = 200_000_000


class CrimeRecordImportForm(GovukForm):
    file = forms.FileField(
        label="CSV extract from the records system",
        help_text="Columns: crime_reference,event_type,offence_code,offence_title,offence_date,outcome_date,pnc_id,surname,"
                  "forenames,date_of_birth",
        error_messages={"required": "Choose a CSV file to upload"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, "file", Button("submit", "Upload and check"))

    def clean_file(self):
        """The upload itself, checked as it is read (a CSV file, UTF-8 without NUL bytes), never held whole in memory:
        the import stores it a megabyte at a time (services.crime_record_import_start)."""
        import codecs

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv") or upload.size > CRIME_EXTRACT_MAX_BYTES:
            raise forms.ValidationError(f"The file must be a CSV file smaller than {CRIME_EXTRACT_MAX_BYTES // 1_000_000} MB")
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        try:
            for chunk in upload.chunks():
                if b"\x00" in chunk:
                    raise UnicodeDecodeError("utf-8", chunk, 0, 1, "NUL byte")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file must be a CSV file saved as UTF-8") from error
        upload.seek(0)
        return upload


class CrimeRecordImportCancelForm(GovukForm):
    """One button: stop a waiting or running import, loading nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Button("submit", "Cancel this import", css_class="govuk-button--warning"))


class CrimeRecordImportRetryForm(GovukForm):
    """One button, with a one-time token: a double click runs the import once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Button("submit", "Run this import again"))


class HarmWeightImportForm(GovukForm):
    name = forms.CharField(label="Name of the table", max_length=200, initial="Cambridge Crime Harm Index by offence",
                           error_messages={"required": "Enter the name of the table"})
    version = forms.CharField(label="Version", max_length=40, help_text="For example 2026.1. Each import is a new version.",
                              error_messages={"required": "Enter the version"})
    source = forms.CharField(label="Source", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Where the weights come from, so a reader of a report can check them.",
                             error_messages={"required": "Enter where the weights come from"})
    make_current = forms.BooleanField(label="Use this table for new reoffending checks", required=False, initial=True)
    file = forms.FileField(label="CSV file of weights", help_text="Columns: offence_code,offence_title,days",
                           error_messages={"required": "Choose a CSV file to upload"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.text("name"), Field.text("version", field_width=10), "source",
                                  "make_current", "file", Button("submit", "Import weights"))

    def clean_file(self):
        return csv_upload_text(self.cleaned_data["file"])


class CheckRunForm(GovukForm):
    definition = forms.ModelChoiceField(
        label="Reoffending definition", queryset=reoffending_definitions(), empty_label=None,
        error_messages={"required": "Choose a definition", "invalid_choice": "Choose a definition from the list"},
    )
    as_of = GovukDateField(what="date to check as at", label="Check as at", required=False,
                           help_text="Leave empty for today. For example, 1 11 2026.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, "definition", "as_of", Button("submit", "Run the check"))


class CheckRunPublishForm(GovukForm):
    """The confirmation: one button, the page above it says what publishing changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Button("submit", "Publish this run"))


class ReportJobRetryForm(GovukForm):
    """One button: prepare again figures whose preparing failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Button("submit", "Try again"))


class PersonMatchDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Is this the same person?", widget=forms.RadioSelect,
        choices=[("confirm", "Yes: the record is about this person"), ("reject", "No: a different person")],
        error_messages={"required": "Select whether this is the same person"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("decision", legend_size=Size.MEDIUM), Button("submit", "Save the decision"))


SCALE = [("1", "1 Strongly disagree"), ("2", "2 Disagree"), ("3", "3 Neither"), ("4", "4 Agree"), ("5", "5 Strongly agree"),
         ("", "Not answered")]


SURVEY_COMMENTS_MAX = 2000


def comments_field() -> forms.CharField:
    """Anything else the respondent said: optional, in their words, without names (managers read it in the report)."""
    return forms.CharField(
        label="Anything else they said (optional)", required=False, widget=forms.Textarea, max_length=SURVEY_COMMENTS_MAX,
        help_text="In their words. Leave out names and anything that identifies anyone: the team's managers read these "
                  "in the survey report.",
        error_messages={"max_length": f"Comments must be {SURVEY_COMMENTS_MAX:,} characters or fewer"},
    )


class SurveyForm(GovukForm):
    """One radio group per item of an instrument, 1 to 5 or not answered."""

    timing = forms.ChoiceField(label="When was it asked?", choices=SurveyResponse.Timing.choices, widget=forms.RadioSelect,
                               initial=SurveyResponse.Timing.END, error_messages={"required": "Select when it was asked"})

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        for item in instrument.items:
            self.fields[f"item_{item['code']}"] = forms.ChoiceField(
                label=item["text"], choices=SCALE, widget=forms.RadioSelect, required=False,
            )
        self.fields["comments"] = comments_field()
        self.helper = page_helper(
            self, Field.radios("timing", legend_size=Size.SMALL, inline=True),
            *[Field.radios(name, legend_size=Size.SMALL, inline=True) for name in self.fields if name.startswith("item_")],
            Field.textarea("comments", rows=4), Button("submit", "Save the answers"),
        )

    def scores(self) -> dict[str, int | None]:
        return {name.removeprefix("item_"): int(value) if value else None
                for name, value in self.cleaned_data.items() if name.startswith("item_")}


class SurveyCorrectForm(SurveyForm):
    """The answers of a questionnaire recorded already, to correct: when it was asked stays as recorded."""

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, instrument=instrument, **kwargs)
        del self.fields["timing"]
        self.helper = page_helper(
            self, *[Field.radios(name, legend_size=Size.SMALL, inline=True) for name in self.fields if name.startswith("item_")],
            Field.textarea("comments", rows=4), Button("submit", "Save the corrected answers"),
        )


class SurveyReportPeriodForm(GovukForm):
    """The survey report's period, on the day cases closed; in the URL, so a report can be bookmarked and shared.
    A wrong date is an error on its field and is left out: the report still opens, over the dates that are valid."""

    closed_from = forms.DateField(
        label="Closed on or after", required=False, help_text="For example, 1/4/2025",
        error_messages={"invalid": "Enter the first day of the period as a date, like 1/4/2025"})
    closed_to = forms.DateField(
        label="Closed on or before", required=False, help_text="For example, 31/3/2026",
        error_messages={"invalid": "Enter the last day of the period as a date, like 31/3/2026"})

    def __init__(self, *args, **kwargs):
        from crispy_forms_gds.helper import FormHelper

        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: no token in a URL that is bookmarked and shared

    def clean(self):
        data = super().clean()
        first, last = data.get("closed_from"), data.get("closed_to")
        if first and last and first > last:
            self.add_error("closed_to", "The last day of the period must be on or after the first day")
        return data

    def period(self) -> dict:
        """The valid dates (a wrong one left out), as the selector's arguments."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("closed_from", "closed_to")}

    def described(self) -> list[tuple[str, str]]:
        return [(str(self.fields[name].label), f"{day:%-d %B %Y}") for name, day in self.period().items() if day]
