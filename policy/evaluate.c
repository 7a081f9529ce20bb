/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_judge(): snapshot + policy -> findings; policy_evaluate(): the
 * same findings + plan. Nodes are judged on their whole free lists (all
 * zones summed) at the policy's order, with the kernel's own index
 * formulas; a node-wide figure is what decides whether a hugepage of that
 * order can be had on the node. Pools are judged against the counts their
 * [hugepages SIZE] sections set, split as the planner splits them, and in
 * the order the planner reserves them: the largest size first. A count is
 * a floor unless the section says shrink = yes.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#include "meminfo.h"
#include "metrics.h"
#include "units.h"

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

static int pick(int node_v, int def)
{
	return node_v == TH_INHERIT ? def : node_v;
}

static int64_t pick64(int64_t node_v, int64_t def)
{
	return node_v == TH_INHERIT ? def : node_v;
}

static void effective(const struct policy *pol, int node, struct thresholds *th,
		      const struct steps **warn, const struct steps **crit)
{
	unsigned i;

	*th = pol->th;
	*warn = &pol->warn;
	*crit = &pol->crit;
	for (i = 0; i < pol->nr_nodes; i++) {
		const struct node_policy *np = &pol->nodes[i];

		if (np->node != node)
			continue;
		th->warn_unusable = pick(np->th.warn_unusable, th->warn_unusable);
		th->crit_unusable = pick(np->th.crit_unusable, th->crit_unusable);
		th->warn_fragindex = pick(np->th.warn_fragindex, th->warn_fragindex);
		th->crit_fragindex = pick(np->th.crit_fragindex, th->crit_fragindex);
		th->warn_min_blocks = pick64(np->th.warn_min_blocks, th->warn_min_blocks);
		th->crit_min_blocks = pick64(np->th.crit_min_blocks, th->crit_min_blocks);
		if (np->warn_set)
			*warn = &np->warn;
		if (np->crit_set)
			*crit = &np->crit;
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

/* Index of the global action of this kind (and drop level) already planned, or -1. */
static int find_global(const struct plan *p, enum action_kind kind, int level)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].kind == kind && (kind != ACT_DROP_CACHES || p->a[i].drop_level == level))
			return (int)i;
	return -1;
}

static uint64_t file_cache_kb(const struct snapshot *snap, int node)
{
	const struct meminfo *mi = &snap->meminfo;
	const struct node *n = node >= 0 ? snapshot_node(snap, node) : NULL;

	if (n && n->has_meminfo)
		mi = &n->meminfo;
	return mi->v[MI_ACTIVE_FILE] + mi->v[MI_INACTIVE_FILE];
}

static uint64_t slab_kb(const struct snapshot *snap, int node)
{
	const struct node *n = snapshot_node(snap, node);

	return n && n->has_meminfo ? n->meminfo.v[MI_SRECLAIMABLE] : 0;
}

