"""What an uploaded document may be, decided by its content as well as its name (a renamed program is refused).

Pure functions over the first bytes and, for the two zip-based formats, the archive's list of parts.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES = {
    "pdf": FileType("pdf", "PDF", (".pdf",), "application/pdf"),
    "jpeg": FileType("jpeg", "JPEG picture", (".jpg", ".jpeg"), "image/jpeg"),
    "png": FileType("png", "PNG picture", (".png",), "image/png"),
    "docx": FileType("docx", "Word document", (".docx",),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": FileType("odt", "OpenDocument text", (".odt",), "application/vnd.oasis.opendocument.text"),
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Parts that make a Word file run code (a .docm renamed .docx): refused whatever the name says.
WORD_MACRO_PARTS = ("word/vbaProject.bin", "word/vbaData.xml")


def wrong_type_message() -> str:
    return "The file must be a PDF, a JPEG or PNG picture, or a Word (.docx) or OpenDocument (.odt) text document"


def too_big_message() -> str:
    return f"The file must be smaller than {settings.DOCUMENT_MAX_BYTES // 1_000_000} MB"


def _zip_type(upload) -> str | None:
    """A .docx (Office Open XML with a main document part and no macros) or an .odt (its `mimetype` part first)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return None if names & set(WORD_MACRO_PARTS) else "docx"
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                return "odt" if archive.read("mimetype").strip() == ODT_MIMETYPE else None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def file_type_sniff(upload) -> str | None:
    """The type the content shows, or None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    return None


def upload_check(upload) -> FileType:
    """The type of an uploaded document: its content and its name must agree, and it must be under DOCUMENT_MAX_BYTES."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(too_big_message())
    if upload.size == 0:
        raise ValidationError("The file is empty: choose the document again")
    code = file_type_sniff(upload)
    name = (upload.name or "").lower()
    if code is None or not name.endswith(FILE_TYPES[code].extensions):
        raise ValidationError(wrong_type_message())
    return FILE_TYPES[code]
