/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_DIFF_H
#define BUDDYCTL_DIFF_H

/*
 * What changed between two snapshots of one machine: computed once, after
 * the actions, and rendered by the text and JSON reports alike.
 */

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

/* One zone in both snapshots: its free blocks before and after. */
struct zone_change {
	int node;
	const struct zone *before, *after;	/* point into the snapshots */
	bool changed;				/* some order's count moved */
};

/* A node's memory, after less before, in kB (MemFree, file pages, slab). */
struct node_change {
	int node;
	int64_t free_kb;
	int64_t file_kb;		/* Active(file) + Inactive(file) */
	int64_t slab_kb;		/* SReclaimable */
	bool known;			/* both snapshots had the node's meminfo */
};

struct snap_diff {
	struct zone_change *zones;	/* every zone in buddyinfo of both */
	unsigned nr_zones;
	struct node_change *nodes;	/* every node in both */
	unsigned nr_nodes;
	int64_t vmstat[VM_NR_FIELDS];	/* after - before */
	uint32_t vmstat_seen;		/* bit per field read in both */
};

/* 0 or -BC_ENOMEM (err filled); snap_diff_free() either way. */
int snapshot_diff(const struct snapshot *before, const struct snapshot *after,
		  struct snap_diff *d, struct bc_error *err);
void snap_diff_free(struct snap_diff *d);

#endif
