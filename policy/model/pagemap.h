/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PAGEMAP_H
#define BUDDYCTL_PAGEMAP_H

/*
 * The map of physical memory (`buddyctl map`), as data: what each page is
 * by /proc/kpageflags (KERNEL.md §14), the pages of each class in every
 * aligned range of one size, the class of a range, and per node the ranges
 * of each class. policy/read/kpageflags.c fills struct range_counts through
 * a struct pagemap_sink; policy/judge/pagemap.c classifies pages and ranges
 * and sums them into struct pagemap_summary; cli/ renders.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "kernel.h"
#include "snapshot.h"

/*
 * What one page is. The order is the output's: first what is in the way of
 * nothing, then the one doubtful class, then what blocks a range.
 */
enum page_class {
	PC_FREE,	/* free in the buddy allocator (BUDDY) */
	PC_MOVABLE,	/* user memory compaction migrates: LRU, THP, mlocked, per-CPU LRU batches */
	PC_UNKNOWN,	/* flag-less, in no memory cgroup: free on a per-CPU list, or a kernel page */
	PC_POOL,	/* a hugetlb page (HUGE), free or in use */
	PC_SLAB,
	PC_PAGETABLE,
	PC_RESERVED,	/* PG_reserved: memblock, firmware, the kernel image, the memmap */
	PC_KERNEL,	/* a kernel page: flag-less and charged to a cgroup, compound, the zero page */
	PC_HOLE,	/* no struct page (NOPAGE), a whole flag-less section, past the file's end */
	PC_OFFLINE,	/* PageOffline: ballooned or offlined */
	PC_OTHER,	/* flags no rule above names */
	PC_NR
};

/* What one aligned range is. */
enum range_class {
	RC_FREE,	/* every page free: a hugepage of the size now */
	RC_COMPACTABLE,	/* free and movable pages only: compaction can clear it */
	RC_MAYBE,	/* besides free and movable, only flag-less pages: uncharged ones, or a few charged */
	RC_BLOCKED,	/* holds pages that cannot move (blocked_by says which first) */
	RC_POOL,	/* already hugetlb pages, all of it */
	RC_OUTSIDE,	/* not wholly in one zone of the node, or in a zone the size is never taken from */
	RC_NR
};

/* Short names: "free", "movable", ... and "free", "compactable", ... (the JSON and Prometheus words). */
const char *page_class_name(enum page_class c);
const char *range_class_name(enum range_class c);

/* Words for people: "slab", "page tables", "flag-less kernel pages", ... */
const char *page_class_words(enum page_class c);

/*
 * The memory cgroups a range's charged pages belong to (when asked: struct
 * pagemap_span's cgroup_flags): the first PAGEMAP_RANGE_OWNERS by their
 * kpagecgroup inode, the rest together.
 */
#define PAGEMAP_RANGE_OWNERS 4
struct range_owner {
	uint64_t ino;
	uint32_t pages;
};

/*
 * The pages of each class in one aligned range. uint32_t: a range is at most
 * PAGEMAP_MAX_RANGE_PAGES pages.
 */
#define PAGEMAP_MAX_RANGE_PAGES (1u << 24)
/* At most this many charged flag-less pages leave a range doubtful, not blocked. */
#define PAGEMAP_TRANSIENT_CHARGED 16
struct range_counts {
	uint64_t first_pfn;
	uint32_t pages[PC_NR];
	uint32_t mlocked;		/* of the movable ones: mlocked or unevictable */
	uint32_t cache;			/* of the movable ones: clean page cache no process maps */
	uint32_t flagless;		/* flag-less pages outside hole sections (unknown and charged) */
	struct range_owner owners[PAGEMAP_RANGE_OWNERS];	/* ino 0: unused */
	uint32_t owners_other;		/* charged pages of further cgroups */
};

/* One zone's span in page frames, [start_pfn, end_pfn), as zoneinfo gives it. */
struct pagemap_zone {
	const char *name;		/* the snapshot's */
	uint64_t start_pfn, end_pfn;
	bool usable;			/* ranges of the size can be taken from it (not Movable for gigantic) */
};

/* One range as the judge sees it, handed to a renderer in page frame order. */
struct map_range {
	const struct range_counts *rc;
	int node;
	const struct pagemap_zone *zone;	/* the zone holding the whole range; NULL: it crosses */
	enum range_class cls;
	enum page_class blocker;		/* RC_BLOCKED: the first blocker; else PC_NR */
	unsigned blockers;			/* RC_BLOCKED: a bit (1u << class) per class in its way */
};

/*
 * A memory cgroup that charged pages in the ranges that cannot be had
 * belong to: its kpagecgroup inode, the pages, and its path in the memory
 * controller's hierarchy ("/app.slice/db.service"; "" when not found).
 */
