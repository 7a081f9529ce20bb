/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reservations of a plan: one pool's ACT_RESERVE with its escalation
 * (given, or chosen in plan.c) and its steps, refused when the node could
 * never hold it; split over the memory nodes; the specs of `buddyctl
 * reserve`, checked. What the pool is expected to become, and whether the
 * kernel command line is the better tool.
 *
 * A policy target also remembers (the state file): while the dropping
 * steps of the pool's last run gained nothing, and nothing has changed
 * since, they are left out (plan_reserve_node()).
 */
#include "reservation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "units.h"

/* Fill a->boot_recommended and a->boot_why from the estimate of an ACT_RESERVE. */
/* A gigantic pool planned from its map: runtime cannot give the target when the map's figure is below it. */
static void map_boot_advice(struct action *a, const char *sz)
{
	if (!a->unreachable)
		return;
	snprintf(a->boot_why, sizeof(a->boot_why), "the map shows %llu x %s can be had on node %d%s, fewer than the %llu asked: runtime cannot give them",
		 (unsigned long long)a->est.reclaim, sz, a->est.node, a->est.maybe ? " and more may" : "",
		 (unsigned long long)a->target);
	a->boot_recommended = true;
}

static void boot_advice(struct action *a)
{
	uint64_t need_kb;
	char sz[16];

	a->boot_recommended = false;
	a->boot_why[0] = '\0';
	if (a->kind != ACT_RESERVE || !a->have_est || a->target <= a->current)
		return;
	size_label(sz, sizeof(sz), a->size_kb * 1024);
	need_kb = (a->target - a->current) * a->size_kb;
	if (a->est.from_map) {
		map_boot_advice(a, sz);
	} else if (a->unreachable) {
		snprintf(a->boot_why, sizeof(a->boot_why), "%llu x %s is above the estimate after reclaim (%llu%s)",
			 (unsigned long long)a->target, sz, (unsigned long long)a->est.reclaim,
			 a->est.gigantic ? ", an upper bound" : "");
		a->boot_recommended = true;
	} else if (a->est.gigantic && need_kb > a->est.free_kb) {
		snprintf(a->boot_why, sizeof(a->boot_why),
			 "%llu more x %s need %llu MiB, more than the %llu MiB free, and the estimate for gigantic pages is only an upper bound",
			 (unsigned long long)(a->target - a->current), sz, (unsigned long long)need_kb / 1024,
			 (unsigned long long)a->est.free_kb / 1024);
		a->boot_recommended = true;
	}
}

uint64_t plan_free_kb(const struct snapshot *snap, int node)
{
	uint64_t pages = 0;
	unsigned i, z;

	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];

		if (node >= 0 && snap->numa_sysfs && n->id != node)
			continue;
		for (z = 0; z < n->nr_zones; z++)
			if (n->zones[z].in_buddyinfo)
				pages += n->zones[z].free_pages;
	}
	return pages * (snap->page_size / 1024);
}

/*
 * Free memory moves by itself: kswapd keeps it between the low and high
 * watermarks, which watermark_scale_factor sets 0.1% of memory apart by
 * default, and the per-CPU lists and the page cache of a running system
 * take and give back a few MiB more. 1% of the node is ten times that
 * band: more than that is memory that was given back (a workload ended, a
 * guest stopped), worth another try.
 */
uint64_t plan_free_margin_kb(const struct snapshot *snap, int node, uint64_t size_kb)
{
	const struct node *n = node >= 0 && snap->numa_sysfs ? snapshot_node(snap, node) : NULL;
	uint64_t total_kb = n && n->has_meminfo ? n->meminfo.v[MI_MEM_TOTAL] : snap->meminfo.v[MI_MEM_TOTAL];

	return total_kb / 100 > size_kb ? total_kb / 100 : size_kb;
}

/* The longest wait between fruitless tries: a day, or min_interval if longer. */
#define FRUITLESS_MAX_WAIT_S 86400.0

/*
 * How long after a run whose dropping steps gained nothing (the n-th such
 * run in a row) they stay left out: min_interval, doubled for each
 * further one, so that a timer every min_interval does not repeat them
 * every time; at most FRUITLESS_MAX_WAIT_S (or min_interval if longer).
 */
static double fruitless_wait_s(unsigned min_interval_s, unsigned n)
{
	double wait = min_interval_s, cap = min_interval_s > FRUITLESS_MAX_WAIT_S ?
					   min_interval_s : FRUITLESS_MAX_WAIT_S;

	while (n-- > 1 && wait < cap)
		wait *= 2;
	return wait < cap ? wait : cap;
}

static const struct pool_outcome *outcome_of(const struct remembered *mem, const struct action *a)
{
	unsigned i;

	for (i = 0; mem && i < mem->nr_pools; i++)
		if (mem->pools[i].size_kb == a->size_kb && mem->pools[i].node == a->node)
			return &mem->pools[i];
	return NULL;
}

