from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AccessLogEntryImmutable(Exception):
    """The access log is append-only: an entry is never changed or removed."""


class AccessLog(models.Model):
    """One consultation, export or disclosure of a record (DPA 2018 section 62).

    Append-only: the application only ever inserts. `save()` refuses to update
    and `delete()` refuses to delete; on the database a trigger refuses UPDATE
    (both engines) and DELETE (PostgreSQL), so a stray queryset call fails too.
    """

    class Kind(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        DISCLOSURE = "disclosure", "Disclosed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VIEW)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # The data subject the record is about (a cases.Person id), when there is one.
    person_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    justification = models.TextField(blank=True)
    recipient = models.CharField(max_length=255, blank=True)

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
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogEntryImmutable("An access log entry cannot be deleted.")
