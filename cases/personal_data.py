"""What cases holds about a person and their cases: the personal-data hook (oocr/personal_data.py).

It also finds the person a subject access request names, and gives the ids of their cases that every other
app's sections are filtered by.
"""

import re

from cases.models import Case, CaseEvent, Crime, FirstContact, Person
from cases.services import case_personal_data_erase
from oocr.personal_data import Disposal, PersonalDataHook, Section, register


def subject_find(text: str) -> Person | None:
    """A case number (OOCR-123) finds the case's person; a bare number is a person's record number."""
    text = text.strip().upper()
    match = re.fullmatch(r"(?:OOCR-)?(\d{1,12})", text)
    if match and text.startswith("OOCR-"):
        case = Case.objects.filter(pk=int(match.group(1))).select_related("person").first()
        return case.person if case else None
    if match:
        return Person.objects.filter(pk=int(match.group(1))).first()
    return None


def cases_of(person: Person) -> list[int]:
    return list(Case.objects.filter(person=person).order_by("created_at").values_list("pk", flat=True))


def sections(*, person: Person, case_ids: list[int]) -> list[Section]:
    # Victims are third parties and are left out.
    return [
        Section(10, "Person", [person]),
        Section(20, "Cases", Case.objects.filter(person=person).order_by("created_at")),
        Section(30, "Crimes", Crime.objects.filter(case_id__in=case_ids)),
        Section(40, "First contact", FirstContact.objects.filter(case_id__in=case_ids)),
        Section(180, "Timeline", CaseEvent.objects.filter(case_id__in=case_ids).order_by("at")),
    ]


def erase(disposal: Disposal) -> None:
    case_personal_data_erase(case_id=disposal.case_id, erase_person=disposal.person_id is not None)


register(PersonalDataHook(
    app_label="cases",
    holds={
        "Person": "exported; names, contact details and the day and month of birth erased with their last case held",
        "Case": "exported; override reason and review flag erased, status, route, dates and outcome kept",
        "Crime": "exported; references, place and officer erased, offences and dates kept",
        "FirstContact": "exported; notes erased",
        "CaseEvent": "exported (the timeline); text erased, kinds and dates kept",
        "Victim": "third parties: not in the subject's export; name and contact details erased",
        "VictimContact": "about a victim: not in the subject's export; notes erased",
        "EligibilityAssessment": "not exported (the scheme's own decision record); override reason erased",
        "SubmissionReturn": "not exported (a work item between staff); reasons erased",
        "CaseBaseline": "not exported; kept at disposal: the evaluation's anonymous baseline (age, sex, area)",
    },
    sections=sections, erase=erase, erase_order=60, subject_find=subject_find, cases_of=cases_of,
))
