#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel and initramfs in QEMU (TCG) with an emulated IOMMU,
# under a timeout; keep the console log and QEMU's invalidation trace.
# Usage: boot.sh CONFIG (a section of configs/machines.ini: intel, amd, ...)
. "$(dirname "$0")/../lib.sh"

cfg=${1:?usage: boot.sh CONFIG (one of: $(machine names | tr '\n' ' '))}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800}	# whole boot, seconds
MEM=${GUEST_MEM_MB:-4096}		# split over two NUMA nodes

arch=$(machine get "$cfg" arch) || exit 1
qemu=$(machine_qemu "$cfg") || exit 1
need_cmd timeout
obj=$OUT/$arch
# KERNEL_IMAGE, INITRAMFS and BOOT_NAME boot another kernel and userland
# (make mutants, make bench) into its own directory.
kernel=${KERNEL_IMAGE:-$obj/$(kimage "$arch")}
initramfs=${INITRAMFS:-$obj/initramfs.cpio.gz}
[ -f "$kernel" ] || die "no $arch kernel at $kernel: run scripts/build/build-kernel.sh $arch"
[ -f "$initramfs" ] || die "no $arch initramfs at $initramfs: run scripts/build/build-initramfs.sh $arch"

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
# SVA_SHELL=1 (make shell): the console is this terminal, with a shell
# instead of the tests; Ctrl-A X leaves QEMU.
if [ -n "${SVA_SHELL:-}" ]; then
	serial=mon:stdio
	BOOT_TIMEOUT=86400
else
	serial=file:$dir/console.log
fi
args=(-nodefaults -display none -no-reboot -serial "$serial"
	-m "$mem" -smp 2,sockets=2,cores=1,threads=1
	-object "memory-backend-ram,id=m0,size=${half}M"
	-object "memory-backend-ram,id=m1,size=${half}M"
	-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1
	-kernel "$kernel" -initrd "$initramfs"
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
# KUNIT: kunit.filter_glob, the KUnit suites (suite.test globs) to run
[ -z "${KUNIT:-}" ] || cmdline+=" kunit.filter_glob=$KUNIT"
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

# The machine itself: configs/machines.ini
mapfile -t margs < <(machine get "$cfg" args)
# ACCEL=auto (the default): KVM where it runs this machine, TCG otherwise
# (every figure and time limit here was measured under TCG). /dev/kvm and
# a host of the guest's architecture are not enough: under this project's
# nested KVM, QEMU 7.2 with -cpu max aborts ("failed to set MSR 0x10a"),
# so QEMU is tried, paused, with the machine's own arguments first.
host_is_guest() { [ "$(uname -m | sed s/aarch64/arm64/)" = "$arch" ]; }
kvm_runs() {
	host_is_guest && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	# (a subshell: bash's own "Aborted" report of QEMU goes with it)
	(echo quit | timeout 30 "$qemu" -accel kvm -nodefaults -display none -S -monitor stdio \
		-serial none -m 512 -drive "if=none,id=d0,file=$data,format=raw,readonly=on" \
		"${margs[@]}" >"$dir/kvm-probe.log" 2>&1) 2>/dev/null
}
ACCEL=${ACCEL:-auto}
if [ "$ACCEL" = auto ]; then
	ACCEL=tcg
	if kvm_runs; then
		ACCEL=kvm
	elif [ -e /dev/kvm ] && host_is_guest; then
		step "$cfg: KVM does not run this machine here, TCG instead: $(sed 's/^(qemu) //' "$dir/kvm-probe.log" |
			grep -m1 '^qemu-system' || echo "see $dir/kvm-probe.log")"
	fi
fi
case $ACCEL in
kvm)	args+=(-accel kvm)
	# pauth-impdef is TCG's cheaper pointer authentication
	margs=("${margs[@]/,pauth-impdef=on/}") ;;
tcg)	args+=(-accel tcg,thread=multi) ;;
*)	die "ACCEL=$ACCEL: auto, kvm or tcg" ;;
esac
args+=("${margs[@]}")
for t in $(machine get "$cfg" trace); do args+=(-trace "$t"); done
cmdline+=" $(machine get "$cfg" cmdline)"

[ -z "${SVA_SHELL:-}" ] || cmdline+=" SVA_SHELL=1"

step "$cfg: booting $arch under QEMU, $ACCEL (timeout ${BOOT_TIMEOUT}s; console: $dir/console.log)"
start=$(date +%s)
rc=0
# A live summary of the console: guest phases, KUnit suites, kselftest
# programs, failed cases (LIVE=0: none).
if [ -z "${SVA_SHELL:-}" ] && [ "${LIVE:-1}" = 1 ]; then
	: > "$dir/console.log"
	# (KUnit's lines once: from the log dumped at init, not the final one)
	tail -n +1 -F "$dir/console.log" 2>/dev/null |
		awk -v p="    $cfg: " '/^@@ dmesg begin/ { d = 1 } /^@@ dmesg end/ { d = 0 }
			/^@@ (init|kselftest begin|done)/ || (!d && /^(not )?ok [0-9]+ |^# not ok /) {
				print p $0; fflush() }' >&2 &
	live=$!
fi
# --foreground: Ctrl-C reaches QEMU, which stops, and the trap in lib.sh
# stops the job (a timeout in its own process group would hide it).
if [ -n "${SVA_SHELL:-}" ]; then
	# The terminal is the guest's console
	"$qemu" "${args[@]}" -append "$cmdline" -D "$dir/qemu-trace.log" || rc=$?
else
	timeout --foreground --kill-after=10 "$BOOT_TIMEOUT" "$qemu" "${args[@]}" -append "$cmdline" \
		-D "$dir/qemu-trace.log" >"$dir/qemu.out" 2>&1 || rc=$?
fi
echo "$(( $(date +%s) - start ))" > "$dir/seconds"
[ -z "${live:-}" ] || { sleep 1; kill "$live" 2>/dev/null; pkill -P "$$" tail 2>/dev/null; } || true
case $rc in
0) ;;
124|137) echo "@@ harness: QEMU timed out after ${BOOT_TIMEOUT}s" >> "$dir/console.log" ;;
*) echo "@@ harness: QEMU exited with $rc: $(head -c 300 "$dir/qemu.out")" >> "$dir/console.log" ;;
esac
step "$cfg: QEMU finished in $(cat "$dir/seconds")s (rc $rc)"
exit 0