#define PAGEMAP_OWNERS 3
struct pagemap_owner {
	uint64_t ino;
	uint64_t pages;
	char path[160];
};

/* Per node and size: the ranges of each class, what blocks them, the pages in them. */
struct pagemap_summary {
	int node;
	uint64_t range_pages;			/* pages per range */
	uint64_t first_pfn, end_pfn;		/* the ranges covered: [first, end) */
	uint64_t ranges[RC_NR];
	uint64_t blocked_by[PC_NR];		/* blocked ranges by their first blocker */
	uint64_t holding[PC_NR];		/* ranges (not outside) holding pages of the class */
	uint64_t pages[PC_NR];			/* pages of the class in ranges that are not outside */
	uint64_t movable_to_move;		/* movable pages in compactable ranges */
	uint64_t mlocked;			/* of them, mlocked or unevictable */
	/*
	 * compactable ranges whose only pages besides free ones are clean
	 * page cache no process maps: dropping that cache frees the range
	 * whole, with nothing to migrate; and the cache pages in them
	 */
	uint64_t cache_only;
	uint64_t cache_only_pages;
	/*
	 * When asked (owners): the charged pages in blocked ranges (kernel
	 * pages, page tables, mlocked pages with a memory cgroup), the
	 * cgroups with the most of them, most first
	 */
	bool owners_read;			/* kpagecgroup was read for them */
	uint64_t owned_pages;
	struct pagemap_owner owners[PAGEMAP_OWNERS];
	unsigned nr_owners;
};

/*
 * The map of one size over the memory nodes that were read, handed as data
 * to whoever estimates and plans: the sums in node order, or why there are
 * none (nr 0): a capture, no kpageflags, not root, a file cut short.
 */
struct pagemap_set {
	uint64_t size_kb;
	struct pagemap_summary *sums;
	unsigned nr;
	char why[320];
};

/* The sums of node in m, or NULL when it was not read. */
const struct pagemap_summary *pagemap_set_node(const struct pagemap_set *m, int node);

/*
 * How a reader hands what it reads to whoever classifies it. count() is
 * called from the reader's worker threads, for consecutive runs of one
 * range's pages: flags[n] and cgroup[n] (cgroup NULL: not read, or no
 * kpagecgroup; then every flag-less page is doubtful; else only the words
 * of flag-less pages and of pages with the span's cgroup_flags are set);
 * flags NULL: n pages
 * past the end of the file, which have no struct page. hole: the n pages
 * lie in a section (PAGEMAP_SECTION_BYTES) whose every page is flag-less.
 * range() is called from the calling thread, once per range, in page frame
 * order, when the range is complete; a negative return stops the read and
 * is returned. progress() (may be NULL) after each batch of ranges.
 */
struct pagemap_sink {
	void *ctx;
	void (*count)(void *ctx, struct range_counts *rc, const uint64_t *flags,
		      const uint64_t *cgroup, size_t n, bool hole);
	int (*range)(void *ctx, const struct range_counts *rc);
	void (*progress)(void *ctx, uint64_t done_pfns, uint64_t total_pfns);
};

/*
 * What a reader reads for one node: the ranges of [start_pfn, end_pfn),
 * aligned to range_pages; the file must reach need_end_pfn (the end of the
 * node's last zone), else it was cut short. cgroup_flags: pages whose flag
 * word has one of these bits get their kpagecgroup word read too (0: only
 * flag-less pages').
 */
struct pagemap_span {
	uint64_t start_pfn, end_pfn;
	uint64_t need_end_pfn;
	uint64_t range_pages, section_pages;
	uint64_t cgroup_flags;
};

/*
 * How a reader of several nodes (read/mapread.h) has each node classified
 * by whoever judges the map (judge/mapjudge.h's pagemap_judging): node()
 * sets up node nd of snap for ranges of size_kb on a kernel kv (with
 * vm.movable_gigantic_pages movable_gigantic) and gives the span to read
 * and the sink to hand it to (valid until the next node()); done() gives
 * the node's sums once it is read. The read stage calls the judge only
 * through these.
 */
struct pagemap_judge {
	void *ctx;
	int (*node)(void *ctx, const struct snapshot *snap, const struct node *nd, uint64_t size_kb,
		    const struct kernel_version *kv, bool movable_gigantic,
		    const struct pagemap_span **span, const struct pagemap_sink **sink,
		    struct bc_error *err);
	void (*done)(void *ctx, struct pagemap_summary *sum);
};

/*
 * A memory section: what the kernel initialises, onlines and leaves out as
 * one (SECTION_SIZE_BITS 27 on x86-64). A whole one without a flag is a
 * hole or not initialised (KERNEL.md §14).
 */
#define PAGEMAP_SECTION_BYTES (128ull << 20)

#endif
