/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The map: the class of a page from the flag words the kernels print (6.1,
 * 6.18, 7.3), the class of a range from its counts, the rules per kernel,
 * the zones and their edges, the streamed reader on the generated tree of
 * every class (tests/fixtures/map/gen-classes.py) and on broken copies of
 * it, the refusal without root, and the live machine.
 */
#include "testutil.h"
#include "runbin.h"

#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpageflags.h"
#include "mapjudge.h"
#include "mapread.h"
#include "pagemap.h"
#include "snapshot.h"
#include "snapshot_read.h"

#define CLASSES "build/fixtures/map/classes"

/* Words the kernels print for each kind of page (KERNEL.md §14), and their class. */
static const struct {
	uint64_t flags, cgroup;
	enum page_class want;
	const char *what;
} words[] = {
	{ 0x400, 0, PC_FREE, "free, every page of a buddy block (all kernels)" },
	{ 0x0, 0, PC_UNKNOWN, "flag-less, uncharged: per-CPU free or kernel" },
	{ 0x0, 23, PC_KERNEL, "flag-less, charged: kernel stack, pipe buffer" },
	{ 0x28000, 0, PC_POOL, "hugetlb head" },
	{ 0x30000, 0, PC_POOL, "hugetlb tail" },
	{ 0x40040d82c, 0, PC_MOVABLE, "6.1 THP head (LRU)" },
	{ 0x411800, 0, PC_MOVABLE, "6.1 THP tail: THP without LRU" },
	{ 0x40041582c, 0, PC_MOVABLE, "7.3 THP tail: LRU on every page" },
	{ 0x80, 0, PC_SLAB, "slab, order 0" },
	{ 0x8080, 0, PC_SLAB, "slab head" },
	{ 0x10080, 0, PC_SLAB, "slab tail" },
	{ 0x1080, 0, PC_SLAB, "6.18 slab with ANON" },
	{ 0x11080, 0, PC_SLAB, "6.18 slab tail with ANON" },
	{ 0x4000000, 0, PC_PAGETABLE, "page table" },
	{ 0x4000004, 7, PC_PAGETABLE, "7.3 page table, REFERENCED" },
	{ 0x100000000, 0, PC_RESERVED, "reserved (memblock, firmware)" },
	{ 0x900000000, 0, PC_RESERVED, "the memmap: RESERVED + PRIVATE" },
	{ 0x101000000, 0, PC_RESERVED, "the zero page: RESERVED + ZERO_PAGE" },
	{ 0x1400000, 0, PC_KERNEL, "the huge zero page: ZERO_PAGE + THP" },
	{ 0x60004582c, 28, PC_MOVABLE, "mlocked anon (LRU UNEVICTABLE MLOCKED)" },
	{ 0x20204483c, 0, PC_MOVABLE, "6.18 mlocked file page" },
	{ 0x8000, 0, PC_KERNEL, "kernel compound head (kmalloc_large)" },
	{ 0x10000, 0, PC_KERNEL, "kernel compound tail" },
	{ 0x5828, 0, PC_MOVABLE, "user page in a per-CPU LRU batch" },
	{ 0x400005808, 0, PC_MOVABLE, "user page off the LRU, 7.3" },
	{ 0x100000, 0, PC_HOLE, "NOPAGE: no struct page (6.1 PCI hole, memmap=)" },
	{ 0x800000, 0, PC_OFFLINE, "PageOffline: balloon, virtio-mem" },
	{ 0x80000, 0, PC_OTHER, "HWPOISON" },
	{ 0x80400, 0, PC_OTHER, "HWPOISON on a buddy page" },
	{ 0x4, 0, PC_OTHER, "REFERENCED only: nothing says what it is" },
	{ 0x800000000, 0, PC_OTHER, "PRIVATE only (zsmalloc)" },
};

static void page_class_of_every_word(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (pagemap_page_class(words[i].flags, words[i].cgroup) != words[i].want)
			fail_msg("%#llx (%s): %s, expected %s", (unsigned long long)words[i].flags, words[i].what,
				 page_class_name(pagemap_page_class(words[i].flags, words[i].cgroup)),
				 page_class_name(words[i].want));
}

static void count_holes_and_past_the_end(void **state)
{
	static const uint64_t flags[6] = { 0, 0, 0x400, 0x60004582c, 0x80, 0 };
	static const uint64_t cg[6] = { 0, 23, 0, 0, 0, 0 };
	struct range_counts rc = { 0 };

	(void)state;
	pagemap_count_pages(&rc, flags, cg, 6, false);
	assert_int_equal(rc.pages[PC_UNKNOWN], 2);	/* the first and the last */
	assert_int_equal(rc.pages[PC_KERNEL], 1);
	assert_int_equal(rc.pages[PC_FREE], 1);
	assert_int_equal(rc.pages[PC_MOVABLE], 1);
	assert_int_equal(rc.mlocked, 1);
	assert_int_equal(rc.pages[PC_SLAB], 1);
	assert_int_equal(rc.flagless, 3);
	/* a flag-less section: holes, whatever the cgroup says */
	pagemap_count_pages(&rc, flags, cg, 6, true);
	assert_int_equal(rc.pages[PC_HOLE], 6);
	/* past the end of the file: no struct page */
	pagemap_count_pages(&rc, NULL, NULL, 10, false);
	assert_int_equal(rc.pages[PC_HOLE], 16);
	/* no kpagecgroup: every flag-less page is doubtful */
	memset(&rc, 0, sizeof(rc));
	pagemap_count_pages(&rc, flags, NULL, 6, false);
	assert_int_equal(rc.pages[PC_UNKNOWN], 3);
	assert_int_equal(rc.pages[PC_KERNEL], 0);
}

