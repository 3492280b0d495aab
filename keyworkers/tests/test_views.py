from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from cases.tests.factories import AwaitingAllocationCaseFactory
from keyworkers.models import Allocation, StaffProfile
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory, in_the_team
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import FACTORY_BY_ROLE, TeamManagerFactory
from oocr.audit.models import AccessLog
from oocr.tests.concurrency import both_post, conflict_shown

pytestmark = pytest.mark.django_db

PAGES = {
    "caseload": ("keyworkers:caseload", {Role.KEYWORKER}),
    "queue": ("keyworkers:allocation", {Role.SUPERVISOR, Role.TEAM_MANAGER}),  # the team manager reads it
    "reviews": ("keyworkers:reviews", {Role.SUPERVISOR}),
    "team": ("keyworkers:team", {Role.SUPERVISOR, Role.TEAM_MANAGER}),
}


@pytest.mark.parametrize("role", Role.ALL)
@pytest.mark.parametrize("page_name", PAGES)
def test_permissions_matrix_for_allocation_pages(client, role, page_name):
    url_name, allowed = PAGES[page_name]
    client.force_login(FACTORY_BY_ROLE[role]())
    assert client.get(reverse(url_name)).status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize("role", Role.ALL)
def test_permissions_matrix_for_case_pages(client, role):
    case = AllocatedCaseFactory()
    user = in_the_team(FACTORY_BY_ROLE[role]())
    client.force_login(user)
    allocate = client.get(reverse("keyworkers:allocate", args=[AwaitingAllocationCaseFactory().pk])).status_code
    reallocate = client.get(reverse("keyworkers:reallocate", args=[case.pk])).status_code
    detail = client.get(reverse("cases:case_detail", args=[case.pk])).status_code
    profile = client.get(reverse("keyworkers:staff_profile", args=[case.allocations.get().keyworker_id])).status_code
    supervisor = role == Role.SUPERVISOR
    assert (allocate, reallocate) == ((200, 200) if supervisor else (403, 403))
    assert detail == {Role.SUPERVISOR: 200, Role.TEAM_MANAGER: 200, Role.KEYWORKER: 404}.get(role, 403)
    assert profile == (200 if role == Role.TEAM_MANAGER else 403)


def test_a_keyworker_opens_their_own_case_and_the_view_is_logged(client):
    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    client.force_login(keyworker)
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.get().person_id == case.person_id


def test_supervisor_allocates_from_the_chooser_with_the_recommendation_preselected(client):
    team = TeamFactory()
    supervisor = SupervisorProfileFactory(team=team).user
    busy, free = StaffProfileFactory(team=team).user, StaffProfileFactory(team=team).user
    AllocatedCaseFactory(keyworker=busy)
    case = AwaitingAllocationCaseFactory()
    client.force_login(supervisor)
    page = client.get(reverse("keyworkers:allocate", args=[case.pk]))
    assert page.context["recommendation"].user_id == free.pk
    assert page.context["form"].initial["keyworker"] == free.pk
    response = client.post(reverse("keyworkers:allocate", args=[case.pk]), {"keyworker": free.pk})
    assert response["Location"] == reverse("keyworkers:allocation")
    assert Allocation.objects.get(case=case).keyworker == free


