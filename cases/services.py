"""Every write to people, crimes, victims and cases, including intake and the eligibility decision."""

import hashlib
import json
from collections import Counter
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.urls import reverse

from cases import eligibility
from cases.signals import case_closed
from oocr.concurrency.services import ANY_VERSION, version_bump, versions_check
from oocr.csv_import import Problem, csv_import
from cases.models import (
    Case,
    CaseBaseline,
    CaseEvent,
    CaseStateError,
    Crime,
    EligibilityAssessment,
    EligibilityRule,
    FirstContact,
    Offence,
    Person,
    SubmissionReturn,
    Victim,
    VictimContact,
    name_key,
    pnc_id_normalise,
)
from oocr.notifications.services import notify

# Identity is kept when an ERO links a returning person; only how to reach them is refreshed.
CONTACT_FIELDS = ["address_line_1", "address_line_2", "town", "postcode", "phone", "email", "preferred_contact"]


def _locked_draft(case: Case) -> Case:
    """Lock the case row and check it can still be edited as a draft."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Case.Status.DRAFT:
        raise CaseStateError(f"Case {locked.number} has been submitted already, so it cannot be changed here.")
    return locked


def case_lock(*, case_id: int) -> Case:
    """Lock a case row for a state change; the caller holds the transaction."""
    return Case.objects.select_for_update().get(pk=case_id)


def case_allocation_record(*, case: Case, user, keyworker_name: str, reallocated: bool) -> None:
    """Move a locked case to `allocated` (or check it can be reallocated) and put it on the timeline."""
    if reallocated:
        case.require_reallocatable()
    else:
        case.allocate()
        case.save(update_fields=["status", "updated_at"])
    CaseEvent.objects.create(
        case=case, by=user, text=f"To {keyworker_name}",
        kind=CaseEvent.Kind.REALLOCATED if reallocated else CaseEvent.Kind.ALLOCATED,
    )


def case_draft_start(*, user) -> Case:
    """Start a submission: an empty draft case the ERO fills page by page."""
    with transaction.atomic():
        case = Case.objects.create(created_by=user)
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED, by=user)
    return case


@transaction.atomic
def intake_person_save(*, case: Case, user, data: dict, existing_person: Person | None = None,
                       read_version=ANY_VERSION) -> Person:
    """Record the person on a draft: a new record, the draft's own one updated, or a returning person linked.

    Linking a returning person keeps their one record and history: their
    identity stays as recorded and only their contact details are refreshed.
    `read_version` is the version of the draft's person the form showed (None when it showed none yet).
    """
    case = _locked_draft(case)
    previous = case.person
    if case.person_id is not None:
        version_bump(case.person, read_version=read_version, user=user)
    if existing_person is not None:
        person = case.person if existing_person.pk == case.person_id else existing_person
        if person.pk != case.person_id:
            version_bump(person, read_version=ANY_VERSION, user=user)
        for field in CONTACT_FIELDS:  # refreshed where the officer gave something: a blank leaves what is on record
            if data[field]:
                setattr(person, field, data[field])
        person.pnc_id = person.pnc_id or data.get("pnc_id", "")
    else:
        person = previous or Person()
        for field, value in data.items():
            setattr(person, field, value)
    person.name_key = name_key(person.first_names, person.last_name)
    person.pnc_id = pnc_id_normalise(person.pnc_id)
    case.timeline.check_date_of_birth(person.date_of_birth)
    _pnc_id_require_free(person)
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # someone else recorded the same PNC ID a moment ago (person_pnc_id_unique)
        _pnc_id_require_free(person)
        raise
    if case.person_id != person.pk:
        case.person = person
        case.save(update_fields=["person", "updated_at"])
        if previous is not None and not previous.cases.exists():
            previous.delete()  # the draft's own new record, replaced by the person on record: not kept without a case
    return person


def _pnc_id_require_free(person: Person) -> None:
    """A PNC ID belongs to one person: refuse it, at its field, when another person on record has it."""
    if person.pnc_id and Person.objects.filter(pnc_id=person.pnc_id).exclude(pk=person.pk).exists():
        raise ValidationError({"pnc_id": ValidationError(
            f"PNC ID {person.pnc_id} is already on another person's record. If this is them, select them in the list "
            "of people on record; if not, check the PNC ID",
            code="duplicate_pnc_id",
        )})


@transaction.atomic
def intake_crime_save(*, case: Case, user, data: dict, offences: list[Offence], read_version=ANY_VERSION) -> Crime:
    """Record (or correct) the crime of a draft, refusing a crime reference already in use or a crime changed since
    `read_version` (the version the form showed; None when it showed no crime yet)."""
    case = _locked_draft(case)
    crime = case.crimes.first() or Crime(case=case)
    if crime.pk:
        version_bump(crime, read_version=read_version, user=user)
    reference = data["reference"].strip().upper()
    clash = Crime.objects.filter(reference=reference).exclude(pk=crime.pk).select_related("case").first()
    if clash:
        raise ValidationError({
            "reference": ValidationError(
                f"Crime reference {reference} is already used by case {clash.case.number}", code="duplicate_reference"
            )
        })
    case.timeline.check_offence_date(data["offence_date"])
    if not offences:
        raise ValidationError({"offence_1": "Select the offence"})
    for field, value in data.items():
        setattr(crime, field, value)
    crime.reference = reference
    crime.offence_postcode = crime.offence_postcode.upper()
    crime.full_clean()
    crime.save()
    crime.offences.set(offences)
    return crime


@transaction.atomic
def intake_victim_add(*, case: Case, user, data: dict) -> Victim:
    case = _locked_draft(case)
    crime = case.crimes.first()
    if crime is None:
        raise CaseStateError("Record the crime before adding its victims.")
    victim = Victim(crime=crime, **data)
    if victim.date_asked:
        case.timeline.check_victim_asked(victim.date_asked)
    victim.full_clean()
    victim.save()
    return victim


@transaction.atomic
def intake_victim_remove(*, case: Case, user, victim_id: int) -> None:
    case = _locked_draft(case)
    Victim.objects.filter(pk=victim_id, crime__case=case).delete()


@transaction.atomic
def intake_answers_save(*, case: Case, user, answers: dict, read_version=ANY_VERSION) -> None:
    """Keep the answers to the eligibility questions on the draft until it is decided.

    The case's version counts only these edits (the answers page is the one page that edits the case itself).
    """
    case = _locked_draft(case)
    version_bump(case, read_version=read_version, user=user)
    case.draft_answers = answers
    case.save(update_fields=["draft_answers", "updated_at"])


def eligibility_rule_settings() -> dict[str, eligibility.RuleSetting]:
    return {
        rule.code: eligibility.RuleSetting(enabled=rule.is_enabled, parameter=rule.parameter)
        for rule in EligibilityRule.objects.all()
    }


def eligibility_rule_set_version(rule_settings: dict[str, eligibility.RuleSetting]) -> str:
    """A short fingerprint of the rules in force, stored with each assessment."""
    described = sorted((code, setting.enabled, setting.parameter) for code, setting in rule_settings.items())
    return hashlib.sha256(json.dumps(described).encode()).hexdigest()[:10]


def eligibility_facts(case: Case, *, today: date | None = None, answers: dict | None = None) -> eligibility.Facts:
    """The facts of a draft as the eligibility engine needs them (`answers`: those of a stored assessment instead)."""
    person, crime = case.person, case.crimes.first()
    if person is None or crime is None:
        raise CaseStateError("Record the person and the crime before checking eligibility.")
    return eligibility.Facts(
        date_of_birth=person.date_of_birth,
        offence_date=crime.offence_date,
        assessment_date=today or timezone.localdate(),
        home_postcode=person.postcode,
        offence_postcode=crime.offence_postcode,
        offences=tuple(
            eligibility.OffenceFacts(o.title, o.mode_of_trial, o.crime_subgroup) for o in crime.offences.all()
        ),
        has_postal_address=person.has_postal_address,
        has_email=bool(person.email),
        has_phone=bool(person.phone),
        domestic_abuse=crime.domestic_abuse,
        hate_crime=crime.hate_crime,
        co_accused=crime.co_accused,
        answers={code: str(value) for code, value in (case.draft_answers if answers is None else answers).items()},
    )


def eligibility_preview(case: Case) -> tuple[list[eligibility.RuleResult], str]:
    """Each rule's result and the outcome for a draft, without recording anything."""
    results = eligibility.eligibility_check(
        eligibility_facts(case),
        force_postcode_areas=settings.FORCE_POSTCODE_AREAS,
        settings=eligibility_rule_settings(),
    )
    return results, eligibility.eligibility_outcome(results)