/* A snapshot of one node, 4K pages, 11 orders: enough for the rules. */
static void small_snapshot(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->page_size = 4096;
	s->nr_orders = 11;
}

static void rules_by_size_and_kernel(void **state)
{
	struct kernel_version k61 = { 6, 1 }, k618 = { 6, 18 }, k73 = { 7, 3 };
	struct pagemap_rules r;
	struct bc_error err;
	struct snapshot s;

	(void)state;
	small_snapshot(&s);
	assert_int_equal(pagemap_rules_init(&r, &s, 2048, &k61, false, &err), 0);
	assert_int_equal(r.range_pages, 512);
	assert_int_equal(r.section_pages, 32768);
	assert_false(r.gigantic);
	assert_true(r.movable_zone);		/* 2M may come from ZONE_MOVABLE */
	assert_false(r.pool_pages_move);
	assert_int_equal(pagemap_rules_init(&r, &s, 4096, &k73, false, &err), 0);
	assert_false(r.gigantic);		/* order 10: still the buddy allocator's */
	assert_false(r.pool_pages_move);	/* compaction never moves hugetlb pages */
	assert_int_equal(pagemap_rules_init(&r, &s, 1048576, &k618, false, &err), 0);
	assert_true(r.gigantic);
	assert_false(r.movable_zone);
	assert_false(r.pool_pages_move);	/* 6.18 skips a range with a hugetlb page */
	assert_int_equal(pagemap_rules_init(&r, &s, 1048576, &k73, true, &err), 0);
	assert_true(r.movable_zone);		/* vm.movable_gigantic_pages = 1 */
	assert_true(r.pool_pages_move);		/* 7.3 migrates the smaller ones */
	assert_int_equal(pagemap_rules_init(&r, &s, 1048576, NULL, false, &err), 0);
	assert_false(r.pool_pages_move);	/* unknown kernel: the older rule */
	assert_int_equal(pagemap_rules_init(&r, &s, 3072, &k61, false, &err), -BC_EUSAGE);
	assert_contains(err.msg, "--size: 3072 kB is not a power-of-two multiple of the 4096-byte page");
	assert_int_equal(pagemap_rules_init(&r, &s, 32, &k61, false, &err), -BC_EUSAGE);	/* 8 pages */
	assert_int_equal(pagemap_rules_init(&r, &s, 128ull << 20, &k61, false, &err), -BC_EUSAGE);
	s.page_size = 65536;
	assert_int_equal(pagemap_rules_init(&r, &s, 2, &k61, false, &err), -BC_EUSAGE);
	assert_contains(err.msg, "not a multiple of the 65536-byte page");
}

/* A range of 512 pages: the rest of it free. */
static struct range_counts range_of(enum page_class c, uint32_t n, enum page_class c2, uint32_t n2)
{
	struct range_counts rc = { 0 };

	rc.pages[c] += n;
	rc.pages[c2] += n2;
	rc.pages[PC_FREE] += 512 - n - n2;
	return rc;
}

static void range_classes(void **state)
{
	struct pagemap_zone z = { .name = "Normal", .start_pfn = 0, .end_pfn = 1 << 20, .usable = true };
	struct pagemap_zone mz = { .name = "Movable", .start_pfn = 0, .end_pfn = 1 << 20, .usable = false };
	struct kernel_version k61 = { 6, 1 };
	struct pagemap_rules r;
	struct range_counts rc;
	enum page_class b;
	struct snapshot s;

	(void)state;
	small_snapshot(&s);
	assert_int_equal(pagemap_rules_init(&r, &s, 2048, &k61, false, NULL), 0);
	rc = range_of(PC_FREE, 0, PC_FREE, 0);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_FREE);
	assert_int_equal(b, PC_NR);
	rc = range_of(PC_MOVABLE, 500, PC_FREE, 0);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_COMPACTABLE);
	rc = range_of(PC_MOVABLE, 500, PC_UNKNOWN, 1);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_MAYBE);
	rc = range_of(PC_POOL, 512, PC_FREE, 0);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_POOL);
	rc = range_of(PC_POOL, 256, PC_FREE, 0);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_POOL);
	/* the most lasting blocker first: reserved before slab, hole before all */
	rc = range_of(PC_SLAB, 300, PC_RESERVED, 1);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_RESERVED);
	rc = range_of(PC_OFFLINE, 3, PC_HOLE, 1);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_HOLE);
	rc = range_of(PC_SLAB, 1, PC_UNKNOWN, 100);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_SLAB);
	rc = range_of(PC_KERNEL, 1, PC_PAGETABLE, 1);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_KERNEL);
	rc = range_of(PC_OTHER, 1, PC_PAGETABLE, 1);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_OTHER);
	/* flag-less pages charged to a cgroup: up to 16 and nothing else in the way, maybe */
	rc = range_of(PC_KERNEL, 16, PC_MOVABLE, 100);
	rc.flagless = 16;
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_MAYBE);
	assert_int_equal(b, PC_NR);
	rc = range_of(PC_KERNEL, 17, PC_UNKNOWN, 3);
	rc.flagless = 20;
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_KERNEL);
	/* a compound kernel page among them (a kernel page, not flag-less): blocked */
	rc = range_of(PC_KERNEL, 3, PC_UNKNOWN, 1);
	rc.flagless = 3;
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	/* a few charged beside slab: blocked by kernel, the most lasting */
	rc = range_of(PC_KERNEL, 2, PC_SLAB, 1);
	rc.flagless = 2;
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_KERNEL);
	/* crossing a zone's edge, or a zone not used for the size: outside, whatever it holds */
	rc = range_of(PC_FREE, 0, PC_FREE, 0);
	assert_int_equal(pagemap_range_class(&r, &rc, NULL, &b), RC_OUTSIDE);
	assert_int_equal(pagemap_range_class(&r, &rc, &mz, &b), RC_OUTSIDE);
}

