"""What the audit holds about a person: who looked at their records (the personal-data hook, oocr/personal_data.py).

The access log names the person by id, not by a foreign key, and is never erased (it is the evidence of access).
"""

from oocr.audit.models import AccessLog
from oocr.personal_data import PersonalDataHook, Section, register


def sections(*, person, case_ids: list[int]) -> list[Section]:
    return [Section(220, "Access to these records", AccessLog.objects.filter(person_id=person.pk).order_by("at"))]


register(PersonalDataHook(
    app_label="audit",
    holds={"AccessLog": "exported; kept: append-only evidence of who looked at the record"},
    sections=sections,
))
