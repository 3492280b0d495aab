"""pip-audit over the pinned dependencies, honest about what it could check.

- A known vulnerability fails the check, unless it is listed in
  .ci/pip-audit-exceptions.txt with its reason (one `ID  reason` per line).
- When the vulnerability database cannot be reached (an offline machine:
  pip-audit then reports every package as "not found"), nothing was audited:
  this prints SKIPPED with the reason and exits 0, or exits 1 when
  PIP_AUDIT_REQUIRED=1 (set it where the network is available, as CI should).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ["requirements.lock", "requirements-dev.lock"]


def exceptions() -> dict[str, str]:
    path = ROOT / ".ci/pip-audit-exceptions.txt"
    listed = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        line = line.strip()
        if line and not line.startswith("#"):
            vuln_id, _, reason = line.partition(" ")
            listed[vuln_id] = reason.strip()
    return listed


def main() -> int:
    command = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip", "--format", "json", "--progress-spinner", "off"]
    for lock in LOCKS:
        command += ["-r", str(ROOT / lock)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603 - our own interpreter and files
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return skipped(f"pip-audit could not run or reach its vulnerability database ({reason})")
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    not_audited = [d for d in dependencies if "skip_reason" in d]
    if not audited:
        return skipped(f"the vulnerability database could not be reached: none of {len(dependencies)} pinned packages was checked "
                       f"({not_audited[0]['skip_reason'] if not_audited else 'no packages'})")
    allowed = exceptions()
    failures = []
    for dependency in audited:
        for vuln in dependency.get("vulns", []):
            if vuln["id"] in allowed:
                print(f"pip-audit: {dependency['name']} {dependency['version']} {vuln['id']} accepted: {allowed[vuln['id']]}")
            else:
                fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
                failures.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    for dependency in not_audited:
        print(f"pip-audit: {dependency['name']} {dependency['version']} NOT AUDITED: {dependency['skip_reason']}")
    if failures:
        print("pip-audit: known vulnerabilities in pinned dependencies:\n  " + "\n  ".join(failures))
        return 1
    print(f"pip-audit: {len(audited)} pinned packages audited, no known vulnerabilities"
          + (f" ({len(not_audited)} not audited, listed above)" if not_audited else ""))
    return 0


def skipped(reason: str) -> int:
    required = os.environ.get("PIP_AUDIT_REQUIRED") == "1"
    print(f"pip-audit: {'FAILED' if required else 'SKIPPED'}: {reason}. Nothing was audited"
          + ("." if required else "; set PIP_AUDIT_REQUIRED=1 to make this an error."))
    return 1 if required else 0


if __name__ == "__main__":
    sys.exit(main())
