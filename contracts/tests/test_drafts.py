"""The steps before the contract stay open to correction, over the version read, until the step is locked."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseStateError
from contracts.models import Condition
from contracts.services.contract import condition_edit
from contracts.tests.factories import ActiveContractFactory, AssessedCaseFactory, TailoredConditionFactory, holder_of
from oocr.concurrency.services import EditConflict

pytestmark = pytest.mark.django_db


def wording(condition, description: str) -> dict:
    return {"description": description, "due_date": condition.due_date, "recurrence": "", "need_domain": condition.need_domain,
            "victim": None, "target": "", "hours_required": None}


def test_a_draft_condition_changes_over_the_version_read_and_moves_the_drafts_version_on():
    case = AssessedCaseFactory()
    condition = TailoredConditionFactory(contract=case.contract)
    draft_version = case.contract.version
    condition_edit(case_id=case.pk, user=holder_of(case), condition_id=condition.pk,
                   data=wording(condition, "You will see a debt adviser twice."), read_version=condition.version)
    condition.refresh_from_db()
    case.contract.refresh_from_db()
    assert (condition.description, condition.version) == ("You will see a debt adviser twice.", 2)
    assert case.contract.version == draft_version + 1  # signing over the old draft is refused
    with pytest.raises(EditConflict):
        condition_edit(case_id=case.pk, user=holder_of(case), condition_id=condition.pk,
                       data=wording(condition, "Another tab"), read_version=1)
    with pytest.raises(ValidationError, match="plain words"):
        condition_edit(case_id=case.pk, user=holder_of(case), condition_id=condition.pk,
                       data=wording(condition, " "))


def test_a_condition_of_an_agreed_contract_is_locked_and_changes_only_by_variation():
    contract = ActiveContractFactory()
    condition = contract.conditions.exclude(kind="standard").get()
    with pytest.raises(CaseStateError, match="agreed already"):
        condition_edit(case_id=contract.case_id, user=holder_of(contract.case), condition_id=condition.pk,
                       data=wording(condition, "Changed after signing"))
    assert Condition.objects.get(pk=condition.pk).description == condition.description


def test_the_first_contact_is_corrected_in_assessment_and_locked_once_the_contract_runs():
    case = AssessedCaseFactory()
    first = case.first_contact
    case_services.case_first_contact_correct(case_id=case.pk, user=holder_of(case), offered_on=timezone.localdate(),
                                             method="face_to_face", notes="At the station", read_version=first.version)
    first.refresh_from_db()
    assert (first.method, first.notes, first.answer, first.version) == ("face_to_face", "At the station", "accepted", 2)
    assert case.events.filter(text__startswith="First contact corrected").exists()
    active = ActiveContractFactory().case
    with pytest.raises(CaseStateError, match="can no longer be changed"):
        case_services.case_first_contact_correct(case_id=active.pk, user=holder_of(active), offered_on=timezone.localdate(),
                                                 method="phone", notes="")
