"""A keyworker at exactly 100% of capacity is over capacity everywhere: red on the team's loads and in the chooser,
in the supervisors' reminders, and on the team's Today page (keyworkers.workload.over_capacity, issue 22). The
reminders said `> 100` while the pages said `>= 100`: such a keyworker showed red and their supervisor was never told."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import AwaitingAllocationCaseFactory
from contracts.services.reminders import reminders_send
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from keyworkers.workload import NEAR_CAPACITY, OVER_CAPACITY, near_capacity, over_capacity
from oocr.notifications.models import Reminder

pytestmark = pytest.mark.django_db

RED_100 = '<strong class="govuk-tag govuk-tag--red">100%</strong>'


@pytest.fixture
def full():
    """A supervisor and a keyworker whose one new case (2 points) is all their capacity (2 points): exactly 100%."""
    team = TeamFactory()
    supervisor = SupervisorProfileFactory(team=team).user
    keyworker = StaffProfileFactory(team=team, capacity_points=2).user
    AllocatedCaseFactory(keyworker=keyworker)
    return supervisor, keyworker


def test_the_thresholds_are_read_the_same_way_at_their_edges():
    assert (over_capacity(OVER_CAPACITY - 1), over_capacity(OVER_CAPACITY)) == (False, True)
    assert (near_capacity(NEAR_CAPACITY - 1), near_capacity(NEAR_CAPACITY), near_capacity(OVER_CAPACITY)) == (False, True, False)


def test_the_team_page_shows_a_keyworker_at_100_percent_red_and_counts_them_over_capacity(client, full):
    supervisor, _ = full
    client.force_login(supervisor)
    response = client.get(reverse("keyworkers:team"))
    assert RED_100 in response.content.decode()
    assert response.context["totals"]["over_capacity"] == 1


def test_the_chooser_shows_a_keyworker_at_100_percent_red_and_asks_why_before_giving_them_more(client, full):
    supervisor, keyworker = full
    case = AwaitingAllocationCaseFactory()
    client.force_login(supervisor)
    url = reverse("keyworkers:allocate", args=[case.pk])
    assert RED_100 in client.get(url).content.decode()
    refused = client.post(url, {"keyworker": keyworker.pk, "note": ""})
    assert "is at 100% of capacity" in refused.content.decode()
    assert not case.allocations.exists()


def test_the_reminders_tell_the_supervisor_of_a_keyworker_at_100_percent(full, django_capture_on_commit_callbacks):
    supervisor, keyworker = full
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(on=timezone.localdate())
    [reminder] = Reminder.objects.filter(kind="over_capacity", user=supervisor)
    assert f"is at 100% of capacity" in reminder.text and keyworker.get_full_name() in reminder.text


def test_the_today_page_lists_a_keyworker_at_100_percent_for_their_team(client, full):
    supervisor, keyworker = full
    client.force_login(supervisor)
    response = client.get(reverse("today:today"))
    assert "100% loaded" in response.content.decode()
