"""A keyworker going on leave or leaving: a supervisor moves several of their cases at once, each with its
recommendation, one reason for all; each case gets its own allocation and both keyworkers are told."""

import pytest
from django.urls import reverse

from cases.models import CaseEvent
from keyworkers.models import Allocation, AllocationReview, StaffProfile
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving():
    keyworker = StaffProfileFactory(area="TR").user
    cases = [AllocatedCaseFactory(keyworker=keyworker) for _ in range(3)]
    women = StaffProfileFactory(specialisms=["womens_offer"], area="PL").user
    truro = StaffProfileFactory(area="TR").user
    return {"keyworker": keyworker, "cases": cases, "women": women, "truro": truro,
            "supervisor": SupervisorProfileFactory().user}


def test_the_page_lists_the_cases_with_a_recommendation_each_spreading_the_load(client, leaving):
    client.force_login(leaving["supervisor"])
    response = client.get(reverse("keyworkers:reallocate_bulk", args=[leaving["keyworker"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert all(case.number in page for case in leaving["cases"])
    rows = response.context["rows"]
    assert all(row["recommendation"] for row in rows)
    assert leaving["keyworker"].pk not in {row["recommendation"].user_id for row in rows}
    # The first goes to the keyworker covering the area; as their load grows the others may go elsewhere,
    # and each select starts at its case's recommendation.
    assert rows[0]["recommendation"].user_id == leaving["truro"].pk
    assert all(row["field"].value() == row["recommendation"].user_id for row in rows)


def test_each_case_gets_its_own_allocation_and_both_keyworkers_are_told(client, leaving):
    moved, kept = leaving["cases"][:2], leaving["cases"][2]
    client.force_login(leaving["supervisor"])
    response = client.post(reverse("keyworkers:reallocate_bulk", args=[leaving["keyworker"].pk]), {
        "cases": [str(case.pk) for case in moved], f"keyworker_{moved[0].pk}": str(leaving["truro"].pk),
        f"keyworker_{moved[1].pk}": str(leaving["women"].pk), "reason": "leave",
        "end_note": "On leave for six weeks from Monday",
    })
    assert response.status_code == 302 and response["Location"] == reverse("keyworkers:team")
    for case, to in zip(moved, (leaving["truro"], leaving["women"])):
        ended = Allocation.objects.get(case=case, keyworker=leaving["keyworker"])
        assert (ended.end_reason, ended.end_note, ended.ended_by) == ("leave", "On leave for six weeks from Monday",
                                                                      leaving["supervisor"])
        current = Allocation.objects.get(case=case, ended_at=None)
        assert current.keyworker == to and AllocationReview.objects.filter(allocation=current).exists()
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.REALLOCATED).count() == 1
        assert Notification.objects.filter(user=to, text__contains=case.number).exists()
        assert Notification.objects.filter(user=leaving["keyworker"], text__contains=case.number).exists()
    assert Allocation.objects.get(case=kept, ended_at=None).keyworker == leaving["keyworker"]


def test_nothing_selected_or_a_case_without_a_keyworker_is_refused_and_nothing_moves(client, leaving):
    client.force_login(leaving["supervisor"])
    url = reverse("keyworkers:reallocate_bulk", args=[leaving["keyworker"].pk])
    page = client.post(url, {"reason": "", "end_note": ""}).content.decode()
    assert "Select the cases to reallocate" in page and "Choose why the case is being reallocated" in page
    case = leaving["cases"][0]
    page = client.post(url, {"cases": [str(case.pk)], f"keyworker_{case.pk}": "", "reason": "leave",
                             "end_note": "Leaving"}).content.decode()
    assert f"Choose a keyworker for case {case.number}" in page
    assert not Allocation.objects.exclude(ended_at=None).exists()


def test_a_keyworker_not_taking_cases_refuses_the_lot(client, leaving):
    StaffProfile.objects.filter(user=leaving["women"]).update(availability=StaffProfile.Availability.INACTIVE)
    first, second = leaving["cases"][:2]
    client.force_login(leaving["supervisor"])
    page = client.post(reverse("keyworkers:reallocate_bulk", args=[leaving["keyworker"].pk]), {
        "cases": [str(first.pk), str(second.pk)], f"keyworker_{first.pk}": str(leaving["truro"].pk),
        f"keyworker_{second.pk}": str(leaving["women"].pk), "reason": "left_team", "end_note": "Left the service",
    }).content.decode()
    assert "is not taking cases" in page
    assert not Allocation.objects.exclude(ended_at=None).exists()


def test_another_teams_supervisor_and_a_team_manager_cannot_move_them(client, leaving):
    client.force_login(SupervisorProfileFactory(team=TeamFactory(name="North team")).user)
    assert client.get(reverse("keyworkers:reallocate_bulk", args=[leaving["keyworker"].pk])).status_code == 403
    from oocr.accounts.tests.factories import TeamManagerFactory

    client.force_login(StaffProfileFactory(user=TeamManagerFactory()).user)
    assert client.get(reverse("keyworkers:reallocate_bulk", args=[leaving["keyworker"].pk])).status_code == 403
