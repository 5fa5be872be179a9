# SPDX-License-Identifier: GPL-2.0
# Series helpers shared by prepare-tree.sh and export-series.sh.

# Options that make format-patch output depend only on the commits, so an
# unchanged commit exports to an unchanged file.
FORMAT_PATCH_OPTS=(--zero-commit --no-signature --abbrev=12 --numbered
	--subject-prefix=PATCH --base="$BASE_TAG" --cover-letter
	--cover-from-description=subject --no-thread)

series_git() { git -C "$SRC" "$@"; }

# Commit the tarball of Debian version $2 (sha256 $3), unpacked in directory
# $1, as a parentless commit; print its id. Fixed identity and date: the
# same tarball gives the same commit. git add -f: the tarball's .gitignore
# ignores everything.
base_commit() {
	local dir=$1 ver=$2 sum=$3 idx tree
	idx=$(mktemp -u)
	GIT_INDEX_FILE=$idx git --git-dir="$SRC/.git" --work-tree="$dir" -C "$dir" add -f -A . &&
		tree=$(GIT_INDEX_FILE=$idx git --git-dir="$SRC/.git" write-tree) || {
		rm -f "$idx"
		return 1
	}
	rm -f "$idx"
	GIT_AUTHOR_NAME="Debian kernel team" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org" \
	GIT_COMMITTER_NAME="Debian kernel team" GIT_COMMITTER_EMAIL="debian-kernel@lists.debian.org" \
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		series_git commit-tree "$tree" -m "$BASE_PACKAGE $ver" \
			-m "Unpacked from Debian's $BASE_PACKAGE.tar.xz, sha256 $sum."
}

# git am records a committer; a user with no git identity gets the
# harness's, which nothing exported carries (format-patch writes authors).
series_git_am() {
	if git var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
		series_git am "$@"
	else
		GIT_COMMITTER_NAME="sva-series harness" \
		GIT_COMMITTER_EMAIL="sva-series@localhost" series_git am "$@"
	fi
}

# Write the series (base..series) as patches into directory $1; more
# format-patch options may follow.
format_series() {
	local dir=$1; shift
	mkdir -p "$dir"
	[ -n "$(series_git rev-list "$BASE_TAG..$SERIES_BRANCH")" ] || return 0
	series_git format-patch "${FORMAT_PATCH_OPTS[@]}" "$@" -o "$dir" \
		"$BASE_TAG..$SERIES_BRANCH" >/dev/null
	# format-patch stamps the cover letter with the current time, and
	# with the identity of whoever runs it: use the first patch's author,
	# so that the same commits always give the same files.
	local cover=$dir/0000-cover-letter.patch first
	[ -f "$cover" ] || return 0
	sed -i '1,/^$/ s/^Date: .*/Date: Thu, 1 Jan 1970 00:00:00 +0000/' "$cover"
	first=$(find "$dir" -maxdepth 1 -name '0001-*.patch' | head -n 1)
	[ -n "$first" ] || return 0
	python3 - "$cover" "$first" <<'PY'
import re, sys
cover, first = sys.argv[1], sys.argv[2]
# The From header and its folded continuation lines, in the header block
hdr = re.compile(r"^From: .*\n(?:[ \t].*\n)*", re.M)
head, sep, body = open(cover).read().partition("\n\n")
author = hdr.search(open(first).read().partition("\n\n")[0] + "\n").group(0)
open(cover, "w").write(hdr.sub(lambda m: author, head + "\n", count=1).rstrip("\n") + sep + body)
PY
}

# Fail unless the work tree holds nothing that exporting would not keep.
check_tree_saved() {
	local dirty tmp
	[ -z "$(series_git config --get sva.pendingbase || true)" ] ||
		die "$SRC is being moved to another base (move-pin.sh --rebase): finish with scripts/series/export-series.sh, or undo with scripts/series/move-pin.sh --abort"
	[ "$(series_git symbolic-ref -q --short HEAD || true)" = "$SERIES_BRANCH" ] ||
		die "$SRC is not on branch '$SERIES_BRANCH': check out your work there first"
	series_git rev-parse -q --verify "$BASE_TAG" >/dev/null ||
		die "$SRC has no '$BASE_TAG' tag: not a tree made by prepare-tree.sh"
	# The base's .gitignore ignores every top-level path, so new files show
	# only as ignored ones; O= builds leave the source tree clean.
	dirty=$(series_git status --porcelain --ignored | head -n 5)
	[ -z "$dirty" ] ||
		die "$SRC has uncommitted changes or new files (git add -f, then commit): $(echo "$dirty" | tr '\n' ' ')"
	[ ! -d "$SRC/.git/rebase-merge" ] && [ ! -d "$SRC/.git/rebase-apply" ] ||
		die "$SRC has a rebase or git am in progress"
	tmp=$(mktemp -d)
	format_series "$tmp"
	mkdir -p "$PATCHES"
	# Saved if patches/ holds exactly these commits, or held them when last
	# synced (patches/ has moved on since, e.g. by a pull).
	if ! diff -r -q -x '.*' "$tmp" "$PATCHES" >/dev/null &&
	   [ "$(patches_sum "$tmp")" != "$(cat "$BUILD/patches.sum" 2>/dev/null)" ]; then
		rm -rf "$tmp"
		die "$SRC has commits not exported to patches/ (run scripts/series/export-series.sh, or commit patches/ first)"
	fi
	rm -rf "$tmp"
}

# Does the work tree hold exactly patches/ (the same files come out)?
series_matches_patches() {
	local tmp rc=0
	tmp=$(mktemp -d)
	format_series "$tmp"
	diff -r -q -x '.*' "$tmp" "$PATCHES" >/dev/null 2>&1 || rc=1
	rm -rf "$tmp"
	return $rc
}

# patches/ as the work tree last saw it (prepare or export). Export refuses
# to overwrite a patches/ that changed since (a pull, a hand edit).
patches_sum() {
	cat "${1:-$PATCHES}"/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1
}
record_patches_sum() { patches_sum > "$BUILD/patches.sum"; }
check_patches_unchanged() {
	[ -f "$BUILD/patches.sum" ] || return 0
	[ "$(patches_sum)" = "$(cat "$BUILD/patches.sum")" ] ||
		die "patches/ changed since build/linux was prepared or last exported: run scripts/series/prepare-tree.sh first (or FORCE=1 to overwrite patches/)"
}

# Install (as root) and prepare the work tree from patches/, unless it holds
# work not yet exported: then use it as it is.
install_and_prepare() {
	if [ "$(id -u)" = 0 ]; then
		"$TOP/scripts/setup/install-deps.sh" >&2
	fi
	if [ ! -d "$SRC/.git" ] || (check_tree_saved) 2>/dev/null; then
		"$TOP/scripts/series/prepare-tree.sh"
	else
		warn "the work tree holds work not in patches/: using it as it is"
	fi
}
