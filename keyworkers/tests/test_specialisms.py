"""Specialisms are a list administrators keep; those that match something known of a case count in the recommendation."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from cases.models import Crime
from cases.tests.factories import AwaitingAllocationCaseFactory
from keyworkers import selectors
from keyworkers.models import Specialism
from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts.tests.factories import AdministratorFactory, TeamManagerFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("keyworkers.migrations.0006_specialisms_list")


@pytest.fixture(autouse=True)
def defaults():
    """The migration's defaults (a test that empties the database removes them)."""
    migration.seed_defaults(django_apps)


def test_the_defaults_are_seeded_with_what_each_is_recommended_for():
    Specialism.objects.all().delete()
    migration.seed_defaults(django_apps)
    migration.seed_defaults(django_apps)  # and again: nothing twice
    assert dict(Specialism.objects.values_list("name", "matches")) == {
        "Domestic abuse": "domestic_abuse", "Mental health": "", "Substance use": "", "Women": "womens_offer",
        "Young adults": "young_adult_offer"}


def test_a_domestic_abuse_specialist_is_recommended_for_a_domestic_abuse_crime_and_shown_in_the_chooser(client):
    StaffProfileFactory(area="")
    specialist = StaffProfileFactory(area="", specialisms=["domestic_abuse"]).user
    case = AwaitingAllocationCaseFactory()
    Crime.objects.filter(case=case).update(domestic_abuse=True)
    client.force_login(SupervisorProfileFactory().user)
    response = client.get(reverse("keyworkers:allocate", args=[case.pk]))
    assert response.context["recommendation"].user_id == specialist.pk
    assert "Domestic abuse specialism for a domestic-abuse crime" in response.content.decode()


def test_a_retired_specialism_no_longer_counts():
    specialist = StaffProfileFactory(specialisms=["womens_offer"]).user
    Specialism.objects.filter(matches="womens_offer").update(is_active=False)
    candidate = selectors.as_candidate(selectors.keyworker_candidates(team=None, only=specialist)[0])
    assert not candidate.women


def test_an_administrator_adds_one_in_the_reference_data_admin_and_a_manager_cannot(client):
    client.force_login(AdministratorFactory())
    assert "Keyworkers' specialisms" in client.get(reverse("accounts:administration")).content.decode()
    response = client.post(reverse("admin:keyworkers_specialism_add"), {"name": "Neurodiversity", "matches": "",
                                                                         "is_active": "on"})
    assert response.status_code == 302
    assert Specialism.objects.filter(name="Neurodiversity", matches="").exists()
    client.force_login(TeamManagerFactory())
    assert client.get(reverse("admin:keyworkers_specialism_changelist")).status_code in (302, 403)


def test_the_staff_profile_offers_the_list_and_keeps_a_retired_one_ticked(client):
    profile = StaffProfileFactory(specialisms=["young_adult_offer"])
    Specialism.objects.create(name="Gambling", is_active=False)
    Specialism.objects.filter(matches="young_adult_offer").update(is_active=False)
    manager = StaffProfileFactory(user=TeamManagerFactory()).user
    client.force_login(manager)
    page = client.get(reverse("keyworkers:staff_profile", args=[profile.user_id])).content.decode()
    assert "Mental health" in page and "Young adults" in page and "Gambling" not in page
