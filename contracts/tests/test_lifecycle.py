"""Contract and Condition lifecycles: every verb's allowed and refused moves, what closing a case does to its contract,
and the contract's unpaid-work cap."""

import importlib
import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStateError, Crime, FirstContact
from contracts.models import ClosureProposal, Condition, ConditionKind, ConditionTemplate, Contract, SchemeSettings, VariationProposal
from contracts.services.assessment import needs_assessment_record
from contracts.services.closure import closure_decide, closure_propose
from contracts.services.contract import condition_add, condition_progress_record, condition_remove, unpaid_work_hours_set
from contracts.services.variation import variation_decide, variation_propose
from contracts.tests.factories import (
    breach_record,
    ActiveContractFactory, AssessedCaseFactory, AwaitingApprovalContractFactory, TailoredConditionFactory, holder_of,
)
from evaluation import services as evaluation_services
from evaluation.models import ReoffendingDefinition, ReoffendingResult
from evaluation.tests.factories import CrimeRecordFactory
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.accounts.tests.factories import SupervisorFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 2)
NOW = timezone.now()
CS = Contract.Status


# --- Contract verbs ------------------------------------------------------------------------------------------------


def contract_move(contract: Contract, verb: str) -> None:
    {
        "sign": lambda: contract.sign(on=TODAY, agreement="verbal", approval_required=False),
        "sign_for_approval": lambda: contract.sign(on=TODAY, agreement="verbal", approval_required=True),
        "approve": lambda: contract.approve(by=None, at=NOW),
        "extend": lambda: contract.extend(14),
        "end": lambda: contract.end(on=TODAY + timedelta(weeks=6)),
        "cancel": contract.cancel,
    }[verb]()


CONTRACT_LEGAL = {
    ("draft", "sign"): CS.ACTIVE,
    ("draft", "sign_for_approval"): CS.AWAITING_APPROVAL,
    ("draft", "cancel"): CS.CANCELLED,
    ("awaiting_approval", "approve"): CS.ACTIVE,
    ("awaiting_approval", "cancel"): CS.CANCELLED,
    ("active", "extend"): CS.ACTIVE,
    ("active", "end"): CS.ENDED,
}
CONTRACT_VERBS = ["sign", "sign_for_approval", "approve", "extend", "end", "cancel"]


def a_contract(status: str) -> Contract:
    signed = status != CS.DRAFT
    return Contract(status=status, weeks=16, start_date=TODAY if signed else None,
                    end_date=TODAY + timedelta(weeks=16) if signed else None)


@pytest.mark.parametrize("status, verb", sorted(CONTRACT_LEGAL))
def test_a_contract_moves_as_its_verbs_allow(status, verb):
    contract = a_contract(status)
    contract_move(contract, verb)
    assert contract.status == CONTRACT_LEGAL[(status, verb)]


@pytest.mark.parametrize("status, verb", [(s, v) for s in CS.values for v in CONTRACT_VERBS if (s, v) not in CONTRACT_LEGAL])
def test_a_contract_refuses_every_other_move_in_words_and_keeps_its_state(status, verb):
    contract = a_contract(status)
    before = (contract.status, contract.start_date, contract.end_date, contract.extension_days)
    with pytest.raises(CaseStateError, match=r"^This contract is .*(cannot be|not waiting)"):
        contract_move(contract, verb)
    assert (contract.status, contract.start_date, contract.end_date, contract.extension_days) == before


def test_signing_sets_the_dates_extending_moves_the_end_and_ending_records_the_real_end():
    contract = a_contract(CS.DRAFT)
    contract.sign(on=TODAY, agreement="signed_in_person", approval_required=False)
    assert (contract.start_date, contract.end_date, contract.agreement) == (TODAY, date(2027, 2, 22), "signed_in_person")
    contract.extend(14)
    assert (contract.extension_days, contract.end_date) == (14, date(2027, 3, 8))
    contract.end(on=date(2026, 12, 14))  # week 7: a breach
    assert (contract.status, contract.end_date, contract.compute_end_date()) == (CS.ENDED, date(2026, 12, 14), date(2027, 3, 8))