/*
 * Clean page cache no process maps (on an LRU list; not anonymous, shmem,
 * dirty, under writeback, mapped or mlocked) is what a drop frees: a
 * compactable range holding only that besides free pages is counted as
 * cache-only, with its cache pages; a range that also holds anything else
 * movable is not.
 */
static void clean_cache_only_ranges(void **state)
{
	static const uint64_t clean[] = { 0x28, 0x68, 0x2c, 0x6c };	/* UPTODATE LRU, ACTIVE, REFERENCED */
	static const uint64_t not_clean[] = {
		0x38,		/* DIRTY */
		0x128,		/* WRITEBACK */
		0x828,		/* MMAP: a process maps it */
		0x4028,		/* SWAPBACKED: shmem */
		0x2028,		/* SWAPCACHE */
		0x5868,		/* anonymous */
		0x20204483c,	/* 6.18 mlocked file page */
		0x5828,		/* a user page off the LRU (per-CPU batch) */
	};
	struct pagemap_zone z = { .name = "Normal", .start_pfn = 0, .end_pfn = 1 << 20, .usable = true };
	struct kernel_version k618 = { 6, 18 };
	uint64_t w[512];
	struct range_counts rc;
	struct pagemap_summary sum;
	struct pagemap_rules r;
	struct map_range m = { .zone = &z };
	struct snapshot s;
	unsigned i, k;

	(void)state;
	small_snapshot(&s);
	assert_int_equal(pagemap_rules_init(&r, &s, 2048, &k618, false, NULL), 0);
	memset(&sum, 0, sizeof(sum));
	/* every clean word: counted as cache, the range cache-only */
	for (k = 0; k < sizeof(clean) / sizeof(clean[0]); k++) {
		for (i = 0; i < 512; i++)
			w[i] = i < 200 ? clean[k] : 0x400;
		memset(&rc, 0, sizeof(rc));
		pagemap_count_pages(&rc, w, NULL, 512, false);
		assert_int_equal(rc.cache, 200);
		assert_int_equal(rc.pages[PC_MOVABLE], 200);
		m.rc = &rc;
		m.cls = pagemap_range_class(&r, &rc, &z, &m.blocker);
		assert_int_equal(m.cls, RC_COMPACTABLE);
		pagemap_summary_add(&sum, &m);
	}
	assert_int_equal(sum.cache_only, 4);
	assert_int_equal(sum.cache_only_pages, 800);
	/* one page of any other movable kind among the cache: not cache-only */
	for (k = 0; k < sizeof(not_clean) / sizeof(not_clean[0]); k++) {
		for (i = 0; i < 512; i++)
			w[i] = i < 200 ? 0x28 : i == 200 ? not_clean[k] : 0x400;
		memset(&rc, 0, sizeof(rc));
		pagemap_count_pages(&rc, w, NULL, 512, false);
		if (rc.cache != 200 || rc.pages[PC_MOVABLE] != 201)
			fail_msg("word %#llx: %u cache of %u movable, expected 200 of 201",
				 (unsigned long long)not_clean[k], rc.cache, rc.pages[PC_MOVABLE]);
		m.rc = &rc;
		m.cls = pagemap_range_class(&r, &rc, &z, &m.blocker);
		pagemap_summary_add(&sum, &m);
	}
	assert_int_equal(sum.cache_only, 4);
	/* a free range and a blocked one with cache: neither */
	for (i = 0; i < 512; i++)
		w[i] = i < 10 ? 0x28 : i == 10 ? 0x80 : 0x400;
	memset(&rc, 0, sizeof(rc));
	pagemap_count_pages(&rc, w, NULL, 512, false);
	m.cls = pagemap_range_class(&r, &rc, &z, &m.blocker);
	assert_int_equal(m.cls, RC_BLOCKED);
	pagemap_summary_add(&sum, &m);
	assert_int_equal(sum.cache_only, 4);
	assert_int_equal(sum.cache_only_pages, 800);
}

