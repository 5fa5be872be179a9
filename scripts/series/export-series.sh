#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the work tree's commits back to patches/ (git format-patch).
. "$(dirname "$0")/../lib.sh"
. "$TOP/scripts/series/series-lib.sh"

need_tree
[ "$(series_git symbolic-ref -q --short HEAD || true)" = "$SERIES_BRANCH" ] ||
	die "$SRC is not on branch '$SERIES_BRANCH'"
[ -z "$(series_git status --porcelain --untracked-files=no)" ] ||
	die "$SRC has uncommitted changes: commit them first"

[ "${FORCE:-0}" = 1 ] || check_patches_unchanged

# A base move by move-pin.sh --rebase ends here: the series now sits on
# the new base, which becomes the pin.
read -r pending_ver pending_sum <<<"$(series_git config --get sva.pendingbase || true)"
if [ -n "${pending_ver:-}" ]; then
	series_git merge-base --is-ancestor "$PENDING_TAG" "$SERIES_BRANCH" ||
		die "'$SERIES_BRANCH' is not on $BASE_PACKAGE $pending_ver yet: finish the rebase, or scripts/series/move-pin.sh --abort"
	series_git tag -f "$BASE_TAG" "$PENDING_TAG" >/dev/null
	series_git tag -d "$PENDING_TAG" >/dev/null
	series_git config sva.baseversion "$pending_ver"
	series_git config --unset sva.pendingbase
	sed -i -e "s/^BASE_VERSION=.*/BASE_VERSION=$pending_ver/" \
		-e "s/^BASE_SHA256=.*/BASE_SHA256=$pending_sum/" "$TOP/base.conf"
	step "base.conf now pins $BASE_PACKAGE $pending_ver: commit it with patches/"
fi

tmp=$(mktemp -d)
format_series "$tmp"
find "$PATCHES" -maxdepth 1 -name '*.patch' -delete
mkdir -p "$PATCHES"
cp "$tmp"/*.patch "$PATCHES"/ 2>/dev/null || true
rm -rf "$tmp"
record_patches_sum
step "exported $(find "$PATCHES" -name '*.patch' ! -name '0000-*' | wc -l) patches to patches/"
git -C "$TOP" status --short -- patches/ >&2 || true
