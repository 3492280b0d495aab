"""A case page's case (selectors.case_detail, prepared queries) is the case the ORM gives, with the same relations
read without a query, for whoever may open it, and nothing for whoever may not."""

import pytest
from django.utils import timezone

from cases.models import Case, Offence, Victim
from cases.selectors import _cases_open_to, case_detail
from cases.tests.factories import CrimeFactory
from keyworkers import services as keyworker_services
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory

pytestmark = pytest.mark.django_db


def _orm_case(*, user, pk):
    """The same case through the ORM: who may open it, with the relations prefetched."""
    from django.db.models import Prefetch

    from cases.models import Crime
    from keyworkers.models import Allocation

    return _cases_open_to(team=user.has_perm("cases.view_team_cases"), user_id=user.pk).prefetch_related(
        Prefetch("crimes", queryset=Crime.objects.prefetch_related("offences", Prefetch("victims", Victim.objects.order_by("id")))),
        Prefetch("allocations", queryset=Allocation.objects.select_related("keyworker", "allocated_by", "ended_by")),
    ).get(pk=pk)


def _seen(case) -> tuple:
    """Everything a case page reads of the case and its prefetched relations."""
    crimes = [(crime.pk, crime.case is case, [offence.code for offence in crime.offences.all()],
               sorted(victim.pk for victim in crime.victims.all()), [victim.crime is crime for victim in crime.victims.all()])
              for crime in case.crimes.all()]
    allocations = [(allocation.pk, allocation.keyworker.username, allocation.allocated_by.username,
                    allocation.ended_by and allocation.ended_by.username) for allocation in case.allocations.all()]
    return case.pk, case.person.last_name, case.status, crimes, allocations


@pytest.fixture
def held():
    """A case with two crimes (one of two offences, one with two victims), moved from one keyworker to another."""
    first, second = StaffProfileFactory().user, StaffProfileFactory().user
    case = AllocatedCaseFactory(keyworker=first)
    crime = case.crimes.get()
    Victim.objects.create(crime=crime, name="Corner shop", view=Victim.View.SUPPORTS)
    Victim.objects.create(crime=crime, name="Bus station", view=Victim.View.SUPPORTS)
    assault = Offence.objects.create(code="VA-COMMON", title="Common assault", mode_of_trial="summary", crime_subgroup="Other")
    other = CrimeFactory(case=case, offences=[assault, crime.offences.get()])
    Victim.objects.create(crime=other, name="Neighbour", view=Victim.View.SUPPORTS)
    supervisor = SupervisorProfileFactory().user
    keyworker_services.case_reallocate(case_id=case.pk, keyworker=second, user=supervisor, reason="leave", note="On leave")
    return case, first, second, supervisor


def test_whoever_may_open_it_gets_what_the_orm_gives_and_reads_its_relations_without_a_query(held, django_assert_num_queries):
    case, _, holder, supervisor = held
    for user in (holder, supervisor):
        expected = _seen(_orm_case(user=user, pk=case.pk))
        with django_assert_num_queries(5):  # the case and person, crimes, offences, victims, allocations
            prepared = case_detail(user=user, pk=case.pk)
        with django_assert_num_queries(0):
            seen = _seen(prepared)
        assert seen == expected
        assert sorted(len(crime[2]) for crime in seen[3]) == [1, 2] and sorted(len(crime[3]) for crime in seen[3]) == [1, 2]
        assert len(seen[4]) == 2


def test_nobody_else_gets_it_and_a_draft_is_nobodys(held):
    case, previous, holder, supervisor = held
    stranger = StaffProfileFactory().user
    assert case_detail(user=previous, pk=case.pk) is None  # moved on, not closed: theirs no more
    assert case_detail(user=stranger, pk=case.pk) is None
    assert case_detail(user=holder, pk=case.pk + 1000) is None
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    assert case_detail(user=supervisor, pk=case.pk) is None
    assert case_detail(user=holder, pk=case.pk) is None


def test_the_keyworker_who_held_it_when_it_closed_still_opens_it(held):
    case, _, holder, _ = held
    case.allocations.filter(ended_at=None).update(ended_at=timezone.now(), end_reason="case_closed")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED)
    assert case_detail(user=holder, pk=case.pk).pk == case.pk


def test_the_overview_reads_the_latest_five_events_and_the_rounds_sent_back_of_its_own_case(held):
    from cases.models import CaseEvent, SubmissionReturn
    from cases.selectors import case_recent_events, case_returns, case_timeline

    case, _, holder, supervisor = held
    other = AllocatedCaseFactory()
    for n in range(4):
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ACTION, by=holder, text=f"Action {n}")
    SubmissionReturn.objects.create(case=case, kind="returned", reasons="Missing evidence", by=supervisor)
    for asked in (case, other):
        assert case_recent_events(case=asked) == list(case_timeline(case=asked)[:5])
        assert case_returns(case=asked) == list(asked.returns.select_related("by"))
    assert len(case_recent_events(case=case)) == 5 and len(case_returns(case=case)) == 1 and case_returns(case=other) == []
