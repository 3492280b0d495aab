"""Helpers for the browser journeys: sign in, and check a page with axe and keep a screenshot of it."""

import functools
import json
from pathlib import Path

from django.conf import settings

from oocr.accounts.tests.factories import PASSWORD

AXE = Path(settings.BASE_DIR) / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results/screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def accessibility_violations(page) -> list[dict]:
    # Evaluated rather than added as a <script> element (add_script_tag, about 0.15 s a page): the same axe in the page.
    page.evaluate(axe_source())
    # Only the violations are read, so axe builds the selectors of every node only for them (`resultTypes`: passes and
    # the rest keep one node each) and only they cross back from the browser; every rule of the tags still runs.
    return page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
        .then(result => result.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target)})))""",
                         WCAG_TAGS)


def check_and_capture(page, name: str) -> None:
    """Keep a screenshot of the page and assert axe finds no WCAG A or AA violation on it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = accessibility_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


def sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/account/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")


def click_and_wait(page, selector: str) -> None:
    """Click something that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)