def test_reallocation_neither_recommends_nor_preselects_nor_offers_the_current_keyworker(client):
    team = TeamFactory()
    supervisor = SupervisorProfileFactory(team=team).user
    holder, busy = StaffProfileFactory(team=team).user, StaffProfileFactory(team=team).user
    case = AllocatedCaseFactory(keyworker=holder)
    AllocatedCaseFactory(keyworker=busy)
    AllocatedCaseFactory(keyworker=busy)  # the holder has the lighter load: they would be recommended
    client.force_login(supervisor)
    url = reverse("keyworkers:reallocate", args=[case.pk])
    page = client.get(url)
    content = page.content.decode()
    assert page.context["recommendation"].user_id == busy.pk
    assert page.context["form"].initial["keyworker"] == busy.pk
    assert f'value="{holder.pk}"' not in content
    assert f"Currently with <strong>{holder.get_full_name()}</strong>" in content
    refused = client.post(url, {"keyworker": holder.pk, "reason": "workload", "end_note": "Balancing loads"})
    assert "Choose a keyworker from the list" in refused.content.decode()
    assert Allocation.objects.get(case=case, ended_at=None).keyworker == holder
    client.post(url, {"keyworker": busy.pk, "reason": "workload", "end_note": "Balancing loads"})  # the preselected one
    assert Allocation.objects.get(case=case, ended_at=None).keyworker == busy


def test_the_review_of_an_allocation_that_has_ended_leaves_the_list_and_recording_it_is_refused(client):
    from keyworkers import services
    from keyworkers.models import AllocationReview

    team = TeamFactory()
    supervisor = SupervisorProfileFactory(team=team).user
    holder, newcomer = StaffProfileFactory(team=team).user, StaffProfileFactory(team=team).user
    case = AllocatedCaseFactory(keyworker=holder)
    ended = case.allocations.get().review
    services.case_reallocate(case_id=case.pk, keyworker=newcomer, user=supervisor, reason="workload", note="Balancing loads")
    client.force_login(supervisor)
    listed = client.get(reverse("keyworkers:reviews"))
    assert [review.allocation.keyworker for review in listed.context["reviews"]] == [newcomer]
    assert reverse("keyworkers:review", args=[ended.pk]) not in listed.content.decode()
    response = client.post(reverse("keyworkers:review", args=[ended.pk]), {"outcome": "agreed", "note": ""}, follow=True)
    content = response.content.decode()
    assert response.redirect_chain == [(reverse("keyworkers:reviews"), 302)]
    assert f"The allocation of case {case.number} to {holder.get_full_name()} ended on" in content
    assert "nothing was recorded" in content
    assert AllocationReview.objects.get(pk=ended.pk).reviewed_at is None


def test_allocating_an_already_allocated_case_says_who_has_it(client):
    team = TeamFactory()
    case = AwaitingAllocationCaseFactory()
    first, second = StaffProfileFactory(team=team).user, StaffProfileFactory(team=team).user
    supervisor = SupervisorProfileFactory(team=team).user
    client.force_login(supervisor)
    url = reverse("keyworkers:allocate", args=[case.pk])
    client.get(url)
    client.post(url, {"keyworker": first.pk})
    response = client.post(url, {"keyworker": second.pk}, follow=True)
    assert f"Case {case.number} was allocated to {first.get_full_name()} by {supervisor.get_full_name()}" in response.content.decode()
    assert Allocation.objects.filter(case=case).count() == 1


def test_choosing_someone_on_leave_without_a_reason_is_explained(client):
    team = TeamFactory()
    away = StaffProfileFactory(team=team, availability=StaffProfile.Availability.ON_LEAVE).user
    case = AwaitingAllocationCaseFactory()
    client.force_login(SupervisorProfileFactory(team=team).user)
    response = client.post(reverse("keyworkers:allocate", args=[case.pk]), {"keyworker": away.pk})
    assert response.status_code == 200
    assert f"{away.get_full_name()} is on leave: enter why they should take this case" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION


def test_queue_filters_are_held_in_the_url(client):
    AwaitingAllocationCaseFactory(person__postcode="PL4 8AA", route=Case.Route.DEFERRED_CHARGE)
    in_truro = AwaitingAllocationCaseFactory(person__postcode="TR1 2AB")
    client.force_login(SupervisorProfileFactory().user)
    response = client.get(reverse("keyworkers:allocation"), {"area": "TR"})
    assert list(response.context["cases"]) == [in_truro]
    assert client.get(reverse("keyworkers:allocation"), {"waited": "7"}).context["paginator"].count == 0


