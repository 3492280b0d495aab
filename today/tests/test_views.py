"""The Today page of each role: what it lists, where each line leads, and what the team manager may only read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory, TeamManagerFactory
from today.models import TodayLook
from today.tests.test_selectors import keyworker_work, team_work

pytestmark = pytest.mark.django_db


def test_a_keyworker_starts_on_today_and_each_line_leads_to_its_work(client):
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    case = keyworker_work(keyworker, supervisor)
    client.force_login(keyworker)
    assert client.get("/")["Location"] == "/today/"
    page = client.get("/today/").content.decode()
    missing = case.contacts.order_by("starts_at").first()
    assert reverse("contracts:contact_outcome", args=[case.pk, missing.pk]) in page
    assert reverse("referrals:referral", args=[case.pk, case.referrals.get().pk]) in page
    assert "Extend the contract: approved" in page
    assert 'data-testid="today-team"' not in page and 'data-testid="today-officer"' not in page


def test_looking_is_remembered_and_what_was_decided_before_is_no_longer_new(client):
    keyworker = StaffProfileFactory().user
    keyworker_work(keyworker, SupervisorProfileFactory().user)
    client.force_login(keyworker)
    first = client.get("/today/").content.decode()
    assert TodayLook.objects.filter(user=keyworker).exists()
    second = client.get("/today/").content.decode()
    assert first.count(">New</strong>") == 1
    assert second.count(">New</strong>") == 1  # the explanation's sample tag only
    assert "You last looked at" in second


def test_a_supervisor_acts_from_today_and_the_team_manager_reads_the_same(client):
    supervisor = SupervisorProfileFactory().user
    work = team_work(supervisor)
    client.force_login(supervisor)
    page = client.get("/today/").content.decode()
    assert reverse("keyworkers:allocate", args=[work["waiting"].pk]) in page
    assert reverse("contracts:closure_decide", args=[work["closure"].pk]) in page

    manager = StaffProfileFactory(user=TeamManagerFactory()).user
    client.force_login(manager)
    page = client.get("/today/").content.decode()
    assert reverse("cases:case_detail", args=[work["waiting"].pk]) in page
    assert reverse("keyworkers:allocate", args=[work["waiting"].pk]) not in page
    assert reverse("contracts:closure_decide", args=[work["closure"].pk]) not in page
    assert 'data-testid="movement-received"' in page
    # The manager's questions answered on the page: the oldest wait, how many have had no first contact.
    assert 'data-testid="queue-oldest">5 days<' in page and 'data-testid="no-first-contact">1<' in page


def test_the_team_manager_reads_the_queue_but_cannot_allocate(client):
    waiting = team_work(SupervisorProfileFactory().user)["waiting"]
    client.force_login(StaffProfileFactory(user=TeamManagerFactory()).user)
    queue = client.get("/allocation/")
    assert queue.status_code == 200
    assert waiting.number in queue.content.decode()
    assert reverse("keyworkers:allocate", args=[waiting.pk]) not in queue.content.decode()
    assert client.get(f"/allocation/{waiting.pk}/").status_code == 403
    assert client.post(f"/allocation/{waiting.pk}/", {"keyworker": StaffProfileFactory().user.pk}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_allocation"


def test_an_officer_sees_drafts_and_submissions_and_an_administrator_keeps_administration(client):
    officer = EvidenceReviewOfficerFactory()
    client.force_login(officer)
    assert 'data-testid="today-officer"' in client.get("/today/").content.decode()
    client.force_login(AdministratorFactory())
    assert client.get("/")["Location"] == "/administration/"
    assert client.get("/today/").status_code == 403


def test_each_roles_today_takes_the_same_number_of_queries_at_two_sizes(client):
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    manager, officer = StaffProfileFactory(user=TeamManagerFactory()).user, EvidenceReviewOfficerFactory()

    def queries() -> dict:
        counts = {}
        for user in (keyworker, supervisor, manager, officer):
            client.force_login(user)
            client.get("/today/")  # the look is stored once: the next reads update it
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/today/").status_code == 200
            counts[user.username] = len(captured)
        return counts

    keyworker_work(keyworker, supervisor)
    team_work(supervisor)
    small = queries()
    keyworker_work(keyworker, supervisor)
    team_work(supervisor)
    team_work(supervisor)
    assert queries() == small
