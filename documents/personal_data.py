"""What documents holds about a case: its files (the personal-data hook, oocr/personal_data.py)."""

from documents.models import CaseDocument
from documents.services import case_documents_erase, documents_storage
from oocr.personal_data import Disposal, PersonalDataHook, Section, register


def file_of(document: CaseDocument):
    """The document's file for the subject access zip: its download name (the case number and kind), and an opener."""
    if not document.storage_name or not documents_storage().exists(document.storage_name):
        return None
    return document.download_name, lambda: documents_storage().open(document.storage_name, "rb")


def sections(*, person, case_ids: list[int]) -> list[Section]:
    documents = CaseDocument.objects.filter(case_id__in=case_ids).order_by("added_at", "id")
    return [Section(175, "Documents on the cases", documents, file_of=file_of)]


def erase(disposal: Disposal) -> None:
    case_documents_erase(case_id=disposal.case_id)  # the files leave the storage once the disposal commits


register(PersonalDataHook(
    app_label="documents",
    holds={"CaseDocument": "exported, with its file; files deleted and descriptions erased, kinds and dates kept"},
    sections=sections, erase=erase, erase_order=20,
))
