"""The CI security checks: bandit finds nothing of high severity, and the dependency audit is honest about what it checked."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SOURCES = ["oocr", "cases", "contracts", "keyworkers", "referrals", "evaluation", "retention", "today", "documents", "api", "portal", "trials", "bench"]


def bandit(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bandit", "--quiet", "--recursive", "--severity-level", "high",
                           "--exclude", "*/tests/*", "--format", "json", *paths], capture_output=True, text=True, cwd=ROOT)


def test_bandit_finds_no_high_severity_issue_in_the_code():
    result = bandit(*SOURCES)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["results"] == []


def test_bandit_as_configured_does_catch_a_high_severity_issue(tmp_path):
    (tmp_path / "bad.py").write_text("import subprocess\n\ndef run(name):\n    subprocess.call('ls ' + name, shell=True)\n")
    result = bandit(str(tmp_path))
    assert result.returncode == 1
    assert [issue["test_id"] for issue in json.loads(result.stdout)["results"]] == ["B602"]


@pytest.fixture
def audit(monkeypatch):
    """The audit script with pip-audit's JSON answer replaced (pip-audit itself needs the network)."""
    spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / ".ci/audit_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def with_report(report, exceptions=None):
        monkeypatch.setattr(module.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, json.dumps(report), ""))
        monkeypatch.setattr(module, "exceptions", lambda: exceptions or {})
        return module.main()

    return with_report


def test_a_known_vulnerability_fails_the_audit(audit, capsys):
    report = {"dependencies": [{"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}]}]}
    assert audit(report) == 1
    assert "django 5.2.0: PYSEC-1 (fixed in 5.2.1)" in capsys.readouterr().out


def test_a_vulnerability_written_down_with_its_reason_is_accepted(audit, capsys):
    report = {"dependencies": [{"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]}]}
    assert audit(report, {"PYSEC-1": "Only affects a feature we do not use"}) == 0
    assert "accepted: Only affects a feature we do not use" in capsys.readouterr().out


def test_an_unreachable_database_is_reported_as_skipped_never_as_a_pass(audit, capsys, monkeypatch):
    report = {"dependencies": [{"name": "django", "version": "5.2.0", "skip_reason": "Dependency not found on PyPI"}]}
    assert audit(report) == 0
    out = capsys.readouterr().out
    assert "SKIPPED" in out and "Nothing was audited" in out and "no known vulnerabilities" not in out
    monkeypatch.setenv("PIP_AUDIT_REQUIRED", "1")
    assert audit(report) == 1
