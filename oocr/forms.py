"""What every form of every app shares: GOV.UK wording for every error, error-summary links that land on a field.

Every form class inherits `GovukForm` or `GovukModelForm` (or puts `GovukFormMixin` first among its
bases). Once a form's own `__init__` has added its fields, each message a field still has from
Django ("This field is required.", "Ensure this value has at most 100 characters (it has 10000).")
is replaced by one written as the GOV.UK Design System advises, from the field's label: "Enter
the first names", "First names must be 100 characters or fewer". Messages a form sets itself are
kept. Free text gets a limit (a model field's own, or `FREE_TEXT_MAX_LENGTH` for a text area),
stated in the hint of a text area.
"""

import functools
import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout
from django import forms
from django.core import validators
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.forms import BaseForm
from django.forms.utils import ErrorDict, pretty_name
from django.http import QueryDict
from django.utils.html import conditional_escape

from oocr.concurrency.services import form_token_parse, version_parse

# Long enough for any note an officer writes; a pasted document is refused with a message, not stored.
FREE_TEXT_MAX_LENGTH = 5_000
# A one-line answer (a name, a place, a reference) with no limit of its own.
LINE_TEXT_MAX_LENGTH = 500

CSV_UPLOAD_MAX_BYTES = 2_000_000


# --- The wording -------------------------------------------------------------------------------------


def _question(label: str) -> bool:
    return label.rstrip().endswith("?")


def field_subject(label: str) -> str:
    """What a field asks for, to put in a sentence: "PNC ID (if known)" -> "PNC ID", "First names" -> "first names"."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", label.replace("%", " per cent")).strip().rstrip("?:.").strip()
    if _question(label) or not text:
        return "answer"
    first, _, rest = text.partition(" ")
    if not (len(first) > 1 and first[1].isupper()):  # an acronym keeps its capitals
        first = first[0].lower() + first[1:]
    return f"{first} {rest}".strip()


def _the(subject: str) -> str:
    return subject if re.match(r"(the|a|an|your|their|his|her) ", subject) else f"the {subject}"


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _is_choice(field: forms.Field) -> bool:
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.MultipleChoiceField))


def govuk_messages(field: forms.Field, name: str) -> dict[str, str]:
    """The GOV.UK message for every error the field can raise, written from its label."""
    label = str(field.label or pretty_name(name))
    subject = field_subject(label)
    the_subject = _the(subject)
    subject_must = _capital("your answer" if subject == "answer" else the_subject if subject.startswith(("a ", "an ")) else subject)
    if _is_choice(field):
        required = f"Select an answer to: {label}" if _question(label) else f"Select {the_subject}"
    elif isinstance(field, forms.FileField):
        required = f"Select {the_subject}"
    elif isinstance(field, forms.BooleanField):
        required = f"Select the box to confirm: {label}"
    else:
        required = f"Enter an answer to: {label}" if _question(label) else f"Enter {the_subject}"
    messages = {"required": required, "null_characters_not_allowed": f"{subject_must} must not contain null characters"}
    if isinstance(field, forms.CharField):
        if field.max_length is not None:
            messages["max_length"] = f"{subject_must} must be {field.max_length:,} characters or fewer"
        if field.min_length is not None:
            messages["min_length"] = f"{subject_must} must be {field.min_length:,} characters or more"
    if isinstance(field, forms.EmailField):
        messages["invalid"] = f"Enter {the_subject} in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = f"Enter {the_subject} in the correct format, like https://www.example.com"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{subject_must} must be a whole number"
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):
        messages["invalid"] = f"{subject_must} must be a number"
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"{subject_must} must be a real date and time"
        messages["overflow"] = f"{subject_must} must be a real date and time"
    elif isinstance(field, (forms.DateField, DateInputField)):
        messages["invalid"] = f"{subject_must} must be a real date"
        messages["incomplete"] = f"{subject_must} must include a day, month and year"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{subject_must} must be a real time, like 14:30"
    elif isinstance(field, forms.FileField):
        messages.update({
            "invalid": f"{_capital(the_subject)} could not be uploaded: select it again",
            "missing": required,
            "empty": f"{_capital(the_subject)} is empty",
            "contradiction": f"Either select a new file for {the_subject} or remove the current one, not both",
            "max_length": f"The name of {the_subject} is too long: rename the file and select it again",
        })
    elif isinstance(field, forms.CharField):
        messages["invalid"] = f"Enter {the_subject} in the correct format"
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        if field.min_value is not None:
            messages["min_value"] = f"{subject_must} must be {field.min_value:,} or more"
        if field.max_value is not None:
            messages["max_value"] = f"{subject_must} must be {field.max_value:,} or less"
        if field.step_size is not None:
            messages["step_size"] = f"{subject_must} must be a multiple of {field.step_size}"
    if isinstance(field, forms.DecimalField):
        messages["max_digits"] = f"{subject_must} must have no more than {field.max_digits} digits"
        messages["max_decimal_places"] = f"{subject_must} must have no more than {field.decimal_places} decimal places"
        messages["max_whole_digits"] = (
            f"{subject_must} must have no more than {(field.max_digits or 0) - (field.decimal_places or 0)} digits before the decimal point"
        )
    if _is_choice(field):
        choose = f"Select an answer to: {label}" if _question(label) else f"Select {the_subject}"
        messages["invalid_choice"] = f"{choose} from the choices given"
        messages["invalid_list"] = f"{choose} from the choices given"
        messages["invalid_pk_value"] = f"{choose} from the choices given"
    return messages


def _django_defaults(field: forms.Field) -> dict[str, str]:
    defaults = {}
    for klass in reversed(type(field).__mro__):
        defaults.update({code: str(message) for code, message in getattr(klass, "default_error_messages", {}).items()})
    return defaults


def _model_field_limits(form: BaseForm, name: str, field: forms.Field) -> None:
    """A model form's field is refused by the form, not by the model's own check ("less than or equal to 32767")."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # a form-only field
        return
    if isinstance(field, forms.IntegerField):
        for validator in model_field.validators:
            if isinstance(validator, validators.MaxValueValidator) and field.max_value is None:
                field.max_value = validator.limit_value
                field.validators.append(validators.MaxValueValidator(field.max_value))
            if isinstance(validator, validators.MinValueValidator) and field.min_value is None:
                field.min_value = validator.limit_value
                field.validators.append(validators.MinValueValidator(field.min_value))