static void pool_pages_in_a_gigantic_range(void **state)
{
	struct pagemap_zone z = { .name = "Normal", .start_pfn = 0, .end_pfn = 1 << 20, .usable = true };
	struct kernel_version k618 = { 6, 18 }, k73 = { 7, 3 };
	struct range_counts rc = { 0 };
	struct pagemap_rules r;
	enum page_class b;
	struct snapshot s;

	(void)state;
	small_snapshot(&s);
	/* 1G: 100 pages of 2M hugetlb pages, the rest free */
	rc.pages[PC_POOL] = 512 * 100;
	rc.pages[PC_FREE] = 262144 - 512 * 100;
	assert_int_equal(pagemap_rules_init(&r, &s, 1048576, &k618, false, NULL), 0);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_BLOCKED);
	assert_int_equal(b, PC_POOL);
	assert_int_equal(pagemap_rules_init(&r, &s, 1048576, &k73, false, NULL), 0);
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_COMPACTABLE);
	/* a whole 1G hugetlb page is one already in the pool, on every kernel */
	rc.pages[PC_POOL] = 262144;
	rc.pages[PC_FREE] = 0;
	assert_int_equal(pagemap_range_class(&r, &rc, &z, &b), RC_POOL);
}

static void verdict_line(void **state)
{
	struct pagemap_summary s = { .node = 0 };
	char buf[512];

	(void)state;
	s.ranges[RC_FREE] = 1;
	s.ranges[RC_COMPACTABLE] = 2;
	s.ranges[RC_BLOCKED] = 19;
	s.blocked_by[PC_SLAB] = 17;
	s.blocked_by[PC_RESERVED] = 2;
	pagemap_verdict(buf, sizeof(buf), &s, 1048576);
	assert_string_equal(buf, "node 0, 1G: 3 ranges can be had (1 free, 2 by compaction); 19 blocked: slab in 17, reserved in 2");
	memset(&s, 0, sizeof(s));
	s.node = 3;
	s.ranges[RC_MAYBE] = 1;
	s.ranges[RC_POOL] = 4;
	pagemap_verdict(buf, sizeof(buf), &s, 2048);
	assert_string_equal(buf, "node 3, 2M: 0 ranges can be had; 1 maybe (flag-less pages); 4 already in the pool; none blocked");
	/* a tie goes to the more lasting blocker */
	memset(&s, 0, sizeof(s));
	s.ranges[RC_BLOCKED] = 2;
	s.blocked_by[PC_SLAB] = 1;
	s.blocked_by[PC_HOLE] = 1;
	pagemap_verdict(buf, sizeof(buf), &s, 2048);
	assert_string_equal(buf, "node 0, 2M: 0 ranges can be had; 2 blocked: hole in 1, slab in 1");
	pagemap_verdict(buf, 12, &s, 2048);	/* cut, NUL-terminated */
	assert_string_equal(buf, "node 0, 2M:");
}

/* A node with zones as zoneinfo gives them. */
static void zones_of_a_node(void **state)
{
	struct zone zs[4] = {
		{ .name = "Normal", .in_zoneinfo = true, .spanned = 1000, .start_pfn = 5000, .has_start_pfn = true },
		{ .name = "DMA32", .in_zoneinfo = true, .spanned = 900, .start_pfn = 100, .has_start_pfn = true },
		{ .name = "Movable", .in_zoneinfo = true, .spanned = 0 },	/* empty: no start_pfn */
		{ .name = "Device", .in_zoneinfo = true, .spanned = 1 << 30, .start_pfn = 1ull << 32, .has_start_pfn = true },
	};
	struct node nd = { .id = 2, .has_memory = true, .zones = zs, .nr_zones = 4 };
	struct kernel_version k61 = { 6, 1 };
	struct pagemap_rules r;
	struct pagemap_acc a;
	struct bc_error err;
	struct snapshot s;

	(void)state;
	small_snapshot(&s);
	assert_int_equal(pagemap_rules_init(&r, &s, 2048, &k61, false, NULL), 0);
	assert_int_equal(pagemap_acc_init(&a, &r, &nd, NULL, NULL, &err), 0);
	assert_int_equal(a.nr_zones, 2);
	assert_string_equal(a.zones[0].name, "DMA32");
	assert_int_equal(a.zones[0].end_pfn, 1000);
	assert_int_equal(a.span.start_pfn, 0);		/* 100 down to a range */
	assert_int_equal(a.span.end_pfn, 6144);		/* 6000 up to a range */
	assert_int_equal(a.span.need_end_pfn, 6000);
	assert_int_equal(a.sum.node, 2);
	zs[0].has_start_pfn = false;
	assert_int_equal(pagemap_acc_init(&a, &r, &nd, NULL, NULL, &err), -BC_EDATA);
	assert_string_equal(err.msg, "proc/zoneinfo: node 2 zone Normal has no 'start_pfn:' line: the map needs where the zone lies");
}

