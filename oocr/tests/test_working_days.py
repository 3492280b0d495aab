"""Working days, and where a local day starts (what `field__date__gte=day` meant, as a bound an index can serve)."""

from datetime import date, datetime, timedelta
from datetime import timezone as utc_zone

import pytest
from django.utils import timezone

from oocr.working_days import add_working_days, day_bounds, day_start


def test_working_days_skip_the_weekend():
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday -> Monday
    assert add_working_days(date(2026, 12, 7), 5) == date(2026, 12, 14)


@pytest.mark.parametrize("day, utc", [
    (date(2026, 1, 15), datetime(2026, 1, 15, 0, 0, tzinfo=utc_zone.utc)),  # GMT
    (date(2026, 7, 1), datetime(2026, 6, 30, 23, 0, tzinfo=utc_zone.utc)),  # BST: the day starts an hour earlier in UTC
    (date(2026, 3, 29), datetime(2026, 3, 29, 0, 0, tzinfo=utc_zone.utc)),  # the clocks go forward at 01:00 that day
    (date(2026, 10, 25), datetime(2026, 10, 24, 23, 0, tzinfo=utc_zone.utc)),  # and back at 02:00
])
def test_a_day_starts_at_local_midnight(settings, day, utc):
    settings.TIME_ZONE = "Europe/London"
    assert day_start(day) == utc
    # The same rows as converting each moment to a local date: the day's first moment is in, the one before is out.
    assert timezone.localdate(day_start(day)) == day
    assert timezone.localdate(day_start(day) - timedelta(microseconds=1)) == day - timedelta(days=1)


@pytest.mark.parametrize("day, hours", [
    (date(2026, 1, 15), 24),
    (date(2026, 3, 29), 23),  # last Sunday of March: the clocks go forward
    (date(2026, 10, 25), 25),  # last Sunday of October: they go back
    (date(2026, 10, 24), 24),  # the Saturday before, in BST from end to end
])
def test_a_days_bounds_are_its_midnight_and_the_next(settings, day, hours):
    settings.TIME_ZONE = "Europe/London"
    start, end = day_bounds(day)
    assert start == day_start(day) and end == day_start(day + timedelta(days=1))
    # Two times in the same zone subtract as wall-clock times (always 24 hours here): the elapsed time is in UTC.
    assert end.astimezone(utc_zone.utc) - start.astimezone(utc_zone.utc) == timedelta(hours=hours)
    assert timezone.localdate(start) == day and timezone.localdate(end - timedelta(microseconds=1)) == day
    assert timezone.localdate(end) == day + timedelta(days=1)
