/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_judge(): snapshot + policy -> findings. Nodes are judged on their
 * whole free lists (all zones summed) at the policy's order, with the
 * kernel's own index formulas; a node-wide figure is what decides whether a
 * hugepage of that order can be had on the node. Pools are judged against
 * the counts their [hugepages SIZE] sections set, split as the planner
 * splits them, and in the order the planner reserves them: the largest
 * size first. A count is a floor unless the section says shrink = yes.
 */
#include "judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "strbuf.h"

const char *level_name(enum level l)
{
	return l == LEVEL_CRIT ? "crit" : l == LEVEL_WARN ? "warn" : "ok";
}

enum level findings_level(const struct finding *f, unsigned n)
{
	enum level l = LEVEL_OK;
	unsigned i;

	for (i = 0; i < n; i++)
		if (f[i].level > l)
			l = f[i].level;
	return l;
}

/* The node's free lists as one zone: what a hugepage request on it can use. */
static void node_as_zone(const struct node *n, unsigned nr_orders, struct zone *out)
{
	unsigned z, k;

	memset(out, 0, sizeof(*out));
	for (z = 0; z < n->nr_zones; z++) {
		if (!n->zones[z].in_buddyinfo)
			continue;
		for (k = 0; k < nr_orders; k++)
			out->free_blocks[k] += n->zones[z].free_blocks[k];
		out->free_pages += n->zones[z].free_pages;
	}
}

/* Raise f->level to lvl if value crosses limit; say so in f->why. */
static void judge(struct finding *f, enum level lvl, const char *what, int64_t value,
		  int64_t limit, bool below)
{
	bool crossed = below ? value < limit : value >= limit;

	if (limit < 0 || !crossed)
		return;
	if (lvl > f->level)
		f->level = lvl;
	if (below)
		str_append(f->why, sizeof(f->why), "%s%s %lld < %s %lld", f->why[0] ? "; " : "", what,
		       (long long)value, level_name(lvl), (long long)limit);
	else
		str_append(f->why, sizeof(f->why), "%s%s %d.%03d >= %s %d.%03d", f->why[0] ? "; " : "", what,
		       (int)(value / 1000), (int)(value % 1000), level_name(lvl),
		       (int)(limit / 1000), (int)(limit % 1000));
}

static struct finding *add_finding(struct finding **fs, unsigned *n)
{
	struct finding *f = *fs;

	/*
	 * Doubled when n reaches a power of two (the array holds the next
	 * one up): grown by one, a finding per node of a 65,536-node capture
	 * was copied over and over.
	 */
	if (*n < 8 ? !*fs : !(*n & (*n - 1))) {
		f = realloc(*fs, (*n < 8 ? 8 : (size_t)*n * 2) * sizeof(*f));
		if (!f)
			return NULL;
	}
	*fs = f;
	f = &f[(*n)++];
	memset(f, 0, sizeof(*f));
	return f;
}

/* A memory node's free lists against its thresholds. */
static void judge_node(const struct snapshot *snap, const struct policy *pol,
		       const struct node *node, struct finding *f)
{
	const struct steps *warn, *crit;
	struct thresholds th;
	struct contig_info ci;
	struct zone all;

	f->kind = FINDING_FRAGMENTATION;
	f->node = node->id;
	f->order = policy_node_order(pol, snap, node->id);
	policy_for_node(pol, node->id, &th, &warn, &crit);
	f->th = th;
	node_as_zone(node, snap->nr_orders, &all);
	metrics_contig_info(&all, snap->nr_orders, (unsigned)f->order, &ci);
	f->unusable = metrics_unusable_index(&all, snap->nr_orders, (unsigned)f->order);
	f->fragindex = metrics_fragmentation_index(&all, snap->nr_orders, (unsigned)f->order);
	f->blocks = ci.free_blocks_suitable;

	judge(f, LEVEL_WARN, "unusable index", f->unusable, th.warn_unusable, false);
	judge(f, LEVEL_CRIT, "unusable index", f->unusable, th.crit_unusable, false);
	if (f->fragindex >= 0) {
		judge(f, LEVEL_WARN, "fragmentation index", f->fragindex, th.warn_fragindex, false);
		judge(f, LEVEL_CRIT, "fragmentation index", f->fragindex, th.crit_fragindex, false);
	}
	judge(f, LEVEL_WARN, "free blocks", (int64_t)f->blocks, th.warn_min_blocks, true);
	judge(f, LEVEL_CRIT, "free blocks", (int64_t)f->blocks, th.crit_min_blocks, true);
}