def test_a_contract_cannot_end_before_it_started_and_a_cancelled_one_has_no_end_date():
    contract = a_contract(CS.ACTIVE)
    with pytest.raises(CaseStateError, match="started on 2 November 2026, so it cannot end before then"):
        contract.end(on=TODAY - timedelta(days=1))
    assert contract.status == CS.ACTIVE
    waiting = a_contract(CS.AWAITING_APPROVAL)
    waiting.cancel()
    assert (waiting.status, waiting.start_date, waiting.end_date) == (CS.CANCELLED, TODAY, None)


def test_approving_records_who_and_a_second_approval_names_them():
    supervisor = SupervisorFactory(first_name="Morwenna", last_name="Tregear")
    contract = a_contract(CS.AWAITING_APPROVAL)
    contract.approve(by=supervisor, at=NOW)
    assert (contract.status, contract.approved_by, contract.approved_at) == (CS.ACTIVE, supervisor, NOW)
    with pytest.raises(CaseStateError, match="approved already by Morwenna Tregear"):
        contract.approve(by=SupervisorFactory(), at=NOW)
    assert contract.approved_by == supervisor


# --- Condition verbs -----------------------------------------------------------------------------------------------


def condition_move(condition: Condition, verb: str):
    return {
        "record_progress": lambda: condition.record_progress(status="in_progress", evidence=" Saw the adviser ", hours_done=0),
        "vary": lambda: condition.vary(description="You will see a debt adviser in Camborne."),
        "withdraw": condition.withdraw,
    }[verb]()


CONDITION_LEGAL = {
    **{(status, "record_progress"): "in_progress" for status in Condition.PROGRESS},
    **{(status, "vary"): "varied" for status in Condition.PROGRESS},
    ("not_started", "withdraw"): "withdrawn",
    ("in_progress", "withdraw"): "withdrawn",
}
CONDITION_VERBS = ["record_progress", "vary", "withdraw"]


@pytest.mark.parametrize("status, verb", sorted(CONDITION_LEGAL))
def test_a_condition_moves_as_its_verbs_allow(status, verb):
    condition = Condition(status=status, kind="rehabilitative", description="You will see a debt adviser.")
    condition_move(condition, verb)
    assert condition.status == CONDITION_LEGAL[(status, verb)]


@pytest.mark.parametrize("status, verb", [(s, v) for s in Condition.Status.values for v in CONDITION_VERBS
                                          if (s, v) not in CONDITION_LEGAL])
def test_a_condition_refuses_every_other_move_in_words_and_keeps_its_state(status, verb):
    condition = Condition(status=status, kind="rehabilitative", description="You will see a debt adviser.")
    with pytest.raises(CaseStateError, match=r"^This condition (was|is) .*, so it cannot be"):
        condition_move(condition, verb)
    assert condition.status == status


def test_progress_is_only_what_a_keyworker_records_and_never_more_hours_than_required():
    condition = Condition(status="in_progress", kind="reparative", hours_required=10, description="Unpaid work")
    for status in ("varied", "withdrawn"):
        with pytest.raises(ValidationError) as refused:
            condition.record_progress(status=status, evidence="", hours_done=0)
        assert refused.value.message_dict == {"status": ["A condition is varied or withdrawn through a variation a supervisor approves"]}
    with pytest.raises(ValidationError) as refused:
        condition.record_progress(status="met", evidence="", hours_done=11)
    assert refused.value.message_dict == {"hours_done": ["Hours done cannot be more than the 10 required"]}
    condition.record_progress(status="met", evidence="  Signed sheet  ", hours_done=10)
    assert (condition.status, condition.evidence, condition.hours_done) == ("met", "Signed sheet", 10)


def test_a_varied_condition_is_replaced_by_one_carrying_its_progress_and_the_new_terms():
    old = Condition(pk=5, contract_id=3, status="in_progress", kind="reparative", hours_required=10, hours_done=4,
                    description="Unpaid work at the allotment", recurrence="Saturdays")
    new = old.vary(description="Unpaid work at the food bank", hours_required=12)
    assert old.status == "varied"
    assert (new.pk, new.contract_id, new.status, new.hours_done, new.hours_required, new.description, new.recurrence) == (
        None, 3, "in_progress", 4, 12, "Unpaid work at the food bank", "Saturdays")


