// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-stale-dma: a stale-IOTLB oracle built on QEMU's iommu-testdev.
 *
 * iommu-testdev (QEMU 11.0+) is a PCI DMA engine: it writes a fixed
 * pattern to an IOVA through the IOMMU, then reads a guest-physical
 * address directly and reports whether the pattern is there. The test
 * binds it to vfio-pci, maps an IOVA range to buffer A through a VFIO
 * type1 container, lets the device cache translations for it, unmaps
 * a target range, maps the same IOVAs to buffer B and DMAs again with
 * B's addresses: if the unmap's IOTLB invalidation did not cover a
 * probed page, the write lands in A and the device reports a mismatch.
 * QEMU's IOTLB, not code in this repository, is the judge.
 *
 * Buffers are 2 MiB hugetlb memfds mapped over and over, so that a 1 GiB
 * IOVA range needs 2 MiB of memory: IOVA page n maps page n % 512 of a
 * buffer. One huge page each keeps the layout the same from run to run:
 * VFIO unmaps physically contiguous runs, and the IOMMU uses 2 MiB pages
 * where a 2 MiB-aligned run allows.
 *
 * Before each unmap the test writes the range to the device's address and
 * length registers and disarms it, and after it writes the result
 * register: QEMU's trace then brackets the invalidations of each unmap
 * (scripts/checks/check-results.py checks that they cover it).
 *
 * The type1 container, not iommufd: 6.12's VT-d driver gives iommufd's
 * domains second-stage tables, which an IOMMU with first-stage
 * translation only (QEMU's fsts=on) cannot attach.
 *
 * Lives in the harness, not in the series: the device exists only in
 * QEMU, and 6.12 has no tools/testing/selftests/vfio to host a driver
 * for it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/memfd.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"

#define PAGE		4096UL
#define MiB		(1UL << 20)
#define GiB		(1UL << 30)
#define BUF_SIZE	(2 * MiB)
#define BUF_PAGES	(BUF_SIZE / PAGE)
/* IOVAs from 4 GiB: clear of the MSI windows of x86 and arm virt */
#define IOVA_BASE	(4 * GiB)
/* mapped, not unmapped, on both sides of the target */
#define PAD		(16 * 1024UL)

/* iommu-testdev's BAR0 (QEMU include/hw/misc/iommu-testdev.h) */
#define ITD_VENDOR	0x1b36
#define ITD_DEVICE	0x0005
#define ITD_TRIGGER	0x00	/* read: run the armed DMA */
#define ITD_IOVA_LO	0x04
#define ITD_IOVA_HI	0x08
#define ITD_LEN		0x0c
#define ITD_RESULT	0x10
#define ITD_DBELL	0x14	/* 1: arm, 0: disarm */
#define ITD_GPA_LO	0x1c
#define ITD_GPA_HI	0x20
#define ITD_PATTERN	0x12345678u
#define ITD_MISMATCH	0xdead0004u
#define DMA_LEN		8

struct buf {
	int fd;
	uint8_t *va;			/* one 2 MiB view for the CPU */
	uint64_t pa[BUF_PAGES];		/* guest-physical address per page */
};

static int sysfs_read(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	out[n] = 0;
	return 0;
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* The PCI address of the first iommu-testdev, or -1 if there is none. */
static int find_testdev(char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char path[512], v[32], dev[32];
	int ret = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (sysfs_read(path, v, sizeof(v)))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (sysfs_read(path, dev, sizeof(dev)))
			continue;
		if (strtoul(v, NULL, 16) == ITD_VENDOR && strtoul(dev, NULL, 16) == ITD_DEVICE) {
			snprintf(bdf, len, "%s", e->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* Bind to vfio-pci and return the device's IOMMU group number, or -1. */
static int vfio_group(const char *bdf)
{
	char path[512], link[512];
	const char *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	if (sysfs_write(path, "vfio-pci"))
		return -1;
	/* fails harmlessly when a driver is already bound */
	sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = 0;
	slash = strrchr(link, '/');
	return slash ? atoi(slash + 1) : -1;
}

/*
 * QEMU's VT-d (11.1) refuses a PASID-based IOTLB invalidation whose
 * address mask exceeds CAP.MAMV, although VT-d 10.4.2 requires scalable
 * mode to take any mask there: the guest gets an invalidation queue
 * error and QEMU's IOTLB keeps the range. The MAMV of the (first) VT-d
 * unit if it is in caching mode, which real hardware does not set, or -1.
 */
static int virtual_vtd_mamv(void)
{
	char buf[64];
	unsigned long long cap;

	if (sysfs_read("/sys/class/iommu/dmar0/intel-iommu/cap", buf, sizeof(buf)))
		return -1;
	cap = strtoull(buf, NULL, 16);
	if (!(cap & (1ULL << 7)))	/* CM */
		return -1;
	return (cap >> 48) & 0x3f;
}

/* The address mask of the smallest aligned block holding the range */
static int block_order(uint64_t first, uint64_t len)
{
	uint64_t x = (first / PAGE) ^ ((first + len - 1) / PAGE);

	return x ? 64 - __builtin_clzll(x) : 0;
}

static uint64_t phys_addr(void *va)
{
	uint64_t ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent), (uintptr_t)va / PAGE * sizeof(ent)) != sizeof(ent))
		ent = 0;
	close(fd);
	/* present, and a PFN (root sees it) */
	if (!(ent >> 63) || !(ent & ((1ULL << 55) - 1)))
		return 0;
	return (ent & ((1ULL << 55) - 1)) * PAGE;
}

FIXTURE(itd) {
	int container;
	int group;
	int devfd;
	volatile uint32_t *bar;
	size_t bar_size;
	struct buf a, b;
	uint8_t *window;	/* a VA range that repeats one buffer */
	size_t window_len;
	unsigned int unmaps;
};

/*
 * The target range [start, start + len), as offsets from a 1 GiB-aligned
 * IOVA: what is unmapped and mapped again.
 */
FIXTURE_VARIANT(itd) {
	uint64_t start;
	uint64_t len;
};

FIXTURE_VARIANT_ADD(itd, single_page) { .start = 0x5000, .len = PAGE };
/* five pages from page 6: the 8-page block it starts in does not hold it */
FIXTURE_VARIANT_ADD(itd, unaligned) { .start = 0x6000, .len = 5 * PAGE };
FIXTURE_VARIANT_ADD(itd, two_mib) { .start = 2 * MiB, .len = 2 * MiB };
FIXTURE_VARIANT_ADD(itd, across_2mib) { .start = 2 * MiB - 3 * PAGE, .len = 5 * PAGE };
FIXTURE_VARIANT_ADD(itd, across_1gib) { .start = GiB - MiB, .len = 2 * MiB };
FIXTURE_VARIANT_ADD(itd, one_gib) { .start = GiB, .len = GiB };
/* a little over 1 GiB, unaligned at both ends and across two boundaries */
FIXTURE_VARIANT_ADD(itd, over_1gib_unaligned) { .start = GiB - 3 * PAGE, .len = GiB + 7 * PAGE };

static void buf_init(struct __test_metadata *_metadata, struct buf *buf, const char *name)
{
	unsigned long i;

	buf->fd = memfd_create(name, MFD_HUGETLB | MFD_HUGE_2MB);
	ASSERT_LE(0, buf->fd) TH_LOG("no 2 MiB hugetlb memfd: %s", strerror(errno));
	ASSERT_EQ(0, ftruncate(buf->fd, BUF_SIZE));
	buf->va = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, buf->fd, 0);
	ASSERT_NE(MAP_FAILED, buf->va);
	memset(buf->va, 0, BUF_SIZE);
	/* the page stays put: pinned by VFIO, and hugetlb is not reclaimed */
	for (i = 0; i < BUF_PAGES; i++) {
		buf->pa[i] = phys_addr(buf->va + i * PAGE);
		ASSERT_NE(0, buf->pa[i]);
	}
}

/* Point the whole window at @buf, one 2 MiB view after another. */
static void window_show(struct __test_metadata *_metadata, FIXTURE_DATA(itd) *self,
			struct buf *buf)
{
	uint64_t o;

	for (o = 0; o < self->window_len; o += BUF_SIZE)
		ASSERT_NE(MAP_FAILED, mmap(self->window + o, BUF_SIZE, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_FIXED, buf->fd, 0));
}

FIXTURE_SETUP(itd)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_region_info reg = { .argsz = sizeof(reg),
					.index = VFIO_PCI_BAR0_REGION_INDEX };
	char bdf[300], path[64];
	int group, mamv;

	if (find_testdev(bdf, sizeof(bdf)))
		SKIP(return, "no iommu-testdev (QEMU 11.0+, -device iommu-testdev)");
	mamv = virtual_vtd_mamv();
	if (mamv >= 0 && block_order(IOVA_BASE + variant->start, variant->len) > mamv &&
	    !getenv("ITD_QEMU_BUGS"))
		SKIP(return, "QEMU's VT-d refuses PASID-based IOTLB masks above MAMV=%d, which VT-d 10.4.2 allows (ITD_QEMU_BUGS=1 runs it)",
		     mamv);
	group = vfio_group(bdf);
	ASSERT_LE(0, group) TH_LOG("%s: not bound to vfio-pci, or no IOMMU group", bdf);

	self->container = open("/dev/vfio/vfio", O_RDWR);
	ASSERT_LE(0, self->container) TH_LOG("/dev/vfio/vfio: %s", strerror(errno));
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	self->group = open(path, O_RDWR);
	ASSERT_LE(0, self->group) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_TRUE(status.flags & VFIO_GROUP_FLAGS_VIABLE);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		TH_LOG("VFIO_SET_IOMMU: %s", strerror(errno));
	self->devfd = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	ASSERT_LE(0, self->devfd) TH_LOG("%s: %s", bdf, strerror(errno));

	ASSERT_EQ(0, ioctl(self->devfd, VFIO_DEVICE_GET_REGION_INFO, &reg));
	ASSERT_TRUE(reg.flags & VFIO_REGION_INFO_FLAG_MMAP);
	self->bar_size = reg.size;
	self->bar = mmap(NULL, reg.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->devfd, reg.offset);
	ASSERT_NE(MAP_FAILED, self->bar);

	buf_init(_metadata, &self->a, "itd-a");
	buf_init(_metadata, &self->b, "itd-b");

	/* the target, the pads, rounded out to whole 2 MiB views */
	self->window_len = (variant->len + 2 * PAD + 2 * BUF_SIZE) / BUF_SIZE * BUF_SIZE;
	/* 2 MiB-aligned, for the hugetlb views */
	self->window = mmap(NULL, self->window_len + BUF_SIZE, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->window);
	self->window = (uint8_t *)(((uintptr_t)self->window + BUF_SIZE - 1) & ~(BUF_SIZE - 1));
}

