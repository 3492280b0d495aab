"""What retention holds about a case: its reviews (the personal-data hook, oocr/personal_data.py)."""

from oocr.personal_data import PersonalDataHook, register

register(PersonalDataHook(
    app_label="retention",
    holds={"RetentionReview": "not exported; kept: every decision and its reason (the record of the disposal itself)"},
))
