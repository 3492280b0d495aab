"""What the integration API holds about a case (the personal-data hook, oocr/personal_data.py)."""

from api.services import api_personal_data_erase
from oocr.personal_data import Disposal, PersonalDataHook, register


def erase(disposal: Disposal) -> None:
    api_personal_data_erase(case_id=disposal.case_id)


register(PersonalDataHook(
    app_label="api",
    holds={
        "ApiReferral": "not exported; the body a client sent and its references erased at disposal, client and dates kept",
        "ApiEvent": "not exported; kept: the kind of outcome and when",
        "WebhookDelivery": "not exported; the body sent to a client erased at disposal, status and dates kept",
        "WebhookAttempt": "not exported; kept: status codes and timings",
    },
    erase=erase, erase_order=30,
))