FIXTURE_TEARDOWN(itd)
{
	/* the fds close with the test's process, which unmaps and detaches */
}

/* The first mapped IOVA: the pad below the target */
static uint64_t region_first(const FIXTURE_VARIANT(itd) *variant)
{
	return IOVA_BASE + variant->start - PAD;
}

/* The IOVA of the window's first byte: the 2 MiB view holding the pad */
static uint64_t view_base(const FIXTURE_VARIANT(itd) *variant)
{
	return region_first(variant) / BUF_SIZE * BUF_SIZE;
}

static void dma_map(struct __test_metadata *_metadata, FIXTURE_DATA(itd) *self,
		    const FIXTURE_VARIANT(itd) *variant, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)self->window + (iova - view_base(variant)),
		.iova = iova,
		.size = len,
	};

	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_MAP_DMA, &map))
		TH_LOG("map [%#llx, +%#llx): %s", (unsigned long long)iova,
		       (unsigned long long)len, strerror(errno));
}

static void dma_unmap(struct __test_metadata *_metadata, FIXTURE_DATA(itd) *self,
		      uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	/* markers in QEMU's trace: the range and a disarm, the result after */
	ASSERT_GT(1ULL << 32, len);
	self->bar[ITD_IOVA_LO / 4] = (uint32_t)iova;
	self->bar[ITD_IOVA_HI / 4] = iova >> 32;
	self->bar[ITD_LEN / 4] = len;
	self->bar[ITD_DBELL / 4] = 0;
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_UNMAP_DMA, &unmap));
	self->bar[ITD_RESULT / 4] = 0;
	ASSERT_EQ(len, unmap.size);
	self->unmaps++;
}