def test_caseload_tabs_count_and_search(client):
    keyworker = StaffProfileFactory().user
    mine = AllocatedCaseFactory(keyworker=keyworker, person__last_name="Penhaligon")
    AllocatedCaseFactory(keyworker=keyworker)
    AllocatedCaseFactory()  # someone else's
    client.force_login(keyworker)
    response = client.get(reverse("keyworkers:caseload"))
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"to_contact": 2, "assessment": 0, "active": 0, "ending": 0, "closed": 0}
    found = client.get(reverse("keyworkers:caseload"), {"search": "penhal", "tab": "to_contact"})
    assert list(found.context["cases"]) == [mine]
    assert {tab["key"]: tab["count"] for tab in found.context["tabs"]}["to_contact"] == 1
    assert found.context["cases"][0].flag.colour == "green"


def test_team_managers_change_a_keyworkers_capacity(client):
    profile = StaffProfileFactory()
    client.force_login(StaffProfileFactory(team=TeamFactory(name="North team"), user=TeamManagerFactory()).user)
    assert client.get(reverse("keyworkers:staff_profile", args=[profile.user_id])).status_code == 404  # not their team
    client.force_login(in_the_team(TeamManagerFactory()))
    response = client.post(reverse("keyworkers:staff_profile", args=[profile.user_id]), {
        "availability": "active", "area": "PL", "fte": "0.6", "capacity_points": "50", "record_version": "1",
    })
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (str(profile.fte), profile.capacity_points, profile.area) == ("0.60", 50, "PL")
    bad = client.post(reverse("keyworkers:staff_profile", args=[profile.user_id]), {
        "availability": "on_leave", "area": "", "fte": "1.5", "capacity_points": "50",
    })
    assert "Enter the full-time equivalent as a number between 0.1 and 1" in bad.content.decode()


def test_two_managers_changing_one_profile_do_not_lose_either_change():
    profile = StaffProfileFactory(capacity_points=100)
    sam, other = in_the_team(TeamManagerFactory(first_name="Sam", last_name="Manager")), in_the_team(TeamManagerFactory())
    url = reverse("keyworkers:staff_profile", args=[profile.user_id])
    first, second = both_post(url, first_user=sam, second_user=other,
                              first={"availability": "active", "area": "PL", "fte": "0.6", "capacity_points": "60"},
                              second={"availability": "active", "area": "TR", "fte": "1", "capacity_points": "80"})
    assert first.status_code == 302
    page = conflict_shown(second)
    assert "Someone else changed this record at" in page and "(Sam Manager)" in page
    assert 'value="80"' in page  # the second manager's input, kept
    profile.refresh_from_db()
    assert (profile.capacity_points, profile.area, profile.version) == (60, "PL", 2)


def grow(factory, count, **kwargs):
    for _ in range(count):
        factory(**kwargs)


