"""When each member of staff last looked at their Today page: what is new to them is what happened since."""

from django.conf import settings
from django.db import models


class TodayLook(models.Model):
    """The last time a person opened Today. Holds nothing about the people on the cases."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="today_look")
    looked_at = models.DateTimeField()

    class Meta:
        permissions = [
            ("view_today", "Can see a Today page: the day's work for their roles"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.looked_at:%Y-%m-%d %H:%M}"
