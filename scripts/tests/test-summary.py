#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the run's summary (summary.py) over a recorded results.txt.

scripts/tests/summary/results.txt holds one line of each kind a run writes
(PASS, FAIL and SKIP, a detail with parentheses inside, an INFO line);
expect.json is what results.json must hold for it. Also checks the JUnit
file that CI systems read, and the final "N passed, N failed" line.

Usage: test-summary.py
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SUMMARY = os.path.join(HERE, "..", "checks", "summary.py")
DATA = os.path.join(HERE, "summary")


def case_recorded(tmp):
    r = subprocess.run([sys.executable, SUMMARY, os.path.join(DATA, "results.txt"), tmp],
                       capture_output=True, text=True)
    errs = []
    if r.returncode != 1:
        errs.append(f"exit {r.returncode}, want 1 (two failures)")
    if not r.stdout.endswith("6 passed, 2 failed\n"):
        errs.append("last line: " + (r.stdout.splitlines() or ["none"])[-1])
    with open(os.path.join(DATA, "expect.json")) as f:
        want = json.load(f)
    with open(os.path.join(tmp, "results.json")) as f:
        got = json.load(f)
    if got != want:
        diff = [g for g, w in zip(got, want) if g != w]
        errs.append(f"results.json differs: {diff[0] if diff else 'length'}")
    root = ET.parse(os.path.join(tmp, "results.xml")).getroot()
    if (root.tag, root.get("tests"), root.get("failures"), root.get("skipped")) != \
       ("testsuites", "9", "2", "1"):
        errs.append(f"results.xml totals: {root.tag} {root.attrib}")
    failures = [(s.get("name"), c.get("name"), c.find("failure").get("message"))
                for s in root for c in s if c.find("failure") is not None]
    if failures != [(w["where"], w["name"], w["detail"]) for w in want
                    if w["status"] == "FAIL"]:
        errs.append(f"results.xml failures: {failures}")
    return errs


def main():
    with tempfile.TemporaryDirectory() as tmp:
        errs = case_recorded(tmp)
    print(("FAIL" if errs else "PASS") + " harness: summary: JSON and JUnit of a recorded run" +
          (" (" + "; ".join(errs) + ")" if errs else ""))
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
