"""What evaluation holds about a person: later crime records, survey answers, results (the personal-data hook)."""

from evaluation.models import CrimeRecord, SurveyAnswer, SurveyInstrument, SurveyResponse
from evaluation.services import case_survey_comments_erase, person_crime_records_pseudonymise
from oocr.personal_data import Disposal, PersonalDataHook, Section, register


def sections(*, person, case_ids: list[int]) -> list[Section]:
    return [
        Section(200, "Their answers to ending surveys", SurveyAnswer.objects.filter(
            response__case_id__in=case_ids, response__instrument__respondent=SurveyInstrument.Respondent.PERSON)),
        Section(205, "Their comments in surveys", SurveyResponse.objects.filter(
            case_id__in=case_ids, instrument__respondent=SurveyInstrument.Respondent.PERSON).exclude(comments="")),
        Section(210, "Later crime records (for the evaluation)", CrimeRecord.objects.filter(person=person)),
    ]


def erase(disposal: Disposal) -> None:
    case_survey_comments_erase(case_id=disposal.case_id)
    if disposal.person_id is not None:  # the records stay tied to the person while one of their cases is held
        person_crime_records_pseudonymise(person_id=disposal.person_id)


register(PersonalDataHook(
    app_label="evaluation",
    holds={
        "CrimeRecord": "exported; pseudonymised when the person goes (names, PNC ID, reference, day and month of birth)",
        "PersonMatch": "not exported (staff's matching work); waiting matches rejected when the person goes",
        "SurveyResponse": "its answers and comments exported when the person gave them; comments erased, scores kept",
        "SurveyAnswer": "the person's own answers exported; kept for the evaluation",
        "ReoffendingResult": "not exported; kept at disposal: the evaluation's figures (no names)",
    },
    sections=sections, erase=erase, erase_order=70,
))
