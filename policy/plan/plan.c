/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The escalation of a hugepage reservation, chosen from the snapshot when
 * neither --ladder nor on_short names one. From the estimate of the pool's
 * node and size (estimate.c):
 *
 * - compact first when free memory covers what free blocks do not
 *   (now < target, after compaction > now): a plain write would otherwise
 *   reclaim page cache that compaction would have spared (direct reclaim,
 *   KERNEL.md §6, §13);
 * - then, while short, rounds of: reclaim sized to the shortfall on that
 *   node only (nodeN/reclaim; it takes clean page cache and reclaimable
 *   slab), compact, write. Where the kernel has no nodeN/reclaim, and only
 *   when allowed, drop_caches on every node instead;
 * - a step the estimate says cannot help is not planned, and not_planned
 *   says why; a round that gains nothing, or reaching the estimate after
 *   reclaim, ends the escalation (actions/reserve.c).
 *
 * Gigantic pages come from alloc_contig_range(), which migrates what it
 * can itself: compaction does not help them. Reclaim frees memory all
 * over the node, and nothing here can show that it frees a whole aligned
 * range: the chosen escalation takes no reclaim or drop step for them
 * (the development VM, 24 GiB, asked for 4 x 1G with 19 estimated: each
 * run reclaimed 926 MiB of page cache and 314 MiB of slab and got 1).
 * --ladder and on_short can still ask for one.
 *
 * A policy target also remembers (the state file): while the dropping
 * steps of the pool's last run gained nothing, and nothing has changed
 * since, they are left out (plan_reserve_node()).
 *
 * And the plans of the one-off commands and of the policy's pools: every
 * action is made here, cli/ only says which.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "units.h"

