/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The estimate of what a node can give (estimate.h). Per zone, in base
 * pages, with o the hugepage's order:
 *
 *   reserve  = min watermark + protection[the allocation's highest zone]
 *              (what __zone_watermark_ok() makes the allocation leave)
 *              + free pages in HighAtomic lists (not for normal allocations)
 *   free     = buddyinfo's free pages + those on per-CPU lists (zoneinfo
 *              pagesets "count:"), which a failing allocation drains
 *   now      = min(free blocks of order >= o outside HighAtomic/Isolate
 *                  + per-CPU pages >> o, (free - reserve) >> o)
 *   stuck    = free pages in Unmovable, Reclaimable, HighAtomic and Isolate
 *              lists in blocks below order o: compaction only fills movable
 *              pageblocks (suitable_migration_target()), so these stay
 *   compact  = max(now, (free - max(reserve, stuck)) >> o)
 *
 * and per node
 *
 *   reclaim  = max(compact, (sum over zones of free - max(reserve, stuck
 *              less its reclaimable part)) + clean cache + SReclaimable
 *              + memory not yet in the buddy allocator) >> o)
 *
 * each cut to the node's capacity, plus the pages already in the pool.
 * Gigantic pages (o beyond the buddy orders) come from alloc_contig_pages():
 * an aligned range of o pages in one zone with nothing unmovable in it.
 * pagetypeinfo counts pageblocks, not where they are, so for them every
 * figure is an upper bound, "now" from the free blocks of the top order.
 */
#include "estimate.h"

#include <string.h>

#include "metrics.h"

static bool type_is(const struct pagetype *t, const char *name)
{
	return strcmp(t->name, name) == 0;
}

/* Lists a normal movable allocation never takes from. */
static bool type_reserved(const struct pagetype *t)
{
	return type_is(t, "HighAtomic") || type_is(t, "Isolate");
}

/* Lists whose pageblocks compaction does not fill and cannot empty. */
static bool type_stuck(const struct pagetype *t)
{
	return !type_is(t, "Movable") && !type_is(t, "CMA");
}

/*
 * The zone index a hugepage allocation of this kind names as its highest:
 * htlb_alloc_mask() is GFP_HIGHUSER_MOVABLE for pages that can migrate
 * (ZONE_MOVABLE), GFP_HIGHUSER for gigantic ones (the highest zone below
 * Movable). zoneinfo lists every configured zone in index order, and the
 * snapshot keeps that order.
 */
static unsigned alloc_zone_index(const struct node *n, bool gigantic)
{
	unsigned k;

	for (k = 0; k < n->nr_zones; k++)
		if (!strcmp(n->zones[k].name, "Movable"))
			return gigantic && k > 0 ? k - 1 : k;
	return n->nr_zones ? n->nr_zones - 1 : 0;
}

struct zone_est {
	uint64_t free, pcp, ready, reserve, stuck, stuck_recl;	/* base pages */
	uint64_t now, compact;					/* hugepages */
	uint64_t blocks_free, blocks_held, blocks_pcp;		/* hugepages, not gigantic */
	uint64_t pb_movable, pb_unmovable, pb_reclaimable;
};

/*
 * One type's free pages: below order o (pages) into *small, of order o and
 * up (hugepages) into *mine, and all of them (pages) into *all.
 */
static void type_free(const struct pagetype *pt, int o, unsigned top, uint64_t *small, uint64_t *mine,
		      uint64_t *all)
{
	unsigned k;

	*small = *mine = *all = 0;
	for (k = 0; k <= top; k++) {
		if ((int)k < o)
			*small += pt->free[k] << k;
		else
			*mine += pt->free[k] << (k - (unsigned)o);
		*all += pt->free[k] << k;
	}
}

/* A type's pageblocks, counted as movable, reclaimable or unmovable (Isolate: none). */
static void count_pageblocks(const struct pagetype *pt, struct zone_est *ze)
{
	if (!type_stuck(pt))
		ze->pb_movable += pt->pageblocks;
	else if (type_is(pt, "Reclaimable"))
		ze->pb_reclaimable += pt->pageblocks;
	else if (!type_is(pt, "Isolate"))
		ze->pb_unmovable += pt->pageblocks;
}

/*
 * What pagetypeinfo adds: the blocks of order o held in HighAtomic and
 * Isolate lists (taken off *blocks, their pages into *held), the pages
 * stuck below order o, the pageblocks by kind.
 */
