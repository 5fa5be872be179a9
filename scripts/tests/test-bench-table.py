#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the benchmark's table code (bench-table.py) over a recorded run.

scripts/tests/bench/{before,after}/console.log are the "@@ bench" lines
of a real `make bench` (intel); expect.md is the table they gave. Also
checks that bad input gets a one-line error and a non-zero exit.

Usage: test-bench-table.py
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "bench", "bench-table.py")
DATA = os.path.join(HERE, "bench")


def run(*args):
    return subprocess.run([sys.executable, TABLE, *args], capture_output=True, text=True)


def case_recorded(tmp):
    r = run(os.path.join(DATA, "before"), os.path.join(DATA, "after"), tmp)
    if r.returncode:
        return [f"exit {r.returncode}: {r.stderr.strip()}"]
    with open(os.path.join(DATA, "expect.md")) as f:
        want = f.read()
    with open(os.path.join(tmp, "bench.md")) as f:
        got = f.read()
    if got != want:
        diff = [g for g, w in zip(got.splitlines(), want.splitlines()) if g != w]
        return ["table differs from expect.md: " + (diff[0] if diff else "length")]
    errs = []
    for f in ("bench.json", "bench.dat"):
        if not os.path.isfile(os.path.join(tmp, f)):
            errs.append(f"no {f}")
    return errs


def case_bad_input(tmp):
    errs = []
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    with open(os.path.join(empty, "console.log"), "w") as f:
        f.write("no bench here\n")
    for args, what in (((os.path.join(tmp, "nope"), empty, tmp), "missing boot"),
                       ((empty, empty, tmp), "no bench lines"),
                       ((os.path.join(DATA, "before"), os.path.join(DATA, "after"), tmp,
                         "--costs", "cmd=x"), "bad cost")):
        r = run(*args)
        lines = r.stderr.strip().splitlines()
        if r.returncode == 0 or len(lines) != 1 or not lines[0].startswith("error: "):
            errs.append(f"{what}: exit {r.returncode}, stderr {r.stderr.strip()!r}")
    return errs


def main():
    failed = 0
    for name, case in (("recorded run", case_recorded), ("bad input", case_bad_input)):
        with tempfile.TemporaryDirectory() as tmp:
            errs = case(tmp)
        print(("FAIL" if errs else "PASS") + f" harness: bench table: {name}" +
              (" (" + "; ".join(errs) + ")" if errs else ""))
        failed += bool(errs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
