"""A keyworker's capacity and leave as a team manager records them: capacity above zero, leave dates sensible."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from keyworkers import services
from keyworkers.models import StaffProfile
from keyworkers.tests.factories import StaffProfileFactory, in_the_team
from oocr.accounts.tests.factories import TeamManagerFactory
from oocr.tests.govuk import assert_error_at
from oocr.tests.concurrency import as_read

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _date(name, day) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def update(profile, **data) -> StaffProfile:
    return services.staff_profile_update(profile=profile, user=TeamManagerFactory(), data=data)


def test_the_service_refuses_a_capacity_of_zero_points():
    profile = StaffProfileFactory()
    with pytest.raises(ValidationError) as refused:
        update(profile, capacity_points=0)
    assert refused.value.message_dict == {"capacity_points": ["Enter a capacity of 1 point or more"]}
    assert StaffProfile.objects.get(pk=profile.pk).capacity_points == 60


def test_the_service_refuses_leave_ending_before_today():
    profile = StaffProfileFactory()
    with pytest.raises(ValidationError) as refused:
        update(profile, availability="on_leave", leave_until=TODAY - timedelta(days=1))
    assert refused.value.message_dict == {"leave_until": [
        f"The date they are back from leave must be today, {TODAY:%-d %B %Y}, or later"]}
    assert StaffProfile.objects.get(pk=profile.pk).availability == "active"


def test_the_service_refuses_leave_more_than_a_year_away_and_takes_a_year():
    profile = StaffProfileFactory()
    latest = TODAY + timedelta(days=StaffProfile.LEAVE_LONGEST_DAYS)
    with pytest.raises(ValidationError) as refused:
        update(profile, availability="on_leave", leave_until=latest + timedelta(days=1))
    assert refused.value.message_dict == {"leave_until": [
        f"The date they are back from leave must be on or before {latest:%-d %B %Y}, a year from today: "
        "for a longer absence, choose not taking cases"]}
    assert update(profile, availability="on_leave", leave_until=latest).leave_until == latest


def test_the_profile_page_shows_capacity_and_leave_errors_at_their_fields(client):
    profile = StaffProfileFactory()
    client.force_login(in_the_team(TeamManagerFactory()))
    url = reverse("keyworkers:staff_profile", args=[profile.user_id])
    zero = client.post(url, as_read(client, url, {"availability": "active", "area": "", "fte": "1", "capacity_points": "0"}))
    assert_error_at(zero, "id_capacity_points", "Enter a capacity of 1 point or more")
    far = TODAY + timedelta(days=3650)
    away = client.post(url, as_read(client, url, {"availability": "on_leave", **_date("leave_until", far), "area": "",
                                                  "fte": "1", "capacity_points": "60"}))
    latest = TODAY + timedelta(days=StaffProfile.LEAVE_LONGEST_DAYS)
    assert_error_at(away, "id_leave_until_0", f"The date they are back from leave must be on or before {latest:%-d %B %Y}, "
                                              "a year from today: for a longer absence, choose not taking cases")
    profile.refresh_from_db()
    assert (profile.availability, profile.capacity_points, profile.leave_until) == ("active", 60, None)