static void zone_types(const struct snapshot *snap, const struct zone *z, int o, struct zone_est *ze,
		       uint64_t *blocks, uint64_t *held)
{
	unsigned top = snap->nr_orders - 1, t;
	uint64_t small, mine, all;

	for (t = 0; snap->has_pagetypeinfo && t < z->nr_types; t++) {
		const struct pagetype *pt = &z->types[t];

		type_free(pt, o, top, &small, &mine, &all);
		if (type_reserved(pt)) {
			*held += all;
			ze->blocks_held += (unsigned)o <= top ? mine : 0;
			*blocks = *blocks > mine ? *blocks - mine : 0;
		}
		if (type_stuck(pt)) {
			ze->stuck += small;
			if (type_is(pt, "Reclaimable"))
				ze->stuck_recl += small;
		}
		count_pageblocks(pt, ze);
	}
}

/* The free blocks of order o and up, in hugepages; gigantic: the top-order blocks put together. */
static uint64_t blocks_of_order(const struct snapshot *snap, const struct zone *z, int o)
{
	unsigned top = snap->nr_orders - 1, k;
	uint64_t blocks = 0;

	if ((unsigned)o > top)
		return (z->free_blocks[top] << top) >> o;
	for (k = (unsigned)o; k <= top; k++)
		blocks += z->free_blocks[k] << (k - (unsigned)o);
	return blocks;
}

static void zone_estimate(const struct snapshot *snap, const struct zone *z, unsigned alloc_idx,
			  int o, struct zone_est *ze)
{
	unsigned top = snap->nr_orders - 1;
	uint64_t blocks, held = 0, floor_;

	memset(ze, 0, sizeof(*ze));
	/* per-CPU lists: drained (and merged) before a write gives up */
	ze->free = z->free_pages + z->pcp;
	ze->pcp = z->pcp;
	ze->reserve = z->min;
	if (alloc_idx < z->nr_protection)
		ze->reserve += z->protection[alloc_idx];
	blocks = blocks_of_order(snap, z, o);
	if ((unsigned)o <= top)
		ze->blocks_free = blocks;
	zone_types(snap, z, o, ze, &blocks, &held);
	/* free pages in HighAtomic blocks do not count for the watermark */
	ze->reserve += held;
	/* pcp pages merge into blocks of order o only with free buddies: at most */
	if ((unsigned)o <= top) {
		ze->blocks_pcp = z->pcp >> o;
		blocks += ze->blocks_pcp;
	}
	/* gigantic: what the top-order blocks hold */
	ze->ready = (unsigned)o <= top ? blocks << o : z->free_blocks[top] << top;
	ze->now = ze->free > ze->reserve ? (ze->free - ze->reserve) >> o : 0;
	if (blocks < ze->now)
		ze->now = blocks;
	floor_ = ze->reserve > ze->stuck ? ze->reserve : ze->stuck;
	ze->compact = ze->free > floor_ ? (ze->free - floor_) >> o : 0;
	if (ze->compact < ze->now)
		ze->compact = ze->now;
}

uint64_t estimate_not_in_buddy_kb(const struct snapshot *snap)
{
	uint64_t sum = 0;
	unsigned i;

	if (!snap->numa_sysfs || !meminfo_has(&snap->meminfo, MI_MEM_FREE))
		return 0;
	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];

		if (!n->has_memory)
			continue;
		if (!n->has_meminfo || !meminfo_has(&n->meminfo, MI_MEM_FREE))
			return 0;
		sum += n->meminfo.v[MI_MEM_FREE];
	}
	return snap->meminfo.v[MI_MEM_FREE] > sum ? snap->meminfo.v[MI_MEM_FREE] - sum : 0;
}

/* Memory of node n's zones outside the buddy allocator (present - managed), kB. */
static uint64_t unmanaged_kb(const struct snapshot *snap, const struct node *n)
{
	uint64_t sum = 0;
	unsigned k;

	for (k = 0; k < n->nr_zones; k++)
		if (n->zones[k].present > n->zones[k].managed)
			sum += n->zones[k].present - n->zones[k].managed;
	return sum * (snap->page_size / 1024);
}

/*
 * The part of the machine's not-yet-initialised memory that is node n's:
 * handed out in node order, each node taking at most its unmanaged pages.
 */
static uint64_t node_not_in_buddy_kb(const struct snapshot *snap, const struct node *n)
{
	uint64_t left = estimate_not_in_buddy_kb(snap), cap;
	unsigned i;

	for (i = 0; i < snap->nr_nodes && left; i++) {
		const struct node *m = &snap->nodes[i];

		if (!m->has_memory)
			continue;
		cap = unmanaged_kb(snap, m);
		if (m == n)
			return cap < left ? cap : left;
		left -= cap < left ? cap : left;
	}
	return 0;
}

