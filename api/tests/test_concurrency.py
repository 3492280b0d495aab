"""Two connections at once on PostgreSQL: identical PUTs make one draft, and events become visible in cursor order."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from api.models import ApiEvent, ApiReferral
from api.services import api_event_record
from api.tests.helpers import bearer, body, client_make, offence_codes_map, put, token_of
from cases.models import Case
from keyworkers.tests.factories import AwaitingAllocationCaseFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL's locks and two real connections (CI runs it with DATABASE_URL)"),
]


def test_two_identical_puts_at_once_make_one_draft_and_one_says_nothing_changed():
    offence_codes_map()
    client, secret = client_make()
    token = token_of(client, secret)
    start = threading.Barrier(2)
    statuses = []

    def send():
        try:
            start.wait()
            statuses.append(put(Client(), "CR/04242/26", body(), token).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 201]
    assert Case.objects.count() == 1 and ApiReferral.objects.count() == 1
    assert Case.objects.get().crimes.get().victims.count() == 1


def test_a_closure_committed_later_never_appears_before_one_numbered_earlier():
    """A closing transaction holds the numbering until it commits: a second closure waits, so a reader who has
    moved its cursor past an event can never find an earlier one committed after it."""
    client, secret = client_make(scopes=["outcome:read"])
    token = token_of(client, secret)
    first_case, second_case = AwaitingAllocationCaseFactory(), AwaitingAllocationCaseFactory()
    first_recorded, commit_first, second_done = threading.Event(), threading.Event(), threading.Event()

    def close_first():
        try:
            with transaction.atomic():
                api_event_record(case=first_case, kind=ApiEvent.Kind.CASE_CONCLUDED)
                first_recorded.set()
                commit_first.wait(timeout=30)
        finally:
            connections.close_all()

    def close_second():
        try:
            first_recorded.wait(timeout=30)
            api_event_record(case=second_case, kind=ApiEvent.Kind.CASE_CONCLUDED)
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close_first), threading.Thread(target=close_second)]
    for thread in threads:
        thread.start()
    first_recorded.wait(timeout=30)
    second_done.wait(timeout=1)  # it cannot finish: the first transaction holds the numbering
    reader = Client()
    assert not second_done.is_set()
    assert reader.get("/api/v1/outcomes", **bearer(token)).json()["outcomes"] == []
    commit_first.set()
    for thread in threads:
        thread.join(timeout=30)
    page = reader.get("/api/v1/outcomes", **bearer(token)).json()
    assert [item["case_number"] for item in page["outcomes"]] == [first_case.number, second_case.number]
    assert reader.get(f"/api/v1/outcomes?since={page['next_cursor']}", **bearer(token)).json()["outcomes"] == []
