#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one QEMU boot: guest facts, DMA, KUnit (KTAP), kselftests (TAP),
kernel splats, and QEMU's count of IOMMU invalidation commands.

Usage: check-results.py BOOT_DIR CONFIG KERNEL_SRC
Prints one line per check ("PASS|FAIL|SKIP config: name (detail)") and
writes BOOT_DIR/results.json; exits 1 if anything failed.
"""
import collections
import contextlib
import fnmatch
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "vm"))
import machine  # noqa: E402 (scripts/vm/machine.py: configs/machines.ini)

# Kernel reports that fail a run whatever the tests said.
SPLAT = re.compile(
    r"WARNING: |BUG: |Oops|Kernel panic|kernel BUG at|"
    r"possible circular locking|possible recursive locking|"
    r"inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|"
    r"bad unlock balance|lock held when returning|INFO: task .* blocked|"
    r"soft lockup|detected stalls|KASAN: |UBSAN: |kmemleak|"
    r"list_add corruption|list_del corruption|general protection fault|"
    r"Unable to handle kernel|DMAR: DRHD: handling fault|"
    r"AMD-Vi: Event logged|arm-smmu-v3 .*event 0x|Invalidation Queue Error")

# What each configuration must show, beyond the tests: configs/machines.ini
EXPECT = machine.expect()

VIRTIO_BLK = "0x1af4:0x1042"

# Skips that are the expected state of a configuration, not a missing
# prerequisite (a regex on the reason). None since the series brought SVA
# back on x86; a kernel without it fails here rather than skipping.
ALLOWED_SKIP = collections.defaultdict(lambda: None)


class Results:
    def __init__(self, config, out=sys.stdout):
        self.config = config
        self.checks = []
        self.out = out

    def add(self, name, ok, detail=""):
        status = ok if isinstance(ok, str) else ("PASS" if ok else "FAIL")
        self.checks.append({"name": name, "status": status, "detail": detail})
        print(f"{status} {self.config}: {name}" + (f" ({detail})" if detail else ""),
              file=self.out)

    def failed(self):
        return sum(c["status"] == "FAIL" for c in self.checks)


def guest_facts(res, lines, bootdir, exp):
    init = [l for l in lines if l.startswith("@@ init ")]
    res.add("boot: init reached", bool(init), init[0][8:] if init else "no init line")
    if init:
        m = re.search(r"cpus=(\d+) nodes=(\d+)", init[0])
        res.add("guest: 2 vCPUs and 2 NUMA nodes",
                m and int(m.group(1)) >= 2 and int(m.group(2)) >= 2, m and m.group(0))
    res.add("guest: swap on zram", any(l.startswith("@@ swap zram0") for l in lines))
    iolog = [l for l in lines if l.startswith("@@ iommu-log ")]
    res.add("iommu: driver initialised",
            any(re.search(exp["iommu_log"], l) for l in iolog),
            f"{len(iolog)} lines of IOMMU log")
    pci = [l for l in lines if l.startswith("@@ pci ") and VIRTIO_BLK in l]
    dev = pci[0][3:] if pci else ""
    res.add("iommu: virtio-blk translated (DMA domain)",
            bool(re.search(r"domain=DMA", dev)), dev or "virtio-blk not found")
    if exp["ats"]:
        res.add("iommu: ATS enabled on virtio-blk", "ats=enabled" in dev, dev)
    want = open(os.path.join(bootdir, "dma-expected")).read().strip()
    got = [l for l in lines if l.startswith("@@ dma ")]
    res.add("dma: disk read through the IOMMU matches",
            bool(got) and got[0].endswith("md5=" + want),
            got[0][3:] if got else "no read")
    res.add("boot: guest powered off cleanly", "@@ done" in lines,
            next((l for l in lines if l.startswith("@@ harness:")), ""))


def dmesg(text, name):
    """A kernel log the guest dumped (all levels): "boot-dmesg" as init
    starts, "dmesg" at the end."""
    m = re.search(rf"^@@ {name} begin\n(.*?)^@@ {name} end$", text, re.S | re.M)
    return m.group(1) if m else ""


def kunit(res, text, bootdir, src, expected):
    # KUnit runs at boot, before init, and its KTAP is at KERN_INFO (the
    # console is quiet): read it from the log init dumps as it starts, which
    # a later panic or timeout cannot lose; else from the final dump.
    boot = dmesg(text, "boot-dmesg") or dmesg(text, "dmesg")
    if "KTAP version" not in boot:
        res.add("kunit: KTAP found", False, "no KTAP in the boot log")
        return
    with open(os.path.join(bootdir, "boot.log"), "w") as f:
        f.write(boot)
    # kunit.py's parser, as "kunit.py parse --json" runs it; what it prints
    # goes to kunit-parse.log.
    kunit_dir = os.path.join(src, "tools/testing/kunit")
    if kunit_dir not in sys.path:
        sys.path.insert(0, kunit_dir)
    import kunit_json
    import kunit_parser
    import kunit_printer
    errlog = os.path.join(bootdir, "kunit-parse.log")
    tree = {}
    with open(errlog, "w") as log, contextlib.redirect_stdout(log):
        # kunit_printer keeps the sys.stdout it saw when imported
        saved, kunit_printer.stdout._output = kunit_printer.stdout._output, log
        try:
            test = kunit_parser.parse_run_tests(boot.splitlines(keepends=True))
            tree = json.loads(kunit_json.get_json_result(test, kunit_json.Metadata()))
        except Exception as e:  # a parser crash is a failed check, not ours
            print(f"kunit_parser: {e!r}")
        finally:
            kunit_printer.stdout._output = saved
    if not tree:
        res.add("kunit: KTAP parsed", False, f"see {errlog}")
    with open(os.path.join(bootdir, "kunit.json"), "w") as f:
        json.dump(tree, f, indent=1)

    def walk(group, prefix):
        for case in group.get("test_cases", []):
            st = case["status"]  # kunit_json.py: PASS, SKIP, ERROR or FAIL
            res.add(f"kunit: {prefix}{case['name']}",
                    "PASS" if st == "PASS" else "SKIP" if st == "SKIP" else "FAIL")
        for sub in group.get("sub_groups", []):
            walk(sub, prefix + sub["name"] + ".")
    walk(tree, "")
    # A suite that is configured but did not run is a failure, not a skip;
    # unless the boot asked for others only (KUNIT=, kunit.filter_glob).
    ran = {g["name"] for g in tree.get("sub_groups", [])}
    glob = re.search(r"^@@ cmdline .*?\bkunit\.filter_glob=(\S+)", text, re.M)
    for suite in expected:
        if glob and not fnmatch.fnmatchcase(suite, glob.group(1).split(".")[0]):
            continue
        res.add(f"kunit: suite {suite} ran", suite in ran)


TAP_CASE = re.compile(r"^# (ok|not ok) \d+ (.*?)(?:\s+# (SKIP|TODO|XFAIL|XPASS)\b(.*))?$")
TAP_PROG = re.compile(r"^(ok|not ok) \d+ selftests: (\S+): (\S+)(?:\s+# (\S+)(.*))?$")


def kselftests(res, lines, allowed_skip):
    try:
        begin = lines.index("@@ kselftest begin")
    except ValueError:
        res.add("kselftest: run started", False)
        return
    ran = 0
    skips_allowed = True  # every skip of the current program was expected
    cases = 0  # cases the current program reported
    for line in lines[begin:]:
        if line.startswith("# selftests: "):
            skips_allowed, cases = True, 0
            continue
        m = TAP_CASE.match(line)
        if m:
            verdict, name, directive, why = m.groups()
            why = (why or "").strip()
            # XPASS: a case expected to fail passed; its expectation is stale
            status = ("SKIP" if directive == "SKIP" else
                      "PASS" if verdict == "ok" and directive != "XPASS" else "FAIL")
            if status == "SKIP" and not (allowed_skip and re.search(allowed_skip, why)):
                skips_allowed = False
            res.add(f"kselftest: {name}", status, why)
            cases += 1
            continue
        m = TAP_PROG.match(line)
        if m:
            ran += 1
            verdict, coll, prog, directive, why = m.groups()
            # A whole program skipping means a prerequisite is missing,
            # unless it ran cases and each skipped for an expected reason
            # ("1..0 # SKIP" runs none).
            ok = verdict == "ok" and (directive != "SKIP" or
                                      (cases > 0 and skips_allowed))
            res.add(f"kselftest: {coll}/{prog} (program)", ok,
                    f"{directive} {why.strip()}" if directive else "")
    res.add("kselftest: run completed", ran > 0 and "@@ kselftest end" in lines,
            f"{ran} programs")


def splats(res, text):
    hits = [l for l in text.splitlines() if SPLAT.search(l) and not l.startswith("@@ ")]
    res.add("kernel log: no WARNING/BUG/lockdep/KASAN/IOMMU fault", not hits,
            "; ".join(h.strip() for h in hits[:3]))


# Events counted by a detail: which command, which descriptor type
TRACE_DETAIL = {"smmuv3_cmdq_opcode": r"<--- (\S+)",
                "vtd_inv_desc": r"desc type (\S+)"}


def vtd_piotlb_granularity(line):
    """A PASID-based IOTLB descriptor as QEMU traces it ("high" is qword 1,
    "low" qword 0): VT-d spec 6.5.2.4, granularity in bits 5:4 of qword 0,
    2 for all of a PASID, 3 for a page range."""
    m = re.search(r"low 0x([0-9a-f]+)", line)
    if not m:
        return "?"
    return {2: "pasid", 3: "page"}.get((int(m.group(1), 16) >> 4) & 3, "?")


def qemu_trace(res, bootdir, exp):
    """Count QEMU's invalidation trace. Configurations whose emulated
    IOMMU decodes and applies what the guest sends (QEMU 11.1) must show
    those commands, and QEMU must have refused none of them."""
    counts = collections.Counter()
    path = os.path.join(bootdir, "qemu-trace.log")
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            for line in f:
                m = re.match(r"^(?:\d+@[\d.]+:)?(\w+)[ (]", line)
                if m:
                    key = m.group(1)
                    if key in TRACE_DETAIL:
                        d = re.search(TRACE_DETAIL[key], line)
                        key += ":" + (d.group(1) if d else "?")
                    if key == "vtd_inv_desc:p-iotlb":
                        key += ":" + vtd_piotlb_granularity(line)
                    counts[key] += 1
    with open(os.path.join(bootdir, "qemu-trace-counts.json"), "w") as f:
        json.dump(counts, f, indent=1, sort_keys=True)
    print(f"INFO {res.config}: QEMU invalidation trace: " +
          (", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"),
          file=res.out)
    for need in exp.get("trace_need", []):
        res.add(f"qemu: the emulated IOMMU applied {need}", counts[need] > 0,
                f"{counts[need]} in the trace")
    if exp.get("trace_need"):
        qemu_out = os.path.join(bootdir, "qemu.out")
        errors = [l.strip() for l in open(qemu_out, errors="replace")
                  if re.search(r"invalid|error", l, re.I)] \
            if os.path.exists(qemu_out) else []
        errors += [f"{k}={v}" for k, v in counts.items() if "error" in k]
        res.add("qemu: no invalidation refused by the emulated IOMMU", not errors,
                "; ".join(errors[:3]))


TESTDEV_PROGRAM = "iommu_testdev/iommu-stale-dma"


def invalidation_span(line):
    """What one traced invalidation command covers, decoded from QEMU's
    trace without the kernel's help: None if the line is no IOTLB
    invalidation, (0, 2**64) for one of a whole PASID, ASID or domain,
    else [first, end) of the IOVAs it names."""
    everything = (0, 1 << 64)
    m = re.match(r"^(?:\d+@[\d.]+:)?vtd_inv_desc invalidate desc type (\S+) "
                 r"high 0x([0-9a-f]+) low 0x([0-9a-f]+)", line)
    if m and m.group(1) in ("iotlb", "p-iotlb"):
        # VT-d 6.5.2.3/6.5.2.4: granularity in qword 0 bits 5:4 (iotlb: 1
        # global, 2 domain; p-iotlb: 2 PASID; reserved values cover
        # nothing); the page forms (3) give the address in qword 1 bits
        # 63:12, the order of the 4 KiB block (AM) in bits 5:0
        high, low = int(m.group(2), 16), int(m.group(3), 16)
        gran = (low >> 4) & 3
        if gran != 3:
            wide = (1, 2) if m.group(1) == "iotlb" else (2,)
            return everything if gran in wide else None
        size = 4096 << (high & 0x3f)
        first = (high & ~0xfff) & ~(size - 1)
        return (first, first + size)
    m = re.match(r"^(?:\d+@[\d.]+:)?smmuv3_range_inval .*addr=0x([0-9a-f]+) "
                 r"tg=(\d+) num_pages=0x([0-9a-f]+)", line)
    if m:
        # SMMUv3 CMD_TLBI_NH_VA: TG 1/2/3 = 4K/16K/64K pages, NUM pages
        # from addr; TG 0 (no range): counted as the 4 KiB page at addr
        addr, tg, num = int(m.group(1), 16), int(m.group(2)), int(m.group(3), 16)
        return (addr, addr + (num * (4096 << (2 * (tg - 1))) if tg else 4096))
    if re.search(r"smmuv3_cmdq_opcode <--- (?:SMMU_)?CMD_TLBI_(NH_ASID|NH_ALL|NSNH_ALL|S12_VMALL)", line):
        return everything
    # QEMU's amd-iommu drops the whole domain for INVALIDATE_IOMMU_PAGES
    if re.match(r"^(?:\d+@[\d.]+:)?amdvi_(pages|all)_inval\b", line):
        return everything
    return None


def refused(qemu_out):
    """The (high, low) of each VT-d descriptor QEMU refused: it covers
    nothing."""
    if not os.path.exists(qemu_out):
        return set()
    with open(qemu_out, errors="replace") as f:
        return {(int(h, 16), int(l, 16)) for h, l in re.findall(
            r"invalid \S*iotlb inv desc: hi=0x([0-9a-f]+), lo=0x([0-9a-f]+)", f.read())}


def unmap_coverage(path, bad=frozenset()):
    """The test's unmaps and what the guest sent for each: iommu-stale-dma
    writes the range to the device's IOVA and length registers and
    disarms it before each unmap, and writes its result register after
    (older traces: the next arm ends it). Returns [(first, end, [spans])];
    descriptors in @bad (refused by QEMU) are left out."""
    regs, unmaps, window = {}, [], None
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"iommu_testdev_mmio_write addr=0x([0-9a-f]+) value=0x([0-9a-f]+)",
                          line)
            if m:
                regs[int(m.group(1), 16)] = int(m.group(2), 16)
                if int(m.group(1), 16) == 0x10:
                    window = None
                continue
            m = re.search(r"iommu_testdev_dma_armed armed=(\d)", line)
            if m:
                if m.group(1) == "0":
                    first = regs.get(4, 0) | regs.get(8, 0) << 32
                    window = (first, first + regs.get(0xc, 0), [])
                    unmaps.append(window)
                else:
                    window = None
                continue
            m = re.search(r"desc type \S+ high 0x([0-9a-f]+) low 0x([0-9a-f]+)", line)
            if m and (int(m.group(1), 16), int(m.group(2), 16)) in bad:
                continue
            span = window is not None and invalidation_span(line)
            if span:
                window[2].append(span)
    return unmaps


def first_uncovered(first, end, spans):
    """The lowest IOVA of [first, end) that no span covers, or None."""
    for lo, hi in sorted(spans):
        if lo > first:
            break
        first = max(first, hi)
    return first if first < end else None


def testdev_oracle(res, lines, bootdir):
    """QEMU's iommu-testdev judges the IOTLB (guest/iommu-stale-dma.c):
    the program must have run (kselftests() judges its cases), and every
    unmap it made must be covered by the invalidations the guest sent,
    those QEMU refused left out."""
    prog = [m for m in map(TAP_PROG.match, lines)
            if m and f"{m.group(2)}/{m.group(3)}" == TESTDEV_PROGRAM]
    res.add(f"kselftest: {TESTDEV_PROGRAM} ran (stale-DMA oracle)", bool(prog),
            "" if prog else "not in the run: is -device iommu-testdev there?")
    path = os.path.join(bootdir, "qemu-trace.log")
    bad = refused(os.path.join(bootdir, "qemu.out"))
    unmaps = unmap_coverage(path, bad) if os.path.exists(path) else []
    gaps = [(a, b, len(s), first_uncovered(a, b, s)) for a, b, s in unmaps]
    short = [g for g in gaps if g[3] is not None]
    cmds = [len(u[2]) for u in unmaps]
    res.add("qemu: every iommu-testdev unmap covered by the invalidations the guest sent",
            bool(unmaps) and not short,
            (f"{len(unmaps)} unmaps, {min(cmds)}-{max(cmds)} commands each" if unmaps
             else "no unmap in the trace") +
            "".join(f"; [{a:#x}, {b:#x}): {n} commands, none for {gap:#x}"
                    for a, b, n, gap in short[:2]))


def judge(bootdir, config, src, out=sys.stdout):
    """Judge the boot in BOOTDIR; returns the Results."""
    bootdir, src = os.path.abspath(bootdir), os.path.abspath(src)
    res = Results(config, out)
    with open(os.path.join(bootdir, "console.log"), errors="replace") as f:
        text = f.read().replace("\r", "")
    lines = text.splitlines()
    guest_facts(res, lines, bootdir, EXPECT[config])
    kunit(res, text, bootdir, src, EXPECT[config]["kunit"])
    kselftests(res, lines, ALLOWED_SKIP[config])
    splats(res, text)
    qemu_trace(res, bootdir, EXPECT[config])
    if EXPECT[config]["testdev"]:
        testdev_oracle(res, lines, bootdir)
    with open(os.path.join(bootdir, "results.json"), "w") as f:
        json.dump(res.checks, f, indent=1)
    return res


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in EXPECT:
        sys.exit(f"usage: {sys.argv[0]} BOOT_DIR {{{','.join(EXPECT)}}} KERNEL_SRC")
    res = judge(*sys.argv[1:4])
    sys.exit(1 if res.failed() else 0)


if __name__ == "__main__":
    main()
