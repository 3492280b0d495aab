"""What referrals adds to the case pages (cases.sections; cases does not import referrals): the overview's alert
for referrals overdue, and the referrals in the case's change history. Registered in ReferralsConfig.ready()."""

from cases import sections
from referrals.models import Referral
from referrals.selectors import case_referrals_overdue


def _overdue(*, case, user, today) -> dict:
    return {"referrals_overdue": case_referrals_overdue(case=case, today=today)}


def register() -> None:
    sections.register(sections.Section(name="referrals.overdue", page="overview", order=10, context=_overdue,
                                       templates={"alerts": "referrals/sections/overdue.html"}))
    sections.register_history("Referral", lambda case: (Referral, Referral.history.filter(case_id=case.pk)))
