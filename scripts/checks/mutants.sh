#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Proof that the tests can fail: apply each known-bad change of
# mutants/mutants.tbl alone to the work tree, rebuild the x86_64 kernel
# (incrementally, in build/out/x86_64), boot it with intel-iommu and the
# iommufd_sva kselftests, and expect the judge to turn red. The work tree
# must hold nothing unsaved; each mutant is undone with git checkout, also
# on error or Ctrl-C, and the kernel is rebuilt clean at the end.
# Prints one "PASS|FAIL mutant: NAME (caught by: ...)" line per mutant.
# Usage: mutants.sh [--cheap] [NAME...]
. "$(dirname "$0")/../lib.sh"
lock_build
. "$TOP/scripts/series/series-lib.sh"

need_tree
table=$TOP/mutants/mutants.tbl
cheap=0
[ "${1:-}" = --cheap ] && { cheap=1; shift; }
[ -f "$OUT/x86_64/.config" ] || die "no $OUT/x86_64/.config: run scripts/build/build-kernel.sh x86_64 first"
[ -f "$OUT/x86_64/initramfs.cpio.gz" ] || die "no x86_64 initramfs: run scripts/build/build-initramfs.sh x86_64 first"
# Mutants are applied in place: nothing unsaved may be there to lose.
check_tree_saved

field() { awk -F ' [|] ' -v n="$2" '{print $n}' <<<"$1"; }
mapfile -t rows < <(grep -v '^#' "$table" | grep -v '^[[:space:]]*$')
names=()
for r in "${rows[@]}"; do
	[ $cheap = 1 ] && [ "$(field "$r" 2)" != cheap ] && continue
	names+=("$(field "$r" 1)")
done
if [ $# -gt 0 ]; then
	for n in "$@"; do
		grep -q "^$n | " "$table" || die "no mutant '$n' in $table"
	done
	names=("$@")
fi

mutated=""
undo() {
	[ -n "$mutated" ] && git -C "$SRC" checkout -q -- "$mutated"
	mutated=""
}
on_exit undo

results=$OUT/mutants.txt
: >"$results"
i=0
for name in "${names[@]}"; do
	i=$((i + 1))
	row=$(grep -m1 "^$name | " "$table")
	file=$(field "$row" 3)
	step "mutant $i/${#names[@]}: $name ($file)"
	mutated=$file
	if ! python3 - "$SRC" "$row" <<'PY'
import sys
src, row = sys.argv[1], sys.argv[2]
name, cost, path, old, new = (f.replace("\\n", "\n") for f in row.split(" | ")[:5])
if not new.strip():  # a deletion
    new = ""
text = open(f"{src}/{path}").read()
if text.count(old) != 1:
    sys.exit(f"error: mutant {name}: its text occurs {text.count(old)} times in {path}")
open(f"{src}/{path}", "w").write(text.replace(old, new))
PY
	then
		undo
		echo "FAIL mutant: $name (no longer applies to the series)" | tee -a "$results"
		continue
	fi
	if ! logged "$OUT/mutant-$name.build.log" kmake x86_64 bzImage; then
		undo
		echo "FAIL mutant: $name (does not build)" | tee -a "$results"
		continue
	fi
	undo
	# Only the SVA kselftests: the mutants break what they cover; the
	# KUnit suites run at boot anyway. A sixth field narrows the boot
	# further (KUNIT=, CASES=, TESTS=; a comma there stands for a space)
	# for a mutant only KUnit can see, or picks another x86 machine
	# (CFG=intel-fsts for the stale-DMA oracle).
	read -ra narrow <<<"$(field "$row" 6)"
	narrow=("${narrow[@]//,/ }")
	cfg=intel
	for v in "${narrow[@]}"; do [[ $v == CFG=* ]] && cfg=${v#CFG=}; done
	env BOOT_NAME="mutant-$name" TESTS=iommu:iommufd_sva "${narrow[@]}" \
		"$TOP/scripts/vm/boot.sh" "$cfg"
	dir=$OUT/boot-mutant-$name
	if python3 "$TOP/scripts/checks/check-results.py" "$dir" "$cfg" "$SRC" >"$dir/results.txt"; then
		echo "FAIL mutant: $name (survived: every check passed)" | tee -a "$results"
	else
		caught=$(grep '^FAIL ' "$dir/results.txt" | sed "s/^FAIL $cfg: //; s/ (.*//" |
			head -n 4 | paste -sd';' -)
		echo "PASS mutant: $name (caught by: $caught)" | tee -a "$results"
	fi
done
step "rebuilding the x86_64 kernel without mutants"
logged "$OUT/mutants-rebuild.log" kmake x86_64 bzImage
grep -q '^FAIL' "$results" && exit 1
exit 0