@transaction.atomic
def intake_submit(*, case: Case, user, decision: str, route: str = "", override_reason: str = "",
                  open_case_confirmed: bool = False) -> EligibilityAssessment:
    """Check eligibility, store the assessment whole, and submit or close the case.

    Locks the case row, so two clicks (or two people) cannot decide one draft twice.
    Eligible: submitted to the allocation queue. Ineligible: closed with its
    reasons, or submitted by override with a written reason. A person who has a
    case open already gets another only with `open_case_confirmed` (a new crime:
    the ERO has seen that case and its keyworker).
    """
    case = _locked_draft(case)
    rule_settings = eligibility_rule_settings()
    facts = eligibility_facts(case)
    results = eligibility.eligibility_check(
        facts, force_postcode_areas=settings.FORCE_POSTCODE_AREAS, settings=rule_settings
    )
    outcome = eligibility.eligibility_outcome(results)
    Decision = EligibilityAssessment.Decision
    override_reason = override_reason.strip()

    if outcome == eligibility.NEEDS_ANSWERS:
        raise ValidationError("Answer every eligibility question before submitting.")
    if facts.date_of_birth > facts.offence_date:
        # A draft saved before the person and crime pages checked each other: an age below 0 cannot be recorded.
        raise ValidationError(
            "The person's date of birth is after the offence date. Correct the date of birth or the offence date, then decide"
        )
    allowed = {eligibility.ELIGIBLE: {Decision.SUBMITTED}, eligibility.INELIGIBLE: {Decision.CLOSED_INELIGIBLE, Decision.OVERRIDDEN}}
    if decision not in allowed[outcome]:
        raise ValidationError({"decision": "Choose what to do with this case"})
    if decision != Decision.CLOSED_INELIGIBLE and route not in Case.Route.values:
        raise ValidationError({"route": "Select the route: deferred caution or deferred charge"})
    if decision == Decision.OVERRIDDEN and not override_reason:
        raise ValidationError({"override_reason": "Enter why the case should go ahead although a rule is not met"})
    open_cases = list(
        Case.objects.filter(person_id=case.person_id, status__in=Case.OPEN).exclude(pk=case.pk).order_by("id")
    ) if decision != Decision.CLOSED_INELIGIBLE else []
    open_numbers = f"case{'s' if len(open_cases) > 1 else ''} {', '.join(other.number for other in open_cases)}"
    if open_cases and not open_case_confirmed:
        raise ValidationError({"open_case_confirmed": (
            f"Confirm that this is a new crime, not one already on {open_numbers}, or stop and keep this as a draft"
        )})

    now = timezone.now()
    age = eligibility.age_on(facts.date_of_birth, facts.offence_date)
    if decision == Decision.CLOSED_INELIGIBLE:
        case.close_ineligible(at=now)
    else:
        case.submit(route=route, at=now, override_reason=override_reason if decision == Decision.OVERRIDDEN else "")
        case.young_adult_offer = 18 <= age <= 25
        case.womens_offer = case.person.sex == Person.Sex.FEMALE
    case.save()

    assessment = EligibilityAssessment.objects.create(
        case=case,
        answers=case.draft_answers,
        results=[result.__dict__ for result in results],
        rule_set_version=eligibility_rule_set_version(rule_settings),
        outcome=outcome,
        decision=decision,
        override_reason=override_reason if decision == Decision.OVERRIDDEN else "",
        assessed_by=user,
    )
    crime = case.crimes.first()
    # A submission returned and sent again: its baseline is what is known now (update_or_create), its rounds closed.
    returned = list(case.returns.filter(kind=SubmissionReturn.Kind.RETURNED, resubmitted_at=None).select_related("by"))
    case.returns.filter(pk__in=[round_.pk for round_ in returned]).update(resubmitted_at=now)
    CaseBaseline.objects.update_or_create(case=case, defaults=dict(
        age=age,
        sex=case.person.sex,
        ethnicity=case.person.ethnicity,
        offence_codes=[offence.code for offence in crime.offences.all()],
        crime_subgroups=sorted({offence.crime_subgroup for offence in crime.offences.all()}),
        route=case.route,
        previous_offences=int(case.draft_answers.get("previous_offences", 0)),
        previous_cautions=int(case.draft_answers.get("previous_cautions", 0)),
        previous_convictions=int(case.draft_answers.get("previous_convictions", 0)),
        home_postcode_area=eligibility.postcode_area(case.person.postcode),
    ))
    failed = [result.name for result in results if result.outcome == eligibility.FAIL]
    event_kind = {
        Decision.SUBMITTED: CaseEvent.Kind.SUBMITTED,
        Decision.OVERRIDDEN: CaseEvent.Kind.OVERRIDDEN,
        Decision.CLOSED_INELIGIBLE: CaseEvent.Kind.INELIGIBLE,
    }[decision]
    if returned and decision != Decision.CLOSED_INELIGIBLE:
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RESUBMITTED, by=user,
                                 text=f"Round {case.returns.count()}: corrected and submitted again")
        # Whoever sent it back hears it is back.
        notify(kind="submission_resubmitted", case=case, actor=user, event=f"assessment{assessment.pk}",
               returners=[round_.by for round_ in returned], context={"round": case.returns.count()},
               url=reverse("keyworkers:allocate", args=[case.pk]))
    CaseEvent.objects.create(
        case=case, kind=event_kind, by=user,
        text=". ".join(part for part in (
            "; ".join(failed),
            f"Reason for override: {override_reason}" if decision == Decision.OVERRIDDEN else "",
            f"A new crime: the person's {open_numbers} {'is' if len(open_cases) == 1 else 'are'} open" if open_cases else "",
        ) if part),
    )
    if decision == Decision.OVERRIDDEN:
        notify(kind="override_waiting", case=case, actor=user, event=f"assessment{assessment.pk}",
               context={"reason": override_reason}, url=reverse("keyworkers:allocate", args=[case.pk]))
    return assessment


