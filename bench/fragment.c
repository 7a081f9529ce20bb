// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fragment - fragment physical memory reproducibly and hold that state, for
 * bench/compare.sh (see bench/COMPARE.md).
 *
 *   fragment --scenario anon|pagecache|slab|pinned --size SIZE [OPTIONS]
 *
 * It prepares the machine (grows lazily initialised zones, flushes and drains
 * the per-CPU free lists, compacts once to clear deferral left by a previous
 * try), builds the scenario, drains the per-CPU lists again, prints ONE line
 *
 *   ready scenario=S size_kb=N memfree_kb=N free2m=N build_s=X pid=N [more]
 *
 * (free2m: 2 MiB blocks free in buddyinfo; [more]: what the scenario built)
 * on stdout (progress goes to stderr) and holds the state until SIGTERM,
 * SIGINT or SIGHUP. Then it frees everything (munmap, close the pipes, drop
 * and unlink its files, remove its directories) and exits 0. A signal before
 * "ready" frees what was built and exits 130; an error exits 1, a usage error
 * or a refusal (size above --max-share, too little memory or disk) 2.
 * Standard input is not read.
 *
 * Runs as root: it writes /proc/sys/vm/{stat_refresh,compact_memory} and
 * reads physical frame numbers from /proc/self/pagemap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

#define KIB		1024UL
#define MIB		(1024UL * KIB)
#define GIB		(1024UL * MIB)
#define HPAGE		(2 * MIB)	/* the pool the benchmark fills */

/*
 * Zone growth (KERNEL.md §10): global MemFree counts memory
 * that is not yet in any zone; node MemFree does not. The zones grow in
 * 128 MiB sections, so a gap under two sections means "fully grown".
 */
#define GROW_DONE_KIB	(256 * 1024UL)
#define GROW_CHUNK	(256 * MIB)
/* Stop touching memory to grow zones when less than this is free at all. */
#define GROW_FLOOR_KIB	(1536 * 1024UL)
/* Memory a scenario must leave free besides --size (others, watermarks). */
#define SPARE_KIB	(1024 * 1024UL)

enum scenario { SC_ANON, SC_PAGECACHE, SC_SLAB, SC_PINNED };
static const char *const scenario_names[] = { "anon", "pagecache", "slab", "pinned" };

static struct {
	enum scenario sc;
	unsigned long size;		/* bytes of memory to fragment */
	double max_share;
	const char *dir;		/* for the page-cache file and the slab dirs */
	const char *file;		/* --file: page-cache file, kept at exit */
	unsigned long chunk;		/* pagecache interleave granularity */
	int threads;			/* slab: stat() threads */
	int prepare;			/* grow, drain, compact first */
} opt = { .max_share = 0.6, .dir = "/var/tmp", .chunk = 64 * KIB, .prepare = 1 };

/* Everything to release at exit; cleanup() frees whatever is set. */
static struct {
	char *region;			/* anonymous region */
	size_t region_len;
	char datafile[PATH_MAX];	/* page-cache file */
	int datafile_ours;		/* unlink it at exit */
	int datafd;
	char slabdir[PATH_MAX];		/* top slab directory, ours */
	int nsubdirs;
	int *pipes;			/* pinned: read and write ends */
	int npipes;
} st = { .datafd = -1 };

static volatile sig_atomic_t stop;
static long pagesz;

/* log2(2 MiB / page size): 9 with 4 KiB pages */
static unsigned hp_shift(void)
{
	static unsigned shift;

	if (!shift)
		while ((pagesz << shift) < (long)HPAGE)
			shift++;
	return shift;
}