/* What each range of node 0 of the generated tree is (gen-classes.py's RANGES). */
static const struct {
	enum range_class cls;
	enum page_class blocker;
} classes_node0[] = {
	{ RC_OUTSIDE, PC_NR }, { RC_FREE, PC_NR }, { RC_COMPACTABLE, PC_NR }, { RC_COMPACTABLE, PC_NR },
	{ RC_COMPACTABLE, PC_NR }, { RC_COMPACTABLE, PC_NR }, { RC_MAYBE, PC_NR },
	{ RC_BLOCKED, PC_KERNEL }, { RC_BLOCKED, PC_SLAB }, { RC_BLOCKED, PC_SLAB },
	{ RC_BLOCKED, PC_PAGETABLE }, { RC_BLOCKED, PC_RESERVED }, { RC_BLOCKED, PC_RESERVED },
	{ RC_BLOCKED, PC_KERNEL }, { RC_BLOCKED, PC_KERNEL }, { RC_BLOCKED, PC_POOL }, { RC_POOL, PC_NR },
	{ RC_BLOCKED, PC_OFFLINE }, { RC_BLOCKED, PC_OTHER }, { RC_BLOCKED, PC_OTHER },
	{ RC_BLOCKED, PC_HOLE }, { RC_BLOCKED, PC_HOLE }, { RC_BLOCKED, PC_POOL },
	{ RC_COMPACTABLE, PC_NR }, { RC_MAYBE, PC_NR }, { RC_MAYBE, PC_NR }, { RC_BLOCKED, PC_KERNEL },
};

#define SEEN_MAX 1600	/* ranges kept: a 3 GiB node at 2M */
struct seen {
	unsigned n;
	uint64_t last_pfn;
	struct map_range r[SEEN_MAX];
	struct range_counts rc[SEEN_MAX];
	char zone[SEEN_MAX][24];	/* the zone's name: the acc and the snapshot are gone after */
};

static int remember(void *ctx, const struct map_range *m)
{
	struct seen *s = ctx;

	if (s->n && m->rc->first_pfn <= s->last_pfn)
		fail_msg("range at pfn %llu after pfn %llu: not in order", (unsigned long long)m->rc->first_pfn,
			 (unsigned long long)s->last_pfn);
	s->last_pfn = m->rc->first_pfn;
	if (s->n < SEEN_MAX) {
		s->rc[s->n] = *m->rc;
		s->r[s->n] = *m;
		s->r[s->n].rc = &s->rc[s->n];
		snprintf(s->zone[s->n], sizeof(s->zone[s->n]), "%s", m->zone ? m->zone->name : "(none)");
		s->r[s->n].zone = NULL;
	}
	s->n++;
	return 0;
}

/* Read node id of tree at size_kb with threads threads into *out. 0 or -kind. */
static int read_node_at(const char *tree, int id, uint64_t size_kb, unsigned threads, struct seen *out,
			struct pagemap_summary *sum, struct bc_error *err);

/* Read node id of tree at 2M with threads threads into *out. 0 or -kind. */
static int read_node(const char *tree, int id, unsigned threads, struct seen *out, struct pagemap_summary *sum,
		     struct bc_error *err)
{
	return read_node_at(tree, id, 2048, threads, out, sum, err);
}

static int read_node_at(const char *tree, int id, uint64_t size_kb, unsigned threads, struct seen *out,
			struct pagemap_summary *sum, struct bc_error *err)
{
	struct kernel_version k61 = { 6, 1 };
	struct pagemap_rules r;
	struct pagemap_acc *a = malloc(sizeof(*a));
	struct kpf_files f;
	struct snapshot snap;
	int rc;

	assert_non_null(a);
	memset(out, 0, sizeof(*out));
	assert_int_equal(snapshot_read(tree, &snap, err), 0);
	assert_int_equal(pagemap_rules_init(&r, &snap, size_kb, &k61, false, err), 0);
	assert_int_equal(pagemap_acc_init(a, &r, snapshot_node(&snap, id), remember, out, err), 0);
	rc = kpf_open(tree, &f, err);
	if (rc == 0) {
		rc = kpf_read(&f, &a->span, threads, &a->sink, err);
		kpf_close(&f);
	}
	if (sum)
		*sum = a->sum;
	free(a);
	snapshot_free(&snap);
	return rc;
}

static void every_class_from_the_tree(void **state)
{
	struct pagemap_summary sum;
	struct bc_error err;
	struct seen *s = malloc(sizeof(*s));
	unsigned i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(read_node(CLASSES, 0, 1, s, &sum, &err), 0);
	assert_int_equal(s->n, 128);
	for (i = 0; i < sizeof(classes_node0) / sizeof(classes_node0[0]); i++)
		if (s->r[i].cls != classes_node0[i].cls || s->r[i].blocker != classes_node0[i].blocker)
			fail_msg("node 0 range %u: %s/%s, expected %s/%s", i, range_class_name(s->r[i].cls),
				 page_class_name(s->r[i].blocker), range_class_name(classes_node0[i].cls),
				 page_class_name(classes_node0[i].blocker));
	/* range 64 crosses the gap between DMA32 and Normal: outside; its neighbours are not */
	assert_int_equal(s->r[64].cls, RC_OUTSIDE);
	assert_string_equal(s->zone[64], "(none)");
	assert_int_equal(s->r[63].cls, RC_FREE);
	assert_string_equal(s->zone[63], "DMA32");
	assert_string_equal(s->zone[65], "Normal");
	/* 2 outside, 1 pool; 26 ranges of kinds, the rest free: the sums match the ranges */
	assert_int_equal(sum.ranges[RC_OUTSIDE], 2);
	assert_int_equal(sum.ranges[RC_POOL], 1);
	assert_int_equal(sum.ranges[RC_COMPACTABLE], 5);
	assert_int_equal(sum.ranges[RC_MAYBE], 3);
	assert_int_equal(sum.ranges[RC_BLOCKED], 16);
	assert_int_equal(sum.ranges[RC_FREE], 128 - 2 - 1 - 5 - 3 - 16);
	/* the mlocked range (100) and the every-kind range (1): 101 mlocked pages to move */
	assert_int_equal(sum.mlocked, 101);
	/* node 1: a flag-less section (64 ranges) is a hole; Movable's ranges count for 2M */
	assert_int_equal(read_node(CLASSES, 1, 2, s, &sum, &err), 0);
	assert_int_equal(s->n, 136);
	for (i = 0; i < 64; i++)
		assert_int_equal(s->r[i].blocker, PC_HOLE);
	assert_int_equal(s->r[64].cls, RC_FREE);
	assert_int_equal(s->r[74].cls, RC_COMPACTABLE);
	assert_int_equal(s->r[135].cls, RC_FREE);
	assert_string_equal(s->zone[135], "Movable");
	free(s);
}

