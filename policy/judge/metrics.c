/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's own formulas (mm/vmstat.c, CONFIG_COMPACTION), in the same
 * integer arithmetic, so that buddyctl prints what debugfs prints:
 *
 *   unusable_free_index(o) = free_pages == 0 ? 1000
 *       : (free_pages - (suitable << o)) * 1000 / free_pages
 *   __fragmentation_index(o) = !total ? 0 : suitable ? -1000
 *       : 1000 - (1000 + free_pages * 1000 / 2^o) / total
 *   extfrag_for_order(o) = free_pages == 0 ? 0
 *       : (free_pages - (suitable << o)) * 100 / free_pages
 */
#include "metrics.h"

void metrics_contig_info(const struct zone *z, unsigned nr_orders, unsigned order,
			 struct contig_info *ci)
{
	unsigned k;

	ci->free_pages = ci->free_blocks_total = ci->free_blocks_suitable = 0;
	for (k = 0; k < nr_orders; k++) {
		uint64_t n = z->free_blocks[k];

		ci->free_blocks_total += n;
		ci->free_pages += n << k;
		if (k >= order)
			ci->free_blocks_suitable += n << (k - order);
	}
}

int metrics_unusable_index(const struct zone *z, unsigned nr_orders, unsigned order)
{
	struct contig_info ci;

	metrics_contig_info(z, nr_orders, order, &ci);
	if (ci.free_pages == 0)
		return 1000;
	return (int)((ci.free_pages - (ci.free_blocks_suitable << order)) * 1000ULL /
		     ci.free_pages);
}

int metrics_fragmentation_index(const struct zone *z, unsigned nr_orders, unsigned order)
{
	struct contig_info ci;

	if (order >= nr_orders)
		return 0;	/* the kernel WARNs and returns 0 */
	metrics_contig_info(z, nr_orders, order, &ci);
	if (!ci.free_blocks_total)
		return 0;
	if (ci.free_blocks_suitable)
		return -1000;
	return (int)(1000 - (int64_t)((1000 + ci.free_pages * 1000ULL / (1ULL << order)) /
				      ci.free_blocks_total));
}

int metrics_extfrag(const struct zone *z, unsigned nr_orders, unsigned order)
{
	struct contig_info ci;

	metrics_contig_info(z, nr_orders, order, &ci);
	if (ci.free_pages == 0)
		return 0;
	return (int)((ci.free_pages - (ci.free_blocks_suitable << order)) * 100 /
		     ci.free_pages);
}

/*
 * fragmentation_score_zone_weighted(): present_pages * extfrag /
 * (node_present_pages + 1), truncated per zone, summed over populated zones.
 */
int metrics_compaction_score(const struct node *n, unsigned nr_orders, unsigned order)
{
	uint64_t node_present = 0, score = 0;
	unsigned k;

	for (k = 0; k < n->nr_zones; k++) {
		/* present pages weigh the zones: zoneinfo's, without it unknown */
		if (n->zones[k].in_buddyinfo && !n->zones[k].in_zoneinfo)
			return -1;
		node_present += n->zones[k].present;
	}
	for (k = 0; k < n->nr_zones; k++) {
		const struct zone *z = &n->zones[k];

		if (!z->in_buddyinfo || z->present == 0)
			continue;
		score += z->present * (uint64_t)metrics_extfrag(z, nr_orders, order) /
			 (node_present + 1);
	}
	return (int)score;
}

unsigned metrics_proactive_wmark(unsigned proactiveness, bool low)
{
	unsigned wmark_low = proactiveness < 100 ? 100 - proactiveness : 0;
	unsigned leeway = wmark_low / 2 < 10 ? wmark_low / 2 : 10;

	if (low)
		return wmark_low;
	return wmark_low + leeway < 100 ? wmark_low + leeway : 100;
}

uint64_t metrics_node_free_pages(const struct node *n)
{
	uint64_t sum = 0;
	unsigned k;

	for (k = 0; k < n->nr_zones; k++)
		sum += n->zones[k].free_pages;
	return sum;
}

int metrics_zone_largest_order(const struct zone *z, unsigned nr_orders)
{
	int k;

	for (k = (int)nr_orders - 1; k >= 0; k--)
		if (z->free_blocks[k])
			return k;
	return -1;
}

int metrics_node_largest_order(const struct node *n, unsigned nr_orders)
{
	int best = -1, o;
	unsigned k;

	for (k = 0; k < n->nr_zones; k++) {
		o = metrics_zone_largest_order(&n->zones[k], nr_orders);
		if (o > best)
			best = o;
	}
	return best;
}

int metrics_size_order(const struct snapshot *snap, uint64_t size_kb)
{
	uint64_t pages;
	int o = 0;

	if (!snap->page_size || (size_kb * 1024) % snap->page_size)
		return -1;
	pages = size_kb * 1024 / snap->page_size;
	if (pages == 0 || (pages & (pages - 1)))
		return -1;
	while (pages > 1) {
		pages >>= 1;
		o++;
	}
	return o;
}

static uint64_t node_capacity(const struct snapshot *snap, const struct node *n, uint64_t size_kb)
{
	uint64_t sum = 0, pages;
	unsigned k;

	for (k = 0; k < n->nr_zones; k++) {
		const struct zone *z = &n->zones[k];

		pages = z->present > z->managed ? z->present : z->managed;
		if (!z->in_zoneinfo || pages <= z->min)
			continue;
		/* pages < 2^46 and page size <= 1 MiB: no overflow */
		sum += (pages - z->min) * (snap->page_size / 1024) / size_kb;
	}
	return sum;
}

uint64_t metrics_capacity(const struct snapshot *snap, const struct node *n, uint64_t size_kb)
{
	uint64_t sum = 0;
	unsigned i;

	if (n)
		return node_capacity(snap, n, size_kb);
	for (i = 0; i < snap->nr_nodes; i++)
		sum += node_capacity(snap, &snap->nodes[i], size_kb);
	return sum;
}

int64_t metrics_node_suitable(const struct snapshot *snap, const struct node *n,
			      uint64_t size_kb)
{
	struct contig_info ci;
	int order = metrics_size_order(snap, size_kb);
	uint64_t sum = 0;
	unsigned k;

	if (order < 0 || (unsigned)order >= snap->nr_orders)
		return -1;
	for (k = 0; k < n->nr_zones; k++) {
		if (!n->zones[k].in_buddyinfo)
			continue;
		metrics_contig_info(&n->zones[k], snap->nr_orders, (unsigned)order, &ci);
		sum += ci.free_blocks_suitable;
	}
	return (int64_t)sum;
}
