#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job, from nothing: install, prepare base + series, build the
# x86_64 kernel and initramfs, boot it on q35 with intel-iommu (scalable
# mode, caching mode, device-iotlb) and show what the guest saw.
. "$(dirname "$0")/lib.sh"
lock_build
. "$TOP/scripts/series/series-lib.sh"

install_and_prepare
"$TOP/scripts/build/build-kernel.sh" x86_64 headers
"$TOP/scripts/build/build-initramfs.sh" x86_64
"$TOP/scripts/vm/boot.sh" intel

dir=$OUT/boot-intel
echo
echo "== what the guest saw (q35 + intel-iommu, $(cat "$dir/seconds")s under TCG)"
sed -n 's/^@@ //p' "$dir/console.log" | grep -Ev "^(kselftest|dmesg|done)" | sed 's/^/  /'
echo
echo "== results"
python3 "$TOP/scripts/checks/check-results.py" "$dir" intel "$SRC" > "$OUT/results.txt" || true
# Every check that is not a passing test case, then the totals
grep -Ev "^PASS [a-z0-9]+: (kselftest|kunit): [^ ]+$" "$OUT/results.txt" | sed 's/^/  /'
python3 "$TOP/scripts/checks/summary.py" "$OUT/results.txt" "$OUT"