/* The dropping steps a would take: its ladder's and the reclaim before compaction. */
static void drops_of(const struct action *a, struct steps *out)
{
	unsigned i, k;

	out->n = 0;
	for (i = a->rounds ? 0 : a->ladder.n; i <= a->ladder.n; i++) {
		enum step s = i < a->ladder.n ? a->ladder.s[i] : a->reclaim_first;

		if (!plan_step_reclaims(s))
			continue;
		for (k = 0; k < out->n && out->s[k] != s; k++)
			;
		if (k == out->n)
			out->s[out->n++] = s;
	}
}

/*
 * Are a's dropping steps fruitless now? Its pool's last outcome says they
 * gained nothing, for the same target, less than their wait ago, and free
 * memory has not grown by the margin since. Then why (for not_planned)
 * and a->drops_until are filled.
 */
static bool drops_fruitless(struct action *a, const struct snapshot *snap,
			    const struct reserve_req *rq, char *why, size_t size)
{
	const struct pool_outcome *o = outcome_of(rq->mem, a);
	uint64_t free_kb, margin_kb;
	double wait;

	if (!o || !o->fruitless || o->asked != a->target)
		return false;
	wait = fruitless_wait_s(rq->min_interval_s, o->fruitless);
	if (policy_interval_passed(rq->min_interval_s, wait, o->started, rq->mem->now))
		return false;
	free_kb = plan_free_kb(snap, a->node);
	margin_kb = plan_free_margin_kb(snap, a->node, a->size_kb);
	if (free_kb >= o->free_kb + margin_kb)
		return false;
	a->drops_until = o->started + wait - policy_interval_slack_s(rq->min_interval_s);
	snprintf(why, size, "they gained no page in the run that started %.0f s ago (%u run%s in a row), and free memory has not grown by %llu MiB since (%llu MiB, then %llu MiB): left out for %.0f s more (state file)",
		 rq->mem->now - o->started, o->fruitless, o->fruitless > 1 ? "s" : "",
		 (unsigned long long)margin_kb / 1024, (unsigned long long)free_kb / 1024,
		 (unsigned long long)o->free_kb / 1024, a->drops_until - rq->mem->now);
	return true;
}

/*
 * Leave a's dropping steps out when drops_fruitless(): a chosen escalation
 * is chosen again without them, a given ladder loses them.
 */
static void skip_fruitless_drops(struct action *a, const struct snapshot *snap,
				 const struct reserve_req *rq)
{
	struct steps drops;
	char why[320], names[80] = "";
	unsigned i, k;

	drops_of(a, &drops);
	if (!drops.n || !drops_fruitless(a, snap, rq, why, sizeof(why))) {
		a->drops_until = 0;
		return;
	}
	if (a->chosen) {
		plan_escalation(a, snap, rq->rounds, rq->allow_drop, true);
	} else {
		for (i = k = 0; i < a->ladder.n; i++)
			if (!plan_step_reclaims(a->ladder.s[i]))
				a->ladder.s[k++] = a->ladder.s[i];
		a->ladder.n = k;
		if (!k)
			a->rounds = 0;
	}
	a->drops_skipped = drops;
	for (i = 0; i < drops.n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "",
			 step_name(drops.s[i]));
	plan_leave_out(a, names, "%s", why);
}

/* Pages of size_kb buddy can hand out now on n, or on every node (n NULL); -1 for gigantic. */
static int64_t ready_pages(const struct snapshot *snap, const struct node *n, uint64_t size_kb)
{
	int64_t sum = 0, r;
	unsigned i;

	if (n)
		return metrics_node_suitable(snap, n, size_kb);
	for (i = 0; i < snap->nr_nodes; i++) {
		r = metrics_node_suitable(snap, &snap->nodes[i], size_kb);
		if (r < 0)
			return -1;
		sum += r;
	}
	return sum;
}

/*
 * What plan_reserve_node() refuses: more than the node could ever hold
 * (cap) unless forced, reclaim-node without a node's pool. 0 or -rq->kind.
 */
static int refused(const struct snapshot *snap, const struct reserve_req *rq, const struct node *n,
		   int node, uint64_t count, uint64_t cap, struct bc_error *err)
{
	char sz[24], on[32];
	unsigned i;

	if (count > cap && !rq->force) {
		size_label(sz, sizeof(sz), rq->size_kb * 1024);
		snprintf(on, sizeof(on), n ? "node %d" : "this machine", node);
		return bc_error_set(err, rq->kind,
				    "%s: %s could never hold %llu x %s (%llu MiB): at most %llu (its present memory less the min watermarks); %s to try anyway",
				    rq->where, on, (unsigned long long)count, sz,
				    (unsigned long long)(count * rq->size_kb / 1024), (unsigned long long)cap,
				    rq->force_hint);
	}
	for (i = 0; rq->ladder && !n && i < rq->ladder->n; i++)
		if (rq->ladder->s[i] == STEP_RECLAIM_NODE)
			return bc_error_set(err, rq->kind,
					    "%s: reclaim-node needs a node's pool, and this %s has one pool for the machine",
					    rq->where, snap->numa_sysfs ? "size" : "kernel (no NUMA sysfs)");
	return 0;
}

