"""What the busiest lists no longer do per request (issue 15, speed under load) still gives the same page: addresses
built once, the queue's offences in one query, its filter form rendered once per state, keyworkers' loads in one
grouped query, the caseload's page count taken from its tab counts."""

from unittest import mock

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Crime, Offence
from cases.tests.factories import AwaitingAllocationCaseFactory, CrimeFactory
from keyworkers import selectors
from keyworkers.filters import AllocationQueueFilter
from keyworkers.models import Allocation
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory
from keyworkers.views import CaseloadView
from oocr import filters as oocr_filters
from oocr.links import CASE_SECTIONS, case_link, case_section_links, link

pytestmark = pytest.mark.django_db


def _offence(code: str, title: str) -> Offence:
    return Offence.objects.get_or_create(code=code, defaults={"title": title, "mode_of_trial": "either_way",
                                                              "crime_subgroup": "Other"})[0]


@pytest.mark.parametrize("pk", [1, 42, 123456])
def test_links_are_the_addresses_reverse_gives(pk):
    assert case_link(pk) == reverse("cases:case_detail", args=[pk])
    assert link("keyworkers:allocate", pk) == reverse("keyworkers:allocate", args=[pk])
    assert case_section_links(pk) == {section: reverse(name, args=[pk]) for section, name in CASE_SECTIONS.items()}


def test_the_queue_lists_each_cases_offences_crime_by_crime_as_the_chooser_does(client):
    case = AwaitingAllocationCaseFactory()
    case.crimes.get().offences.set([_offence("ZZ-B", "Burglary"), _offence("ZZ-A", "Assault")])
    CrimeFactory(case=case, offences=[_offence("ZZ-C", "Criminal damage")])
    lone = AwaitingAllocationCaseFactory()
    selectors.offence_titles_add(cases := [case, lone])
    assert case.offence_titles == "Assault; Burglary; Criminal damage"
    assert lone.offence_titles == "Theft from a shop (Theft Act 1968 s.1)"
    # The chooser, which still reads the prefetched crimes, lists the same.
    client.force_login(SupervisorProfileFactory().user)
    chooser = client.get(reverse("keyworkers:allocate", args=[case.pk])).content.decode()
    queue = client.get(reverse("keyworkers:allocation")).content.decode()
    assert "Assault; Burglary; Criminal damage" in chooser and "Assault; Burglary; Criminal damage" in queue
    assert Crime.objects.filter(case__in=cases).count() == 3


def test_the_queues_filter_form_is_rendered_once_per_state_and_as_crispy_renders_it():
    oocr_filters.FormHtmlOnceMixin._form_html.clear()
    states = ["", "area=EX&route=diversionary", "flag=nonsense&waited=3", "area=EX&route=diversionary"]
    with mock.patch.object(oocr_filters, "as_crispy_form", wraps=as_crispy_form) as rendered:
        pages = [AllocationQueueFilter(QueryDict(state), queryset=Case.objects.none()).form_html() for state in states]
    assert rendered.call_count == 3  # the fourth state is the second again
    for state, html in zip(states, pages):
        assert html == as_crispy_form(AllocationQueueFilter(QueryDict(state), queryset=Case.objects.none()).form)
    assert pages[1] == pages[3] and pages[0] != pages[1]
    assert "Select a valid choice" in pages[2]


def test_keyworker_loads_count_what_each_keyworker_holds_in_three_queries_whatever_their_number():
    keyworker = StaffProfileFactory().user
    held = AllocatedCaseFactory(keyworker=keyworker)
    AllocatedCaseFactory(keyworker=keyworker)
    Case.objects.filter(pk=held.pk).update(status=Case.Status.ACTIVE)
    team = keyworker.staff_profile.team
    with CaptureQueriesContext(connection) as few:
        selectors.keyworker_candidates(team=team)
    for _ in range(3):
        AllocatedCaseFactory(keyworker=StaffProfileFactory(team=team).user)
    with CaptureQueriesContext(connection) as more:
        candidates = selectors.keyworker_candidates(team=team)
    assert len(few) == len(more) == 3
    [row] = [candidate for candidate in candidates if candidate.pk == keyworker.pk]
    assert (row.to_contact, row.in_assessment, row.active, row.open_cases, row.allocated_last_7_days) == (1, 0, 1, 2, 2)
    points = Allocation.objects.filter(keyworker=keyworker).count()  # two open cases, both with points
    assert row.points > 0 and points == 2
    idle = StaffProfileFactory(team=team).user
    [idle_row] = [candidate for candidate in selectors.keyworker_candidates(team=team) if candidate.pk == idle.pk]
    assert (idle_row.points, idle_row.open_cases, idle_row.reviews_overdue, idle_row.load) == (0, 0, 0, 0)


@pytest.mark.parametrize("query, rows", [({}, 3), ({"tab": "active"}, 1), ({"tab": "to_contact"}, 2),
                                         ({"tab": "closed"}, 0), ({"tab": "nonsense"}, 0)])
def test_the_caseloads_pages_are_counted_from_its_tab_counts(client, monkeypatch, query, rows):
    monkeypatch.setattr(CaseloadView, "paginate_by", 1)
    keyworker = StaffProfileFactory().user
    cases = [AllocatedCaseFactory(keyworker=keyworker) for _ in range(3)]
    Case.objects.filter(pk=cases[0].pk).update(status=Case.Status.ACTIVE)
    client.force_login(keyworker)
    response = client.get(reverse("keyworkers:caseload"), query)
    assert response.status_code == 200
    paginator = response.context["paginator"]
    assert paginator.count == rows
    if rows > 1:
        assert f"Page 1 of {rows}" in response.content.decode()


def test_keyworker_loads_sql_gives_the_points_workload_gives_case_by_case():
    # The team page's SQL restates the points rule of keyworkers.workload.case_points: the two must agree.
    from keyworkers.workload import Weights, case_points

    keyworker = StaffProfileFactory().user
    team = keyworker.staff_profile.team
    team.points_to_contact, team.points_assessment, team.points_active, team.points_enhanced = 2, 5, 3, 4
    team.save()
    statuses = [Case.Status.ALLOCATED, Case.Status.ASSESSMENT, Case.Status.ACTIVE, Case.Status.ACTIVE, Case.Status.COMPLETED]
    for index, status in enumerate(statuses):
        case = AllocatedCaseFactory(keyworker=keyworker)
        Case.objects.filter(pk=case.pk).update(status=status, young_adult_offer=index == 2, womens_offer=index == 4)
    ended = AllocatedCaseFactory(keyworker=keyworker)
    Case.objects.filter(pk=ended.pk).update(status=Case.Status.ACTIVE, womens_offer=True)
    Allocation.objects.filter(case=ended).update(ended_at=ended.created_at)
    weights = Weights(to_contact=2, assessment=5, active=3, enhanced=4)
    expected = sum(case_points(case.status, enhanced=case.young_adult_offer or case.womens_offer, weights=weights)
                   for case in Case.objects.filter(allocations__keyworker=keyworker, allocations__ended_at=None))
    assert expected == 2 + 5 + (3 + 4) + 3
    assert selectors.keyworker_loads([keyworker.pk])[keyworker.pk]["points"] == expected
