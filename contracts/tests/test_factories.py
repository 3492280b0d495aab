"""The state factories leave rows the services accept, as the service chain would."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from contracts.models import ClosureProposal, Condition, ConditionTemplate, Contract, VariationProposal
from contracts.services.assessment import needs_assessment_record
from contracts.services.closure import closure_decide
from contracts.services.contacts import contact_outcome_record, contact_record, non_compliance_record
from contracts.services.contract import condition_add, condition_progress_record, contract_approve, contract_draft_start, contract_sign
from contracts.services.variation import variation_decide, variation_propose
from contracts.tests.factories import (
    ActiveContractFactory, AssessedCaseFactory, AwaitingApprovalContractFactory, BookedContactFactory, ConsentingVictimFactory,
    PendingClosureFactory, PendingExtensionFactory, holder_of,
)
from keyworkers.tests.factories import SupervisorProfileFactory

pytestmark = pytest.mark.django_db


def test_an_assessed_case_takes_conditions_and_is_signed():
    case = AssessedCaseFactory()
    holder = holder_of(case)
    template = ConditionTemplate.objects.get(title="Debt advice")
    condition_add(case_id=case.pk, user=holder, template=template, data={
        "description": template.text, "due_date": timezone.localdate() + timedelta(days=30), "need_domain": template.need_domain})
    contract = contract_sign(case_id=case.pk, user=holder, signed_on=timezone.localdate(), agreement="verbal")
    case.refresh_from_db()
    assert (contract.status, case.status) == (Contract.Status.ACTIVE, Case.Status.ACTIVE)
    assert contract.conditions.filter(kind="standard").count() == 1


def test_an_assessed_case_without_a_contract_starts_drafting_one():
    case = AssessedCaseFactory(draft_contract=False)
    assert not Contract.objects.filter(case=case).exists()
    contract = contract_draft_start(case_id=case.pk, user=holder_of(case))
    assert [condition.kind for condition in contract.conditions.all()] == ["standard"]


def test_a_restorative_condition_names_a_consenting_victim_of_the_case():
    victim = ConsentingVictimFactory()
    case = victim.crime.case
    template = ConditionTemplate.objects.get(title="Letter of apology")
    condition = condition_add(case_id=case.pk, user=holder_of(case), template=template, data={
        "description": template.text, "due_date": timezone.localdate() + timedelta(days=30), "victim": victim})
    assert condition.victim == victim


def test_an_active_contract_takes_contacts_progress_non_compliance_and_a_variation():
    contract = ActiveContractFactory()
    case, holder = contract.case, holder_of(contract.case)
    [tailored] = contract.conditions.exclude(kind="standard")
    assert contract.end_date == contract.compute_end_date() and case.status == Case.Status.ACTIVE
    contact_record(case_id=case.pk, user=holder, data={
        "type": "phone", "starts_at": timezone.now() - timedelta(hours=1), "outcome": "attended"})
    condition_progress_record(case_id=case.pk, user=holder, condition_id=tailored.pk, status="in_progress",
                              evidence="First meeting held", hours_done=0)
    non_compliance_record(case_id=case.pk, user=holder, data={
        "kind": "missed_appointment", "occurred_on": timezone.localdate(), "reasonable_excuse": True, "response": "none"})
    proposal = variation_propose(case_id=case.pk, user=holder, kind="variation", reason="Moved the meeting",
                                 condition_id=tailored.pk, new_description="You will meet a debt adviser in Truro.")
    assert proposal.condition == tailored
    needs_assessment_record(case_id=case.pk, user=holder, kind="closing", data={}, scores={
        score.domain_id: {"score": 1} for score in case.needs_assessments.get(kind="baseline").scores.all()})


def test_a_booked_contact_takes_its_outcome():
    contact = BookedContactFactory()
    contact_outcome_record(case_id=contact.case_id, user=holder_of(contact.case), contact_id=contact.pk,
                           outcome="attended", duration_minutes=30, notes="")
    contact.refresh_from_db()
    assert contact.outcome == "attended"


def test_a_contract_awaiting_approval_is_approved_by_a_supervisor():
    contract = AwaitingApprovalContractFactory()
    assert contract.case.status == Case.Status.ASSESSMENT
    contract_approve(case_id=contract.case_id, user=SupervisorProfileFactory().user)
    contract.case.refresh_from_db()
    assert contract.case.status == Case.Status.ACTIVE


def test_pending_closures_and_extensions_wait_for_the_team_supervisor_who_decides_them():
    from contracts.selectors import decisions_waiting

    closure, extension = PendingClosureFactory(), PendingExtensionFactory()
    supervisor = SupervisorProfileFactory().user
    waiting = decisions_waiting(user=supervisor)
    assert closure in waiting["closures"] and extension in waiting["variations"]
    closure_decide(proposal_id=closure.pk, user=supervisor, approve=True, note="No contact for three weeks after a warning")
    variation_decide(proposal_id=extension.pk, user=supervisor, approve=True)
    closure.case.refresh_from_db()
    contract = Contract.objects.get(pk=extension.contract_id)
    assert closure.case.status == Case.Status.BREACHED
    assert ClosureProposal.objects.get(pk=closure.pk).decision == "approved"
    assert VariationProposal.objects.get(pk=extension.pk).decision == "approved"
    assert contract.end_date == extension.contract.end_date + timedelta(days=14)
    assert Condition.objects.filter(contract=contract).count() == 2
