"""Every page that reads its query string, given garbage there: never a server error.

A bookmarked, shared, edited or stale URL (a year that has dropped out of the
list, a record since deleted, letters where a number goes, 31 February) must
open the page, with the unknown value reported on it or ignored.
"""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import transaction

from tests.test_url_matrix import ADMIN, EXPECTED, HOLDER, MANAGER, SUPERVISOR, TRIALS, concrete

pytestmark = pytest.mark.django_db

REPORT = ["measure", "period", "route", "sex", "age_band", "enhanced", "start_from", "start_to", "breakdown"]
CASELOAD = ["search", "tab", "sort", "page"]

# The query parameters each page reads (grep request.GET and FilterSet), and who opens it.
PAGES: dict[str, tuple[str, list[str]]] = {
    "/evaluation/report/": (MANAGER, REPORT),
    "/evaluation/report/<str:chart>.svg": (MANAGER, REPORT),
    "/evaluation/report/<str:table>.csv": (MANAGER, REPORT),
    "/evaluation/time-to-reoffence/": (MANAGER, REPORT),
    "/evaluation/time-to-reoffence/chart.svg": (MANAGER, REPORT),
    "/evaluation/time-to-reoffence/<str:table>.csv": (MANAGER, REPORT),
    "/outcomes/": (MANAGER, REPORT),
    "/evaluation/surveys/": (MANAGER, ["closed_from", "closed_to"]),
    "/evaluation/surveys/export.csv": (MANAGER, ["closed_from", "closed_to"]),
    "/outcomes/charts/<str:chart>.svg": (MANAGER, REPORT),
    "/evaluation/matches/": (ADMIN, ["page"]),
    "/intake/": (ADMIN, ["search", "status", "page"]),
    "/caseload/": (HOLDER, CASELOAD),
    "/team/<int:pk>/caseload/": (SUPERVISOR, CASELOAD),
    "/caseload/week/": (HOLDER, ["start"]),
    "/allocation/": (SUPERVISOR, ["area", "route", "flag", "waited", "sort", "page"]),
    "/allocation/reviews/": (SUPERVISOR, ["page"]),
    "/administration/users/": (ADMIN, ["page"]),
    "/administration/retention/": (ADMIN, ["page"]),
    "/administration/access-log/": (ADMIN, ["user", "person_id", "kind", "content_type", "object_id", "date_from",
                                            "date_to", "page"]),
    "/notifications/": (HOLDER, ["page"]),
    "/partners/": (SUPERVISOR, ["q", "need", "area", "kind", "active", "page"]),
    "/trials/<int:pk>/consort/": (TRIALS, ["measure"]),
    "/trials/<int:pk>/analysis/": (TRIALS, ["measure"]),
    "/trials/<int:pk>/export.csv": (TRIALS, ["measure", "part"]),
    "/trials/<int:pk>/consort.csv": (TRIALS, ["measure"]),
    "/partners/report/": (MANAGER, ["sent_from", "sent_to"]),
    "/cases/<int:pk>/history/": (HOLDER, ["kind"]),
    "/cases/<int:pk>/reason/": (SUPERVISOR, ["next"]),
    "/cases/<int:pk>/actions/new/": (HOLDER, ["kind"]),
    "/cases/<int:pk>/non-compliance/new/": (HOLDER, ["kind"]),
    "/cases/<int:pk>/close/": (HOLDER, ["result"]),
    "/cases/<int:pk>/contract/conditions/new/": (HOLDER, ["template"]),
    "/cases/<int:pk>/referrals/new/": (HOLDER, ["need"]),
    "/cases/<int:pk>/referrals/new/<int:partner_pk>/": (HOLDER, ["need"]),
    "/account/two-factor/": (HOLDER, ["next"]),
    "/account/sign-in/": (HOLDER, ["next"]),
}
# The CSV downloads behind `?format=csv`, with their own filters.
CSV_PAGES: dict[str, tuple[str, list[str]]] = {
    "/administration/access-log/": (ADMIN, ["user", "person_id", "kind", "content_type", "object_id", "date_from",
                                            "date_to"]),
    "/partners/report/": (MANAGER, ["sent_from", "sent_to"]),
}

GARBAGE = {
    "letters": "zzz",
    "31 February": "2015-02-31",
    "a huge number": "99999999999999999999999",
    "a negative number": "-1",
    "a year out of the list": "2015",
    "the first day there is": "0001-01-01",
    "the last day there is": "9999-12-31",
    "a NUL character": "a\x00b",
}


def query_parameters(html: str) -> set[str]:
    """The names a page's own GET forms and its links back to itself (href="?...") send."""
    names = set()
    for form in re.findall(r"<form(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S | re.I):
        names |= set(re.findall(r'\sname="([^"]+)"', form))
    for query in re.findall(r'href="\?([^"#]*)', html):
        names |= {name for name, _ in parse_qsl(query.replace("&amp;", "&"), keep_blank_values=True)}
    return names - {"csrfmiddlewaretoken"}


def parameters_tried(path: str) -> set[str]:
    """What this module sends garbage in for the page (the URL matrix asks, for every page it opens)."""
    return {name for pages in (PAGES, CSV_PAGES) for name in pages.get(path, (None, []))[1]} | {"format"}


def test_every_page_named_here_exists():
    assert set(PAGES) <= set(EXPECTED)
    for path, (who, _) in PAGES.items():
        assert who in EXPECTED[path], path


def _server_error(client, url: str, query: dict) -> bool:
    """A 5xx; the database error behind one is rolled back, so that the next request still runs."""
    savepoint = transaction.savepoint()
    failed = client.get(url, query).status_code >= 500
    if failed:
        transaction.savepoint_rollback(savepoint)
        transaction.set_rollback(False)
    else:
        transaction.savepoint_commit(savepoint)
    return failed


# Each parameter alone gets these; every kind goes to all of a page's parameters at once, which is how a
# bookmark with one stale value and a hand-edited one arrives (and what the cohort report's crash needed).
ONE_BY_ONE = {"letters", "31 February", "a huge number", "a NUL character"}


@pytest.mark.parametrize("garbage", list(GARBAGE.values()), ids=list(GARBAGE))
def test_garbage_in_the_query_string_never_gives_a_server_error(client, garbage, world):
    one_by_one = garbage in {GARBAGE[kind] for kind in ONE_BY_ONE}
    client.raise_request_exception = False
    errors = []
    for pages, extra in ((PAGES, {}), (CSV_PAGES, {"format": "csv"})):
        for path, (who, names) in pages.items():
            client.force_login(world["users"][who])
            url = concrete(path, world["fill"])
            for name in names if one_by_one else []:
                if _server_error(client, url, {**extra, name: garbage}):
                    errors.append(f"{url}?{name}={garbage!r}")
            # All at once, as a hand-edited bookmark would have them (`page` aside: an unknown page is a 404).
            if _server_error(client, url, {**extra, **{name: garbage for name in names if name != "page"}}):
                errors.append(f"{url} with every parameter {garbage!r}")
    assert errors == [], "\n".join(errors)
