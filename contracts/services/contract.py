"""Writes of the contract and its conditions, through their whole life: the draft and its conditions, the
person's agreement, the supervisor's decision, progress on each condition, and the contract's end when the case
closes. The model verbs (`Contract.sign`, `Condition.record_progress`, ...) check each move; these services lock,
validate, record and tell."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.services import case_lock
from contracts.models import (
    Condition, ConditionKind, ConditionTemplate, Contract, ContractDecision, SchemeSettings, TAILORED_KINDS,
)
from contracts.selectors import contract_sign_blocker, scheme_settings
from contracts.services.notices import waiting_tell
from oocr.concurrency.services import ANY_VERSION, version_bump
from oocr.notifications.services import notify


STANDARD_CONDITION = "You will not commit any offence during the contract."


def _draft_contract(case: Case) -> Contract:
    contract = Contract.objects.select_for_update().filter(case=case).first()
    if contract is None or contract.status != Contract.Status.DRAFT:
        raise CaseStateError(f"Case {case.number} has no draft contract to change: it has been agreed already.")
    return contract


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
        waiting_tell(case, user=user, kind="contract_waiting", event=f"contract{contract.pk}v{contract.version}", contract=contract)
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


def contract_close(case: Case, *, on: date) -> str:
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