static uint64_t mi(const struct node *n, enum meminfo_field f)
{
	return n->has_meminfo && meminfo_has(&n->meminfo, f) ? n->meminfo.v[f] : 0;
}

/* The estimate's pool, capacity and what is known of the node; the order o's figures come after. */
static void estimate_begin(const struct snapshot *snap, const struct node *n, uint64_t size_kb, int o,
			   struct estimate *e)
{
	const struct hugepool *pool = node_pool(n, size_kb);
	unsigned k;

	e->order = o;
	e->gigantic = (unsigned)o >= snap->nr_orders;
	e->pool = pool ? pool->nr : 0;
	if (n->lost & LOST_POOLS)
		e->notes |= EST_NO_POOL;
	for (k = 0; k < n->nr_zones; k++)
		if (n->zones[k].in_buddyinfo && !n->zones[k].in_zoneinfo)
			e->notes |= EST_NO_ZONEINFO;
	/* without zoneinfo the present pages are unknown, and so is the capacity */
	e->capacity = e->notes & EST_NO_ZONEINFO ? 0 : metrics_capacity(snap, n, size_kb);
	if (!snap->has_pagetypeinfo)
		e->notes |= EST_NO_PAGETYPEINFO;
	if (e->gigantic)
		e->notes |= EST_GIGANTIC;
}

/*
 * Gigantic pages need whole pageblocks, which pagetypeinfo counts: the
 * pageblocks of one page (as a shift), or -1 where that is not known.
 */
static int ranges_shift(const struct snapshot *snap, const struct estimate *e)
{
	if (!e->gigantic || !snap->has_pagetypeinfo || snap->pageblock_order < 0 ||
	    e->order <= snap->pageblock_order)
		return -1;
	return e->order - snap->pageblock_order;
}

/* What the zones add up to, and the reclaim figure's parts. */
struct node_sums {
	int shift;		/* ranges_shift() */
	uint64_t reclaim_base;	/* pages free after reclaim, above each zone's floor */
	uint64_t reclaim_fit;	/* gigantic: pages that fit whole ranges after reclaim */
};

/*
 * An aligned range of whole pageblocks, none unmovable: after compaction
 * only movable ones, after reclaim reclaimable ones too (dropped slab
 * empties them).
 */
static void fit_ranges(struct zone_est *ze, struct estimate *e, struct node_sums *sum)
{
	uint64_t fit = ze->pb_movable >> sum->shift;

	if (ze->compact > fit)
		ze->compact = fit;
	if (ze->now > ze->compact)
		ze->now = ze->compact;
	sum->reclaim_fit += (ze->pb_movable + ze->pb_reclaimable) >> sum->shift;
	e->pageblocks_movable += (int64_t)ze->pb_movable;
}

/* One zone's figures into the node's. */
static void add_zone(struct zone_est *ze, unsigned page_kb, struct estimate *e, struct node_sums *sum)
{
	uint64_t floor_ = ze->stuck - ze->stuck_recl;

	if (floor_ < ze->reserve)
		floor_ = ze->reserve;
	if (sum->shift >= 0)
		fit_ranges(ze, e, sum);
	e->free_blocks += ze->blocks_free;
	e->held_blocks += ze->blocks_held;
	e->pcp_blocks += ze->blocks_pcp;
	e->free_kb += ze->free * page_kb;
	e->pcp_kb += ze->pcp * page_kb;
	e->ready_kb += ze->ready * page_kb;
	e->reserve_kb += (ze->free < ze->reserve ? ze->free : ze->reserve) * page_kb;
	e->stuck_kb += ze->stuck * page_kb;
	e->stuck_reclaimable_kb += ze->stuck_recl * page_kb;
	e->pageblocks_unmovable += ze->pb_unmovable + ze->pb_reclaimable;
	e->now += ze->now;
	e->compact += ze->compact;
	sum->reclaim_base += ze->free > floor_ ? ze->free - floor_ : 0;
}