@pytest.mark.parametrize("page_name", ["queue", "chooser", "caseload", "team"])
def test_query_counts_do_not_grow_with_rows(client, django_assert_max_num_queries, page_name):
    team = TeamFactory()
    supervisor = SupervisorProfileFactory(team=team).user
    keyworker = StaffProfileFactory(team=team).user
    target = AwaitingAllocationCaseFactory()
    urls = {
        "queue": (supervisor, reverse("keyworkers:allocation")),
        "chooser": (supervisor, reverse("keyworkers:allocate", args=[target.pk])),
        "caseload": (keyworker, reverse("keyworkers:caseload")),
        "team": (supervisor, reverse("keyworkers:team")),
    }
    user, url = urls[page_name]
    client.force_login(user)
    AllocatedCaseFactory(keyworker=keyworker)
    AwaitingAllocationCaseFactory()
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        StaffProfileFactory(team=team)
    grow(AllocatedCaseFactory, 6, keyworker=keyworker)
    grow(AwaitingAllocationCaseFactory, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_all_open_leaves_out_the_recently_closed_which_have_their_own_tab(client):
    keyworker = StaffProfileFactory().user
    still_open = AllocatedCaseFactory(keyworker=keyworker)
    closed = AllocatedCaseFactory(keyworker=keyworker)
    case_services.case_first_contact_record(case_id=closed.pk, user=keyworker, offered_on=timezone.localdate(),
                                            method="phone", answer="declined")
    client.force_login(keyworker)
    assert [case.pk for case in client.get(reverse("keyworkers:caseload")).context["cases"]] == [still_open.pk]
    assert [case.pk for case in client.get(reverse("keyworkers:caseload"), {"tab": "closed"}).context["cases"]] == [closed.pk]


def test_the_caseload_puts_red_flags_first_then_amber_then_green(client):
    keyworker = StaffProfileFactory().user
    green = AllocatedCaseFactory(keyworker=keyworker)  # allocated today: make first contact
    amber = AllocatedCaseFactory(keyworker=keyworker)
    red = AllocatedCaseFactory(keyworker=keyworker)
    review = AllocatedCaseFactory(keyworker=keyworker)
    Allocation.objects.filter(case=amber).update(allocated_at=timezone.now() - timedelta(days=3))
    Allocation.objects.filter(case=red).update(allocated_at=timezone.now() - timedelta(days=6))
    Case.objects.filter(pk=review.pk).update(review_flag="2 unacceptable absence(s): supervisor review")
    client.force_login(keyworker)
    rows = client.get(reverse("keyworkers:caseload")).context["cases"]
    assert [(row.pk, row.flag.colour) for row in rows][:2] in (
        [(red.pk, "red"), (review.pk, "red")], [(review.pk, "red"), (red.pk, "red")])
    assert [(row.pk, row.flag.colour) for row in rows][2:] == [(amber.pk, "amber"), (green.pk, "green")]


def test_the_caseload_and_the_contract_count_weeks_with_the_approved_extension(client):
    from contracts.services.variation import variation_decide, variation_propose
    from contracts.tests.test_closure import active_case
    from oocr.accounts.tests.factories import SupervisorFactory

    case, holder, _ = active_case(signed_weeks_ago=2)
    proposal = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="In hospital",
                                 extension_days=14)
    variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True)
    client.force_login(holder)
    assert "Week 3 of 18" in client.get(reverse("keyworkers:caseload")).content.decode()
    assert "week 3 of 18" in client.get(reverse("contracts:contract", args=[case.pk])).content.decode()


def test_the_queue_counts_the_reviews_due_in_the_supervisors_own_team_only(client):
    from keyworkers import services
    from keyworkers.models import AllocationReview

    team, elsewhere = TeamFactory(), TeamFactory(name="North")
    supervisor = SupervisorProfileFactory(team=team).user
    mine = [AllocatedCaseFactory(keyworker=StaffProfileFactory(team=team).user) for _ in range(3)]
    theirs = AllocatedCaseFactory(keyworker=StaffProfileFactory(team=elsewhere).user)
    today = timezone.localdate()
    AllocationReview.objects.filter(allocation__case__in=[*mine, theirs]).update(due_on=today)
    AllocationReview.objects.filter(allocation__case=mine[2]).update(due_on=today + timedelta(days=1))
    client.force_login(supervisor)
    assert client.get(reverse("keyworkers:allocation")).context["reviews_due"] == 2
    services.case_reallocate(case_id=mine[0].pk, keyworker=StaffProfileFactory(team=team).user, user=supervisor,
                             reason="workload", note="Balancing loads")  # its review ends; the new one is not due yet
    assert client.get(reverse("keyworkers:allocation")).context["reviews_due"] == 1
    client.force_login(SupervisorProfileFactory(team=elsewhere).user)
    assert client.get(reverse("keyworkers:allocation")).context["reviews_due"] == 1