/*
 * Add the finding of the pool of t's size on node (-1: the global pool, as
 * plan_reserve_split() uses it) against target pages, read as the planner
 * reads it: without NUMA sysfs node 0 is the machine, its pools the global
 * ones. 0, or -1 on ENOMEM.
 */
static int judge_pool(struct finding **fs, unsigned *nr, const struct snapshot *snap,
		      const struct hp_target *t, int node, uint64_t target)
{
	const struct hugepool *pool = NULL;
	const struct node *n;
	struct finding *f = add_finding(fs, nr);

	if (!f)
		return -1;
	if (node < 0 || !snap->numa_sysfs)
		pool = snapshot_pool(snap, t->size_kb);
	else if ((n = snapshot_node(snap, node)))
		pool = node_pool(n, t->size_kb);
	f->kind = FINDING_POOL;
	f->node = node >= 0 ? node : 0;
	f->size_kb = t->size_kb;
	f->target = target;
	f->actual = pool ? pool->nr : 0;
	f->mandatory = t->mandatory;
	f->shrink = t->shrink;
	n = node >= 0 ? snapshot_node(snap, node) : NULL;
	if (snap->missing[IN_HUGEPAGES].file || (n && (n->lost & LOST_POOLS))) {
		/* a partial tree: the pool is unknown, neither ok nor short */
		f->unknown = true;
		f->actual = 0;
		snprintf(f->why, sizeof(f->why), "not judged: the pool was not read (%s)",
			 snap->missing[IN_HUGEPAGES].file ? snap->missing[IN_HUGEPAGES].file
			 : snap->missing[IN_NODE_HUGEPAGES].file ? snap->missing[IN_NODE_HUGEPAGES].file
			 : snap->missing[IN_NODE_DIR].file);
		return 0;
	}
	if (f->actual > target) {
		/*
		 * more than asked is not a fault: an operator may have raised
		 * the pool for a guest about to start; only shrink = yes frees it
		 */
		if (t->shrink)
			snprintf(f->why, sizeof(f->why), "%llu of %llu (above the target: apply frees %llu pages; shrink = yes)",
				 (unsigned long long)f->actual, (unsigned long long)target,
				 (unsigned long long)(f->actual - target));
		else
			snprintf(f->why, sizeof(f->why), "%llu of %llu (above the target: left as it is; shrink = no)",
				 (unsigned long long)f->actual, (unsigned long long)target);
		return 0;
	}
	if (f->actual == target) {
		snprintf(f->why, sizeof(f->why), "%llu of %llu", (unsigned long long)f->actual,
			 (unsigned long long)target);
		return 0;
	}
	f->shortfall = target - f->actual;
	f->level = t->mandatory ? LEVEL_CRIT : LEVEL_WARN;
	snprintf(f->why, sizeof(f->why), "%llu of %llu (%llu short%s)", (unsigned long long)f->actual,
		 (unsigned long long)target, (unsigned long long)f->shortfall,
		 t->mandatory ? "; mandatory" : "");
	return 0;
}

int policy_judge(const struct snapshot *snap, const struct policy *pol,
		 struct finding **findings, unsigned *nr_findings, struct bc_error *err)
{
	const struct hp_target *t;
	struct finding *fs = NULL, *f;
	unsigned i, k, n = 0, mem = policy_split_nodes(snap);
	int rc = 0;

	for (i = 0; i < snap->nr_nodes; i++) {
		if (!snap->nodes[i].has_memory)
			continue;
		if (!(f = add_finding(&fs, &n)))
			goto nomem;
		judge_node(snap, pol, &snap->nodes[i], f);
	}
	/* the pools in the order the planner plans them */
	for (t = policy_next_target(pol, NULL); t && rc == 0; t = policy_next_target(pol, t)) {
		unsigned share = 0;

		if (!t->has_total) {
			for (k = 0; k < t->nr_counts && rc == 0; k++)
				rc = judge_pool(&fs, &n, snap, t, t->counts[k].node, t->counts[k].count);
		} else if (mem == 0) {
			rc = judge_pool(&fs, &n, snap, t, -1, t->total);
		} else {
			for (k = 0; k < snap->nr_nodes && rc == 0; k++)
				if (snap->nodes[k].has_memory)
					rc = judge_pool(&fs, &n, snap, t, snap->nodes[k].id,
							policy_split_share(t->total, mem, share++));
		}
	}
	if (rc < 0)
		goto nomem;
	*findings = fs;
	*nr_findings = n;
	return 0;
nomem:
	free(fs);
	*findings = NULL;
	*nr_findings = 0;
	return bc_error_set(err, BC_ENOMEM, "out of memory");
}
