#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the table of QEMU configurations, configs/machines.ini.

Usage: machine.py names [--check]    the configurations (those make check boots)
       machine.py get NAME KEY       one value; args: one QEMU argument per line
Bad input: one line on stderr, exit 1.
"""
import configparser
import os
import shlex
import sys

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "configs", "machines.ini")
KEYS = ("arch", "qemu", "check", "args", "cmdline", "iommu_log", "ats",
        "kunit", "trace", "proves")


def load(path=TABLE):
    table = configparser.ConfigParser(interpolation=None)
    with open(path) as f:
        table.read_file(f)
    for name in table.sections():
        missing = [k for k in KEYS if k not in table[name]]
        if missing:
            raise ValueError(f"{path}: [{name}] lacks {', '.join(missing)}")
    return table


def expect(table=None):
    """What the judge checks for each configuration."""
    table = table or load()
    return {name: {"iommu_log": m["iommu_log"],
                   "ats": m.getboolean("ats"),
                   "kunit": m["kunit"].split(),
                   "trace_need": m.get("trace_need", "").split(),
                   # the stale-DMA oracle runs where QEMU has the device
                   "testdev": "iommu-testdev" in m["args"]}
            for name, m in table.items() if name != "DEFAULT"}


def main(argv):
    try:
        table = load()
    except (OSError, ValueError, configparser.Error) as e:
        sys.exit(f"machine.py: {e}")
    if argv[:1] == ["names"] and argv[1:] in ([], ["--check"]):
        for name in table.sections():
            if argv[1:] == [] or table[name].getboolean("check"):
                print(name)
        return
    if len(argv) != 3 or argv[0] != "get":
        sys.exit(__doc__.strip().splitlines()[2])
    name, key = argv[1:]
    if name not in table:
        sys.exit(f"unknown configuration '{name}' ({', '.join(table.sections())})")
    if key not in KEYS:
        sys.exit(f"unknown key '{key}' ({', '.join(KEYS)})")
    value = table[name][key]
    if key in ("args", "trace", "kunit"):
        print("\n".join(shlex.split(value)))
    else:
        print(" ".join(value.split()))


if __name__ == "__main__":
    main(sys.argv[1:])
