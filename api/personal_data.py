"""What the integration API holds about a case (the personal-data hook, oocr/personal_data.py)."""

from oocr.personal_data import PersonalDataHook, register

register(PersonalDataHook(
    app_label="api",
    holds={
        "ApiReferral": "not exported; kept: the body a client sent (the crime and its suspect reference) is not erased today",
        "ApiEvent": "not exported; kept: the kind of outcome and when",
        "WebhookDelivery": "not exported; kept: the body sent to a client (the case number and its outcome)",
        "WebhookAttempt": "not exported; kept: status codes and timings",
    },
))
