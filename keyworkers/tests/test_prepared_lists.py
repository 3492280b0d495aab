"""The caseload's and the allocation queue's prepared queries (oocr/prepared.py) give what the ORM gives, for any
keyworker, at any time, with any filter."""

from dataclasses import asdict
from datetime import timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from keyworkers import selectors
from cases.tests.factories import AwaitingAllocationCaseFactory
from keyworkers.filters import (
    CASELOAD_SORTS, CASELOAD_TABS, QUEUE_SORTS, AllocationQueueFilter, CaseloadFilter, caseload_tab_condition,
)
from keyworkers.models import Allocation
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from keyworkers.views import CASELOAD_ORDER, CASELOAD_PAGE, CASELOAD_TAB_COUNTS, QUEUE_COUNT, QUEUE_PAGE, QUEUE_SHAPE
from oocr.prepared import PreparedQuery, Slot

pytestmark = pytest.mark.django_db

COLUMNS = ("pk", "status", "allocated_at", "flag_rank", "crime_reference", "next_appointment", "last_contact",
           "conditions_due", "conditions_overdue", "referrals_overdue", "contract_start")
# Each tab, then each sort (a tab and a sort together filter, then order: nothing the two alone leave untried).
SHAPES = [{"tab": tab, "sort": ""} for tab in ["", *CASELOAD_TABS]] + [
    {"tab": "", "sort": sort} for sort in [*CASELOAD_SORTS, "-name"]]


def _orm_rows(at, *, tab, sort):
    queryset = selectors.caseload(at=at).order_by(*CASELOAD_ORDER)
    return list(CaseloadFilter({"tab": tab, "sort": sort}, queryset=queryset, at=at).qs)


def _row(case):
    return tuple(getattr(case, name) for name in COLUMNS) + (case.person.last_name,)


@pytest.fixture
def caseloads():
    """Two keyworkers; the first holds a case of every kind the tabs and flags tell apart."""
    keyworker, other = StaffProfileFactory().user, StaffProfileFactory().user
    new, waiting, reviewed = (AllocatedCaseFactory(keyworker=keyworker) for _ in range(3))
    Allocation.objects.filter(case=waiting).update(allocated_at=timezone.now() - timedelta(days=3))
    Case.objects.filter(pk=reviewed.pk).update(review_flag="2 unacceptable absence(s): supervisor review")
    active = AllocatedCaseFactory(keyworker=keyworker)
    Case.objects.filter(pk=active.pk).update(status=Case.Status.ACTIVE)
    closed = AllocatedCaseFactory(keyworker=keyworker)
    case_services.case_first_contact_record(case_id=closed.pk, user=keyworker, offered_on=timezone.localdate(),
                                            method="phone", answer="declined")
    AllocatedCaseFactory(keyworker=other)
    return keyworker, other


@pytest.mark.parametrize("days_later", [0, 3, 40])
def test_every_tab_and_sort_gives_the_rows_and_counts_the_orm_gives_whenever_it_is_asked(caseloads, days_later):
    # 3 days later the waiting case turns from amber to red; 40 days later the closed one has left the caseload.
    keyworker, _ = caseloads
    at = selectors.caseload_at(keyworker_id=keyworker.pk, now=timezone.now() + timedelta(days=days_later))
    for shape in SHAPES:
        expected = [_row(case) for case in _orm_rows(at, **shape)]
        assert [_row(case) for case in CASELOAD_PAGE.rows(asdict(at), offset=0, limit=50, **shape)] == expected, shape
        assert [_row(case) for case in CASELOAD_PAGE.rows(asdict(at), offset=2, limit=50, **shape)] == expected[2:], shape
    counts = selectors.caseload_cases(at=at).aggregate(
        **{key: Count("id", filter=caseload_tab_condition(key, at=at)) for key in CASELOAD_TABS})
    assert CASELOAD_TAB_COUNTS.rows(asdict(at)) == [counts]
    assert counts["closed"] == (0 if days_later == 40 else 1)


def test_each_keyworker_gets_their_own_cases_from_the_same_prepared_query(caseloads):
    keyworker, other = caseloads
    mine = CASELOAD_PAGE.rows(asdict(selectors.caseload_at(keyworker_id=keyworker.pk)), tab="", sort="", offset=0, limit=50)
    theirs = CASELOAD_PAGE.rows(asdict(selectors.caseload_at(keyworker_id=other.pk)), tab="", sort="", offset=0, limit=50)
    assert len(mine) == 4 and len(theirs) == 1
    assert {case.pk for case in theirs} == set(
        Allocation.objects.filter(keyworker=other).values_list("case_id", flat=True))


def test_a_query_is_built_once_for_each_shape_and_filled_with_each_runs_values(caseloads):
    keyworker, other = caseloads
    built = []

    def build(*, status):
        built.append(status)
        return Allocation.objects.filter(keyworker_id=Slot("keyworker", Allocation._meta.pk), case__status=status)

    query = PreparedQuery(build)
    for person in (keyworker, other, keyworker):
        rows = query.rows({"keyworker": person.pk}, status=Case.Status.ALLOCATED)
        assert {row.case_id for row in rows} == set(Allocation.objects.filter(
            keyworker=person, case__status=Case.Status.ALLOCATED).values_list("case_id", flat=True))
    query.rows({"keyworker": keyworker.pk}, status=Case.Status.ACTIVE)
    assert built == [Case.Status.ALLOCATED, Case.Status.ACTIVE]
    with pytest.raises(KeyError):
        query.rows({}, status=Case.Status.ALLOCATED)  # a slot without a value is an error, never a stale value


