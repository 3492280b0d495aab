"""Demo referrals for `manage.py seed_demo`: one at each step, one overdue, each found through the real matching.

Idempotent: it does nothing once any referral exists.
"""

from datetime import timedelta

from django.test.utils import override_settings
from django.utils import timezone

from cases.models import Case
from contracts.models import Condition, NeedDomain
from oocr.working_days import add_working_days
from referrals.models import Referral
from referrals.selectors import partners_matching
from referrals.services import referral_create, referral_progress_record, referral_send

# (need, what the keyworker shares, working days ago it was sent, the steps since, each with days after sending)
DEMO_REFERRALS = [
    ("alcohol", "Drinking most days since losing their job; wants to cut down.", 12,
     [("acknowledged", 1), ("engaged", 6)]),
    ("finance", "Rent arrears and two payday loans; the offence was theft of food.", 12, []),
    ("drugs", "Daily cannabis use; wants help to stop before starting college.", 40,
     [("acknowledged", 2), ("engaged", 8), ("completed", 35)]),
    ("mental_health", "Low mood and anxiety; registered with a GP but never referred.", 2, []),
    ("accommodation", "Sofa surfing with friends for two months.", 20, [("declined", 3)]),
]


def demo_referrals_seed() -> int:
    """Refer people on the active contracts, through the real services, leaving referrals at every step."""
    if Referral.objects.exists():
        return 0
    cases = list(Case.objects.filter(status=Case.Status.ACTIVE).select_related("person").order_by("id"))
    today = timezone.localdate()
    made = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for case, (need_code, shared, sent_days_ago, steps) in zip(cases, DEMO_REFERRALS):
            keyworker = case.allocations.get(ended_at=None).keyworker
            need = NeedDomain.objects.get(code=need_code)
            partner = partners_matching(person=case.person, need_domain=need, on=today)[0]
            condition = Condition.objects.filter(contract__case=case, need_domain=need, kind="rehabilitative").first()
            referral = referral_create(
                case_id=case.pk, user=keyworker, partner=partner, need_domain=need, shared=shared, consent_to_share=True,
                condition_id=condition.pk if condition else None,
                eligibility_override="Agreed with the service by phone." if partner.eligibility_problems(case.person, on=today) else "",
            )
            sent_on = _working_days_before(today, sent_days_ago)
            referral_send(case_id=case.pk, referral_id=referral.pk, user=keyworker, sent_by="warm_introduction",
                          on=sent_on, introduction_present="The person, the keyworker and the service's duty worker",
                          introduced_how="three_way_call")
            for status, days in steps:
                referral_progress_record(
                    case_id=case.pk, referral_id=referral.pk, user=keyworker, status=status,
                    on=min(today, sent_on + timedelta(days=days)), source=f"{partner.name}, by phone",
                    reason="no_capacity" if status == "declined" else "",
                )
            made += 1
    return made


def _working_days_before(day, days: int):
    """The date `days` working days before `day` (the inverse of add_working_days, near enough for a demo)."""
    start = day - timedelta(days=days * 7 // 5 + 2)
    while add_working_days(start, days) < day:
        start += timedelta(days=1)
    return start
