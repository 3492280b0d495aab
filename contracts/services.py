"""Writes of case work: needs assessments and keyworker actions."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.services import case_lock, officer_email_queue
from contracts.models import (
    ClosureProposal, Condition, ConditionKind, ConditionTemplate, Contact, Contract, ContractDecision, KeyworkerAction,
    NeedDomain,
    NeedsAssessment, NeedScore, NonCompliance, SchemeSettings, TAILORED_KINDS, VariationProposal,
)
from contracts.selectors import contract_sign_blocker, keyworker_appointments, scheme_settings
from oocr.concurrency.services import ANY_VERSION, version_bump

# When each assessment may be recorded: the first before and during the contract, the closing one at its end.
ASSESSMENT_STATES = {
    NeedsAssessment.Kind.BASELINE: (Case.Status.ASSESSMENT, Case.Status.ACTIVE),
    NeedsAssessment.Kind.CLOSING: (Case.Status.ACTIVE,),
}


def assessments_open(case: Case) -> list[str]:
    """The kinds of needs assessment the case's stage allows recording now."""
    return [kind for kind, states in ASSESSMENT_STATES.items() if case.status in states]


@transaction.atomic
def needs_assessment_record(*, case_id: int, user, kind: str, data: dict, scores: dict[int, dict],
                            read_version=ANY_VERSION) -> NeedsAssessment:
    """Record (or correct) the first or the closing assessment: every active domain scored 0 to 3.

    `scores` maps a NeedDomain id to {"score", "notes", "safeguarding"}. A
    safeguarding concern ticked on any domain goes on the timeline, and the
    page then prompts the keyworker to raise a safeguarding alert. A correction
    is made over the version the keyworker read (`read_version`, None when the
    page showed no assessment yet), or refused.
    """
    case = case_lock(case_id=case_id)
    if kind not in assessments_open(case):
        label = NeedsAssessment.Kind(kind).label.lower()
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so its {label} cannot be recorded.")
    domains = list(NeedDomain.objects.filter(is_active=True))
    missing = [domain.name for domain in domains if domain.pk not in scores]
    if missing:
        raise ValidationError(f"Score every need domain: {', '.join(missing)} not scored")
    assessment, created = NeedsAssessment.objects.get_or_create(
        case=case, kind=kind, defaults={"recorded_by": user, **data}
    )
    if not created:
        version_bump(assessment, read_version=read_version, user=user)
        for field, value in data.items():
            setattr(assessment, field, value)
        assessment.recorded_by = user
        assessment.save()
    assessment.scores.all().delete()
    NeedScore.objects.bulk_create(
        NeedScore(assessment=assessment, domain=domain, **scores[domain.pk]) for domain in domains
    )
    concerns = [domain.name for domain in domains if scores[domain.pk].get("safeguarding")]
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.ASSESSMENT, text=assessment.get_kind_display())
    if concerns:
        CaseEvent.objects.create(
            case=case, by=user, kind=CaseEvent.Kind.SAFEGUARDING, text=f"Concern noted in: {', '.join(concerns)}"
        )
    return assessment


@transaction.atomic
def keyworker_action_record(*, case_id: int, user, data: dict) -> KeyworkerAction:
    """Record a safeguarding alert, intelligence submission or new crime record raised about the person."""
    case = case_lock(case_id=case_id)
    if case.is_closed:
        raise CaseStateError(f"Case {case.number} is closed, so nothing more can be recorded on it.")
    action = KeyworkerAction(case=case, recorded_by=user, **data)
    if action.raised_on > timezone.localdate():
        raise ValidationError({"raised_on": "The date must be today or in the past"})
    if action.kind == KeyworkerAction.Kind.SAFEGUARDING and not action.concern:
        raise ValidationError({"concern": "Select what the safeguarding concern is about"})
    if action.kind == KeyworkerAction.Kind.CRIME_RECORD and not (action.reference and action.offence_id):
        raise ValidationError({"reference": "Enter the crime reference and the offence of the new crime record"})
    if KeyworkerAction.objects.filter(case=case, kind=action.kind, raised_on=action.raised_on, concern=action.concern,
                                      reference=action.reference, sent_to=action.sent_to).exists():
        # The page sent again (the back button and Save): one record, not two.
        raise ValidationError({"raised_on": f"This {action.get_kind_display().lower()} on {action.raised_on:%-d %B %Y} is "
                                            "recorded already: see the case's history, or change the date"})
    action.full_clean()
    action.save()
    if (action.kind == KeyworkerAction.Kind.CRIME_RECORD and case.status == Case.Status.ACTIVE
            and case.timeline.in_contract(action.raised_on)):
        # A new offence during the contract may be a breach: a supervisor looks at it. One dated outside it is not counted.
        case.review_flag = f"New crime record {action.reference} raised during the contract: possible breach"
        case.save(update_fields=["review_flag", "updated_at"])
    kind = CaseEvent.Kind.SAFEGUARDING if action.kind == KeyworkerAction.Kind.SAFEGUARDING else CaseEvent.Kind.ACTION
    CaseEvent.objects.create(
        case=case, by=user, kind=kind,
        text=f"{action.get_kind_display()}" + (f": {action.reference}" if action.reference else ""),
    )
    return action


