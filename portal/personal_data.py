"""What the partner portal holds about a case: referral packs, first appointments, sessions (the personal-data hook)."""

from oocr.personal_data import Disposal, PersonalDataHook, Section, register
from portal.models import FirstAppointment, PartnerSession, ReferralPack
from portal.services import case_free_text_erase


def sections(*, person, case_ids: list[int]) -> list[Section]:
    return [
        Section(150, "Referral packs shared with partners", ReferralPack.objects.filter(referral__case_id__in=case_ids)),
        Section(160, "First appointments with partners", FirstAppointment.objects.filter(referral__case_id__in=case_ids)),
        Section(170, "Sessions with partners", PartnerSession.objects.filter(referral__case_id__in=case_ids)),
    ]


def erase(disposal: Disposal) -> None:
    case_free_text_erase(case_id=disposal.case_id)


register(PersonalDataHook(
    app_label="portal",
    holds={
        "ReferralPack": "exported; summary, risks and agreed dates erased",
        "FirstAppointment": "exported; place erased, date and attendance kept",
        "PartnerSession": "exported; note erased, dates and attendance kept",
    },
    sections=sections, erase=erase, erase_order=40,
))
