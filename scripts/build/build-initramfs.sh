#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kselftests for one architecture (static, so busybox is the only
# userland) and pack them with busybox and guest/ into an initramfs.
# Usage: build-initramfs.sh x86_64|arm64
. "$(dirname "$0")/../lib.sh"

arch=${1:?usage: build-initramfs.sh x86_64|arm64}
case $arch in x86_64 | arm64) ;; *) die "unknown architecture '$arch' (x86_64 or arm64)" ;; esac
need_tree
need_cmd cpio gzip
# Every selftest directory the series touches or adds: today the kernel's
# iommufd suites; new SVA tests land in the same directory.
KSFT_TARGETS=${KSFT_TARGETS:-iommu}

case $arch in
x86_64) busybox=/bin/busybox ;;
arm64) busybox=$CACHE/arm64/bin/busybox ;;
esac
[ -x "$busybox" ] || die "no busybox for $arch at $busybox: run scripts/setup/install-deps.sh"

obj=$OUT/$arch
[ -f "$obj/usr/include/linux/iommufd.h" ] ||
	die "$arch: no exported headers in $obj/usr/include: run scripts/build/build-kernel.sh $arch headers"

root=$obj/initramfs
rm -rf "$root" "$obj/kselftest"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root}

step "$arch: building kselftests ($KSFT_TARGETS)"
# -static via the environment: lib.mk appends its own flags to it.
LDFLAGS=-static logged "$obj/kselftest-build.log" \
	make -C "$SRC/tools/testing/selftests" ARCH="$arch" \
	CROSS_COMPILE="$(cross_compile "$arch")" CC="$(cross_compile "$arch")gcc" \
	O="$obj" KHDR_INCLUDES="-isystem $obj/usr/include" \
	TARGETS="$KSFT_TARGETS" INSTALL_PATH="$root/kselftest" -j"$(jobs)" install
grep -E "warning:" "$obj/kselftest-build.log" | grep -v "statically linked" | head -n 20 >&2 || true

# make bench's guest program, against this tree's mock SVA device uAPI
step "$arch: building sva-bench"
logged "$obj/sva-bench-build.log" "$(cross_compile "$arch")gcc" -O2 -Wall -static -pthread \
	-isystem "$obj/usr/include" -I "$SRC/drivers/iommu/iommufd" -iquote "$SRC/lib" \
	-o "$root/usr/bin/sva-bench" "$TOP/guest/sva-bench.c"

# The stale-IOTLB oracle for QEMU's iommu-testdev, a kselftest of the
# harness: guest/init lists it where the device exists.
step "$arch: building iommu-stale-dma"
mkdir -p "$root/kselftest/iommu_testdev"
logged "$obj/iommu-stale-dma-build.log" "$(cross_compile "$arch")gcc" -O2 -Wall -static \
	-isystem "$obj/usr/include" -I "$SRC/tools/testing/selftests" \
	-o "$root/kselftest/iommu_testdev/iommu-stale-dma" "$TOP/guest/iommu-stale-dma.c"

install -m755 "$busybox" "$root/bin/busybox"
install -m755 "$TOP/guest/init" "$root/init"
install -m755 "$TOP/guest/timeout" "$root/usr/bin/timeout"
install -m755 "$TOP/guest/pci-ats" "$root/usr/bin/pci-ats"
ln -sf busybox "$root/bin/sh"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) \
	> "$obj/initramfs.cpio.gz"
step "$arch: initramfs $(du -h "$obj/initramfs.cpio.gz" | cut -f1), kselftests: $(sed 's/:.*//' "$root/kselftest/kselftest-list.txt" 2>/dev/null | sort -u | tr '\n' ' ')"
