/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ESTIMATE_H
#define BUDDYCTL_ESTIMATE_H

/*
 * How many hugepages of one size a node can give, and at what cost, from a
 * snapshot alone: what the buddy allocator hands out now, an upper bound
 * after compaction, and one after reclaim. The arithmetic follows the
 * allocator (mm/page_alloc.c __zone_watermark_ok(), mm/compaction.c
 * suitable_migration_target(), mm/hugetlb.c); KERNEL.md §12
 * has the formulas and §§1-10 the facts behind them. Each figure includes the
 * pages already in the node's pool, and each size is estimated on its own
 * (two sizes compete for the same memory).
 */

#include <stdbool.h>
#include <stdint.h>

#include "pagemap.h"
#include "snapshot.h"

/* Why a figure is looser or missing; bits of struct estimate.notes. */
enum est_note {
	EST_NO_PAGETYPEINFO = 1u << 0,	/* free lists' types unknown: compaction bound looser */
	EST_GIGANTIC = 1u << 1,		/* beyond the buddy orders: from aligned movable ranges */
	EST_NO_NODE_MEMINFO = 1u << 2,	/* no nodeN/meminfo: no cache or slab to add */
	EST_NOT_IN_BUDDY = 1u << 3,	/* memory not yet in the buddy allocator counted */
	EST_CAPPED = 1u << 4,		/* a bound was cut to the node's capacity */
	EST_NO_ZONEINFO = 1u << 5,	/* no zoneinfo: watermarks, per-CPU pages, capacity unknown */
	EST_NO_POOL = 1u << 6,		/* the node's pool not read: counted as empty */
	EST_FROM_MAP = 1u << 7,		/* gigantic: from the node's map, not the free lists */
	EST_NO_MAP = 1u << 8,		/* gigantic: no map (no_map_why): the free lists' bounds */
};

struct estimate {
	int node;
	uint64_t size_kb;
	int order;			/* in base pages; >= snap->nr_orders: gigantic */
	bool gigantic;

	/* the three figures, in pages of size_kb, each with the pool's pages */
	uint64_t pool;			/* nr_hugepages of the node now */
	uint64_t now;			/* buddy can hand them out without compaction */
	uint64_t compact;		/* upper bound after compaction */
	uint64_t reclaim;		/* upper bound after reclaim, then compaction */
	uint64_t capacity;		/* metrics_capacity(): never more than this;
					   0 and EST_NO_ZONEINFO when unknown */

	/*
	 * "now" beyond the pool, in pages of size_kb, from the node's zones:
	 * at most free_blocks - held_blocks + pcp_blocks, cut by the
	 * watermarks. free_blocks is check's "free blocks": blocks of size_kb
	 * or larger in the buddy free lists (buddyinfo), counted in blocks of
	 * size_kb (metrics_node_suitable()); 0 for a gigantic size.
	 */
	uint64_t free_blocks;
	uint64_t held_blocks;		/* of free_blocks, in HighAtomic and Isolate lists */
	uint64_t pcp_blocks;		/* what the per-CPU pages could add: pcp >> order per zone */

	/* how they were derived, in kB */
	uint64_t free_kb;		/* buddyinfo + per-CPU lists: free on the node */
	uint64_t pcp_kb;		/* of it on per-CPU lists (zoneinfo pagesets) */
	uint64_t ready_kb;		/* of it in blocks of size_kb or larger (gigantic:
					   in blocks of the top order) */
	uint64_t reserve_kb;		/* min watermarks + protection the allocation leaves */
	uint64_t stuck_kb;		/* free in unmovable/reclaimable/highatomic lists in
					   blocks smaller than size_kb: compaction cannot use it */
	uint64_t stuck_reclaimable_kb;	/* of stuck_kb, in reclaimable lists: reclaim frees it */
	uint64_t cache_kb;		/* clean page cache: file LRU less dirty and writeback */
	uint64_t slab_kb;		/* SReclaimable */
	uint64_t not_in_buddy_kb;	/* not yet in the buddy allocator, given to this node */
	/* gigantic: pageblocks that can be part of a page after compaction (-1: unknown) */
	int64_t pageblocks_movable;
	uint64_t pageblocks_unmovable;	/* Unmovable + Reclaimable + HighAtomic */
	unsigned notes;			/* enum est_note */

	/*
	 * Gigantic sizes, where the figures come from (estmap.h): from_map,
	 * the node's map of aligned ranges (now the free ones, after
	 * compaction those and the compactable ones there is room to clear,
	 * after reclaim the same); else the bounds from the free lists above,
	 * and no_map_why says why there is no map.
	 */
	bool from_map;
	char no_map_why[320];
	uint64_t maybe;			/* from_map: ranges of flag-less pages that may come besides */
	uint64_t fit;			/* from_map: of the compactable ranges, those with room */
	uint64_t room_pages;		/* from_map: free pages outside the free ranges, less the reserve */
	struct pagemap_summary map;	/* from_map: the node's */
	char why[640];			/* from_map: pagemap_why(): what can be had, what blocks the rest */
};

/*
 * Estimate size_kb pages on node n. -1 when size_kb is not a power-of-two
 * multiple of the page size (no such hugepage), else 0.
 */
int estimate_node(const struct snapshot *snap, const struct node *n, uint64_t size_kb,
		  struct estimate *e);

/*
 * Memory the machine reports free that is not yet in any node's buddy
 * allocator (global MemFree above the sum of the nodes' MemFree: deferred
 * struct-page init), in kB; 0 when the files do not say.
 */
uint64_t estimate_not_in_buddy_kb(const struct snapshot *snap);

/*
 * Add the free blocks of node n of order or larger (counted in blocks of
 * that order) to *blocks, and its free memory in smaller blocks, in kB
 * (page_kb a page), to *small_kb: what its buddy lists hold.
 */
void estimate_free_lists(const struct node *n, unsigned nr_orders, int order, uint64_t page_kb,
			 uint64_t *blocks, uint64_t *small_kb);

/*
 * The estimate again once compaction has run. Free memory that compaction
 * left in blocks smaller than the page is held there by pages it cannot
 * move (pinned by a pipe or by DMA, unmovable allocations in Movable
 * pageblocks), which no kernel file shows before compaction runs: from
 * then on, what the free lists hold plus what reclaim can still add is the
 * better estimate.
 */
struct estimate_revision {
	uint64_t now;		/* pages buddy can hand out, the pool included */
	uint64_t reclaim;	/* now + what reclaim can still add: at most either
				   estimate after reclaim, at least now */
	uint64_t small_kb;	/* free in blocks smaller than the page */
};

/*
 * Revise first (the estimate of size first->size_kb on node, -1: the only
 * node, when planned) from snap, read after the run's first compaction of
 * the node. 0, or -1 when there is none (no such node, gigantic pages).
 */
int estimate_revise(const struct snapshot *snap, int node, const struct estimate *first,
		    struct estimate_revision *rev);

#endif