/* Reclaim: clean file pages and reclaimable slab of this node, and memory not yet in the buddy allocator. */
static void reclaimable(const struct snapshot *snap, const struct node *n, struct estimate *e)
{
	uint64_t file, extra;

	if (!n->has_meminfo)
		e->notes |= EST_NO_NODE_MEMINFO;
	file = mi(n, MI_ACTIVE_FILE) + mi(n, MI_INACTIVE_FILE);
	extra = mi(n, MI_DIRTY) + mi(n, MI_WRITEBACK);
	e->cache_kb = file > extra ? file - extra : 0;
	e->slab_kb = mi(n, MI_SRECLAIMABLE);
	if (e->gigantic)
		return;
	/* buddy-sized allocations grow a lazily initialised zone */
	e->not_in_buddy_kb = node_not_in_buddy_kb(snap, n);
	if (e->not_in_buddy_kb)
		e->notes |= EST_NOT_IN_BUDDY;
}

/*
 * Each figure at least the one before it (reclaim >= compact >= now), and
 * never beyond what the node could hold at all, the pool included.
 */
static void cap_figures(struct estimate *e, const struct node_sums *sum)
{
	uint64_t room = e->capacity > e->pool ? e->capacity - e->pool : 0;

	if (sum->shift >= 0 && e->reclaim > sum->reclaim_fit)
		e->reclaim = sum->reclaim_fit;
	if (e->reclaim < e->compact)
		e->reclaim = e->compact;
	if (!(e->notes & EST_NO_ZONEINFO) && e->reclaim > room) {
		e->reclaim = room;
		e->notes |= EST_CAPPED;
	}
	if (e->compact > e->reclaim)
		e->compact = e->reclaim;
	if (e->now > e->compact)
		e->now = e->compact;
	e->now += e->pool;
	e->compact += e->pool;
	e->reclaim += e->pool;
}

int estimate_node(const struct snapshot *snap, const struct node *n, uint64_t size_kb,
		  struct estimate *e)
{
	unsigned page_kb = snap->page_size / 1024, alloc_idx, k;
	int o = metrics_size_order(snap, size_kb);
	struct node_sums sum = { 0 };
	struct zone_est ze;

	memset(e, 0, sizeof(*e));
	e->node = n->id;
	e->size_kb = size_kb;
	e->pageblocks_movable = -1;
	if (o < 0 || !snap->nr_orders)
		return -1;
	estimate_begin(snap, n, size_kb, o, e);
	alloc_idx = alloc_zone_index(n, e->gigantic);
	sum.shift = ranges_shift(snap, e);
	if (sum.shift >= 0)
		e->pageblocks_movable = 0;
	for (k = 0; k < n->nr_zones; k++) {
		if (!n->zones[k].in_buddyinfo)
			continue;
		zone_estimate(snap, &n->zones[k], alloc_idx, o, &ze);
		add_zone(&ze, page_kb, e, &sum);
	}
	reclaimable(snap, n, e);
	sum.reclaim_base += (e->cache_kb + e->slab_kb + e->not_in_buddy_kb) / page_kb;
	e->reclaim = sum.reclaim_base >> o;
	cap_figures(e, &sum);
	return 0;
}

void estimate_free_lists(const struct node *n, unsigned nr_orders, int order, uint64_t page_kb,
			 uint64_t *blocks, uint64_t *small_kb)
{
	unsigned j, k;

	for (j = 0; j < n->nr_zones; j++)
		for (k = 0; k < nr_orders; k++) {
			uint64_t nb = n->zones[j].free_blocks[k];

			if ((int)k >= order)
				*blocks += nb << (k - (unsigned)order);
			else
				*small_kb += (nb << k) * page_kb;
		}
}

int estimate_revise(const struct snapshot *snap, int node, const struct estimate *first,
		    struct estimate_revision *rev)
{
	const struct node *n = node >= 0 ? snapshot_node(snap, node) : snap->nr_nodes == 1 ? &snap->nodes[0] : NULL;
	struct estimate e;
	uint64_t more, blocks = 0;

	if (!n || estimate_node(snap, n, first->size_kb, &e) != 0 || e.gigantic)
		return -1;
	/* compaction has run: what it left apart stays apart */
	more = (e.cache_kb + e.slab_kb + e.not_in_buddy_kb) / first->size_kb;
	rev->now = e.now;
	/* at most either estimate after reclaim, at least now */
	rev->reclaim = e.now + more;
	if (rev->reclaim > e.reclaim)
		rev->reclaim = e.reclaim;
	if (rev->reclaim > first->reclaim)
		rev->reclaim = first->reclaim;
	if (rev->reclaim < rev->now)
		rev->reclaim = rev->now;
	rev->small_kb = 0;
	estimate_free_lists(n, snap->nr_orders, e.order, snap->page_size / 1024, &blocks, &rev->small_kb);
	return 0;
}
