"""Writes of variations: an extension or a change to one condition of an active contract, proposed by the
keyworker and decided by a supervisor (the old condition kept, marked varied)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.services import case_lock
from cases.models import CaseEvent, CaseStateError
from contracts.models import Condition, ConditionKind, Contract, VariationProposal
from contracts.selectors import scheme_settings
from contracts.services.contract import unpaid_work_hours_set, unpaid_work_over_cap
from contracts.services.notices import decision_tell, waiting_tell


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
    waiting_tell(case, user=user, event=f"variation{proposal.pk}", what=proposal.what, reason=proposal.reason,
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
    decision_tell(case, proposal, user=user)
    return proposal