OFFENCE_COLUMNS = ["code", "title", "mode_of_trial", "crime_subgroup"]
OFFENCE_IMPORTED_FIELDS = ["title", "mode_of_trial", "crime_subgroup"]
# Rows per UPDATE off PostgreSQL: Django's bulk update is a CASE over the ids, whose cost grows with the square of its size.
OFFENCE_UPDATE_BATCH = 1_000


def _offences_update(offences: list[Offence]) -> None:
    """Write the imported fields of changed offences: on PostgreSQL one UPDATE joined to the new values as arrays."""
    if not offences:
        return
    if connection.vendor != "postgresql":
        Offence.objects.bulk_update(offences, OFFENCE_IMPORTED_FIELDS, batch_size=OFFENCE_UPDATE_BATCH)
        return
    table = Offence._meta.db_table
    columns = ", ".join(f"{field} = new.{field}" for field in OFFENCE_IMPORTED_FIELDS)
    arrays = ", ".join(f"unnest(%s::text[]) AS {field}" for field in OFFENCE_IMPORTED_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {columns} FROM (SELECT unnest(%s::bigint[]) AS id, {arrays}) AS new WHERE {table}.id = new.id",
            [[offence.pk for offence in offences]]
            + [[getattr(offence, field) for offence in offences] for field in OFFENCE_IMPORTED_FIELDS],
        )


