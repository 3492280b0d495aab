"""The queue and the chooser show the facts a supervisor allocates on: offences, route, area, age, flags, the
victims' views and, for an override, the rules failed and the officer's reason."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Crime, Offence, Victim
from cases.tests.factories import AwaitingAllocationCaseFactory, ReadyDraftCaseFactory
from keyworkers.tests.factories import SupervisorProfileFactory

pytestmark = pytest.mark.django_db


def _offence(code: str, title: str) -> Offence:
    return Offence.objects.get_or_create(code=code, defaults={"title": title, "mode_of_trial": "either_way",
                                                              "crime_subgroup": "Other"})[0]


def _waiting(days: int, **kwargs) -> Case:
    case = AwaitingAllocationCaseFactory(**kwargs)
    Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now() - timedelta(days=days))
    return case


def _overridden() -> Case:
    """Submitted by override: the person did not consent, the officer gave a reason."""
    case = ReadyDraftCaseFactory(person__last_name="Nancarrow")
    Case.objects.filter(pk=case.pk).update(draft_answers={**case.draft_answers, "consent": "no"})
    case.refresh_from_db()
    case_services.intake_submit(case=case, user=case.created_by, decision="overridden", route=Case.Route.DEFERRED_CHARGE,
                                override_reason="The supervisor agreed: consent will be taken at first contact",
                                open_case_confirmed=True)
    return case


@pytest.fixture
def queue():
    old = _waiting(12, person__last_name="Angove", person__postcode="PL4 8AA")
    old.crimes.get().offences.set([_offence("CD-DAM", "Criminal damage")])
    Crime.objects.filter(case=old).update(domestic_abuse=True)
    young = _waiting(3, person__last_name="Berryman", person__postcode="TR1 2AB")
    Case.objects.filter(pk=young.pk).update(young_adult_offer=True)  # the submission works it out from the age
    override = _overridden()
    return {"old": old, "young": young, "override": override}


def _rows(client, **query) -> list[Case]:
    response = client.get(reverse("keyworkers:allocation"), query)
    assert response.status_code == 200
    return list(response.context["cases"])


def test_the_queue_shows_offences_age_and_flags_and_links_each_case(client, queue):
    client.force_login(SupervisorProfileFactory().user)
    page = client.get(reverse("keyworkers:allocation")).content.decode()
    old = queue["old"]
    assert f'href="/cases/{old.pk}/">{old.number}</a>' in page
    assert "Criminal damage" in page and "Theft from a shop" in page
    assert "Domestic abuse</strong>" in page and "Young adult</strong>" in page and "Override</strong>" in page
    assert _rows(client)[0] == old and _rows(client)[0].days_waiting == 12


@pytest.mark.parametrize("sort, first", [
    ("name", "old"), ("-name", "override"), ("age", "override"), ("-age", "old"), ("offences", "old"),
    ("-offences", "override"), ("route", "old"), ("-route", "override"), ("area", "old"), ("-area", "override"),
    ("flags", "old"), ("case", "old"), ("-case", "override"),
])
def test_the_queue_sorts_by_any_column(client, queue, sort, first):
    client.force_login(SupervisorProfileFactory().user)
    assert _rows(client, sort=sort)[0] == queue[first]


def test_the_queue_filters_by_domestic_abuse_and_override(client, queue):
    client.force_login(SupervisorProfileFactory().user)
    assert _rows(client, flag="domestic_abuse") == [queue["old"]]
    assert _rows(client, flag="override", sort="-age") == [queue["override"]]


@pytest.mark.parametrize("query", [{"sort": "zzz"}, {"sort": "-"}, {"flag": "a\x00b"}, {"sort": "name", "page": "99"},
                                   {"sort": "99999999999999999999999"}])
def test_garbage_in_the_queues_address_is_no_server_error(client, queue, query):
    client.force_login(SupervisorProfileFactory().user)
    assert client.get(reverse("keyworkers:allocation"), query).status_code in (200, 404)


def test_the_queues_query_count_does_not_grow_with_the_cases(client, queue, django_assert_max_num_queries):
    client.force_login(SupervisorProfileFactory().user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("keyworkers:allocation"), {"sort": "offences"})
    for days in range(5):
        _waiting(days + 1)
    with django_assert_max_num_queries(len(few)):
        assert len(_rows(client, sort="offences")) == 8


def test_the_chooser_shows_the_offences_the_victims_views_and_the_override(client, queue):
    override = queue["override"]
    crime = override.crimes.get()
    Victim.objects.create(crime=crime, name="Kerenza Hocking", view=Victim.View.OPPOSES)
    Victim.objects.create(crime=crime, name="Tom Pascoe", view=Victim.View.SUPPORTS,
                          restorative_consent=Victim.RestorativeConsent.YES)
    client.force_login(SupervisorProfileFactory().user)
    page = client.get(reverse("keyworkers:allocate", args=[override.pk])).content.decode()
    assert f'href="/cases/{override.pk}/">{override.number}</a>' in page
    assert "Theft from a shop" in page and "Deferred charge" in page and "TR" in page
    assert "Victim 1: Opposes it" in page and "Victim 2: Supports an out of court resolution" in page
    assert "Kerenza" not in page  # the views, not who holds them
    assert 'data-testid="override"' in page and "consent will be taken at first contact" in page
    assert "Agrees to take part" in page.split('data-testid="override"')[1].split("</ul>")[0]
    page = client.get(reverse("keyworkers:allocate", args=[queue["old"].pk])).content.decode()
    assert "Domestic abuse</strong>" in page and "No victim recorded" in page and 'data-testid="override"' not in page
