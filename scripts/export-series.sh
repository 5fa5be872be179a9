#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the work tree's commits back to patches/ (git format-patch).
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/series-lib.sh"

need_tree
[ "$(series_git symbolic-ref -q --short HEAD || true)" = "$SERIES_BRANCH" ] ||
	die "$SRC is not on branch '$SERIES_BRANCH'"
[ -z "$(series_git status --porcelain --untracked-files=no)" ] ||
	die "$SRC has uncommitted changes: commit them first"

[ "${FORCE:-0}" = 1 ] || check_patches_unchanged

tmp=$(mktemp -d)
format_series "$tmp"
find "$PATCHES" -maxdepth 1 -name '*.patch' -delete
mkdir -p "$PATCHES"
cp "$tmp"/*.patch "$PATCHES"/ 2>/dev/null || true
rm -rf "$tmp"
record_patches_sum
step "exported $(find "$PATCHES" -name '*.patch' ! -name '0000-*' | wc -l) patches to patches/"
git -C "$TOP" status --short -- patches/ >&2 || true
