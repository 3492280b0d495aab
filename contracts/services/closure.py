"""Writes of closure: a completion, breach or withdrawal proposed, decided by a supervisor where it must be, and
the case closed (outcome code, contract ended, officer told, with the breach pack on a breach).

The breach pack is made by the documents app, which sits above this one: it registers its maker here at start-up
(`breach_pack_maker_register`), so closing a case does not import it.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.selectors import victims_code_items
from cases.services import case_closed_record, case_lock, officer_email_queue
from cases.victims_code import undone_before_closure
from contracts.models import ClosureProposal, Condition, ConditionKind, Contract, NeedsAssessment
from contracts.selectors import scheme_settings
from contracts.services.contract import contract_close
from contracts.services.notices import decision_tell, waiting_tell

# Makes the breach pack and keeps it on the case; returns (storage name, file name) for the officer's email.
_breach_pack_maker: Callable[..., tuple[str, str]] | None = None


def breach_pack_maker_register(maker: Callable[..., tuple[str, str]]) -> None:
    """Called once by the documents app at start-up: `maker(case=, user=)` makes and keeps the breach pack."""
    global _breach_pack_maker
    _breach_pack_maker = maker


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
        waiting_tell(case, user=user, event=f"closure{proposal.pk}", what=proposal.what, reason=proposal.reason,
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
    decision_tell(case, proposal, user=user)
    return proposal


def _outcome_code(case: Case, result: str) -> int | None:
    settings = scheme_settings()
    charge = case.route == Case.Route.DEFERRED_CHARGE
    return {
        ClosureProposal.Result.COMPLETED: settings.outcome_charge_completed if charge else settings.outcome_caution_completed,
        ClosureProposal.Result.BREACHED: settings.outcome_charge_breached if charge else settings.outcome_caution_breached,
    }.get(result)


def _close(case: Case, proposal: ClosureProposal) -> None:
    """Close the case as an approved proposal says: state, outcome code, contract, allocation, timeline,
    and the officer told of a breach. The one who approved it closes it."""
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
    contract_ending = contract_close(case, on=timezone.localdate(now))
    proposal.save()
    kind = {Result.COMPLETED: CaseEvent.Kind.COMPLETED, Result.BREACHED: CaseEvent.Kind.BREACHED}.get(
        proposal.result, CaseEvent.Kind.WITHDRAWN
    )
    text = f"Outcome {case.outcome_code}" if case.outcome_code else case.get_withdrawal_reason_display()
    CaseEvent.objects.create(case=case, by=user, kind=kind, text=". ".join(filter(None, [text, contract_ending])))
    case_closed_record(case=case, user=user)
    # The officer in the case hears of every closure, with what happens next for the route; of a breach, with the
    # breach pack (made now and kept on the case, by the maker the documents app registered) attached.
    attachment = None
    if proposal.result == Result.BREACHED and _breach_pack_maker is not None:
        attachment = _breach_pack_maker(case=case, user=user)
    officer_email_queue(case=case, user=user, reason=proposal.result, proposal=proposal,
                        breached_conditions=list(proposal.conditions_breached.all()), attachment=attachment)
