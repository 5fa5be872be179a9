// SPDX-License-Identifier: GPL-2.0
/*
 * sva-bench: what the secondary TLB of a device bound to a process hears
 * while the kernel reclaims, unmaps, splits and ages that process's memory.
 *
 * Runs in the guest (make bench); the device is the iommufd mock SVA device,
 * which counts the notifier calls, commands and completion waits it gets
 * and keeps a software ATC. For each workload and repeat it prints one line
 *   @@ bench <workload> rep=<n> key=value...
 * that scripts/bench/bench-table.py turns into the before/after table. A small
 * "hot" working set stays cached by the device during every workload: the
 * walks needed to cache it again afterwards are the collateral damage.
 *
 * Usage: sva-bench [repeats]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "iommufd_test.h"
#include "test_hmm_uapi.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define MiB (1UL << 20)
#define HMM_DEV "/dev/hmm_dmirror0"
#define HOT_PAGES 128		/* fits the mock's ATC (512 entries) */

static size_t page_size;

struct dev {
	int fd;
	__u32 bond;
	__u32 pasid;
};

struct sample {
	struct iommu_test_sva_counters c;
	unsigned long changed;	/* pages whose translation the CPU changed */
	unsigned long hot_lost;	/* hot entries the device walked again */
	unsigned long long ns;	/* wall time of the operation */
	unsigned long stale;	/* audit: stale entries left behind */
};

static const char *workload = "setup";

static void die(const char *what)
{
	printf("@@ bench error %s: %s: %s\n", workload, what, strerror(errno));
	exit(1);
}

static void test_cmd(int fd, struct iommu_test_cmd *cmd, const char *what)
{
	cmd->size = sizeof(*cmd);
	if (ioctl(fd, IOMMU_TEST_CMD, cmd))
		die(what);
}

/* A mock device with PASID support, bound to this process */
static void dev_open(struct dev *d)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_test_cmd md = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.mock_domain_flags = { .dev_flags = MOCK_FLAGS_DEVICE_PASID },
	};
	struct iommu_test_cmd bind = { .op = IOMMU_TEST_OP_SVA_BIND };

	d->fd = open("/dev/iommu", O_RDWR);
	if (d->fd < 0)
		die("open /dev/iommu");
	if (ioctl(d->fd, IOMMU_IOAS_ALLOC, &ioas))
		die("IOMMU_IOAS_ALLOC");
	md.id = ioas.out_ioas_id;
	test_cmd(d->fd, &md, "mock domain");
	bind.id = md.mock_domain_flags.out_stdev_id;
	test_cmd(d->fd, &bind, "SVA bind");
	d->bond = bind.sva_bind.out_bond_id;
	d->pasid = bind.sva_bind.out_pasid;
}

static int dev_access(struct dev *d, void *addr, size_t len, void *buf)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_SVA_ACCESS,
		.id = d->bond,
		.sva_access = {
			.flags = MOCK_SVA_ACCESS_CHECK,
			.pasid = d->pasid,
			.addr = (uintptr_t)addr,
			.length = len,
			.uptr = (uintptr_t)buf,
		},
	};

	return ioctl(d->fd, IOMMU_TEST_CMD, &cmd);
}

static void dev_counters(struct dev *d, __u32 flags,
			 struct iommu_test_sva_counters *c)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_SVA_COUNTERS,
		.id = d->bond,
		.sva_counters = {
			.flags = flags,
			.length = sizeof(*c),
			.uptr = (uintptr_t)c,
		},
	};

	test_cmd(d->fd, &cmd, "SVA counters");
}

/* The device reads a byte of each page: its ATC caches them */
static void dev_touch(struct dev *d, void *p, size_t len)
{
	uint8_t byte;
	size_t i;

	for (i = 0; i < len; i += page_size)
		if (dev_access(d, (uint8_t *)p + i, 1, &byte))
			die("device access");
}

static void *map_anon(size_t len, size_t align)
{
	uint8_t *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;

	if (p == MAP_FAILED)
		die("mmap");
	if (!align)
		return p;
	a = (uint8_t *)(((uintptr_t)p + align - 1) & ~(align - 1));
	if (a != p)
		munmap(p, a - p);
	munmap(a + len, p + align - a);
	return a;
}

/* This process's /proc/self/pagemap: a child opens its own */
static int pagemap_fd = -1;

