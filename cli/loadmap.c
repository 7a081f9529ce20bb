/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The map for the commands that estimate and plan: read per size for the
 * nodes that need it (root's kpageflags, judged by policy/judge/mapjudge),
 * or why not, and the estimates made from it (policy/judge/estmap). Reading
 * costs about half a second per 24 GiB, so each command reads only what it
 * shows: estimate its gigantic sizes, check its short gigantic pools, plan
 * the gigantic pools it grows and the pools it reclaims for before the
 * first compaction; status never.
 */
#include "loadmap.h"

#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estmap.h"
#include "mapjudge.h"
#include "mapread.h"
#include "metrics.h"

int cli_map_read(const char *root, const struct snapshot *snap, uint64_t size_kb,
		 const struct bitmask *sel, struct pagemap_set *m, struct bc_error *err)
{
	struct pagemap_judging *j;
	struct pagemap_judge ops;
	struct bc_error why = { 0 };
	int rc;

	memset(m, 0, sizeof(*m));
	m->size_kb = size_kb;
	if (!snap->root || snap->capture) {
		snprintf(m->why, sizeof(m->why), "a capture (%.160s) has no kpageflags",
			 snap->capture ? snap->capture : "status JSON");
		return 0;
	}
	m->sums = calloc(snap->nr_nodes + 1, sizeof(*m->sums));
	j = malloc(sizeof(*j));
	if (!m->sums || !j) {
		free(j);
		cli_map_free(m);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	pagemap_judging_init(j, &ops, true);
	rc = map_read_sums(root, snap, size_kb, sel, &ops, m->sums, &m->nr, &why);
	free(j);
	if (rc == -BC_ENOMEM) {
		cli_map_free(m);
		*err = why;
		return rc;
	}
	if (rc < 0) {
		m->nr = 0;
		snprintf(m->why, sizeof(m->why), "%.300s", why.msg);
	}
	return 0;
}

void cli_map_free(struct pagemap_set *m)
{
	free(m->sums);
	m->sums = NULL;
	m->nr = 0;
}

void cli_maps_free(struct pagemap_set *sets, unsigned nr)
{
	unsigned i;

	for (i = 0; sets && i < nr; i++)
		cli_map_free(&sets[i]);
	free(sets);
}

static bool gigantic(const struct snapshot *snap, uint64_t size_kb)
{
	return metrics_size_order(snap, size_kb) >= (int)snap->nr_orders;
}

/* A node mask that can hold every node id of snap, or NULL. */
static struct bitmask *node_mask(const struct snapshot *snap)
{
	unsigned i, max = 0;

	for (i = 0; i < snap->nr_nodes; i++)
		if ((unsigned)snap->nodes[i].id > max)
			max = (unsigned)snap->nodes[i].id;
	return numa_bitmask_alloc(max + 1);
}

/* The estimates e[0..n) of size_kb, from the map of size_kb of the nodes they estimate, read once. */
static int estimates_of_size(const char *root, const struct snapshot *snap, struct estimate *e, unsigned n,
			     uint64_t size_kb, struct bc_error *err)
{
	struct bitmask *sel = node_mask(snap);
	struct pagemap_set m;
	unsigned k;
	int rc;

	if (!sel)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (k = 0; k < n; k++)
		if (e[k].size_kb == size_kb)
			numa_bitmask_setbit(sel, (unsigned)e[k].node);
	rc = cli_map_read(root, snap, size_kb, sel, &m, err);
	numa_bitmask_free(sel);
	for (k = 0; rc == 0 && k < n; k++) {
		const struct pagemap_summary *s = pagemap_set_node(&m, e[k].node);

		if (e[k].size_kb != size_kb)
			continue;
		if (s)
			estimate_from_map(&e[k], s, snap->page_size);
		else
			estimate_without_map(&e[k], m.why[0] ? m.why : "the node was not read");
	}
	cli_map_free(&m);
	return rc;
}

int cli_estimates_from_map(const char *root, const struct snapshot *snap, struct estimate *e,
			   unsigned n, struct bc_error *err)
{
	unsigned i;
	int rc = 0;

	/* the first estimate of each gigantic size not yet done: that size, every node, in one read */
	for (i = 0; i < n && rc == 0; i++)
		if (e[i].gigantic && !e[i].from_map && !(e[i].notes & EST_NO_MAP))
			rc = estimates_of_size(root, snap, e + i, n - i, e[i].size_kb, err);
	return rc;
}

/* A gigantic pool that falls short, as check found it. */
static bool short_gigantic(const struct snapshot *snap, const struct finding *f)
{
	return f->kind == FINDING_POOL && !f->unknown && f->shortfall && gigantic(snap, f->size_kb);
}

int cli_short_pools_map(const char *root, const struct snapshot *snap, const struct finding *f,
			unsigned n, struct estimate **out, unsigned *nr_out, struct bc_error *err)
{
	struct estimate *e = calloc(n + 1, sizeof(*e));
	unsigned i, k = 0;
	int rc = 0;

	*out = e;
	*nr_out = 0;
	if (!e)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		/* without NUMA sysfs the machine's one node stands for the global pool */
		const struct node *nd = snap->numa_sysfs ? snapshot_node(snap, f[i].node) :
					snap->nr_nodes == 1 ? &snap->nodes[0] : NULL;

		if (short_gigantic(snap, &f[i]) && nd && estimate_node(snap, nd, f[i].size_kb, &e[k]) == 0)
			k++;
	}
	rc = cli_estimates_from_map(root, snap, e, k, err);
	/* only those the map explains */
	for (i = 0; i < k; i++)
		if (e[i].from_map)
			e[(*nr_out)++] = e[i];
	return rc;
}

/*
 * Is a planned from its node's map (the machine's one node: the global
 * pool)? A gigantic pool that grows, and a pool whose plan reclaims part
 * of the node's clean page cache before its first compaction: the map
 * sizes that reclaim to the ranges it frees whole (plan.c's
 * map_sized_kb()). Not one that reclaims all of it (drop_first): the
 * reading would cost more than the compaction the map could leave out
 * (KERNEL.md section 8).
 */
static bool planned_from_map(const struct snapshot *snap, const struct action *a)
{
	bool sized_reclaim = a->reclaim_first == STEP_RECLAIM_NODE && !a->drop_first;

	return a->kind == ACT_RESERVE && a->target > a->current &&
	       (gigantic(snap, a->size_kb) || sized_reclaim) && (a->node >= 0 || snap->nr_nodes == 1);
}

/* Is a the first action of p planned from a map of its size? */
static bool first_of_size(const struct snapshot *snap, const struct plan *p, unsigned i)
{
	unsigned k;

	for (k = 0; k < i; k++)
		if (planned_from_map(snap, &p->a[k]) && p->a[k].size_kb == p->a[i].size_kb)
			return false;
	return planned_from_map(snap, &p->a[i]);
}

/* The map of size_kb for the nodes whose pool of it p plans from a map, into m. */
static int read_for_size(const char *root, const struct snapshot *snap, const struct plan *p,
			 uint64_t size_kb, struct pagemap_set *m, struct bc_error *err)
{
	struct bitmask *sel = node_mask(snap);
	unsigned k;
	int rc;

	if (!sel)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (k = 0; k < p->n; k++)
		if (planned_from_map(snap, &p->a[k]) && p->a[k].size_kb == size_kb)
			numa_bitmask_setbit(sel, (unsigned)(p->a[k].node >= 0 ? p->a[k].node : snap->nodes[0].id));
	rc = cli_map_read(root, snap, size_kb, sel, m, err);
	numa_bitmask_free(sel);
	return rc;
}

int cli_plan_maps(const char *root, const struct snapshot *snap, const struct plan *p,
		  struct pagemap_set **sets, unsigned *nr, struct bc_error *err)
{
	struct pagemap_set *grown;
	unsigned i;
	int rc = 0;

	*sets = NULL;
	*nr = 0;
	for (i = 0; i < p->n && rc == 0; i++) {
		if (!first_of_size(snap, p, i))
			continue;
		grown = realloc(*sets, (*nr + 1) * sizeof(**sets));
		if (!grown)
			return bc_error_set(err, BC_ENOMEM, "out of memory");
		*sets = grown;
		rc = read_for_size(root, snap, p, p->a[i].size_kb, &grown[*nr], err);
		if (rc == 0)
			(*nr)++;
	}
	return rc;
}