/* One DMA to @iova; the device checks @buf's page for it. */
static uint32_t dma(FIXTURE_DATA(itd) *self, uint64_t iova, struct buf *buf)
{
	unsigned long page = (iova / PAGE) % BUF_PAGES;
	uint64_t pa = buf->pa[page] + iova % PAGE;

	/* clear the word in both buffers: only the device may set it */
	memset(self->a.va + page * PAGE + iova % PAGE, 0, DMA_LEN);
	memset(self->b.va + page * PAGE + iova % PAGE, 0, DMA_LEN);
	__sync_synchronize();
	self->bar[ITD_IOVA_LO / 4] = (uint32_t)iova;
	self->bar[ITD_IOVA_HI / 4] = iova >> 32;
	self->bar[ITD_GPA_LO / 4] = (uint32_t)pa;
	self->bar[ITD_GPA_HI / 4] = pa >> 32;
	self->bar[ITD_LEN / 4] = DMA_LEN;
	self->bar[ITD_DBELL / 4] = 1;
	(void)self->bar[ITD_TRIGGER / 4];
	/* QEMU runs the DMA within the trigger read */
	return self->bar[ITD_RESULT / 4];
}

/* Pages the device touches: both ends of the target, its middle, its neighbours. */
static int probes(const FIXTURE_VARIANT(itd) *variant, uint64_t *out, int *inside)
{
	uint64_t first = IOVA_BASE + variant->start, last = first + variant->len - PAGE;
	uint64_t p[] = { first, first + PAGE, first + variant->len / 2 / PAGE * PAGE,
			 last - PAGE, last, first - PAGE, last + PAGE };
	int n = 0, i, j;

	for (i = 0; i < 7; i++) {
		for (j = 0; j < i; j++)
			if (p[j] == p[i])
				break;
		if (j < i)
			continue;
		inside[n] = p[i] >= first && p[i] <= last;
		/* an offset within the page too: the device writes a word */
		out[n++] = p[i] + (i * 64) % PAGE;
	}
	return n;
}

