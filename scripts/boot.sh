#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel and initramfs in QEMU (TCG) with an emulated IOMMU,
# under a timeout; keep the console log and QEMU's invalidation trace.
# Usage: boot.sh intel|amd|smmuv3
. "$(dirname "$0")/lib.sh"

cfg=${1:?usage: boot.sh intel|amd|smmuv3}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800}	# whole boot, seconds
MEM=${GUEST_MEM_MB:-4096}		# split over two NUMA nodes

case $cfg in
intel|amd) arch=x86_64 qemu=qemu-system-x86_64 ;;
smmuv3) arch=arm64 qemu=qemu-system-aarch64 ;;
*) die "unknown boot configuration '$cfg' (intel, amd or smmuv3)" ;;
esac
need_cmd "$qemu" timeout
obj=$OUT/$arch
# KERNEL_IMAGE and BOOT_NAME boot another kernel (make mutants) into its
# own directory.
kernel=${KERNEL_IMAGE:-$obj/$(kimage "$arch")}
[ -f "$kernel" ] || die "no $arch kernel at $kernel: run scripts/build-kernel.sh $arch"
[ -f "$obj/initramfs.cpio.gz" ] || die "no $arch initramfs: run scripts/build-initramfs.sh $arch"

dir=$OUT/boot-${BOOT_NAME:-$cfg}
rm -rf "$dir"; mkdir -p "$dir"

# A random disk image: the guest reads it by DMA through the IOMMU and
# prints its checksum, which must match.
data=$OUT/dma-check.img
[ -f "$data" ] || head -c 16M /dev/urandom > "$data"
md5sum "$data" | cut -d' ' -f1 > "$dir/dma-expected"

half=$((MEM / 2))
mem=${MEM}M
# Room for the DIMM below (x86)
[ "$arch" != x86_64 ] || mem+=",slots=1,maxmem=$((MEM + 16384))M"
args=(-nodefaults -display none -no-reboot -serial "file:$dir/console.log"
	-m "$mem" -smp 2,sockets=2,cores=1,threads=1
	-object "memory-backend-ram,id=m0,size=${half}M"
	-object "memory-backend-ram,id=m1,size=${half}M"
	-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1
	-kernel "$kernel" -initrd "$obj/initramfs.cpio.gz"
	-drive "if=none,id=d0,file=$data,format=raw,readonly=on")
cmdline="panic=-1 loglevel=4 KSFT_TIMEOUT=${KSFT_TIMEOUT:-1200}"
# TESTS=collection:program[,...] runs only those kselftests (the guest's
# init passes each to run_kselftest.sh -t).
[ -z "${TESTS:-}" ] || cmdline+=" KSFT_TESTS=$TESTS"
# CASES: kselftest_harness filter options for those programs, e.g.
# CASES="-f iommufd_sva_reclaim" or "-r iommufd_sva.madv_pageout"
if [ -n "${CASES:-}" ]; then
	[ -n "${TESTS:-}" ] || die "CASES needs TESTS=collection:program"
	[[ "$CASES" != *,* ]] || die "CASES must not contain a comma: $CASES"
	cmdline+=" KSFT_CASES=${CASES// /,}"
fi
# BOOT_APPEND: more kernel parameters (make bench: SVA_BENCH=<repeats>)
[ -z "${BOOT_APPEND:-}" ] || cmdline+=" $BOOT_APPEND"
# One 1 GiB hugetlb page for the SVA PUD-leaf test: only at boot is such a
# page sure to be found.
cmdline+=" hugepagesz=1G hugepages=1"

# x86: 128 MiB of memory the kernel does not use (a DIMM it cannot hot-add
# without ACPI memory hotplug) at 8 GiB, for lib/test_kpt_free.c's KASAN
# shadow path, which needs a direct map far from RAM that it owns.
if [ "$arch" = x86_64 ]; then
	args+=(-object memory-backend-ram,id=kpt,size=128M
		-device pc-dimm,id=kpt0,memdev=kpt,node=0,addr=0x200000000)
	cmdline+=" test_kpt_free.kasan_mem=0x200000000"
fi

case $cfg in
intel)
	# Scalable mode with caching mode and a device TLB (ATS); a virtio
	# device offers ATS only behind a PCIe root port.
	args+=(-machine q35 -cpu max,la57=off -accel tcg,thread=multi
		-device intel-iommu,intremap=on,x-scalable-mode=on,caching-mode=on,device-iotlb=on,aw-bits=48
		-device pcie-root-port,id=rp0,chassis=1,slot=1
		-device virtio-blk-pci,bus=rp0,drive=d0,iommu_platform=on,ats=on,disable-legacy=on
		-trace "vtd_inv_desc*" -trace "vtd_inv_qi*")
	cmdline+=" console=ttyS0 intel_iommu=on"
	;;
amd)
	# QEMU 7.2's amd-iommu records bus 0 for devices behind a root port
	# present at boot and misroutes their DMA: keep devices on pcie.0.
	args+=(-machine q35 -cpu max,la57=off -accel tcg,thread=multi
		-device amd-iommu
		-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on
		-trace "amdvi_*_inval" -trace amdvi_completion_wait)
	# The mock SVA device's modelled hardware costs, about a microsecond
	# per invalidation command and per completion wait: the races the
	# tests look for get room to happen on one machine.
	cmdline+=" console=ttyS0 iommufd.sva_inval_cmd_ns=1000 iommufd.sva_sync_ns=1000"
	;;
smmuv3)
	args+=(-machine virt,iommu=smmuv3,gic-version=3 -cpu max,pauth-impdef=on
		-accel tcg,thread=multi
		-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on
		-trace smmuv3_cmdq_opcode)
	cmdline+=" console=ttyAMA0"
	;;
esac

step "$cfg: booting $arch under QEMU (timeout ${BOOT_TIMEOUT}s; console: $dir/console.log)"
start=$(date +%s)
rc=0
# --foreground: Ctrl-C reaches QEMU, which stops, and the trap in lib.sh
# stops the job (a timeout in its own process group would hide it).
timeout --foreground --kill-after=10 "$BOOT_TIMEOUT" "$qemu" "${args[@]}" -append "$cmdline" \
	-D "$dir/qemu-trace.log" >"$dir/qemu.out" 2>&1 || rc=$?
echo "$(( $(date +%s) - start ))" > "$dir/seconds"
case $rc in
0) ;;
124|137) echo "@@ harness: QEMU timed out after ${BOOT_TIMEOUT}s" >> "$dir/console.log" ;;
*) echo "@@ harness: QEMU exited with $rc: $(head -c 300 "$dir/qemu.out")" >> "$dir/console.log" ;;
esac
step "$cfg: QEMU finished in $(cat "$dir/seconds")s (rc $rc)"
exit 0
