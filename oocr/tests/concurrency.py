"""Two clients at the same form: helpers for the lost-update and double-post tests of every app."""

import html
import re

from django.test import Client

from oocr.concurrency.services import form_token_new, versions_total
from oocr.forms import FORM_TOKEN_FIELD, RECORD_VERSION_FIELD


def hidden_value(response, name: str) -> str:
    """The value of a hidden input the page rendered (the form's version or one-time token)."""
    page = response.content.decode()
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, f"the page has no {name} field"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read_version(client, url: str) -> str:
    return hidden_value(client.get(url), RECORD_VERSION_FIELD)


def read_token(client, url: str) -> str:
    return hidden_value(client.get(url), FORM_TOKEN_FIELD)


def both_post(url: str, *, first_user, second_user, first: dict, second: dict):
    """Two people (or two tabs) read the same edit form, then both save: the responses to the first and the second."""
    one, two = signed_in(first_user), signed_in(second_user)
    version_one, version_two = read_version(one, url), read_version(two, url)
    first_response = one.post(url, {**first, RECORD_VERSION_FIELD: version_one})
    second_response = two.post(url, {**second, RECORD_VERSION_FIELD: version_two})
    return first_response, second_response


def posted_twice(url: str, *, user, data: dict):
    """One render of a create form, posted twice with the same token (the back button and resubmit, a retry)."""
    client = signed_in(user)
    token = read_token(client, url)
    first = client.post(url, {**data, FORM_TOKEN_FIELD: token})
    second = client.post(url, {**data, FORM_TOKEN_FIELD: token})
    return first, second


def conflict_shown(response) -> str:
    """The refusal of an edit over a newer version: the page (200) with its message and the other person's version."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert 'data-testid="edit-conflict"' in page, "their version is not shown"
    return html.unescape(page)


def version_of(record) -> dict:
    """The hidden version an edit form of `record` carries, as the page would send it (nothing while there is no record)."""
    if record is None or record.pk is None:
        return {}
    return {RECORD_VERSION_FIELD: str(type(record)._base_manager.values_list("version", flat=True).get(pk=record.pk))}


def one_time_token() -> dict:
    """A create form's token, as a newly rendered page would send it."""
    return {FORM_TOKEN_FIELD: form_token_new()}


def as_read(client, url: str, data: dict) -> dict:
    """`data` with the version of the record the edit form at `url` shows now: an edit made after reading the page."""
    return {**data, RECORD_VERSION_FIELD: read_version(client, url)}