def _free_text_limit(field: forms.Field) -> None:
    """Every text answer has a limit, stated in a text area's hint."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.HiddenInput):
        return
    textarea = isinstance(field.widget, forms.Textarea)
    if field.max_length is None:
        field.max_length = FREE_TEXT_MAX_LENGTH if textarea else LINE_TEXT_MAX_LENGTH
    if not any(isinstance(validator, validators.MaxLengthValidator) for validator in field.validators):
        # Also a limit set after the field was built, which Django then only tells the browser (the sign-in user name).
        field.validators.append(validators.MaxLengthValidator(field.max_length))
    hint = f"You can enter up to {field.max_length:,} characters."
    if textarea and hint not in str(field.help_text):
        field.help_text = f"{field.help_text} {hint}".strip() if field.help_text else hint


def _refuse_null_characters(field: forms.ModelChoiceField) -> None:
    """A NUL in a record's choice reaches the database lookup, whose own check would answer in Django's words."""
    to_python = field.to_python

    def checked(value):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")
        return to_python(value)

    field.to_python = checked


def _number_as_text(field: forms.Field) -> None:
    """A number is typed in a text box with a numeric keyboard, as GOV.UK asks: crispy-forms-gds draws Django's
    `type="number"` input without the GOV.UK style (a box a few pixels high), and a scroll wheel changes its value."""
    if type(field.widget) is forms.NumberInput:
        attrs = {key: value for key, value in field.widget.attrs.items() if key not in ("min", "max", "step")}
        mode = "numeric" if isinstance(field, forms.IntegerField) else "decimal"
        field.widget = forms.TextInput(attrs={**attrs, "inputmode": mode})


def _url_as_styled_input(field: forms.Field) -> None:
    """crispy-forms-gds styles only the input widgets it names, not Django's URLInput: a web address keeps
    `type="url"` but is drawn as a GOV.UK text box, with the spell checker off."""
    if type(field.widget) is forms.URLInput:
        widget = forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "url", **field.widget.attrs})
        widget.input_type = "url"
        field.widget = widget


def govuk_fields_prepare(form: BaseForm) -> None:
    """Give every field of the form a limit and GOV.UK messages; a message the form set itself is kept. Safe to repeat."""
    for name, field in form.fields.items():
        _number_as_text(field)
        _url_as_styled_input(field)
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            _refuse_null_characters(field)
        _model_field_limits(form, name, field)
        _free_text_limit(field)
        defaults = _django_defaults(field)
        for code, message in govuk_messages(field, name).items():
            current = field.error_messages.get(code)
            if current is None or str(current) == defaults.get(code):
                field.error_messages[code] = message
        _text_escape(field)


def _text_escape(field: forms.Field) -> None:
    """crispy-forms-gds prints labels and hints as trusted HTML; some come from data an administrator types
    (a need domain's name, a partner's): escaped here, once (an escaped label is safe text and passes unchanged)."""
    if field.label is not None:
        field.label = conditional_escape(field.label)
    if field.help_text:
        field.help_text = conditional_escape(field.help_text)


# --- The error summary ---------------------------------------------------------------------------------


def field_anchor(bound_field) -> str:
    """The id of the first input crispy-forms-gds renders for a field: where an error summary link must go."""
    widget = bound_field.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"id_{bound_field.html_name}_1"  # crispy-forms-gds numbers radios and checkboxes from 1, by name
    if isinstance(widget, forms.MultiWidget):
        subfields = getattr(bound_field.field, "fields", ())
        wrong = next((index for index, subfield in enumerate(subfields) if getattr(subfield.widget, "errors", None)), 0)
        return f"{bound_field.auto_id}_{wrong}"
    return bound_field.auto_id


class GovukFormMixin:
    """GOV.UK messages for every field, and an error summary whose every link lands on a field.

    `non_field_errors_field` names the field an error about the form as a whole links to (the
    first field on the page when it is not set).
    """

    non_field_errors_field: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own_init = cls.__dict__.get("__init__")
        if own_init is not None and not getattr(own_init, "govuk_prepared", False):
            # Forms add fields in their own __init__ (one per question, per need domain): prepare them after it.
            @functools.wraps(own_init)
            def __init__(self, *args, **kwargs):
                own_init(self, *args, **kwargs)
                govuk_fields_prepare(self)
                kept_input_restore(self)
                _concurrency_fields_in_layout(self)

            __init__.govuk_prepared = True
            cls.__init__ = __init__

    def __init__(self, *args, record_version: int | None = None, form_token: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _concurrency_fields_add(self, record_version=record_version, form_token=form_token)
        govuk_fields_prepare(self)
        kept_input_restore(self)
        _concurrency_fields_in_layout(self)

    def full_clean(self):
        super().full_clean()
        for name in (RECORD_VERSION_FIELD, FORM_TOKEN_FIELD):  # read by the view, never data for a service
            getattr(self, "cleaned_data", {}).pop(name, None)

    @functools.cached_property
    def changed_data(self) -> list[str]:
        return [name for name in super().changed_data if name not in (RECORD_VERSION_FIELD, FORM_TOKEN_FIELD)]

    @property
    def read_version(self) -> int | None:
        """The version of the record the user read (the hidden field); None when missing or not a version."""
        return version_parse(self.data.get(RECORD_VERSION_FIELD)) if self.is_bound else None

    @property
    def submitted_token(self) -> str | None:
        """The one-time token this post carries; None when missing or malformed (the post is then not deduplicated)."""
        return form_token_parse(self.data.get(FORM_TOKEN_FIELD)) if self.is_bound else None

    def rendered_field_names(self) -> list[str]:
        """The visible fields the page shows: those of the helper's layout, or all of them."""
        visible = [bound.name for bound in self.visible_fields()]
        layout = getattr(getattr(self, "helper", None), "layout", None)
        named = {pointer.name for pointer in layout.get_field_names()} if layout is not None else set()
        shown = [name for name in visible if name in named]
        return shown or visible

    def error_summary(self) -> list[tuple[str, str]]:
        """(id, message) for every error, in the order of the page; each id is one the page renders."""
        shown = self.rendered_field_names()
        first = self.non_field_errors_field if self.non_field_errors_field in shown else (shown[0] if shown else None)
        first_anchor = field_anchor(self[first]) if first else ""
        items = [(getattr(self, "non_field_errors_anchor", None) or first_anchor, str(error)) for error in self.non_field_errors()]
        for name in shown:
            items += [(field_anchor(self[name]), str(error)) for error in self[name].errors]
        for name, errors in self.errors.items():  # a hidden field, or one the layout leaves out
            if name != NON_FIELD_ERRORS and name not in shown:
                items += [(first_anchor, str(error)) for error in errors]
        return items