def offence_import_csv(*, text: str) -> tuple[int, int]:
    """Create or update offences from `code,title,mode_of_trial,crime_subgroup` rows: all rows or none (oocr/csv_import.py).

    Set-based: one read of the catalogue, one INSERT of the new offences, one UPDATE of only those that
    changed (in batches of OFFENCE_UPDATE_BATCH on a database other than PostgreSQL), and their history
    rows: a query count that does not grow with the rows. Returns (created, updated). Raises ValidationError
    listing every bad row by its line.
    """
    catalogue = {offence.code: offence for offence in Offence.objects.all()}
    repeated = set()

    def codes_once(rows) -> list[str]:
        codes = Counter(row["code"] for _, row in rows)
        repeated.update(code for code, count in codes.items() if count > 1)
        return [f"Code {code} appears more than once" for code in sorted(repeated)]

    def row_check(line: int, row: dict[str, str]):
        code = row["code"]
        if code in repeated:
            return None, []  # reported once, for the file
        values = [row[field] for field in OFFENCE_IMPORTED_FIELDS]
        offence = catalogue.get(code)
        if offence is None:
            offence, change = Offence(code=code, **dict(zip(OFFENCE_IMPORTED_FIELDS, values))), "new"
        elif [getattr(offence, field) for field in OFFENCE_IMPORTED_FIELDS] == values:
            return ("same", offence), []
        else:
            for field, value in zip(OFFENCE_IMPORTED_FIELDS, values):
                setattr(offence, field, value)
            change = "changed"
        try:
            offence.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            return None, [Problem(field, f"{field}: {' '.join(messages)}") for field, messages in error.message_dict.items()]
        return (change, offence), []

    def save(items) -> tuple[int, int]:
        new = [offence for change, offence in items if change == "new"]
        changed = [offence for change, offence in items if change == "changed"]
        Offence.objects.bulk_create(new)
        _offences_update(changed)
        Offence.history.bulk_history_create(new)
        Offence.history.bulk_history_create(changed, update=True)
        return len(new), len(items) - len(new)

    return csv_import(text=text, columns=OFFENCE_COLUMNS, row_check=row_check, save=save, file_check=codes_once,
                      name="Offence import")


def case_closed_record(*, case: Case, user) -> None:
    """What every closure does besides the state change: tells the apps built on cases (cases.signals.case_closed;
    keyworkers ends the allocation, so the case stops counting in its keyworker's load)."""
    case_closed.send(sender=Case, case=case, user=user)


# What happens next for each route when a case comes back to the officer, or does not.
ROUTE_NEXT_STEPS = {
    ("breached", Case.Route.DEFERRED_CHARGE): "for a charging decision",
    ("breached", Case.Route.DEFERRED_CAUTION): "to give a simple caution",
    ("completed", Case.Route.DEFERRED_CHARGE): "The prosecution does not go ahead: no charge is brought for this crime.",
    ("completed", Case.Route.DEFERRED_CAUTION): "The deferred caution is complete: nothing further is needed from you.",
}


def officer_email_queue(*, case: Case, user, reason: str, attachment: tuple[str, str] | None = None, **context) -> None:
    """Tell the officer in the case what became of it (allocated, declined, completed, withdrawn, breached), once, and
    log the disclosure: the kind `officer_<reason>` of the notifications table, with the route's next step.

    Called inside the change that decides it: the email is sent after it commits (notifications' Delivery).
    """
    charge = case.route == Case.Route.DEFERRED_CHARGE
    notify(kind=f"officer_{reason}", case=case, actor=user, event=f"case{case.pk}", context={
        "crime": case.crimes.first(), "route": "charge" if charge else "caution",
        "next_step": ROUTE_NEXT_STEPS.get((reason, case.route), ""), "attached": bool(attachment), **context,
    }, attachment=attachment)


@transaction.atomic
def case_first_contact_record(*, case_id: int, user, offered_on: date, method: str, answer: str, notes: str = "") -> FirstContact:
    """Record the offer of the scheme and the answer, and move the case on.

    Accepted: on to the needs assessment. Declined: the case closes as declined
    (kept, never deleted: it is the evaluation's comparison group) and the officer
    in the case is emailed after the change is committed.
    """
    case = case_lock(case_id=case_id)
    case.timeline.check_first_contact(offered_on)
    first_contact = FirstContact(
        case=case, offered_on=offered_on, method=method, answer=answer, notes=notes.strip(), recorded_by=user
    )
    if answer == FirstContact.Answer.ACCEPTED:
        case.accept_scheme()
    else:
        case.decline(at=timezone.now(), by=user)
        case_closed_record(case=case, user=user)
    first_contact.full_clean(exclude=["case"])
    case.save()
    first_contact.save()
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.FIRST_CONTACT,
        text=f"Offered on {offered_on:%-d %B %Y} by {first_contact.get_method_display().lower()}",
    )
    CaseEvent.objects.create(
        case=case, by=user, text=notes.strip(),
        kind=CaseEvent.Kind.ACCEPTED if answer == FirstContact.Answer.ACCEPTED else CaseEvent.Kind.DECLINED,
    )
    if answer == FirstContact.Answer.DECLINED:
        officer_email_queue(case=case, user=user, reason="declined")
    return first_contact


