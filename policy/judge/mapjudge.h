/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_MAPJUDGE_H
#define BUDDYCTL_MAPJUDGE_H

/*
 * Judging the map: the class of a page from its kpageflags word (and its
 * kpagecgroup inode), the class of an aligned range from its counts, per
 * kernel where the kernels differ, the sums per node and the one-line
 * verdict. The rules and the measurements behind them: KERNEL.md §14.
 *
 * How a caller reads one node's map (cli/cmd_map.c does; the estimate, the
 * plan and the escalation can do the same):
 *
 *   struct pagemap_rules rules;      pagemap_rules_init(&rules, snap, size_kb, &kv, sysctl)
 *   struct pagemap_acc acc;          pagemap_acc_init(&acc, &rules, node, each, ctx, err)
 *   kpf_read(&files, &acc.span, &acc.sink, err)      (policy/read/kpageflags.h)
 *   acc.sum                          the node's struct pagemap_summary
 *
 * each() (may be NULL) sees every range of the node, classified, in page
 * frame order: what the JSON and the picture are drawn from. read/mapread.h's
 * map_read_sums() does all of it for every node and keeps only the sums,
 * with a struct pagemap_judging (below) to classify.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "kernel.h"
#include "pagemap.h"
#include "snapshot.h"
#include "units.h"

/* How the running kernel treats a range of the size (KERNEL.md §14). */
struct pagemap_rules {
	uint64_t size_kb;
	uint64_t range_pages;		/* pages per range */
	uint64_t section_pages;		/* pages per PAGEMAP_SECTION_BYTES */
	bool gigantic;			/* beyond the buddy allocator's orders: alloc_contig_pages() */
	bool movable_zone;		/* ranges in ZONE_MOVABLE can be taken */
	bool pool_pages_move;		/* smaller hugetlb pages in a range are migrated (7.0 and later) */
	struct kernel_version kv;	/* 0.0: unknown, the older kernels' rules */
};

/*
 * The rules for ranges of size_kb on the machine of snap, whose kernel is kv
 * (NULL or 0.0: unknown) and whose vm.movable_gigantic_pages is
 * movable_gigantic. -BC_EUSAGE with err filled when size_kb is no power-of-
 * two multiple of the page size from 16 pages to PAGEMAP_MAX_RANGE_PAGES.
 */
int pagemap_rules_init(struct pagemap_rules *r, const struct snapshot *snap, uint64_t size_kb,
		       const struct kernel_version *kv, bool movable_gigantic, struct bc_error *err);

/*
 * The class of a page from its kpageflags word and its kpagecgroup inode
 * (0: none, or not known). Holes by section are the caller's (hole).
 */
enum page_class pagemap_page_class(uint64_t flags, uint64_t cgroup);

/* The pagemap_sink count(): adds n pages to rc (see struct pagemap_sink). */
void pagemap_count_pages(struct range_counts *rc, const uint64_t *flags, const uint64_t *cgroup,
			 size_t n, bool hole);

/*
 * The class of the range rc, wholly in zone z (NULL: it crosses a zone's
 * edge or lies in none), and *blocker: for RC_BLOCKED the first of the
 * classes in its way (most lasting first: hole, reserved, offline, other,
 * kernel, page tables, pool, slab), else PC_NR. A range whose only pages
 * in the way are at most PAGEMAP_TRANSIENT_CHARGED flag-less pages charged
 * to a cgroup is RC_MAYBE: they may be gone by the write.
 */
enum range_class pagemap_range_class(const struct pagemap_rules *r, const struct range_counts *rc,
				     const struct pagemap_zone *z, enum page_class *blocker);

/* Whether pages of class c keep a range of these rules from being had. */
bool pagemap_blocks(const struct pagemap_rules *r, enum page_class c);

/* Add one classified range to the node's sums. */
void pagemap_summary_add(struct pagemap_summary *s, const struct map_range *m);

/*
 * The node's verdict in one line into buf: "node 0, 1G: 3 ranges can be
 * had (1 free, 2 by compaction); 19 blocked: slab in 17, reserved in 2".
 */
void pagemap_verdict(char *buf, size_t size, const struct pagemap_summary *s, uint64_t size_kb);

/*
 * Why the node falls short for ranges of size_kb, in one line into buf:
 * the verdict with the compactable and maybe ranges counted as the
 * estimate counts them (fit and maybe_fit of them: the others have no
 * room for their pages), and, where the summary has them, the memory
 * cgroups owning the charged pages in the blocked ranges: "node 0, 1G: 3
 * ranges can be had (2 free, 1 by compaction; 2 more compactable have no
 * room for their pages); 19 blocked: slab in 17, reserved in 2; charged
 * pages in them: /app.slice/db.service 4096, / 12".
 */
void pagemap_why(char *buf, size_t size, const struct pagemap_summary *s, uint64_t size_kb,
		 uint64_t fit, uint64_t maybe_fit);

/*
 * The ranges of the node's sums that are pages or can become ones: free,
 * compactable, maybe and already in the pool. A step that clears a range
 * makes it grow; a write that takes one leaves it as it was.
 */
uint64_t pagemap_had(const struct pagemap_summary *s);

/* Add the charged pages among flags[n] to rc's owners (only pages also with a bit of also, or flag-less ones). */
void pagemap_count_owners(struct range_counts *rc, const uint64_t *flags, const uint64_t *cgroup,
			  size_t n, uint64_t also);

/*
 * One node's map being read: its zones, the span to read, the sums, the
 * sink. The sink points at the acc: it must not move once set up. Owners
 * are counted per cgroup for the first PAGEMAP_ACC_OWNERS cgroups seen in
 * blocked ranges (a machine's few workloads; the rest count as others).
 */
#define PAGEMAP_ACC_OWNERS 64
struct pagemap_acc {
	const struct pagemap_rules *rules;
	struct pagemap_zone zones[BC_MAX_ZONES];	/* by start_pfn */
	unsigned nr_zones;
	struct pagemap_span span;
	struct pagemap_summary sum;
	int (*each)(void *ctx, const struct map_range *m);
	void (*progress)(void *ctx, uint64_t done_pfns, uint64_t total_pfns);
	void *ctx;
	struct pagemap_sink sink;			/* for the reader: ctx is the acc */
	/* owners (pagemap_judging's): the cgroups of blocked ranges' charged pages */
	bool owners;
	struct range_owner owner[PAGEMAP_ACC_OWNERS];
	unsigned nr_owner;
};

/*
 * Set up a for the node nd of the snapshot the rules were made for: its
 * populated zones but Device (whose memory has no struct page kpageflags
 * shows), by zoneinfo's start_pfn and spanned. each and ctx may be NULL.
 * -BC_EDATA when a zone has no start_pfn (err names it). A node without
 * zones gets an empty span.
 */
int pagemap_acc_init(struct pagemap_acc *a, const struct pagemap_rules *r, const struct node *nd,
		     int (*each)(void *ctx, const struct map_range *m), void *ctx, struct bc_error *err);

/*
 * What a reader of several nodes (read/mapread.h's map_read_sums()) has
 * each node classified with: the rules of the size (made at the first
 * node) and the node being read. owners: kpagecgroup is read for page
 * tables and mlocked pages too, and the sums name the cgroups with the
 * most charged pages in blocked ranges. It must not move once set up.
 */
struct pagemap_judging {
	struct pagemap_rules rules;
	bool have_rules;
	bool owners;
	struct pagemap_acc acc;
};

/* Set j up (owners as above) and ops to hand to the reader. */
void pagemap_judging_init(struct pagemap_judging *j, struct pagemap_judge *ops, bool owners);

#endif