static uint64_t pagemap_entry(void *p)
{
	uint64_t ent = 0;

	if (pagemap_fd < 0)
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pread(pagemap_fd, &ent, 8, (uintptr_t)p / page_size * 8) != 8)
		die("pagemap");
	return ent;
}

static pid_t fork_child(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0 && pagemap_fd >= 0) {
		close(pagemap_fd);
		pagemap_fd = -1;
	}
	return pid;
}

static unsigned long pages_swapped(uint8_t *p, size_t len)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < len; i += page_size)
		n += !!(pagemap_entry(p + i) & (1ULL << 62));
	return n;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * x86 batches reclaim's TLB flushes only when another CPU may hold the
 * mm: a thread of the process spins on the other CPU while it runs.
 */
static volatile bool spin_stop;

static void *spin(void *arg __attribute__((unused)))
{
	while (!spin_stop)
		;
	return NULL;
}

static pthread_t spinner_start(void)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_attr_t attr;
	pthread_t t;
	cpu_set_t set;

	spin_stop = false;
	CPU_ZERO(&set);
	CPU_SET((sched_getcpu() + 1) % ncpus, &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (pthread_create(&t, &attr, spin, NULL))
		die("pthread_create");
	pthread_attr_destroy(&attr);
	return t;
}

static void spinner_stop(pthread_t t)
{
	spin_stop = true;
	pthread_join(t, NULL);
}

static uint8_t *hot;

/* Cache the hot set, then start counting */
static void begin(struct dev *d)
{
	struct iommu_test_sva_counters c;

	dev_touch(d, hot, HOT_PAGES * page_size);
	dev_counters(d, MOCK_SVA_COUNTERS_RESET, &c);
}

/* Counters of the operation, then what it cost the hot set */
static void end(struct dev *d, struct sample *s)
{
	struct iommu_test_sva_counters c;

	dev_counters(d, MOCK_SVA_COUNTERS_AUDIT, &s->c);
	s->stale = s->c.audit_stale + s->c.audit_stale_walk + s->c.stale_hits;
	dev_counters(d, MOCK_SVA_COUNTERS_RESET, &c);
	dev_touch(d, hot, HOT_PAGES * page_size);
	dev_counters(d, 0, &c);
	s->hot_lost = c.atc_misses;
}

static void report(const char *name, int rep, struct sample *s)
{
	printf("@@ bench %s rep=%d changed=%lu calls=%llu full=%llu pages=%llu cmds=%llu syncs=%llu hot=%d hot_lost=%lu stale=%lu ns=%llu\n",
	       name, rep, s->changed, s->c.inval_calls, s->c.inval_full,
	       s->c.inval_pages, s->c.inval_cmds, s->c.syncs, HOT_PAGES,
	       s->hot_lost, s->stale, s->ns);
	fflush(stdout);
}

/* Reclaim what the device cached of [p, p + len), batched */
static void pageout(struct dev *d, int rep, uint8_t *p, size_t len,
		    const char *name)
{
	struct sample s = {};
	unsigned long long t;
	pthread_t th;

	dev_touch(d, p, len);
	th = spinner_start();
	begin(d);
	t = now_ns();
	madvise(p, len, MADV_PAGEOUT);
	s.ns = now_ns() - t;
	spinner_stop(th);
	s.changed = pages_swapped(p, len);
	end(d, &s);
	report(name, rep, &s);
}

/* Reclaim 64 MiB the device had cached: dirty, then clean (swap cache) */
static void w_pageout(struct dev *d, int rep)
{
	size_t len = 64 * MiB, i;
	uint8_t *p = map_anon(len, 0);
	volatile uint8_t sum = 0;

	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("MADV_NOHUGEPAGE");
	memset(p, 0x5a, len);
	pageout(d, rep, p, len, "pageout_dirty_64M");
	/* Read back: clean pages, their swap copies kept */
	for (i = 0; i < len; i += page_size)
		sum += p[i];
	pageout(d, rep, p, len, "pageout_clean_64M");
	munmap(p, len);
}

/*
 * len bytes at a 2 MiB boundary, with a populated page just below and just
 * above: which page tables the munmap frees, hence the span it must flush,
 * no longer depends on where mmap() put the region. *resv is the whole
 * reservation, for the final munmap.
 */
