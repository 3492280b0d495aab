"""The form harness itself: it sees a write, a rolled-back variant leaves nothing, and its checks catch what they claim."""

import pytest
from django.urls import reverse

from oocr.accounts.tests.factories import KeyworkerFactory
from oocr.notifications.models import ReminderSettings
from oocr.tests.form_harness import HOSTILE, missing_record_urls, submit, summary_problems

pytestmark = pytest.mark.django_db


def test_a_submission_that_writes_is_seen_and_then_rolled_back(client):
    user = KeyworkerFactory()
    client.force_login(user)
    outcome = submit(client, reverse("notifications:settings"), {"lead_days": "5"})
    assert outcome.status == 302
    assert "notifications.remindersettings" in outcome.changed
    assert not ReminderSettings.objects.filter(user=user).exists()  # the next variant starts from the same world


def test_a_refused_submission_changes_nothing_and_a_crash_is_reported_not_raised(client, monkeypatch):
    client.force_login(KeyworkerFactory())
    refused = submit(client, reverse("notifications:settings"), {"lead_days": "99"})
    assert (refused.status, refused.changed, refused.crashed) == (200, [], False)
    assert "Days of notice must be between 1 and 14" in refused.html
    monkeypatch.setattr("oocr.notifications.views.reminder_settings_update", lambda **kwargs: 1 / 0)
    crashed = submit(client, reverse("notifications:settings"), {"lead_days": "5"})
    assert crashed.crashed and "ZeroDivisionError" in crashed.error


def test_the_summary_check_finds_links_to_nowhere_unlinked_errors_and_djangos_wording():
    page = ('<div class="govuk-error-summary"><ul><li><a href="#id_sex">Select the sex</a></li>'
            "<li>Enter a phone number</li><li><a href=\"#id_name\">This field is required.</a></li></ul></div>"
            '<input id="id_name">')
    assert summary_problems(page, every_item_linked=True) == [
        "the error links to #id_sex, which is not on the page",
        "an error linked to no field: Enter a phone number",
        "Django's own wording: This field is required.",
    ]
    assert summary_problems("<p>Saved</p>", every_item_linked=False) == ["no GOV.UK error summary"]


def test_hostile_variants_change_what_they_aim_at_and_leave_the_rest():
    valid = {"reason": "Moved away", "days": "14", "due_0": "3", "due_1": "4", "due_2": "2027", "on": "2027-04-03"}
    assert HOSTILE["markup and formulas"](valid)["reason"].startswith("<script>")
    assert HOSTILE["markup and formulas"](valid)["days"] == "14"
    assert HOSTILE["31 February"](valid) == {**valid, "due_0": "31", "due_1": "2", "on": "31/02/2026"}
    assert HOSTILE["letters for numbers"](valid) == {**valid, "days": "abc"}
    assert len(HOSTILE["5,000-character text"](valid)["reason"]) == 5_000


def test_each_id_in_the_address_is_tried_missing_in_turn():
    assert missing_record_urls("/cases/12/contacts/7/outcome/") == [
        "/cases/999999999/contacts/7/outcome/", "/cases/12/contacts/999999999/outcome/"]
    assert missing_record_urls("/cases/12/contract/document.pdf") == ["/cases/999999999/contract/document.pdf"]
