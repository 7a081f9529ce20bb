/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What changed between two snapshots, node by node: free blocks, indices, cache and slab. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "units.h"

static int64_t mi_diff(const struct node *b, const struct node *a, enum meminfo_field f)
{
	return (int64_t)a->meminfo.v[f] - (int64_t)b->meminfo.v[f];
}

int snapshot_comparable(const struct snapshot *before, const char *before_name,
			const struct snapshot *after, const char *after_name, struct bc_error *err)
{
	char pb[16], pa[16];

	if (before->page_size != after->page_size) {
		size_label(pb, sizeof(pb), before->page_size);
		size_label(pa, sizeof(pa), after->page_size);
		return bc_error_set(err, BC_EDATA,
				    "%s has %s pages, %s %s pages: not comparable (a capture whose page size was assumed takes --page-size)",
				    before_name, pb, after_name, pa);
	}
	if (before->nr_orders != after->nr_orders)
		return bc_error_set(err, BC_EDATA, "%s has %u orders, %s %u: not comparable", before_name,
				    before->nr_orders, after_name, after->nr_orders);
	return 0;
}

/* The free blocks of zone z at the hugepage order or larger, in blocks of that order. */
static uint64_t hpage_blocks(const struct snap_diff *d, const struct zone *z)
{
	struct contig_info ci;

	metrics_contig_info(z, d->nr_orders, (unsigned)d->hpage_order, &ci);
	return ci.free_blocks_suitable;
}

/*
 * One entry of d->zones for a zone on either side (b or a NULL), of the
 * node last added to d->nodes (its zones follow it): its free blocks at the
 * hugepage order counted there and in d's.
 */
static void add_zone(struct snap_diff *d, int node, const struct zone *b, const struct zone *a)
{
	struct zone_change *zc = &d->zones[d->nr_zones++];
	struct node_change *nc = &d->nodes[d->nr_nodes - 1];
	unsigned k, ho = (unsigned)d->hpage_order;

	zc->node = node;
	zc->name = b ? b->name : a->name;
	zc->before = b;
	zc->after = a;
	zc->changed = !b || !a;
	for (k = 0; k < d->nr_orders; k++) {
		zc->change[k] = (int64_t)(a ? a->free_blocks[k] : 0) - (int64_t)(b ? b->free_blocks[k] : 0);
		zc->changed |= zc->change[k] != 0;
	}
	if (b) {
		zc->unusable_before = metrics_unusable_index(b, d->nr_orders, ho);
		zc->fragindex_before = metrics_fragmentation_index(b, d->nr_orders, ho);
		nc->blocks_before += hpage_blocks(d, b);
		d->blocks_before += hpage_blocks(d, b);
	}
	if (a) {
		zc->unusable_after = metrics_unusable_index(a, d->nr_orders, ho);
		zc->fragindex_after = metrics_fragmentation_index(a, d->nr_orders, ho);
		nc->blocks_after += hpage_blocks(d, a);
		d->blocks_after += hpage_blocks(d, a);
	}
}

/* Room for every zone and node of both snapshots. 0 or -BC_ENOMEM. */
static int diff_alloc(const struct snapshot *before, const struct snapshot *after, struct snap_diff *d,
		      struct bc_error *err)
{
	unsigned i, zones = 0;

	for (i = 0; i < before->nr_nodes; i++)
		zones += before->nodes[i].nr_zones;
	for (i = 0; i < after->nr_nodes; i++)
		zones += after->nodes[i].nr_zones;
	d->zones = calloc(zones + 1, sizeof(*d->zones));
	d->nodes = calloc(before->nr_nodes + after->nr_nodes + 1, sizeof(*d->nodes));
	if (!d->zones || !d->nodes)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	return 0;
}

/* A node's meminfo, after less before, when both sides have it. */
static void node_memory(struct node_change *nc, const struct node *nb, const struct node *na)
{
	nc->known = nb && na && nb->has_meminfo && na->has_meminfo;
	if (!nc->known)
		return;
	nc->free_kb = mi_diff(nb, na, MI_MEM_FREE);
	nc->file_kb = mi_diff(nb, na, MI_ACTIVE_FILE) + mi_diff(nb, na, MI_INACTIVE_FILE);
	nc->slab_kb = mi_diff(nb, na, MI_SRECLAIMABLE);
}

