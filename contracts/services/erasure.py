"""Disposal at the end of retention: the free text this app holds about a case, erased; the figures kept."""

from django.db import transaction

from cases.services import records_erase
from contracts.models import (
    ClosureProposal, Condition, Contact, ContractDecision, KeyworkerAction, NeedsAssessment, NeedScore, NonCompliance,
    VariationProposal,
)


@transaction.atomic
def case_free_text_erase(*, case_id: int) -> None:
    """Disposal at the end of retention: remove the notes, places and descriptions this app holds about a case.

    Kept: contract dates and status, conditions' kinds and dates, contacts'
    times and attendance, need scores, so the figures reproduce.
    """
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
