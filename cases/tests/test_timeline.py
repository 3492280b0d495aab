"""The case's timeline: each date a person, crime, victim or first contact page takes is checked against it,
refused by the service with a message naming the date it conflicts with, and shown at the field."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, FirstContact, Victim, VictimContact
from cases.tests.factories import ReadyDraftCaseFactory
from cases.tests.test_views import PERSON_POST, crime_post
from cases.timeline import CaseTimeline, long_date
from contracts.tests.factories import ActiveContractFactory
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.tests.govuk import assert_error_at
from oocr.tests.concurrency import as_read

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _date(name: str, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def holder_of(case):
    return case.allocations.get(ended_at=None).keyworker


def allocated_days_ago(days: int) -> Case:
    """A case submitted and allocated `days` ago (its offence a day before)."""
    case = AllocatedCaseFactory()
    moment = timezone.make_aware(datetime.combine(TODAY - timedelta(days=days), time(10)))
    case.crimes.update(offence_date=TODAY - timedelta(days=days + 1))
    Case.objects.filter(pk=case.pk).update(submitted_at=moment)
    case.allocations.update(allocated_at=moment)
    case.refresh_from_db()
    return case


def test_the_timeline_reads_each_date_of_the_case_in_order():
    contract = ActiveContractFactory(start_date=TODAY - timedelta(weeks=3), extension_days=14)
    timeline = contract.case.timeline
    assert timeline.offence_date <= timeline.submitted_on <= timeline.allocated_on <= timeline.first_contact_on
    assert timeline.first_contact_on <= timeline.contract_start == TODAY - timedelta(weeks=3)
    assert timeline.contract_end == TODAY - timedelta(weeks=3) + timedelta(weeks=16, days=14)  # with the extension
    assert timeline.contract_period() == (timeline.contract_start, timeline.contract_end)
    assert timeline.in_contract(TODAY) and not timeline.in_contract(timeline.contract_end + timedelta(days=1))
    assert (timeline.date_of_birth, timeline.closed_on) == (contract.case.person.date_of_birth, None)


def test_dates_are_written_as_people_read_them():
    assert long_date(date(2026, 11, 3)) == "3 November 2026"


# --- Date of birth and offence date (intake, and any later edit) -----------------------------------------------


def test_the_service_refuses_a_date_of_birth_on_the_offence_date():
    case = ReadyDraftCaseFactory()
    offence_date = case.crimes.get().offence_date
    data = {field: getattr(case.person, field) for field in ("first_names", "last_name", "sex", "ethnicity")}
    with pytest.raises(ValidationError) as refused:
        services.intake_person_save(case=case, user=case.created_by, data={**data, "date_of_birth": offence_date})
    assert refused.value.message_dict == {"date_of_birth": [
        f"The date of birth must be before the offence date, {long_date(offence_date)}: "
        "check it, or correct the offence date on the crime page"]}


def test_the_person_page_shows_a_date_of_birth_after_the_offence_at_the_field(client):
    case = ReadyDraftCaseFactory()
    offence_date = case.crimes.get().offence_date
    client.force_login(case.created_by)
    url = reverse("cases:intake_person", args=[case.pk])
    response = client.post(url, as_read(client, url, {**PERSON_POST, **_date("date_of_birth", offence_date + timedelta(days=1))}))
    assert_error_at(response, "id_date_of_birth_0", f"The date of birth must be before the offence date, "
                                                    f"{long_date(offence_date)}: check it, or correct the offence date on the crime page")
    case.person.refresh_from_db()
    assert case.person.date_of_birth < offence_date


def test_the_service_refuses_an_offence_date_in_the_future():
    case = ReadyDraftCaseFactory()
    data = {"reference": "CR/1/26", "offence_date": TODAY + timedelta(days=1), "offence_postcode": "TR1 3XX",
            "officer_name": "PC Hicks", "officer_collar_number": "1", "officer_email": "a@example.org"}
    with pytest.raises(ValidationError) as refused:
        services.intake_crime_save(case=case, user=case.created_by, data=data, offences=list(case.crimes.get().offences.all()))
    assert refused.value.message_dict == {"offence_date": ["The offence date must be today or in the past"]}


def test_the_crime_page_shows_an_offence_date_before_birth_at_the_field_naming_the_birth_date(client):
    case = ReadyDraftCaseFactory()
    born = case.person.date_of_birth
    client.force_login(case.created_by)
    url = reverse("cases:intake_crime", args=[case.pk])
    response = client.post(url, as_read(client, url, crime_post(reference=case.crimes.get().reference, **_date("offence_date", born))))
    assert_error_at(response, "id_offence_date_0", f"The offence date must be after the person's date of birth, {long_date(born)}")
    assert case.crimes.get().offence_date != born


def test_an_offence_date_after_submission_is_refused_on_any_later_edit():
    case = allocated_days_ago(5)
    with pytest.raises(ValidationError) as refused:
        case.timeline.check_offence_date(TODAY - timedelta(days=2))
    assert refused.value.message_dict == {"offence_date": [
        f"The offence date must be on or before the case was submitted on {long_date(TODAY - timedelta(days=5))}"]}
    case.timeline.check_offence_date(TODAY - timedelta(days=5))  # the day it was submitted is allowed


# --- First contact -----------------------------------------------------------------------------------------------


def test_the_service_refuses_first_contact_before_the_case_was_allocated():
    case = allocated_days_ago(3)
    with pytest.raises(ValidationError) as refused:
        services.case_first_contact_record(case_id=case.pk, user=holder_of(case), offered_on=TODAY - timedelta(days=4),
                                           method="phone", answer="accepted")
    assert refused.value.message_dict == {"offered_on": [
        f"The scheme cannot be offered before the case was allocated on {long_date(TODAY - timedelta(days=3))}"]}
    case.refresh_from_db()
    assert (case.status, FirstContact.objects.filter(case=case).exists()) == (Case.Status.ALLOCATED, False)


def test_first_contact_on_the_day_of_allocation_is_accepted():
    case = allocated_days_ago(3)
    services.case_first_contact_record(case_id=case.pk, user=holder_of(case), offered_on=TODAY - timedelta(days=3),
                                       method="phone", answer="accepted")
    assert Case.objects.get(pk=case.pk).status == Case.Status.ASSESSMENT


def test_the_first_contact_page_shows_a_date_in_2020_at_the_field(client):
    case = allocated_days_ago(3)
    client.force_login(holder_of(case))
    response = client.post(reverse("cases:first_contact", args=[case.pk]), {
        **_date("offered_on", date(2020, 1, 6)), "method": "phone", "answer": "accepted", "notes": ""})
    assert_error_at(response, "id_offered_on_0",
                    f"The scheme cannot be offered before the case was allocated on {long_date(TODAY - timedelta(days=3))}")
    assert not FirstContact.objects.filter(case=case).exists()


def test_the_first_contact_page_shows_a_future_date_at_the_field(client):
    case = AllocatedCaseFactory()
    client.force_login(holder_of(case))
    response = client.post(reverse("cases:first_contact", args=[case.pk]), {
        **_date("offered_on", TODAY + timedelta(days=1)), "method": "phone", "answer": "accepted", "notes": ""})
    assert_error_at(response, "id_offered_on_0", "The date of the offer must be today or in the past")
    assert not FirstContact.objects.filter(case=case).exists()


# --- Victims ---------------------------------------------------------------------------------------------------------


def test_the_service_refuses_a_victim_asked_before_the_offence():
    case = ReadyDraftCaseFactory()
    offence_date = case.crimes.get().offence_date
    with pytest.raises(ValidationError) as refused:
        services.intake_victim_add(case=case, user=case.created_by, data={
            "name": "Demelza Rowe", "view": "supports", "date_asked": offence_date - timedelta(days=1)})
    assert refused.value.message_dict == {"date_asked": [
        f"The date the victim was asked must be on or after the offence on {long_date(offence_date)}"]}
    assert not Victim.objects.filter(crime__case=case).exists()


def test_the_victims_page_shows_a_date_asked_in_the_future_at_the_field(client):
    case = ReadyDraftCaseFactory()
    client.force_login(case.created_by)
    response = client.post(reverse("cases:intake_victims", args=[case.pk]), {
        "name": "Demelza Rowe", "phone": "", "email": "", "view": "supports", "restorative_consent": "yes",
        **_date("date_asked", TODAY + timedelta(days=2)), "continue": ""})
    assert_error_at(response, "id_date_asked_0", "The date the victim was asked must be today or in the past")
    assert not Victim.objects.filter(crime__case=case).exists()


def test_the_victim_contact_page_shows_a_contact_before_the_offence_at_the_field(client):
    case = AllocatedCaseFactory()
    offence_date = case.crimes.get().offence_date
    victim = Victim.objects.create(crime=case.crimes.get(), name="Demelza Rowe")
    client.force_login(holder_of(case))
    url = reverse("cases:victim_contact", args=[case.pk])
    response = client.post(url, as_read(client, url, {
        "victim": victim.pk, **_date("contacted_on", offence_date - timedelta(days=1)), "method": "phone",
        "purpose": "views", "view": "supports", "restorative_consent": "", "notes": ""}))
    assert_error_at(response, "id_contacted_on_0",
                    f"The date of the contact must be on or after the offence on {long_date(offence_date)}")
    victim.refresh_from_db()
    assert (victim.view, victim.date_asked, VictimContact.objects.filter(victim=victim).exists()) == ("not_asked", None, False)


def test_a_timeline_built_by_hand_checks_without_the_database():
    timeline = CaseTimeline(today=date(2026, 12, 2), offence_date=date(2026, 10, 1), submitted_on=date(2026, 10, 5),
                            allocated_on=date(2026, 10, 6), first_contact_on=date(2026, 11, 3))
    with pytest.raises(ValidationError, match="The contract cannot start before first contact on 3 November 2026"):
        timeline.check_contract_signed(date(2026, 10, 20))
    timeline.check_contract_signed(date(2026, 11, 3))
