"""Connecting as the owner of the tables for `migrate`, when DATABASE_OWNER_URL is set (oocr/audit/db_roles.py)."""

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


def owner_settings(settings_dict: dict, owner_url: str) -> dict:
    """`settings_dict` (the application's connection) with the owner's credentials from `owner_url`.

    The owner's URL must name the same database: migrating another one than the application uses would be a mistake.
    """
    owner = environ.Env.db_url_config(owner_url)
    if owner["ENGINE"] != settings_dict["ENGINE"] or owner["NAME"] != settings_dict["NAME"]:
        raise ImproperlyConfigured("DATABASE_OWNER_URL must name the same database as DATABASE_URL, as its owner.")
    return {**settings_dict, **{key: owner[key] for key in OWNER_KEYS if key in owner}}


def connect_as_owner(alias: str) -> bool:
    """From now on this process uses the owner's credentials for `alias`. False when no owner is configured."""
    if not settings.DATABASE_OWNER_URL:
        return False
    connection = connections[alias]
    connection.close()
    connection.settings_dict.update(owner_settings(connection.settings_dict, settings.DATABASE_OWNER_URL))
    return True