STANDARD_CONDITION = "You will not commit any offence during the contract."


def _draft_contract(case: Case) -> Contract:
    contract = Contract.objects.select_for_update().filter(case=case).first()
    if contract is None or contract.status != Contract.Status.DRAFT:
        raise CaseStateError(f"Case {case.number} has no draft contract to change: it has been agreed already.")
    return contract


APPOINTMENT_MINUTES_IF_UNKNOWN = 60


def appointment_clash(*, keyworker, contact: Contact) -> Contact | None:
    """Another booked appointment of the keyworker's that overlaps this one (each lasting its duration, or an hour)."""
    length = timedelta(minutes=contact.duration_minutes or APPOINTMENT_MINUTES_IF_UNKNOWN)
    nearby = keyworker_appointments(keyworker=keyworker, start=contact.starts_at - timedelta(hours=10),
                                    end=contact.starts_at + length).filter(outcome="", cancelled_at=None)
    return next((other for other in nearby if other.pk != contact.pk
                 and other.starts_at + timedelta(minutes=other.duration_minutes or APPOINTMENT_MINUTES_IF_UNKNOWN)
                 > contact.starts_at), None)


def _draft_changed(contract: Contract, *, user) -> None:
    """A condition added or removed changes the draft: its version moves on (and its history says who and when)."""
    version_bump(contract, read_version=ANY_VERSION, user=user)
    contract.save(update_fields=["version"])


@transaction.atomic
def contract_draft_start(*, case_id: int, user) -> Contract:
    """Start drafting the contract of a case in assessment, with the standard condition not to reoffend."""
    case = case_lock(case_id=case_id)
    if case.status != Case.Status.ASSESSMENT:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so a contract cannot be drafted.")
    contract, created = Contract.objects.get_or_create(
        case=case, defaults={"created_by": user, "weeks": scheme_settings().contract_weeks}
    )
    if created:
        Condition.objects.create(contract=contract, kind=ConditionKind.STANDARD, description=STANDARD_CONDITION)
    return contract


def unpaid_work_hours_set(contract: Contract, *, besides: Condition | None = None) -> int:
    """The hours of unpaid work the contract's conditions set, `besides` one (being added or varied): varied and
    withdrawn conditions no longer count."""
    conditions = contract.conditions.filter(Condition.UNPAID_WORK, hours_required__isnull=False).exclude(
        status__in=(Condition.Status.VARIED, Condition.Status.WITHDRAWN))
    if besides is not None and besides.pk:
        conditions = conditions.exclude(pk=besides.pk)
    return conditions.aggregate(hours=Sum("hours_required"))["hours"] or 0


def condition_check(condition: Condition, *, settings: SchemeSettings, unpaid_hours_set: int = 0) -> None:
    """The scheme's rules for one condition (domain.md section 5), each with a message a keyworker can act on.

    `unpaid_hours_set`: the unpaid work the contract's other conditions set, which counts towards the same cap.
    """
    errors = {}
    template = condition.template
    if condition.kind not in dict(TAILORED_KINDS):
        errors["kind"] = "Select the kind of condition"
    if not condition.description.strip():
        errors["description"] = "Describe the condition in plain words for the person"
    if not (condition.due_date or condition.recurrence.strip()):
        errors["due_date"] = "Enter a due date, or how often it repeats"
    if condition.kind == ConditionKind.REHABILITATIVE and not condition.need_domain_id:
        errors["need_domain"] = "Choose the need this condition addresses"
    if condition.kind == ConditionKind.RESTRICTIVE and not condition.target.strip():
        errors["target"] = "Name the person or place the restriction is about"
    if condition.kind == ConditionKind.RESTORATIVE and (condition.victim_id or (template and template.involves_victim)):
        if condition.victim is None:
            errors["victim"] = "Choose the victim this condition involves"
        elif condition.victim.restorative_consent != "yes":
            errors["victim"] = f"{condition.victim.name} has not consented to a restorative approach: ask them first"
    cap = settings.unpaid_work_hours_cap
    if template and template.is_unpaid_work and not condition.hours_required:
        errors["hours_required"] = "Enter the number of hours of unpaid work"
    elif condition.is_unpaid_work and condition.hours_required and condition.hours_required + unpaid_hours_set > cap:
        errors["hours_required"] = unpaid_work_over_cap(cap=cap, hours_set=unpaid_hours_set)
    # Likewise an amount: the library's compensation template asks for one; written from scratch, compensation makes
    # good the harm, so only a reparative condition may carry one.
    compensation = template.needs_amount if template else condition.kind == ConditionKind.REPARATIVE
    if template and template.needs_amount and condition.amount is None:
        errors["amount"] = "Enter the amount of compensation, in pounds"
    elif condition.amount is not None and not compensation:
        errors["amount"] = "Only a condition to pay compensation has an amount: leave the amount empty"
    if errors:
        raise ValidationError(errors)


