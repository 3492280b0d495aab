"""What referrals adds to the apps below it, which do not import it: the case overview's alert for referrals overdue
and the referrals in the case's change history (cases.sections), the caseload's count of referrals overdue
(keyworkers). Registered in ReferralsConfig.ready()."""

from cases import sections
from keyworkers.selectors import CaseloadColumns, caseload_columns_register
from referrals.models import Referral
from referrals.selectors import case_referrals_overdue, overdue_count


def _overdue(*, case, user, today) -> dict:
    return {"referrals_overdue": case_referrals_overdue(case=case, today=today)}


def register() -> None:
    sections.register(sections.Section(name="referrals.overdue", page="overview", order=10, context=_overdue,
                                       templates={"alerts": "referrals/sections/overdue.html"}))
    caseload_columns_register("referrals", CaseloadColumns(
        annotations=lambda at: {"referrals_overdue": overdue_count(today=at.today)}))
    sections.register_history("Referral", lambda case: (Referral, Referral.history.filter(case_id=case.pk)))
