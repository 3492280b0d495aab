"""Case numbers are links wherever a list shows them: on each role's Today and the supervisor's decisions."""

import re

import pytest
from django.urls import reverse

from contracts.tests.factories import ActiveContractFactory, PendingExtensionFactory
from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts.tests.factories import TeamManagerFactory
from today.tests.test_selectors import keyworker_work, team_work

pytestmark = pytest.mark.django_db

LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.S)
HIDDEN = re.compile(r'<span class="govuk-visually-hidden">.*?</span>', re.S)


def numbers_not_linked(html: str) -> list[str]:
    """Case numbers in the page's main content that are not inside a link (screen-reader text aside)."""
    main = html.split('<main', 1)[1].split("</main>", 1)[0]
    return re.findall(r"OOCR-\d+", LINK.sub("", HIDDEN.sub("", main)))


def test_every_case_number_on_today_is_a_link_for_each_role(client):
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    case = keyworker_work(keyworker, supervisor)
    team_work(supervisor)
    manager = StaffProfileFactory(user=TeamManagerFactory()).user
    for user in (keyworker, supervisor, manager):
        client.force_login(user)
        page = client.get("/today/").content.decode()
        assert "OOCR-" in page
        assert numbers_not_linked(page) == [], user
    client.force_login(keyworker)
    page = client.get("/today/").content.decode()
    assert f"({case.number})</a>" in page  # in the link to where the work is done


def test_every_case_number_on_the_decisions_page_is_a_link(client):
    supervisor = SupervisorProfileFactory().user
    closure = team_work(supervisor)["closure"]
    extension = PendingExtensionFactory(contract=ActiveContractFactory())
    client.force_login(supervisor)
    page = client.get(reverse("contracts:decisions")).content.decode()
    assert f'href="{reverse("cases:case_detail", args=[closure.case_id])}">{closure.case.number}</a>' in page
    assert f"({extension.contract.case.number})</a>" in page
    assert numbers_not_linked(page) == []
