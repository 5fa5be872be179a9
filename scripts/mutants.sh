#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Proof that the tests can fail: apply each known-bad change of
# mutants/mutants.tbl alone to the series (a separate worktree at the
# series' last commit; build/linux is not touched), build the x86_64
# kernel, boot it with intel-iommu, and expect the judge to turn red.
# Prints, per mutant, the checks that caught it, then one
# "PASS|FAIL mutant: NAME" line each.
# Usage: mutants.sh [--cheap] [NAME...]
. "$(dirname "$0")/lib.sh"

need_tree
table=$TOP/mutants/mutants.tbl
cheap=0
[ "${1:-}" = --cheap ] && { cheap=1; shift; }
[ -f "$OUT/x86_64/.config" ] || die "no $OUT/x86_64/.config: run scripts/build-kernel.sh x86_64 first"
[ -f "$OUT/x86_64/initramfs.cpio.gz" ] || die "no x86_64 initramfs: run scripts/build-initramfs.sh x86_64 first"

mapfile -t rows < <(grep -v '^#' "$table" | grep -v '^[[:space:]]*$')
names=()
for r in "${rows[@]}"; do
	n=$(awk -F ' [|] ' '{print $1}' <<<"$r")
	c=$(awk -F ' [|] ' '{print $2}' <<<"$r")
	[ $cheap = 1 ] && [ "$c" != cheap ] && continue
	names+=("$n")
done
if [ $# -gt 0 ]; then
	for n in "$@"; do
		printf '%s\n' "${names[@]}" | grep -qx "$n" || die "no mutant '$n' in $table"
	done
	names=("$@")
fi

wt=$BUILD/mutants
obj=$OUT/mutants-x86_64
git -C "$SRC" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
git -C "$SRC" worktree prune
git -C "$SRC" worktree add -q --detach "$wt" "$(git -C "$SRC" rev-parse HEAD)"
trap 'git -C "$SRC" worktree remove --force "$wt" >/dev/null 2>&1' EXIT
mkdir -p "$obj"
cp "$OUT/x86_64/.config" "$obj/.config"

results=$OUT/mutants.txt
: >"$results"
i=0
for name in "${names[@]}"; do
	i=$((i + 1))
	row=$(grep -m1 "^$name | " "$table")
	git -C "$wt" checkout -q -f HEAD -- .
	step "mutant $i/${#names[@]}: $name"
	if ! python3 - "$wt" "$row" <<'PY'
import sys
wt, row = sys.argv[1], sys.argv[2]
name, cost, path, old, new = (f.replace("\\n", "\n") for f in row.split(" | "))
if not new.strip():  # a deletion
    new = ""
src = open(f"{wt}/{path}").read()
if src.count(old) != 1:
    sys.exit(f"error: mutant {name}: the text occurs {src.count(old)} times in {path}")
open(f"{wt}/{path}", "w").write(src.replace(old, new))
PY
	then
		echo "FAIL mutant: $name (no longer applies to the series)" | tee -a "$results"
		continue
	fi
	if ! logged "$obj/build-$name.log" make -C "$wt" O="$obj" ARCH=x86_64 \
		CC="ccache gcc" HOSTCC="ccache gcc" -j"$(jobs)" bzImage; then
		echo "FAIL mutant: $name (does not build)" | tee -a "$results"
		continue
	fi
	# Only the SVA kselftests: the mutants break what they cover, and
	# KUnit runs at boot anyway.
	KERNEL_IMAGE=$obj/arch/x86/boot/bzImage BOOT_NAME=mutant-$name \
		TESTS=iommu:iommufd_sva "$TOP/scripts/boot.sh" intel
	dir=$OUT/boot-mutant-$name
	if python3 "$TOP/scripts/check-results.py" "$dir" intel "$wt" >"$dir/results.txt"; then
		echo "FAIL mutant: $name (survived: every check passed)" | tee -a "$results"
	else
		caught=$(grep '^FAIL ' "$dir/results.txt" | sed 's/^FAIL intel: //; s/ (.*//' | head -n 6 | paste -sd';' -)
		echo "PASS mutant: $name (caught by: $caught)" | tee -a "$results"
	fi
done
grep -q '^FAIL' "$results" && exit 1
exit 0
