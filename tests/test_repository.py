"""Checks on the repository itself: lock files and committed files."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    "lock_file",
    ["requirements.lock", "requirements-dev.lock", "package-lock.json", "package.json", ".npmrc", "pyproject.toml",
     "Dockerfile", "docker-compose.yml"],
)
def test_lock_files_hold_no_download_address(lock_file):
    text = (ROOT / lock_file).read_text()
    assert "http://" not in text and "https://" not in text


def test_every_dependency_is_pinned_exactly():
    for line in (ROOT / "requirements-dev.lock").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            assert "==" in line, line


def test_govuk_frontend_is_a_5x_release_that_moj_frontend_accepts():
    import json

    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    govuk = lock["node_modules/govuk-frontend"]["version"]
    moj = lock["node_modules/@ministryofjustice/frontend"]
    assert govuk.startswith("5.")
    assert moj["peerDependencies"]["govuk-frontend"] == "^5.11.2"
    assert tuple(map(int, govuk.split("."))) >= (5, 11, 2)
    assert settings.CRISPY_GDS_FRONTEND_VERSION == govuk


def test_the_stylesheet_uses_the_forces_typeface_not_gds_transport():
    css = (ROOT / "static/build/oocr.css").read_text()
    assert "GDS Transport" not in css
    assert "font-family:arial,sans-serif" in css


def test_every_image_the_readme_shows_is_in_the_repository():
    readme = (ROOT / "README.md").read_text()
    missing = [path for path in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", readme) if not (ROOT / path).is_file()]
    assert missing == []


def test_every_app_with_tests_is_in_the_suite():
    """An app's tests run with `make test` only if pytest's testpaths name it (a new app is easily left out)."""
    import tomllib

    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    with_tests = {path.parent.parent.relative_to(ROOT).parts[0] for path in ROOT.glob("*/**/tests/__init__.py")
                  if ".venv" not in path.parts and "node_modules" not in path.parts}
    assert with_tests - set(testpaths) == set()
