"""Assertions about what a GOV.UK page shows a user: the error summary and where its links land."""

import html
import re

SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)


def error_summary_links(response) -> list[tuple[str, str]]:
    """(id the link goes to, message) for each item of the page's error summary."""
    page = response.content.decode()
    summary = SUMMARY.search(page)
    assert summary, "the page shows no GOV.UK error summary"
    return [(anchor, html.unescape(text).strip())
            for anchor, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(0), re.S)]


def assert_error_at(response, field_id: str, message: str) -> None:
    """The error summary says `message`, linked to the input with `field_id`, which is on the page."""
    assert response.status_code == 200
    links = error_summary_links(response)
    assert (field_id, message) in links, links
    assert f'id="{field_id}"' in response.content.decode(), f"no input with id {field_id} on the page"
