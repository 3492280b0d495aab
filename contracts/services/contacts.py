"""Writes of contacts and compliance: appointments booked, held, moved and cancelled (the person told by text or
email), contacts logged, and each non-compliance decided."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.services import case_lock
from contracts.models import Condition, Contact, NonCompliance
from contracts.selectors import keyworker_appointments, scheme_settings
from oocr.concurrency.services import ANY_VERSION, version_bump
from oocr.notifications.services import delivery_queue


APPOINTMENT_MINUTES_IF_UNKNOWN = 60


def appointment_clash(*, keyworker, contact: Contact) -> Contact | None:
    """Another booked appointment of the keyworker's that overlaps this one (each lasting its duration, or an hour)."""
    length = timedelta(minutes=contact.duration_minutes or APPOINTMENT_MINUTES_IF_UNKNOWN)
    nearby = keyworker_appointments(keyworker=keyworker, start=contact.starts_at - timedelta(hours=10),
                                    end=contact.starts_at + length).filter(outcome="", cancelled_at=None)
    return next((other for other in nearby if other.pk != contact.pk
                 and other.starts_at + timedelta(minutes=other.duration_minutes or APPOINTMENT_MINUTES_IF_UNKNOWN)
                 > contact.starts_at), None)


@transaction.atomic
def contact_record(*, case_id: int, user, data: dict, book_anyway: bool = True) -> Contact:
    """Book an appointment (no outcome yet) or log a contact that happened (with its outcome).

    A booking at the same time as another of the keyworker's appointments is refused
    at the time, naming the other one, unless `book_anyway` (the keyworker confirmed).
    """
    case = case_lock(case_id=case_id)
    if case.status not in Case.CONTACT_ALLOWED:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so no contact can be recorded.")
    contact = Contact(case=case, recorded_by=user, **data)
    timeline = case.timeline
    if contact.outcome and contact.starts_at > timezone.now():
        raise ValidationError({"outcome": "An appointment in the future has no outcome yet: leave it blank"})
    if not contact.outcome and contact.starts_at <= timezone.now():
        raise ValidationError({"outcome": (
            f"The contact on {timezone.localtime(contact.starts_at):%-d %B %Y at %H:%M} has already happened: select its outcome"
        )})
    day = timezone.localdate(contact.starts_at)
    timeline.check_appointment(day, reason=contact.outside_reason)
    # A reason is kept only where the contact needed one.
    contact.outside_reason = contact.outside_reason.strip() if timeline.appointment_outside(day) else ""
    if Contact.objects.filter(case=case, starts_at=contact.starts_at, type=contact.type).exists():
        at = timezone.localtime(contact.starts_at)
        raise ValidationError({"time": ValidationError(  # the page sent again (the back button and Save): one record
            f"This case has a {contact.get_type_display().lower()} contact at {at:%H:%M} on {at:%-d %B %Y} recorded "
            "already: open it from the list of contacts, or change the time", code="duplicate_contact")})
    if not (book_anyway or contact.outcome):
        _clash_refuse(appointment_clash(keyworker=user, contact=contact))
    contact.full_clean()
    contact.save()
    if contact.outcome:
        _contact_logged(case, contact, user)
    return contact


def _booked_contact(case: Case, contact_id: int) -> Contact:
    contact = Contact.objects.select_for_update().filter(pk=contact_id, case=case).first()
    if contact is None:
        raise CaseStateError(f"That appointment is not one of case {case.number}'s. Nothing was changed.")
    return contact


@transaction.atomic
def contact_outcome_record(*, case_id: int, user, contact_id: int, outcome: str, duration_minutes, notes: str,
                           read_version=ANY_VERSION) -> Contact:
    """Record how a booked appointment went, on the day or later (a late outcome says when it was recorded)."""
    case = case_lock(case_id=case_id)
    contact = _booked_contact(case, contact_id)
    version_bump(contact, read_version=read_version, user=user)
    now = timezone.now()
    contact.record_outcome(outcome=outcome, duration_minutes=duration_minutes, notes=notes, now=now)
    contact.full_clean()
    contact.save()
    _contact_logged(case, contact, user, late=timezone.localdate(contact.starts_at) < timezone.localdate(now))
    return contact


