#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail if any option a config fragment asks for is not in the final .config.

merge_config.sh only warns when Kconfig drops a request (a missing
dependency); a test built on a dropped option would then skip or lie.
With --src, an option that no Kconfig file of that tree defines is only
noted: an older tree (the benchmark's "before", a bisection step) cannot
have the options of later patches, and the judge still expects their
suites where it runs.

Usage: check-config.py [--src TREE] .config FRAGMENT...
"""
import os
import re
import sys


def defined_symbols(src):
    syms = set()
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("Kconfig"):
                continue
            with open(os.path.join(root, name), errors="replace") as f:
                for line in f:
                    m = re.match(r"^\s*(?:menu)?config\s+(\w+)", line)
                    if m:
                        syms.add("CONFIG_" + m.group(1))
    return syms


def read(path):
    opts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^(CONFIG_\w+)=(.*)$", line)
            if m:
                opts[m.group(1)] = m.group(2)
            m = re.match(r"^# (CONFIG_\w+) is not set$", line)
            if m:
                opts[m.group(1)] = "n"
    return opts


def main():
    args = sys.argv[1:]
    known = None
    if args[:1] == ["--src"]:
        if len(args) < 2 or not os.path.isdir(args[1]):
            sys.exit("error: --src needs a source tree")
        known = defined_symbols(args[1])
        args = args[2:]
    if len(args) < 2:
        sys.exit("usage: check-config.py [--src TREE] .config FRAGMENT...")
    final = read(args[0])
    bad = 0
    for frag in args[1:]:
        for opt, want in read(frag).items():
            have = final.get(opt, "n")
            if have != want and known is not None and opt not in known:
                print(f"{frag.rsplit('/', 1)[-1]}: {opt} is not in this tree, "
                      "skipped", file=sys.stderr)
                continue
            if have != want:
                print(f"{frag.rsplit('/', 1)[-1]}: {opt}={want} requested, "
                      f"got {have}", file=sys.stderr)
                bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
