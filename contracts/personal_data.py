"""What contracts holds about a case: assessments, contracts, conditions, contacts (the personal-data hook)."""

from contracts.models import Condition, Contact, Contract, KeyworkerAction, NeedsAssessment, NeedScore, NonCompliance
from contracts.services.erasure import case_free_text_erase
from oocr.personal_data import Disposal, PersonalDataHook, Section, register


def sections(*, person, case_ids: list[int]) -> list[Section]:
    return [
        Section(60, "Needs assessments", NeedsAssessment.objects.filter(case_id__in=case_ids)),
        Section(70, "Need scores", NeedScore.objects.filter(assessment__case_id__in=case_ids).select_related("domain")),
        Section(80, "Keyworker actions", KeyworkerAction.objects.filter(case_id__in=case_ids)),
        Section(90, "Contracts", Contract.objects.filter(case_id__in=case_ids)),
        Section(100, "Conditions", Condition.objects.filter(contract__case_id__in=case_ids)),
        Section(110, "Contacts and appointments", Contact.objects.filter(case_id__in=case_ids)),
        Section(120, "Non-compliance", NonCompliance.objects.filter(case_id__in=case_ids)),
    ]


def erase(disposal: Disposal) -> None:
    case_free_text_erase(case_id=disposal.case_id)


register(PersonalDataHook(
    app_label="contracts",
    holds={
        "NeedsAssessment": "exported; free text erased",
        "NeedScore": "exported; notes erased, scores kept",
        "KeyworkerAction": "exported; addressee, reference and notes erased",
        "Contract": "exported; dates and status kept",
        "Condition": "exported; description, target and evidence erased, kinds and dates kept",
        "Contact": "exported; place, notes and reasons erased, times and attendance kept",
        "NonCompliance": "exported; notes erased",
        "ContractDecision": "not exported (a supervisor's decision); comments erased",
        "ClosureProposal": "not exported (a supervisor's decision); reasons and notes erased",
        "VariationProposal": "not exported (a supervisor's decision); reasons and notes erased",
    },
    sections=sections, erase=erase, erase_order=10,
))