def person_channel(person) -> tuple[str, str]:
    """How to send the person a message about their appointments: by the way they prefer to be contacted when it
    is a text or an email, else by the reminders they agreed to; ("", "") when neither can be sent."""
    preferred = {"text": "sms", "email": "email"}.get(person.preferred_contact, "") or person.reminders_by
    address = person.phone if preferred == "sms" else person.email if preferred == "email" else ""
    return (preferred, address) if address else ("", "")


def _person_told(case: Case, contact: Contact, *, key: str, text: str) -> bool:
    """A text or email to the person about their appointment: neutral words (the phone may be shared), never the
    offence or the scheme. False when it cannot be sent (no channel), for the keyworker to tell them."""
    channel, address = person_channel(case.person)
    if not channel:
        return False
    delivery_queue(key=key, channel=channel, template="person_appointment_changed", recipient=address,
                   body=f"{settings.PERSON_MESSAGE_OPENING}: {text}", subject=settings.PERSON_EMAIL_SUBJECT,
                   person_id=case.person_id)
    return True


@transaction.atomic
def contact_reschedule(*, case_id: int, user, contact_id: int, starts_at, reason: str, book_anyway: bool = False,
                       read_version=ANY_VERSION) -> tuple[Contact, bool]:
    """Move a booked appointment to a new time, over the version the keyworker read, and tell the person.

    The move is kept (the contact's history and the timeline: from when, to when, why). A new time that overlaps
    another of the keyworker's appointments is refused, naming it, unless `book_anyway`. Returns the contact and
    whether the person was sent a message.
    """
    case = case_lock(case_id=case_id)
    if case.status not in Case.CONTACT_ALLOWED:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so its appointments cannot move.")
    contact = _booked_contact(case, contact_id)
    version_bump(contact, read_version=read_version, user=user)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the appointment is moving"})
    before = contact.starts_at
    contact.reschedule(to=starts_at, now=timezone.now())
    case.timeline.check_appointment(timezone.localdate(starts_at), reason=contact.outside_reason)
    if not book_anyway:
        _clash_refuse(appointment_clash(keyworker=user, contact=contact))
    contact.full_clean()
    contact.save()
    old, new = timezone.localtime(before), timezone.localtime(contact.starts_at)
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CONTACT,
                             text=f"Appointment moved from {old:%-d %B %Y %H:%M} to {new:%-d %B %Y %H:%M}: {reason.strip()}")
    told = _person_told(case, contact, key=f"appointment_moved:contact{contact.pk}:{contact.times_moved}", text=(
        f"your appointment with your keyworker on {old:%A %-d %B} at {old:%H:%M} has moved to {new:%A %-d %B} at "
        f"{new:%H:%M}{', at ' + contact.place if contact.place else ''}. If you cannot come, contact your keyworker before then."
    ))
    return contact, told


@transaction.atomic
def contact_cancel(*, case_id: int, user, contact_id: int, reason: str, read_version=ANY_VERSION) -> tuple[Contact, bool]:
    """Cancel a booked appointment with a reason: it stays on the list, marked cancelled, and the person is told."""
    case = case_lock(case_id=case_id)
    contact = _booked_contact(case, contact_id)
    version_bump(contact, read_version=read_version, user=user)
    now = timezone.now()
    contact.cancel(by=user, at=now, reason=reason)
    contact.save()
    at = timezone.localtime(contact.starts_at)
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CONTACT,
                             text=f"Appointment on {at:%-d %B %Y %H:%M} cancelled: {contact.cancel_reason}")
    told = contact.starts_at > now and _person_told(case, contact, key=f"appointment_cancelled:contact{contact.pk}", text=(
        f"your appointment with your keyworker on {at:%A %-d %B} at {at:%H:%M} is cancelled. "
        "Your keyworker will contact you about the next one."
    ))
    return contact, told


