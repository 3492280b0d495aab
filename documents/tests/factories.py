"""Files of each kind a keyworker may upload (and some they may not), and a document already kept on a case."""

import hashlib
import io
import zipfile

import factory
from django.core.files.base import ContentFile

from documents.models import CaseDocument
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"})
DOCM = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00"})


def upload(name="letter.pdf", content=PDF, content_type="application/pdf") -> SimpleUploadedFile:
    """A file to send once (the harness's `Upload` rewinds at every read, so it cannot be read in chunks)."""
    return SimpleUploadedFile(name, content, content_type=content_type)


class CaseDocumentFactory(factory.django.DjangoModelFactory):
    """A partner's letter (a PDF) already kept on the case, its file in the documents storage."""

    class Meta:
        model = CaseDocument

    kind = CaseDocument.Kind.PARTNER_LETTER
    description = "Food bank letter"
    file_type = "pdf"
    size = len(PDF)
    sha256 = hashlib.sha256(PDF).hexdigest()
    added_by = factory.LazyAttribute(lambda document: document.case.allocations.first().keyworker)
    storage_name = factory.LazyAttribute(lambda document: _stored(document.case.pk))


def _stored(case_id: int) -> str:
    from documents.services import documents_storage

    return documents_storage().save(f"case-{case_id}/factory.pdf", ContentFile(PDF))