/* a->expect of a pool that grows, with an estimate: in the words of `buddyctl estimate`. */
static void expect_estimated(struct action *a, bool forced)
{
	uint64_t more = a->target - a->current;

	char maybe[40] = "";

	if (a->est.from_map && a->est.maybe)
		snprintf(maybe, sizeof(maybe), " (+%llu maybe)", (unsigned long long)a->est.maybe);
	snprintf(a->expect, sizeof(a->expect),
		 "pool %llu -> %llu (+%llu, %llu MiB); estimate: %llu now, %llu%s after compaction, %llu after reclaim%s%s%s",
		 (unsigned long long)a->current, (unsigned long long)a->target, (unsigned long long)more,
		 (unsigned long long)(more * a->size_kb / 1024), (unsigned long long)a->est.now,
		 (unsigned long long)a->est.compact, maybe, (unsigned long long)a->est.reclaim,
		 a->est.from_map ? " (from the map)" : a->est.gigantic ? " (upper bounds)" : "",
		 forced ? "; forced above the most it could ever hold" : "",
		 !a->unreachable ? "" : a->keep ? "; the target is above what reclaim could reach: the run keeps what it gets"
		 : "; the target is above what reclaim could reach: a short grant is given back");
}

/* a->expect without an estimate: ready pages of size_kb now (-1: gigantic). */
static void expect_plain(struct action *a, bool forced, int64_t ready)
{
	unsigned long long cur = a->current, to = a->target;
	const char *force = forced ? "; forced above the most it could ever hold" : "";

	if (to == cur)
		snprintf(a->expect, sizeof(a->expect), "pool %llu -> %llu: already %llu, nothing to write",
			 cur, to, to);
	else if (to < cur)
		snprintf(a->expect, sizeof(a->expect), "pool %llu -> %llu: frees %llu pages", cur, to, cur - to);
	else if (ready >= 0)
		snprintf(a->expect, sizeof(a->expect),
			 "pool %llu -> %llu (+%llu, %llu MiB); buddy can hand out %lld now without compaction%s",
			 cur, to, to - cur, (to - cur) * a->size_kb / 1024, (long long)ready, force);
	else
		snprintf(a->expect, sizeof(a->expect),
			 "pool %llu -> %llu (+%llu, %llu MiB); gigantic pages need a free, movable, aligned range%s",
			 cur, to, to - cur, (to - cur) * a->size_kb / 1024, force);
}

/*
 * a's escalation: rq's ladder (a policy's less the steps its map says
 * cannot clear a range), or the one chosen from the snapshot; less the
 * dropping steps its pool's memory shows fruitless.
 */
static void escalation_of(struct action *a, const struct snapshot *snap, const struct reserve_req *rq)
{
	if (rq->ladder) {
		a->ladder = *rq->ladder;
		a->rounds = rq->rounds < 0 ? 3 : (unsigned)rq->rounds;
		plan_estimate(a, snap);
		if (rq->judged)
			plan_drop_futile_steps(a);
	} else {
		plan_escalation(a, snap, rq->rounds, rq->allow_drop, false);
	}
	if (rq->mem)
		skip_fruitless_drops(a, snap, rq);
}

/*
 * a's node's map from the plan's maps of its size (the global pool of a
 * machine with one node: that node's), or why there is none.
 */
static void map_of(const struct plan *p, const struct snapshot *snap, struct action *a)
{
	int node = a->node >= 0 ? a->node : snap->nr_nodes == 1 ? snap->nodes[0].id : -1;
	unsigned i;

	for (i = 0; i < p->nr_maps; i++) {
		if (p->maps[i].size_kb != a->size_kb)
			continue;
		a->map = pagemap_set_node(&p->maps[i], node);
		if (!a->map)
			a->no_map_why = p->maps[i].why[0] ? p->maps[i].why : "the node was not read";
	}
}

