"""Opening a case outside one's caseload or team asks for a reason first, kept in the access log with the view."""

import pytest
from django.urls import reverse

from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.accounts.tests.factories import SupervisorFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_teams_case():
    keyworker = StaffProfileFactory(team=TeamFactory(name="North team")).user
    return AllocatedCaseFactory(keyworker=keyworker, person__last_name="Quillerbrook")  # a name no page holds by chance


def test_a_supervisor_opening_another_teams_case_is_asked_why_without_seeing_it(client, other_teams_case):
    client.force_login(SupervisorProfileFactory().user)
    detail = reverse("cases:case_detail", args=[other_teams_case.pk])
    response = client.get(detail)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{other_teams_case.pk}/reason/?next=%2Fcases%2F{other_teams_case.pk}%2F"
    page = client.get(response["Location"]).content.decode()
    assert other_teams_case.number in page
    assert other_teams_case.person.last_name not in page
    assert not AccessLog.objects.filter(object_id=other_teams_case.pk, kind=AccessLog.Kind.VIEW).exists()


def test_the_reason_is_needed_in_full_and_nothing_is_remembered_without_it(client, other_teams_case):
    client.force_login(SupervisorProfileFactory().user)
    url = reverse("cases:case_access_reason", args=[other_teams_case.pk])
    page = client.post(url, {"reason": "", "details": ""}).content.decode()
    assert "Select why you need to open this record" in page
    assert "Give details of why you need to open this record" in page
    page = client.post(url, {"reason": "covering", "details": "x" * 501}).content.decode()
    assert "Details must be 500 characters or fewer" in page
    assert client.get(reverse("cases:case_detail", args=[other_teams_case.pk])).status_code == 302


def test_the_reason_goes_with_every_view_of_that_case_in_the_session(client, other_teams_case):
    client.force_login(SupervisorProfileFactory().user)
    history = reverse("cases:case_history", args=[other_teams_case.pk])
    response = client.post(reverse("cases:case_access_reason", args=[other_teams_case.pk]),
                           {"reason": "covering", "details": "Covering for J Smith this week", "next": history})
    assert response["Location"] == history
    assert client.get(history).status_code == 200
    assert client.get(reverse("cases:case_detail", args=[other_teams_case.pk])).status_code == 200
    views = AccessLog.objects.filter(object_id=other_teams_case.pk, kind=AccessLog.Kind.VIEW, content_type__model="case")
    assert views.count() == 2
    assert set(views.values_list("justification", flat=True)) == {
        "Covering for a colleague who is away: Covering for J Smith this week"}


def test_a_reason_for_one_case_does_not_open_another(client, other_teams_case):
    client.force_login(SupervisorProfileFactory().user)
    client.post(reverse("cases:case_access_reason", args=[other_teams_case.pk]), {"reason": "quality", "details": "Audit"})
    another = AllocatedCaseFactory(keyworker=StaffProfileFactory(team=TeamFactory(name="North team")).user)
    assert client.get(reverse("cases:case_detail", args=[another.pk])).status_code == 302


def test_the_next_address_only_leads_to_a_page_of_the_same_case(client, other_teams_case):
    client.force_login(SupervisorProfileFactory().user)
    response = client.post(reverse("cases:case_access_reason", args=[other_teams_case.pk]),
                           {"reason": "quality", "details": "Audit", "next": "https://evil.example/cases/1/"})
    assert response["Location"] == reverse("cases:case_detail", args=[other_teams_case.pk])


def test_a_supervisor_opens_their_own_teams_cases_without_a_reason(client):
    supervisor = SupervisorProfileFactory().user
    case = AllocatedCaseFactory()  # its keyworker is in the supervisor's team
    client.force_login(supervisor)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    assert AccessLog.objects.get(object_id=case.pk, content_type__model="case", kind=AccessLog.Kind.VIEW).justification == ""


def test_a_supervisor_in_no_team_is_asked_for_any_allocated_case(client):
    case = AllocatedCaseFactory()
    client.force_login(SupervisorFactory())
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 302


def test_a_keyworker_never_reaches_a_case_they_do_not_hold_even_with_a_reason(client, other_teams_case):
    keyworker = StaffProfileFactory().user
    client.force_login(keyworker)
    assert client.get(reverse("cases:case_detail", args=[other_teams_case.pk])).status_code == 404
    assert client.post(reverse("cases:case_access_reason", args=[other_teams_case.pk]),
                       {"reason": "quality", "details": "x"}).status_code == 403


def test_a_reason_lets_another_teams_supervisor_read_the_case_but_not_act_on_it(client, other_teams_case):
    client.force_login(SupervisorProfileFactory().user)
    client.post(reverse("cases:case_access_reason", args=[other_teams_case.pk]), {"reason": "quality", "details": "Audit"})
    page = client.get(reverse("cases:case_detail", args=[other_teams_case.pk])).content.decode()
    assert "Reallocate" not in page
    assert client.post(reverse("contracts:contract_approve", args=[other_teams_case.pk])).status_code == 403
    client.force_login(SupervisorProfileFactory(team=TeamFactory(name="North team")).user)  # the case's own team
    assert "Reallocate" in client.get(reverse("cases:case_detail", args=[other_teams_case.pk])).content.decode()
