#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A user with no git identity (HOME empty, no system config) can apply the
# series (prepare-tree.sh's git am) and dry-run send-email. CI's machine has
# an identity, so this is the only place the path runs. Usage: test-no-identity.sh
. "$(dirname "$0")/../lib.sh"
. "$TOP/scripts/series/series-lib.sh"

tmp=$(mktemp -d)
on_exit 'rm -rf "$tmp"'
export HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1
unset XDG_CONFIG_HOME GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
mkdir -p "$HOME"

# A patch, made with an identity given on the command line only.
SRC=$tmp/repo
git init -q "$SRC"
echo a >"$SRC/f"
git -C "$SRC" add f
git -C "$SRC" -c user.name=A -c user.email=a@example.org commit -q -m base
echo b >>"$SRC/f"
git -C "$SRC" -c user.name=A -c user.email=a@example.org commit -q -am "f: add b"
git -C "$SRC" format-patch -q -1 -o "$tmp/p"
git -C "$SRC" reset -q --hard HEAD~1

if git var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
	echo "FAIL harness: no git identity: the test environment still has one"
	exit 1
fi
if err=$(series_git_am -q "$tmp"/p/*.patch 2>&1) &&
   [ "$(git -C "$SRC" log -1 --format=%s)" = "f: add b" ]; then
	echo "PASS harness: no git identity: git am applies the series"
else
	echo "FAIL harness: no git identity: git am: $err"
	exit 1
fi