# --- Closing the case closes its contract --------------------------------------------------------------------------


def breach(case, *, on_proposal_of=None) -> ClosureProposal:
    proposal = closure_propose(case_id=case.pk, user=on_proposal_of or holder_of(case), result="breached", breach=breach_record(),
                               reason="Arrested for shoplifting again")
    return closure_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True, note="No contact for three weeks after a warning")


def test_a_breach_in_week_6_ends_the_contract_that_day_and_withdraws_what_was_unfinished():
    contract = ActiveContractFactory(start_date=timezone.localdate() - timedelta(weeks=5, days=3))
    planned_end = contract.end_date
    under_way = contract.conditions.get(kind="rehabilitative")
    met = TailoredConditionFactory(contract=contract, status="met")
    not_met = TailoredConditionFactory(contract=contract, status="not_met")
    in_progress = TailoredConditionFactory(contract=contract, status="in_progress")
    breach(contract.case)
    contract.refresh_from_db()
    assert (contract.status, contract.end_date) == (CS.ENDED, timezone.localdate())
    assert contract.compute_end_date() == planned_end  # the planned end is still known
    statuses = dict(contract.conditions.values_list("pk", "status"))
    assert (statuses[under_way.pk], statuses[in_progress.pk], statuses[met.pk], statuses[not_met.pk]) == (
        "withdrawn", "withdrawn", "met", "not_met")
    assert contract.conditions.get(kind=ConditionKind.STANDARD).status == "not_started"
    event = contract.case.events.get(kind="breached")
    assert f"Contract ended early on {timezone.localdate():%-d %B %Y}, in week 6 of 16" in event.text
    assert "2 unfinished condition(s) withdrawn" in event.text


def test_a_withdrawal_during_the_contract_ends_it_that_day():
    contract = ActiveContractFactory(start_date=timezone.localdate() - timedelta(weeks=3))
    closure_propose(case_id=contract.case_id, user=holder_of(contract.case), result="withdrawn",
                    withdrawal_reason=Case.WithdrawalReason.values[0], reason="Moved to Scotland")
    contract.refresh_from_db()
    assert (contract.case.status, contract.status, contract.end_date) == ("withdrawn", CS.ENDED, timezone.localdate())
    assert contract.conditions.get(kind="rehabilitative").status == "withdrawn"


def test_a_completion_ends_the_contract_on_the_completion_date():
    contract = ActiveContractFactory(start_date=timezone.localdate() - timedelta(weeks=18))
    holder = holder_of(contract.case)
    condition_progress_record(case_id=contract.case_id, user=holder, condition_id=contract.conditions.get(
        kind="rehabilitative").pk, status="met", evidence="Letter from the adviser", hours_done=0)
    needs_assessment_record(case_id=contract.case_id, user=holder, kind="closing", data={}, scores={
        score.domain_id: {"score": 1} for score in contract.case.needs_assessments.get(kind="baseline").scores.all()})
    closure_propose(case_id=contract.case_id, user=holder, result="completed", reason="Every condition met")
    contract.refresh_from_db()
    assert (contract.status, contract.end_date) == (CS.ENDED, timezone.localdate())
    assert contract.conditions.get(kind="rehabilitative").status == "met"


@pytest.mark.parametrize("factory", [
    lambda: Contract.objects.get(case=AssessedCaseFactory()),
    lambda: AwaitingApprovalContractFactory(),
], ids=["draft", "awaiting approval"])
def test_a_contract_not_yet_started_is_cancelled_when_its_case_is_withdrawn(factory):
    contract = factory()
    TailoredConditionFactory(contract=contract)
    closure_propose(case_id=contract.case_id, user=holder_of(contract.case), result="withdrawn",
                    withdrawal_reason=Case.WithdrawalReason.values[0], reason="Moved away")
    contract.refresh_from_db()
    assert (contract.case.status, contract.status, contract.end_date) == ("withdrawn", CS.CANCELLED, None)
    assert set(contract.conditions.exclude(kind="standard").values_list("status", flat=True)) == {"withdrawn"}
    assert "Contract cancelled: the case closed before it started" in contract.case.events.get(kind="withdrawn").text


