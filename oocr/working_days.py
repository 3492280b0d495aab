"""Days: working-day arithmetic, shared by the apps that set deadlines (allocation reviews, referrals, the Victims'
Code), and where a local day starts."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """The moment `day` starts in the local time zone (settings.TIME_ZONE), as an aware datetime.

    `field__gte=day_start(day)` picks the same rows as `field__date__gte=day` (which converts every row's time to a
    local date), and an index on the field can serve it."""
    return timezone.make_aware(datetime.combine(day, time.min))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """`day` as [start, end): its local midnight and the next day's. 24 hours long, but 23 on the day the clocks go
    forward and 25 on the day they go back (compare them in UTC to see it: two times in the same zone subtract as
    wall-clock times)."""
    return day_start(day), day_start(day + timedelta(days=1))


def add_working_days(start: date, days: int) -> date:
    """`days` Monday-to-Friday days after `start` (bank holidays are not known here)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