# --- Input kept across a sign-in -----------------------------------------------------------------------


class KeptInput:
    """What someone typed before their session ended (oocr/accounts/kept_input.py), offered to one request's forms."""

    def __init__(self, data: dict[str, list[str]]):
        self.data = QueryDict(mutable=True)
        for name, values in data.items():
            self.data.setlist(name, values)
        self.data._mutable = False
        self.used = False


_kept_input: ContextVar[KeptInput | None] = ContextVar("kept_input", default=None)


@contextmanager
def kept_input_offered(kept: KeptInput):
    """While a request is answered, its unbound forms whose fields the kept input names are filled from it."""
    token = _kept_input.set(kept)
    try:
        yield kept
    finally:
        _kept_input.reset(token)


def kept_input_restore(form: BaseForm) -> None:
    """Fill an unbound form from the kept input when it names one of the form's fields; safe to repeat.

    The form is bound to the input but shows no errors: nothing has been checked or saved, and the
    person reads it through and sends it again. A form on the page that the input does not name (a
    filter, another form) stays as it was.
    """
    kept = _kept_input.get()
    if kept is None or form.is_bound:
        return
    names = [form.add_prefix(name) for name in form.fields]
    if not any(key == name or key.startswith(f"{name}_") for key in kept.data for name in names):
        return
    form.data = kept.data
    form.is_bound = True
    form._errors = ErrorDict()
    form.kept_input_restored = True
    kept.used = True