def test_a_closure_the_keyworker_may_approve_alone_is_decided_by_the_same_rules(client):
    SchemeSettings.objects.update(closure_approval_required=False)
    contract = ActiveContractFactory()
    holder = holder_of(contract.case)
    proposal = closure_propose(case_id=contract.case_id, user=holder, result="withdrawn",
                               withdrawal_reason=Case.WithdrawalReason.values[0], reason="Moved away")
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by, proposal.decision_note) == ("approved", holder, "")
    assert proposal.decided_at is not None
    with pytest.raises(CaseStateError, match="decided already: approved by"):  # decide() guards it like any other
        proposal.decide(user=holder, approve=True, note="", at=NOW, approval_required=False)


def test_a_breach_still_needs_another_supervisor_whatever_the_closure_setting():
    SchemeSettings.objects.update(closure_approval_required=False)
    contract = ActiveContractFactory()
    holder = holder_of(contract.case)
    proposal = closure_propose(case_id=contract.case_id, user=holder, result="breached", breach=breach_record(), reason="New offence")
    assert proposal.decision == "pending"
    with pytest.raises(CaseStateError, match="other than the person who proposed it"):
        closure_decide(proposal_id=proposal.pk, user=holder, approve=True)
    contract.refresh_from_db()
    assert contract.status == CS.ACTIVE


def test_the_migration_ends_the_contracts_of_cases_closed_before_it():
    migration = importlib.import_module("contracts.migrations.0012_end_contracts_of_closed_cases")
    breached = ActiveContractFactory(start_date=timezone.localdate() - timedelta(weeks=8))
    closed_at = timezone.now() - timedelta(weeks=2)
    Case.objects.filter(pk=breached.case_id).update(status="breached", closed_at=closed_at)
    Contract.objects.filter(pk=breached.pk).update(status="ended")  # as the old code left it: end date at 16 weeks
    withdrawn = Contract.objects.get(case=AssessedCaseFactory())
    TailoredConditionFactory(contract=withdrawn)
    Case.objects.filter(pk=withdrawn.case_id).update(status="withdrawn", closed_at=closed_at)
    running = ActiveContractFactory()
    migration.end_contracts_of_closed_cases(apps, None)
    breached.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (breached.status, breached.end_date) == (CS.ENDED, timezone.localdate(closed_at))
    assert breached.conditions.get(kind="rehabilitative").status == "withdrawn"
    assert (withdrawn.status, withdrawn.end_date) == (CS.CANCELLED, None)
    assert withdrawn.conditions.get(kind="rehabilitative").status == "withdrawn"
    assert Contract.objects.get(pk=running.pk).end_date == running.end_date


# --- The reoffending check sees the contract's real end ------------------------------------------------------------


def moved_back(case: Case, days: int) -> None:
    """Every date of the case `days` earlier, as if it had all happened then (the check looks back from today)."""
    back = timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(closed_at=F("closed_at") - back, submitted_at=F("submitted_at") - back)
    Crime.objects.filter(case=case).update(offence_date=F("offence_date") - back)
    FirstContact.objects.filter(case=case).update(offered_on=F("offered_on") - back)
    Contract.objects.filter(case=case).update(start_date=F("start_date") - back, end_date=F("end_date") - back)


@pytest.mark.parametrize("start_point", ReoffendingDefinition.StartPoint.values)
def test_a_reoffence_after_an_early_breach_counts_under_every_definition(start_point):
    today = timezone.localdate()
    case = AllocatedCaseFactory(crime__offence_date=today - timedelta(weeks=10))
    contract = ActiveContractFactory(case=case, start_date=today - timedelta(weeks=5, days=3))
    FirstContact.objects.filter(case=case).update(offered_on=contract.start_date - timedelta(days=2))
    planned_end = contract.end_date
    breach(case)
    moved_back(case, 365)
    breached_on, planned_end = today - timedelta(days=365), planned_end - timedelta(days=365)
    # Three weeks after the breach: before the contract's planned end, so once never counted under "contract end".
    reoffence = CrimeRecordFactory(person=case.person, offence_date=breached_on + timedelta(weeks=3),
                                   outcome_date=breached_on + timedelta(weeks=9), event_type="caution")
    assert reoffence.offence_date < planned_end
    rules = ReoffendingDefinition.objects.create(name=f"12 months from {start_point}", follow_up_months=[12],
                                                 start_point=start_point, event_types=["caution", "conviction"])
    evaluation_services.reoffending_check_run(definition_id=rules.pk, as_of=today)
    result = ReoffendingResult.objects.get(case=case, run__definition=rules)
    expected_start = {
        "offence_date": today - timedelta(weeks=10, days=365),
        "decision_date": contract.start_date - timedelta(days=2 + 365),
        "contract_end": breached_on,
    }[start_point]
    assert (result.start_date, result.reoffended, result.first_offence_date) == (expected_start, True, reoffence.offence_date)