static int add_remedy(struct plan *plan, const struct snapshot *snap, struct finding *f,
		      const struct steps *steps, bool sync)
{
	unsigned i;

	for (i = 0; i < steps->n; i++) {
		enum step s = steps->s[i];
		bool drop = s == STEP_DROP_PAGECACHE || s == STEP_DROP_SLAB || s == STEP_DROP_ALL;
		int level = s == STEP_DROP_PAGECACHE ? 1 : s == STEP_DROP_SLAB ? 2 : 3;
		/* without NUMA sysfs, node compaction is vm/compact_memory */
		bool global = s == STEP_COMPACT_ALL || (s == STEP_COMPACT_NODE && !snap->numa_sysfs);
		int have = global ? find_global(plan, ACT_COMPACT_ALL, 0) :
			   drop ? find_global(plan, ACT_DROP_CACHES, level) : -1;
		struct action *a;

		if (have >= 0) {
			/* planned once, for every node that needs it */
			f->acts[f->nr_acts++] = (unsigned)have;
			continue;
		}
		a = s == STEP_COMPACT_NODE ? plan_compact_node(plan, snap, f->node) :
		    plan_add(plan, global ? ACT_COMPACT_ALL : ACT_DROP_CACHES);
		if (!a)
			return -BC_ENOMEM;
		f->acts[f->nr_acts++] = plan->n - 1;
		snprintf(a->reason, sizeof(a->reason), "node %d is %s: %s", f->node,
			 level_name(f->level), f->why);
		switch (a->kind) {
		case ACT_COMPACT_NODE:
			snprintf(a->expect, sizeof(a->expect),
				 "more free blocks of order >= %d on node %d (now %llu, unusable index %d.%03d)",
				 f->order, f->node, (unsigned long long)f->blocks,
				 f->unusable / 1000, f->unusable % 1000);
			break;
		case ACT_COMPACT_ALL:
			snprintf(a->expect, sizeof(a->expect),
				 "more free blocks of order >= %d on every node%s", f->order,
				 snap->numa_sysfs ? "" : " (no NUMA sysfs: vm/compact_memory)");
			break;
		default:
			a->drop_level = level;
			a->sync = sync && level != 2;
			if (level == 2)
				snprintf(a->expect, sizeof(a->expect),
					 "reclaimable slab freed on all nodes; up to %llu MiB (node %d: %llu MiB)",
					 (unsigned long long)snap->meminfo.v[MI_SRECLAIMABLE] / 1024, f->node,
					 (unsigned long long)slab_kb(snap, f->node) / 1024);
			else
				snprintf(a->expect, sizeof(a->expect), "%s on all nodes; up to %llu MiB of file cache (node %d: %llu MiB)",
					 level == 1 ? "clean page cache freed"
					 : "clean page cache and reclaimable slab freed",
					 (unsigned long long)file_cache_kb(snap, -1) / 1024, f->node,
					 (unsigned long long)file_cache_kb(snap, f->node) / 1024);
			break;
		}
	}
	return 0;
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
	effective(pol, node->id, &th, &warn, &crit);
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

/*
 * The policy's pools in the order they are reserved at run time: the
 * largest size first, as the kernel command line does (gigantic pages are
 * taken from memblock as their hugepages= is parsed, the others later),
 * whatever order the sections are written in: a 2M pool reserved first
 * would take the free ranges a 1G page needs. The target after prev (NULL:
 * the first), or NULL after the last; each size has one section.
 */
static const struct hp_target *next_target(const struct policy *pol, const struct hp_target *prev)
{
	const struct hp_target *best = NULL;
	unsigned i;

	for (i = 0; i < pol->nr_targets; i++) {
		const struct hp_target *t = &pol->targets[i];

		if (prev && t->size_kb >= prev->size_kb)
			continue;
		if (!best || t->size_kb > best->size_kb)
			best = t;
	}
	return best;
}

int policy_judge(const struct snapshot *snap, const struct policy *pol,
		 struct finding **findings, unsigned *nr_findings, struct bc_error *err)
{
	const struct hp_target *t;
	struct finding *fs = NULL, *f;
	unsigned i, k, n = 0, mem = plan_split_nodes(snap);
	int rc = 0;

	for (i = 0; i < snap->nr_nodes; i++) {
		if (!snap->nodes[i].has_memory)
			continue;
		if (!(f = add_finding(&fs, &n)))
			goto nomem;
		judge_node(snap, pol, &snap->nodes[i], f);
	}
	/* the pools in the order the planner plans them */
	for (t = next_target(pol, NULL); t && rc == 0; t = next_target(pol, t)) {
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
							plan_split_share(t->total, mem, share++));
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

/*
 * shrink = no: the reservations from first on that would free pages are
 * not actions, the count being a floor the pool is already above.
 */
static void drop_floors_met(struct plan *plan, unsigned first)
{
	unsigned i, k = first;

	for (i = first; i < plan->n; i++)
		if (plan->a[i].kind != ACT_RESERVE || plan->a[i].target >= plan->a[i].current)
			plan->a[k++] = plan->a[i];
	plan->n = k;
}

/*
 * A timer whose period equals min_interval starts each run a little early
 * or late: systemd fires a timer anywhere within its AccuracySec= (1min in
 * buddyctl-remediate.timer) when other timers' wake-ups are batched with
 * it, and a run that waited for the lock (--wait 30s) records a later
 * start. Without slack every other tick would be held back; a tenth of
 * min_interval, at most 60 s, covers that and keeps a longer min_interval
 * what it says.
 */
#define INTERVAL_SLACK_MAX_S 60.0

double policy_interval_slack_s(unsigned min_interval_s)
{
	return min_interval_s / 10.0 < INTERVAL_SLACK_MAX_S ? min_interval_s / 10.0 : INTERVAL_SLACK_MAX_S;
}

bool policy_interval_passed(unsigned min_interval_s, double interval_s, double then, double now)
{
	return now - then >= interval_s - policy_interval_slack_s(min_interval_s);
}

int policy_evaluate(const struct snapshot *snap, const struct policy *pol,
		    const struct remembered *mem,
		    struct finding **findings, unsigned *nr_findings,
		    struct plan *plan, struct bc_error *err)
{
	const struct hp_target *t;
	struct finding *fs = NULL, *f;
	unsigned i, n = 0;
	int rc;

	memset(plan, 0, sizeof(*plan));
	plan->time_budget_s = pol->time_budget_s;
	plan->sync = pol->sync;
	rc = policy_judge(snap, pol, &fs, &n, err);
	if (rc < 0) {
		*findings = NULL;
		return rc;
	}
	for (i = 0; i < n; i++) {
		const struct steps *warn, *crit, *steps;
		struct thresholds th;

		f = &fs[i];
		/* a short pool is remedied by its reservation below */
		if (f->kind != FINDING_FRAGMENTATION || f->level == LEVEL_OK)
			continue;
		effective(pol, f->node, &th, &warn, &crit);
		steps = f->level == LEVEL_CRIT ? crit : warn;
		if (!steps->n)
			continue;
		if (mem && (unsigned)f->node < mem->nr_last && mem->last_remediated[f->node] > 0 &&
		    !policy_interval_passed(pol->min_interval_s, pol->min_interval_s,
					    mem->last_remediated[f->node], mem->now)) {
			double last = mem->last_remediated[f->node];

			f->held_until = last + pol->min_interval_s - policy_interval_slack_s(pol->min_interval_s);
			str_append(f->why, sizeof(f->why), " (remediation held back: last one started %.0f s ago, min_interval %u s: for %.0f s more)",
			       mem->now - last, pol->min_interval_s, f->held_until - mem->now);
			continue;
		}
		rc = add_remedy(plan, snap, f, steps, pol->sync);
		if (rc < 0)
			goto nomem;
		f->remediated = true;
	}
	for (t = next_target(pol, NULL); t; t = next_target(pol, t)) {
		unsigned first = plan->n;
		char why[200], sz[24];
		struct reserve_req rq = { .size_kb = t->size_kb,
					  .ladder = t->ladder_given ? &t->ladder : NULL,
					  .rounds = t->ladder_given || t->rounds_given ? (int)t->rounds : -1,
					  .allow_drop = t->allow_drop_caches,
					  .keep = t->keep, .force = t->force,
					  .judged = true, .mandatory = t->mandatory,
					  .mem = mem, .min_interval_s = pol->min_interval_s,
					  .why = why, .where = why, .force_hint = "force = yes",
					  .kind = BC_ECONFIG };
		unsigned k;

		/* no pool was read (a capture): its finding says so; nothing is planned on a guess */
		if (snap->missing[IN_HUGEPAGES].file)
			continue;
		size_label(sz, sizeof(sz), t->size_kb * 1024);
		snprintf(why, sizeof(why), "%.150s:%u: [hugepages %s]", pol->path, t->line, sz);
		if (t->has_total)
			rc = plan_reserve_split(plan, snap, &rq, t->total, err);
		for (k = 0, rc = t->has_total ? rc : 0; !t->has_total && k < t->nr_counts && rc == 0; k++)
			rc = plan_reserve_node(plan, snap, &rq, t->counts[k].node, t->counts[k].count, err);
		if (rc < 0)
			goto fail;
		if (!t->shrink)
			drop_floors_met(plan, first);
	}
	/* a target already met is not an action */
	for (i = 0; i < plan->n;) {
		if (plan->a[i].kind == ACT_RESERVE && plan->a[i].target == plan->a[i].current) {
			memmove(&plan->a[i], &plan->a[i + 1], (plan->n - i - 1) * sizeof(plan->a[0]));
			plan->n--;
		} else {
			i++;
		}
	}
	*findings = fs;
	*nr_findings = n;
	return 0;
nomem:
	rc = bc_error_set(err, BC_ENOMEM, "out of memory");
fail:
	free(fs);
	*findings = NULL;
	plan_free(plan);
	return rc;
}

void plan_pools_only(struct plan *plan, struct finding *findings, unsigned nr_findings)
{
	unsigned i, k = 0;

	for (i = 0; i < nr_findings; i++) {
		struct finding *f = &findings[i];

		if (f->kind != FINDING_FRAGMENTATION || !f->remediated)
			continue;
		f->remediated = false;
		f->nr_acts = 0;
		str_append(f->why, sizeof(f->why), " (not remediated: --pools-only)");
	}
	/* nor held back: --pools-only does not remediate nodes at all */
	for (i = 0; i < nr_findings; i++)
		findings[i].held_until = 0;
	for (i = 0; i < plan->n; i++)
		if (plan->a[i].kind == ACT_RESERVE)
			plan->a[k++] = plan->a[i];
	plan->n = k;
}