int plan_reserve_node(struct plan *p, const struct snapshot *snap, const struct reserve_req *rq,
		      int node, uint64_t count, struct bc_error *err)
{
	/* no NUMA sysfs: node 0 is the machine, and its pools are the global ones */
	const struct node *n = node >= 0 && snap->numa_sysfs ? snapshot_node(snap, node) : NULL;
	const struct hugepool *pool = n ? node_pool(n, rq->size_kb) : snapshot_pool(snap, rq->size_kb);
	uint64_t cap = metrics_capacity(snap, n, rq->size_kb);
	struct action *a;
	int rc = refused(snap, rq, n, node, count, cap, err);

	if (rc < 0)
		return rc;
	a = plan_add(p, ACT_RESERVE);
	if (!a)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	a->node = n ? node : -1;
	a->size_kb = rq->size_kb;
	a->target = count;
	a->current = pool ? pool->nr : 0;
	a->keep = rq->keep;
	a->judged = rq->judged;
	a->mandatory = rq->mandatory;
	map_of(p, snap, a);
	escalation_of(a, snap, rq);
	plan_reserve_steps(a, snap, p->sync);
	snprintf(a->reason, sizeof(a->reason), "%s", rq->why);
	boot_advice(a);
	if (a->have_est && count > a->current)
		expect_estimated(a, count > cap);
	else
		expect_plain(a, count > cap, ready_pages(snap, n, rq->size_kb));
	return 0;
}

int plan_reserve_split(struct plan *p, const struct snapshot *snap, const struct reserve_req *rq,
		       uint64_t total, struct bc_error *err)
{
	unsigned i, mem = policy_split_nodes(snap), k = 0;
	int rc;

	if (mem == 0)
		return plan_reserve_node(p, snap, rq, -1, total, err);
	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];

		if (!n->has_memory)
			continue;
		rc = plan_reserve_node(p, snap, rq, n->id, policy_split_share(total, mem, k++), err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The first action from base on that sets the size_kb pool of node. */
static unsigned first_setting(const struct plan *p, unsigned base, uint64_t size_kb, int node)
{
	unsigned i;

	for (i = base; i < p->n; i++)
		if (p->a[i].kind == ACT_RESERVE && p->a[i].size_kb == size_kb && p->a[i].node == node)
			break;
	return i;
}

/*
 * The actions of specs[si], p->a[from..]: spec_of (from base on, grown
 * here) says which spec made each; a pool an earlier spec set already is
 * refused. 0, -BC_EUSAGE or -BC_ENOMEM.
 */
static int each_pool_once(const struct plan *p, unsigned base, unsigned from, int **spec_of,
			  const struct reserve_spec *specs, int si, struct bc_error *err)
{
	int *grown = realloc(*spec_of, (p->n - base + 1) * sizeof(**spec_of));
	unsigned i, j;
	char where[24];

	if (!grown)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	*spec_of = grown;
	for (i = from; i < p->n; i++)
		grown[i - base] = si;
	for (i = from; i < p->n; i++) {
		const struct action *x = &p->a[i];

		j = first_setting(p, base, x->size_kb, x->node);
		if (grown[j - base] == si)
			continue;
		snprintf(where, sizeof(where), x->node >= 0 ? "node %d" : "the machine", x->node);
		return bc_error_set(err, BC_EUSAGE, "%s sets the %llu kB pool of %s again, after '%s'",
				    specs[si].what, (unsigned long long)x->size_kb, where,
				    specs[grown[j - base]].text);
	}
	return 0;
}

/* The actions of one spec: split over the memory nodes, or on each of its nodes. */
static int reserve_spec(struct plan *p, const struct snapshot *snap, const struct reserve_req *tmpl,
			const struct reserve_spec *s, struct bc_error *err)
{
	struct reserve_req rq = *tmpl;
	char why[160];
	unsigned id;
	int rc;

	if (!snapshot_pool(snap, s->size_kb))
		return bc_error_set(err, rq.kind, "%s: this kernel offers no %llu kB hugepages", s->what,
				    (unsigned long long)s->size_kb);
	snprintf(why, sizeof(why), "buddyctl reserve %s", s->text);
	rq.size_kb = s->size_kb;
	rq.why = why;
	rq.where = why + strlen("buddyctl ");
	if (!s->nodes)
		return plan_reserve_split(p, snap, &rq, s->count, err);
	rc = snapshot_nodes_usable(snap, s->nodes, s->what, err);
	for (id = 0; rc == 0 && id < s->nodes->size; id++)
		if (numa_bitmask_isbitset(s->nodes, id))
			rc = plan_reserve_node(p, snap, &rq, (int)id, s->count, err);
	return rc;
}

int plan_reserve_specs(struct plan *p, const struct snapshot *snap, const struct reserve_req *rq,
		       const struct reserve_spec *specs, unsigned n, struct bc_error *err)
{
	unsigned base = p->n, from, i;
	int *spec_of = NULL, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		from = p->n;
		rc = reserve_spec(p, snap, rq, &specs[i], err);
		if (rc == 0)
			rc = each_pool_once(p, base, from, &spec_of, specs, (int)i, err);
	}
	free(spec_of);
	return rc;
}
