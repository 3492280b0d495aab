"""The contract's dates against the case's timeline: signing, conditions, variations, contacts, outcomes and
non-compliance. Each rule is refused by its service, naming the date it conflicts with, and shown at the field."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, FirstContact
from cases.timeline import long_date
from contracts.services.assessment import keyworker_action_record
from contracts.services.contacts import contact_outcome_record, contact_record, non_compliance_record
from contracts.services.contract import condition_add, contract_sign
from contracts.services.variation import variation_propose
from contracts.models import (
    Condition, ConditionTemplate, Contact, Contract, KeyworkerAction, NonCompliance, VariationProposal,
)
from contracts.tests.factories import (
    ActiveContractFactory, AssessedCaseFactory, BookedContactFactory, TailoredConditionFactory, backdate_case, holder_of,
)
from oocr.tests.govuk import assert_error_at
from oocr.tests.concurrency import as_read

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _date(name: str, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def first_contact_days_ago(days: int) -> Case:
    """In assessment, with a draft contract: first contact `days` ago (after submission and allocation)."""
    case = AssessedCaseFactory()
    backdate_case(case, to=TODAY - timedelta(days=days))
    FirstContact.objects.filter(case=case).update(offered_on=TODAY - timedelta(days=days))
    case.refresh_from_db()
    return case


def contract_ending_in(days: int) -> Contract:
    """An active 16-week contract whose last day is `days` from today."""
    return ActiveContractFactory(start_date=TODAY + timedelta(days=days) - timedelta(weeks=16))


def debt_advice(due_date) -> dict:
    template = ConditionTemplate.objects.get(title="Debt advice")
    return {"description": template.text, "due_date": due_date, "need_domain": template.need_domain}


# --- Signing -----------------------------------------------------------------------------------------------------------


def test_the_service_refuses_a_contract_signed_before_first_contact():
    case = first_contact_days_ago(10)
    TailoredConditionFactory(contract=case.contract)
    with pytest.raises(ValidationError) as refused:
        contract_sign(case_id=case.pk, user=holder_of(case), signed_on=TODAY - timedelta(days=11), agreement="verbal")
    assert refused.value.message_dict == {"signed_on": [
        f"The contract cannot start before first contact on {long_date(TODAY - timedelta(days=10))}"]}
    assert Contract.objects.get(case=case).status == Contract.Status.DRAFT


def test_the_sign_page_shows_a_date_before_first_contact_at_the_field(client):
    case = first_contact_days_ago(10)
    TailoredConditionFactory(contract=case.contract)
    client.force_login(holder_of(case))
    url = reverse("contracts:contract_sign", args=[case.pk])
    response = client.post(url, as_read(client, url, {**_date("signed_on", TODAY - timedelta(weeks=20)), "agreement": "verbal"}))
    assert_error_at(response, "id_signed_on_0",
                    f"The contract cannot start before first contact on {long_date(TODAY - timedelta(days=10))}")
    assert (Contract.objects.get(case=case).start_date, Case.objects.get(pk=case.pk).status) == (None, Case.Status.ASSESSMENT)


def test_the_sign_page_shows_a_future_date_at_the_field(client):
    case = AssessedCaseFactory()
    TailoredConditionFactory(contract=case.contract)
    client.force_login(holder_of(case))
    url = reverse("contracts:contract_sign", args=[case.pk])
    response = client.post(url, as_read(client, url, {**_date("signed_on", TODAY + timedelta(days=1)), "agreement": "verbal"}))
    assert_error_at(response, "id_signed_on_0", "The date signed must be today or in the past")
    assert Contract.objects.get(case=case).status == Contract.Status.DRAFT


def test_signing_refuses_a_date_that_leaves_a_condition_after_the_contract():
    case = first_contact_days_ago(60)
    TailoredConditionFactory(contract=case.contract, due_date=TODAY + timedelta(days=70))
    signed_on = TODAY - timedelta(days=60)  # 16 weeks from then ends in 52 days
    with pytest.raises(ValidationError) as refused:
        contract_sign(case_id=case.pk, user=holder_of(case), signed_on=signed_on, agreement="verbal")
    assert refused.value.message_dict == {"signed_on": [
        f"A condition is due on {long_date(TODAY + timedelta(days=70))}, after the contract would end on "
        f"{long_date(signed_on + timedelta(weeks=16))}: remove it and add it again with an earlier due date"]}


# --- Conditions and variations ------------------------------------------------------------------------------------------


def test_the_service_refuses_a_draft_condition_due_in_2030():
    case = AssessedCaseFactory()
    with pytest.raises(ValidationError) as refused:
        condition_add(case_id=case.pk, user=holder_of(case), template=ConditionTemplate.objects.get(title="Debt advice"),
                      data=debt_advice(date(2030, 1, 1)))
    latest = TODAY + timedelta(weeks=16)
    assert refused.value.message_dict == {"due_date": [
        f"The due date must be on or before {long_date(latest)}, when a contract agreed today would end"]}
    assert not case.contract.conditions.exclude(kind="standard").exists()


def test_the_service_refuses_a_draft_condition_due_before_first_contact():
    case = first_contact_days_ago(5)
    with pytest.raises(ValidationError) as refused:
        condition_add(case_id=case.pk, user=holder_of(case), template=ConditionTemplate.objects.get(title="Debt advice"),
                      data=debt_advice(TODAY - timedelta(days=6)))
    assert refused.value.message_dict == {"due_date": [
        f"The due date must be on or after first contact on {long_date(TODAY - timedelta(days=5))}"]}


def test_the_condition_page_shows_a_due_date_in_2030_at_the_field(client):
    case = AssessedCaseFactory()
    template = ConditionTemplate.objects.get(title="Debt advice")
    client.force_login(holder_of(case))
    response = client.post(f"{reverse('contracts:condition_new', args=[case.pk])}?template={template.pk}", {
        "description": template.text, **_date("due_date", date(2030, 1, 1)), "recurrence": "",
        "need_domain": template.need_domain_id, "hours_required": ""})
    assert_error_at(response, "id_due_date_0", f"The due date must be on or before {long_date(TODAY + timedelta(weeks=16))}, "
                                               "when a contract agreed today would end")
    assert not Condition.objects.filter(contract__case=case).exclude(kind="standard").exists()


def test_a_variation_may_move_a_due_date_into_an_approved_extension_but_not_beyond():
    contract = ActiveContractFactory(extension_days=14)
    condition = contract.conditions.exclude(kind="standard").get()
    holder = holder_of(contract.case)
    beyond = contract.end_date + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        variation_propose(case_id=contract.case_id, user=holder, kind="variation", reason="Adviser moved",
                          condition_id=condition.pk, new_due_date=beyond)
    assert refused.value.message_dict == {"new_due_date": [
        f"The new due date must be on or before the contract ends on {long_date(contract.end_date)}"]}
    within_extension = contract.start_date + timedelta(weeks=16, days=7)
    proposal = variation_propose(case_id=contract.case_id, user=holder, kind="variation", reason="Adviser moved",
                                 condition_id=condition.pk, new_due_date=within_extension)
    assert proposal.new_due_date == within_extension


def test_the_variation_page_shows_a_new_due_date_before_the_contract_at_the_field(client):
    contract = ActiveContractFactory()
    condition = contract.conditions.exclude(kind="standard").get()
    client.force_login(holder_of(contract.case))
    response = client.post(reverse("contracts:variation_new", args=[contract.case_id]), {
        "kind": "variation", "reason": "Adviser moved", "extension_days": "", "condition": condition.pk,
        "new_description": "", **_date("new_due_date", contract.start_date - timedelta(days=1)), "new_recurrence": ""})
    assert_error_at(response, "id_new_due_date_0",
                    f"The new due date must be on or after the contract started on {long_date(contract.start_date)}")
    assert not VariationProposal.objects.filter(contract=contract).exists()


# --- Contacts and their outcomes ------------------------------------------------------------------------------------------


def contact(case, starts_at, **data) -> Contact:
    return contact_record(case_id=case.pk, user=holder_of(case), data={
        "type": "face_to_face", "starts_at": starts_at, "place": "Truro", "outcome": "attended", "duration_minutes": 30,
        "notes": "", **data})


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_the_service_refuses_a_contact_after_the_contract_without_a_reason_and_keeps_one_given():
    contract = contract_ending_in(-3)
    after = at(contract.end_date + timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        contact(contract.case, after)
    assert refused.value.message_dict == {"outside_reason": [
        f"The date is after the contract ends on {long_date(contract.end_date)}: "
        "enter why the contact is outside that period, or change the date"]}
    saved = contact(contract.case, after, outside_reason="  The closing meeting, after the contract ended ")
    assert Contact.objects.get(pk=saved.pk).outside_reason == "The closing meeting, after the contract ended"


def test_a_booking_in_2031_needs_a_reason_and_one_within_the_contract_keeps_none():
    contract = ActiveContractFactory()
    with pytest.raises(ValidationError, match=f"after the contract ends on {long_date(contract.end_date)}"):
        contact(contract.case, at(date(2031, 3, 4)), outcome="", duration_minutes=None)
    within = contact(contract.case, at(TODAY + timedelta(days=7)), outcome="", duration_minutes=None, outside_reason="Ignored")
    assert Contact.objects.get(pk=within.pk).outside_reason == ""


def test_the_service_refuses_a_contact_before_the_case_was_allocated_without_a_reason():
    contract = ActiveContractFactory(start_date=TODAY - timedelta(weeks=2))
    allocated_on = contract.case.timeline.allocated_on
    with pytest.raises(ValidationError, match=f"The date is before the case was allocated on {long_date(allocated_on)}"):
        contact(contract.case, at(allocated_on - timedelta(days=1)))


def test_the_contact_page_asks_for_a_reason_only_when_the_date_is_outside_and_then_saves(client):
    contract = contract_ending_in(-3)
    day = contract.end_date + timedelta(days=1)
    url = reverse("contracts:contact_new", args=[contract.case_id])
    client.force_login(holder_of(contract.case))
    assert 'id="id_outside_reason"' not in client.get(url).content.decode()
    post = {"type": "face_to_face", **_date("day", day), "time": "10:00", "place": "Truro", "outcome": "attended",
            "duration_minutes": "30", "notes": "Closing meeting"}
    refused = client.post(url, post)
    assert_error_at(refused, "id_outside_reason", f"The date is after the contract ends on {long_date(contract.end_date)}: "
                                                  "enter why the contact is outside that period, or change the date")
    assert "Closing meeting</textarea>" in refused.content.decode()  # what was typed stays on the page
    assert not Contact.objects.filter(case=contract.case).exists()
    saved = client.post(url, {**post, "outside_reason": "The closing assessment, agreed with the supervisor"})
    assert saved.status_code == 302
    assert Contact.objects.get(case=contract.case).outside_reason == "The closing assessment, agreed with the supervisor"


def test_the_service_refuses_a_past_appointment_booked_without_its_outcome():
    contract = ActiveContractFactory()
    earlier = at(TODAY - timedelta(days=1), 14)
    with pytest.raises(ValidationError) as refused:
        contact(contract.case, earlier, outcome="", duration_minutes=None)
    assert refused.value.message_dict == {"outcome": [
        f"The contact on {timezone.localtime(earlier):%-d %B %Y at %H:%M} has already happened: select its outcome"]}
    assert not Contact.objects.filter(case=contract.case).exists()


def test_the_contact_page_shows_a_past_booking_without_outcome_at_the_outcome(client):
    contract = ActiveContractFactory()
    yesterday = TODAY - timedelta(days=1)
    client.force_login(holder_of(contract.case))
    response = client.post(reverse("contracts:contact_new", args=[contract.case_id]), {
        "type": "phone", **_date("day", yesterday), "time": "09:15", "place": "", "outcome": "", "duration_minutes": "",
        "notes": ""})
    assert_error_at(response, "id_outcome",
                    f"The contact on {yesterday:%-d %B %Y} at 09:15 has already happened: select its outcome")
    assert not Contact.objects.filter(case=contract.case).exists()


def test_the_service_and_page_refuse_an_outcome_before_the_appointments_time(client):
    booked = BookedContactFactory(starts_at=timezone.now() + timedelta(days=2))
    message = (f"The appointment is on {timezone.localtime(booked.starts_at):%-d %B %Y at %H:%M}: "
               "record its outcome once it has happened")
    with pytest.raises(ValidationError) as refused:
        contact_outcome_record(case_id=booked.case_id, user=booked.recorded_by, contact_id=booked.pk,
                               outcome="attended", duration_minutes=30, notes="")
    assert refused.value.message_dict == {"outcome": [message]}
    client.force_login(booked.recorded_by)
    response = client.post(reverse("contracts:contact_outcome", args=[booked.case_id, booked.pk]),
                           {"outcome": "attended", "duration_minutes": "30", "notes": "", "record_version": str(booked.version)})
    assert_error_at(response, "id_outcome_1", message)
    assert Contact.objects.get(pk=booked.pk).outcome == ""


# --- Non-compliance and new offences --------------------------------------------------------------------------------------


def new_offence(case, occurred_on) -> NonCompliance:
    return non_compliance_record(case_id=case.pk, user=holder_of(case), data={
        "kind": "new_offence", "occurred_on": occurred_on, "reasonable_excuse": False, "response": "propose_breach",
        "notes": "", "contact": None})


def test_a_new_offence_before_the_contract_is_not_counted_towards_breach():
    contract = ActiveContractFactory(start_date=TODAY - timedelta(weeks=2))
    with pytest.raises(ValidationError) as refused:
        new_offence(contract.case, contract.start_date - timedelta(days=1))
    assert refused.value.message_dict == {"occurred_on": [
        f"A new offence counts towards breach only if it was during the contract, from {long_date(contract.start_date)} "
        f"to {long_date(contract.end_date)}"]}
    contract.case.refresh_from_db()
    assert (contract.case.review_flag, NonCompliance.objects.filter(case=contract.case).exists()) == ("", False)
    new_offence(contract.case, contract.start_date)
    contract.case.refresh_from_db()
    assert "1 new offence(s)" in contract.case.review_flag


def test_a_new_offence_after_the_contract_ended_is_refused_at_the_field(client):
    contract = contract_ending_in(-2)
    client.force_login(holder_of(contract.case))
    response = client.post(reverse("contracts:non_compliance_new", args=[contract.case_id]), {
        "kind": "new_offence", **_date("occurred_on", TODAY), "reasonable_excuse": "no", "response": "propose_breach",
        "notes": ""})
    assert_error_at(response, "id_occurred_on_0", (
        f"A new offence counts towards breach only if it was during the contract, from {long_date(contract.start_date)} "
        f"to {long_date(contract.end_date)}"))
    assert not NonCompliance.objects.filter(case=contract.case).exists()


def test_a_missed_appointment_before_the_contract_started_is_refused():
    contract = ActiveContractFactory(start_date=TODAY - timedelta(weeks=1))
    with pytest.raises(ValidationError, match=f"on or after the contract started on {long_date(contract.start_date)}"):
        non_compliance_record(case_id=contract.case_id, user=holder_of(contract.case), data={
            "kind": "missed_appointment", "occurred_on": contract.start_date - timedelta(days=3), "reasonable_excuse": False,
            "response": "warning", "notes": "", "contact": None})


def test_a_crime_record_raised_outside_the_contract_does_not_flag_a_possible_breach():
    contract = ActiveContractFactory(start_date=TODAY - timedelta(weeks=1))
    offence = contract.case.crimes.get().offences.first()

    def crime_record(raised_on):
        return keyworker_action_record(case_id=contract.case_id, user=holder_of(contract.case), data={
            "kind": KeyworkerAction.Kind.CRIME_RECORD, "concern": "", "sent_to": "", "reference": "CR/9/26",
            "offence": offence, "raised_on": raised_on, "notes": ""})

    crime_record(contract.start_date - timedelta(days=2))
    assert Case.objects.get(pk=contract.case_id).review_flag == ""
    crime_record(TODAY)
    assert Case.objects.get(pk=contract.case_id).review_flag.startswith("New crime record CR/9/26")
