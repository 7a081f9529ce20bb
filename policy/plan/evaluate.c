/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_evaluate(): the findings of policy_judge() (judge.c) + the plan:
 * the remediation of the nodes at warn or crit, then the pools' targets,
 * the largest size first. A count is a floor unless the section says
 * shrink = yes.
 */
#include "evaluate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "judge.h"
#include "plan.h"
#include "reservation.h"
#include "strbuf.h"
#include "units.h"

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

/* The drop_caches level of a dropping step: 1 page cache, 2 slab, 3 both. */
static int drop_level(enum step s)
{
	return s == STEP_DROP_PAGECACHE ? 1 : s == STEP_DROP_SLAB ? 2 : 3;
}

/* The global action a step is (without NUMA sysfs, node compaction is vm/compact_memory), or ACT_COMPACT_NODE. */
static enum action_kind step_action(const struct snapshot *snap, enum step s)
{
	if (s == STEP_COMPACT_ALL || (s == STEP_COMPACT_NODE && !snap->numa_sysfs))
		return ACT_COMPACT_ALL;
	if (s == STEP_DROP_PAGECACHE || s == STEP_DROP_SLAB || s == STEP_DROP_ALL)
		return ACT_DROP_CACHES;
	return ACT_COMPACT_NODE;
}

/* What dropping caches at level is expected to free, on all nodes and on f's. */
static void drop_expect(struct action *a, const struct snapshot *snap, const struct finding *f, int level)
{
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
}

/* Why a remediation is planned (f) and what it is expected to do. */
static void describe_remedy(struct action *a, const struct snapshot *snap, const struct finding *f, int level,
			    bool sync)
{
	snprintf(a->reason, sizeof(a->reason), "node %d is %s: %s", f->node, level_name(f->level), f->why);
	switch (a->kind) {
	case ACT_COMPACT_NODE:
		snprintf(a->expect, sizeof(a->expect),
			 "more free blocks of order >= %d on node %d (now %llu, unusable index %d.%03d)",
			 f->order, f->node, (unsigned long long)f->blocks, f->unusable / 1000, f->unusable % 1000);
		break;
	case ACT_COMPACT_ALL:
		snprintf(a->expect, sizeof(a->expect), "more free blocks of order >= %d on every node%s", f->order,
			 snap->numa_sysfs ? "" : " (no NUMA sysfs: vm/compact_memory)");
		break;
	default:
		a->drop_level = level;
		a->sync = sync && level != 2;
		drop_expect(a, snap, f, level);
		break;
	}
}