def test_the_page_pages_through_the_prepared_query_and_searches_through_the_orm(client, caseloads, monkeypatch):
    keyworker, _ = caseloads
    client.force_login(keyworker)
    assert client.get(reverse("keyworkers:caseload"), {"tab": "to_contact"}).context["paginator"].count == 3
    monkeypatch.setattr("keyworkers.views.CaseloadView.paginate_by", 2)
    first = client.get(reverse("keyworkers:caseload"), {"tab": "to_contact"}).context["cases"]
    second = client.get(reverse("keyworkers:caseload"), {"tab": "to_contact", "page": 2}).context["cases"]
    expected = _orm_rows(selectors.caseload_at(keyworker_id=keyworker.pk), tab="to_contact", sort="")
    assert [case.pk for case in [*first, *second]] == [case.pk for case in expected]
    name = expected[0].person.last_name
    found = client.get(reverse("keyworkers:caseload"), {"search": name}).context["cases"]
    assert expected[0].pk in [case.pk for case in found]


def test_every_queue_filter_and_sort_gives_the_rows_and_count_the_orm_gives(client, settings):
    cases = [AwaitingAllocationCaseFactory() for _ in range(4)]
    Case.objects.filter(pk=cases[0].pk).update(young_adult_offer=True, route=Case.Route.DEFERRED_CHARGE)
    Case.objects.filter(pk=cases[1].pk).update(womens_offer=True, override_reason="Known to the team")
    area = cases[2].person.postcode.split()[0].rstrip("0123456789")
    settings.FORCE_POSTCODE_AREAS = [area, "ZZ"]
    form = AllocationQueueFilter({}).form
    shapes = [{}] + [{name: value} for name in QUEUE_SHAPE if name != "sort"
                     for value, _ in form.fields[name].choices if value] + [
        {"sort": sort} for key in QUEUE_SORTS for sort in (key, f"-{key}")]
    seen = set()
    for given in shapes:
        shape = {name: given.get(name, "") for name in QUEUE_SHAPE}
        filterset = AllocationQueueFilter(given, queryset=selectors.waiting_cases())
        assert filterset.is_valid(), given
        expected = [(case.pk, case.flag_count, case.first_offence, case.domestic_abuse) for case in filterset.qs]
        rows = QUEUE_PAGE.rows({}, offset=0, limit=50, **shape)
        assert [(case.pk, case.flag_count, case.first_offence, case.domestic_abuse) for case in rows] == expected, given
        assert QUEUE_COUNT.rows({}, **shape) == [{"count": len(expected)}]
        seen.add(len(expected))
    assert {0, 1, 4} <= seen  # filters that kept none, one and every case were all tried
    supervisor = SupervisorProfileFactory().user
    client.force_login(supervisor)
    listed = client.get(reverse("keyworkers:allocation"), {"sort": "-case"}).context["cases"]
    assert [case.pk for case in listed] == sorted(case.pk for case in cases)[::-1]


def test_the_keyworkers_of_the_team_view_and_chooser_are_those_the_orm_gives_with_their_specialisms_read_without_a_query(
        django_assert_num_queries):
    from django.contrib.auth import get_user_model
    from django.db.models import Prefetch

    from keyworkers.models import Specialism

    team = StaffProfileFactory(specialisms=["womens_offer", "domestic_abuse"]).team
    mine = [StaffProfileFactory(team=team, specialisms=specialisms).user for specialisms in ([], ["young_adult_offer"])]
    elsewhere = StaffProfileFactory(team=TeamFactory(name="North"), specialisms=["domestic_abuse"]).user

    def orm(*, team, only=None, excluding=None):
        users = (get_user_model().objects.filter(groups__name="Keyworker", is_active=True, staff_profile__isnull=False)
                 .prefetch_related(Prefetch("staff_profile__specialisms", queryset=Specialism.objects.order_by("name")))
                 .order_by("first_name", "last_name"))
        users = users.filter(staff_profile__team=team) if team else users
        users = users.filter(pk=only.pk) if only else users
        return [(user.pk, [s.name for s in user.staff_profile.specialisms.all()])
                for user in (users.exclude(pk=excluding.pk) if excluding else users)]

    for asked in ({"team": team}, {"team": None}, {"team": team, "excluding": mine[0]}, {"team": None, "only": elsewhere}):
        candidates = selectors.keyworker_candidates(**asked)
        with django_assert_num_queries(0):
            seen = [(user.pk, [s.name for s in user.staff_profile.specialisms.all()]) for user in candidates]
        assert seen == orm(**asked), asked
    assert len(orm(team=team)) == 3 and len(orm(team=None)) == 4 and orm(team=None, only=elsewhere)[0][1] == ["Domestic abuse"]
