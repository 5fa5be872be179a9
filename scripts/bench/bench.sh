#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark: the series against 6.12's core mm, side by side. Builds
# the kernel twice, at the last patch before part 3 (BENCH_BEFORE)
# and at the work tree's HEAD, boots each under the same QEMU configuration
# running guest/sva-bench.c instead of the tests, and writes the table and
# plot (scripts/bench/bench-table.py) to bench/<cfg>.md and bench/<cfg>.svg.
# Usage: bench.sh            (BENCH_CFGS="intel amd smmuv3", BENCH_REPS=3,
#                             BENCH_COSTS="cmd=0.5,sync=2,miss=1")
. "$(dirname "$0")/../lib.sh"
lock_build

# "Before" is the series up to, not including, this patch: 6.12's core mm,
# with x86 SVA on again (a 6.12 kernel cannot bind SVA on x86 at all), the
# drivers' encoders fixed, and the mock device and its tests.
BENCH_BEFORE_SUBJECT='x86/mm: Tell secondary TLBs the page a batched unmap queues'
CFGS=${BENCH_CFGS:-intel}
REPS=${BENCH_REPS:-3}

need_tree
# The architectures the configurations need, each built once per side.
archs=()
for c in $CFGS; do
	case $c in
	intel | amd | smmuv3) ;;
	*) die "BENCH_CFGS: '$c' is not one of intel, amd, smmuv3" ;;
	esac
	a=$(machine get "$c" arch) || exit 1
	[[ " ${archs[*]} " == *" $a "* ]] || archs+=("$a")
done
[[ $REPS =~ ^[1-9][0-9]?$ ]] || die "BENCH_REPS: a number from 1 to 99 expected, got '$REPS'"

if [ -n "${BENCH_BEFORE:-}" ]; then
	before=$(git -C "$SRC" rev-parse --verify -q "$BENCH_BEFORE^{commit}") ||
		die "BENCH_BEFORE: no commit '$BENCH_BEFORE' in $SRC"
else
	first=$(git -C "$SRC" log --format=%H --fixed-strings --grep="$BENCH_BEFORE_SUBJECT" \
		"$BASE_TAG..HEAD" | tail -n 1)
	[ -n "$first" ] || die "no patch '$BENCH_BEFORE_SUBJECT' in the series: set BENCH_BEFORE=<commit>"
	before=$(git -C "$SRC" rev-parse "$first^")
fi
step "bench: before = $(git -C "$SRC" log -1 --format='%h %s' "$before")"
step "bench: after  = $(git -C "$SRC" log -1 --format='%h %s' HEAD)$(
	[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] || echo " + uncommitted changes")"

# The "before" tree: a worktree of its own, moved only when clean.
wt=$BUILD/bench-before
# A worktree of a build/linux that make prepare has since recreated is
# no longer a git tree: nothing of ours is in it, make it again.
if [ -e "$wt/.git" ] && ! git -C "$wt" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	rm -rf "$wt"
fi
if [ -e "$wt/.git" ]; then
	[ -z "$(git -C "$wt" status --porcelain --untracked-files=no)" ] ||
		die "$wt has uncommitted changes: commit or remove them first"
	git -C "$wt" checkout -q --detach "$before"
else
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$wt" "$before"
fi

# Both kernels get configs/bench.config (HMM's test driver) on top of the
# test kernels' configuration, and their own output directories: the test
# kernels in $OUT/<arch> stay as make check built them.
bench_configs="${EXTRA_CONFIGS:-} bench"
for arch in "${archs[@]}"; do
	step "bench: $arch: building the after kernel and the initramfs (with sva-bench)"
	EXTRA_CONFIGS=$bench_configs O=$OUT/bench-after "$TOP/scripts/build/build-kernel.sh" "$arch" headers ||
		die "bench: the $arch after kernel (HEAD) did not build"
	O=$OUT/bench-after "$TOP/scripts/build/build-initramfs.sh" "$arch"
	step "bench: $arch: building the before kernel in $wt"
	EXTRA_CONFIGS=$bench_configs KERNEL_SRC=$wt O=$OUT/bench-before "$TOP/scripts/build/build-kernel.sh" "$arch" ||
		die "bench: the $arch before kernel ($before) did not build"
done

mkdir -p "$TOP/bench"
for cfg in $CFGS; do
	arch=$(machine get "$cfg" arch)
	for side in before after; do
		case $side in
		before) kernel=$OUT/bench-before/$arch/$(kimage "$arch") ;;
		after) kernel=$OUT/bench-after/$arch/$(kimage "$arch") ;;
		esac
		step "bench: $cfg, $side kernel, $REPS repeats"
		# No KUnit at boot: it would only lengthen the run.
		KERNEL_IMAGE=$kernel INITRAMFS=$OUT/bench-after/$arch/initramfs.cpio.gz BOOT_NAME=bench-$side-$cfg \
			BOOT_APPEND="SVA_BENCH=$REPS kunit.enable=0" "$TOP/scripts/vm/boot.sh" "$cfg"
		grep -q "@@ bench end" "$OUT/boot-bench-$side-$cfg/console.log" || {
			grep -E "@@ bench error|@@ harness|Kernel panic" "$OUT/boot-bench-$side-$cfg/console.log" >&2 || true
			die "bench: the $side kernel did not finish the benchmark under $cfg (console: $OUT/boot-bench-$side-$cfg/console.log)"
		}
	done
	step "bench: $cfg table"
	python3 "$TOP/scripts/bench/bench-table.py" ${BENCH_COSTS:+--costs "$BENCH_COSTS"} \
		"$OUT/boot-bench-before-$cfg" "$OUT/boot-bench-after-$cfg" "$OUT/bench-$cfg"
	cp "$OUT/bench-$cfg/bench.md" "$TOP/bench/$cfg.md"
	[ ! -f "$OUT/bench-$cfg/bench.svg" ] || cp "$OUT/bench-$cfg/bench.svg" "$TOP/bench/$cfg.svg"
	step "bench: $cfg: bench/$cfg.md$([ -f "$TOP/bench/$cfg.svg" ] && echo " and bench/$cfg.svg")"
done
