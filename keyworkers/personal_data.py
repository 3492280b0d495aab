"""What keyworkers holds about a case: its allocations (the personal-data hook, oocr/personal_data.py)."""

from keyworkers.models import Allocation
from keyworkers.services import case_free_text_erase
from oocr.personal_data import Disposal, PersonalDataHook, Section, register


def sections(*, person, case_ids: list[int]) -> list[Section]:
    return [Section(50, "Keyworkers allocated", Allocation.objects.filter(case_id__in=case_ids))]


def erase(disposal: Disposal) -> None:
    case_free_text_erase(case_id=disposal.case_id)


register(PersonalDataHook(
    app_label="keyworkers",
    holds={
        "Allocation": "exported; notes erased, who held the case and when kept",
        "AllocationReview": "not exported (a supervisor's review of a keyworker's holding); kept: no free text about the person",
    },
    sections=sections, erase=erase, erase_order=50,
))
