#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compile-test the series where the harness does not boot: powerpc, whose
# ocxl driver implements arch_invalidate_secondary_tlbs() and whose book3s64
# clear-flush-young leaves the flush out (folio_referenced() uses it). Configures
# ppc64le_defconfig plus configs/ppc64le.config in build/out/ppc64le and
# builds the objects below with W=1 and sparse. Prints a PASS or FAIL line.
. "$(dirname "$0")/../lib.sh"

arch=ppc64le
objs=(drivers/misc/ocxl/link.o arch/powerpc/mm/book3s64/radix_tlb.o mm/rmap.o mm/vmscan.o)
need_tree
need_cmd ccache sparse "$(cross_compile "$arch")gcc"

o=$OUT/$arch
frag=$TOP/configs/$arch.config
mkdir -p "$o" "$CCACHE_DIR"
step "$arch: configuring ppc64le_defconfig + ${frag#"$TOP"/}"
logged "$o/config.log" kmake "$arch" ppc64le_defconfig
(cd "$SRC" && ARCH=$(karch "$arch") logged "$o/config.log" \
	scripts/kconfig/merge_config.sh -m -O "$o" "$o/.config" "$frag")
logged "$o/config.log" kmake "$arch" olddefconfig
python3 "$TOP/scripts/build/check-config.py" --src "$SRC" "$o/.config" "$frag" ||
	die "$arch: options above did not survive (missing dependency?)"

step "$arch: compiling ${objs[*]} (W=1, sparse; log: $o/build.log)"
for x in "${objs[@]}"; do rm -f "$o/$x"; done
# Diagnostics of the compiler and sparse ("file:line:col: warning:"), not
# the host tools' (bison's conflict counts), and not sparse's "context
# imbalance" at powerpc's mmiowb_spin_unlock(), which every spin_unlock()
# in a function sparse cannot follow gets, in 6.12 as in the series.
diag='^[^ ]+:[0-9]+:[0-9]+: (warning|error):'
known='asm-generic/mmiowb.h:[0-9]+:[0-9]+: warning: context imbalance in'
if kmake "$arch" W=1 C=1 "${objs[@]}" >"$o/build.log" 2>&1 &&
   ! grep -E "$diag" "$o/build.log" | grep -qvE "$known"; then
	echo "PASS build: $arch compile test of ${objs[*]} (W=1, sparse)"
else
	echo "FAIL build: $arch compile test of ${objs[*]} ($(grep -E "$diag|Error" "$o/build.log" | grep -m1 -vE "$known" || tail -n 1 "$o/build.log"))"
	exit 1
fi