/*
 * The trees captured from the truth scenarios (tests/vm/guest/truth.sh) hold
 * the blockers put there on purpose, where they were put. Node 1 of these
 * guests (GUEST_NUMA='0:3072 1:3072') is 4-7 GiB.
 */
#define TRUTH_TREE(name) "build/fixtures/map/truth-6.1-" name
#define NODE1_PFN 0x100000u

static unsigned index_of(uint64_t pfn, uint64_t range_pages)
{
	return (unsigned)((pfn - NODE1_PFN) / range_pages);
}

/* memmap=64M$0x150000000: a hole of 32 2M ranges; memmap=1M$0x160100000: 256 reserved pages. */
static void truth_memmap_tree(void **state)
{
	struct pagemap_summary sum;
	struct bc_error err;
	struct seen *s = malloc(sizeof(*s));
	unsigned i, r;

	(void)state;
	assert_non_null(s);
	assert_int_equal(read_node(TRUTH_TREE("memmap"), 1, 2, s, &sum, &err), 0);
	assert_int_equal(s->r[0].rc->first_pfn, NODE1_PFN);
	for (i = 0; i < 32; i++) {
		r = index_of(0x150000 + i * 512, 512);
		assert_int_equal(s->r[r].cls, RC_BLOCKED);
		assert_int_equal(s->r[r].blocker, PC_HOLE);
		assert_int_equal(s->rc[r].pages[PC_HOLE], 512);
	}
	r = index_of(0x160000, 512);
	assert_int_equal(s->r[r].cls, RC_BLOCKED);
	assert_int_equal(s->r[r].blocker, PC_RESERVED);
	assert_int_equal(s->rc[r].pages[PC_RESERVED], 256);
	assert_int_equal(s->r[r - 1].cls, RC_FREE);
	/* at 1G the 5-6 GiB range holds both, the hole counted first */
	assert_int_equal(read_node_at(TRUTH_TREE("memmap"), 1, 1048576, 1, s, &sum, &err), 0);
	assert_int_equal(s->r[1].cls, RC_BLOCKED);
	assert_int_equal(s->r[1].blocker, PC_HOLE);
	assert_int_equal(s->r[1].blockers, (1u << PC_HOLE) | (1u << PC_RESERVED));
	assert_int_equal(s->rc[1].pages[PC_HOLE], 16384);
	free(s);
}

/* 1536 MiB mlocked in THPs from node 1's CPU: movable, mlocked, compactable 2M ranges. */
static void truth_mlock_tree(void **state)
{
	struct pagemap_summary sum;
	struct bc_error err;
	struct seen *s = malloc(sizeof(*s));

	(void)state;
	assert_non_null(s);
	assert_int_equal(read_node_at(TRUTH_TREE("mlockthp"), 1, 1048576, 1, s, &sum, &err), 0);
	assert_true(sum.pages[PC_MOVABLE] >= 1536u * 256);
	assert_true(s->rc[0].mlocked > 0 && s->rc[1].mlocked > 0);
	/* the mlocker's page tables sit among its pages: no 1G range can be had */
	assert_int_equal(sum.ranges[RC_FREE] + sum.ranges[RC_COMPACTABLE] + sum.ranges[RC_MAYBE], 0);
	assert_true(s->rc[0].pages[PC_PAGETABLE] > 500);
	assert_int_equal(read_node(TRUTH_TREE("mlockthp"), 1, 2, s, &sum, &err), 0);
	assert_true(sum.ranges[RC_COMPACTABLE] >= 700);
	assert_true(sum.mlocked > 0);
	free(s);
}

/* 2 x 60,000 files made while the nodes were full: slab in every 1G range of node 1. */
static void truth_slab_tree(void **state)
{
	struct pagemap_summary sum;
	struct bc_error err;
	struct seen *s = malloc(sizeof(*s));
	unsigned i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(read_node_at(TRUTH_TREE("slab"), 1, 1048576, 2, s, &sum, &err), 0);
	assert_int_equal(s->n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(s->r[i].cls, RC_BLOCKED);
		assert_true(s->r[i].blockers & (1u << PC_SLAB));
		assert_true(s->rc[i].pages[PC_SLAB] >= 500);
	}
	assert_int_equal(sum.holding[PC_SLAB], 3);
	free(s);
}

