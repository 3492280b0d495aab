"""What documents holds about a case: its files (the personal-data hook, oocr/personal_data.py)."""

from documents.services import case_documents_erase
from oocr.personal_data import Disposal, PersonalDataHook, register


def erase(disposal: Disposal) -> None:
    case_documents_erase(case_id=disposal.case_id)  # the files leave the storage once the disposal commits


register(PersonalDataHook(
    app_label="documents",
    holds={"CaseDocument": "not in the export's zip today; files deleted and descriptions erased, kinds and dates kept"},
    erase=erase, erase_order=20,
))
