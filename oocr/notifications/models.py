"""The in-app inbox, every email or text message sent, and the reminders that made them (each exactly once)."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One item in a user's in-app inbox. Holds no personal data beyond a case number and a link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    # The case it is about, so disposal at the end of retention blanks its text (none for a note about no case).
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class Delivery(models.Model):
    """One email or text message: made inside the change that causes it, sent by a task after the commit.

    `key` is unique: whatever runs twice, a message with the same key is made once
    and, once sent, never sent again.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField("Idempotency key", max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=60)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    person = models.ForeignKey("cases.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recipient = models.CharField(max_length=254, help_text="The email address or phone number.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # A file sent with an email (the breach pack to the officer): its name in the documents storage, and as sent.
    attachment = models.CharField(max_length=300, blank=True)
    attachment_filename = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_reference = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} ({self.get_status_display().lower()})"


class ReminderRun(models.Model):
    """One day's reminders job; its row is the lock that keeps two runs for the same day from overlapping."""

    run_date = models.DateField(unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    reminders_made = models.PositiveIntegerField(default=0)
    deliveries_made = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_date"]


class Reminder(models.Model):
    """Someone was told that an item needs action: at most once per item, kind, recipient and period.

    The period is the item's due date for a one-off reminder, or the week since
    it fell overdue for one that repeats, so a missed day is caught up and a
    changed date (an extension) is reminded afresh.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    run_date = models.DateField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_date", "-id"]


class ReminderSettings(models.Model):
    """What one member of staff wants to be reminded of, how early, and whether by a daily email too."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    lead_days = models.PositiveSmallIntegerField(
        "Days of notice before a condition is due", default=3, help_text="Between 1 and 14.",
    )
    email = models.BooleanField("Send me a daily email of my reminders", default=True)
    kinds_off = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "reminder settings"