def unpaid_work_over_cap(*, cap: int, hours_set: int) -> str:
    """Why more unpaid work is refused: the cap is the contract's, whatever the number of conditions."""
    if not hours_set:
        return f"Unpaid work can be at most {cap} hours"
    if hours_set >= cap:
        return (f"Unpaid work can be at most {cap} hours on a contract, and its other conditions set {hours_set} hours "
                f"already: it cannot take more unpaid work")
    return (f"Unpaid work can be at most {cap} hours on a contract, and its other conditions set {hours_set} hours "
            f"already: enter {cap - hours_set} hours or fewer")


@transaction.atomic
def condition_add(*, case_id: int, user, template: ConditionTemplate | None, data: dict) -> Condition:
    """Add a condition to a draft contract: a template from the library tailored for this person, or, with no
    template, one the keyworker writes from scratch (`data` then holds its kind)."""
    case = case_lock(case_id=case_id)
    contract = _draft_contract(case)
    _draft_changed(contract, user=user)
    data = dict(data)
    kind = template.kind if template else data.pop("kind", "")
    condition = Condition(contract=contract, template=template, kind=kind, **data)
    condition_check(condition, settings=scheme_settings(), unpaid_hours_set=unpaid_work_hours_set(contract))
    if condition.due_date:
        case.timeline.check_condition_due(condition.due_date)
    same = contract.conditions.filter(kind=condition.kind, description__iexact=condition.description.strip(),
                                      due_date=condition.due_date, hours_required=condition.hours_required,
                                      recurrence=condition.recurrence)
    if same.exists():  # the page sent again (the back button and Save): one condition, not two
        raise ValidationError({"description": "This condition is on the contract already, with the same words and due date: "
                                              "change them to add another"})
    condition.full_clean()
    condition.save()
    return condition


@transaction.atomic
def condition_edit(*, case_id: int, user, condition_id: int, data: dict, read_version=ANY_VERSION) -> Condition:
    """Change a tailored condition of the draft, over the version the keyworker read. Once the person has agreed
    the contract its conditions are locked: they change only by a variation a supervisor approves."""
    case = case_lock(case_id=case_id)
    contract = _draft_contract(case)
    condition = contract.conditions.select_for_update().exclude(kind=ConditionKind.STANDARD).filter(pk=condition_id).first()
    if condition is None:
        raise CaseStateError("That condition cannot be changed: the standard condition not to reoffend stays as it is.")
    version_bump(condition, read_version=read_version, user=user)
    data = dict(data)
    kind = data.pop("kind", None)
    if condition.template_id is None and kind:
        condition.kind = kind
    for field, value in data.items():
        setattr(condition, field, value)
    condition_check(condition, settings=scheme_settings(), unpaid_hours_set=unpaid_work_hours_set(contract, besides=condition))
    if condition.due_date:
        case.timeline.check_condition_due(condition.due_date)
    condition.full_clean()
    condition.save()
    _draft_changed(contract, user=user)
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CONDITION,
                             text=f"Draft condition changed: {condition.description[:80]}")
    return condition


@transaction.atomic
def condition_remove(*, case_id: int, user, condition_id: int) -> None:
    case = case_lock(case_id=case_id)
    contract = _draft_contract(case)
    _draft_changed(contract, user=user)
    removed, _ = contract.conditions.exclude(kind=ConditionKind.STANDARD).filter(pk=condition_id).delete()
    if not removed:
        raise CaseStateError("That condition cannot be removed: the standard condition not to reoffend always stays.")


@transaction.atomic
def contract_sign(*, case_id: int, user, signed_on, agreement: str, read_version=ANY_VERSION) -> Contract:
    """Record the person's agreement: the contract starts on the day they signed.

    Where the scheme requires it, the contract waits for a supervisor's approval
    and the case starts when it is approved. `read_version` is the draft's version
    the keyworker read: a condition added or removed since refuses the signing.
    """
    case = case_lock(case_id=case_id)
    contract = _draft_contract(case)
    version_bump(contract, read_version=read_version, user=user)
    if blocker := contract_sign_blocker(case=case):
        raise CaseStateError(blocker)
    if not contract.conditions.exclude(kind=ConditionKind.STANDARD).exists():
        raise ValidationError("Add at least one condition tailored to the person before agreeing the contract")
    timeline = case.timeline
    timeline.check_contract_signed(signed_on)
    timeline.check_conditions_at_signing(signed_on, list(contract.conditions.values_list("due_date", flat=True)))
    # A contract a supervisor sent back goes back to them, even where the scheme does not ask approval of each contract.
    sent_back = contract.decisions.exclude(decision=ContractDecision.Decision.APPROVED).exists()
    contract.sign(on=signed_on, agreement=agreement,
                  approval_required=scheme_settings().contract_approval_required or sent_back)
    contract.full_clean()
    if contract.status == Contract.Status.ACTIVE:
        case.start_contract()
        case.save(update_fields=["status", "updated_at"])
    contract.save()
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.CONTRACT,
        text=f"{contract.get_agreement_display()} on {signed_on:%-d %B %Y}; ends {contract.end_date:%-d %B %Y}"
        + (". Waiting for a supervisor's approval" if contract.status == Contract.Status.AWAITING_APPROVAL else ""),
    )
    if contract.status == Contract.Status.AWAITING_APPROVAL:
        _waiting_tell(case, user=user, kind="contract_waiting", event=f"contract{contract.pk}v{contract.version}", contract=contract)
    return contract


