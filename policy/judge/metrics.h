/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_METRICS_H
#define BUDDYCTL_METRICS_H

/*
 * Fragmentation metrics computed exactly as mm/vmstat.c and mm/compaction.c
 * do, in the same integer arithmetic, from a zone's buddyinfo counts.
 */

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

/* fill_contig_page_info(): the three sums behind every index. */
struct contig_info {
	uint64_t free_pages;
	uint64_t free_blocks_total;
	uint64_t free_blocks_suitable;	/* blocks of 2^order pages buddy can hand out */
};

void metrics_contig_info(const struct zone *z, unsigned nr_orders, unsigned order,
			 struct contig_info *ci);

/* unusable_free_index(): 0..1000, thousandths (debugfs extfrag/unusable_index). */
int metrics_unusable_index(const struct zone *z, unsigned nr_orders, unsigned order);

/*
 * __fragmentation_index(): -1000 when an allocation would succeed, else
 * 0..1000 (near 0: lack of memory, near 1000: fragmentation); thousandths
 * (debugfs extfrag/extfrag_index). 0 for order >= nr_orders, as the kernel.
 */
int metrics_fragmentation_index(const struct zone *z, unsigned nr_orders, unsigned order);

/* extfrag_for_order(): percent 0..100 of free memory unusable at order. */
int metrics_extfrag(const struct zone *z, unsigned nr_orders, unsigned order);

/*
 * fragmentation_score_node(): the proactive-compaction score of a node,
 * 0..100: each populated zone's extfrag at order, weighted by present pages.
 * -1 when a populated zone's present pages are unknown (no zoneinfo).
 */
int metrics_compaction_score(const struct node *n, unsigned nr_orders, unsigned order);

/*
 * fragmentation_score_wmark(): the scores between which kcompactd compacts
 * a node proactively, from vm.compaction_proactiveness (0..100). kcompactd
 * starts when the node's score is above the high mark (and proactiveness is
 * not 0), and stops a zone at the low mark. Linux's formula since
 * "mm/compaction: remove low watermark cap for proactive compaction" and
 * "... reduce the difference between low and high watermarks" (2025):
 *   low = 100 - proactiveness, high = min(low + min(10, low / 2), 100).
 * Before them, low was max(100 - proactiveness, 5) and high min(low + 10,
 * 100): the same for proactiveness up to 80.
 */
unsigned metrics_proactive_wmark(unsigned proactiveness, bool low);

/* Free pages of the node (sum of buddyinfo over its zones). */
uint64_t metrics_node_free_pages(const struct node *n);

/* Highest order with a free block on the node, or -1 when nothing is free. */
int metrics_node_largest_order(const struct node *n, unsigned nr_orders);

/* Highest order with a free block in the zone, or -1. */
int metrics_zone_largest_order(const struct zone *z, unsigned nr_orders);

/*
 * How many pages of size_kb the buddy allocator of node n could hand out now,
 * without compaction: free_blocks_suitable over the node's zones. Sizes whose
 * order is not below nr_orders (gigantic pages) never come from buddy lists:
 * returns -1 for them.
 */
int64_t metrics_node_suitable(const struct snapshot *snap, const struct node *n,
			      uint64_t size_kb);

/*
 * The most pages of size_kb node n could ever hold (n NULL: every node):
 * per zone, its pages less the min watermark (what a hugetlb allocation
 * must leave), in whole pages of that size (a page never spans zones).
 * The pages are present, not managed: with deferred struct-page init
 * (CONFIG_DEFERRED_STRUCT_PAGE_INIT; on the test VM lazily, for good)
 * managed grows as memory is used, and a 2 MiB reservation can get pages
 * far beyond what managed said. An upper bound, not a promise.
 */
uint64_t metrics_capacity(const struct snapshot *snap, const struct node *n, uint64_t size_kb);

/* log2(size_kb * 1024 / page size), or -1 if not a power-of-two multiple. */
int metrics_size_order(const struct snapshot *snap, uint64_t size_kb);

#endif
