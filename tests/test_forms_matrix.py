"""Every form of the project submitted as its users would: valid, empty and hostile data (oocr/tests/form_harness.py).

The cases live next to each app's tests (`<app>/tests/form_cases.py`); a view that takes
POST and has no case fails `test_every_view_that_takes_a_post_has_a_case`. Every GET page
is also sent garbage in each query parameter its forms and links use: never a server error.
"""

import importlib
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from oocr.tests.form_harness import FormCase, run_case
from tests.test_url_matrix import ANON, EXPECTED, EVERYONE, build_world, concrete

pytestmark = pytest.mark.django_db

APPS_WITH_FORMS = ["oocr.accounts", "oocr.audit", "oocr.notifications", "cases", "keyworkers", "contracts", "referrals",
                   "evaluation", "retention"]


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


# --- Garbage in every query parameter of every GET page --------------------------------------------------

GARBAGE = ["zzz", "2015", "-1", "0", "99999999999999999999", "31/02/2026", "2026-02-31", "<script>", "a" * 300, "%00"]
# Parameters every list may take, whether or not the page shows a link to them.
COMMON_PARAMETERS = {"page", "sort", "order", "q"}


def query_parameters(html: str) -> set[str]:
    """The names a page's GET forms and its own links send."""
    names = set()
    for form in re.findall(r"<form(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S | re.I):
        names |= set(re.findall(r'\sname="([^"]+)"', form))
    for href in re.findall(r'href="([^"]*\?[^"]*)"', html):
        names |= {name for name, _ in parse_qsl(urlsplit(href.replace("&amp;", "&")).query, keep_blank_values=True)}
    return names - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize("who", sorted(EVERYONE - {ANON}))
def test_garbage_in_any_query_parameter_of_any_page_never_gives_a_server_error(client, who):
    world = build_world()
    client.force_login(world["users"][who])
    client.raise_request_exception = False
    crashes, tried = [], 0
    for path in sorted(path for path in EXPECTED if who in EXPECTED[path]):
        url = concrete(path, world["fill"])
        base = client.get(url + world["queries"].get(path, ""))
        if "text/html" not in base.get("Content-Type", ""):
            names = COMMON_PARAMETERS | {name for name, _ in parse_qsl(world["queries"].get(path, "").lstrip("?"))}
        else:
            names = COMMON_PARAMETERS | query_parameters(base.content.decode(errors="replace"))
            names |= {name for name, _ in parse_qsl(world["queries"].get(path, "").lstrip("?"))}
        for name in sorted(names):
            for value in GARBAGE:
                tried += 1
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    crashes.append(f"{url}?{name}={value[:20]} as {who}: {response.status_code}")
        response = client.get(url, {name: GARBAGE[0] for name in names})  # all at once, as a mangled bookmark would
        if response.status_code >= 500:
            crashes.append(f"{url} with every parameter garbage as {who}: {response.status_code}")
    assert tried > 0
    assert sorted(set(crashes)) == []