/* One thread or many: the same ranges, in the same order. */
static void threads_change_nothing(void **state)
{
	struct seen *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct pagemap_summary sa, sb;
	struct bc_error err;
	unsigned i;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(read_node(CLASSES, 0, 1, a, &sa, &err), 0);
	assert_int_equal(read_node(CLASSES, 0, 8, b, &sb, &err), 0);
	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n && i < 300; i++)
		assert_memory_equal(&a->rc[i], &b->rc[i], sizeof(a->rc[i]));
	assert_memory_equal(&sa, &sb, sizeof(sa));
	free(a);
	free(b);
}

/*
 * A node that starts far from page frame 0 (node 1 of the two-node guest, at
 * 5 GiB: its first slice is not the file's first), read with one thread and
 * with three: every range in order from the node's first page frame, each
 * holding its 512 pages, the same either way.
 */
static void node_far_from_zero(void **state)
{
	struct seen *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct pagemap_summary sa, sb;
	struct bc_error err;
	unsigned i, c;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(read_node("build/fixtures/map/guest-6.1-two-node", 1, 1, a, &sa, &err), 0);
	assert_int_equal(read_node("build/fixtures/map/guest-6.1-two-node", 1, 3, b, &sb, &err), 0);
	assert_int_equal(a->n, 1536);			/* 5-8 GiB in 2M ranges */
	assert_int_equal(b->n, 1536);
	for (i = 0; i < 300; i++) {
		uint64_t sum = 0;

		assert_int_equal(a->rc[i].first_pfn, (5ull << 18) + i * 512);
		for (c = 0; c < PC_NR; c++)
			sum += a->rc[i].pages[c];
		assert_int_equal(sum, 512);
		assert_memory_equal(&a->rc[i], &b->rc[i], sizeof(a->rc[i]));
	}
	assert_memory_equal(&sa, &sb, sizeof(sa));
	free(a);
	free(b);
}

/* A copy of the classes tree at dir with its kpageflags (or kpagecgroup) cut to bytes. */
static void broken_copy(const char *dir, const char *file, off_t bytes)
{
	char cmd[512], path[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p build/fx && cp -r %s %s", dir, CLASSES, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/proc/%s", dir, file);
	assert_int_equal(truncate(path, bytes), 0);
}

static void cut_files(void **state)
{
	struct bc_error err;
	struct seen *s = malloc(sizeof(*s));

	(void)state;
	assert_non_null(s);
	/* cut inside node 0's zones: named with the offset */
	broken_copy("build/fx/map-cut", "kpageflags", 40000 * 8);
	assert_int_equal(read_node("build/fx/map-cut", 0, 2, s, NULL, &err), -BC_EDATA);
	assert_string_equal(err.msg, "build/fx/map-cut/proc/kpageflags: ends at offset 320000 (page frame 40000), before the node's last zone ends at page frame 65536");
	/* not a whole number of words */
	broken_copy("build/fx/map-odd", "kpageflags", 135168 * 8 - 3);
	assert_int_equal(read_node("build/fx/map-odd", 0, 2, s, NULL, &err), -BC_EDATA);
	assert_string_equal(err.msg, "build/fx/map-odd/proc/kpageflags: 1081341 bytes, not a whole number of 8-byte words: cut at offset 1081336");
	broken_copy("build/fx/map-odd", "kpagecgroup", 12);
	assert_int_equal(read_node("build/fx/map-odd", 0, 2, s, NULL, &err), -BC_EDATA);
	assert_string_equal(err.msg, "build/fx/map-odd/proc/kpagecgroup: 12 bytes, not a whole number of 8-byte words: cut at offset 8");
	/* kpagecgroup shorter than the flag-less pages it must tell apart */
	broken_copy("build/fx/map-cg", "kpagecgroup", 3000 * 8);
	assert_int_equal(read_node("build/fx/map-cg", 0, 1, s, NULL, &err), -BC_EDATA);
	assert_string_equal(err.msg, "build/fx/map-cg/proc/kpagecgroup: ends before offset 24576 (page frame 3072), which build/fx/map-cg/proc/kpageflags has");
	/* past node 1's zones the file may end: the 6.1 file ends at max_pfn */
	broken_copy("build/fx/map-end", "kpageflags", 135168 * 8);
	assert_int_equal(read_node("build/fx/map-end", 1, 2, s, NULL, &err), 0);
	/* no kpageflags at all; no kpagecgroup is only less known */
	assert_int_equal(system("rm -f build/fx/map-end/proc/kpagecgroup"), 0);
	assert_int_equal(read_node("build/fx/map-end", 0, 2, s, NULL, &err), 0);
	assert_int_equal(s->r[7].cls, RC_MAYBE);	/* charged flag-less pages no longer known */
	assert_int_equal(system("rm -f build/fx/map-end/proc/kpageflags"), 0);
	assert_int_equal(read_node("build/fx/map-end", 0, 2, s, NULL, &err), -BC_ENOINPUT);
	assert_string_equal(err.msg, "build/fx/map-end/proc/kpageflags: No such file or directory");
	/* a FIFO where the file should be: refused, never opened */
	assert_int_equal(mkfifo("build/fx/map-end/proc/kpageflags", 0600), 0);
	assert_int_equal(read_node("build/fx/map-end", 0, 2, s, NULL, &err), -BC_EDATA);
	assert_contains(err.msg, "not a regular file");
	free(s);
}

