/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The snapshot as data: nodes, zones and pools added, looked up and freed; no file is read here. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include <numa.h>

#include "units.h"

struct node *snapshot_node(const struct snapshot *snap, int id)
{
	unsigned lo = 0, hi = snap->nr_nodes;

	if (snap->node_slot) {
		/* nodes[] out of id order while a parser adds them: the table */
		if (id < 0 || id > BC_MAX_NODE_ID || !snap->node_slot[id])
			return NULL;
		return &snap->nodes[snap->node_slot[id] - 1];
	}

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (snap->nodes[mid].id == id)
			return &snap->nodes[mid];
		if (snap->nodes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int snapshot_nodes_usable(const struct snapshot *snap, const struct bitmask *mask, const char *what,
			  struct bc_error *err)
{
	const struct node *n;
	unsigned id;

	for (id = 0; id < mask->size; id++) {
		if (!numa_bitmask_isbitset(mask, id))
			continue;
		n = snapshot_node(snap, (int)id);
		if (!n || !n->has_memory)
			return bc_error_set(err, BC_EUSAGE, "%s: node %u %s", what, id,
					    n ? "has no memory" : "does not exist");
	}
	return 0;
}

/* Room for one more node: 0, or -1 when there is no memory. */
static int grow_nodes(struct snapshot *snap)
{
	unsigned cap = snap->cap_nodes ? snap->cap_nodes * 2 : 8;
	struct node *nodes;

	if (snap->nr_nodes < snap->cap_nodes)
		return 0;
	nodes = realloc(snap->nodes, cap * sizeof(*nodes));
	if (!nodes)
		return -1;
	snap->nodes = nodes;
	snap->cap_nodes = cap;
	return 0;
}

/* The id table of the nodes so far (none when there is no memory for it). */
static void build_slots(struct snapshot *snap)
{
	unsigned i;

	snap->node_slot = calloc(BC_MAX_NODE_ID + 1, sizeof(*snap->node_slot));
	for (i = 0; snap->node_slot && i < snap->nr_nodes; i++)
		snap->node_slot[snap->nodes[i].id] = i + 1;
}

/*
 * Where node id goes. Out of id order (a capture with node ids descending,
 * say): appended, and nodes are looked up through an id table until
 * snapshot_sort_nodes(). Inserting in place would move every later node
 * each time: quadratic in the 65,536 nodes a capture may name.
 */
static unsigned node_place(struct snapshot *snap, int id)
{
	struct node *nodes = snap->nodes;
	unsigned pos = snap->nr_nodes;
	bool in_table = id >= 0 && id <= BC_MAX_NODE_ID;

	if (pos > 0 && nodes[pos - 1].id > id && !snap->node_slot && in_table)
		build_slots(snap);
	if (!snap->node_slot) {
		/* no table (an id beyond the table, or no memory for it): in place */
		for (; pos > 0 && nodes[pos - 1].id > id; pos--)
			;
		memmove(&nodes[pos + 1], &nodes[pos], (snap->nr_nodes - pos) * sizeof(*nodes));
	} else if (in_table) {
		snap->node_slot[id] = pos + 1;
	}
	return pos;
}

struct node *snapshot_add_node(struct snapshot *snap, int id)
{
	struct node *n;
	unsigned pos;

	/* files list nodes in ascending order: appending is the common case */
	if (snap->nr_nodes && snap->nodes[snap->nr_nodes - 1].id == id)
		return &snap->nodes[snap->nr_nodes - 1];
	n = snapshot_node(snap, id);
	if (n)
		return n;
	if (grow_nodes(snap) < 0)
		return NULL;
	pos = node_place(snap, id);
	snap->nr_nodes++;
	n = &snap->nodes[pos];
	memset(n, 0, sizeof(*n));
	n->id = id;
	return n;
}

static int cmp_node_id(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

void snapshot_sort_nodes(struct snapshot *snap)
{
	if (!snap->node_slot)
		return;
	qsort(snap->nodes, snap->nr_nodes, sizeof(*snap->nodes), cmp_node_id);
	free(snap->node_slot);
	snap->node_slot = NULL;
}

struct zone *node_zone(const struct node *node, const char *name)
{
	unsigned i;

	for (i = 0; i < node->nr_zones; i++)
		if (strcmp(node->zones[i].name, name) == 0)
			return &node->zones[i];
	return NULL;
}

struct zone *node_add_zone(struct node *node, const char *name, size_t len)
{
	struct zone *zones;
	unsigned i;

	if (len >= BC_NAME_MAX)
		return NULL;
	for (i = 0; i < node->nr_zones; i++)
		if (strlen(node->zones[i].name) == len &&
		    memcmp(node->zones[i].name, name, len) == 0)
			return &node->zones[i];
	if (node->nr_zones >= BC_MAX_ZONES)
		return NULL;
	zones = realloc(node->zones, (node->nr_zones + 1) * sizeof(*zones));
	if (!zones)
		return NULL;
	node->zones = zones;
	memset(&zones[node->nr_zones], 0, sizeof(zones[0]));
	memcpy(zones[node->nr_zones].name, name, len);
	return &zones[node->nr_zones++];
}

int zone_alloc_types(struct zone *z)
{
	if (!z->types)
		z->types = calloc(BC_MAX_MIGRATETYPES, sizeof(*z->types));
	return z->types ? 0 : -1;
}

struct zone *snapshot_zone(struct snapshot *snap, int id, const char *name, size_t len,
			   const char *path, unsigned lineno, int *rc, struct bc_error *err)
{
	struct node *node = snapshot_add_node(snap, id);
	unsigned before;
	struct zone *z;

	if (!node) {
		*rc = bc_error_set(err, BC_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	before = node->nr_zones;
	if (snap->nr_zones >= BC_MAX_SNAPSHOT_ZONES && len < BC_NAME_MAX) {
		char zname[BC_NAME_MAX];

		memcpy(zname, name, len);
		zname[len] = '\0';
		if (!(z = node_zone(node, zname))) {
			*rc = bc_error_set(err, BC_EDATA, "%s:%u: more than %d zones in all: no kernel prints that many",
					   path, lineno, BC_MAX_SNAPSHOT_ZONES);
			return NULL;
		}
		return z;
	}
	z = node_add_zone(node, name, len);
	snap->nr_zones += z && node->nr_zones > before;
	if (!z && node->nr_zones >= BC_MAX_ZONES)
		*rc = bc_error_set(err, BC_EDATA, "%s:%u: more than %d zones on node %d", path, lineno,
				   BC_MAX_ZONES, id);
	else if (!z)
		*rc = bc_error_set(err, BC_ENOMEM, "%s: out of memory", path);
	return z;
}

static const struct hugepool *find_pool(const struct hugepool *p, unsigned n, uint64_t kb)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (p[i].size_kb == kb)
			return &p[i];
	return NULL;
}

const struct hugepool *node_pool(const struct node *node, uint64_t size_kb)
{
	return find_pool(node->pools, node->nr_pools, size_kb);
}

const struct hugepool *snapshot_pool(const struct snapshot *snap, uint64_t size_kb)
{
	return find_pool(snap->pools, snap->nr_pools, size_kb);
}

void snapshot_free(struct snapshot *snap)
{
	unsigned i, k;

	for (i = 0; i < snap->nr_nodes; i++) {
		for (k = 0; k < snap->nodes[i].nr_zones; k++)
			free(snap->nodes[i].zones[k].types);
		free(snap->nodes[i].zones);
		free(snap->nodes[i].pools);
	}
	free(snap->nodes);
	free(snap->node_slot);
	free(snap->pools);
	free(snap->root);
	for (i = 0; i < IN_NR; i++)
		if (snap->missing[i].nodes)
			numa_bitmask_free(snap->missing[i].nodes);
	memset(snap, 0, sizeof(*snap));
}

static const char *const lost_names[LOST_NR][2] = {
	{ "watermarks", "watermarks" }, { "zone_sizes", "zone sizes" },
	{ "per_cpu_pages", "per-CPU free pages" }, { "compaction_score", "compaction score" },
	{ "pageblocks", "pageblocks" }, { "pools", "hugepage pools" },
	{ "totals", "node totals" }, { "vmstat", "vmstat counters" },
	{ "default_hugepage_size", "default hugepage size" },
	{ "cpu_only_nodes", "CPU-only nodes" }, { "cpus", "which nodes have CPUs" },
};

const char *snapshot_lost_name(unsigned i)
{
	return i < LOST_NR ? lost_names[i][0] : "?";
}

const char *snapshot_lost_words(unsigned i)
{
	return i < LOST_NR ? lost_names[i][1] : "?";
}

const struct snap_missing *snapshot_first_missing(const struct snapshot *snap, unsigned mask)
{
	unsigned i;

	for (i = 0; i < IN_NR; i++)
		if ((mask & (1u << i)) && snap->missing[i].file)
			return &snap->missing[i];
	return NULL;
}
