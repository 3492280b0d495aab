"""Partner users and referrals shared with a partner through the portal, in the state each test needs."""

from datetime import timedelta

import factory
from django.utils import timezone

from contracts.models import NeedDomain
from contracts.services.contract import contract_sign
from contracts.tests.test_contracts import add, assessed_case
from oocr.accounts.tests.factories import UserFactory
from portal import services
from portal.models import PartnerUser
from referrals import services as referral_services
from referrals.tests.factories import PartnerFactory


class PartnerUserFactory(factory.django.DjangoModelFactory):
    """A partner organisation's user (no staff role), invited by an administrator."""

    class Meta:
        model = PartnerUser

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"partner-user{n}"))
    partner = factory.SubFactory(PartnerFactory)
    is_point_of_contact = False
    invited_by = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"inviter{n}"))


PACK = {"share_phone": True, "share_email": False, "share_address": False,
        "summary": "Wants help to cut down; best reached in the morning.",
        "risk_who": "Lone female staff", "risk_when": "When he has been drinking",
        "risk_nature": "Can become verbally aggressive.", "dates_agreed": "Free on Tuesday and Thursday mornings."}


def shared_referral(*, partner=None, sent_days_ago: int = 0, pack: bool = True):
    """An active case whose alcohol condition a referral to `partner` evidences, sent and (by default) shared.

    Returns (referral, keyworker, condition).
    """
    offered_on = timezone.localdate() - timedelta(weeks=2) - timedelta(days=sent_days_ago)
    case, holder = assessed_case(offered_on=offered_on)
    condition = add(case, holder, "Alcohol service sessions", need_domain=NeedDomain.objects.get(code="alcohol"))
    contract_sign(case_id=case.pk, user=holder, agreement="verbal", signed_on=offered_on)
    referral = referral_services.referral_create(
        case_id=case.pk, user=holder, partner=partner or PartnerFactory(), need_domain=NeedDomain.objects.get(code="alcohol"),
        shared="Drinking daily.", consent_to_share=True, condition_id=condition.pk)
    referral = referral_services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="phone",
                                               on=timezone.localdate() - timedelta(days=sent_days_ago))
    if pack:
        services.pack_save(referral_id=referral.pk, case_id=case.pk, user=holder, data=PACK)
    referral.refresh_from_db()
    return referral, holder, condition