@transaction.atomic
def case_first_contact_correct(*, case_id: int, user, offered_on: date, method: str, notes: str = "",
                               read_version=ANY_VERSION) -> FirstContact:
    """Correct the date, the way or the notes of the first contact, over the version read, while the case is in
    assessment: once the contract is agreed (or the case closed), the step is locked."""
    case = case_lock(case_id=case_id)
    first_contact = FirstContact.objects.select_for_update().filter(case=case).first()
    if first_contact is None or case.status != Case.Status.ASSESSMENT:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}: its first contact can no longer "
                             "be changed. Nothing was changed.")
    version_bump(first_contact, read_version=read_version, user=user)
    case.timeline.check_first_contact(offered_on)
    before = first_contact.offered_on
    first_contact.offered_on, first_contact.method, first_contact.notes = offered_on, method, notes.strip()
    first_contact.full_clean(exclude=["case"])
    first_contact.save()
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.FIRST_CONTACT,
                             text=f"First contact corrected: offered on {offered_on:%-d %B %Y} (was {before:%-d %B %Y}) by "
                                  f"{first_contact.get_method_display().lower()}")
    return first_contact


@transaction.atomic
def victim_contact_record(*, case_id: int, user, victim_id: int, data: dict, view: str = "",
                          restorative_consent: str = "", read_version=ANY_VERSION) -> VictimContact:
    """Log a contact with a victim; what they said about the resolution and a restorative approach updates their record.

    `read_version` is the total of the case's victims' versions the form was read at (`versions_total`):
    their record is not updated over a change the keyworker has not seen.
    """
    case = case_lock(case_id=case_id)
    if case.status in Case.CLOSED and data.get("purpose") != VictimContact.Purpose.UPDATE_CLOSED:
        raise CaseStateError(f"Case {case.number} is closed: only the update on closure can be recorded now.")
    victims = Victim.objects.select_for_update().filter(crime__case=case)
    victim = victims.get(pk=victim_id)
    if view or restorative_consent:
        versions_check(victims, read_version=read_version, record=victim, user=user)
        version_bump(victim, read_version=ANY_VERSION, user=user)
    case.timeline.check_victim_asked(data["contacted_on"], field="contacted_on", what="The date of the contact")
    contact = VictimContact(victim=victim, recorded_by=user, **data)
    contact.full_clean()
    contact.save()
    if view or restorative_consent:
        victim.view = view or victim.view
        victim.restorative_consent = restorative_consent or victim.restorative_consent
        victim.date_asked = data["contacted_on"]
        victim.full_clean()
        victim.save()
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.VICTIM_CONTACT,
                             text=f"{contact.get_purpose_display()} ({contact.get_method_display().lower()})")
    return contact


@transaction.atomic
def person_reminders_set(*, case_id: int, user, reminders_by: str, read_version=ANY_VERSION) -> Person:
    """Record whether (and how) the person on a case agreed to be sent reminders, over the version the form showed."""
    case = case_lock(case_id=case_id)
    person = Person.objects.select_for_update().get(pk=case.person_id)
    version_bump(person, read_version=read_version, user=user)
    if reminders_by == "sms" and not person.phone:
        raise ValidationError({"reminders_by": "There is no phone number for the person: add one before choosing text messages"})
    if reminders_by == "email" and not person.email:
        raise ValidationError({"reminders_by": "There is no email address for the person: add one before choosing email"})
    person.reminders_by = reminders_by
    person.save(update_fields=["reminders_by", "version"])
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CONTACT,
                             text=f"Reminders to the person: {person.get_reminders_by_display().lower()}")
    return person


def records_erase(queryset, **values) -> int:
    """Overwrite fields on some rows and on every historical version of them (django-simple-history keeps old values).

    Used by disposal at the end of retention: what was said is removed, that a
    change happened, when and by whom, stays.
    """
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).update(**values)
    return model.objects.filter(pk__in=ids).update(**values)


DISPOSED_NAME = "Disposed record"


