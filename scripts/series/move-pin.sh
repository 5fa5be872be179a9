#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Move the series to another Debian version of linux-source-6.12.
#
#   move-pin.sh <version>           the series must apply as it is (git am,
#                                   no fuzz, in a scratch tree): pin it
#   move-pin.sh --rebase <version>  add <version>'s tree to build/linux
#                                   beside the pinned base and rebase the
#                                   series onto it (three-way merges);
#                                   conflicts are left to you, and
#                                   export-series.sh then writes patches/
#                                   and moves the pin in base.conf
#   move-pin.sh --abort             undo a --rebase not yet exported
#
# Versions come from configs/base-sources.list (apt-get download; nothing
# is installed). Nothing unexported in build/linux is touched.
. "$(dirname "$0")/../lib.sh"
. "$TOP/scripts/series/series-lib.sh"

usage="usage: move-pin.sh [--rebase] <debian-version> | --abort (versions: scripts/setup/fetch-base.sh lists them)"
mode=check
case ${1:-} in
--rebase) mode=rebase; shift ;;
--abort) mode=abort; shift ;;
-*) die "$usage" ;;
esac
[ $mode = abort ] || [ $# = 1 ] || die "$usage"
new=${1:-}

if [ $mode = abort ]; then
	need_tree
	[ -n "$(series_git config --get sva.pendingbase || true)" ] || die "no base move is pending in $SRC"
	if [ -d "$SRC/.git/rebase-merge" ] || [ -d "$SRC/.git/rebase-apply" ]; then
		series_git rebase --abort
	fi
	old=$(series_git rev-parse -q --verify "$SERIES_BRANCH@{1}" || true)
	if ! series_git merge-base --is-ancestor "$BASE_TAG" "$SERIES_BRANCH"; then
		# The rebase finished: go back to the series as it was on the old base.
		if [ -z "$old" ] || ! series_git merge-base --is-ancestor "$BASE_TAG" "$old"; then
			die "cannot find the series on $BASE_VERSION in the reflog of '$SERIES_BRANCH'"
		fi
		series_git reset -q --hard "$old"
	fi
	series_git config --unset sva.pendingbase
	series_git tag -d "$PENDING_TAG" >/dev/null
	step "back on $BASE_PACKAGE $BASE_VERSION"
	exit 0
fi

tarball=$("$TOP/scripts/setup/fetch-base.sh" "$new")
sum=$(sha256sum "$tarball" | cut -d' ' -f1)

if [ $mode = check ]; then
	# A scratch work tree with base.conf pointing at the new version;
	# build/linux is left alone.
	scratch=$(mktemp -d)
	on_exit 'rm -rf "$scratch"'
	cp "$TOP/base.conf" "$scratch/base.conf.old"
	sed -i -e "s/^BASE_VERSION=.*/BASE_VERSION=$new/" -e "s/^BASE_SHA256=.*/BASE_SHA256=$sum/" "$TOP/base.conf"
	if ! BUILD=$scratch "$TOP/scripts/series/prepare-tree.sh"; then
		cp "$scratch/base.conf.old" "$TOP/base.conf"
		die "the series does not apply to $BASE_PACKAGE $new as it is: pin left at $BASE_VERSION (try --rebase)"
	fi
	step "base.conf now pins $BASE_PACKAGE $new (sha256 $sum); commit it, and rerun make prepare"
	exit 0
fi

need_tree
check_tree_saved
[ "$new" != "$BASE_VERSION" ] || die "the series is already on $BASE_PACKAGE $new"
scratch=$(mktemp -d "$BUILD/move-pin.XXXXXX")
on_exit 'rm -rf "$scratch"'
step "unpacking $BASE_PACKAGE $new"
tar -C "$scratch" --strip-components=1 -xf "$tarball"
step "committing it beside $BASE_VERSION (a minute or two)"
commit=$(base_commit "$scratch" "$new" "$sum") || die "could not commit $BASE_PACKAGE $new"
rm -rf "$scratch"
series_git tag -f "$PENDING_TAG" "$commit" >/dev/null
series_git config sva.pendingbase "$new $sum"

n=$(series_git rev-list --count "$BASE_TAG..$SERIES_BRANCH")
step "rebasing $n commits from $BASE_VERSION onto $new"
mkdir -p "$OUT"
if ! series_git rebase -q --onto "$PENDING_TAG" "$BASE_TAG" "$SERIES_BRANCH" >"$OUT/move-pin.log" 2>&1; then
	grep -E '^CONFLICT' "$OUT/move-pin.log" >&2 || true
	die "conflicts (log: $OUT/move-pin.log): resolve them in $SRC (git status; edit; git add -f FILE; git rebase --continue), then run scripts/series/export-series.sh; or give up with scripts/series/move-pin.sh --abort"
fi
step "rebased; exporting"
"$TOP/scripts/series/export-series.sh"
