"""Referrals' reminder: a referral past the partner's expected time, to the keyworker who holds the case, weekly.

Contracts runs the daily reminders job; referrals, above it, registers this kind and its read with the job at
start-up (referrals/apps.py), so the job covers it and contracts does not import referrals.
"""

from datetime import date

from cases.models import Case
from contracts.reminders import Due, Kind, held, kinds_register, number, path, weekly
from referrals.models import Referral
from referrals.selectors import overdue

KINDS = {"referral_overdue": Kind("Referrals past the partner's expected time (weekly)", "keyworker")}


def referrals_overdue(on: date, **_) -> list[Due]:
    """Each referral not acknowledged, or with no first appointment, by the partner's expected date: weekly since."""
    rows = (
        Referral.objects.filter(overdue(on), case__status__in=Case.REFERRAL_ALLOWED, **held("case__"))
        .values_list("id", "status", "acknowledge_by", "engage_by", "partner__name", "case_id", "case__allocations__keyworker_id")
    )
    due = []
    for referral_id, status, acknowledge_by, engage_by, partner, case_id, keyworker_id in rows:
        not_acknowledged = status == Referral.Status.SENT and acknowledge_by < on
        since = acknowledge_by if not_acknowledged else engage_by
        what = "not acknowledged" if not_acknowledged else "no first appointment"
        due.append(Due("referral_overdue", f"referral:{referral_id}", f"{'ack' if not_acknowledged else 'appt'}/{weekly(since, on)}",
                       url=path("referrals:referral", case_id, referral_id), case_id=case_id, user_id=keyworker_id,
                       text=f"{number(case_id)}: referral to {partner[:80]} {what} by {since:%-d %b}"))
    return due


def register() -> None:
    kinds_register(kinds=KINDS, collect=referrals_overdue)
