"""Hypothesis against every form class: whatever a browser sends, the form answers with GOV.UK messages, never an exception.

The form harness (tests/test_forms_matrix.py) submits a few chosen hostile values through
the pages; here each form class gets many more, drawn at random: any text (NUL characters,
other scripts), numbers of any size, real and impossible dates, its own choices and others.
Where hypothesis can build the form's fields itself (`from_form`), it also draws values each
field accepts, so that the form's own cross-field checks (`clean`) meet combinations no
builder wrote.
"""

import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form, register_field_strategy

from oocr.tests.test_forms import DJANGO_MESSAGES, _arguments, build, project_form_classes

pytestmark = pytest.mark.django_db

SPECIAL = ["", " ", "0", "-1", "31", "2", "1900", "99999999999999999999", "2026-02-31", "31/02/2026", "1.5", "1e400",
           "<script>alert(1)</script>", '=HYPERLINK("http://example.invalid")', "a\x00b", "x" * 6_000, "on", "true"]
ANY_TEXT = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=60), st.integers().map(str))
FUZZ = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _inputs(form) -> dict[str, st.SearchStrategy]:
    """Every name the form reads from a request, with what to send there: any text, or one of its choices."""
    inputs = {}
    for name in form.fields:
        bound, field = form[name], form.fields[name]
        if isinstance(field, forms.MultiValueField):
            for index in range(len(field.fields)):
                inputs[f"{bound.html_name}_{index}"] = ANY_TEXT
            continue
        choices = [str(value) for value, _ in getattr(field, "choices", ()) if value not in ("", None)]
        values = st.one_of(ANY_TEXT, st.sampled_from(choices)) if choices else ANY_TEXT
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            values = st.lists(values, max_size=4)
        inputs[bound.html_name] = values
    return inputs


def _django_wording(form) -> list[str]:
    return [f"{name}: {message}" for name, messages in form.errors.items() for message in messages
            if str(message) in DJANGO_MESSAGES]


FORM_CLASSES = project_form_classes()


def _sign_in_request():
    """django-axes counts sign-in failures per request: the form is built with one, as the sign-in page builds it."""
    from django.test import RequestFactory

    return RequestFactory().post("/account/sign-in/")


@pytest.mark.parametrize("klass", FORM_CLASSES, ids=lambda klass: klass.__name__)
def test_any_input_to_any_form_gets_govuk_messages_and_never_an_exception(klass):
    arguments = {**_arguments(), "SignInForm": {"request": _sign_in_request()}, "PasswordResetForm": {}}
    inputs = _inputs(build(klass, arguments))

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional=inputs))
    def answer(data):
        form = build(klass, arguments, data=data)
        form.is_valid()  # raises nothing, whatever came in
        assert _django_wording(form) == []

    answer()


# Model forms draw model instances, not form data: the raw-input fuzz above covers them.
# Hypothesis cannot infer a typed multiple choice (its choices are set per form): draw ids that may or may not be offered.
register_field_strategy(forms.TypedMultipleChoiceField, st.lists(st.sampled_from(["1", "2", "3", "999"]), max_size=3, unique=True))
FROM_FORM_CLASSES = [klass for klass in FORM_CLASSES if not issubclass(klass, forms.ModelForm)]


@pytest.mark.parametrize("klass", FROM_FORM_CLASSES, ids=lambda klass: klass.__name__)
def test_values_each_field_accepts_never_break_a_forms_own_checks(klass):
    arguments = {**_arguments(), "SignInForm": {"request": _sign_in_request()}}
    strategy = from_form(type(build(klass, arguments)), form_kwargs=dict(arguments.get(klass.__name__, {})))

    @FUZZ
    @given(form=strategy)
    def check(form):
        form.is_valid()
        assert _django_wording(form) == []

    check()
