"""Every form class of every app: GOV.UK messages only, a limit on free text, error-summary links that land on an input."""

import importlib
import inspect
import re
from types import SimpleNamespace

import pytest
from crispy_forms_gds.fields import DateInputField
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import validators
from django.forms.forms import BaseForm
from django.template import Context, Template

from oocr.forms import GovukFormMixin

pytestmark = pytest.mark.django_db

PROJECT_PACKAGES = {"oocr", "cases", "keyworkers", "contracts", "referrals", "evaluation", "retention", "documents", "trials"}


def _all_subclasses(klass):
    for sub in klass.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def project_form_classes() -> list[type]:
    """Every form class written in the project's apps (not django-filter's or the admin's generated ones)."""
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in PROJECT_PACKAGES:
            for module in ("forms", "admin", "filters"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.{module}":
                        raise
    return sorted(
        {klass for klass in _all_subclasses(BaseForm)
         if klass.__module__.split(".")[0] in PROJECT_PACKAGES and ".tests" not in klass.__module__
         and not klass.__module__.startswith("oocr.forms")},
        key=lambda klass: f"{klass.__module__}.{klass.__qualname__}",
    )


def _django_default_messages() -> set[str]:
    """What Django (and crispy-forms-gds) would say: the messages of every form field class and validator."""
    defaults = set()
    for klass in [forms.Field, *_all_subclasses(forms.Field)]:
        for parent in klass.__mro__:
            defaults |= {str(message) for message in getattr(parent, "default_error_messages", {}).values()}
    for validator in (validators.EmailValidator, validators.URLValidator, validators.RegexValidator, validators.MaxLengthValidator,
                      validators.MinLengthValidator, validators.MaxValueValidator, validators.MinValueValidator,
                      validators.StepValueValidator, validators.ProhibitNullCharactersValidator,
                      validators.FileExtensionValidator):
        defaults.add(str(validator.message))
    defaults |= {str(message) for message in validators.DecimalValidator.messages.values()}
    date_input = DateInputField()
    defaults |= {str(message) for message in date_input.error_messages.values()}
    for subfield in date_input.fields:
        defaults |= {str(message) for message in subfield.error_messages.values()}
        defaults |= {str(validator.message) for validator in subfield.validators}
    return defaults - {""}


DJANGO_MESSAGES = _django_default_messages()


def _arguments() -> dict[str, dict]:
    """What the forms that need more than data are built with."""
    from cases.models import Victim
    from contracts.models import ConditionTemplate
    from oocr.accounts.tests.factories import KeyworkerFactory
    from referrals.models import Partner, Referral

    user = get_user_model()(username="someone")
    keyworker = KeyworkerFactory()
    return {
        "DecisionForm": {"outcome": "ineligible"},
        "ConditionForm": {"template": ConditionTemplate.objects.first(), "victims": Victim.objects.none()},
        "VictimContactForm": {"victims": [SimpleNamespace(pk=1, name="Alex Smith")]},
        "ReferralSendForm": {"partner": Partner(name="Shelter", referral_email="referrals@example.org")},
        "ReferralProgressForm": {"referral": Referral(status=Referral.Status.SENT)},
        "ReminderSettingsForm": {"kinds": {"due": "Conditions due"}},
        "SurveyForm": {"instrument": SimpleNamespace(items=[{"code": "q1", "text": "I was treated fairly"}])},
        "ClosureForm": {"conditions": [SimpleNamespace(pk=1, description="Attend every appointment")]},
        "WarningLetterForm": {"choices": [(1, "Missed appointment on 1 December 2026: warning")]},
        "AllocateForm": {"candidates": [keyworker]},
        "ReallocateForm": {"candidates": [keyworker]},
        "SetPasswordForm": {"user": user},
        "PasswordChangeForm": {"user": user},
        "SurveyCorrectForm": {"instrument": SimpleNamespace(items=[{"code": "q1", "text": "I was treated fairly"}])},
        "RandomiseForm": {"trials": [SimpleNamespace(pk=1, name="Enhanced offer trial")]},
        "CrossoverForm": {"arms": [SimpleNamespace(pk=1, name="Usual process")]},
    }


def build(klass, arguments, **kwargs):
    extra = dict(arguments.get(klass.__name__, {}))
    if "user" in extra and "user" in inspect.signature(klass.__init__).parameters:
        return klass(extra.pop("user"), **extra, **kwargs)
    return klass(**extra, **kwargs)


@pytest.fixture
def arguments():
    return _arguments()


def test_the_walk_finds_the_forms_of_every_app():
    found = {klass.__module__.split(".")[0] for klass in project_form_classes()}
    assert found >= PROJECT_PACKAGES
    assert len(project_form_classes()) > 40


def test_every_form_class_has_the_govuk_base():
    assert [klass for klass in project_form_classes() if not issubclass(klass, GovukFormMixin)] == []


def _fields(form):
    for name, field in form.fields.items():
        yield name, field
        for index, subfield in enumerate(getattr(field, "fields", ())):
            yield f"{name}_{index}", subfield


def test_no_field_of_any_form_keeps_a_django_message(arguments):
    problems = []
    for klass in project_form_classes():
        form = build(klass, arguments)
        for name, field in _fields(form):
            problems += [f"{klass.__name__}.{name} {code}: {message}" for code, message in field.error_messages.items()
                         if str(message) in DJANGO_MESSAGES or (code == "max_length" and "%(" in str(message))]
            for validator in field.validators:
                messages = getattr(validator, "messages", None) or {validator.code: validator.message}
                problems += [f"{klass.__name__}.{name} validator {code}: {message}" for code, message in messages.items()
                             if code not in field.error_messages and str(message) in DJANGO_MESSAGES]
    assert problems == []


def test_every_text_answer_has_a_limit_and_a_text_area_states_it(arguments):
    problems = []
    for klass in project_form_classes():
        form = build(klass, arguments)
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
                if field.max_length is None:
                    problems.append(f"{klass.__name__}.{name}: no limit")
                elif isinstance(field.widget, forms.Textarea) and f"{field.max_length:,} characters" not in str(field.help_text):
                    problems.append(f"{klass.__name__}.{name}: the hint does not state the limit")
    assert problems == []


def test_a_limit_and_a_number_out_of_range_are_worded_from_the_label():
    from cases.forms import CaseAccessReasonForm, PersonForm, QuestionsForm

    person = PersonForm(data={"first_names": "x" * 10_000})
    assert person.errors["first_names"] == ["First names must be 100 characters or fewer"]
    assert person.errors["last_name"] == ["Enter the person's last name"]
    reason = CaseAccessReasonForm(data={"reason": "nonsense", "details": "x" * 200_000})
    assert reason.errors["reason"] == ["Select an answer to: Why do you need to open this record? from the choices given"]
    assert reason.errors["details"] == ["Details must be 500 characters or fewer"]
    questions = QuestionsForm(data={"previous_offences": "40000"})
    assert questions.errors["previous_offences"] == ["Previous offences must be 999 or less"]


RENDER = Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}")