@transaction.atomic
def contract_approve(*, case_id: int, user) -> Contract:
    """A supervisor approves a signed contract; the case becomes active (`contract_decide` without comments)."""
    return contract_decide(case_id=case_id, user=user, decision=ContractDecision.Decision.APPROVED)


@transaction.atomic
def contract_decide(*, case_id: int, user, decision: str, comments: str = "", read_version=ANY_VERSION) -> Contract:
    """A supervisor approves, refuses or returns a signed contract, over the version they read, with comments.

    Approved: active from the day it was signed, and the case with it. Refused or returned (comments needed): a draft
    again, for the keyworker to revise, agree again with the person and resubmit. Each decision is kept
    (ContractDecision, shown on the contract page) and on the timeline, and the case's keyworker is told at once.
    """
    comments = comments.strip()
    Decision = ContractDecision.Decision
    if decision not in Decision.values:
        raise ValidationError({"decision": "Select approve, refuse or return"})
    if decision != Decision.APPROVED and not comments:
        raise ValidationError({"comments": "Enter your comments for the keyworker: what must change, or why not"})
    case = case_lock(case_id=case_id)
    contract = Contract.objects.select_for_update().get(case=case)
    if decision == Decision.APPROVED:
        contract.approve(by=user, at=timezone.now())
    else:
        contract.send_back()
    version_bump(contract, read_version=read_version, user=user)
    contract.save()
    if decision == Decision.APPROVED:
        case.start_contract()
        case.save(update_fields=["status", "updated_at"])
    decision_record = ContractDecision.objects.create(contract=contract, decision=decision, comments=comments, by=user)
    kind = {Decision.APPROVED: CaseEvent.Kind.CONTRACT_APPROVED, Decision.REFUSED: CaseEvent.Kind.CONTRACT_REFUSED,
            Decision.RETURNED: CaseEvent.Kind.CONTRACT_RETURNED}[decision]
    CaseEvent.objects.create(case=case, by=user, kind=kind, text=comments)
    from oocr.notifications.services import notify

    notify(kind="contract_approved" if decision == Decision.APPROVED else "contract_sent_back", case=case, actor=user,
           event=f"contract{contract.pk}v{contract.version}", context={"contract": contract, "decision": decision_record},
           url=reverse("contracts:contract", args=[case.pk]))
    return contract


@transaction.atomic
def condition_progress_record(*, case_id: int, user, condition_id: int, status: str, evidence: str, hours_done: int,
                              read_version=ANY_VERSION) -> Condition:
    """Record how a condition of an active contract is going: its status, evidence and hours done.

    `read_version` is the condition's version the keyworker's form was read at: an edit over a newer one is refused.
    """
    case = case_lock(case_id=case_id)
    if case.status != Case.Status.ACTIVE:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so its conditions cannot change.")
    condition = Condition.objects.select_for_update().get(pk=condition_id, contract__case=case)
    version_bump(condition, read_version=read_version, user=user)
    condition.record_progress(status=status, evidence=evidence, hours_done=hours_done)
    condition.full_clean()
    condition.save()
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.CONDITION,
        text=f"{condition.description[:80]}: {condition.get_status_display().lower()}",
    )
    return condition


def condition_evidence_follow(*, case: Case, condition_id: int, status: str, note: str, user) -> None:
    """A condition whose evidence is kept elsewhere (a referral) takes that evidence's status, unless it is settled.

    The caller holds the case's lock.
    """
    condition = Condition.objects.select_for_update().get(pk=condition_id, contract__case=case)
    if condition.status in Condition.SETTLED:
        return
    condition.record_progress(status=status, evidence=f"{condition.evidence}\n{note}", hours_done=condition.hours_done)
    condition.save(update_fields=["status", "evidence"])
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.CONDITION,
        text=f"{condition.description[:80]}: {condition.get_status_display().lower()} (follows the referral)",
    )