static int add_remedy(struct plan *plan, const struct snapshot *snap, struct finding *f,
		      const struct steps *steps, bool sync)
{
	unsigned i;

	for (i = 0; i < steps->n; i++) {
		enum step s = steps->s[i];
		enum action_kind kind = step_action(snap, s);
		int level = drop_level(s);
		int have = kind == ACT_COMPACT_NODE ? -1 : find_global(plan, kind, kind == ACT_DROP_CACHES ? level : 0);
		struct action *a;

		if (have >= 0) {
			/* planned once, for every node that needs it */
			f->acts[f->nr_acts++] = (unsigned)have;
			continue;
		}
		a = s == STEP_COMPACT_NODE ? plan_compact_node(plan, snap, f->node) : plan_add(plan, kind);
		if (!a)
			return -BC_ENOMEM;
		f->acts[f->nr_acts++] = plan->n - 1;
		describe_remedy(a, snap, f, level, sync);
	}
	return 0;
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
 * Was f's node remediated less than min_interval ago (the state file)?
 * Then it is held back, and its why says until when.
 */
static bool held_back(const struct policy *pol, const struct remembered *mem, struct finding *f)
{
	double last;

	if (!mem || (unsigned)f->node >= mem->nr_last || mem->last_remediated[f->node] <= 0 ||
	    policy_interval_passed(pol->min_interval_s, pol->min_interval_s, mem->last_remediated[f->node],
				   mem->now))
		return false;
	last = mem->last_remediated[f->node];
	f->held_until = last + pol->min_interval_s - policy_interval_slack_s(pol->min_interval_s);
	str_append(f->why, sizeof(f->why), " (remediation held back: last one started %.0f s ago, min_interval %u s: for %.0f s more)",
		   mem->now - last, pol->min_interval_s, f->held_until - mem->now);
	return true;
}

/* The remediation of each node at warn or crit (a short pool is remedied by its reservation). */
static int remediate(struct plan *plan, const struct snapshot *snap, const struct policy *pol,
		     const struct remembered *mem, struct finding *fs, unsigned n)
{
	const struct steps *warn, *crit, *steps;
	struct thresholds th;
	unsigned i;

	for (i = 0; i < n; i++) {
		struct finding *f = &fs[i];

		if (f->kind != FINDING_FRAGMENTATION || f->level == LEVEL_OK)
			continue;
		policy_for_node(pol, f->node, &th, &warn, &crit);
		steps = f->level == LEVEL_CRIT ? crit : warn;
		if (!steps->n || held_back(pol, mem, f))
			continue;
		if (add_remedy(plan, snap, f, steps, pol->sync) < 0)
			return -BC_ENOMEM;
		f->remediated = true;
	}
	return 0;
}

/* The reservations of one [hugepages SIZE] target: its total split, or its counts per node. */
static int reserve_target(struct plan *plan, const struct snapshot *snap, const struct policy *pol,
			  const struct remembered *mem, const struct hp_target *t, struct bc_error *err)
{
	unsigned first = plan->n, k;
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
	int rc = 0;

	size_label(sz, sizeof(sz), t->size_kb * 1024);
	snprintf(why, sizeof(why), "%.150s:%u: [hugepages %s]", pol->path, t->line, sz);
	if (t->has_total)
		rc = plan_reserve_split(plan, snap, &rq, t->total, err);
	for (k = 0; !t->has_total && k < t->nr_counts && rc == 0; k++)
		rc = plan_reserve_node(plan, snap, &rq, t->counts[k].node, t->counts[k].count, err);
	if (rc == 0 && !t->shrink)
		drop_floors_met(plan, first);
	return rc;
}

/* A target already met is not an action. */
static void drop_targets_met(struct plan *plan)
{
	unsigned i;

	for (i = 0; i < plan->n;) {
		if (plan->a[i].kind == ACT_RESERVE && plan->a[i].target == plan->a[i].current) {
			memmove(&plan->a[i], &plan->a[i + 1], (plan->n - i - 1) * sizeof(plan->a[0]));
			plan->n--;
		} else {
			i++;
		}
	}
}

int policy_evaluate(const struct snapshot *snap, const struct policy *pol,
		    const struct remembered *mem,
		    struct finding **findings, unsigned *nr_findings,
		    struct plan *plan, struct bc_error *err)
{
	const struct pagemap_set *maps = plan->maps;
	unsigned nr_maps = plan->nr_maps;
	const struct hp_target *t;
	struct finding *fs = NULL;
	unsigned n = 0;
	int rc;

	memset(plan, 0, sizeof(*plan));
	plan->maps = maps;
	plan->nr_maps = nr_maps;
	plan->time_budget_s = pol->time_budget_s;
	plan->sync = pol->sync;
	rc = policy_judge(snap, pol, &fs, &n, err);
	if (rc < 0) {
		*findings = NULL;
		return rc;
	}
	if (remediate(plan, snap, pol, mem, fs, n) < 0)
		rc = bc_error_set(err, BC_ENOMEM, "out of memory");
	/* no pool was read (a capture): its finding says so; nothing is planned on a guess */
	for (t = policy_next_target(pol, NULL); rc == 0 && t && !snap->missing[IN_HUGEPAGES].file;
	     t = policy_next_target(pol, t))
		rc = reserve_target(plan, snap, pol, mem, t, err);
	if (rc < 0) {
		free(fs);
		*findings = NULL;
		plan_free(plan);
		return rc;
	}
	drop_targets_met(plan);
	*findings = fs;
	*nr_findings = n;
	return 0;
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
