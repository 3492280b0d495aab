"""Appointments as they really go: moved, cancelled, their outcome recorded late, double bookings, and the list of
past appointments still without an outcome."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStateError
from contracts import selectors
from contracts.models import Contact, NonCompliance
from contracts.services.contacts import contact_cancel, contact_outcome_record, contact_reschedule, non_compliance_record
from contracts.tests.factories import ActiveContractFactory, BookedContactFactory, holder_of
from oocr.concurrency.services import EditConflict
from oocr.notifications.models import Delivery

pytestmark = pytest.mark.django_db


def booked(*, in_hours: float = 24, **kwargs) -> Contact:
    return BookedContactFactory(starts_at=timezone.now() + timedelta(hours=in_hours), **kwargs)


def test_moving_an_appointment_keeps_when_it_was_first_booked_and_texts_the_person_neutral_words():
    contact = booked()
    case, holder = contact.case, holder_of(contact.case)
    case.person.preferred_contact, case.person.phone = "text", "07700 900123"
    case.person.save()
    first = contact.starts_at
    moved, told = contact_reschedule(case_id=case.pk, user=holder, contact_id=contact.pk,
                                     starts_at=first + timedelta(days=2), reason="The person starts a job",
                                     read_version=contact.version)
    assert told
    assert (moved.first_booked_for, moved.starts_at, moved.times_moved) == (first, first + timedelta(days=2), 1)
    assert moved.history.count() == 2  # the booking and the move, each kept
    assert case.events.filter(text__startswith="Appointment moved from", text__endswith="The person starts a job").exists()
    [message] = Delivery.objects.filter(person=case.person)
    assert (message.channel, message.recipient) == ("sms", "07700 900123")
    assert "has moved to" in message.body
    for private in (case.crimes.get().reference, "offence", "police", "court", "scheme", case.person.last_name):
        assert private.lower() not in message.body.lower()
    contact_reschedule(case_id=case.pk, user=holder, contact_id=contact.pk, starts_at=first + timedelta(days=3),
                       reason="Again")
    moved.refresh_from_db()
    assert (moved.first_booked_for, moved.times_moved) == (first, 2)  # the first booking is not forgotten
    assert Delivery.objects.filter(person=case.person).count() == 2


def test_a_person_who_prefers_a_phone_call_and_agreed_to_no_reminders_is_not_sent_anything():
    contact = booked()
    case = contact.case
    case.person.preferred_contact, case.person.reminders_by = "phone", ""
    case.person.save()
    _, told = contact_reschedule(case_id=case.pk, user=holder_of(case), contact_id=contact.pk,
                                 starts_at=contact.starts_at + timedelta(hours=3), reason="Clash with college")
    assert not told and not Delivery.objects.filter(person=case.person).exists()


def test_a_move_over_a_version_not_read_is_refused_and_changes_nothing():
    contact = booked()
    case, holder = contact.case, holder_of(contact.case)
    read = contact.version
    contact_reschedule(case_id=case.pk, user=holder, contact_id=contact.pk,
                       starts_at=contact.starts_at + timedelta(days=1), reason="First tab", read_version=read)
    with pytest.raises(EditConflict):
        contact_reschedule(case_id=case.pk, user=holder, contact_id=contact.pk,
                           starts_at=contact.starts_at + timedelta(days=5), reason="Second tab", read_version=read)
    assert Contact.objects.get(pk=contact.pk).starts_at == contact.starts_at + timedelta(days=1)


def test_an_appointment_whose_time_has_passed_is_not_moved_but_given_its_outcome():
    contact = BookedContactFactory()  # two hours ago
    with pytest.raises(ValidationError, match="record its outcome instead"):
        contact_reschedule(case_id=contact.case_id, user=holder_of(contact.case), contact_id=contact.pk,
                           starts_at=timezone.now() + timedelta(days=1), reason="Forgot")


def test_a_move_onto_another_of_the_keyworkers_appointments_warns_and_goes_ahead_once_confirmed():
    contact = booked()
    holder = holder_of(contact.case)
    other = booked(in_hours=48, case=ActiveContractFactory(case__keyworker=holder).case)
    with pytest.raises(ValidationError) as warned:
        contact_reschedule(case_id=contact.case_id, user=holder, contact_id=contact.pk,
                           starts_at=other.starts_at + timedelta(minutes=30), reason="Later in the week")
    assert warned.value.error_dict["time"][0].code == "double_booking"
    assert other.case.number in warned.value.message_dict["time"][0]
    assert Contact.objects.get(pk=contact.pk).times_moved == 0
    contact_reschedule(case_id=contact.case_id, user=holder, contact_id=contact.pk, book_anyway=True,
                       starts_at=other.starts_at + timedelta(minutes=30), reason="Later in the week")
    assert Contact.objects.get(pk=contact.pk).starts_at == other.starts_at + timedelta(minutes=30)


def test_a_cancelled_appointment_keeps_its_reason_needs_no_outcome_and_cannot_be_moved():
    contact = booked()
    case, holder = contact.case, holder_of(contact.case)
    with pytest.raises(ValidationError, match="Enter why"):
        contact_cancel(case_id=case.pk, user=holder, contact_id=contact.pk, reason=" ")
    cancelled, _ = contact_cancel(case_id=case.pk, user=holder, contact_id=contact.pk, reason="In hospital")
    assert (cancelled.cancel_reason, cancelled.cancelled_by, cancelled.is_booked) == ("In hospital", holder, False)
    assert case.events.filter(text__contains="cancelled: In hospital").exists()
    with pytest.raises(CaseStateError, match="was cancelled"):
        contact_reschedule(case_id=case.pk, user=holder, contact_id=contact.pk,
                           starts_at=contact.starts_at + timedelta(days=1), reason="x")
    with pytest.raises(CaseStateError, match="was cancelled"):
        contact_cancel(case_id=case.pk, user=holder, contact_id=contact.pk, reason="Twice")


def test_an_outcome_recorded_days_later_says_so_on_the_timeline_and_leaves_the_list():
    contact = BookedContactFactory(starts_at=timezone.now() - timedelta(days=3))
    case, holder = contact.case, holder_of(contact.case)
    assert list(selectors.appointments_without_outcome(user=holder)) == [contact]
    contact_outcome_record(case_id=case.pk, user=holder, contact_id=contact.pk, outcome="attended",
                           duration_minutes=40, notes="Went well", read_version=contact.version)
    event = case.events.filter(text__contains="recorded late").get()
    assert f"recorded late, on {timezone.localdate():%-d %B %Y}" in event.text
    assert list(selectors.appointments_without_outcome(user=holder)) == []
    with pytest.raises(CaseStateError, match="recorded already"):
        contact_outcome_record(case_id=case.pk, user=holder, contact_id=contact.pk, outcome="late",
                               duration_minutes=None, notes="")


def test_the_list_holds_only_the_keyworkers_own_past_appointments_without_an_outcome(django_assert_max_num_queries):
    mine = BookedContactFactory(starts_at=timezone.now() - timedelta(days=2))
    holder = holder_of(mine.case)
    older = BookedContactFactory(case=ActiveContractFactory(case__keyworker=holder).case,
                                 starts_at=timezone.now() - timedelta(days=5))
    booked(case=mine.case)  # still to come
    BookedContactFactory(case=mine.case, outcome="attended", starts_at=timezone.now() - timedelta(days=1))
    cancelled = BookedContactFactory(case=mine.case, starts_at=timezone.now() - timedelta(hours=5))
    contact_cancel(case_id=mine.case_id, user=holder, contact_id=cancelled.pk, reason="Called off")
    BookedContactFactory()  # another keyworker's
    assert list(selectors.appointments_without_outcome(user=holder)) == [older, mine]
    from django.test import Client

    client = Client()
    client.force_login(holder)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("contracts:appointments_without_outcome"))
    assert page.status_code == 200
    assert list(page.context["appointments"]) == [older, mine]
    assert reverse("contracts:contact_outcome", args=[mine.case_id, mine.pk]) in page.content.decode()


def test_a_non_compliance_names_the_appointment_of_its_own_case_only():
    contact = BookedContactFactory(outcome="absent_unacceptable")
    case, holder = contact.case, holder_of(contact.case)
    data = {"kind": "missed_appointment", "occurred_on": timezone.localdate(), "reasonable_excuse": False,
            "response": "warning", "notes": ""}
    with pytest.raises(ValidationError, match="this case's appointments"):
        non_compliance_record(case_id=case.pk, user=holder, data={**data, "contact": BookedContactFactory().pk})
    event = non_compliance_record(case_id=case.pk, user=holder, data={**data, "contact": contact.pk})
    assert event.contact == contact
    condition = case.contract.conditions.exclude(kind="standard").get()
    event = non_compliance_record(case_id=case.pk, user=holder, data={
        **data, "kind": "condition_not_met", "condition": condition.pk})
    assert event.condition == condition
    assert NonCompliance.objects.filter(case=case).count() == 2


def test_choosing_to_extend_opens_the_extension_with_the_reason_filled_in():
    contact = BookedContactFactory(outcome="absent_unacceptable")
    case, holder = contact.case, holder_of(contact.case)
    from django.test import Client

    from oocr.tests.concurrency import one_time_token

    client = Client()
    client.force_login(holder)
    day = timezone.localdate()
    response = client.post(reverse("contracts:non_compliance_new", args=[case.pk]), {
        "kind": "missed_appointment", "occurred_on_0": day.day, "occurred_on_1": day.month, "occurred_on_2": day.year,
        "contact": contact.pk, "reasonable_excuse": "yes", "response": "extension", "notes": "In hospital that week",
        **one_time_token()})
    event = NonCompliance.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == reverse("contracts:variation_new", args=[case.pk]) + f"?non_compliance={event.pk}"
    form = client.get(response.url).context["form"]
    assert form.initial["kind"] == "extension"
    assert form.initial["reason"].startswith(f"Missed appointment on {day:%-d %B %Y} (the appointment of ")
    assert form.initial["reason"].endswith("reasonable excuse. In hospital that week")