OPEN_FOR_CONTACT = (Case.Status.ALLOCATED, Case.Status.ASSESSMENT, Case.Status.ACTIVE)


@transaction.atomic
def contact_record(*, case_id: int, user, data: dict, book_anyway: bool = True) -> Contact:
    """Book an appointment (no outcome yet) or log a contact that happened (with its outcome).

    A booking at the same time as another of the keyworker's appointments is refused
    at the time, naming the other one, unless `book_anyway` (the keyworker confirmed).
    """
    case = case_lock(case_id=case_id)
    if case.status not in OPEN_FOR_CONTACT:
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
    from django.conf import settings

    from oocr.notifications.services import delivery_queue

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
    if case.status not in OPEN_FOR_CONTACT:
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


def _completion_problems(case: Case) -> list[str]:
    contract = Contract.objects.filter(case=case).first()
    problems = []
    if contract is None or contract.status != Contract.Status.ACTIVE:
        return ["The case has no active contract."]
    if contract.end_date > timezone.localdate():
        problems.append(f"The contract runs until {contract.end_date:%-d %B %Y}.")
    open_conditions = contract.conditions.exclude(kind=ConditionKind.STANDARD).exclude(
        status__in=Condition.SETTLED
    )
    if open_conditions.exists():
        problems.append(f"{open_conditions.count()} condition(s) are not met yet.")
    if not case.needs_assessments.filter(kind=NeedsAssessment.Kind.CLOSING).exists():
        problems.append("Record the closing needs assessment first.")
    return problems


@transaction.atomic
def closure_propose(*, case_id: int, user, result: str, reason: str, withdrawal_reason: str = "",
                    breach: dict | None = None, victim_update_reason: str = "") -> ClosureProposal:
    """Propose closing a case. A breach always waits for a supervisor; a completion or withdrawal
    does too where the scheme settings say so, and otherwise closes at once.

    A breach records (`breach`) its date, the conditions breached or the new offence, what led to it, what was
    tried and the discussion with the supervisor; the supervisors of the team are told at once.
    A Victims' Code update due before closure and not given (restorative justice information, the update on
    agreement) refuses the closure unless the keyworker records why (`victim_update_reason`).
    """
    case = case_lock(case_id=case_id)
    Result = ClosureProposal.Result
    if result == Result.WITHDRAWN and case.status not in Case.OPEN:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so it cannot be withdrawn.")
    if result in (Result.COMPLETED, Result.BREACHED) and case.status != Case.Status.ACTIVE:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}: only an active contract can be {result}.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason, for the case record"})
    if result == Result.WITHDRAWN and withdrawal_reason not in Case.WithdrawalReason.values:
        raise ValidationError({"withdrawal_reason": "Choose why the case is being withdrawn"})
    if result == Result.COMPLETED and (problems := _completion_problems(case)):
        raise ValidationError(" ".join(problems))
    if case.closure_proposals.filter(decision=ClosureProposal.Decision.PENDING).exists():
        raise CaseStateError("A closure of this case is already waiting for a supervisor.")
    victim_updates_undone = victim_updates_undone_before_closure(case=case)
    if victim_updates_undone and not victim_update_reason.strip():
        raise ValidationError({"victim_update_reason": (
            f"Record why the victim was not given: {'; '.join(victim_updates_undone)}. Or record the contact with the "
            "victim first")})
    proposal = ClosureProposal(case=case, result=result, reason=reason.strip(), withdrawal_reason=withdrawal_reason,
                               proposed_by=user,
                               victim_update_reason=victim_update_reason.strip() if victim_updates_undone else "")
    conditions = _breach_check(case, proposal, breach or {}) if result == Result.BREACHED else []
    proposal.save()
    proposal.conditions_breached.set(conditions)
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CLOSURE_PROPOSED,
                             text=f"{proposal.get_result_display()}: {proposal.reason}" + (
                                 f". Victims' Code update not given ({'; '.join(victim_updates_undone)}): "
                                 f"{proposal.victim_update_reason}" if victim_updates_undone else ""))
    if result != Result.BREACHED and not scheme_settings().closure_approval_required:
        # Nothing to wait for: the keyworker's proposal is its own approval, recorded by the same rules as any decision.
        proposal.decide(user=user, approve=True, note="", at=timezone.now(), approval_required=False)
        _close(case, proposal)
    else:
        _waiting_tell(case, user=user, event=f"closure{proposal.pk}", what=proposal.what, reason=proposal.reason,
                      url=reverse("contracts:closure_decide", args=[proposal.pk]))
    return proposal


