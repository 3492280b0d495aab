"""Demo partner portal for `manage.py seed_demo`: each open demo referral shared as a pack, and a partner's point of
contact (`partner1`) at the partner holding most of them."""

from collections import Counter

from django.contrib.auth import get_user_model

from cases.models import Case
from portal.models import PartnerUser, ReferralPack
from portal.services import pack_save
from referrals.models import Referral


def demo_portal_seed(*, password: str):
    """Returns the partner's demo account (made once), or None when no referral is open."""
    User = get_user_model()
    referrals = list(Referral.objects.filter(status__in=Referral.WAITING + [Referral.Status.ENGAGED],
                                            case__status__in=Case.REFERRAL_ALLOWED).select_related("case"))
    for referral in referrals:
        if not ReferralPack.objects.filter(referral=referral).exists():
            pack_save(referral_id=referral.pk, case_id=referral.case_id, user=referral.created_by, data={
                "share_phone": True, "share_email": True, "share_address": False, "summary": referral.shared,
                "risk_who": "", "risk_when": "", "risk_nature": "",
                "dates_agreed": "Free on weekday mornings; the contract runs for 16 weeks.",
            })
    if not referrals:
        return None
    partner_id = Counter(referral.partner_id for referral in referrals).most_common(1)[0][0]
    user, created = User.objects.get_or_create(username="partner1", defaults={
        "first_name": "Demelza", "last_name": "Partner", "email": "partner1@partner.example.org"})
    user.set_password(password)  # as the staff accounts: the password of this run
    user.save()
    if created:
        admin = User.objects.filter(username="admin").first() or user
        PartnerUser.objects.create(user=user, partner_id=partner_id, is_point_of_contact=True, invited_by=admin)
    return PartnerUser.objects.select_related("partner").filter(user=user).first()
