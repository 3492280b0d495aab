"""`migrate` connects as the owner of the tables when DATABASE_OWNER_URL is set (oocr/audit/owner.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from oocr.audit.owner import owner_settings

APP = {"ENGINE": "django.db.backends.postgresql", "NAME": "oocr", "USER": "oocr_web", "PASSWORD": "app-secret",
       "HOST": "db", "PORT": 5432, "CONN_MAX_AGE": 60, "OPTIONS": {"options": "-c jit=off"}}


def test_the_owners_credentials_replace_the_applications_and_nothing_else():
    owner = owner_settings(APP, "postgres://oocr_owner:owner-secret@db:5432/oocr")
    assert (owner["USER"], owner["PASSWORD"]) == ("oocr_owner", "owner-secret")
    assert {key: owner[key] for key in ("NAME", "CONN_MAX_AGE", "OPTIONS")} == {
        "NAME": "oocr", "CONN_MAX_AGE": 60, "OPTIONS": {"options": "-c jit=off"}}
    assert APP["USER"] == "oocr_web"  # the application's own settings are left as they were


def test_an_owner_url_naming_another_database_is_refused():
    with pytest.raises(ImproperlyConfigured, match="same database"):
        owner_settings(APP, "postgres://oocr_owner:owner-secret@db:5432/another")