/*
 * Map [target - PAD, target + len + PAD) to A in three areas, warm the
 * device's IOTLB, unmap the middle area, map it to B, DMA again: every
 * probe inside must reach B, every probe outside still A.
 */
TEST_F_TIMEOUT(itd, unmap_remap, 600)
{
	uint64_t first = IOVA_BASE + variant->start, end = first + variant->len;
	uint64_t p[8];
	int inside[8], n, i;
	unsigned int stale = 0;

	n = probes(variant, p, inside);
	window_show(_metadata, self, &self->a);
	dma_map(_metadata, self, variant, first - PAD, PAD);
	dma_map(_metadata, self, variant, first, variant->len);
	dma_map(_metadata, self, variant, end, PAD);

	for (i = 0; i < n; i++)
		ASSERT_EQ(0, dma(self, p[i], &self->a))
			TH_LOG("warm-up DMA to %#llx failed", (unsigned long long)p[i]);

	dma_unmap(_metadata, self, first, variant->len);
	window_show(_metadata, self, &self->b);
	dma_map(_metadata, self, variant, first, variant->len);

	for (i = 0; i < n; i++) {
		uint32_t r = dma(self, p[i], inside[i] ? &self->b : &self->a);

		if (!r) {
			/* and the CPU sees the pattern where the device said */
			uint32_t w;

			memcpy(&w, (inside[i] ? self->b.va : self->a.va) +
			       (p[i] / PAGE) % BUF_PAGES * PAGE + p[i] % PAGE, sizeof(w));
			EXPECT_EQ(ITD_PATTERN, w);
		} else if (r == ITD_MISMATCH) {
			stale++;
			TH_LOG("stale IOTLB entry: DMA to %#llx (target +%#llx) hit the old page",
			       (unsigned long long)p[i], (unsigned long long)(p[i] - first));
		} else {
			EXPECT_EQ(0, r) TH_LOG("DMA to %#llx: result %#x",
					       (unsigned long long)p[i], r);
		}
	}
	ksft_print_msg("stale-dma: target [%#llx, %#llx) %d probes, %u stale, %u unmaps\n",
		       (unsigned long long)first, (unsigned long long)end, n, stale,
		       self->unmaps);
	ASSERT_EQ(0, stale);
}

TEST_HARNESS_MAIN