# --- The contract's unpaid-work cap --------------------------------------------------------------------------------


def unpaid_work(case, hours, *, template=True):
    library = ConditionTemplate.objects.get(title="Unpaid work in the community")
    data = {"description": "You will do unpaid work at the allotment.", "due_date": timezone.localdate() + timedelta(days=60),
            "recurrence": "", "need_domain": None, "victim": None, "target": "", "hours_required": hours}
    if not template:
        data["kind"] = "reparative"
    return condition_add(case_id=case.pk, user=holder_of(case), template=library if template else None, data=data)


def test_two_conditions_of_unpaid_work_share_the_contracts_cap():
    case = AssessedCaseFactory()
    unpaid_work(case, 12)
    with pytest.raises(ValidationError) as refused:
        unpaid_work(case, 12)
    assert refused.value.message_dict == {"hours_required": [
        "Unpaid work can be at most 20 hours on a contract, and its other conditions set 12 hours already: "
        "enter 8 hours or fewer"]}
    with pytest.raises(ValidationError, match="set 12 hours already: enter 8 hours or fewer"):
        unpaid_work(case, 9, template=False)  # written from scratch, reparative hours are unpaid work too
    unpaid_work(case, 8)
    with pytest.raises(ValidationError, match="set 20 hours already: it cannot take more unpaid work"):
        unpaid_work(case, 1)
    assert sorted(Condition.objects.filter(contract__case=case, hours_required__isnull=False)
                  .values_list("hours_required", flat=True)) == [8, 12]


def test_a_removed_or_varied_condition_no_longer_counts_towards_the_cap():
    case = AssessedCaseFactory()
    first = unpaid_work(case, 15)
    condition_remove(case_id=case.pk, user=holder_of(case), condition_id=first.pk)
    assert unpaid_work(case, 20).hours_required == 20
    contract = Contract.objects.get(case=case)
    Condition.objects.filter(contract=contract, hours_required=20).update(status="varied")
    assert unpaid_work_hours_set(contract) == 0


def shown_at_field(page: str, field: str, message: str, *, typed: str) -> bool:
    """The GOV.UK pattern: the summary links to the field, the message sits in the field's group, what was typed stays."""
    group = re.search(rf'<div id="div_id_{field}" class="govuk-form-group govuk-form-group--error">(.*?)</div>', page, re.S)
    return (f'<a href="#id_{field}">{message}</a>' in page and group is not None
            and message in group.group(1) and f'value="{typed}"' in group.group(1))


def test_the_form_shows_the_contract_cap_at_the_hours(client):
    case = AssessedCaseFactory()
    unpaid_work(case, 12)
    library = ConditionTemplate.objects.get(title="Unpaid work in the community")
    client.force_login(holder_of(case))
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(reverse("contracts:condition_new", args=[case.pk]) + f"?template={library.pk}", {
        "description": "You will help at the food bank.", "due_date_0": due.day, "due_date_1": due.month,
        "due_date_2": due.year, "recurrence": "", "hours_required": "10"})
    assert response.status_code == 200
    message = ("Unpaid work can be at most 20 hours on a contract, and its other conditions set 12 hours already: "
               "enter 8 hours or fewer")
    assert response.context["form"].errors["hours_required"] == [message]
    assert shown_at_field(response.content.decode(), "hours_required", message, typed="10")
    assert Condition.objects.filter(contract__case=case, hours_required__isnull=False).count() == 1


