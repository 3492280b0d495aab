"""API clients (one per integrating system), the crimes they sent, the events they read and the webhooks sent to them."""

import ipaddress
import uuid

from django.conf import settings
from django.db import models


from oocr.concurrency.models import Versioned


def address_ranges_parse(text: str) -> list:
    """`10.0.0.0/8, 192.168.1.5` as networks; ValueError naming the entry that is not an address or a range."""
    networks = []
    for entry in [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry[:50]} is not an address or a range like 10.0.0.0/8") from None
    return networks


class ApiClient(Versioned):
    """An integrating system (a force's RMS): its OAuth2 application, its scopes, where it may call from, its webhook.

    Each client acts as its own user (`user`: no password, no roles, never signs in to a page), so every record it
    touches is in the access log and the history under its name.
    """

    name = models.CharField(max_length=100, unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    application = models.OneToOneField(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.PROTECT,
                                       related_name="api_client")
    scopes = models.JSONField(default=list)
    allowed_addresses = models.TextField(help_text="Addresses or ranges the client may call from, comma separated.")
    webhook_url = models.URLField(blank=True, max_length=500)
    webhook_secret = models.CharField(max_length=100, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(default=120)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def address_allowed(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in address_ranges_parse(self.allowed_addresses))


class ApiCall(models.Model):
    """One call an authenticated client made: what, when, from where and the answer's status (no body is kept)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="calls")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class ApiRateWindow(models.Model):
    """Calls a client made in one minute: the rate limit counts them in the database, shared by every web replica."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "minute"], name="api_rate_window_once")]


class OffenceCode(models.Model):
    """A code the force's systems use (a CJS offence code or a Home Office classification) for a catalogue offence."""

    class Scheme(models.TextChoices):
        CJS = "cjs", "CJS offence code"
        HOME_OFFICE = "home_office", "Home Office classification"

    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    code = models.CharField(max_length=20)
    offence = models.ForeignKey("cases.Offence", on_delete=models.PROTECT, related_name="external_codes")

    class Meta:
        ordering = ["scheme", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="api_offence_code_once")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.code}"


class ApiReferral(models.Model):
    """A crime a client sent in: the body as last accepted (its hash decides whether a PUT changes anything)."""

    crime_reference = models.CharField(max_length=30, unique=True)
    suspect_reference = models.CharField(max_length=50)
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="referrals")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="api_referral")
    body = models.JSONField()
    body_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class ApiEvent(models.Model):
    """Something a client hears of: a contract signed, a case breached or concluded. Once per case and kind.

    Its id is the outcomes cursor: events are numbered under a lock held to the end of the closing transaction
    (api/signals.py), so they become visible in the order of their ids and a reader never skips one.
    """

    class Kind(models.TextChoices):
        CONTRACT_SIGNED = "contract.signed"
        CASE_BREACHED = "case.breached"
        CASE_CONCLUDED = "case.concluded"

    CLOSURES = (Kind.CASE_BREACHED, Kind.CASE_CONCLUDED)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="api_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="api_event_once")]


class WebhookDelivery(models.Model):
    """One event for one client's webhook: its body (fixed at the first try, so every retry sends the same) and state."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        RETRYING = "retrying", "Failed, will be tried again"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed: no more tries"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(ApiEvent, on_delete=models.CASCADE, related_name="deliveries")
    body = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["client", "event"], name="api_delivery_once")]


class WebhookAttempt(models.Model):
    """One try at a delivery: when, the receiver's status code or the error, and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    milliseconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]
