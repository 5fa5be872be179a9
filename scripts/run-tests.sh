#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every test: the harness's own tests, series checks, x86_64 and arm64
# builds, a ppc64le compile test, a sample of patches built alone, the
# QEMU boots of configs/machines.ini marked check = yes (intel, amd,
# smmuv3 on Debian's QEMU 7.2; intel-fsts and smmuv3-strict on QEMU 11.1)
# with their KUnit suites and kselftests, and two mutants that the tests
# must catch. Ends with "N passed, N failed".
# Usage: run-tests.sh [CONFIG...]
. "$(dirname "$0")/lib.sh"
lock_build
. "$TOP/scripts/series/series-lib.sh"

configs=("$@")
[ ${#configs[@]} -gt 0 ] || mapfile -t configs < <(machine names --check)
declare -A cfg_arch
for cfg in "${configs[@]}"; do
	cfg_arch[$cfg]=$(machine get "$cfg" arch) || exit 1
done
results=$OUT/results.txt
mkdir -p "$OUT"; : > "$results"

record() { tee -a "$results"; }
fail_check() { echo "FAIL $1" | record; }

install_and_prepare

# The judge first: every verdict below depends on it.
python3 "$TOP/scripts/tests/test-judge.py" "$SRC" | record || true
"$TOP/scripts/tests/test-no-identity.sh" | record || true
python3 "$TOP/scripts/tests/test-bench-table.py" | record || true
python3 "$TOP/scripts/tests/test-summary.py" | record || true
python3 "$TOP/scripts/tests/test-machines.py" | record || true
"$TOP/scripts/tests/test-cleanup.sh" | record || true

"$TOP/scripts/checks/check-series.sh" | record || true
# As a user with no git identity would (CI's machine has one).
if (home=$(mktemp -d) && trap 'rm -rf "$home"' EXIT &&
    HOME=$home GIT_CONFIG_NOSYSTEM=1 "$TOP/scripts/series/send-series.sh") >"$OUT/send-dry-run.log" 2>&1; then
	echo "PASS series: git send-email --dry-run to get_maintainer.pl recipients (no git identity)" | record
else
	fail_check "series: git send-email --dry-run ($(tail -n 1 "$OUT/send-dry-run.log"))"
fi
# A sender with an identity signs off every patch (the role address cannot);
# a second version for Debian: its prefix, recipient and range-diff.
if (home=$(mktemp -d) && trap 'rm -rf "$home"' EXIT &&
    HOME=$home GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME="Test Sender" GIT_AUTHOR_EMAIL=sender@example.org \
    GIT_COMMITTER_NAME="Test Sender" GIT_COMMITTER_EMAIL=sender@example.org \
    AUDIENCE=debian REROLL=2 PREV="$SERIES_BRANCH~1" "$TOP/scripts/series/send-series.sh") >"$OUT/send-signoff.log" 2>&1 &&
   grep -q "Signed-off-by: Test Sender <sender@example.org> added to every patch" "$OUT/send-signoff.log" &&
   grep -q "^Subject: \[PATCH 6.12 v2 00/" "$OUT/send-signoff.log" &&
   grep -q "^To: debian-kernel@lists.debian.org" "$OUT/send-signoff.log" &&
   grep -q "range-diff against $SERIES_BRANCH~1: [1-9][0-9]* unchanged, 0 changed, 1 new" "$OUT/send-signoff.log"; then
	echo "PASS series: make send adds the sender's Signed-off-by; AUDIENCE=debian REROLL=2: [PATCH 6.12 v2], range-diff" | record
else
	fail_check "series: make send with a git identity, AUDIENCE=debian REROLL=2 (log: $OUT/send-signoff.log)"
fi

declare -A built
for arch in x86_64 arm64; do
	want=0
	for c in "${configs[@]}"; do
		[ "${cfg_arch[$c]}" != "$arch" ] || want=1
	done
	[ $want = 1 ] || continue
	if "$TOP/scripts/build/build-kernel.sh" "$arch" headers &&
	   "$TOP/scripts/build/build-initramfs.sh" "$arch"; then
		echo "PASS build: $arch kernel, headers, kselftests, initramfs" | record
		built[$arch]=1
	else
		fail_check "build: $arch kernel, headers, kselftests, initramfs"
	fi
done

# powerpc is compile-tested only (ocxl).
"$TOP/scripts/checks/compile-test.sh" >"$OUT/compile-test.out" || true
grep -E '^(PASS|FAIL) ' "$OUT/compile-test.out" | record ||
	fail_check "build: ppc64le compile test (log: $OUT/ppc64le/config.log)"

# Patches alone (needs the x86_64 configuration built above, and the arm64
# and ppc64le ones for the objects only they build). All of them take
# about 17 minutes: `make bisect`. Here one patch of each kind: selftests
# and the mock, a header only, an arm64 driver, a powerpc driver.
CHECK_BISECT=${CHECK_BISECT-4 5 6 21 22}
if [ -n "${built[x86_64]:-}" ] && [ -n "$CHECK_BISECT" ]; then
	# shellcheck disable=SC2086
	"$TOP/scripts/checks/check-bisect.sh" $CHECK_BISECT | record || true
fi

# The builds leave gigabytes of dirty pages: write them back now, not while
# the emulated guests run tests with 30 s time limits.
sync
for cfg in "${configs[@]}"; do
	arch=${cfg_arch[$cfg]}
	if [ -z "${built[$arch]:-}" ]; then
		fail_check "$cfg: boot (no $arch build)"
		continue
	fi
	# A boot that cannot start (no QEMU 11.1) fails this configuration only
	if ! "$TOP/scripts/vm/boot.sh" "$cfg" 2> >(tee "$OUT/boot-$cfg.err" >&2); then
		sleep 1
		fail_check "$cfg: boot ($(grep -m1 '^error:' "$OUT/boot-$cfg.err" || echo "boot.sh failed"))"
		continue
	fi
	python3 "$TOP/scripts/checks/check-results.py" "$OUT/boot-$cfg" "$cfg" "$SRC" | record || true
done

# The tests can fail: the cheapest mutants of mutants/mutants.tbl must turn
# the intel boot red (make mutants runs them all).
if [ -n "${built[x86_64]:-}" ] && [ -n "${CHECK_MUTANTS-mock-stale-check-off x86-range-short}" ]; then
	# shellcheck disable=SC2086
	"$TOP/scripts/checks/mutants.sh" ${CHECK_MUTANTS-mock-stale-check-off x86-range-short} |
		grep -E '^(PASS|FAIL) mutant' | record || true
fi

python3 "$TOP/scripts/checks/summary.py" "$results" "$OUT"
