"""No lost updates and no duplicate records on the case work forms (issue 14, points 4 and 5)."""

import pytest
from django.urls import reverse

from contracts.models import Condition
from contracts.tests.factories import ActiveContractFactory, holder_of
from oocr.tests.concurrency import both_post, conflict_shown

pytestmark = pytest.mark.django_db


def _tailored(contract):
    return contract.conditions.exclude(kind="standard").get()


def test_condition_progress_saved_over_a_newer_version_is_refused_and_both_versions_are_shown():
    contract = ActiveContractFactory()
    condition, keyworker = _tailored(contract), holder_of(contract.case)
    url = reverse("contracts:condition_progress", args=[contract.case.pk, condition.pk])
    first, second = both_post(
        url, first_user=keyworker, second_user=keyworker,
        first={"status": "in_progress", "evidence": "Met the debt adviser on Monday", "hours_done": "2"},
        second={"status": "met", "evidence": "Finished the course", "hours_done": "4"},
    )
    assert first.status_code == 302
    condition.refresh_from_db()
    assert (condition.status, condition.evidence, condition.hours_done) == ("in_progress", "Met the debt adviser on Monday", 2)
    page = conflict_shown(second)
    assert "You changed this record in another tab or window at" in page
    assert "Finished the course" in page  # their own input, kept in the form
    assert "Met the debt adviser on Monday" in page  # the version saved first, shown beside it
    assert condition.version == 2


def test_a_condition_progress_form_with_no_version_or_garbage_is_refused_not_saved(client):
    contract = ActiveContractFactory()
    condition = _tailored(contract)
    client.force_login(holder_of(contract.case))
    url = reverse("contracts:condition_progress", args=[contract.case.pk, condition.pk])
    for version in (None, "abc", "-1", "99999999999999999999", "\x00"):
        data = {"status": "met", "evidence": "Done", "hours_done": "1"}
        if version is not None:
            data["record_version"] = version
        conflict_shown(client.post(url, data))
    assert Condition.objects.get(pk=condition.pk).status == "not_started"
