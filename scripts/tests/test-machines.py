#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the table of QEMU configurations (configs/machines.ini) and of
machine.py, which boot.sh, run-tests.sh and the judge read it with.

Usage: test-machines.py
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vm"))
import machine  # noqa: E402

ARCHES = {"x86_64": "qemu-system-x86_64", "arm64": "qemu-system-aarch64"}


def run(*args):
    return subprocess.run([sys.executable, os.path.join(HERE, "..", "vm", "machine.py"), *args],
                          capture_output=True, text=True)


def case_table():
    """Every configuration is complete and bootable as written."""
    errs = []
    table = machine.load()
    for name in table.sections():
        m = table[name]
        if m["arch"] not in ARCHES:
            errs.append(f"[{name}] arch {m['arch']}")
        if not m["qemu"].split("/")[-1] == ARCHES.get(m["arch"]):
            errs.append(f"[{name}] qemu {m['qemu']} for {m['arch']}")
        if m["check"] not in ("yes", "no"):
            errs.append(f"[{name}] check = {m['check']}")
        if "drive=d0" not in m["args"]:
            errs.append(f"[{name}] no device reads the disk (drive=d0)")
        if not m["kunit"].split():
            errs.append(f"[{name}] no KUnit suite")
    if set(machine.expect()) != set(table.sections()):
        errs.append("expect() does not cover every configuration")
    return errs


def case_cli():
    """One value per call; bad input is one line on stderr and exit 1."""
    errs = []
    r = run("get", "intel", "arch")
    if (r.returncode, r.stdout) != (0, "x86_64\n"):
        errs.append(f"get intel arch: {r.returncode} {r.stdout!r}")
    r = run("get", "intel", "args")
    if "-device" not in r.stdout.splitlines():
        errs.append("get intel args: not one argument per line")
    for bad in (["get", "nosuch", "arch"], ["get", "intel", "nosuch"], ["frob"], []):
        r = run(*bad)
        if r.returncode != 1 or len(r.stderr.strip().splitlines()) != 1:
            errs.append(f"{bad}: exit {r.returncode}, stderr {r.stderr!r}")
    return errs


def case_incomplete():
    """A section without a key is refused, naming it."""
    with tempfile.NamedTemporaryFile("w", suffix=".ini") as f:
        f.write("[x]\narch = x86_64\n")
        f.flush()
        try:
            machine.load(f.name)
        except ValueError as e:
            return [] if "lacks" in str(e) and "qemu" in str(e) else [str(e)]
    return ["a section without keys was accepted"]


def main():
    failed = 0
    for name, case in (("table complete", case_table), ("command line", case_cli),
                       ("incomplete section refused", case_incomplete)):
        errs = case()
        print(f"{'FAIL' if errs else 'PASS'} harness: machines: {name}"
              + (f" ({'; '.join(errs)})" if errs else ""))
        failed += bool(errs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
