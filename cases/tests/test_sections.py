"""The case pages compose what other apps register (cases.sections): a part registered by any app appears, cases
renders its pages with none registered, and cases imports no app built on it (issue 22)."""

import ast
from pathlib import Path

import pytest
from django.template import Template
from django.urls import reverse

from cases import sections
from keyworkers.tests.factories import AllocatedCaseFactory

pytestmark = pytest.mark.django_db

ABOVE_CASES = {"keyworkers", "contracts", "referrals", "evaluation", "trials", "today", "api", "portal", "retention",
               "documents", "demo"}


@pytest.fixture
def registry(monkeypatch):
    """The registry as the apps filled it, restored after the test."""
    monkeypatch.setattr(sections, "_sections", dict(sections._sections))
    monkeypatch.setattr(sections, "_history", dict(sections._history))
    return sections


def test_a_part_an_app_registers_appears_on_the_overview_with_what_it_read(client, registry):
    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    seen = []

    def context(*, case, user, today):
        seen.append((case.pk, user.pk))
        return {"word": "Marmalade"}

    registry.register(sections.Section(
        name="elsewhere.note", page="overview", order=15, context=context,
        templates={"alerts": Template('<p data-testid="elsewhere">{{ part.word }} for {{ case.number }}</p>')},
    ))
    client.force_login(keyworker)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert f'<p data-testid="elsewhere">Marmalade for {case.number}</p>' in page
    assert seen == [(case.pk, keyworker.pk)]  # read once for the page


def test_a_part_with_nothing_to_show_is_left_out(client, registry):
    case = AllocatedCaseFactory()
    registry.register(sections.Section(name="elsewhere.none", page="overview", context=lambda **kwargs: None,
                                       templates={"alerts": Template('<p data-testid="elsewhere">shown</p>')}))
    client.force_login(case.allocations.get().keyworker)
    assert 'data-testid="elsewhere"' not in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()


def test_the_case_pages_render_with_no_app_registered(client, registry, monkeypatch):
    case = AllocatedCaseFactory()
    monkeypatch.setattr(sections, "_sections", {})
    monkeypatch.setattr(sections, "_history", {})
    client.force_login(case.allocations.get().keyworker)
    for name in ("case_detail", "case_changes", "case_history", "case_victim"):
        response = client.get(reverse(f"cases:{name}", args=[case.pk]))
        assert response.status_code == 200, name
    assert 'id="close-case"' not in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()


def test_the_apps_built_on_cases_add_their_parts_in_order():
    overview = [s.name for s in sorted(sections._sections.values(), key=lambda s: (s.order, s.name)) if s.page == "overview"]
    assert overview == ["referrals.overdue", "cases.victims_code_late", "contracts.closure"]
    assert list(sections.history_records()) == ["Allocation", "Contract", "Condition", "Contact", "Referral"]


@pytest.mark.parametrize("app, above", [("cases", ABOVE_CASES), ("keyworkers", ABOVE_CASES - {"keyworkers"})])
def test_cases_and_keyworkers_import_no_app_built_on_them(app, above):
    root = Path(__file__).resolve().parents[2] / app
    upward = []
    for path in root.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            upward += [(str(path.relative_to(root)), name) for name in names if name.split(".")[0] in above]
    assert upward == []
