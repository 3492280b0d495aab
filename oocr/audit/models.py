"""The access log (DPA 2018 section 62): every consultation, export or disclosure of a record, append-only and
hash-chained so that a gap or an edit shows."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.utils import timezone

from oocr.audit.chain import chain_head_locked, entry_hash


class AccessLogEntryImmutable(Exception):
    """The access log is append-only: an entry is never changed or removed."""


class AccessLogQuerySet(models.QuerySet):
    def bulk_create(self, *args, **kwargs):
        raise AccessLogEntryImmutable("Access log entries are chained one by one: create them with save().")


class AccessLog(models.Model):
    """One consultation, export or disclosure of a record (DPA 2018 section 62).

    Append-only: the application only ever inserts. `save()` refuses to update
    and `delete()` refuses to delete; on the database a trigger refuses UPDATE
    (both engines) and DELETE (PostgreSQL), so a stray queryset call fails too,
    and on PostgreSQL the application's role may only INSERT and SELECT the table
    (it does not own it: oocr/audit/db_roles.py).

    Tamper-evident: each entry is numbered (`sequence`, no gaps) and carries a hash
    chained to the entry before it (oocr/audit/chain.py; `manage.py verify_access_log`).
    """

    class Kind(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        DISCLOSURE = "disclosure", "Disclosed"
        CHANGE = "change", "Changed"  # a trial's set-up, a randomisation, an exclusion (trials)

    # Set when the entry is made (not auto_now_add: the hash must cover the time before the row is written).
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VIEW)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # The data subject the record is about (a cases.Person id), when there is one.
    person_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    justification = models.TextField(blank=True)
    recipient = models.CharField(max_length=255, blank=True)
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.content_type.model} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogEntryImmutable("An access log entry cannot be changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # No savepoint inside a request's transaction: an entry that cannot be written fails the whole of it.
        with transaction.atomic(using=using, savepoint=False):
            head_sequence, self.previous_hash = chain_head_locked(using)
            self.sequence = head_sequence + 1
            self.entry_hash = entry_hash(self.previous_hash, self.__dict__)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogEntryImmutable("An access log entry cannot be deleted.")