def _breach_check(case: Case, proposal: ClosureProposal, breach: dict) -> list[Condition]:
    """Fill a breach proposal's record from `breach`, or refuse it, naming each missing part."""
    errors = {}
    proposal.breach_on = breach.get("breach_on")
    for field in ("new_offence", "circumstances", "tried", "discussion"):
        setattr(proposal, field, (breach.get(field) or "").strip())
    ids = [int(pk) for pk in breach.get("conditions_breached") or []]
    conditions = list(Condition.objects.filter(contract__case=case, pk__in=ids))
    if len(conditions) != len(set(ids)):
        errors["conditions_breached"] = "Choose conditions of this case's contract"
    if proposal.breach_on is None:
        errors["breach_on"] = "Enter the date of the breach"
    else:
        try:
            case.timeline.check_non_compliance(proposal.breach_on, new_offence=False, field="breach_on")
        except ValidationError as error:
            errors["breach_on"] = error.messages[0]
    if not conditions and not proposal.new_offence and "conditions_breached" not in errors:
        errors["conditions_breached"] = "Choose the conditions breached, or describe the new offence"
    if not proposal.circumstances:
        errors["circumstances"] = "Enter what led to the breach"
    if not proposal.tried:
        errors["tried"] = "Enter what was tried before proposing a breach"
    if errors:
        raise ValidationError(errors)
    return conditions


def victim_updates_undone_before_closure(*, case: Case) -> list[str]:
    """The Victims' Code updates a victim of the case is owed before it closes and was not given, in words."""
    from cases.selectors import victims_code_items
    from cases.victims_code import undone_before_closure

    undone = undone_before_closure(victims_code_items(case=case))
    return [f"{item.label.lower()} ({item.victim_name})" for item in undone]


@transaction.atomic
def closure_decide(*, proposal_id: int, user, approve: bool, note: str = "") -> ClosureProposal:
    """A supervisor approves (the case closes) or refuses (it carries on) a proposed closure."""
    proposal = ClosureProposal.objects.select_for_update().select_related("case").get(pk=proposal_id)
    case = case_lock(case_id=proposal.case_id)
    if (proposal.result == ClosureProposal.Result.BREACHED and not note.strip()
            and proposal.decision == proposal.Decision.PENDING and proposal.proposed_by_id != user.pk):
        raise ValidationError({"note": "Enter your rationale: the officer in the case reads it with the breach"})
    proposal.decide(user=user, approve=approve, note=note, at=timezone.now())
    if approve:
        _close(case, proposal)
    else:
        proposal.save()
        CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CLOSURE_REFUSED, text=proposal.decision_note)
    _decision_tell(case, proposal, user=user)
    return proposal


def _decision_tell(case: Case, proposal, *, user) -> None:
    """The case's keyworker and whoever proposed it hear of a supervisor's decision at once, with the note."""
    from oocr.notifications.services import notify

    if isinstance(proposal, VariationProposal):
        kind = "variation_decided"
    else:
        kind = "breach_decided" if proposal.result == ClosureProposal.Result.BREACHED else "closure_decided"
    notify(kind=kind, case=case, actor=user, event=f"{proposal.noun}{proposal.pk}", proposer=proposal.proposed_by, context={
        "proposal": proposal, "what": proposal.what, "approved": proposal.decision == proposal.Decision.APPROVED,
        "contract": getattr(proposal, "contract", None), "next_step": _next_step(case, "breached"),
    })


def _next_step(case: Case, result: str) -> str:
    from cases.services import ROUTE_NEXT_STEPS

    return ROUTE_NEXT_STEPS.get((result, case.route), "")


def _waiting_tell(case: Case, *, user, kind: str = "proposal_waiting", event: str, **context) -> None:
    """The supervisors of the keyworker's team hear at once that something waits for them (not at the next reminders)."""
    from oocr.notifications.services import notify

    notify(kind=kind, case=case, actor=user, event=event, context=context,
           url=context.pop("url", "") or reverse("contracts:decisions"))


def _outcome_code(case: Case, result: str) -> int | None:
    settings = scheme_settings()
    charge = case.route == Case.Route.DEFERRED_CHARGE
    return {
        ClosureProposal.Result.COMPLETED: settings.outcome_charge_completed if charge else settings.outcome_caution_completed,
        ClosureProposal.Result.BREACHED: settings.outcome_charge_breached if charge else settings.outcome_caution_breached,
    }.get(result)


def _contract_close(case: Case, *, on: date) -> str:
    """The case closed on `on`: an active contract ends that day (early, on a breach or withdrawal), one not yet
    started is cancelled, and the conditions the person had not finished are withdrawn (those not met stay so).
    Returns what happened, in words for the timeline (empty without a contract).

    The caller holds the case's lock.
    """
    contract = Contract.objects.select_for_update().filter(case=case).first()
    if contract is None or contract.status not in (Contract.Status.ACTIVE, *Contract.NOT_STARTED):
        return ""
    planned_end = contract.end_date
    if contract.status == Contract.Status.ACTIVE:
        contract.end(on=on)
    else:
        contract.cancel()
    contract.save(update_fields=["status", "end_date"])
    unfinished = list(contract.conditions.select_for_update().exclude(kind=ConditionKind.STANDARD)
                      .filter(status__in=Condition.UNFINISHED))
    for condition in unfinished:
        condition.withdraw()
    Condition.objects.bulk_update(unfinished, ["status"])
    if contract.status == Contract.Status.CANCELLED:
        text = "Contract cancelled: the case closed before it started"
    elif planned_end and on < planned_end:
        text = (f"Contract ended early on {on:%-d %B %Y}, in week {contract.week_on(on)} of {contract.total_weeks} "
                f"(it was to end on {planned_end:%-d %B %Y})")
    else:
        text = f"Contract ended on {on:%-d %B %Y}"
    if unfinished:
        text += f"; {len(unfinished)} unfinished condition(s) withdrawn"
    return text


