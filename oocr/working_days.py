"""Working-day arithmetic, shared by the apps that set deadlines (allocation reviews, referrals, the Victims' Code)."""

from datetime import date, timedelta


def add_working_days(start: date, days: int) -> date:
    """`days` Monday-to-Friday days after `start` (bank holidays are not known here)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
