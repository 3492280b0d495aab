"""A supervisor approves, refuses or returns a signed contract with comments; the keyworker revises and resubmits."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from contracts.models import Contract, ContractDecision
from contracts.services.contract import contract_decide, contract_sign
from contracts.tests.factories import AwaitingApprovalContractFactory, holder_of
from keyworkers.tests.factories import SupervisorProfileFactory
from oocr.concurrency.services import EditConflict
from oocr.notifications.models import Notification

pytestmark = pytest.mark.django_db


def waiting():
    contract = AwaitingApprovalContractFactory()
    Notification.objects.all().delete()  # the allocation's own notice
    return contract, holder_of(contract.case), SupervisorProfileFactory().user


def test_approved_with_comments_the_case_is_active_and_only_the_keyworker_is_told():
    contract, keyworker, supervisor = waiting()
    contract_decide(case_id=contract.case_id, user=supervisor, decision="approved", comments="Good plan",
                    read_version=contract.version)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE and contract.approved_by == supervisor
    assert Case.objects.get(pk=contract.case_id).status == Case.Status.ACTIVE
    assert contract.decisions.get().comments == "Good plan"
    note = Notification.objects.get()
    assert note.user == keyworker and "approved" in note.text and "Good plan" in note.text


def test_returned_the_contract_is_a_draft_again_with_the_comments_and_the_keyworker_resubmits():
    contract, keyworker, supervisor = waiting()
    contract_decide(case_id=contract.case_id, user=supervisor, decision="returned",
                    comments="Unpaid work hours too high", read_version=contract.version)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT
    assert (contract.start_date, contract.agreement) == (None, "")
    assert Case.objects.get(pk=contract.case_id).status == Case.Status.ASSESSMENT
    assert CaseEvent.objects.get(case_id=contract.case_id, kind=CaseEvent.Kind.CONTRACT_RETURNED).text == "Unpaid work hours too high"
    assert list(Notification.objects.values_list("user_id", flat=True)) == [keyworker.pk]
    Notification.objects.all().delete()
    contract_sign(case_id=contract.case_id, user=keyworker, signed_on=timezone.localdate(),
                  agreement=Contract.Agreement.SIGNED_IN_PERSON, read_version=contract.version)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.AWAITING_APPROVAL
    told = set(Notification.objects.values_list("user_id", flat=True))  # the team's supervisors: it waits for them again
    assert supervisor.pk in told and keyworker.pk not in told
    contract_decide(case_id=contract.case_id, user=supervisor, decision="approved", read_version=contract.version)
    assert list(contract.decisions.values_list("decision", flat=True)) == ["approved", "returned"]  # each round kept


def test_refused_needs_comments_and_a_decision_over_an_older_version_is_refused():
    contract, keyworker, supervisor = waiting()
    with pytest.raises(ValidationError) as error:
        contract_decide(case_id=contract.case_id, user=supervisor, decision="refused", comments=" ")
    assert "comments" in error.value.error_dict
    with pytest.raises(EditConflict):
        contract_decide(case_id=contract.case_id, user=supervisor, decision="refused", comments="No",
                        read_version=contract.version - 1 or 99)
    contract_decide(case_id=contract.case_id, user=supervisor, decision="refused", comments="Not workable",
                    read_version=contract.version)
    assert ContractDecision.objects.get().decision == ContractDecision.Decision.REFUSED
    assert set(Notification.objects.values_list("user_id", flat=True)) == {keyworker.pk}
    with pytest.raises(CaseStateError):  # a draft again: nothing waits for a decision
        contract_decide(case_id=contract.case_id, user=supervisor, decision="approved")
