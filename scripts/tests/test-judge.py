#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the judge (check-results.py) over recorded console logs.

Each directory in scripts/tests/judge/ is one boot: console.log (trimmed
from a real boot, then edited into the case), dma-expected, QEMU's
qemu-trace.log and qemu.out where the case is about them (such a case
may leave out console.log and dma-expected: all-pass's are used, or
those of the case a "console <case>" line names), and expect: its first
line "exit N", then "config <name>", then lines that the judge must
print, and lines starting "! " that it must not print.

Usage: test-judge.py KERNEL_SRC   (for kunit.py)
"""
import importlib.util
import io
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# In this process, as a module: one interpreter for every case.
_spec = importlib.util.spec_from_file_location(
    "check_results", os.path.join(HERE, "..", "checks", "check-results.py"))
check_results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_results)


def run_case(name, src):
    case = os.path.join(HERE, "judge", name)
    with open(os.path.join(case, "expect")) as f:
        expect = [l.rstrip("\n") for l in f if l.strip()]
    want_rc = int(expect[0].split()[1])
    config = expect[1].split()[1]
    # A case about QEMU's files boots as all-pass did, or as "console <case>" says
    base = "all-pass"
    if expect[2].startswith("console "):
        base = expect.pop(2).split()[1]
    with tempfile.TemporaryDirectory() as tmp:
        for f in ("console.log", "dma-expected", "qemu-trace.log", "qemu.out"):
            path = os.path.join(case, f)
            if f in ("console.log", "dma-expected") and not os.path.exists(path):
                path = os.path.join(HERE, "judge", base, f)
            if os.path.exists(path):
                shutil.copy(path, tmp)
        buf = io.StringIO()
        rc = 1 if check_results.judge(tmp, config, src, buf).failed() else 0
    out = buf.getvalue().splitlines()
    errs = []
    if rc != want_rc:
        errs.append(f"exit {rc}, want {want_rc}")
    for line in expect[2:]:
        if line.startswith("! "):
            if any(o.startswith(line[2:]) for o in out):
                errs.append(f"printed: {line[2:]}")
        elif not any(o.startswith(line) for o in out):
            errs.append(f"missing: {line}")
    return errs


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else ""
    if not os.path.exists(os.path.join(src, "tools/testing/kunit/kunit.py")):
        sys.exit(f"error: no kernel tree at '{src}' (needs tools/testing/kunit/kunit.py)")
    failed = 0
    for name in sorted(os.listdir(os.path.join(HERE, "judge"))):
        errs = run_case(name, src)
        print(("FAIL" if errs else "PASS") + f" harness: judge: {name}" +
              (" (" + "; ".join(errs) + ")" if errs else ""))
        failed += bool(errs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
