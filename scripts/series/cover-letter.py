#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn patches/0000-cover-letter.patch back into a git branch description.

git format-patch --cover-from-description=subject builds the cover letter
from the branch description: first paragraph the subject, the rest the
blurb. This reads a cover letter and prints that description, so the
letter survives prepare-tree.sh / export-series.sh round trips.
"""
import email
import email.policy
import re
import sys


def description(path):
    with open(path, encoding="utf-8") as f:
        msg = email.message_from_file(f, policy=email.policy.compat32)
    subject = re.sub(r"\s+", " ", str(msg["Subject"]))
    subject = re.sub(r"^\[[^]]*\]\s*", "", subject)
    body = msg.get_payload().splitlines()
    # The blurb ends where the shortlog ("Author Name (N):") starts.
    end = len(body)
    for i, line in enumerate(body):
        if re.match(r"^\S.* \(\d+\):$", line):
            end = i
            break
    blurb = "\n".join(body[:end]).strip()
    if blurb == "*** BLURB HERE ***":
        blurb = ""
    return subject + ("\n\n" + blurb if blurb else "") + "\n"


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "read":
        sys.exit("usage: cover-letter.py read 0000-cover-letter.patch")
    sys.stdout.write(description(sys.argv[2]))


if __name__ == "__main__":
    main()
