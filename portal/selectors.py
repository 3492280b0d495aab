"""Reads of the partner portal. What a partner user sees is decided here, on every request: their organisation's
referrals that a keyworker shared, while the case is open, the referral not withdrawn, and the referral open or
closed for no longer than PARTNER_PORTAL_DAYS_AFTER days."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case
from portal.models import PartnerInvitation, PartnerSession, PartnerUser
from referrals.models import Referral, ReferralUpdate
from referrals.selectors import overdue


def partner_referrals(*, account: PartnerUser, today: date | None = None) -> QuerySet[Referral]:
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.PARTNER_PORTAL_DAYS_AFTER)
    return (
        Referral.objects.filter(partner_id=account.partner_id, pack__isnull=False, case__status__in=Case.REFERRAL_ALLOWED)
        .exclude(status__in=[Referral.Status.DRAFT, Referral.Status.WITHDRAWN])
        .filter(Q(status__in=Referral.OPEN) | Q(ended_on__gte=cutoff) | Q(completed_on__gte=cutoff))
        .select_related("case__person", "need_domain", "partner", "pack", "first_appointment")
    )


def partner_start(*, account: PartnerUser, today: date | None = None) -> tuple[list[Referral], list[Referral]]:
    """The partner's referrals for their start page: (overdue, the rest), each with `overdue_text`."""
    today = today or timezone.localdate()
    referrals = list(partner_referrals(account=account, today=today).order_by("acknowledge_by", "pk"))
    late, rest = [], []
    for referral in referrals:
        referral.overdue_text = referral.overdue(today)
        (late if referral.overdue_text else rest).append(referral)
    return late, rest


def partner_referral(*, account: PartnerUser, referral_id: int) -> Referral:
    """One referral's pack and the partner's own records of it; Referral.DoesNotExist for anything else."""
    return (
        partner_referrals(account=account)
        .prefetch_related(
            Prefetch("partner_sessions", queryset=PartnerSession.objects.select_related("recorded_by")),
            Prefetch("updates", queryset=ReferralUpdate.objects.filter(source__endswith="(partner portal)")
                     .select_related("recorded_by"), to_attr="partner_updates"),
        )
        .get(pk=referral_id)
    )


def colleagues(*, account: PartnerUser) -> tuple[QuerySet[PartnerUser], QuerySet[PartnerInvitation]]:
    """The organisation's partner users and its invitations not yet used (for its point of contact)."""
    users = PartnerUser.objects.filter(partner_id=account.partner_id, removed_at=None).select_related("user")
    invitations = PartnerInvitation.objects.filter(partner_id=account.partner_id, accepted_at=None, cancelled_at=None,
                                                   expires_at__gt=timezone.now())
    return users, invitations


def partner_accounts(*, partner) -> tuple[QuerySet[PartnerUser], QuerySet[PartnerInvitation]]:
    """For administrators: a partner's users (removed ones too) and invitations."""
    return (PartnerUser.objects.filter(partner=partner).select_related("user", "removed_by"),
            PartnerInvitation.objects.filter(partner=partner, accepted_at=None).select_related("invited_by"))


def overdue_packs(*, on: date) -> QuerySet[Referral]:
    """Referrals shared through the portal that the partner has not acknowledged, or not seen the person for, in time."""
    return (Referral.objects.filter(overdue(on), pack__isnull=False, case__status__in=Case.REFERRAL_ALLOWED)
            .select_related("case", "partner", "pack", "created_by"))