@transaction.atomic
def case_personal_data_erase(*, case_id: int, erase_person: bool) -> bool:
    """Remove the personal data a case holds in this app, keeping what evaluation counts.

    Kept: the case's status, route, dates, outcome code and offers; crimes'
    offences and dates; the CaseBaseline (age, sex, ethnicity, offences, route,
    postcode area); the timeline's kinds and dates. Removed: names, contact
    details, addresses, references and every free-text note. The person's own
    details go only when the caller says none of their other cases is still
    held, open or closed (`erase_person`); returns whether they went. Locks
    the case row (select_for_update).
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    records_erase(Case.objects.filter(pk=case.pk), override_reason="", review_flag="")
    records_erase(CaseEvent.objects.filter(case=case), text="")
    records_erase(FirstContact.objects.filter(case=case), notes="")
    crimes = Crime.objects.filter(case=case)
    records_erase(crimes, reference=Concat(Value("DISPOSED-"), Cast("id", CharField())), offence_postcode="", officer_name="", officer_collar_number="",
                  officer_email="")
    records_erase(Victim.objects.filter(crime__in=crimes), name=DISPOSED_NAME, phone="", email="")
    records_erase(VictimContact.objects.filter(victim__crime__in=crimes), notes="")
    records_erase(EligibilityAssessment.objects.filter(case=case), override_reason="")
    records_erase(SubmissionReturn.objects.filter(case=case), reasons="")
    # The reasons given for corrections are free text kept on the history rows only.
    Crime.history.filter(case_id=case.pk).update(history_change_reason=None)
    Victim.history.filter(crime_id__in=crimes.values("pk")).update(history_change_reason=None)
    if erase_person and case.person_id:
        person = case.person
        records_erase(
            Person.objects.filter(pk=person.pk), first_names="", last_name=DISPOSED_NAME, name_key="",
            # The year of birth is kept for age bands; the day and month are personal.
            date_of_birth=person.date_of_birth.replace(month=1, day=1), address_line_1="", address_line_2="", town="",
            postcode="", phone="", email="", pnc_id="", reminders_by="",
        )
        Person.history.filter(id=person.pk).update(history_change_reason=None)
        return True
    return False


# --- Corrections with a trail, and sending work back (issue 16) ---------------------------------------------------

REVIEW_FLAG_INELIGIBLE = "A correction made the case ineligible"


def _reason_required(reason: str, *, field: str = "reason", what: str = "why you are making this correction") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: f"Enter {what}"})
    return reason


def _correctable(case_id: int) -> Case:
    """Lock the case and check it is submitted and open: a draft is changed on its own pages, a closed case not at all."""
    case = case_lock(case_id=case_id)
    case.require_correctable()
    return case


def _with_reason(record, reason: str, *, user) -> None:
    """The history row the next save writes carries who and why (django-simple-history's user and change reason),
    whether or not the save happens in a request."""
    record._change_reason = f"Correction: {reason}"[:100]
    record._history_user = user


def _changed_fields(record, data: dict) -> list[str]:
    return [str(record._meta.get_field(name).verbose_name) for name, value in data.items() if getattr(record, name) != value]


def eligibility_recheck(*, case: Case, user) -> str:
    """After a correction of a fact the rules read, check the case again against the rules in force.

    Compared with the latest stored assessment (answers kept, assessed as at the submission date): when any rule's
    result changed, a new assessment is stored (decision "rechecked") and the timeline says what changed. A case the
    correction made ineligible is not dropped: it is flagged for a supervisor and the team's supervisors are told at
    once (they may return it, or the officer or keyworker withdraw it). Returns what changed, in words (empty if
    nothing did). The caller holds the case's lock.
    """
    latest = case.eligibility_assessments.order_by("-assessed_at", "-id").first()
    if latest is None:
        return ""
    rule_settings = eligibility_rule_settings()
    facts = eligibility_facts(case, answers=latest.answers,
                              today=timezone.localdate(case.submitted_at) if case.submitted_at else None)
    results = eligibility.eligibility_check(facts, force_postcode_areas=settings.FORCE_POSTCODE_AREAS, settings=rule_settings)
    outcome = eligibility.eligibility_outcome(results)
    before = {result["code"]: result["outcome"] for result in latest.results}
    words = {eligibility.PASS: "met", eligibility.FAIL: "not met", eligibility.UNANSWERED: "not answered"}
    changed = [f"{result.name}: {words.get(before.get(result.code), 'not checked')} before, {words[result.outcome]} now"
               + (f" ({result.reason})" if result.outcome == eligibility.FAIL else "")
               for result in results if before.get(result.code) != result.outcome]
    if not changed:
        return ""
    assessment = EligibilityAssessment.objects.create(
        case=case, answers=latest.answers, results=[result.__dict__ for result in results],
        rule_set_version=eligibility_rule_set_version(rule_settings), outcome=outcome,
        decision=EligibilityAssessment.Decision.RECHECKED, assessed_by=user,
    )
    summary = f"Eligibility checked again: now {dict(EligibilityAssessment.Outcome.choices)[outcome].lower()}. " + "; ".join(changed)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ELIGIBILITY, by=user, text=summary)
    if outcome == eligibility.INELIGIBLE and not case.override_reason:
        case.review_flag = f"{REVIEW_FLAG_INELIGIBLE}: a supervisor decides what happens"[:200]
        case.save(update_fields=["review_flag", "updated_at"])
        url = (reverse("keyworkers:allocate", args=[case.pk]) if case.status == Case.Status.AWAITING_ALLOCATION
               else reverse("cases:case_detail", args=[case.pk]))
        notify(kind="case_ineligible", case=case, actor=user, event=f"assessment{assessment.pk}", url=url,
               context={"summary": summary})
    elif outcome == eligibility.ELIGIBLE and case.review_flag.startswith(REVIEW_FLAG_INELIGIBLE):
        case.review_flag = ""
        case.save(update_fields=["review_flag", "updated_at"])
    return summary


def _correction_recorded(case: Case, *, user, what: str, fields: list[str], reason: str) -> str:
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CORRECTED, by=user,
                             text=f"{what}: {', '.join(fields)}. Reason: {reason}")
    return eligibility_recheck(case=case, user=user)


@transaction.atomic
def person_correct(*, case_id: int, user, data: dict, reason: str, read_version=ANY_VERSION) -> str:
    """Correct how to reach the person on a submitted, open case (their contact details and address), with a reason.

    The change is in the person's history (who, when, before, after, the reason) and on the timeline; eligibility is
    checked again. Returns what changed in the eligibility check, in words (empty if nothing).
    """
    reason = _reason_required(reason)
    case = _correctable(case_id)
    person = Person.objects.select_for_update().get(pk=case.person_id)
    version_bump(person, read_version=read_version, user=user)
    data = {name: data[name] for name in CONTACT_FIELDS}
    fields = _changed_fields(person, data)
    if not fields:
        raise ValidationError({"reason": "Nothing was changed: change a detail, or go back"})
    for name, value in data.items():
        setattr(person, name, value)
    if person.reminders_by == "sms" and not person.phone:
        raise ValidationError({"phone": "The person agreed to reminders by text message: keep a phone number, or change "
                                        "their reminders first"})
    if person.reminders_by == "email" and not person.email:
        raise ValidationError({"email": "The person agreed to reminders by email: keep an email address, or change "
                                        "their reminders first"})
    person.full_clean()
    _with_reason(person, reason, user=user)
    person.save()
    return _correction_recorded(case, user=user, what="Person's contact details corrected", fields=fields, reason=reason)


IDENTITY_FIELDS = ["first_names", "last_name", "date_of_birth", "pnc_id"]


@transaction.atomic
def person_identity_correct(*, case_id: int, user, data: dict, reason: str, read_version=ANY_VERSION) -> str:
    """Correct who the person is on a submitted, open case (names, date of birth, PNC ID), with a reason.

    In the person's history (who, when, before, after, the reason) and on the timeline. A PNC ID is stored in one
    spelling and belongs to one person. A date of birth is checked against the case's timeline, and the age it
    gives on the offence date updates the young adult offer and the evaluation's baseline; the eligibility check
    runs again. Returns what changed in the eligibility check, in words (empty if nothing).
    """
    reason = _reason_required(reason)
    case = _correctable(case_id)
    person = Person.objects.select_for_update().get(pk=case.person_id)
    version_bump(person, read_version=read_version, user=user)
    data = {name: data[name] for name in IDENTITY_FIELDS}
    data["first_names"], data["last_name"] = data["first_names"].strip(), data["last_name"].strip()
    data["pnc_id"] = pnc_id_normalise(data["pnc_id"] or "")
    fields = _changed_fields(person, data)
    if not fields:
        raise ValidationError({"reason": "Nothing was changed: change a detail, or go back"})
    case.timeline.check_date_of_birth(data["date_of_birth"])
    for name, value in data.items():
        setattr(person, name, value)
    person.name_key = name_key(person.first_names, person.last_name)
    _pnc_id_require_free(person)
    person.full_clean()
    _with_reason(person, reason, user=user)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # someone else recorded the same PNC ID a moment ago
        _pnc_id_require_free(person)
        raise
    case.person = person  # the eligibility check reads the corrected record, not one the timeline loaded before
    crime = case.crimes.first()
    if crime is not None:
        age = eligibility.age_on(person.date_of_birth, crime.offence_date)
        if case.young_adult_offer != (18 <= age <= 25):
            case.young_adult_offer = 18 <= age <= 25
            case.save(update_fields=["young_adult_offer", "updated_at"])
        CaseBaseline.objects.filter(case=case).update(age=age)
    return _correction_recorded(case, user=user, what="Person's identity corrected", fields=fields, reason=reason)


CRIME_FIELDS = ["reference", "offence_date", "offence_postcode", "domestic_abuse", "hate_crime", "co_accused",
                "officer_name", "officer_collar_number", "officer_email"]


@transaction.atomic
def crime_correct(*, case_id: int, user, data: dict, offences: list[Offence], reason: str, read_version=ANY_VERSION) -> str:
    """Correct the crime of a submitted, open case (reference, offences, date, place, flags, officer), with a reason;
    the eligibility check runs again on the corrected facts."""
    reason = _reason_required(reason)
    case = _correctable(case_id)
    crime = Crime.objects.select_for_update().get(case=case)
    version_bump(crime, read_version=read_version, user=user)
    reference = data["reference"].strip().upper()
    clash = Crime.objects.filter(reference=reference).exclude(pk=crime.pk).select_related("case").first()
    if clash:
        raise ValidationError({"reference": ValidationError(
            f"Crime reference {reference} is already used by case {clash.case.number}", code="duplicate_reference")})
    if not offences:
        raise ValidationError({"offence_1": "Select the offence"})
    case.timeline.check_offence_date(data["offence_date"])
    data = {**data, "reference": reference, "offence_postcode": data["offence_postcode"].upper()}
    fields = _changed_fields(crime, data)
    if set(crime.offences.all()) != set(offences):
        fields.append("offences")
    if not fields:
        raise ValidationError({"reason": "Nothing was changed: change a detail, or go back"})
    for name, value in data.items():
        setattr(crime, name, value)
    crime.full_clean()
    _with_reason(crime, reason, user=user)
    crime.save()
    crime.offences.set(offences)
    return _correction_recorded(case, user=user, what="Crime corrected", fields=fields, reason=reason)


@transaction.atomic
def victim_correct(*, case_id: int, user, victim_id: int, data: dict, reason: str, read_version=ANY_VERSION) -> str:
    """Correct a victim of a submitted, open case (name, how to reach them, their view and consent), with a reason."""
    reason = _reason_required(reason)
    case = _correctable(case_id)
    victim = Victim.objects.select_for_update().get(pk=victim_id, crime__case=case)
    version_bump(victim, read_version=read_version, user=user)
    if data.get("date_asked"):
        case.timeline.check_victim_asked(data["date_asked"])
    fields = _changed_fields(victim, data)
    if not fields:
        raise ValidationError({"reason": "Nothing was changed: change a detail, or go back"})
    for name, value in data.items():
        setattr(victim, name, value)
    victim.full_clean()
    _with_reason(victim, reason, user=user)
    victim.save()
    return _correction_recorded(case, user=user, what=f"Victim {victim.pk} corrected", fields=fields, reason=reason)


@transaction.atomic
def victim_add(*, case_id: int, user, data: dict, reason: str) -> Victim:
    """Add a victim missed when a submitted, open case was entered, with a reason (in the history and on the timeline)."""
    reason = _reason_required(reason)
    case = _correctable(case_id)
    victim = Victim(crime=Crime.objects.get(case=case), **data)
    if victim.date_asked:
        case.timeline.check_victim_asked(victim.date_asked)
    victim.full_clean()
    _with_reason(victim, reason, user=user)
    victim.save()
    _correction_recorded(case, user=user, what="Victim added", fields=[victim.name], reason=reason)
    return victim


@transaction.atomic
def case_draft_delete(*, case_id: int, user) -> None:
    """An officer deletes their own draft, never submitted: the case, its crime and victims go (their history rows
    remain), and the person's record too when it was made for this draft and has no other case."""
    case = case_lock(case_id=case_id)
    if case.created_by_id != user.pk:
        raise CaseStateError(f"Case {case.number} is not your draft, so you cannot delete it.")
    case.require_deletable()
    person = case.person
    case.delete()
    if person is not None and not person.cases.exists():
        person.delete()


@transaction.atomic
def case_submission_withdraw(*, case_id: int, user, reason: str, details: str = "") -> Case:
    """An officer withdraws their own submission before allocation, with a coded reason: the case closes as withdrawn
    and leaves the allocation queue. The officer in the case is emailed (what happens next); no staff are told: no
    keyworker holds it, and the queue shows it no longer."""
    case = case_lock(case_id=case_id)
    if case.created_by_id != user.pk:
        raise CaseStateError(f"Case {case.number} is not your submission, so you cannot withdraw it.")
    if reason not in dict(Case.OFFICER_WITHDRAWAL_REASONS):
        raise ValidationError({"reason": "Select why you are withdrawing the submission"})
    details = details.strip()
    if reason == Case.WithdrawalReason.OTHER and not details:
        raise ValidationError({"details": "Give details of why you are withdrawing the submission"})
    case.withdraw_submission(at=timezone.now(), by=user, reason=reason)
    case.review_flag = ""
    case.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.WITHDRAWN, by=user,
                             text=f"By the officer before allocation: {case.get_withdrawal_reason_display()}"
                                  + (f". {details}" if details else ""))
    officer_email_queue(case=case, user=user, reason="withdrawn", before_allocation=True)
    return case


