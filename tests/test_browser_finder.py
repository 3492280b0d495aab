"""Finding the browser the journeys drive: $CHROMIUM, the system's, Playwright's, or what to install."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from conftest import (
    CHROMIUM_APPS, CHROMIUM_NAMES, NO_CHROMIUM, ChromiumNotFound, chromium_find, playwright_managed_chromium,
)


def fake_executable(directory: Path, name: str) -> str:
    path = directory / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


def nothing_managed() -> None:
    return None


def test_chromium_variable_wins_even_when_the_system_has_one(tmp_path, monkeypatch):
    fake_executable(tmp_path, "chromium")
    own = fake_executable(tmp_path, "my-chrome")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium_find(environ={"CHROMIUM": own}, managed=nothing_managed) == own
    assert chromium_find(environ={"CHROMIUM": "my-chrome"}, managed=nothing_managed) == own  # a name on PATH will do


def test_chromium_variable_pointing_at_nothing_says_so_rather_than_looking_elsewhere(tmp_path):
    with pytest.raises(ChromiumNotFound, match=r"^CHROMIUM=/nowhere/chrome is not an executable Chromium or Chrome"):
        chromium_find(environ={"CHROMIUM": "/nowhere/chrome"}, which=shutil.which, managed=nothing_managed)


def test_a_chromium_first_on_path_is_found_before_the_one_in_usr_bin(tmp_path, monkeypatch):
    fake = fake_executable(tmp_path, "chromium")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert chromium_find(environ={}, managed=nothing_managed) == fake


@pytest.mark.parametrize("name", CHROMIUM_NAMES)
def test_each_usual_system_name_is_found_on_path(tmp_path, monkeypatch, name):
    fake = fake_executable(tmp_path, name)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium_find(environ={}, apps=[], managed=nothing_managed) == fake


def test_the_macos_app_is_found_when_nothing_is_on_path(tmp_path, monkeypatch):
    app = fake_executable(tmp_path, "Chromium")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert chromium_find(environ={}, apps=[str(tmp_path / "Missing"), app], managed=nothing_managed) == app


def test_playwrights_own_browser_comes_last(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    downloaded = "/cache/ms-playwright/chrome"
    assert chromium_find(environ={}, apps=[], managed=lambda: downloaded) == downloaded
    fake_executable(tmp_path, "chromium")
    assert chromium_find(environ={}, apps=[], managed=lambda: downloaded) == str(tmp_path / "chromium")


def test_nothing_found_is_one_sentence_naming_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChromiumNotFound) as missing:
        chromium_find(environ={}, apps=[], managed=nothing_managed)
    assert str(missing.value) == NO_CHROMIUM
    assert "\n" not in NO_CHROMIUM
    assert "apt-get install -y chromium" in NO_CHROMIUM and "python -m playwright install chromium" in NO_CHROMIUM


def test_playwrights_browser_is_only_offered_when_it_has_been_downloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert playwright_managed_chromium() is None


def environment_without_chromium(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This environment with no Chromium to be found: PATH without the directories that hold one, no $CHROMIUM."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CHROMIUM", "SKIP_BROWSER"))}
    environ["PATH"] = os.pathsep.join(
        directory for directory in environ["PATH"].split(os.pathsep)
        if not any(shutil.which(name, path=directory) for name in CHROMIUM_NAMES))
    environ["PLAYWRIGHT_BROWSERS_PATH"] = str(tmp_path)  # an empty cache: no downloaded browser either
    return {**environ, **extra}


def run_browser_tests(environ: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_browser.py", "-q", "-p", "no:cacheprovider", *args],
        cwd=settings.BASE_DIR, env=environ, capture_output=True, text=True, timeout=120)
    return result, time.monotonic() - started


needs_no_chromium_app = pytest.mark.skipif(
    any(os.access(app, os.X_OK) for app in CHROMIUM_APPS), reason="this machine has a Chrome app the test cannot hide")


@needs_no_chromium_app
def test_without_chromium_the_suite_stops_at_once_with_the_sentence(tmp_path):
    result, seconds = run_browser_tests(environment_without_chromium(tmp_path))
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert f"ERROR: {NO_CHROMIUM}; SKIP_BROWSER=1 runs everything else\n" in result.stderr
    assert "passed" not in result.stdout and "failed" not in result.stdout
    assert seconds < 30


@needs_no_chromium_app
def test_without_chromium_skip_browser_skips_the_journeys_and_says_why(tmp_path):
    result, _ = run_browser_tests(environment_without_chromium(tmp_path, SKIP_BROWSER="1"), "-n", "1")
    assert result.returncode == pytest.ExitCode.OK, result.stdout + result.stderr
    assert f"browser journey skipped: SKIP_BROWSER=1 and {NO_CHROMIUM}" in result.stdout
    assert " skipped in " in result.stdout and "passed" not in result.stdout


def test_playwrights_downloaded_browser_is_found_in_its_cache(tmp_path, monkeypatch):
    chrome = tmp_path / "chromium-1187" / "chrome-linux" / "chrome"
    chrome.parent.mkdir(parents=True)
    chrome.write_text("#!/bin/sh\n")
    chrome.chmod(0o755)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert playwright_managed_chromium() == str(chrome)