/* zone name of node n in buddyinfo, or NULL (n NULL: the node is not on that side). */
static const struct zone *buddy_zone(const struct node *n, const char *name)
{
	const struct zone *z = n ? node_zone(n, name) : NULL;

	return z && z->in_buddyinfo ? z : NULL;
}

/* The zones of a node: those of the side before in its order, then those only after. */
static void node_zones(struct snap_diff *d, int node, const struct node *nb, const struct node *na)
{
	unsigned z;

	for (z = 0; nb && z < nb->nr_zones; z++)
		if (nb->zones[z].in_buddyinfo)
			add_zone(d, node, &nb->zones[z], buddy_zone(na, nb->zones[z].name));
	for (z = 0; na && z < na->nr_zones; z++)
		if (na->zones[z].in_buddyinfo && !buddy_zone(nb, na->zones[z].name))
			add_zone(d, node, NULL, &na->zones[z]);
}

/* One node of either side (nb or na NULL when it is on one side only). */
static void add_node(struct snap_diff *d, const struct node *nb, const struct node *na)
{
	struct node_change *nc = &d->nodes[d->nr_nodes++];

	nc->node = nb ? nb->id : na->id;
	nc->first_zone = d->nr_zones;
	nc->in_before = nb;
	nc->in_after = na;
	node_memory(nc, nb, na);
	node_zones(d, nc->node, nb, na);
	nc->nr_zones = d->nr_zones - nc->first_zone;
}

/* The vmstat fields read on both sides, after less before. */
static void vmstat_change(const struct snapshot *before, const struct snapshot *after, struct snap_diff *d)
{
	unsigned k;

	for (k = 0; k < VM_NR_FIELDS; k++) {
		if (!(before->vmstat.seen & after->vmstat.seen & (1u << k)))
			continue;
		d->vmstat_seen |= 1u << k;
		d->vmstat[k] = (int64_t)after->vmstat.v[k] - (int64_t)before->vmstat.v[k];
	}
}

/*
 * The next node of the merge of both sides by id, at before's i and after's
 * j: the one with the lower id (the other NULL), or both for one id.
 */
static void next_pair(const struct snapshot *before, const struct snapshot *after, unsigned *i, unsigned *j,
		      const struct node **nb, const struct node **na)
{
	*nb = *i < before->nr_nodes ? &before->nodes[*i] : NULL;
	*na = *j < after->nr_nodes ? &after->nodes[*j] : NULL;
	if (*nb && *na && (*nb)->id < (*na)->id)
		*na = NULL;
	else if (*nb && *na && (*nb)->id > (*na)->id)
		*nb = NULL;
	*i += !!*nb;
	*j += !!*na;
}

int snapshot_diff(const struct snapshot *before, const struct snapshot *after,
		  struct snap_diff *d, struct bc_error *err)
{
	unsigned i, j;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = snapshot_comparable(before, "the snapshot before", after, "the snapshot after", err);
	if (rc < 0)
		return rc;
	d->nr_orders = before->nr_orders;
	d->hpage_order = before->hpage_order >= 0 && before->hpage_order < (int)before->nr_orders ?
			 before->hpage_order : (int)before->nr_orders - 1;
	d->blocks_known = d->hpage_order == before->hpage_order && after->hpage_order == before->hpage_order;
	if ((rc = diff_alloc(before, after, d, err)) < 0)
		return rc;
	/* both node arrays are sorted by id: merge them */
	for (i = 0, j = 0; i < before->nr_nodes || j < after->nr_nodes;) {
		const struct node *nb, *na;

		next_pair(before, after, &i, &j, &nb, &na);
		add_node(d, nb, na);
	}
	vmstat_change(before, after, d);
	return 0;
}

void snap_diff_free(struct snap_diff *d)
{
	free(d->zones);
	free(d->nodes);
	memset(d, 0, sizeof(*d));
}

const struct node_change *snap_diff_node(const struct snap_diff *d, int id)
{
	unsigned lo = 0, hi = d->nr_nodes;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (d->nodes[mid].node == id)
			return &d->nodes[mid];
		if (d->nodes[mid].node < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