static void on_signal(int sig)
{
	stop = sig;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void vmsg(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void vmsg(const char *fmt, va_list ap)
{
	fputs("fragment: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

static void cleanup(void);

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	cleanup();
	exit(code);
}

/* ---- kernel files ------------------------------------------------------ */

/* One field of a meminfo-style file, in kB ("Node 0 MemFree: 123 kB" too). */
static long meminfo_kb(const char *path, const char *field)
{
	char line[256];
	size_t flen = strlen(field);
	long val = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		if (!strncmp(p, "Node ", 5)) {		/* skip "Node N " */
			p = strchr(p + 5, ' ');
			if (!p)
				continue;
			p++;
		}
		if (!strncmp(p, field, flen) && p[flen] == ':') {
			val = strtol(p + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

static long global_kb(const char *field)
{
	return meminfo_kb("/proc/meminfo", field);
}

/* Sum of a field over every node's meminfo; -1 without node files. */
static long nodes_kb(const char *field)
{
	char path[96];
	long sum = 0;
	int found = 0;

	/* Node ids may have gaps; 1024 is the kernel's usual MAX_NUMNODES. */
	for (int n = 0; n < 1024; n++) {
		long v;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", n);
		v = meminfo_kb(path, field);
		if (v < 0)
			continue;
		sum += v;
		found = 1;
	}
	return found ? sum : -1;
}

/* 2 MiB blocks the buddy allocator could hand out now (buddyinfo). */
static long buddy_free_2m(void)
{
	char line[512];
	int hp_order = (int)hp_shift();
	long total = 0;
	FILE *f = fopen("/proc/buddyinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "zone");
		char *end;
		int order = 0;

		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')		/* zone name */
			p++;
		for (;;) {
			unsigned long n = strtoul(p, &end, 10);

			if (end == p)
				break;
			if (order >= hp_order)
				total += (long)(n << (order - hp_order));
			order++;
			p = end;
		}
	}
	fclose(f);
	return total;
}

static int write_kfile(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return close(fd) ? -errno : 0;
}

/*
 * Pages freed by the previous step sit on per-CPU lists, in neither buddyinfo
 * nor MemFree (up to about 1.3 GiB per CPU after a large free). A write to
 * stat_refresh makes every CPU run decay_pcp_high(), which gives back at most
 * batch << PCP_BATCH_SCALE_MAX (about 2000) pages per CPU and zone, and lowers
 * the list's high mark by an eighth. So write it until MemFree stops growing:
 * what is left is the lists' high_min, about 40 MiB per CPU here.
 */
static void drain_pcp(void)
{
	long prev = global_kb("MemFree"), start = prev;
	int calm = 0, i;
	double t0 = now_s();

	for (i = 0; i < 5000 && calm < 3 && !stop; i++) {
		int rc = write_kfile("/proc/sys/vm/stat_refresh", "1");
		long cur;

		if (rc) {
			msg("/proc/sys/vm/stat_refresh: %s (per-CPU lists not drained)", strerror(-rc));
			return;
		}
		cur = global_kb("MemFree");
		calm = cur - prev < 256 ? calm + 1 : 0;		/* 64 pages */
		prev = cur;
	}
	msg("drained per-CPU lists: MemFree %+ld MiB, %d writes of stat_refresh, %.2f s",
	    (prev - start) / 1024, i, now_s() - t0);
}

/* ---- memory helpers ---------------------------------------------------- */

static char *map_anon(size_t len, int advice)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die(1, "mmap %zu MiB: %s", len / MIB, strerror(errno));
	if (madvise(p, len, advice))
		die(1, "madvise(%s): %s",
		    advice == MADV_HUGEPAGE ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE", strerror(errno));
	return p;
}

static void touch(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += pagesz)
		((volatile char *)p)[off] = 1;
}

/* Fault in [p, p+len) in 64 MiB steps; 0, or -EINTR when a signal came. */
static int populate(char *p, size_t len)
{
	static int no_populate;
	const size_t step = 64 * MIB;

	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;

		if (stop)
			return -EINTR;
		if (!no_populate && madvise(p + off, n, MADV_POPULATE_WRITE)) {
			if (errno == EINVAL) {
				no_populate = 1;	/* kernel < 5.14 */
			} else if (errno == EINTR) {
				return -EINTR;
			} else {
				die(1, "MADV_POPULATE_WRITE: %s", strerror(errno));
			}
		}
		if (no_populate)
			touch(p + off, n);
	}
	return 0;
}

/* The physical-frame side of /proc/self/pagemap (root only: otherwise the
 * PFNs read as 0). Streams in batches; calls fn(index, pfn) per present page. */
static int pagemap_walk(char *p, size_t npages, void (*fn)(size_t, uint64_t, void *), void *arg)
{
	uint64_t buf[4096];
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	size_t first = (uintptr_t)p / pagesz;
	int any = 0;

	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < npages; ) {
		size_t n = npages - i < 4096 ? npages - i : 4096;
		ssize_t got = pread(fd, buf, n * 8, (off_t)((first + i) * 8));

		if (got <= 0) {
			close(fd);
			return got < 0 ? -errno : -EIO;
		}
		n = (size_t)got / 8;
		for (size_t k = 0; k < n; k++) {
			uint64_t e = buf[k], pfn = e & ((1ULL << 55) - 1);

			if (!(e >> 63) || !pfn)
				continue;
			any = 1;
			fn(i + k, pfn, arg);
		}
		i += n;
	}
	close(fd);
	return any ? 0 : -EPERM;
}

/* A bit per 2 MiB physical block, grown as frame numbers come. */
struct blockset {
	unsigned char *bits;
	size_t nbytes;
	size_t count;
};

/* Set the bit of a block; 1 if it was new. */
static int blockset_add(struct blockset *b, uint64_t block)
{
	size_t byte = block / 8;

	if (byte >= b->nbytes) {
		size_t n = (byte + 1) * 2;
		unsigned char *nb = realloc(b->bits, n);

		if (!nb)
			die(1, "out of memory");
		memset(nb + b->nbytes, 0, n - b->nbytes);
		b->bits = nb;
		b->nbytes = n;
	}
	if (b->bits[byte] & (1u << (block % 8)))
		return 0;
	b->bits[byte] |= 1u << (block % 8);
	b->count++;
	return 1;
}

/* Where the blocks are: " phys_mib=P10/P50/P90", the physical address (MiB)
 * below which 10%, 50% and 90% of them lie. Compaction works from both ends
 * of a zone, so the same state compacts differently at another place. */
static void blockset_where(const struct blockset *b, char *out, size_t outlen)
{
	static const int pct[] = { 10, 50, 90 };
	size_t seen = 0, k = 0, len = 0;

	out[0] = 0;
	for (size_t block = 0; block < b->nbytes * 8 && k < 3; block++) {
		if (!(b->bits[block / 8] & (1u << (block % 8))))
			continue;
		seen++;
		while (k < 3 && seen * 100 >= (size_t)pct[k] * b->count) {
			len += snprintf(out + len, outlen - len, "%s%zu", k ? "/" : " phys_mib=",
					block * (HPAGE / MIB));
			k++;
		}
	}
}

/* ---- preparation (KERNEL.md §5, §9 and §10) ------------------------------ */

/*
 * deferred_init=lazy and the like: memory enters a zone only when an
 * allocation hits the watermark. If it is not grown before the test, a
 * hugepage write grows the zone and gets fresh 2 MiB blocks, whatever was
 * fragmented. So touch memory (THP, which is faster and grows zones too)
 * until global MemFree and the nodes' MemFree agree, then free it all.
 */
static void grow_zones(void)
{
	long gap = global_kb("MemFree") - nodes_kb("MemFree");
	char **chunks;
	size_t n = 0, max;
	double t0 = now_s();
	long gap0 = gap;

	if (nodes_kb("MemFree") < 0) {
		msg("no node meminfo: zone growth not checked");
		return;
	}
	if (gap <= (long)GROW_DONE_KIB) {
		msg("zones fully grown (MemFree outside the zones: %ld MiB)", gap / 1024);
		return;
	}
	max = (size_t)global_kb("MemTotal") * KIB / GROW_CHUNK + 1;
	chunks = calloc(max, sizeof(*chunks));
	if (!chunks)
		die(1, "out of memory");
	msg("growing zones: %ld MiB of MemFree is in no zone yet; touching memory", gap / 1024);
	while (gap > (long)GROW_DONE_KIB && n < max && !stop) {
		if (global_kb("MemFree") < (long)GROW_FLOOR_KIB) {
			msg("stopped growing zones: MemFree below %lu MiB, %ld MiB still in no zone",
			    GROW_FLOOR_KIB / 1024, gap / 1024);
			break;
		}
		chunks[n] = map_anon(GROW_CHUNK, MADV_HUGEPAGE);
		if (populate(chunks[n], GROW_CHUNK) < 0) {
			n++;
			break;
		}
		n++;
		gap = global_kb("MemFree") - nodes_kb("MemFree");
	}
	for (size_t i = 0; i < n; i++)
		munmap(chunks[i], GROW_CHUNK);
	free(chunks);
	if (stop)
		die(130, "interrupted while growing zones");
	msg("grew zones by %ld MiB in %.1f s (touched %zu MiB; %ld MiB left outside)",
	    (gap0 - gap) / 1024, now_s() - t0, n * (GROW_CHUNK / MIB), gap / 1024);
}

/*
 * Per-CPU pages of CPU cpu, summed over zones, and the largest high_min:
 *   pagesets
 *     cpu: 0
 *               count:    9618
 *               high:     10081
 *               batch:    63
 *               high_min: 10081
 */
static void pcp_of_cpu(int cpu, long *count, long *high_min)
{
	char line[256];
	int cur = -1;
	long v;
	FILE *f = fopen("/proc/zoneinfo", "re");

	*count = *high_min = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " cpu: %d", &cur) == 1)
			continue;
		if (strncmp(line, "Node", 4) == 0)
			cur = -1;
		else if (cur == cpu && sscanf(line, " count: %ld", &v) == 1)
			*count += v;
		else if (cur == cpu && sscanf(line, " high_min: %ld", &v) == 1 && v > *high_min)
			*high_min = v;
	}
	fclose(f);
}