static uint8_t *map_guarded(size_t len, uint8_t **resv)
{
	size_t align = 2 * MiB;
	uint8_t *p;

	*resv = map_anon(len + 2 * align, 0);
	p = (uint8_t *)(((uintptr_t)*resv + page_size + align - 1) & ~(align - 1));
	if (madvise(*resv, len + 2 * align, MADV_NOHUGEPAGE))
		die("MADV_NOHUGEPAGE");
	p[-1] = 1;
	p[len] = 1;
	return p;
}

static void w_munmap(struct dev *d, int rep, size_t len, const char *name)
{
	struct sample s = { .changed = len / page_size };
	unsigned long long t;
	uint8_t *resv, *p = map_guarded(len, &resv);

	memset(p, 1, len);
	dev_touch(d, p, len);
	begin(d);
	t = now_ns();
	munmap(p, len);
	s.ns = now_ns() - t;
	end(d, &s);
	report(name, rep, &s);
	munmap(resv, len + 4 * MiB);
}

/* Every 8th page of 1 MiB, one munmap each */
static void w_munmap_scattered(struct dev *d, int rep)
{
	size_t len = MiB, i;
	uint8_t *p = map_anon(len, 0);
	struct sample s = {};
	unsigned long long t;

	memset(p, 1, len);
	dev_touch(d, p, len);
	begin(d);
	t = now_ns();
	for (i = 0; i < len; i += 8 * page_size, s.changed++)
		munmap(p + i, page_size);
	s.ns = now_ns() - t;
	end(d, &s);
	report("munmap_scattered_32x1", rep, &s);
	munmap(p, len);
}

/* Zap one page of a PMD-mapped THP: the PMD is split, 2 MiB changes */
static void w_thp_split(struct dev *d, int rep)
{
	size_t len = 2 * MiB;
	uint8_t *p = map_anon(len, len);
	struct sample s = { .changed = len / page_size };
	unsigned long long t;

	if (madvise(p, len, MADV_HUGEPAGE))
		die("MADV_HUGEPAGE");
	memset(p, 2, len);
	if (!(pagemap_entry(p) & (1ULL << 63))) {
		printf("@@ bench thp_split skipped no THP\n");
		munmap(p, len);
		return;
	}
	dev_touch(d, p, len);
	begin(d);
	t = now_ns();
	madvise(p + len / 2, page_size, MADV_DONTNEED);
	s.ns = now_ns() - t;
	end(d, &s);
	report("thp_split", rep, &s);
	munmap(p, len);
}

/*
 * Aging: the device keeps using 64 pages, the CPU 64 others; page_idle
 * clears every young bit, then only the device touches its pages. A
 * referenced page is one page_idle no longer reports idle.
 */
static void w_aging(struct dev *d, int rep)
{
	size_t n = 64, i;
	uint8_t *p = map_anon(2 * n * page_size, 0);
	int idle = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
	unsigned long ref_hot = 0, ref_cold = 0, hot_n = 0, cold_n = 0;
	bool tracked[2 * 64];
	struct sample s = {};
	uint64_t bits;

	if (idle < 0) {
		printf("@@ bench aging skipped no page_idle\n");
		return;
	}
	memset(p, 3, 2 * n * page_size);
	dev_touch(d, p, n * page_size);
	begin(d);
	for (i = 0; i < 2 * n; i++) {
		uint64_t pfn = pagemap_entry(p + i * page_size) & ((1ULL << 55) - 1);

		bits = ~0ULL;
		pwrite(idle, &bits, 8, pfn / 64 * 8);
		/* Pages not on an LRU list yet (still batched) are not tracked */
		if (pread(idle, &bits, 8, pfn / 64 * 8) != 8)
			die("page_idle");
		tracked[i] = bits & (1ULL << (pfn % 64));
	}
	dev_touch(d, p, n * page_size);
	for (i = 0; i < 2 * n; i++) {
		uint64_t pfn = pagemap_entry(p + i * page_size) & ((1ULL << 55) - 1);

		if (!tracked[i])
			continue;
		if (pread(idle, &bits, 8, pfn / 64 * 8) != 8)
			die("page_idle");
		*(i < n ? &hot_n : &cold_n) += 1;
		if (!(bits & (1ULL << (pfn % 64))))
			*(i < n ? &ref_hot : &ref_cold) += 1;
	}
	end(d, &s);
	printf("@@ bench aging rep=%d hot_pages=%lu hot_referenced=%lu cold_pages=%lu cold_referenced=%lu calls=%llu\n",
	       rep, hot_n, ref_hot, cold_n, ref_cold, s.c.inval_calls);
	fflush(stdout);
	close(idle);
	munmap(p, 2 * n * page_size);
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die(path);
	close(fd);
}