# --- Concurrency: the version an edit form was read at, the one-time token of a create form ----------------

RECORD_VERSION_FIELD = "record_version"
FORM_TOKEN_FIELD = "form_token"


class _HiddenTextField(forms.CharField):
    """A hidden value the view reads itself (`read_version`, `submitted_token`): it never raises an error of its own."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, strip=True, **kwargs)
        self.validators = []


def _concurrency_fields_add(form, *, record_version: int | None, form_token: str | None) -> None:
    """An edit form carries the version of the record it shows; a create form a one-time token (see oocr.concurrency)."""
    if record_version is not None:
        form.fields[RECORD_VERSION_FIELD] = _HiddenTextField(initial=str(record_version))
    if form_token is not None:
        form.fields[FORM_TOKEN_FIELD] = _HiddenTextField(initial=form_token)


def _concurrency_fields_in_layout(form) -> None:
    """crispy-forms draws only the fields its layout names: the hidden ones go first. Safe to repeat."""
    layout = getattr(getattr(form, "helper", None), "layout", None)
    if layout is None:
        return
    named = {pointer.name for pointer in layout.get_field_names()}
    for name in (RECORD_VERSION_FIELD, FORM_TOKEN_FIELD):
        if name in form.fields and name not in named:
            layout.insert(0, name)


def form_version_refresh(form, version: int) -> None:
    """After a refused edit: the form now carries the version the user has been shown, their input unchanged."""
    data = form.data.copy()
    data[RECORD_VERSION_FIELD] = str(version)
    form.data = data


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


# --- Pieces many forms use -----------------------------------------------------------------------------


class GovukDateField(DateInputField):
    """A day, month and year date input whose messages name the date being asked for."""

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"The {what} must include a day, month and year"
        self.error_messages["invalid"] = f"The {what} must be a real date"
        for part, subfield in zip(("day", "month", "year"), self.fields):
            subfield.error_messages["incomplete"] = f"The {what} must include a {part}"
            subfield.error_messages["invalid"] = f"The {what} must be a real date"
            subfield.error_messages["max_length"] = f"The {what} must be a real date"
            subfield.error_messages["required"] = f"The {what} must include a day, month and year"
            subfield.error_messages["null_characters_not_allowed"] = f"The {what} must be a real date"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:  # 31 February, year 3000000000, "20x6"
            raise ValidationError(f"The {self.what} must be a real date") from error
        if len(str(year).strip()) < 4:
            raise ValidationError(f"The year of the {self.what} must include 4 numbers, like {date.today().year}")
        if value.year < 1900:
            raise ValidationError(f"The {self.what} must be after 1900")
        return value


def page_helper(form, *fields) -> FormHelper:
    """A helper for a form inside a page template that writes the <form> tag and its token."""
    helper = FormHelper(form)
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def prefixed_text(name: str, *, prefix: str, field_width: int) -> Field:
    """A short text input with a unit in front of the box ("£"), which crispy-forms-gds does not draw itself."""
    return Field(name, css_class=Fixed.for_input(field_width), context={"prefix": prefix},
                 template="gds/layout/prefixed_text.html")


def csv_upload_text(upload, *, max_bytes: int = CSV_UPLOAD_MAX_BYTES) -> str:
    """The text of an uploaded CSV file; anything else (another type, too big, not text) is refused with one clear message."""
    if not upload.name.lower().endswith(".csv") or upload.size > max_bytes:
        raise ValidationError(f"The file must be a CSV file smaller than {max_bytes // 1_000_000} MB")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file must be a CSV file saved as UTF-8") from error
    if "\x00" in text:
        raise ValidationError("The file must be a CSV file saved as UTF-8")
    return text