/* The sums without a renderer (for estimate and the reports): those of reading each node. */
static void sums_for_callers(void **state)
{
	struct pagemap_summary sums[2], one;
	struct pagemap_judging *j = malloc(sizeof(*j));
	struct pagemap_judge ops;
	struct seen *seen = malloc(sizeof(*seen));
	struct bc_error err;
	struct snapshot snap;
	unsigned nr, i;

	(void)state;
	assert_non_null(seen);
	assert_non_null(j);
	assert_int_equal(snapshot_read(CLASSES, &snap, &err), 0);
	pagemap_judging_init(j, &ops, false);
	assert_int_equal(map_read_sums(CLASSES, &snap, 2048, NULL, &ops, sums, &nr, &err), 0);
	assert_int_equal(nr, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(read_node(CLASSES, (int)i, 2, seen, &one, &err), 0);
		assert_memory_equal(&sums[i], &one, sizeof(one));
	}
	assert_int_equal(map_read_sums("build/fx/nonexistent", &snap, 2048, NULL, &ops, sums, &nr, &err), -BC_ENOINPUT);
	snapshot_free(&snap);
	free(seen);
	free(j);
}

/* Without root the kernel refuses kpageflags (0400): map says so, exit 77. */
static void not_root(void **state)
{
	const char *bin = buddyctl_bin();
	int pfd[2], status;
	char err[2048];
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip_because("runs as root to drop to nobody (and here is not root)");
	if (access("/proc/kpageflags", F_OK) != 0)
		skip_because("no /proc/kpageflags (CONFIG_PROC_PAGE_MONITOR not set)");
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 2);
		dup2(open("/dev/null", O_WRONLY), 1);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(99);
		execl(bin, bin, "map", "--size", "1G", (char *)NULL);
		_exit(98);
	}
	close(pfd[1]);
	test_drain(pfd[0], err, sizeof(err));
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 77);
	assert_string_equal(err, "buddyctl: /proc/kpageflags: Permission denied: the map reads it, and only root may (mode 0400)\n");
}

/* The live machine: every page of node 0 counted once, pools where the kernel says. */
static void live_map(void **state)
{
	struct kernel_version kv = { 0 };
	struct pagemap_rules r;
	struct pagemap_acc *a;
	struct bc_error err;
	struct kpf_files f;
	struct snapshot snap;
	uint64_t total = 0;
	unsigned c;

	(void)state;
	if (geteuid() != 0)
		skip_because("not root: /proc/kpageflags is 0400");
	if (access("/proc/kpageflags", F_OK) != 0)
		skip_because("no /proc/kpageflags (CONFIG_PROC_PAGE_MONITOR not set)");
	assert_int_equal(snapshot_read("/", &snap, &err), 0);
	assert_int_equal(pagemap_rules_init(&r, &snap, 2048, &kv, false, &err), 0);
	a = malloc(sizeof(*a));
	assert_non_null(a);
	assert_int_equal(pagemap_acc_init(a, &r, &snap.nodes[0], NULL, NULL, &err), 0);
	assert_int_equal(kpf_open("/", &f, &err), 0);
	if (kpf_read(&f, &a->span, 2, &a->sink, &err) != 0)
		fail_msg("%s", err.msg);
	kpf_close(&f);
	for (c = 0; c < PC_NR; c++)
		total += a->sum.pages[c];
	/* every page of every range that is not outside, once */
	assert_int_equal(total, (a->span.end_pfn - a->span.start_pfn) -
			 a->sum.ranges[RC_OUTSIDE] * r.range_pages);
	assert_true(a->sum.pages[PC_FREE] > 0);
	assert_true(a->sum.ranges[RC_FREE] + a->sum.ranges[RC_COMPACTABLE] + a->sum.ranges[RC_BLOCKED] +
		    a->sum.ranges[RC_MAYBE] + a->sum.ranges[RC_POOL] + a->sum.ranges[RC_OUTSIDE] ==
		    (a->span.end_pfn - a->span.start_pfn) / r.range_pages);
	free(a);
	snapshot_free(&snap);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_class_of_every_word),
		cmocka_unit_test(count_holes_and_past_the_end),
		cmocka_unit_test(rules_by_size_and_kernel),
		cmocka_unit_test(range_classes),
		cmocka_unit_test(pool_pages_in_a_gigantic_range),
		cmocka_unit_test(clean_cache_only_ranges),
		cmocka_unit_test(verdict_line),
		cmocka_unit_test(zones_of_a_node),
		cmocka_unit_test(every_class_from_the_tree),
		cmocka_unit_test(truth_memmap_tree),
		cmocka_unit_test(truth_mlock_tree),
		cmocka_unit_test(truth_slab_tree),
		cmocka_unit_test(threads_change_nothing),
		cmocka_unit_test(node_far_from_zero),
		cmocka_unit_test(cut_files),
		cmocka_unit_test(sums_for_callers),
		cmocka_unit_test(not_root),
		cmocka_unit_test(live_map),
	};

	return cmocka_run_group_tests_name("pagemap", tests, NULL, NULL);
}
