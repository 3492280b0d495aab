"""The import graph, read from the source with `ast` (tests, migrations and bench left out): the layers of design.md
section 2 hold, at module level and inside functions alike.

    oocr/ (the core)  <-  cases <- keyworkers <- contracts <- documents <- referrals <- evaluation
                      <-  trials, retention, today (on top of the domain stack)
                      <-  api, portal (on top of everything; nobody imports them)
                      <-  demo (the demo data, over them all, the portal's partner account included; nobody imports it)

documents sits just above contracts: its letters and breach packs are made from a contract's conditions and
non-compliance, and referrals and evaluation never need it. An app may import the core and the apps below it.
The project wiring (oocr/settings.py, urls.py, celery.py, wsgi.py) composes every app and is exempt.
"""

import ast
from pathlib import Path

from django.conf import settings

CORE = "oocr"
# Each app's layer: an app imports only from the layers below its own (never sideways, never up).
LAYER = {
    CORE: 0,
    "cases": 1, "keyworkers": 2, "contracts": 3, "documents": 4, "referrals": 5, "evaluation": 6,
    "trials": 7, "retention": 7, "today": 7,
    "api": 8, "portal": 8,
    "demo": 9,
}
IMPORTED_BY_NOBODY = {"api", "portal", "demo"}  # but the demo, which seeds every app
WIRING = {"oocr/settings.py", "oocr/urls.py", "oocr/celery.py", "oocr/wsgi.py"}
LEFT_OUT = {"tests", "migrations", "bench", "__pycache__"}


def source_files(root: Path):
    for app in LAYER:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if LEFT_OUT & set(relative.parts) or path.name.startswith("test") or path.name == "conftest.py":
                continue
            if relative.as_posix() in WIRING:
                continue
            yield relative


def imports_of(root: Path) -> set[tuple[str, str]]:
    """(importing module, imported app) for every absolute import of another app, wherever it sits in the module."""
    found = set()
    for relative in source_files(root):
        module = ".".join(relative.with_suffix("").parts[:2])
        source_app = relative.parts[0]
        for node in ast.walk(ast.parse((root / relative).read_text(), str(relative))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                target_app = name.split(".")[0]
                if target_app in LAYER and target_app != source_app:
                    found.add((module, target_app))
    return found


def violations(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The imports that run sideways or up the layers, or into an app nobody may import."""
    return {(module, target) for module, target in edges
            if LAYER[target] >= LAYER[module.split(".")[0]] or (target in IMPORTED_BY_NOBODY and module.split(".")[0] != "demo")}


def mutual_pairs(edges: set[tuple[str, str]]) -> set[frozenset]:
    apps = {(module.split(".")[0], target) for module, target in edges}
    return {frozenset(pair) for pair in apps if (pair[1], pair[0]) in apps}


def test_every_app_is_placed_in_a_layer():
    apps = {path.parent.name for path in Path(settings.BASE_DIR).glob("*/apps.py")}
    assert apps <= set(LAYER), f"place a new app in LAYER: {sorted(apps - set(LAYER))}"


def test_the_core_imports_no_domain_app():
    edges = imports_of(Path(settings.BASE_DIR))
    assert sorted((module, target) for module, target in edges if module.split(".")[0] == CORE) == []


def test_nobody_imports_demo_api_or_portal_but_the_demo():
    edges = imports_of(Path(settings.BASE_DIR))
    assert sorted((module, target) for module, target in edges
                  if target in IMPORTED_BY_NOBODY and module.split(".")[0] != "demo") == []


def test_imports_run_down_the_layers_only_and_no_two_apps_import_each_other():
    edges = imports_of(Path(settings.BASE_DIR))
    found = violations(edges)
    assert sorted(found) == [], "an import runs up or sideways: move the helper down, or have the higher app register"
    assert mutual_pairs(edges) == set()


def test_the_checks_see_an_upward_import_a_sideways_one_and_a_pair(tmp_path):
    # A small fake project: cases imports contracts inside a function, today imports retention, api imports demo
    # (and the demo imports the portal, which it may).
    for name, text in {
        "demo/portal.py": "from portal.models import PartnerUser\n",
        "cases/services.py": "def f():\n    from contracts.models import Contract\n",
        "contracts/models.py": "from cases.models import Case\n",
        "today/selectors.py": "import retention.selectors\n",
        "api/views.py": "from demo import staff\n",
        "oocr/urls.py": "from portal import urls\n",  # the wiring: exempt
        "oocr/tests/test_x.py": "import cases\n",  # tests: left out
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    edges = imports_of(tmp_path)
    assert edges == {("cases.services", "contracts"), ("contracts.models", "cases"), ("today.selectors", "retention"),
                     ("api.views", "demo"), ("demo.portal", "portal")}
    assert violations(edges) == {("cases.services", "contracts"), ("today.selectors", "retention"), ("api.views", "demo")}
    assert mutual_pairs(edges) == {frozenset({"cases", "contracts"})}
