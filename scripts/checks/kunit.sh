#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The encoders' KUnit suites alone, with kunit.py and no boot of the test
# guests: configs/kunit/<name>.kunitconfig, built in build/out/kunit-<name>.
# Usage: kunit.sh intel|amd|smmuv3 [kunit.py run options, e.g. a filter glob]
. "$(dirname "$0")/../lib.sh"

name=${1:?usage: kunit.sh intel|amd|smmuv3 [kunit.py run options]}; shift
cfg=$TOP/configs/kunit/$name.kunitconfig
[ -f "$cfg" ] || die "no $cfg (one of: $(cd "$TOP/configs/kunit" && ls | sed 's/\.kunitconfig//' | paste -sd' '))"
opts=(--kunitconfig="$cfg" --build_dir="$OUT/kunit-$name" --jobs="$(jobs)")
case $name in
smmuv3)	arch=arm64 qemu=qemu-system-aarch64
	opts+=(--arch=arm64 --cross_compile="$(cross_compile arm64)") ;;
*)	arch=x86_64 qemu=qemu-system-x86_64
	opts+=(--arch=x86_64) ;;
esac
need_tree
need_cmd ccache "$(cross_compile "$arch")gcc" "$qemu"
step "$name: kunit.py run, $arch under QEMU (build: $OUT/kunit-$name)"
cd "$SRC" && python3 tools/testing/kunit/kunit.py run "${opts[@]}" \
	--make_options CC="ccache $(cross_compile "$arch")gcc" "$@"
