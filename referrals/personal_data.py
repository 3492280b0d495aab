"""What referrals holds about a case: referrals to partners and their updates (the personal-data hook)."""

from oocr.notifications.services import deliveries_text_erase
from oocr.personal_data import Disposal, PersonalDataHook, Section, register
from referrals.models import Referral, ReferralUpdate
from referrals.services import case_free_text_erase, referral_delivery_key


def sections(*, person, case_ids: list[int]) -> list[Section]:
    return [
        Section(130, "Referrals", Referral.objects.filter(case_id__in=case_ids)),
        Section(140, "Referral updates", ReferralUpdate.objects.filter(referral__case_id__in=case_ids)),
    ]


def erase(disposal: Disposal) -> None:
    case_free_text_erase(case_id=disposal.case_id)
    # The emails that sent the referrals to the partners: to whom and when stays.
    referral_ids = Referral.objects.filter(case_id=disposal.case_id).values_list("pk", flat=True)
    deliveries_text_erase(keys=[referral_delivery_key(referral_id) for referral_id in referral_ids])


register(PersonalDataHook(
    app_label="referrals",
    holds={
        "Referral": "exported; what was shared erased (and the email's text), partner, route and dates kept",
        "ReferralUpdate": "exported; text erased",
    },
    sections=sections, erase=erase, erase_order=30,
))
