#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail if any option a config fragment asks for is not in the final .config.

merge_config.sh only warns when Kconfig drops a request (a missing
dependency); a test built on a dropped option would then skip or lie.
"""
import re
import sys


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
    final = read(sys.argv[1])
    bad = 0
    for frag in sys.argv[2:]:
        for opt, want in read(frag).items():
            have = final.get(opt, "n")
            if have != want:
                print(f"{frag.rsplit('/', 1)[-1]}: {opt}={want} requested, "
                      f"got {have}", file=sys.stderr)
                bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