/*
 * stat_refresh cannot take a per-CPU list below its high_min (about 10,000
 * pages, 40 MiB, per CPU here), and those pages are handed out first (the
 * lists are LIFO). After a pinned try they are the pins, one in every
 * second 2 MiB block: the next try's region would start in those blocks.
 * So on each CPU: take all the list's pages plus high_min fresh ones, free
 * the old ones first, then the fresh ones on top of them; the list
 * overflows, and the drain below, from the oldest end.
 */
static void flush_pcp(void)
{
	cpu_set_t all, one;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	if (sched_getaffinity(0, sizeof(all), &all))
		return;
	for (int cpu = 0; cpu < ncpu && cpu < CPU_SETSIZE; cpu++) {
		long count, high_min;
		size_t len;
		char *p;

		if (!CPU_ISSET(cpu, &all))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;
		pcp_of_cpu(cpu, &count, &high_min);
		len = (size_t)(count + high_min + 1024) * pagesz;
		p = map_anon(len, MADV_NOHUGEPAGE);
		touch(p, len);
		munmap(p, (size_t)count * pagesz);	/* the old pages first */
		munmap(p + count * pagesz, len - (size_t)count * pagesz);
	}
	sched_setaffinity(0, sizeof(all), &all);
}

static void prepare(void)
{
	int rc;

	grow_zones();
	flush_pcp();
	drain_pcp();
	/* A failed order-9 allocation of a previous try defers compaction in
	 * its zone; one full compaction before fragmenting starts each try
	 * from the same place. */
	rc = write_kfile("/proc/sys/vm/compact_memory", "1");
	if (rc)
		msg("/proc/sys/vm/compact_memory: %s", strerror(-rc));
}