def _clash_refuse(clash: Contact | None) -> None:
    if clash is not None:
        at = timezone.localtime(clash.starts_at)
        raise ValidationError({"time": ValidationError(
            f"You already have an appointment at {at:%H:%M} on {at:%-d %B %Y} (case {clash.case.number}): "
            "choose another time, or tick the box to book both", code="double_booking")})


def _contact_logged(case: Case, contact: Contact, user, *, late: bool = False) -> None:
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.CONTACT,
        text=f"{contact.get_type_display()} on {timezone.localtime(contact.starts_at):%-d %B %Y %H:%M}: {contact.get_outcome_display().lower()}"
        + (f" (recorded late, on {timezone.localdate():%-d %B %Y})" if late else ""),
    )


@transaction.atomic
def non_compliance_record(*, case_id: int, user, data: dict) -> NonCompliance:
    """Decide one event of non-compliance: reasonable excuse or not, and the response.

    Unacceptable absences or new offences reaching the scheme's threshold flag
    the case for a supervisor's review; a proposed breach goes to a supervisor.
    """
    case = case_lock(case_id=case_id)
    if case.status != Case.Status.ACTIVE:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}: non-compliance is about an active contract.")
    data = dict(data)
    contact_id, condition_id = data.pop("contact", None), data.pop("condition", None)
    event = NonCompliance(case=case, decided_by=user, **data)
    # What it is about: one of this case's appointments, or one of its contract's conditions, never another case's.
    if contact_id is not None:
        event.contact = case.contacts.filter(pk=contact_id).first()
        if event.contact is None:
            raise ValidationError({"contact": "Choose one of this case's appointments"})
    if condition_id is not None:
        event.condition = Condition.objects.filter(contract__case=case, pk=condition_id).first()
        if event.condition is None:
            raise ValidationError({"condition": "Choose one of this contract's conditions"})
    case.timeline.check_non_compliance(event.occurred_on, new_offence=event.kind == NonCompliance.Kind.NEW_OFFENCE)
    if event.reasonable_excuse and event.response == NonCompliance.Response.PROPOSE_BREACH:
        raise ValidationError({"response": "With a reasonable excuse, the response cannot be a breach"})
    if NonCompliance.objects.filter(case=case, kind=event.kind, occurred_on=event.occurred_on, contact=event.contact,
                                    condition=event.condition, reasonable_excuse=event.reasonable_excuse, response=event.response,
                                    notes=event.notes.strip()).exists():
        # The page sent again (the back button and Save): counted once towards the breach threshold, not twice.
        raise ValidationError({"occurred_on": f"This {event.get_kind_display().lower()} on {event.occurred_on:%-d %B %Y} is "
                                              "recorded already: see the case's history, or change the date"})
    event.full_clean()
    event.save()
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.NON_COMPLIANCE,
        text=f"{event.get_kind_display()} on {event.occurred_on:%-d %B %Y}: "
        + (f"{event.condition.description[:80]}: " if event.condition else "")
        + ("reasonable excuse" if event.reasonable_excuse else "no reasonable excuse")
        + f"; {event.get_response_display().lower()}",
    )
    settings = scheme_settings()
    unexcused = case.non_compliance.filter(reasonable_excuse=False)
    absences = unexcused.filter(kind=NonCompliance.Kind.MISSED_APPOINTMENT).count()
    offences = case.non_compliance.filter(kind=NonCompliance.Kind.NEW_OFFENCE).count()
    if absences >= settings.unacceptable_absences_threshold or offences >= settings.new_offences_threshold:
        case.review_flag = f"{absences} unacceptable absence(s), {offences} new offence(s): supervisor review"
        case.save(update_fields=["review_flag", "updated_at"])
    return event
