/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "meminfo.h"

static int64_t mi_diff(const struct node *b, const struct node *a, enum meminfo_field f)
{
	return (int64_t)a->meminfo.v[f] - (int64_t)b->meminfo.v[f];
}

int snapshot_diff(const struct snapshot *before, const struct snapshot *after,
		  struct snap_diff *d, struct bc_error *err)
{
	unsigned i, z, k, zones = 0;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < before->nr_nodes; i++)
		zones += before->nodes[i].nr_zones;
	d->zones = calloc(zones + 1, sizeof(*d->zones));
	d->nodes = calloc(before->nr_nodes + 1, sizeof(*d->nodes));
	if (!d->zones || !d->nodes)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = 0; i < before->nr_nodes; i++) {
		const struct node *nb = &before->nodes[i], *na = snapshot_node(after, nb->id);
		struct node_change *nc;

		if (!na)
			continue;
		nc = &d->nodes[d->nr_nodes++];
		nc->node = nb->id;
		nc->known = nb->has_meminfo && na->has_meminfo;
		if (nc->known) {
			nc->free_kb = mi_diff(nb, na, MI_MEM_FREE);
			nc->file_kb = mi_diff(nb, na, MI_ACTIVE_FILE) + mi_diff(nb, na, MI_INACTIVE_FILE);
			nc->slab_kb = mi_diff(nb, na, MI_SRECLAIMABLE);
		}
		for (z = 0; z < nb->nr_zones; z++) {
			const struct zone *zb = &nb->zones[z], *za = node_zone(na, zb->name);
			struct zone_change *zc;

			if (!zb->in_buddyinfo || !za || !za->in_buddyinfo)
				continue;
			zc = &d->zones[d->nr_zones++];
			zc->node = nb->id;
			zc->before = zb;
			zc->after = za;
			zc->changed = memcmp(zb->free_blocks, za->free_blocks,
					     before->nr_orders * sizeof(zb->free_blocks[0])) != 0;
		}
	}
	for (k = 0; k < VM_NR_FIELDS; k++) {
		if (!(before->vmstat.seen & after->vmstat.seen & (1u << k)))
			continue;
		d->vmstat_seen |= 1u << k;
		d->vmstat[k] = (int64_t)after->vmstat.v[k] - (int64_t)before->vmstat.v[k];
	}
	return 0;
}

void snap_diff_free(struct snap_diff *d)
{
	free(d->zones);
	free(d->nodes);
	memset(d, 0, sizeof(*d));
}