/* ---- scenario: anon ---------------------------------------------------- */

struct count_arg {
	struct blockset bs;
	size_t stride;			/* count only pages i % stride == 0 */
};

static void count_block(size_t i, uint64_t pfn, void *arg)
{
	struct count_arg *c = arg;

	if (i % c->stride == 0)
		blockset_add(&c->bs, pfn >> hp_shift());
}

/* 4 KiB anonymous pages, every second one freed: no 2 MiB block is free. */
static int build_anon(char *extra, size_t extralen)
{
	size_t npages = opt.size / pagesz;
	struct count_arg c = { .stride = 2 };

	st.region_len = opt.size;
	st.region = map_anon(st.region_len, MADV_NOHUGEPAGE);
	if (populate(st.region, st.region_len))
		return -EINTR;
	/* where the kept pages are, before the others are freed */
	if (pagemap_walk(st.region, npages, count_block, &c) == 0) {
		char where[64];

		blockset_where(&c.bs, where, sizeof(where));
		snprintf(extra, extralen, " blocks=%zu%s", c.bs.count, where);
	}
	free(c.bs.bits);
	for (size_t i = 1; i < npages; i += 2) {
		if (madvise(st.region + i * pagesz, pagesz, MADV_DONTNEED))
			die(1, "MADV_DONTNEED: %s", strerror(errno));
		if ((i & 0xffff) == 1 && stop)
			return -EINTR;
	}
	return 0;
}

/* ---- scenario: pagecache ----------------------------------------------- */

static void check_disk_fs(const char *path)
{
	struct statfs sfs;

	if (statfs(path, &sfs))
		die(1, "%s: %s", path, strerror(errno));
	/* tmpfs pages are shmem: swap-backed, never dropped as clean cache,
	 * and tmpfs keeps no negative dentries. */
	if (sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC)
		die(2, "%s is on tmpfs/ramfs: give --dir on a disk-backed filesystem", path);
}

