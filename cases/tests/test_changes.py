"""Change history on the record: who changed what, when."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyworkers.tests.factories import AllocatedCaseFactory

pytestmark = pytest.mark.django_db


def test_the_changes_page_shows_who_changed_which_field_from_what_to_what(client):
    case = AllocatedCaseFactory()
    holder = case.allocations.get().keyworker
    client.force_login(holder)
    client.post(reverse("cases:person_reminders", args=[case.pk]), {"reminders_by": "sms", "record_version": str(case.person.version)})
    changes = client.get(reverse("cases:case_changes", args=[case.pk])).context["changes"]
    change = next(change for change in changes if change["field"] == "Reminders the person agreed to")
    assert (change["record"], change["old"], change["new"], change["by"]) == (
        f"Person {case.person_id}", "No reminders", "Text message", holder.get_full_name())
    assert any(change["record"] == f"Case {case.pk}" and change["new"] == "Created" for change in changes)
    assert any(change["record"].startswith("Allocation") for change in changes)


def test_the_changes_page_costs_the_same_queries_however_many_changes(client):
    case = AllocatedCaseFactory()
    holder = case.allocations.get().keyworker
    client.force_login(holder)
    url = reverse("cases:case_changes", args=[case.pk])
    client.post(reverse("cases:person_reminders", args=[case.pk]), {"reminders_by": "sms", "record_version": str(case.person.version)})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for choice in ["email", "", "sms", "email"]:
        client.post(reverse("cases:person_reminders", args=[case.pk]), {"reminders_by": choice})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["changes"]) >= 5
    assert len(many) == len(few)


def test_a_stored_script_in_a_change_shows_as_text(client):
    case = AllocatedCaseFactory()
    holder = case.allocations.get().keyworker
    case.person.town = "<script>alert('x')</script>"
    case.person.save()
    client.force_login(holder)
    page = client.get(reverse("cases:case_changes", args=[case.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