@transaction.atomic
def submission_send_back(*, case_id: int, user, kind: str, reasons: str) -> SubmissionReturn:
    """A supervisor returns a submission to its officer to correct (a draft again), or refuses a submission made by
    override (closed as ineligible), with reasons. The round is kept (SubmissionReturn) and on the timeline, and
    the officer who made the submission is told at once in their inbox and by email; nobody else is."""
    reasons = _reason_required(reasons, field="reasons", what="your reasons, for the officer")
    case = case_lock(case_id=case_id)
    if kind == SubmissionReturn.Kind.RETURNED:
        case.return_to_officer()
    elif kind == SubmissionReturn.Kind.OVERRIDE_REFUSED:
        case.refuse_override(at=timezone.now(), by=user)
    else:
        raise ValidationError({"kind": "Select whether to return the submission or refuse the override"})
    case.review_flag = ""
    case.save()
    round_ = SubmissionReturn.objects.create(case=case, kind=kind, reasons=reasons, by=user)
    CaseEvent.objects.create(
        case=case, by=user, text=reasons,
        kind=CaseEvent.Kind.RETURNED if kind == SubmissionReturn.Kind.RETURNED else CaseEvent.Kind.OVERRIDE_REFUSED,
    )
    notify(kind="submission_returned" if kind == SubmissionReturn.Kind.RETURNED else "override_refused", case=case,
           actor=user, event=f"return{round_.pk}", context={"reasons": reasons},
           url=reverse("cases:submission", args=[case.pk]))
    return round_