static void note(struct action *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append "; "-separated text to a->not_planned. */
static void note(struct action *a, const char *fmt, ...)
{
	size_t len = strlen(a->not_planned);
	va_list ap;

	if (len && len + 2 < sizeof(a->not_planned)) {
		memcpy(a->not_planned + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(a->not_planned + len, sizeof(a->not_planned) - len, fmt, ap);
	va_end(ap);
}

static void add(struct action *a, enum step s)
{
	if (a->ladder.n < MAX_STEPS)
		a->ladder.s[a->ladder.n++] = s;
}

bool plan_estimate(struct action *a, const struct snapshot *snap)
{
	const struct node *n = a->node >= 0 ? snapshot_node(snap, a->node)
			       : snap->nr_nodes == 1 ? &snap->nodes[0] : NULL;

	a->have_est = n && estimate_node(snap, n, a->size_kb, &a->est) == 0;
	a->unreachable = a->have_est && a->target > a->current && a->target > a->est.reclaim;
	return a->have_est;
}

void plan_boot_advice(struct action *a)
{
	uint64_t need_kb;
	char sz[16];

	a->boot_recommended = false;
	a->boot_why[0] = '\0';
	if (a->kind != ACT_RESERVE || !a->have_est || a->target <= a->current)
		return;
	size_label(sz, sizeof(sz), a->size_kb * 1024);
	need_kb = (a->target - a->current) * a->size_kb;
	if (a->unreachable) {
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

/*
 * plan_escalation(); with no_drops, as if nothing could be reclaimed (the
 * pool's dropping steps are left out: the caller says why)
 */
static void escalate(struct action *a, const struct snapshot *snap, int rounds, bool allow_drop,
		     bool no_drops)
{
	const struct estimate *e = &a->est;
	bool node_file = a->node >= 0 && snap->node_reclaim, drain;
	enum step after;

	a->chosen = true;
	a->compact_first = false;
	a->reclaim_first = STEP_NONE;
	a->first_write = 0;
	a->ladder.n = 0;
	a->rounds = rounds < 0 ? CHOSEN_ROUNDS : (unsigned)rounds;
	a->not_planned[0] = '\0';
	if (!plan_estimate(a, snap)) {
		/* no estimate: one global pool over several nodes */
		add(a, STEP_RETRY);
		a->rounds = 1;
		note(a, "no estimate for a pool shared by %u nodes: only one rewrite", snap->nr_nodes);
		return;
	}
	if (a->target <= a->current)
		return;		/* shrinking never falls short */

	if (e->gigantic) {
		note(a, "compaction: gigantic pages come from alloc_contig_range(), which migrates what it can itself");
	} else if (e->now >= a->target) {
		note(a, "compaction first: %llu pages can be had now, the pool included (estimate's now)",
		     (unsigned long long)e->now);
	} else if (e->compact > e->now) {
		a->compact_first = true;
	} else {
		note(a, "compaction: the estimate after compaction (%llu) is no more than now (%llu)",
		     (unsigned long long)e->compact, (unsigned long long)e->now);
	}

	/*
	 * pages on per-CPU lists keep their neighbours from merging: give
	 * them back at the start of each round, when they could hold a page
	 */
	drain = !e->gigantic && e->pcp_kb >= a->size_kb && snap->stat_refresh;
	if (drain)
		add(a, STEP_DRAIN_PCP);
	else if (!e->gigantic && e->pcp_kb < a->size_kb)
		note(a, "drain-pcp: the per-CPU lists hold %llu KiB, less than one page",
		     (unsigned long long)e->pcp_kb);
	else if (!e->gigantic)
		note(a, "drain-pcp: this kernel has no vm/stat_refresh");

	/* after reclaim, free pages must be put together before the write */
	after = STEP_COMPACT_NODE;
	if (e->gigantic) {
		char sz[16];

		size_label(sz, sizeof(sz), a->size_kb * 1024);
		note(a, "reclaim: none for gigantic pages until a map of the node's memory can show a %s range it would free (a drop frees memory all over the node); on_short or --ladder can ask for one",
		     sz);
	} else if (no_drops) {
		/* the caller notes why */
	} else if (e->reclaim <= e->compact) {
		note(a, "reclaim: the estimate after reclaim (%llu) is no more than after compaction (%llu)",
		     (unsigned long long)e->reclaim, (unsigned long long)e->compact);
	} else if (node_file) {
		add(a, STEP_RECLAIM_NODE);
		add(a, after);
		if (allow_drop && e->stuck_reclaimable_kb + e->slab_kb > e->cache_kb) {
			/*
			 * slab is what blocks (more of it, and of free memory
			 * held in reclaimable pageblocks, than page cache):
			 * what node reclaim leaves of it, every node's
			 */
			add(a, STEP_DROP_SLAB);
			add(a, after);
		}
	} else if (allow_drop) {
		/* no per-node reclaim: drop_caches on every node */
		add(a, e->slab_kb + e->stuck_reclaimable_kb > e->cache_kb ? STEP_DROP_ALL : STEP_DROP_PAGECACHE);
		add(a, after);
	} else {
		note(a, "reclaim: %s, and dropping caches on every node is not allowed (allow_drop_caches = yes, or --allow-drop-caches)",
		     a->node >= 0 ? "this kernel has no nodeN/reclaim" : "no per-node reclaim without NUMA sysfs");
	}
	if (a->ladder.n == (unsigned)drain && !e->gigantic && e->compact > a->current) {
		/* nothing to reclaim, but compaction may yet gain: compact, write */
		add(a, STEP_COMPACT_NODE);
	}
	if (a->ladder.n && !e->gigantic) {
		/*
		 * a failed order-9 allocation defers direct compaction in the
		 * zone for up to 64 attempts, and a second manual compaction
		 * right after the first gains nothing: rewrite until 64
		 * writes in a row gain nothing (about 1.5 ms each)
		 */
		add(a, STEP_REWRITE_BURST);
	}
	if (!a->ladder.n || !a->rounds) {
		a->ladder.n = 0;
		a->rounds = 0;
	}
	/*
	 * When compaction alone cannot cover the target, the writes ask only
	 * for what compaction made room for (first_write: their ceiling; the
	 * executor cuts each to the free blocks it reads back): beyond free
	 * blocks the kernel reclaims page cache for each page (direct reclaim)
	 * and wakes kswapd to reclaim for the order, more than the shortfall
	 * needs; the rounds reclaim what is still short, sized, and only
	 * rewrite-burst writes the whole target. When compaction can cover
	 * it, the write asks for the whole target: the kernel's direct
	 * compaction finishes what the manual one left (anonymous memory),
	 * and there is little cache to reclaim.
	 */
	if (a->compact_first && a->rounds && e->compact < a->target)
		a->first_write = e->compact;
	/*
	 * Compaction alone cannot cover the target: reclaim what it cannot
	 * before the one compaction, which then puts the freed pages together
	 * with the rest (a second full compaction after a reclaim costs as
	 * much as the first: 1.5-2.9 s on the VM's page-cache state). Not
	 * when slab is what blocks: node reclaim freed 6.3 GiB of dentries in
	 * 32-34 s before the first write, against 6.1 GiB in 19 s after it.
	 */
	if (no_drops)
		return;
	if (a->compact_first && a->rounds && e->compact < a->target &&
	    e->slab_kb + e->stuck_reclaimable_kb > e->cache_kb)
		note(a, "reclaim first: slab is what blocks, and its reclaim is faster after the first write");
	else if (a->compact_first && a->rounds && e->compact < a->target)
		for (unsigned i = 0; i < a->ladder.n; i++)
			if (a->ladder.s[i] == STEP_RECLAIM_NODE || a->ladder.s[i] == STEP_DROP_PAGECACHE ||
			    a->ladder.s[i] == STEP_DROP_ALL) {
				a->reclaim_first = a->ladder.s[i];
				/* the ceiling of the first write: what reclaim adds */
				a->first_write = e->reclaim < a->target ? e->reclaim : a->target;
				break;
			}
}

void plan_escalation(struct action *a, const struct snapshot *snap, int rounds,
		     bool allow_drop)
{
	escalate(a, snap, rounds, allow_drop, false);
}

uint64_t plan_room(const struct action *a, uint64_t pool, uint64_t blocks, uint64_t ceiling)
{
	uint64_t reserve = (a->est.reserve_kb + a->size_kb - 1) / a->size_kb;
	uint64_t room = pool + (blocks > reserve ? blocks - reserve : 0);

	return room < ceiling ? room : ceiling;
}

uint64_t plan_reclaim_kb(const struct action *a, uint64_t pool, uint64_t blocks, uint64_t small_kb)
{
	uint64_t need = a->target > pool ? (a->target - pool) * a->size_kb : 0, usable, lack;

	usable = small_kb > a->est.reserve_kb + a->est.stuck_kb ?
		 small_kb - a->est.reserve_kb - a->est.stuck_kb : 0;
	need = blocks * a->size_kb < need ? need - blocks * a->size_kb : 0;
	lack = need > usable ? need - usable : 0;
	return lack > need / 8 ? lack : need / 8;
}

bool plan_step_reclaims(enum step s)
{
	return s == STEP_RECLAIM_NODE || s == STEP_DROP_PAGECACHE || s == STEP_DROP_SLAB ||
	       s == STEP_DROP_ALL;
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
		escalate(a, snap, rq->rounds, rq->allow_drop, true);
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
	note(a, "%s: %s", names, why);
}

bool plan_write_after(const struct action *a, unsigned i)
{
	enum step s = a->ladder.s[i];

	if (s == STEP_REWRITE_BURST)
		return false;	/* it writes, again and again */
	/*
	 * in a chosen escalation reclaim only makes room: the compaction
	 * after it writes; a write straight after reclaim would leave the
	 * work to the kernel's direct compaction, deferred and skip-marked
	 */
	if (a->chosen && s == STEP_DRAIN_PCP && i + 1 < a->ladder.n)
		return false;	/* the steps after it write */
	return !a->chosen || !plan_step_reclaims(s) || i + 1 >= a->ladder.n ||
	       plan_step_reclaims(a->ladder.s[i + 1]);
}

struct action *plan_add(struct plan *p, enum action_kind kind)
{
	struct action *a = p->a;

	/* doubled when n reaches a power of two (see add_finding() in judge.c) */
	if (p->n < 8 ? !p->a : !(p->n & (p->n - 1))) {
		a = realloc(p->a, (p->n < 8 ? 8 : (size_t)p->n * 2) * sizeof(*a));
		if (!a)
			return NULL;
	}
	p->a = a;
	a = &p->a[p->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->node = -1;
	return a;
}

void plan_free(struct plan *p)
{
	free(p->a);
	p->a = NULL;
	p->n = 0;
}

struct action *plan_compact_node(struct plan *p, const struct snapshot *snap, int node)
{
	struct action *a;

	if (!snap->numa_sysfs)
		return plan_add(p, ACT_COMPACT_ALL);
	a = plan_add(p, ACT_COMPACT_NODE);
	if (a)
		a->node = node;
	return a;
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

int plan_reserve_node(struct plan *p, const struct snapshot *snap, const struct reserve_req *rq,
		      int node, uint64_t count, struct bc_error *err)
{
	/* no NUMA sysfs: node 0 is the machine, and its pools are the global ones */
	const struct node *n = node >= 0 && snap->numa_sysfs ? snapshot_node(snap, node) : NULL;
	const struct hugepool *pool = n ? node_pool(n, rq->size_kb) : snapshot_pool(snap, rq->size_kb);
	uint64_t size_kb = rq->size_kb, cap = metrics_capacity(snap, n, size_kb);
	int64_t ready = ready_pages(snap, n, size_kb);
	char sz[24];
	unsigned i;
	struct action *a;

	size_label(sz, sizeof(sz), size_kb * 1024);
	if (count > cap && !rq->force) {
		char on[32];

		snprintf(on, sizeof(on), n ? "node %d" : "this machine", node);
		return bc_error_set(err, rq->kind,
				    "%s: %s could never hold %llu x %s (%llu MiB): at most %llu (its present memory less the min watermarks); %s to try anyway",
				    rq->where, on, (unsigned long long)count, sz,
				    (unsigned long long)(count * size_kb / 1024), (unsigned long long)cap,
				    rq->force_hint);
	}
	for (i = 0; rq->ladder && !n && i < rq->ladder->n; i++)
		if (rq->ladder->s[i] == STEP_RECLAIM_NODE)
			return bc_error_set(err, rq->kind,
					    "%s: reclaim-node needs a node's pool, and this %s has one pool for the machine",
					    rq->where, snap->numa_sysfs ? "size" : "kernel (no NUMA sysfs)");
	a = plan_add(p, ACT_RESERVE);
	if (!a)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	a->node = n ? node : -1;
	a->size_kb = size_kb;
	a->target = count;
	a->current = pool ? pool->nr : 0;
	a->keep = rq->keep;
	a->judged = rq->judged;
	a->mandatory = rq->mandatory;
	if (rq->ladder) {
		a->ladder = *rq->ladder;
		a->rounds = rq->rounds < 0 ? 3 : (unsigned)rq->rounds;
		plan_estimate(a, snap);
	} else {
		plan_escalation(a, snap, rq->rounds, rq->allow_drop);
	}
	if (rq->mem)
		skip_fruitless_drops(a, snap, rq);
	snprintf(a->reason, sizeof(a->reason), "%s", rq->why);
	plan_boot_advice(a);
	if (a->have_est && count > a->current) {
		/* the estimate, in the words of `buddyctl estimate` */
		snprintf(a->expect, sizeof(a->expect),
			 "pool %llu -> %llu (+%llu, %llu MiB); estimate: %llu now, %llu after compaction, %llu after reclaim%s%s%s",
			 (unsigned long long)a->current, (unsigned long long)count,
			 (unsigned long long)(count - a->current),
			 (unsigned long long)((count - a->current) * size_kb / 1024),
			 (unsigned long long)a->est.now, (unsigned long long)a->est.compact,
			 (unsigned long long)a->est.reclaim, a->est.gigantic ? " (upper bounds)" : "",
			 count > cap ? "; forced above the most it could ever hold" : "",
			 !a->unreachable ? "" : a->keep ? "; the target is above what reclaim could reach: the run keeps what it gets"
			 : "; the target is above what reclaim could reach: a short grant is given back");
		return 0;
	}
	if (count == a->current)
		snprintf(a->expect, sizeof(a->expect), "pool %llu -> %llu: already %llu, nothing to write",
			 (unsigned long long)a->current, (unsigned long long)count,
			 (unsigned long long)count);
	else if (count < a->current)
		snprintf(a->expect, sizeof(a->expect), "pool %llu -> %llu: frees %llu pages",
			 (unsigned long long)a->current, (unsigned long long)count,
			 (unsigned long long)(a->current - count));
	else if (ready >= 0)
		snprintf(a->expect, sizeof(a->expect),
			 "pool %llu -> %llu (+%llu, %llu MiB); buddy can hand out %lld now without compaction%s",
			 (unsigned long long)a->current, (unsigned long long)count,
			 (unsigned long long)(count - a->current),
			 (unsigned long long)((count - a->current) * size_kb / 1024), (long long)ready,
			 count > cap ? "; forced above the most it could ever hold" : "");
	else
		snprintf(a->expect, sizeof(a->expect),
			 "pool %llu -> %llu (+%llu, %llu MiB); gigantic pages need a free, movable, aligned range%s",
			 (unsigned long long)a->current, (unsigned long long)count,
			 (unsigned long long)(count - a->current),
			 (unsigned long long)((count - a->current) * size_kb / 1024),
			 count > cap ? "; forced above the most it could ever hold" : "");
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


int plan_compact(struct plan *p, const struct snapshot *snap, const struct bitmask *sel,
		 const char *why)
{
	struct action *act;
	unsigned id;

	for (id = 0; sel && id < sel->size; id++) {
		if (!numa_bitmask_isbitset(sel, id))
			continue;
		/* without NUMA sysfs, node 0 is compacted through vm/compact_memory */
		act = plan_compact_node(p, snap, (int)id);
		if (!act)
			return -BC_ENOMEM;
		snprintf(act->reason, sizeof(act->reason), "%s", why);
		snprintf(act->expect, sizeof(act->expect), "free pages of node %u merged into larger blocks%s",
			 id, snap->numa_sysfs ? "" : " (no NUMA sysfs: vm/compact_memory)");
	}
	if (sel)
		return 0;
	act = plan_add(p, ACT_COMPACT_ALL);
	if (!act)
		return -BC_ENOMEM;
	snprintf(act->reason, sizeof(act->reason), "%s", why);
	snprintf(act->expect, sizeof(act->expect), "free pages of every node merged into larger blocks");
	return 0;
}

int plan_drop_caches(struct plan *p, const struct snapshot *snap, int level, bool sync,
		     const char *why)
{
	struct action *act = plan_add(p, ACT_DROP_CACHES);

	if (!act)
		return -BC_ENOMEM;
	act->drop_level = level;
	act->sync = sync && level != 2;
	snprintf(act->reason, sizeof(act->reason), "%s", why);
	snprintf(act->expect, sizeof(act->expect),
		 "clean %s freed on every node (%llu MiB of file pages now)",
		 level == 1 ? "page cache" : level == 2 ? "reclaimable slab" : "page cache and slab",
		 (unsigned long long)(snap->meminfo.v[MI_ACTIVE_FILE] + snap->meminfo.v[MI_INACTIVE_FILE]) / 1024);
	return 0;
}
