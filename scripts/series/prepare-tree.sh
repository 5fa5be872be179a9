#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the work tree build/linux: the pinned base as a tagged commit, and the
# series from patches/ applied with git am on branch 'series'. Refuses to
# touch a tree holding work that is not in patches/.
. "$(dirname "$0")/../lib.sh"
. "$TOP/scripts/series/series-lib.sh"

need_cmd git tar sha256sum
tarball=$("$TOP/scripts/setup/fetch-base.sh")

if [ -d "$SRC/.git" ]; then
	check_tree_saved
	have=$(series_git config --get sva.baseversion || true)
	if [ "$have" != "$BASE_VERSION" ]; then
		step "work tree base is ${have:-unknown}, pin is $BASE_VERSION: recreating it"
		rm -rf "$SRC"
	fi
elif [ -e "$SRC" ]; then
	die "$SRC exists and is not a git tree: move it away"
fi

# Applying again would touch every file the series changes, and make would
# rebuild most of the kernel: leave a tree that already holds patches/.
if [ -d "$SRC/.git" ] && [ "$(series_git symbolic-ref -q --short HEAD || true)" = "$SERIES_BRANCH" ] &&
   series_matches_patches; then
	record_patches_sum
	step "work tree already holds patches/: $SRC ($(series_git rev-list --count "$BASE_TAG..HEAD") commits on $BASE_TAG)"
	exit 0
fi

if [ ! -d "$SRC/.git" ]; then
	step "unpacking $BASE_PACKAGE $BASE_VERSION into $SRC"
	mkdir -p "$SRC"
	tar -C "$SRC" --strip-components=1 -xf "$tarball"
	step "committing the base"
	series_git init -q -b "$SERIES_BRANCH"
	series_git config sva.baseversion "$BASE_VERSION"
	series_git config core.abbrev 12
	commit=$(base_commit "$SRC" "$BASE_VERSION" "$BASE_SHA256") || die "could not commit the base"
	series_git reset -q "$commit"
	series_git tag -f "$BASE_TAG" >/dev/null
fi

series_git checkout -q -f -B "$SERIES_BRANCH" "$BASE_TAG"
mapfile -t series < <(find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
	! -name '0000-cover-letter.patch' | sort)
step "applying ${#series[@]} patches from patches/"
for p in "${series[@]}"; do
	if ! err=$(series_git_am -q --whitespace=nowarn "$p" 2>&1 >/dev/null); then
		series_git am --abort >/dev/null 2>&1 || true
		die "$(basename "$p"): git am failed on $BASE_PACKAGE $BASE_VERSION: $(echo "$err" | grep -m1 -E 'error|fatal|patch' || echo "$err" | head -n 1)"
	fi
done

# The cover letter's subject and blurb live in the branch description, which
# export-series.sh writes back into 0000-cover-letter.patch.
cover=$PATCHES/0000-cover-letter.patch
if [ -f "$cover" ]; then
	python3 "$TOP/scripts/series/cover-letter.py" read "$cover" > "$BUILD/cover.txt"
	series_git config "branch.$SERIES_BRANCH.description" "$(cat "$BUILD/cover.txt")"
fi
record_patches_sum
step "work tree ready: $SRC ($(series_git rev-list --count "$BASE_TAG..HEAD") commits on $BASE_TAG)"
