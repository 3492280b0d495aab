"""What notifications holds about a person and their cases: messages, reminders, inbox items (the personal-data hook)."""

from oocr.notifications.models import Delivery
from oocr.notifications.services import case_messages_erase
from oocr.personal_data import Disposal, PersonalDataHook, Section, register


def sections(*, person, case_ids: list[int]) -> list[Section]:
    return [Section(190, "Messages sent to the person", Delivery.objects.filter(person=person).order_by("created_at"))]


def erase(disposal: Disposal) -> None:
    case_messages_erase(case_id=disposal.case_id, person_id=disposal.person_id)


register(PersonalDataHook(
    app_label="notifications",
    holds={
        "Delivery": "messages to the person exported; texts erased, that a message went, where and when kept",
        "Reminder": "not exported (staff's reminders); texts erased",
        "Notification": "not exported (staff's inbox); texts replaced by a notice of the disposal",
    },
    sections=sections, erase=erase, erase_order=80,
))