/* The file whose clean pages are interleaved: size/2, written once, fsynced. */
static void setup_pagecache(void)
{
	unsigned long need = opt.size / 2 / opt.chunk * opt.chunk;
	struct stat sb;
	int fd;

	check_disk_fs(opt.dir);
	if (opt.file) {
		snprintf(st.datafile, sizeof(st.datafile), "%s", opt.file);
		fd = open(st.datafile, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	} else {
		snprintf(st.datafile, sizeof(st.datafile), "%s/fragment-pagecache.XXXXXX", opt.dir);
		fd = mkostemp(st.datafile, O_CLOEXEC);
		st.datafile_ours = fd >= 0;
	}
	if (fd < 0)
		die(1, "%s: %s", st.datafile, strerror(errno));
	check_disk_fs(st.datafile);
	if (fstat(fd, &sb))
		die(1, "%s: %s", st.datafile, strerror(errno));
	if ((unsigned long)sb.st_size < need) {
		struct statvfs sv;
		char *buf;
		double t0 = now_s();

		if (fstatvfs(fd, &sv) == 0 &&
		    (unsigned long long)sv.f_bavail * sv.f_frsize < need - sb.st_size + GIB)
			die(2, "%s: not enough disk space for a %lu MiB file", st.datafile, need / MIB);
		msg("writing %lu MiB to %s", need / MIB, st.datafile);
		buf = malloc(MIB);
		if (!buf)
			die(1, "out of memory");
		for (size_t i = 0; i < MIB; i++)
			buf[i] = (char)(i * 2654435761u >> 13);
		for (unsigned long off = 0; off < need; off += MIB) {
			size_t n = need - off < MIB ? need - off : MIB;

			memcpy(buf, &off, sizeof(off));	/* no two MiB alike */
			if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
				die(1, "%s: write: %s", st.datafile, strerror(errno));
			if (stop)
				die(130, "interrupted while writing %s", st.datafile);
		}
		free(buf);
		msg("wrote %s in %.1f s", st.datafile, now_s() - t0);
	}
	/* Clean pages only: write back, then drop them, so that the reads
	 * below put every page in place, order 0, in the interleave. */
	if (fsync(fd))
		die(1, "%s: fsync: %s", st.datafile, strerror(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	/* No readahead: each read brings exactly its own pages. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	st.datafd = fd;
}

/* Read one chunk of the file, fault one chunk of anon, and so on; then free
 * the anon: the free holes sit between clean page-cache pages. */
static int build_pagecache(char *extra, size_t extralen)
{
	unsigned long n = opt.size / 2 / opt.chunk;
	long cached0 = global_kb("Cached");
	char *buf = malloc(opt.chunk);

	if (!buf)
		die(1, "out of memory");
	touch(buf, opt.chunk);
	st.region_len = n * opt.chunk;
	st.region = map_anon(st.region_len, MADV_NOHUGEPAGE);
	for (unsigned long i = 0; i < n; i++) {
		ssize_t got = pread(st.datafd, buf, opt.chunk, (off_t)(i * opt.chunk));

		if (got != (ssize_t)opt.chunk) {
			if (got < 0 && errno == EINTR && stop)
				break;
			die(1, "%s: read at %lu: %s", st.datafile, i * opt.chunk,
			    got < 0 ? strerror(errno) : "short read");
		}
		touch(st.region + i * opt.chunk, opt.chunk);
		if (stop)
			break;
	}
	free(buf);
	if (stop)
		return -EINTR;
	munmap(st.region, st.region_len);
	st.region = NULL;
	snprintf(extra, extralen, " file_kb=%lu cache_added_kb=%ld chunk_kb=%lu",
		 n * opt.chunk / KIB, global_kb("Cached") - cached0, opt.chunk / KIB);
	return 0;
}

/* ---- scenario: slab ---------------------------------------------------- */

struct slab_worker {
	pthread_t tid;
	int dirfd;
	int id;
	unsigned long slab_pages;	/* dentry slab pages to fill */
	int per_page;			/* dentries per slab page */
	char *anon;			/* this worker's slice of the region */
};

/* stat() of names that do not exist leaves a negative dentry each
 * (reclaimable slab, SReclaimable); after each slab page's worth,
 * one anonymous page. */
static void *slab_work(void *arg)
{
	struct slab_worker *w = arg;
	struct stat sb;
	char name[32];
	unsigned long k = 0;

	for (unsigned long pg = 0; pg < w->slab_pages && !stop; pg++) {
		for (int j = 0; j < w->per_page; j++, k++) {
			snprintf(name, sizeof(name), "n%lx", k);	/* inline name, no kmalloc */
			fstatat(w->dirfd, name, &sb, AT_SYMLINK_NOFOLLOW);
		}
		((volatile char *)w->anon)[pg * pagesz] = 1;
	}
	return NULL;
}

static int sysfs_int(const char *path, int dflt)
{
	FILE *f = fopen(path, "re");
	int v;

	if (!f)
		return dflt;
	if (fscanf(f, "%d", &v) != 1 || v <= 0)
		v = dflt;
	fclose(f);
	return v;
}

static void setup_slab(void)
{
	check_disk_fs(opt.dir);
	snprintf(st.slabdir, sizeof(st.slabdir), "%s/fragment-slab.XXXXXX", opt.dir);
	if (!mkdtemp(st.slabdir)) {
		st.slabdir[0] = 0;
		die(1, "mkdtemp in %s: %s", opt.dir, strerror(errno));
	}
	for (int i = 0; i < opt.threads; i++) {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/%d", st.slabdir, i);
		if (mkdir(path, 0700))
			die(1, "%s: %s", path, strerror(errno));
		st.nsubdirs = i + 1;
	}
}

static int build_slab(char *extra, size_t extralen)
{
	/* 192-byte dentries, 21 to a 4 KiB slab page on the VM */
	int per_page = sysfs_int("/sys/kernel/slab/dentry/objs_per_slab", 21);
	int order = sysfs_int("/sys/kernel/slab/dentry/order", 0);
	unsigned long pages = opt.size / 2 / pagesz;	/* slab pages = anon pages */
	unsigned long per_thread = pages / opt.threads;
	long srecl0 = global_kb("SReclaimable");
	struct slab_worker w[64];

	/* objs_per_slab counts objects of a (1 << order)-page slab */
	per_page = per_page >> order > 0 ? per_page >> order : 1;
	st.region_len = per_thread * opt.threads * pagesz;
	st.region = map_anon(st.region_len, MADV_NOHUGEPAGE);
	for (int i = 0; i < opt.threads; i++) {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/%d", st.slabdir, i);
		w[i] = (struct slab_worker){ .id = i, .slab_pages = per_thread,
			.per_page = per_page, .anon = st.region + i * per_thread * pagesz };
		w[i].dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (w[i].dirfd < 0)
			die(1, "%s: %s", path, strerror(errno));
	}
	for (int i = 0; i < opt.threads; i++)
		if ((errno = pthread_create(&w[i].tid, NULL, slab_work, &w[i])))
			die(1, "pthread_create: %s", strerror(errno));
	for (int i = 0; i < opt.threads; i++) {
		pthread_join(w[i].tid, NULL);
		close(w[i].dirfd);
	}
	if (stop)
		return -EINTR;
	munmap(st.region, st.region_len);
	st.region = NULL;
	snprintf(extra, extralen, " dentries=%lu slab_added_kb=%ld threads=%d",
		 per_thread * opt.threads * per_page, global_kb("SReclaimable") - srecl0,
		 opt.threads);
	return 0;
}

/* ---- scenario: pinned -------------------------------------------------- */

struct pin_arg {
	struct blockset seen;		/* physical 2 MiB blocks met so far */
	unsigned char *pin;		/* per page of the region: pin it */
	size_t npins;
	int by_pfn;
};

/* The first page met in every odd-numbered physical 2 MiB block. */
static void choose_pin(size_t i, uint64_t pfn, void *arg)
{
	struct pin_arg *a = arg;
	uint64_t block = pfn >> hp_shift();

	if (blockset_add(&a->seen, block) && (block & 1)) {
		a->pin[i] = 1;
		a->npins++;
	}
}

/* Pipe ends with room for one more page; a new pipe when the last is full. */
static int pin_page(char *page)
{
	struct iovec iov = { .iov_base = page, .iov_len = pagesz };

	for (;;) {
		if (st.npipes) {
			ssize_t n = vmsplice(st.pipes[2 * st.npipes - 1], &iov, 1,
					     SPLICE_F_NONBLOCK);

			if (n == (ssize_t)pagesz)
				return 0;
			if (n >= 0 || errno != EAGAIN)
				die(1, "vmsplice: %s", n < 0 ? strerror(errno) : "short");
		}
		/* full (or none yet): one more pipe, as large as allowed */
		int *np = realloc(st.pipes, (st.npipes + 1) * 2 * sizeof(int));

		if (!np)
			die(1, "out of memory");
		st.pipes = np;
		if (pipe2(np + 2 * st.npipes, O_CLOEXEC | O_NONBLOCK))
			die(1, "pipe2: %s", strerror(errno));
		st.npipes++;
		/* root may exceed fs.pipe-max-size (CAP_SYS_RESOURCE) */
		for (int sz = (int)(64 * MIB); sz >= (int)(64 * KIB); sz /= 2)
			if (fcntl(np[2 * st.npipes - 1], F_SETPIPE_SZ, sz) >= 0)
				break;
	}
}

/*
 * One page pinned with vmsplice() (the pipe holds a reference, so the page
 * can be neither migrated nor freed) in every second 2 MiB block of a large
 * anonymous region, all the rest freed. The blocks are physical: pagemap
 * says where each page is. Without PFNs (not root), the virtual 2 MiB blocks.
 */
static int build_pinned(char *extra, size_t extralen)
{
	size_t npages = opt.size / pagesz;
	size_t per_block = HPAGE / pagesz;
	struct pin_arg a = { 0 };
	size_t run = 0;
	char where[64];

	st.region_len = opt.size;
	st.region = map_anon(st.region_len, MADV_NOHUGEPAGE);
	if (populate(st.region, st.region_len))
		return -EINTR;
	a.pin = calloc(npages, 1);
	if (!a.pin)
		die(1, "out of memory");
	a.by_pfn = pagemap_walk(st.region, npages, choose_pin, &a) == 0;
	if (!a.by_pfn) {
		msg("no physical frame numbers (pagemap): pinning in virtual 2 MiB blocks");
		for (size_t i = per_block; i < npages; i += 2 * per_block) {
			a.pin[i] = 1;
			a.npins++;
		}
	}
	/* pin, then free every run of pages between the pinned ones */
	for (size_t i = 0; i <= npages; i++) {
		if (i < npages && !a.pin[i]) {
			run++;
			continue;
		}
		if (run && madvise(st.region + (i - run) * pagesz, run * pagesz, MADV_DONTNEED))
			die(1, "MADV_DONTNEED: %s", strerror(errno));
		run = 0;
		if (i < npages)
			pin_page(st.region + i * pagesz);
		if (stop)
			break;
	}
	blockset_where(&a.seen, where, sizeof(where));
	snprintf(extra, extralen, " pinned=%zu blocks_seen=%zu%s pipes=%d by=%s",
		 a.npins, a.seen.count, where, st.npipes, a.by_pfn ? "pfn" : "vaddr");
	free(a.pin);
	free(a.seen.bits);
	return stop ? -EINTR : 0;
}

/* ---- cleanup ----------------------------------------------------------- */

static void cleanup(void)
{
	for (int i = 0; i < 2 * st.npipes; i++)
		close(st.pipes[i]);
	free(st.pipes);
	st.pipes = NULL;
	st.npipes = 0;
	if (st.region) {
		munmap(st.region, st.region_len);
		st.region = NULL;
	}
	if (st.datafd >= 0) {
		/* a kept --file must not leave its pages for the next try */
		posix_fadvise(st.datafd, 0, 0, POSIX_FADV_DONTNEED);
		close(st.datafd);
		st.datafd = -1;
	}
	if (st.datafile_ours && st.datafile[0]) {
		unlink(st.datafile);
		st.datafile_ours = 0;
	}
	if (st.slabdir[0]) {
		/* rmdir shrinks the directory's dentries, negative ones too */
		for (int i = 0; i < st.nsubdirs; i++) {
			char path[PATH_MAX + 16];

			snprintf(path, sizeof(path), "%s/%d", st.slabdir, i);
			if (rmdir(path))
				msg("%s: %s", path, strerror(errno));
		}
		if (rmdir(st.slabdir))
			msg("%s: %s", st.slabdir, strerror(errno));
		st.slabdir[0] = 0;
	}
}

/* ---- options ----------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("Usage: fragment --scenario anon|pagecache|slab|pinned --size SIZE [OPTIONS]\n"
	      "\n"
	      "Fragment physical memory, print \"ready ...\" on stdout, hold the state until\n"
	      "SIGTERM/SIGINT/SIGHUP, then free everything and exit 0.\n"
	      "\n"
	      "  -s, --scenario S    anon: 4K anonymous pages, every 2nd freed\n"
	      "                      pagecache: clean page cache interleaved with freed anon\n"
	      "                      slab: negative dentries interleaved with freed anon\n"
	      "                      pinned: a vmsplice()-pinned page in every 2nd 2M block\n"
	      "  -S, --size SIZE     memory to fragment, e.g. 14G, 512M (suffix K, M, G)\n"
	      "  -m, --max-share F   refuse a SIZE above F x MemTotal (default 0.6)\n"
	      "  -d, --dir DIR       disk-backed directory for the page-cache file and the\n"
	      "                      slab directories (default /var/tmp; not tmpfs)\n"
	      "  -f, --file FILE     pagecache: use FILE (created or reused, kept at exit)\n"
	      "  -c, --chunk SIZE    pagecache: interleave granularity (default 64K)\n"
	      "  -t, --threads N     slab: stat() threads (default: online CPUs, at most 8)\n"
	      "      --no-prepare    skip zone growth, per-CPU drain and compaction\n"
	      "  -h, --help          show this help\n"
	      "\n"
	      "Exit: 0 stopped by a signal after ready, 1 error, 2 usage or refused,\n"
	      "130 signal before ready.\n", f);
}

static unsigned long parse_size(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		goto bad;
	switch (*end) {
	case 'k': case 'K': v *= KIB; end++; break;
	case 'm': case 'M': v *= MIB; end++; break;
	case 'g': case 'G': v *= GIB; end++; break;
	case 0: break;
	default: goto bad;
	}
	if (*end == 'i')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v > 1e15)
		goto bad;
	return (unsigned long)v;
bad:
	fprintf(stderr, "fragment: %s: bad size '%s'\n", what, s);
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	int i, have_sc = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;

#define IS(l, s) (!strcmp(a, l) || !strcmp(a, s))
		if (IS("--help", "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--no-prepare")) {
			opt.prepare = 0;
			takes = 0;
		} else if (!v && a[0] == '-') {
			fprintf(stderr, "fragment: %s needs a value\n", a);
			exit(2);
		} else if (IS("--scenario", "-s")) {
			size_t k;

			for (k = 0; k < sizeof(scenario_names) / sizeof(*scenario_names); k++)
				if (!strcmp(v, scenario_names[k]))
					break;
			if (k == sizeof(scenario_names) / sizeof(*scenario_names)) {
				fprintf(stderr, "fragment: unknown scenario '%s'\n", v);
				exit(2);
			}
			opt.sc = k;
			have_sc = 1;
		} else if (IS("--size", "-S")) {
			opt.size = parse_size(v, "--size");
		} else if (IS("--max-share", "-m")) {
			char *end;

			opt.max_share = strtod(v, &end);
			if (*end || !(opt.max_share > 0 && opt.max_share <= 0.9)) {
				fprintf(stderr, "fragment: --max-share: '%s' is not in (0, 0.9]\n", v);
				exit(2);
			}
		} else if (IS("--dir", "-d")) {
			opt.dir = v;
		} else if (IS("--file", "-f")) {
			opt.file = v;
		} else if (IS("--chunk", "-c")) {
			opt.chunk = parse_size(v, "--chunk");
		} else if (IS("--threads", "-t")) {
			opt.threads = atoi(v);
			if (opt.threads < 1 || opt.threads > 64) {
				fprintf(stderr, "fragment: --threads: '%s' is not in 1..64\n", v);
				exit(2);
			}
		} else {
			fprintf(stderr, "fragment: unknown argument '%s'\n", a);
			usage(stderr);
			exit(2);
		}
#undef IS
		i += takes;
	}
	if (!have_sc || !opt.size) {
		usage(stderr);
		exit(2);
	}
	if (opt.chunk % pagesz || opt.chunk > 64 * MIB) {
		fprintf(stderr, "fragment: --chunk must be a multiple of %ld up to 64M\n", pagesz);
		exit(2);
	}
	if (!opt.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		opt.threads = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	}
	/* whole 2 MiB blocks (and page-cache chunks) */
	opt.size = opt.size / (2 * HPAGE) * (2 * HPAGE);
	if (!opt.size) {
		fprintf(stderr, "fragment: --size below 4 MiB\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char extra[256] = "";
	long memtotal, memfree;
	double t0;
	int rc = 0;
	sigset_t block, old;

	pagesz = sysconf(_SC_PAGESIZE);
	parse_args(argc, argv);
	/* no SA_RESTART: a signal ends a blocking read at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (geteuid() != 0)
		die(2, "run as root (writes /proc/sys/vm, reads /proc/self/pagemap)");

	memtotal = global_kb("MemTotal");
	if (memtotal <= 0)
		die(1, "/proc/meminfo: no MemTotal");
	if (opt.size / KIB > opt.max_share * memtotal)
		die(2, "--size %lu MiB is above --max-share %.2f of MemTotal (%ld MiB): refused",
		    opt.size / MIB, opt.max_share, memtotal / 1024);

	t0 = now_s();
	if (opt.sc == SC_PAGECACHE)
		setup_pagecache();
	else if (opt.sc == SC_SLAB)
		setup_slab();
	if (opt.prepare)
		prepare();
	memfree = global_kb("MemFree");
	if (opt.size / KIB + SPARE_KIB > (unsigned long)memfree)
		die(2, "--size %lu MiB: only %ld MiB free (1 GiB must stay free): refused",
		    opt.size / MIB, memfree / 1024);

	msg("building %s, %lu MiB", scenario_names[opt.sc], opt.size / MIB);
	switch (opt.sc) {
	case SC_ANON:
		rc = build_anon(extra, sizeof(extra));
		break;
	case SC_PAGECACHE:
		rc = build_pagecache(extra, sizeof(extra));
		break;
	case SC_SLAB:
		rc = build_slab(extra, sizeof(extra));
		break;
	case SC_PINNED:
		rc = build_pinned(extra, sizeof(extra));
		break;
	}
	if (rc)
		die(130, "interrupted (signal %d) before ready", (int)stop);
	drain_pcp();

	printf("ready scenario=%s size_kb=%lu memfree_kb=%ld free2m=%ld build_s=%.1f pid=%ld%s\n",
	       scenario_names[opt.sc], opt.size / KIB, global_kb("MemFree"), buddy_free_2m(),
	       now_s() - t0, (long)getpid(), extra);
	if (fflush(stdout) == EOF)
		die(1, "stdout: %s", strerror(errno));

	/* hold until a signal; sigsuspend closes the check-then-sleep race */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!stop)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	msg("signal %d: freeing everything", (int)stop);
	cleanup();
	return 0;
}
