"""`make audit`: known vulnerabilities in the installed dependencies, by pip-audit (OWASP ASVS 14.2.1).

pip-audit asks PyPI's advisory data about each package. Where PyPI cannot be reached it skips every
package and still says "No known vulnerabilities found"; this says plainly that nothing was audited
and exits 2, so that no one mistakes an unreachable service for a clean bill.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

UNREACHABLE = 2


def summarize(report: dict) -> tuple[list[str], int]:
    """Lines to print and the exit status: 0 clean, 1 vulnerable, 2 not audited."""
    dependencies = report.get("dependencies", [])
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    skipped = len(dependencies) - len(audited)
    if not audited:
        return [
            f"NOT AUDITED: pip-audit could not reach its advisory service; all {skipped} packages were skipped.",
            "Run `make audit` where https://pypi.org is reachable (CI with network, or a developer machine).",
        ], UNREACHABLE
    lines = [
        f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in "
        f"{', '.join(vulnerability.get('fix_versions') or ['no release yet'])})"
        for dependency in audited
        for vulnerability in dependency.get("vulns", [])
    ]
    summary = f"{len(audited)} packages audited, {skipped} skipped, {len(lines)} known vulnerabilities."
    return [*lines, summary], 1 if lines else 0


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    run = subprocess.run(
        [str(pip_audit), "--progress-spinner", "off", "--format", "json"], capture_output=True, text=True
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "pip-audit gave no report")
        print("NOT AUDITED: pip-audit failed before it could report.")
        return UNREACHABLE
    lines, status = summarize(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
