#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise results.txt: failures, per-configuration kselftest counts,
QEMU invalidation counts, and the final "N passed, N failed" line."""
import collections
import json
import os
import re
import sys


def main():
    results, out = sys.argv[1:3]
    per = collections.defaultdict(collections.Counter)
    passed = failed = skipped = 0
    fails = []
    with open(results) as f:
        for line in f:
            m = re.match(r"^(PASS|FAIL|SKIP) ([^:]+): (\S+)", line)
            if not m:
                continue
            status, where, kind = m.groups()
            per[where][(kind.rstrip(":"), status)] += 1
            if status == "PASS":
                passed += 1
            elif status == "FAIL":
                failed += 1
                fails.append(line.rstrip())
            else:
                skipped += 1
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