/*
 * Two bound processes in one memory cgroup, reclaimed by one write to
 * memory.reclaim: their pages share reclaim's batches.
 */
static void w_two_procs(int rep)
{
	const char *cg = "/sys/fs/cgroup/sva-bench";
	size_t len = 16 * MiB;
	int go[2], done[2], res[2], i, fd;
	struct sample sum = {}, s;
	unsigned long long t;
	char c;
	pid_t kids[2];

	/* The memory controller, for the children of the root cgroup */
	fd = open("/sys/fs/cgroup/cgroup.subtree_control", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "+memory", 7) < 0)
			fd = -1;
		close(fd);
	}
	if (fd < 0 || (mkdir(cg, 0755) && errno != EEXIST)) {
		printf("@@ bench two_procs skipped no memory cgroup\n");
		return;
	}
	if (pipe(go) || pipe(done) || pipe(res))
		die("pipe");
	for (i = 0; i < 2; i++) {
		kids[i] = fork_child();
		if (kids[i] == 0) {
			struct dev d;
			uint8_t *p;
			pthread_t th;

			/* Charged to the cgroup from the first page on */
			write_file("/sys/fs/cgroup/sva-bench/cgroup.procs", "0");
			dev_open(&d);
			p = map_anon(len, 0);
			madvise(p, len, MADV_NOHUGEPAGE);
			memset(p, 7, len);
			dev_touch(&d, p, len);
			th = spinner_start();
			begin(&d);
			memset(&s, 0, sizeof(s));
			if (write(done[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
				exit(1);
			spinner_stop(th);
			s.changed = pages_swapped(p, len);
			end(&d, &s);
			if (write(res[1], &s, sizeof(s)) != sizeof(s))
				exit(1);
			exit(0);
		}
	}
	/* Only the children write these: a child that died reads as EOF */
	close(done[1]);
	close(res[1]);
	close(go[0]);
	for (i = 0; i < 2; i++)
		if (read(done[0], &c, 1) != 1)
			die("child");
	/* -EAGAIN when less was reclaimed: what was is counted below */
	fd = open("/sys/fs/cgroup/sva-bench/memory.reclaim", O_WRONLY);
	if (fd < 0)
		die("memory.reclaim");
	t = now_ns();
	if (write(fd, "32M", 3) < 0 && errno != EAGAIN)
		die("memory.reclaim");
	sum.ns = now_ns() - t;
	close(fd);
	if (write(go[1], "gg", 2) != 2)
		die("pipe");
	for (i = 0; i < 2; i++) {
		if (read(res[0], &s, sizeof(s)) != sizeof(s))
			die("child result");
		sum.changed += s.changed;
		sum.hot_lost += s.hot_lost;
		sum.stale += s.stale;
		sum.c.inval_calls += s.c.inval_calls;
		sum.c.inval_full += s.c.inval_full;
		sum.c.inval_pages += s.c.inval_pages;
		sum.c.inval_cmds += s.c.inval_cmds;
		sum.c.syncs += s.c.syncs;
	}
	for (i = 0; i < 2; i++)
		waitpid(kids[i], NULL, 0);
	close(go[1]);
	close(done[0]);
	close(res[0]);
	rmdir(cg);
	/* Each child has its own hot set: report both */
	printf("@@ bench two_procs rep=%d changed=%lu calls=%llu full=%llu pages=%llu cmds=%llu syncs=%llu hot=%d hot_lost=%lu stale=%lu ns=%llu\n",
	       rep, sum.changed, sum.c.inval_calls, sum.c.inval_full,
	       sum.c.inval_pages, sum.c.inval_cmds, sum.c.syncs, 2 * HOT_PAGES,
	       sum.hot_lost, sum.stale, sum.ns);
	fflush(stdout);
}

/* Secondary-TLB notifier events recorded by the tracepoint since cleared */
static long trace_events(void)
{
	FILE *f = fopen("/sys/kernel/tracing/trace", "r");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += line[0] != '#' && strstr(line, "invalidate_secondary_tlbs");
	fclose(f);
	return n;
}

#define TP_DIR "/sys/kernel/tracing/events/mmu_notifier/mmu_notifier_arch_invalidate_secondary_tlbs/"

/*
 * A process that never binds a device: reclaim 16 MiB and munmap 1 MiB in
 * a child, and count the secondary-TLB notifier events in its context (the
 * tracepoint filtered on its pid). With hmm, the child first opens the HMM
 * test driver, which mirrors it with an interval notifier: a process with
 * notifiers but no secondary TLB, as KVM, HMM and GPU drivers make. Its
 * mirror holds the 16 MiB, so each change is also an invalidation there.
 */
static void w_notifier_only(int rep, bool hmm, const char *name)
{
	unsigned long long t, ns;
	size_t len = 16 * MiB;
	int status, go[2], fd;
	char filter[64], c;
	pid_t kid;

	if (access(TP_DIR "enable", W_OK)) {
		printf("@@ bench %s skipped no tracepoint\n", name);
		return;
	}
	if (hmm && access(HMM_DEV, R_OK | W_OK)) {
		printf("@@ bench %s skipped no %s (CONFIG_TEST_HMM)\n", name, HMM_DEV);
		return;
	}
	if (pipe(go))
		die("pipe");
	kid = fork_child();
	if (kid == 0) {
		uint8_t *p, *buf = NULL;
		int mirror = -1;
		pthread_t th;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			exit(1);
		p = map_anon(len, 0);
		madvise(p, len, MADV_NOHUGEPAGE);
		memset(p, 9, len);
		if (hmm) {
			struct hmm_dmirror_cmd cmd = {
				.addr = (uintptr_t)p,
				.npages = len / page_size,
			};

			buf = malloc(len);
			mirror = open(HMM_DEV, O_RDWR);
			cmd.ptr = (uintptr_t)buf;
			if (!buf || mirror < 0 ||
			    ioctl(mirror, HMM_DMIRROR_READ, &cmd))
				exit(2);
		}
		th = spinner_start();
		madvise(p, len, MADV_PAGEOUT);
		munmap(p, MiB);
		spinner_stop(th);
		exit(0);
	}
	close(go[0]);
	snprintf(filter, sizeof(filter), "common_pid == %d", kid);
	write_file(TP_DIR "filter", filter);
	/* Only O_TRUNC empties the buffer: the last workload's events stay */
	fd = open("/sys/kernel/tracing/trace", O_WRONLY | O_TRUNC);
	if (fd < 0)
		die("clearing the trace");
	close(fd);
	write_file(TP_DIR "enable", "1");
	t = now_ns();
	if (write(go[1], "g", 1) != 1)
		die("pipe");
	close(go[1]);
	waitpid(kid, &status, 0);
	ns = now_ns() - t;
	write_file(TP_DIR "enable", "0");
	write_file(TP_DIR "filter", "0");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		errno = 0;
		die(hmm ? "child (HMM mirror)" : "child");
	}
	printf("@@ bench %s rep=%d calls=%ld ns=%llu\n", name, rep, trace_events(), ns);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 3, rep;
	struct dev d;

	page_size = sysconf(_SC_PAGE_SIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * The mock device cannot fault pages in (no PRI): NUMA hinting
	 * (protnone PTEs) and khugepaged (a PMD cleared while it collapses)
	 * would make its accesses fail at random.
	 */
	write_file("/proc/sys/kernel/numa_balancing", "0");
	dev_open(&d);
	hot = map_anon(HOT_PAGES * page_size, 0);
	madvise(hot, HOT_PAGES * page_size, MADV_NOHUGEPAGE);
	memset(hot, 0x11, HOT_PAGES * page_size);
	printf("@@ bench begin reps=%d page=%zu hot=%d\n", reps, page_size, HOT_PAGES);
	for (rep = 0; rep < reps; rep++) {
		workload = "pageout";
		w_pageout(&d, rep);
		workload = "munmap";
		w_munmap(&d, rep, MiB, "munmap_1M");
		w_munmap(&d, rep, 64 * MiB, "munmap_64M");
		w_munmap_scattered(&d, rep);
		workload = "thp_split";
		w_thp_split(&d, rep);
		workload = "aging";
		w_aging(&d, rep);
		workload = "two_procs";
		w_two_procs(rep);
		workload = "plain";
		w_notifier_only(rep, false, "plain");
		workload = "hmm_mirror";
		w_notifier_only(rep, true, "hmm_mirror");
	}
	printf("@@ bench end\n");
	return 0;
}
