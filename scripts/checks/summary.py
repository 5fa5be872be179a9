#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise results.txt: failures, per-configuration kselftest counts,
QEMU invalidation counts, and the final "N passed, N failed" line. Also
writes the run as data next to it: results.json, and results.xml (JUnit,
which GitLab and salsa show in a merge request)."""
import collections
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

LINE = re.compile(r"^(PASS|FAIL|SKIP) ([^:]+): (.*)$")


def split_detail(text):
    """'what (detail)' -> ('what', 'detail'): the last balanced group."""
    if not text.endswith(")"):
        return text, ""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            if i > 0 and text[i - 1] == " ":
                return text[:i - 1], text[i + 1:-1]
            break
    return text, ""


def parse(results):
    """Every check of results.txt as a dict: status, where, name, detail,
    and the line itself."""
    checks = []
    with open(results) as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                status, where, rest = m.groups()
                name, detail = split_detail(rest)
                checks.append({"status": status, "where": where,
                               "name": name, "detail": detail,
                               "line": m.group(0)})
    return checks


def write_data(checks, out):
    """results.json and results.xml (one JUnit test suite per <where>)."""
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump([{k: v for k, v in c.items() if k != "line"} for c in checks],
                  f, indent=1)
        f.write("\n")
    suites = ET.Element("testsuites", tests=str(len(checks)),
                        failures=str(sum(c["status"] == "FAIL" for c in checks)),
                        skipped=str(sum(c["status"] == "SKIP" for c in checks)))
    by_where = collections.defaultdict(list)
    for c in checks:
        by_where[c["where"]].append(c)
    for where, cs in by_where.items():
        suite = ET.SubElement(suites, "testsuite", name=where, tests=str(len(cs)),
                              failures=str(sum(c["status"] == "FAIL" for c in cs)),
                              skipped=str(sum(c["status"] == "SKIP" for c in cs)))
        for c in cs:
            case = ET.SubElement(suite, "testcase", classname=where, name=c["name"])
            if c["status"] == "FAIL":
                ET.SubElement(case, "failure", message=c["detail"] or "failed")
            elif c["status"] == "SKIP":
                ET.SubElement(case, "skipped", message=c["detail"])
    ET.ElementTree(suites).write(os.path.join(out, "results.xml"),
                                 encoding="utf-8", xml_declaration=True)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: summary.py RESULTS_TXT OUT_DIR")
    results, out = sys.argv[1:3]
    if not os.path.isfile(results):
        sys.exit(f"summary.py: no {results}")
    checks = parse(results)
    write_data(checks, out)
    per = collections.defaultdict(collections.Counter)
    for c in checks:
        per[c["where"]][(c["name"].split()[0].rstrip(":"), c["status"])] += 1
    count = collections.Counter(c["status"] for c in checks)
    passed, failed, skipped = count["PASS"], count["FAIL"], count["SKIP"]
    fails = [c["line"] for c in checks if c["status"] == "FAIL"]
    print("\n== summary")
    for where, c in per.items():
        kinds = sorted({k for k, _ in c})
        print(f"  {where:8} " + "; ".join(
            f"{k} {c[(k, 'PASS')]} pass, {c[(k, 'FAIL')]} fail, {c[(k, 'SKIP')]} skip"
            for k in kinds))
        trace = os.path.join(out, f"boot-{where}", "qemu-trace-counts.json")
        if os.path.exists(trace):
            with open(trace) as f:
                counts = json.load(f)
            secs = open(os.path.join(out, f"boot-{where}", "seconds")).read().strip()
            print(f"  {'':8} boot {secs}s; QEMU saw " +
                  (", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no invalidations"))
    for line in fails:
        print("  " + line)
    if skipped:
        print(f"{skipped} skipped")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
