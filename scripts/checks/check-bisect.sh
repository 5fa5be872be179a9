#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build every patch of the series on its own (the series must bisect): the
# kernel objects it touches (and the directories of the local headers it
# touches), with W=1 and sparse (C=1), and the selftests it touches. Objects
# x86 does not build are built for the architecture that does (arm64,
# ppc64le), from that architecture's configuration in build/out. A warning
# in a touched file that its parent commit does not have fails the patch.
# A touched header is built through the objects that include it, found in
# the full build's Kbuild dependency files (.*.o.cmd). A patch that touches
# a Kconfig file gets the configuration fragments merged again. Works in a
# separate git worktree; build/linux is not touched. Prints
# "PASS|FAIL series: ..." lines; a patch with nothing to build is not a PASS.
# Usage: check-bisect.sh [N...]   (patch numbers, 1-based; default: all)
. "$(dirname "$0")/../lib.sh"

need_tree
need_cmd sparse
for n in "$@"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "patch number expected, got '$n'"
done
mapfile -t commits < <(git -C "$SRC" rev-list --reverse "$BASE_TAG..HEAD")
picked=()
for n in "$@"; do
	[ "$n" -le ${#commits[@]} ] || die "no patch $n: the series has ${#commits[@]}"
	picked+=("${commits[$((n - 1))]}")
done
[ $# -gt 0 ] || picked=("${commits[@]}")

[ -f "$OUT/x86_64/.config" ] || die "no $OUT/x86_64/.config: run scripts/build/build-kernel.sh x86_64 first"

wt=$BUILD/bisect
git -C "$SRC" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
git -C "$SRC" worktree prune
git -C "$SRC" worktree add -q --detach "$wt" "$BASE_TAG"

# The architecture that builds a file.
file_arch() {
	case $1 in
	drivers/iommu/arm/* | arch/arm64/*) echo arm64 ;;
	drivers/misc/ocxl/* | arch/powerpc/*) echo ppc64le ;;
	arch/riscv/*) echo riscv ;;
	*) echo x86_64 ;;
	esac
}

bmake() {
	local a=$1; shift
	make -C "$wt" O="$OUT/bisect-$a" ARCH="$(karch "$a")" \
		CROSS_COMPILE="$(cross_compile "$a")" \
		CC="ccache $(cross_compile "$a")gcc" HOSTCC="ccache gcc" \
		-j"$(jobs)" "$@"
}

# Each architecture with a configuration gets its own object directory.
archs=()
for a in x86_64 arm64 ppc64le; do
	[ -f "$OUT/$a/.config" ] || continue
	archs+=("$a")
	mkdir -p "$OUT/bisect-$a"
	cp "$OUT/$a/.config" "$OUT/bisect-$a/.config"
	step "bisect: preparing $a"
	logged "$OUT/bisect-$a/prepare.log" bmake "$a" olddefconfig prepare
done
logged "$OUT/bisect-x86_64/headers.log" bmake x86_64 headers

# Warnings the compiler and sparse print for the given "arch:object"s,
# without line numbers, so that moved code does not count as new.
warnings() {
	local t
	for t in "$@"; do
		rm -f "$OUT/bisect-${t%%:*}/${t#*:}"
		bmake "${t%%:*}" W=1 C=1 "${t#*:}" 2>&1 | grep -E "(warning|error):" |
			sed -E 's/:[0-9]+:[0-9]+:/:/' || true
	done | sort -u
}

# Directories of the series' own C files: their objects are the likeliest
# users of what a header of the series adds.
series_dirs=$(git -C "$SRC" diff --name-only "$BASE_TAG" HEAD -- '*.c' | xargs -r -n1 dirname | sort -u)
HEADER_USERS=${HEADER_USERS:-4}	# objects built per touched header

# "arch:object" for up to $HEADER_USERS objects of the full $1 build that
# include header $2: those in the series' directories first, then an even
# sample of the rest (the header may change under any of them).
header_users() {
	local a=$1 h=$2 all near far stride i
	[ -d "$OUT/$a" ] || return 0
	# Absolute, or relative to the object directory (ccache's base_dir)
	all=$(grep -rlF --include='.*.o.cmd' "/${SRC##*/}/$h " "$OUT/$a" 2>/dev/null |
		sed -E "s|^$OUT/$a/||; s|/\.([^/]*)\.o\.cmd$|/\1.o|" | sort |
		while read -r o; do [ -f "$SRC/${o%.o}.c" ] && echo "$o"; done)
	near=$(grep -E "^($(echo "$series_dirs" | paste -sd'|'))/[^/]*$" <<<"$all" || true)
	far=$(grep -vxF -f <(echo "$near") <<<"$all" || true)
	{
		echo "$near" | head -n "$HEADER_USERS"
		mapfile -t rest <<<"$far"
		stride=$(( (${#rest[@]} + HEADER_USERS - 1) / HEADER_USERS ))
		for ((i = 0; i < ${#rest[@]} && stride > 0; i += stride)); do echo "${rest[$i]}"; done
	} | grep -v '^$' | head -n "$HEADER_USERS" | sed "s|^|$a:|"
}

# Merge the fragments again in the worktree (a patch may add options).
remerge() {
	local a frags=() f
	for a in x86_64 arm64; do
		[ -f "$OUT/bisect-$a/.config" ] || continue
		frags=()
		for f in base debug mm iommu kunit "$a"; do frags+=("$TOP/configs/$f.config"); done
		(cd "$wt" && ARCH=$a CROSS_COMPILE=$(cross_compile "$a") \
			scripts/kconfig/merge_config.sh -n -O "$OUT/bisect-$a" "${frags[@]}") \
			>"$OUT/bisect-$a/merge.log" 2>&1 || return 1
	done
}

rc=0
for c in "${picked[@]}"; do
	subject=$(git -C "$SRC" log -1 --format=%s "$c")
	mapfile -t files < <(git -C "$SRC" diff --name-only "$c~1" "$c")
	objs=() dirs=() ksft=() users=() kconfig=0
	for f in "${files[@]}"; do
		case $f in
		tools/testing/selftests/*) ksft+=("$(echo "$f" | cut -d/ -f4)") ;;
		*/Kconfig*) kconfig=1 ;;
		include/*.h | arch/*/include/*.h)
			mapfile -t -O "${#users[@]}" users < <(header_users "$(file_arch "$f")" "$f") ;;
		tools/* | Documentation/* | include/* | MAINTAINERS) ;;
		*.h) dirs+=("$(file_arch "$f"):$(dirname "$f")/") ;;
		*.c) objs+=("$(file_arch "$f"):${f%.c}.o") ;;
		esac
	done
	# Users found in the full build; keep those whose source this commit has.
	mapfile -t users < <(printf '%s\n' "${users[@]}" | grep -v '^$' | sort -u |
		grep -vxF -f <(printf '%s\n' "${objs[@]}" x) |
		while read -r u; do
			o=${u#*:}
			git -C "$SRC" cat-file -e "$c:${o%.o}.c" 2>/dev/null && echo "$u"
		done || true)
	# No riscv toolchain or configuration here: such objects are named, not built.
	mapfile -t unbuilt < <(printf '%s\n' "${objs[@]}" "${dirs[@]}" | grep '^riscv:' | cut -d: -f2- || true)
	mapfile -t objs < <(printf '%s\n' "${objs[@]}" | grep -v -e '^riscv:' -e '^$' || true)
	mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | grep -v -e '^riscv:' -e '^$' || true)
	[ ${#unbuilt[@]} = 0 ] || echo "    not built (no riscv configuration): ${unbuilt[*]}" >&2
	step "bisect: $subject (${#objs[@]} objects, ${#users[@]} users of its headers, ${#dirs[@]} directories, selftests: ${ksft[*]:-none})"
	ok=1 why=""
	for t in "${objs[@]}" "${dirs[@]}"; do
		[ -f "$OUT/bisect-${t%%:*}/.config" ] ||
			{ ok=0; why="no ${t%%:*} configuration for ${t#*:}"; }
	done
	git -C "$wt" checkout -q --detach "$c~1"
	before=$(warnings "${objs[@]}")
	git -C "$wt" checkout -q --detach "$c"
	if [ $kconfig = 1 ]; then
		remerge || { ok=0; why="$why merge_config.sh failed"; }
	fi
	for a in "${archs[@]}"; do
		bmake "$a" olddefconfig >/dev/null 2>&1
	done
	built=1
	: >"$OUT/bisect-x86_64/build.log"
	# One make per target: a directory and an object in one single-target
	# build trip over each other's modules.order.
	for t in $(printf '%s\n' "${dirs[@]}" "${objs[@]}" "${users[@]}" | grep -v '^$' | sort -u); do
		bmake "${t%%:*}" "${t#*:}" >>"$OUT/bisect-x86_64/build.log" 2>&1 || built=0
	done
	if [ $built = 0 ]; then
		ok=0 why="$why does not build: $(grep -m1 -E 'error|Error' "$OUT/bisect-x86_64/build.log" || true)"
	else
		new=$(comm -13 <(echo "$before") <(warnings "${objs[@]}"))
		[ -z "$new" ] || { ok=0; why="new warnings: $(echo "$new" | head -n 3 | tr '\n' ' ')"; }
	fi
	for t in $(printf '%s\n' "${ksft[@]}" | sort -u); do
		bmake x86_64 headers >/dev/null 2>&1
		obj=$OUT/bisect-x86_64
		if ! LDFLAGS=-static make -C "$wt/tools/testing/selftests" O="$obj" \
			KHDR_INCLUDES="-isystem $obj/usr/include" TARGETS="$t" \
			>"$obj/ksft.log" 2>&1 ||
		   grep -E "warning:" "$obj/ksft.log" | grep -qv "statically linked"; then
			ok=0 why="$why selftests/$t: $(grep -m1 -E 'error|warning:' "$obj/ksft.log" | grep -v 'statically linked' || true)"
		fi
	done
	built_n=$(( ${#objs[@]} + ${#users[@]} + ${#dirs[@]} + ${#ksft[@]} ))
	if [ $built_n = 0 ]; then
		ok=0 why="nothing built: no object, header user or selftest found for ${files[*]}"
		# Documentation alone builds nothing, and is checked elsewhere.
		if ! printf '%s\n' "${files[@]}" | grep -qv '^Documentation/'; then
			echo "SKIP series: builds alone: $subject (documentation only)"
			continue
		fi
	fi
	if [ $ok = 1 ]; then
		echo "PASS series: builds alone, no new W=1/sparse warning: $subject (${#objs[@]} objects, ${#users[@]} header users, ${#dirs[@]} directories, ${#ksft[@]} selftests)"
	else
		echo "FAIL series: builds alone, no new W=1/sparse warning: $subject ($why)"
		rc=1
	fi
done
git -C "$SRC" worktree remove --force "$wt"
exit $rc