def _close(case: Case, proposal: ClosureProposal) -> None:
    """Close the case as an approved proposal says: state, outcome code, contract, allocation, timeline,
    and the officer told of a breach. The one who approved it closes it."""
    from cases.services import case_closed_record

    user, now = proposal.decided_by, proposal.decided_at
    Result = ClosureProposal.Result
    if proposal.result == Result.COMPLETED:
        case.complete(at=now, by=user)
    elif proposal.result == Result.BREACHED:
        case.breach(at=now, by=user)
    else:
        case.withdraw(at=now, by=user, reason=proposal.withdrawal_reason)
    case.outcome_code = _outcome_code(case, proposal.result)
    case.review_flag = ""
    case.save()
    contract_ending = _contract_close(case, on=timezone.localdate(now))
    proposal.save()
    kind = {Result.COMPLETED: CaseEvent.Kind.COMPLETED, Result.BREACHED: CaseEvent.Kind.BREACHED}.get(
        proposal.result, CaseEvent.Kind.WITHDRAWN
    )
    text = f"Outcome {case.outcome_code}" if case.outcome_code else case.get_withdrawal_reason_display()
    CaseEvent.objects.create(case=case, by=user, kind=kind, text=". ".join(filter(None, [text, contract_ending])))
    case_closed_record(case=case, user=user)
    # The officer in the case hears of every closure, with what happens next for the route; of a breach, with the
    # breach pack (made now and kept on the case) attached.
    attachment = None
    if proposal.result == Result.BREACHED:
        from documents.services import breach_pack_keep  # documents builds on contracts: import late

        pack = breach_pack_keep(case=case, user=user)
        attachment = (pack.storage_name, f"breach-pack-{case.number}.pdf")
    officer_email_queue(case=case, user=user, reason=proposal.result, proposal=proposal,
                        breached_conditions=list(proposal.conditions_breached.all()), attachment=attachment)


@transaction.atomic
def variation_propose(*, case_id: int, user, kind: str, reason: str, extension_days=None, condition_id=None,
                      new_description: str = "", new_due_date=None, new_recurrence: str = "",
                      new_hours_required: int | None = None) -> VariationProposal:
    """Propose an extension or a change to one condition of an active contract; nothing changes until approved.

    New hours of unpaid work count towards the contract's cap with its other conditions' hours.
    """
    case = case_lock(case_id=case_id)
    contract = Contract.objects.filter(case=case, status=Contract.Status.ACTIVE).first()
    if contract is None:
        raise CaseStateError(f"Case {case.number} has no active contract to vary.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the contract should change"})
    proposal = VariationProposal(contract=contract, kind=kind, reason=reason.strip(), proposed_by=user)
    waiting = VariationProposal.objects.filter(contract=contract, decision=VariationProposal.Decision.PENDING, kind=kind)
    if kind != VariationProposal.Kind.EXTENSION:
        waiting = waiting.filter(condition_id=condition_id)
    if waiting.exists():
        field = "kind" if kind == VariationProposal.Kind.EXTENSION else "condition"
        raise ValidationError({field: f"The same change, proposed on {waiting.first().proposed_at:%-d %B %Y}, is waiting for a "
                                      "supervisor's decision: wait for it before proposing it again"})
    if kind == VariationProposal.Kind.EXTENSION:
        if not extension_days or extension_days > 8 * 7:
            raise ValidationError({"extension_days": "Enter the extension in days, up to 56"})
        proposal.extension_days = extension_days
    else:
        condition = contract.conditions.exclude(kind=ConditionKind.STANDARD).filter(pk=condition_id).first()
        if condition is None or condition.status not in Condition.PROGRESS:
            raise ValidationError({"condition": "Choose the condition to vary"})
        if not (new_description.strip() or new_due_date or new_recurrence.strip() or new_hours_required):
            raise ValidationError({"new_description": "Enter what changes: the words, the due date, the pattern or the hours"})
        if new_due_date:
            case.timeline.check_condition_due(new_due_date, field="new_due_date", what="The new due date")
        proposal.condition, proposal.new_description = condition, new_description.strip()
        proposal.new_due_date, proposal.new_recurrence = new_due_date, new_recurrence.strip()
        proposal.new_hours_required = new_hours_required
        if new_hours_required:
            _variation_hours_check(proposal, field="new_hours_required")
    proposal.save()
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.VARIATION_PROPOSED,
                             text=f"{proposal.get_kind_display()}: {proposal.reason}")
    _waiting_tell(case, user=user, event=f"variation{proposal.pk}", what=proposal.what, reason=proposal.reason,
                  url=reverse("contracts:variation_decide", args=[proposal.pk]))
    return proposal


