#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure (allnoconfig + configs/*.config fragments) and build the work
# tree's kernel for one architecture in build/out/<arch>.
# Usage: build-kernel.sh x86_64|arm64 [extra make targets...]
. "$(dirname "$0")/../lib.sh"

arch=${1:?usage: build-kernel.sh x86_64|arm64 [targets...]}; shift
case $arch in x86_64 | arm64) ;; *) die "unknown architecture '$arch' (x86_64 or arm64)" ;; esac
need_tree
need_cmd ccache make "$(cross_compile "$arch")gcc"

frags=(base debug mm iommu kunit "$arch" ${EXTRA_CONFIGS:-})
files=()
for f in "${frags[@]}"; do
	[ -f "$TOP/configs/$f.config" ] || die "no config fragment configs/$f.config"
	files+=("$TOP/configs/$f.config")
done

mkdir -p "$OUT/$arch" "$CCACHE_DIR"
step "$arch: configuring from ${frags[*]}"
(cd "$SRC" && ARCH=$arch CROSS_COMPILE=$(cross_compile "$arch") \
	logged "$OUT/$arch/config.log" scripts/kconfig/merge_config.sh -n -O "$OUT/$arch" "${files[@]}")
python3 "$TOP/scripts/build/check-config.py" --src "$SRC" "$OUT/$arch/.config" "${files[@]}" ||
	die "$arch: options above did not survive (missing dependency?)"

targets=("$(basename "$(kimage "$arch")")" "$@")
step "$arch: building ${targets[*]} (log: $OUT/$arch/build.log)"
# Show progress: a line every 250 compiled objects.
if ! kmake "$arch" "${targets[@]}" 2>&1 | tee "$OUT/$arch/build.log" |
	awk -v a="$arch" '/^  CC /{n++; if (n % 250 == 0) {printf "    %s: %d objects\n", a, n > "/dev/stderr"}}'; then
	grep -E "error|Error" "$OUT/$arch/build.log" | head -n 20 >&2
	die "$arch: build failed (log: $OUT/$arch/build.log)"
fi
step "$arch: $(ls -l --block-size=K "$OUT/$arch/$(kimage "$arch")" | awk '{print $5}') $(kimage "$arch")"
