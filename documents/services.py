"""Writes of documents: an upload kept on a case, a letter made and kept, and their disposal at the end of retention."""

import hashlib
import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.services import case_lock
from contracts.models import NonCompliance
from contracts.services.closure import breach_pack_maker_register
from documents import letters
from documents.file_types import FILE_TYPES, upload_check
from documents.models import CaseDocument

logger = logging.getLogger(__name__)


def documents_storage():
    """The storage documents live in (settings.STORAGES["documents"]), looked up at each use so tests can move it."""
    return storages["documents"]


def _checksum(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _keep(*, case: Case, user, kind: str, description: str, file, file_type: str, non_compliance=None) -> CaseDocument:
    """Write the file to the documents storage under a random name, then its row; the file goes again if the row fails.

    The caller holds the case's lock and the transaction. A transaction rolled back after this returns leaves
    the file without a row: harmless (nothing links to it) and found by its name's case folder.
    """
    size = file.size
    checksum = _checksum(file)
    name = f"case-{case.pk}/{uuid.uuid4().hex}{FILE_TYPES[file_type].extensions[0]}"
    storage = documents_storage()
    stored = storage.save(name, file)
    try:
        document = CaseDocument(case=case, kind=kind, description=description.strip(), file_type=file_type, size=size,
                                sha256=checksum, storage_name=stored, non_compliance=non_compliance, added_by=user)
        document.full_clean()
        with transaction.atomic():
            document.save()
    except Exception:
        storage.delete(stored)
        raise
    return document


@transaction.atomic
def case_document_upload(*, case_id: int, user, kind: str, description: str, upload) -> CaseDocument:
    """Keep a document the keyworker uploads (a signed contract, evidence, a partner's letter) on an open case.

    Its type is read from its content (upload_check), its size is capped by DOCUMENT_MAX_BYTES.
    """
    case = case_lock(case_id=case_id)
    if case.is_closed:
        raise CaseStateError(f"Case {case.number} is closed, so nothing more can be added to it.")
    if kind not in CaseDocument.UPLOADED:
        raise ValidationError({"kind": "Select what the document is"})
    file_type = upload_check(upload)
    document = _keep(case=case, user=user, kind=kind, description=description, file=upload, file_type=file_type.code)
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.DOCUMENT,
                             text=f"{document.get_kind_display()} added ({file_type.label})")
    return document


def case_letter_keep(*, case: Case, user, kind: str, description: str, pdf: bytes, non_compliance=None) -> CaseDocument:
    """Keep a letter the service made (a PDF) on the case. The caller holds the case's lock and the transaction."""
    if kind not in CaseDocument.LETTERS:
        raise ValueError(f"{kind} is not a letter")
    document = _keep(case=case, user=user, kind=kind, description=description, file=ContentFile(pdf), file_type="pdf",
                     non_compliance=non_compliance)
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.DOCUMENT, text=f"{document.get_kind_display()} made")
    return document


@transaction.atomic
def case_documents_erase(*, case_id: int) -> int:
    """Disposal at the end of retention: every file of the case leaves the storage once the disposal commits.

    The rows stay (kind, type, size, dates), with no storage name and their description cleared. Returns how many
    files are to go. A file already gone is not an error: disposal may be run again.
    """
    documents = list(CaseDocument.objects.select_for_update().filter(case_id=case_id).exclude(storage_name=""))
    names = [document.storage_name for document in documents]
    CaseDocument.objects.filter(pk__in=[document.pk for document in documents]).update(
        storage_name="", description="", disposed_at=timezone.now())

    def delete_files():
        storage = documents_storage()
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # kept for a person to remove; the row no longer names it
                logger.exception("A disposed document's file could not be deleted from the documents storage")

    transaction.on_commit(delete_files)
    return len(names)


@transaction.atomic
def warning_letter_make(*, case_id: int, user, non_compliance_id: int) -> CaseDocument:
    """Make the warning letter to the person after a non-compliance without a reasonable excuse, and keep it on the case.

    One letter for each non-compliance (a unique key): the page sent again makes nothing new.
    """
    case = case_lock(case_id=case_id)
    if case.status != Case.Status.ACTIVE:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}: a warning letter is for a contract "
                             "that is running.")
    event = (NonCompliance.objects.filter(case=case, reasonable_excuse=False, pk=non_compliance_id)
             .select_related("contact").first())
    if event is None:
        raise ValidationError({"non_compliance": "Select the non-compliance the warning is about"})
    made = CaseDocument.objects.filter(non_compliance=event, kind=CaseDocument.Kind.WARNING_LETTER).first()
    if made is not None:
        raise ValidationError({"non_compliance": f"A warning letter about this was made on {timezone.localtime(made.added_at):%-d %B %Y}: "
                                                 "it is in the case's documents"})
    pdf = letters.letter_pdf("warning_letter", letters.warning_letter_context(case=case, non_compliance=event))
    return case_letter_keep(case=case, user=user, kind=CaseDocument.Kind.WARNING_LETTER, pdf=pdf, non_compliance=event,
                            description=f"{event.get_kind_display()} on {event.occurred_on:%-d %B %Y}")


@transaction.atomic
def breach_pack_make(*, case_id: int, user) -> CaseDocument:
    """Make the breach pack for the officer in the case once the breach is decided, and keep it on the case (once)."""
    case = case_lock(case_id=case_id)
    if case.status != Case.Status.BREACHED:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}: the breach pack is made once a "
                             "supervisor has approved the breach.")
    made = CaseDocument.objects.filter(case=case, kind=CaseDocument.Kind.BREACH_PACK).first()
    if made is not None:
        raise CaseStateError(f"The breach pack of case {case.number} was made on {timezone.localtime(made.added_at):%-d %B %Y}: "
                             "it is in the case's documents. Nothing new was made.")
    return breach_pack_keep(case=case, user=user)


def breach_pack_keep(*, case: Case, user) -> CaseDocument:
    """Make the breach pack and keep it on the case: at the breach's approval (it goes with the officer's email), or
    by hand for a breach decided before packs were made then. The caller holds the case's lock and the transaction."""
    pdf = letters.letter_pdf("breach_pack", letters.breach_pack_context(case=case))
    return case_letter_keep(case=case, user=user, kind=CaseDocument.Kind.BREACH_PACK, pdf=pdf,
                            description="For the officer in the case")


def breach_pack_for_officer(*, case: Case, user) -> tuple[str, str]:
    """The breach pack made and kept at the breach's approval, as the officer's email attaches it: (stored file,
    file name). Contracts' closure calls it through the maker registered below; the caller holds the case's lock."""
    pack = breach_pack_keep(case=case, user=user)
    return pack.storage_name, f"breach-pack-{case.number}.pdf"


def hooks_register() -> None:
    """At start-up (documents/apps.py): closing a case on a breach makes its pack here, without contracts importing
    documents (which sits above it)."""
    breach_pack_maker_register(breach_pack_for_officer)
