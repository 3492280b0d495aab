"""The search box: every role finds what it may see, by name (spelt loosely), date of birth, case number, crime
reference or PNC ID, and nothing personal travels in the address."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import AwaitingAllocationCaseFactory, DraftCaseFactory, ReadyDraftCaseFactory
from cases.views.search import SEARCH_SESSION_KEY
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory, TeamManagerFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db

BORN = date(1990, 3, 27)


def search(client, text: str):
    """Search as the header box does: post, follow the redirect to the results."""
    response = client.post(reverse("cases:search"), {"q": text})
    assert response.status_code == 302 and response["Location"] == reverse("cases:search")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def world():
    """A case of the default team, one of another team, one waiting for allocation: all Quillerbrooks."""
    own_keyworker = StaffProfileFactory().user
    ours = AllocatedCaseFactory(keyworker=own_keyworker, person__first_names="Jonathan", person__last_name="Quillerbrook",
                                person__date_of_birth=BORN, person__pnc_id="2019/0012345X")
    north_keyworker = StaffProfileFactory(team=TeamFactory(name="North team")).user
    theirs = AllocatedCaseFactory(keyworker=north_keyworker, person__first_names="Jonas", person__last_name="Quillerbrook",
                                  person__date_of_birth=date(1985, 1, 2))
    waiting = AwaitingAllocationCaseFactory(person__first_names="Maria", person__last_name="Quillerbrook",
                                            person__date_of_birth=date(2001, 6, 5))
    return {"ours": ours, "theirs": theirs, "waiting": waiting, "keyworker": own_keyworker, "north": north_keyworker}


def test_a_supervisor_finds_their_teams_cases_by_a_misspelt_name_and_others_only_through_a_reason(client, world):
    client.force_login(SupervisorProfileFactory().user)
    page = search(client, "Quilerbruk")
    ours, theirs, waiting = world["ours"], world["theirs"], world["waiting"]
    assert f'href="/cases/{ours.pk}/">{ours.number}</a>' in page
    assert "Jonathan Quillerbrook" in page and "27 Mar 1990" in page and world["keyworker"].get_full_name() in page
    assert f'href="/cases/{waiting.pk}/">{waiting.number}</a>' in page and "Not allocated" in page
    # Another team's case: its number, opened through the reason page; nothing about the person.
    assert f'href="/cases/{theirs.pk}/reason/">{theirs.number}</a>' in page
    assert "Jonas" not in page and "2 Jan 1985" not in page and world["north"].get_full_name() not in page


def test_each_identifier_finds_the_case(client, world):
    client.force_login(SupervisorProfileFactory().user)
    ours = world["ours"]
    reference = ours.crimes.get().reference
    for text in (ours.number, ours.number.lower(), str(ours.pk), reference, reference.lower(), "19/12345x",
                 "2019/0012345X", "jonathan 27/3/1990", "27-03-1990", "1990-03-27"):
        page = search(client, text)
        assert f"{ours.number}</a>" in page, text
        assert world["theirs"].number not in page, text


def test_a_keyworker_finds_only_the_cases_they_hold(client, world):
    client.force_login(world["keyworker"])
    page = search(client, "Quillerbrook")
    assert world["ours"].number in page
    assert world["theirs"].number not in page and world["waiting"].number not in page
    assert "1 case found" in page


def test_an_evidence_review_officer_finds_only_their_own_submissions_and_opens_them_as_submissions(client, world):
    officer = world["ours"].created_by
    draft = ReadyDraftCaseFactory(created_by=officer, person__last_name="Quillerbrook")
    client.force_login(officer)
    page = search(client, "quillerbrook")
    assert f'href="/intake/{world["ours"].pk}/">' in page and f'href="/intake/{draft.pk}/">' in page
    assert world["theirs"].number not in page and world["waiting"].number not in page
    client.force_login(EvidenceReviewOfficerFactory())
    assert "0 cases found" in search(client, "quillerbrook")


def test_a_team_manager_and_an_administrator_find_what_they_may_open(client, world):
    manager = TeamManagerFactory()
    StaffProfileFactory(user=manager)
    client.force_login(manager)
    page = search(client, "Quillerbrook")
    assert "Jonathan Quillerbrook" in page and f'/cases/{world["theirs"].pk}/reason/' in page and "Jonas" not in page
    client.force_login(AdministratorFactory())  # every submission, read on the intake pages
    page = search(client, "Quillerbrook")
    assert all(f'href="/intake/{world[key].pk}/">' in page for key in ("ours", "theirs", "waiting"))


def test_someone_in_no_team_gives_a_reason_for_every_allocated_case(client, world):
    client.force_login(TeamManagerFactory())
    page = search(client, "Quillerbrook")
    assert f'/cases/{world["ours"].pk}/reason/' in page and "Jonathan" not in page
    assert f'href="/cases/{world["waiting"].pk}/">' in page


def test_opening_a_result_is_logged_and_another_teams_case_asks_why_first(client, world):
    client.force_login(SupervisorProfileFactory().user)
    search(client, "Quillerbrook")
    assert client.get(reverse("cases:case_detail", args=[world["ours"].pk])).status_code == 200
    assert AccessLog.objects.filter(object_id=world["ours"].pk, kind=AccessLog.Kind.VIEW).count() == 1
    assert client.get(reverse("cases:case_detail", args=[world["theirs"].pk])).status_code == 302


def test_nothing_personal_in_the_address_and_the_get_ignores_a_query(client, world):
    client.force_login(SupervisorProfileFactory().user)
    response = client.post(reverse("cases:search"), {"q": "Jonathan Quillerbrook"})
    assert "Quillerbrook" not in response["Location"]
    assert client.session[SEARCH_SESSION_KEY] == "Jonathan Quillerbrook"
    client.force_login(SupervisorProfileFactory().user)  # a new session: nothing kept
    page = client.get(reverse("cases:search") + "?q=Quillerbrook").content.decode()
    assert world["ours"].number not in page


@pytest.mark.parametrize("text, error", [
    ("", "Enter a name, date of birth, case number, crime reference or PNC ID"),
    ("   ", "Enter a name, date of birth, case number, crime reference or PNC ID"),
    ("x" * 101, "Search for 100 characters or fewer"),
    ("31/02/1990", "Enter a real date of birth"),
    ("1/1/2990", "Enter a date of birth in the past"),
    ("1/1/1990 2/2/1991", "Enter one date of birth"),
    ("a\x00b", "Search for letters, numbers"),
    ("j", "Enter at least 2 letters of the name"),
])
def test_bad_input_is_a_govuk_error_on_the_box(client, text, error):
    client.force_login(SupervisorProfileFactory().user)
    response = client.post(reverse("cases:search"), {"q": text})
    assert response.status_code == 302 and response["Location"] == reverse("cases:search")
    page = client.get(response["Location"]).content.decode()
    assert "govuk-error-summary" in page and error in page and 'href="#id_q"' in page and 'id="id_q"' in page
    assert "search-count" not in page  # no results under a refusal
    # Shown once: a refresh is the empty box, nothing kept.
    again = client.get(reverse("cases:search")).content.decode()
    assert "govuk-error-summary" not in again


def test_a_refused_search_comes_back_in_the_box_and_drops_the_results_before(client, world):
    client.force_login(SupervisorProfileFactory().user)
    assert world["ours"].number in search(client, "Quillerbrook")
    response = client.post(reverse("cases:search"), {"q": "Quillerbrook 31/02/1990"})
    assert response["Location"] == reverse("cases:search")
    assert "Quillerbrook" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'value="Quillerbrook 31/02/1990"' in page and "Enter a real date of birth" in page
    assert world["ours"].number not in page and SEARCH_SESSION_KEY not in client.session
    response = client.post(reverse("cases:search"), {"q": "x" * 5000})  # kept shortened, still refused
    page = client.get(response["Location"]).content.decode()
    assert "Search for 100 characters or fewer" in page and "x" * 5000 not in page


def test_a_search_from_the_header_of_another_page_lands_on_the_results_or_the_error(client, world):
    client.force_login(SupervisorProfileFactory().user)
    for text, seen in (("Quillerbrook", world["ours"].number), ("", "Enter a name, date of birth")):
        response = client.post(reverse("cases:search"), {"q": text}, HTTP_REFERER="/today/", follow=True)
        assert response.redirect_chain == [(reverse("cases:search"), 302)] and response.status_code == 200
        assert seen in response.content.decode()


def test_odd_input_that_is_no_error_finds_nothing_and_never_fails(client, world):
    client.force_login(SupervisorProfileFactory().user)
    for text in ("%", "'; drop table cases_case; --", "99999999999999999999", "OOCR-", "<script>", "Ωμέγα", "-1", "__"):
        response = client.post(reverse("cases:search"), {"q": text})
        assert response.status_code == 302, text
        assert client.get(reverse("cases:search")).status_code == 200


def test_roles_without_cases_have_no_search(client):
    user = AdministratorFactory()
    user.groups.clear()
    client.force_login(user)
    assert client.post(reverse("cases:search"), {"q": "Smith"}).status_code == 403


def _trevithicks(count: int, keyworker) -> None:
    for n in range(count):
        AllocatedCaseFactory(keyworker=keyworker, person__first_names=f"Anne{'e' * (n % 3)}", person__last_name="Trevithick")


def _queries_of_results(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:search")).status_code == 200
    return len(captured)


def test_the_query_count_is_the_same_for_few_and_many_matches(client, django_assert_max_num_queries):
    keyworker = StaffProfileFactory().user
    client.force_login(SupervisorProfileFactory().user)
    client.post(reverse("cases:search"), {"q": "Anne Trevithick"})
    _trevithicks(2, keyworker)
    few = _queries_of_results(client)
    _trevithicks(10, keyworker)
    many = _queries_of_results(client)
    assert few == many
    with django_assert_max_num_queries(few):
        page = client.get(reverse("cases:search")).content.decode()
    assert "12 cases found" in page


def test_a_common_name_reads_at_most_the_candidates_ranked_and_says_so(client, settings):
    keyworker = StaffProfileFactory().user
    exact = AllocatedCaseFactory(keyworker=keyworker, person__first_names="Anne", person__last_name="Trevithick")
    _trevithicks(6, keyworker)
    client.force_login(SupervisorProfileFactory().user)
    client.post(reverse("cases:search"), {"q": "Anne Trevithick"})
    everyone = _queries_of_results(client)
    page = client.get(reverse("cases:search")).content.decode()
    assert "7 cases found" in page and "search-capped" not in page
    assert _numbers_shown(page)[0] == exact.number
    settings.SEARCH_CANDIDATES = 4
    assert _queries_of_results(client) == everyone
    page = client.get(reverse("cases:search")).content.decode()
    assert "4 cases found" in page and 'data-testid="search-capped"' in page
    # An identifier is found whatever the names: the case number comes first.
    other = Case.objects.exclude(pk=exact.pk).order_by("pk").last()
    page = search(client, f"Trevithick {other.number}")
    assert _numbers_shown(page)[0] == other.number


def _numbers_shown(page: str) -> list[str]:
    return re.findall(r'href="/cases/\d+/">(OOCR-\d+)</a>', page.split('data-testid="search-results"')[1])
