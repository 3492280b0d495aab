"""Writes of case work: needs assessments and keyworker actions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.services import case_lock
from contracts.models import (
    Condition, ConditionKind, ConditionTemplate, Contract, KeyworkerAction, NeedDomain, NeedsAssessment, NeedScore,
    SchemeSettings,
)
from contracts.selectors import scheme_settings

# When each assessment may be recorded: the first before and during the contract, the closing one at its end.
ASSESSMENT_STATES = {
    NeedsAssessment.Kind.BASELINE: (Case.Status.ASSESSMENT, Case.Status.ACTIVE),
    NeedsAssessment.Kind.CLOSING: (Case.Status.ACTIVE,),
}


@transaction.atomic
def needs_assessment_record(*, case_id: int, user, kind: str, data: dict, scores: dict[int, dict]) -> NeedsAssessment:
    """Record (or correct) the first or the closing assessment: every active domain scored 0 to 3.

    `scores` maps a NeedDomain id to {"score", "notes", "safeguarding"}. A
    safeguarding concern ticked on any domain goes on the timeline, and the
    page then prompts the keyworker to raise a safeguarding alert.
    """
    case = case_lock(case_id=case_id)
    if case.status not in ASSESSMENT_STATES[kind]:
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
    action.full_clean()
    action.save()
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


def condition_check(condition: Condition, *, settings: SchemeSettings) -> None:
    """The scheme's rules for one condition (domain.md section 5), each with a message a keyworker can act on."""
    errors = {}
    template = condition.template
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
    if template and template.is_unpaid_work:
        if not condition.hours_required:
            errors["hours_required"] = "Enter the number of hours of unpaid work"
        elif condition.hours_required > settings.unpaid_work_hours_cap:
            errors["hours_required"] = f"Unpaid work can be at most {settings.unpaid_work_hours_cap} hours"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def condition_add(*, case_id: int, user, template: ConditionTemplate, data: dict) -> Condition:
    """Add a condition to a draft contract: a template from the library, tailored for this person."""
    case = case_lock(case_id=case_id)
    contract = _draft_contract(case)
    condition = Condition(contract=contract, template=template, kind=template.kind, **data)
    condition_check(condition, settings=scheme_settings())
    condition.full_clean()
    condition.save()
    return condition


@transaction.atomic
def condition_remove(*, case_id: int, user, condition_id: int) -> None:
    case = case_lock(case_id=case_id)
    contract = _draft_contract(case)
    removed, _ = contract.conditions.exclude(kind=ConditionKind.STANDARD).filter(pk=condition_id).delete()
    if not removed:
        raise CaseStateError("That condition cannot be removed: the standard condition not to reoffend always stays.")


@transaction.atomic
def contract_sign(*, case_id: int, user, signed_on, agreement: str) -> Contract:
    """Record the person's agreement: the contract starts on the day they signed.

    Where the scheme requires it, the contract waits for a supervisor's approval
    and the case starts when it is approved.
    """
    case = case_lock(case_id=case_id)
    contract = _draft_contract(case)
    if not NeedsAssessment.objects.filter(case=case, kind=NeedsAssessment.Kind.BASELINE).exists():
        raise CaseStateError("Record the needs assessment before agreeing the contract: the conditions should follow from it.")
    if not contract.conditions.exclude(kind=ConditionKind.STANDARD).exists():
        raise ValidationError("Add at least one condition tailored to the person before agreeing the contract")
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "The date signed must be today or in the past"})
    contract.start_date, contract.agreement = signed_on, agreement
    contract.full_clean()
    if scheme_settings().contract_approval_required:
        contract.status = Contract.Status.AWAITING_APPROVAL
    else:
        contract.status = Contract.Status.ACTIVE
        case.start_contract()
        case.save(update_fields=["status", "updated_at"])
    contract.save()
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.CONTRACT,
        text=f"{contract.get_agreement_display()} on {signed_on:%-d %B %Y}; ends {contract.end_date:%-d %B %Y}"
        + (". Waiting for a supervisor's approval" if contract.status == Contract.Status.AWAITING_APPROVAL else ""),
    )
    return contract


@transaction.atomic
def contract_approve(*, case_id: int, user) -> Contract:
    """A supervisor approves a signed contract; the case becomes active."""
    case = case_lock(case_id=case_id)
    contract = Contract.objects.select_for_update().get(case=case)
    if contract.status != Contract.Status.AWAITING_APPROVAL:
        raise CaseStateError(f"The contract of case {case.number} is not waiting for approval.")
    contract.status, contract.approved_by, contract.approved_at = Contract.Status.ACTIVE, user, timezone.now()
    contract.save(update_fields=["status", "approved_by", "approved_at"])
    case.start_contract()
    case.save(update_fields=["status", "updated_at"])
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CONTRACT_APPROVED)
    return contract


@transaction.atomic
def condition_progress_record(*, case_id: int, user, condition_id: int, status: str, evidence: str, hours_done: int) -> Condition:
    """Record how a condition of an active contract is going: its status, evidence and hours done."""
    case = case_lock(case_id=case_id)
    if case.status != Case.Status.ACTIVE:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so its conditions cannot change.")
    condition = Condition.objects.select_for_update().get(pk=condition_id, contract__case=case)
    if status in (Condition.Status.VARIED, Condition.Status.WITHDRAWN):
        raise ValidationError({"status": "A condition is varied or withdrawn through a variation a supervisor approves"})
    if condition.hours_required and hours_done > condition.hours_required:
        raise ValidationError({"hours_done": f"Hours done cannot be more than the {condition.hours_required} required"})
    condition.status, condition.evidence, condition.hours_done = status, evidence.strip(), hours_done
    condition.full_clean()
    condition.save()
    CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.CONDITION,
        text=f"{condition.description[:80]}: {condition.get_status_display().lower()}",
    )
    return condition