def _unpaid_active_contract(*hours) -> tuple[Contract, list[Condition]]:
    contract = ActiveContractFactory()
    library = ConditionTemplate.objects.get(title="Unpaid work in the community")
    conditions = [Condition.objects.create(contract=contract, template=library, kind=library.kind, hours_required=h,
                                           description=f"Unpaid work, {h} hours", recurrence="Saturdays") for h in hours]
    return contract, conditions


def test_a_variation_of_the_hours_is_held_to_the_contracts_cap():
    contract, (allotment, food_bank) = _unpaid_active_contract(12, 6)
    holder = holder_of(contract.case)
    with pytest.raises(ValidationError) as refused:
        variation_propose(case_id=contract.case_id, user=holder, kind="variation", reason="More to do",
                          condition_id=allotment.pk, new_hours_required=15)
    assert refused.value.message_dict == {"new_hours_required": [
        "Unpaid work can be at most 20 hours on a contract, and its other conditions set 6 hours already: "
        "enter 14 hours or fewer"]}
    proposal = variation_propose(case_id=contract.case_id, user=holder, kind="variation", reason="More to do",
                                 condition_id=allotment.pk, new_hours_required=14)
    variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True)
    allotment.refresh_from_db()
    replacement = contract.conditions.get(description=allotment.description, status="not_started")
    assert (allotment.status, replacement.hours_required, unpaid_work_hours_set(contract)) == ("varied", 14, 20)


def test_two_variations_each_within_the_cap_cannot_both_be_approved():
    contract, (allotment, food_bank) = _unpaid_active_contract(8, 8)
    holder = holder_of(contract.case)
    first, second = (variation_propose(case_id=contract.case_id, user=holder, kind="variation", reason="More",
                                       condition_id=condition.pk, new_hours_required=12)
                     for condition in (allotment, food_bank))
    supervisor = SupervisorFactory()
    variation_decide(proposal_id=first.pk, user=supervisor, approve=True)
    with pytest.raises(ValidationError) as refused:
        variation_decide(proposal_id=second.pk, user=supervisor, approve=True)
    assert "set 12 hours already: enter 8 hours or fewer" in refused.value.message_dict["approve"][0]
    assert VariationProposal.objects.get(pk=second.pk).decision == "pending"
    assert unpaid_work_hours_set(contract) == 20


def test_the_variation_form_shows_the_cap_at_the_new_hours(client):
    contract, (allotment, _) = _unpaid_active_contract(12, 6)
    client.force_login(holder_of(contract.case))
    response = client.post(reverse("contracts:variation_new", args=[contract.case_id]), {
        "kind": "variation", "reason": "More to do", "condition": allotment.pk, "new_hours_required": "16"})
    message = ("Unpaid work can be at most 20 hours on a contract, and its other conditions set 6 hours already: "
               "enter 14 hours or fewer")
    assert response.context["form"].errors["new_hours_required"] == [message]
    assert shown_at_field(response.content.decode(), "new_hours_required", message, typed="16")
    assert not VariationProposal.objects.exists()


def test_a_variation_still_waiting_when_the_case_closes_cannot_be_approved_but_can_be_refused():
    contract = ActiveContractFactory()
    met = TailoredConditionFactory(contract=contract, status="met")
    holder = holder_of(contract.case)
    extension = variation_propose(case_id=contract.case_id, user=holder, kind="extension", reason="Illness",
                                  extension_days=14)
    variation = variation_propose(case_id=contract.case_id, user=holder, kind="variation", reason="New adviser",
                                  condition_id=met.pk, new_description="You will see the adviser in Bodmin.")
    breach(contract.case)
    contract.refresh_from_db()
    ended = (contract.status, contract.end_date, contract.conditions.count())
    supervisor = SupervisorFactory()
    for proposal in (extension, variation):
        with pytest.raises(CaseStateError, match="is ended, so it cannot change any more"):
            variation_decide(proposal_id=proposal.pk, user=supervisor, approve=True)
    contract.refresh_from_db()
    assert (contract.status, contract.end_date, contract.conditions.count()) == ended
    variation_decide(proposal_id=extension.pk, user=supervisor, approve=False, note="The case has closed")
    assert VariationProposal.objects.get(pk=extension.pk).decision == "refused"