def _variation_hours_check(proposal: VariationProposal, *, field: str) -> None:
    """New hours for a condition: not fewer than those done, and within the contract's unpaid-work cap."""
    condition, hours = proposal.condition, proposal.new_hours_required
    if hours < condition.hours_done:
        raise ValidationError({field: f"The new hours cannot be fewer than the {condition.hours_done} done already"})
    if condition.is_unpaid_work:
        cap, hours_set = scheme_settings().unpaid_work_hours_cap, unpaid_work_hours_set(proposal.contract, besides=condition)
        if hours + hours_set > cap:
            raise ValidationError({field: unpaid_work_over_cap(cap=cap, hours_set=hours_set)})


@transaction.atomic
def variation_decide(*, proposal_id: int, user, approve: bool, note: str = "") -> VariationProposal:
    """A supervisor approves (the contract changes; the old condition is kept, marked varied) or refuses."""
    proposal = VariationProposal.objects.select_for_update().select_related("contract").get(pk=proposal_id)
    case = case_lock(case_id=proposal.contract.case_id)
    proposal.decide(user=user, approve=approve, note=note, at=timezone.now())
    contract = Contract.objects.select_for_update().get(pk=proposal.contract_id)
    if approve and contract.status != Contract.Status.ACTIVE:
        raise CaseStateError(f"The contract of case {case.number} is {contract.get_status_display().lower()}, so it cannot "
                             f"change any more: refuse the {proposal.noun}. Nothing was changed.")
    if approve:
        if proposal.kind == VariationProposal.Kind.EXTENSION:
            contract.extend(proposal.extension_days)
            contract.save(update_fields=["extension_days", "end_date"])
        else:
            old = Condition.objects.select_for_update().get(pk=proposal.condition_id)
            proposal.condition = old
            if proposal.new_hours_required:
                # Checked again: another variation approved meanwhile may have used the cap's hours.
                _variation_hours_check(proposal, field="approve")
            replacement = old.vary(description=proposal.new_description, due_date=proposal.new_due_date,
                                   recurrence=proposal.new_recurrence, hours_required=proposal.new_hours_required)
            old.save(update_fields=["status"])
            replacement.save()
    proposal.save()
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.VARIATION_DECIDED,
        text=f"{proposal.get_kind_display()} {proposal.get_decision_display().lower()}"
        + (f": ends {contract.end_date:%-d %B %Y}" if approve and proposal.kind == VariationProposal.Kind.EXTENSION else "")
        + (f". {proposal.decision_note}" if proposal.decision_note else ""),
    )
    _decision_tell(case, proposal, user=user)
    return proposal


def reminders_send(*, on: date):
    """Record and send the day's reminders (contracts/reminders.py says what is due; notifications sends it once)."""
    from contracts.reminders import KINDS, due_on
    from oocr.notifications.services import reminders_record

    return reminders_record(
        on=on, collect=lambda lead_days: due_on(on, lead_days=lead_days),
        labels={code: kind.label for code, kind in KINDS.items()},
    )


@transaction.atomic
def case_free_text_erase(*, case_id: int) -> None:
    """Disposal at the end of retention: remove the notes, places and descriptions this app holds about a case.

    Kept: contract dates and status, conditions' kinds and dates, contacts'
    times and attendance, need scores, so the figures reproduce.
    """
    from cases.services import records_erase  # the one helper that also clears historical versions

    records_erase(NeedsAssessment.objects.filter(case_id=case_id), previous_offending="", offence_context="", strengths="", goals="")
    records_erase(NeedScore.objects.filter(assessment__case_id=case_id), notes="")
    records_erase(KeyworkerAction.objects.filter(case_id=case_id), sent_to="", reference="", notes="")
    records_erase(Condition.objects.filter(contract__case_id=case_id), description="Disposed", target="", evidence="")
    records_erase(Contact.objects.filter(case_id=case_id), place="", notes="", outside_reason="", cancel_reason="")
    records_erase(NonCompliance.objects.filter(case_id=case_id), notes="")
    records_erase(ClosureProposal.objects.filter(case_id=case_id), reason="", decision_note="", new_offence="",
                  circumstances="", tried="", discussion="")
    records_erase(ContractDecision.objects.filter(contract__case_id=case_id), comments="")
    records_erase(VariationProposal.objects.filter(contract__case_id=case_id), reason="", decision_note="", new_description="")
