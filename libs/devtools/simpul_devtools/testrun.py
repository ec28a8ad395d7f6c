"""`make test`: the three suites, each in its own pytest process, then one closing line.

Unit tests run plain; service integration tests run under eventlet (as nameko does);
end-to-end tests drive real processes over HTTP. Each needs its own interpreter state.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SUITES = (
    ("unit", ["tests/unit", "gateway/tests/unit", *sorted(map(str, ROOT.glob("services/*/tests/unit")))]),
    ("integration", ["-p", "simpul_devtools.eventlet_plugin",
                     *sorted(map(str, ROOT.glob("services/*/tests/integration")))]),
    ("e2e", ["tests/e2e"]),
    # the bounded subset of `make faults`: kills, restarts, drain, heartbeats, duplicates
    ("faults", ["-s", "tests/faults"]),
)


def main() -> int:
    results = ROOT / "var" / "test-results"
    results.mkdir(parents=True, exist_ok=True)
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    failed_suites = []
    for name, args in SUITES:
        report = results / f"{name}.xml"
        report.unlink(missing_ok=True)
        print(f"\n=== {name} tests ===", flush=True)
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-rfEs",
                                f"--junitxml={report}", *args], cwd=ROOT)
        counts = count(report)
        for key in totals:
            totals[key] += counts[key]
        if code != 0 or counts["passed"] == 0:
            failed_suites.append(f"{name} (exit {code})")
    print()
    if failed_suites:
        print("failed suites: " + ", ".join(failed_suites))
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if failed_suites else 0


def count(report: Path) -> dict:
    if not report.exists():
        return {"passed": 0, "failed": 1, "skipped": 0}
    root = ET.parse(report).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in
                                        ("tests", "failures", "errors", "skipped"))
    return {"passed": tests - failures - errors - skipped, "failed": failures + errors,
            "skipped": skipped}


if __name__ == "__main__":
    sys.exit(main())
