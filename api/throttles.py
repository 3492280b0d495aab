"""Calls per client per minute, counted in the database so that every web replica shares the count."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from api.models import ApiRateWindow


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        client = getattr(request._request, "api_client", None)
        if client is None:
            return True  # refused by authentication anyway
        now = timezone.now()
        minute = now.replace(second=0, microsecond=0)
        with transaction.atomic():
            window, created = ApiRateWindow.objects.get_or_create(client=client, minute=minute)
            if created:  # the first call of a minute clears windows more than an hour old
                ApiRateWindow.objects.filter(client=client, minute__lt=minute - timedelta(hours=1)).delete()
            ApiRateWindow.objects.filter(pk=window.pk).update(count=F("count") + 1)
        self.seconds_left = 60 - now.second
        return window.count + 1 <= client.rate_limit_per_minute

    def wait(self):
        return getattr(self, "seconds_left", 60)
