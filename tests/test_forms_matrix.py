"""Every form of the project submitted as its users would: valid, empty and hostile data (oocr/tests/form_harness.py).

The cases live next to each app's tests (`<app>/tests/form_cases.py`); a view that takes
POST and has no case fails `test_every_view_that_takes_a_post_has_a_case`. Every GET page
is sent garbage in each query parameter it reads by tests/test_query_garbage.py, and the URL
matrix checks that no page's form or link sends a parameter that test does not try.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from documents.tests.fixtures import documents_in_a_temporary_folder  # noqa: F401  (autouse: files to a temp folder)
from oocr.tests.form_harness import FormCase, run_case

pytestmark = pytest.mark.django_db

APPS_WITH_FORMS = ["oocr.accounts", "oocr.audit", "oocr.notifications", "cases", "keyworkers", "contracts", "referrals",
                   "evaluation", "retention", "documents", "api", "portal", "trials"]


def form_cases() -> list[FormCase]:
    cases = []
    for app in APPS_WITH_FORMS:
        try:
            module = importlib.import_module(f"{app}.tests.form_cases")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.tests.form_cases":
                raise
            continue
        cases += module.FORM_CASES
    return cases


FORM_CASES = form_cases()


def views_taking_post(resolver=None, prefix="") -> set[str]:
    """Every URL pattern whose view answers POST (the Django admin's own excepted)."""
    found = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("django-admin/"):
                found |= views_taking_post(pattern, route)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None and hasattr(view_class, "post") and "post" in view_class.http_method_names:
                found.add("/" + route)
    return found


def test_every_view_that_takes_a_post_has_a_case():
    covered = {case.path for case in FORM_CASES}
    assert views_taking_post() - covered == set(), "Add a FormCase for the new form to its app's tests/form_cases.py"
    assert covered - views_taking_post() == set(), "A FormCase names a path that takes no POST"


@pytest.mark.parametrize("case", FORM_CASES, ids=lambda case: case.id)
def test_every_form_does_the_work_refuses_empty_and_hostile_data_and_never_fails(client, case):
    problems, variants = run_case(client, case)
    assert variants  # the count of (view, role, variant) cases is in the README
    assert problems == [], f"{case.id}:\n" + "\n".join(problems)
