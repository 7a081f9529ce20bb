/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_DIFF_H
#define BUDDYCTL_DIFF_H

/*
 * What changed between two snapshots: computed once and rendered by every
 * report that shows it (apply's before/after, `buddyctl diff`). The two may
 * come from one machine (apply) or from anywhere (diff): a node or zone on
 * one side only is kept, with the other side NULL, and counts as 0 there.
 */

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

/* One zone of either snapshot: its free blocks before, after and the change. */
struct zone_change {
	int node;
	const char *name;			/* the zone's name, from whichever side has it */
	const struct zone *before, *after;	/* point into the snapshots; NULL: not on that side */
	bool changed;				/* some order's count moved, or one side only */
	int64_t change[BC_MAX_ORDERS];		/* after - before per order, a missing side 0 */
	/*
	 * At the hugepage order of the snapshot before (indices of zones are
	 * compared at one order), in thousandths as the kernel computes them;
	 * 0 on a side the zone is not on.
	 */
	int unusable_before, unusable_after;
	int fragindex_before, fragindex_after;
};

/* A node of either snapshot; its memory, after less before, in kB (MemFree, file pages, slab). */
struct node_change {
	int node;
	bool in_before, in_after;	/* the node is in that snapshot */
	int64_t free_kb;
	int64_t file_kb;		/* Active(file) + Inactive(file) */
	int64_t slab_kb;		/* SReclaimable */
	bool known;			/* both snapshots had the node's meminfo */
	unsigned first_zone, nr_zones;	/* the node's zones: d->zones[first_zone] on */
	/* free blocks of d->hpage_order or larger, in blocks of it (see struct snap_diff) */
	uint64_t blocks_before, blocks_after;
};

struct snap_diff {
	unsigned nr_orders;		/* the same in both: snapshot_comparable() */
	int hpage_order;		/* the order of the zone indices: the snapshot before's */
	struct zone_change *zones;	/* node by node in id order, zones in the before's order then new ones */
	unsigned nr_zones;
	struct node_change *nodes;	/* in id order */
	unsigned nr_nodes;
	int64_t vmstat[VM_NR_FIELDS];	/* after - before */
	uint32_t vmstat_seen;		/* bit per field read in both */
	/*
	 * Free blocks of the hugepage order (COMPACTION_HPAGE_ORDER) or
	 * larger, counted in blocks of that order, on every node before and
	 * after (each node's in struct node_change): what a compaction
	 * gained. Only when both snapshots know that order (blocks_known).
	 */
	bool blocks_known;
	uint64_t blocks_before, blocks_after;
};

/*
 * Whether two snapshots can be compared: the same page size and the same
 * number of orders. 0, or -BC_EDATA with err naming both (before_name and
 * after_name say what each is in the message).
 */
int snapshot_comparable(const struct snapshot *before, const char *before_name,
			const struct snapshot *after, const char *after_name, struct bc_error *err);

/*
 * The difference of two comparable snapshots. 0, or -BC_EDATA (not
 * comparable: err filled, without names) or -BC_ENOMEM; snap_diff_free()
 * either way.
 */
int snapshot_diff(const struct snapshot *before, const struct snapshot *after,
		  struct snap_diff *d, struct bc_error *err);
void snap_diff_free(struct snap_diff *d);

/* The node_change of node id in d (d->nodes is by id), or NULL. */
const struct node_change *snap_diff_node(const struct snap_diff *d, int id);

#endif
