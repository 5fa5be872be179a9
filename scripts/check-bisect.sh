#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build every patch of the series on its own (the series must bisect): the
# kernel objects it touches (and the directories of the local headers it
# touches), with W=1 and sparse (C=1), and the selftests it touches. A warning in a touched file that its parent commit does not have
# fails the patch. Works in a separate git worktree; build/linux is not
# touched. Prints "PASS|FAIL series: ..." lines.
. "$(dirname "$0")/lib.sh"

arch=x86_64
need_tree
need_cmd sparse
[ -f "$OUT/$arch/.config" ] || die "no $OUT/$arch/.config: run scripts/build-kernel.sh $arch first"

wt=$BUILD/bisect
obj=$OUT/bisect-$arch
git -C "$SRC" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
git -C "$SRC" worktree prune
git -C "$SRC" worktree add -q --detach "$wt" "$BASE_TAG"
mkdir -p "$obj"
cp "$OUT/$arch/.config" "$obj/.config"
bmake() {
	make -C "$wt" O="$obj" ARCH=$arch CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$(jobs)" "$@"
}
logged "$obj/prepare.log" bmake olddefconfig prepare headers

# Warnings the compiler and sparse print for the given objects, without
# line numbers, so that moved code does not count as new.
warnings() {
	local o
	for o in "$@"; do
		rm -f "$obj/$o"
		bmake W=1 C=1 "$o" 2>&1 | grep -E "(warning|error):" |
			sed -E 's/:[0-9]+:[0-9]+:/:/' || true
	done | sort -u
}

rc=0
for c in $(git -C "$SRC" rev-list --reverse "$BASE_TAG..HEAD"); do
	subject=$(git -C "$SRC" log -1 --format=%s "$c")
	mapfile -t files < <(git -C "$SRC" diff --name-only "$c~1" "$c")
	objs=() dirs=() ksft=()
	for f in "${files[@]}"; do
		case $f in
		tools/testing/selftests/*) ksft+=("$(echo "$f" | cut -d/ -f4)") ;;
		tools/* | Documentation/* | include/* | MAINTAINERS | */Kconfig*) ;;
		*.h) dirs+=("$(dirname "$f")/") ;;
		*.c) objs+=("${f%.c}.o") ;;
		esac
	done
	step "bisect: $subject (${#objs[@]} objects, selftests: ${ksft[*]:-none})"
	git -C "$wt" checkout -q --detach "$c~1"
	before=$(warnings "${objs[@]}")
	git -C "$wt" checkout -q --detach "$c"
	bmake olddefconfig >/dev/null 2>&1
	ok=1 why=""
	built=1
	: >"$obj/build.log"
	# One make per target: a directory and an object in one single-target
	# build trip over each other's modules.order.
	for t in $(printf '%s\n' "${dirs[@]}" "${objs[@]}" | sort -u); do
		bmake "$t" >>"$obj/build.log" 2>&1 || built=0
	done
	if [ $built = 0 ]; then
		ok=0 why="does not build: $(grep -m1 -E 'error|Error' "$obj/build.log" || true)"
	else
		new=$(comm -13 <(echo "$before") <(warnings "${objs[@]}"))
		[ -z "$new" ] || { ok=0; why="new warnings: $(echo "$new" | head -n 3 | tr '\n' ' ')"; }
	fi
	for t in $(printf '%s\n' "${ksft[@]}" | sort -u); do
		bmake headers >/dev/null 2>&1
		if ! LDFLAGS=-static make -C "$wt/tools/testing/selftests" O="$obj" \
			KHDR_INCLUDES="-isystem $obj/usr/include" TARGETS="$t" \
			>"$obj/ksft.log" 2>&1 ||
		   grep -E "warning:" "$obj/ksft.log" | grep -qv "statically linked"; then
			ok=0 why="$why selftests/$t: $(grep -m1 -E 'error|warning:' "$obj/ksft.log" | grep -v 'statically linked' || true)"
		fi
	done
	if [ $ok = 1 ]; then
		echo "PASS series: builds alone, no new W=1/sparse warning: $subject"
	else
		echo "FAIL series: builds alone, no new W=1/sparse warning: $subject ($why)"
		rc=1
	fi
done
git -C "$SRC" worktree remove --force "$wt"
exit $rc