def _hostile(form) -> dict:
    """A value every field refuses, or at least one it may: too long, not a number, not a choice."""
    data = {}
    for name, bound in ((name, form[name]) for name in form.fields):
        field = bound.field
        if isinstance(field, forms.MultiValueField):
            data.update({f"{bound.html_name}_{index}": "31" if index < 2 else "20x6" for index in range(len(field.fields))})
        else:
            data[bound.html_name] = "x" * 6_000
    return data


def test_every_error_summary_link_lands_on_an_input_the_form_renders(arguments):
    problems = []
    for klass in project_form_classes():
        probe = build(klass, arguments)
        helper = getattr(probe, "helper", None)
        if helper is None or not list(helper.layout.get_field_names()):
            continue  # the admin's own pages, and the allocation table its page lays out by hand (keyworkers tests)
        for variant, data in (("empty", {}), ("hostile", _hostile(probe))):
            form = build(klass, arguments, data=data)
            if form.is_valid():
                continue
            html = RENDER.render(Context({"form": form}))
            summary = re.search(r'class="govuk-error-summary".*?</ul>', html, re.S).group(0)
            ids = set(re.findall(r'\sid="([^"]+)"', html))
            links = re.findall(r'href="#([^"]*)"', summary)
            assert len(links) == len(re.findall(r"<li>", summary))
            problems += [f"{klass.__name__} ({variant}): #{link}" for link in links if link not in ids]
    assert problems == []


def test_numbers_are_typed_in_a_styled_text_box_with_a_numeric_keyboard():
    from cases.models import Victim
    from contracts.forms import ConditionForm

    html = ConditionForm(template=None, victims=Victim.objects.none())["hours_required"].as_widget()
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert RENDER.render(Context({"form": ConditionForm(template=None, victims=Victim.objects.none())})).count(
        'class="govuk-input') >= 4  # hours, amount, repeats, who or where: every box drawn in the GOV.UK style


def test_a_web_address_is_drawn_as_a_styled_url_box_and_its_error_styled_too():
    from api.forms import ApiClientForm

    html = RENDER.render(Context({"form": ApiClientForm()}))
    box = re.search(r'<input[^>]*name="webhook_url"[^>]*>', html).group(0)
    assert 'type="url"' in box and 'class="govuk-input' in box and 'spellcheck="false"' in box
    invalid = ApiClientForm(data={"webhook_url": "not an address"})
    box = re.search(r'<input[^>]*name="webhook_url"[^>]*>', RENDER.render(Context({"form": invalid}))).group(0)
    assert "govuk-input--error" in box


def test_a_date_typed_with_a_two_digit_year_is_asked_for_in_four():
    from oocr.forms import GovukDateField, GovukForm

    class BornForm(GovukForm):
        born = GovukDateField(what="date of birth")

    form = BornForm(data={"born_0": "3", "born_1": "11", "born_2": "26"})
    assert not form.is_valid()
    assert form.errors["born"][0].startswith("The year of the date of birth must include 4 numbers, like ")
    assert BornForm(data={"born_0": "3", "born_1": "11", "born_2": "1999"}).is_valid()
