"""The one write of the Today page: when its user last looked."""

from datetime import datetime

from django.db import transaction

from today.models import TodayLook


@transaction.atomic
def today_look_record(*, user, at: datetime) -> None:
    """Remember that `user` looked at Today at `at`: what happens after it is new to them next time."""
    TodayLook.objects.update_or_create(user=user, defaults={"looked_at": at})
