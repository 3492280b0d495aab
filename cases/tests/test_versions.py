"""No lost updates and no duplicate records on intake and the case pages (issue 14, points 4 and 5)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Crime, EligibilityAssessment, Person, Victim, VictimContact
from cases.tests.factories import CrimeFactory, ReadyDraftCaseFactory
from cases.tests.form_cases import _victim as _victim_form_case
from cases.tests.test_views import PERSON_POST, crime_post
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.tests.concurrency import both_post, conflict_shown, posted_twice, read_token, read_version, signed_in

pytestmark = pytest.mark.django_db


def _date(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_two_tabs_correcting_the_person_on_a_draft_do_not_lose_the_first_correction():
    case = ReadyDraftCaseFactory()
    first, second = both_post(reverse("cases:intake_person", args=[case.pk]), first_user=case.created_by,
                              second_user=AdministratorFactory(first_name="Sam", last_name="Admin"),
                              first={**PERSON_POST, "town": "Truro"}, second={**PERSON_POST, "town": "Penzance"})
    assert first.status_code == 302
    page = conflict_shown(second)
    assert "Someone else changed this record at" in page
    assert 'value="Penzance"' in page  # the administrator's input, kept
    assert "Truro" in page.split('data-testid="edit-conflict"')[1]  # the officer's, shown as their version
    assert Person.objects.get(pk=case.person_id).town == "Truro"


def test_the_person_page_sent_again_after_the_person_was_added_does_not_overwrite_them(client):
    """The back button to the empty person page, then save: the page had no version, the draft now has a person."""
    case = ReadyDraftCaseFactory()
    client.force_login(case.created_by)
    page = conflict_shown(client.post(reverse("cases:intake_person", args=[case.pk]), {**PERSON_POST, "town": "Bodmin"}))
    assert "Bodmin" in page
    assert Person.objects.get(pk=case.person_id).town != "Bodmin"


def test_two_tabs_correcting_the_crime_keep_the_first_and_show_it_to_the_second():
    case = ReadyDraftCaseFactory()
    reference = case.crimes.get().reference
    first, second = both_post(reverse("cases:intake_crime", args=[case.pk]), first_user=case.created_by,
                              second_user=case.created_by,
                              first=crime_post(reference=reference, officer_name="PC Jory Hicks"),
                              second=crime_post(reference=reference, officer_name="PC Tamsin Rowe"))
    assert first.status_code == 302
    page = conflict_shown(second)
    assert "You changed this record in another tab or window at" in page
    assert "PC Tamsin Rowe" in page and "PC Jory Hicks" in page
    assert Crime.objects.get(case=case).officer_name == "PC Jory Hicks"


def test_reminders_chosen_in_two_tabs_keep_the_first_choice():
    case = AllocatedCaseFactory()
    case.person.__class__.objects.filter(pk=case.person_id).update(phone="07700 900123", email="p@example.org")
    keyworker = case.allocations.get().keyworker
    first, second = both_post(reverse("cases:person_reminders", args=[case.pk]), first_user=keyworker,
                              second_user=keyworker, first={"reminders_by": "sms"}, second={"reminders_by": "email"})
    assert first.status_code == 302
    page = conflict_shown(second)
    assert "Text message" in page.split('data-testid="edit-conflict"')[1]
    assert Person.objects.get(pk=case.person_id).reminders_by == "sms"


def _victim_case():
    case = AllocatedCaseFactory()
    victim = Victim.objects.create(crime=case.crimes.get(), name="Demelza Rowe")
    return case, victim, case.allocations.get().keyworker


def _victim_contact(victim, **changes):
    return {"victim": victim.pk, **_date("contacted_on", timezone.localdate()), "method": "phone", "purpose": "views",
            "view": "", "restorative_consent": "", "notes": "", **changes}


def test_a_victims_view_recorded_in_two_tabs_keeps_the_first_and_shows_it_to_the_second():
    case, victim, keyworker = _victim_case()
    url = reverse("cases:victim_contact", args=[case.pk])
    one, two = signed_in(keyworker), signed_in(keyworker)
    pages = [(one, read_version(one, url), read_token(one, url)), (two, read_version(two, url), read_token(two, url))]
    first = one.post(url, {**_victim_contact(victim, view="supports"), "record_version": pages[0][1], "form_token": pages[0][2]})
    second = two.post(url, {**_victim_contact(victim, view="opposes", notes="Changed her mind"),
                            "record_version": pages[1][1], "form_token": pages[1][2]})
    assert first.status_code == 302
    page = conflict_shown(second)
    assert "Supports" in page.split('data-testid="edit-conflict"')[1] and "Changed her mind" in page
    victim.refresh_from_db()
    assert (victim.view, VictimContact.objects.filter(victim=victim).count()) == ("supports", 1)


def test_a_victim_contact_posted_twice_is_recorded_once():
    case, victim, keyworker = _victim_case()
    url = reverse("cases:victim_contact", args=[case.pk])
    client = signed_in(keyworker)
    data = {**_victim_contact(victim, notes="Left a message"), "record_version": read_version(client, url)}
    first, second = posted_twice(url, user=keyworker, data=data)
    assert first["Location"] == second["Location"]
    assert VictimContact.objects.filter(victim=victim).count() == 1


def test_a_victim_added_at_intake_posted_twice_is_added_once():
    crime = CrimeFactory()
    data = {**_victim_form_case(None), "add_victim": ""}
    first, second = posted_twice(reverse("cases:intake_victims", args=[crime.case.pk]), user=crime.case.created_by, data=data)
    assert first["Location"] == second["Location"]
    assert list(Victim.objects.filter(crime=crime).values_list("name", flat=True)) == ["Demelza Rowe"]


def test_a_crime_submitted_twice_from_the_check_page_is_submitted_once_and_goes_to_the_same_page():
    case = ReadyDraftCaseFactory()
    first, second = posted_twice(reverse("cases:intake_check", args=[case.pk]), user=case.created_by,
                                 data={"decision": "submitted", "route": "deferred_charge"})
    assert first["Location"] == second["Location"] == reverse("cases:intake_done", args=[case.pk])
    assert EligibilityAssessment.objects.filter(case=case).count() == 1


def test_two_tabs_answering_the_eligibility_questions_keep_the_first_answers_and_show_them_to_the_second():
    from cases.tests.form_cases import ANSWERS

    case = ReadyDraftCaseFactory()
    url = reverse("cases:intake_questions", args=[case.pk])
    first, second = both_post(url, first_user=case.created_by, second_user=case.created_by,
                              first={**ANSWERS, "previous_offences": "3"}, second={**ANSWERS, "previous_offences": "7"})
    assert first.status_code == 302
    case.refresh_from_db()
    assert case.draft_answers["previous_offences"] == 3
    page = conflict_shown(second)
    assert 'value="7"' in page  # the second tab's answer, kept in the form
