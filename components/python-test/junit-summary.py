"""Prints a JUnit XML report's totals as [COUT] lines: tests, failures, errors, skipped, passed."""
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
totals = {key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")}
totals["passed"] = totals["tests"] - totals["failures"] - totals["errors"] - totals["skipped"]
for key, value in totals.items():
    print(f"[COUT] {key} = {value}")
