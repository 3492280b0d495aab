"""Files kept on a case: uploaded by the keyworker or made by the service from a template (letters).

The file itself is in the documents storage (settings.STORAGES["documents"]: a local folder or an
S3-compatible bucket), never in the database and never at a public address: the row holds its
storage name, type, size and checksum, and every download goes through a view that checks who asks.
"""

from django.conf import settings
from django.db import models

from cases.models import Case
from documents.file_types import FILE_TYPES


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        SIGNED_CONTRACT = "signed_contract", "Signed contract"
        CONDITION_EVIDENCE = "condition_evidence", "Evidence that a condition was met"
        PARTNER_LETTER = "partner_letter", "Letter from a partner agency"
        OTHER = "other", "Other document"
        WARNING_LETTER = "warning_letter", "Warning letter"
        BREACH_PACK = "breach_pack", "Breach pack for the officer in the case"

    # What a keyworker uploads; the letters are made by the service.
    UPLOADED = (Kind.SIGNED_CONTRACT, Kind.CONDITION_EVIDENCE, Kind.PARTNER_LETTER, Kind.OTHER)
    LETTERS = (Kind.WARNING_LETTER, Kind.BREACH_PACK)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("Kind of document", max_length=30, choices=Kind.choices)
    description = models.CharField("What it is", max_length=200, blank=True)
    file_type = models.CharField(max_length=10, choices=[(code, kind.label) for code, kind in FILE_TYPES.items()])
    size = models.PositiveIntegerField("Size in bytes")
    sha256 = models.CharField("SHA-256 checksum", max_length=64)
    # The name in the documents storage: random, never the uploaded file's own name (which may hold a person's).
    storage_name = models.CharField(max_length=255, blank=True)
    # The non-compliance a warning letter answers: one letter for each.
    non_compliance = models.ForeignKey("contracts.NonCompliance", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name="Non-compliance it answers")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("Added", auto_now_add=True)
    # Set when retention disposal removed the file: the row stays (what was kept, and when it went).
    disposed_at = models.DateTimeField("File disposed of", null=True, blank=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["non_compliance", "kind"], condition=models.Q(non_compliance__isnull=False),
                                    name="one_letter_per_non_compliance"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(kind="breach_pack"), name="one_breach_pack_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"

    @property
    def download_name(self) -> str:
        """The name the browser saves it under: the case number and the kind, nothing about the person."""
        extension = FILE_TYPES[self.file_type].extensions[0]
        return f"{Case.number_of(self.case_id)}-{self.kind.replace('_', '-')}-{self.pk}{extension}"

    @property
    def is_letter(self) -> bool:
        return self.kind in self.LETTERS
