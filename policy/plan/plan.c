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
 * - when compaction cannot cover the target and page cache blocks, the
 *   reclaim before it: sized from the node's map to free whole the ranges
 *   that hold only clean page cache (then no compaction), or to what
 *   compaction cannot cover, or all the node's clean page cache when
 *   that would keep under half (choose_keep_or_drop());
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
 * over the node, and a range counts only when it frees every page in the
 * way: the chosen escalation takes no reclaim or drop step for them
 * unless the node's map shows a range whose only blockers reclaim removes,
 * and no blocker is counted so (a drop of slab left 17-20 slab pages in
 * the one range it would have cleared; the development VM, 24 GiB, asked
 * for 4 x 1G with 19 estimated: each run reclaimed 926 MiB of page cache
 * and 314 MiB of slab and got 1). --ladder and on_short can still ask for
 * one; with the map, on_short's are left out (an unattended run) and
 * --ladder's carry a warning (plan_drop_futile_steps(), step_warning()).
 *
 * The escalation's decisions then become the reservation's steps, as data
 * (plan_reserve_steps(), their words planstep.c's): the executor walks
 * them, the reports print them.
 *
 * And the plan's data, and the actions of the one-off commands `compact`
 * and `drop-caches`; a reservation's action is made in reservation.c.
 * Every action is made in policy/plan, cli/ only says which.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estmap.h"
#include "units.h"

void plan_leave_out(struct action *a, const char *what, const char *fmt, ...)
{
	struct plan_left_out *l;
	size_t len = strlen(a->not_planned);
	va_list ap;

	if (a->nr_left_out == MAX_LEFT_OUT)
		return;
	l = &a->left_out[a->nr_left_out++];
	snprintf(l->what, sizeof(l->what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
	if (len && len + 2 < sizeof(a->not_planned)) {
		memcpy(a->not_planned + len, "; ", 3);
		len += 2;
	}
	snprintf(a->not_planned + len, sizeof(a->not_planned) - len, "%s%s%s", what, *what ? ": " : "",
		 l->why);
}

static void add(struct action *a, enum step s)
{
	if (a->ladder.n < MAX_STEPS)
		a->ladder.s[a->ladder.n++] = s;
}

/* A gigantic estimate from a's map, or the free lists' bounds and why there is no map (none asked: as they are). */
static void gigantic_source(struct action *a, const struct snapshot *snap)
{
	if (a->map)
		estimate_from_map(&a->est, a->map, snap->page_size);
	else if (a->no_map_why)
		estimate_without_map(&a->est, a->no_map_why);
}

bool plan_estimate(struct action *a, const struct snapshot *snap)
{
	const struct node *n = a->node >= 0 ? snapshot_node(snap, a->node)
			       : snap->nr_nodes == 1 ? &snap->nodes[0] : NULL;

	a->have_est = n && estimate_node(snap, n, a->size_kb, &a->est) == 0;
	if (a->have_est && a->est.gigantic)
		gigantic_source(a, snap);
	a->unreachable = a->have_est && a->target > a->current && a->target > a->est.reclaim;
	return a->have_est;
}

/* "1G" of a's size. */
static const char *size_words(const struct action *a, char *buf, size_t size)
{
	size_label(buf, size, a->size_kb * 1024);
	return buf;
}

/*
 * Why compaction cannot clear a range of a gigantic size, in the words of
 * the map where there is one: alloc_contig_range() migrates what it can
 * itself, so the write does what compaction would. Into buf.
 */
static void compaction_futile(const struct action *a, char *buf, size_t size)
{
	uint64_t c = a->est.map.ranges[RC_COMPACTABLE] + a->est.map.ranges[RC_MAYBE];
	char sz[16];

	if (!a->est.from_map)
		snprintf(buf, size, "gigantic pages come from alloc_contig_range(), which migrates what it can itself");
	else if (!c)
		snprintf(buf, size, "the map shows no %s range that compaction could clear beyond the %llu free",
			 size_words(a, sz, sizeof(sz)), (unsigned long long)a->est.map.ranges[RC_FREE]);
	else
		snprintf(buf, size, "the map shows %llu compactable or maybe %s range%s, whose pages the write's alloc_contig_range() migrates itself",
			 (unsigned long long)c, size_words(a, sz, sizeof(sz)), c == 1 ? "" : "s");
}

/*
 * Why reclaim cannot clear a range of a gigantic size: the map shows none
 * whose only blockers reclaim removes (slab is not counted: a drop leaves
 * the slab pages whose objects are live), or there is no map. Into buf.
 */
static void reclaim_futile(const struct action *a, char *buf, size_t size)
{
	const struct estimate *e = &a->est;
	char sz[16];

	size_words(a, sz, sizeof(sz));
	if (e->from_map && e->map.blocked_by[PC_SLAB])
		snprintf(buf, size, "the map shows no %s range whose only blockers reclaim removes (%llu blocked by slab alone: a drop leaves the slab pages that hold live objects)",
			 sz, (unsigned long long)e->map.blocked_by[PC_SLAB]);
	else if (e->from_map)
		snprintf(buf, size, "the map shows no %s range whose only blockers reclaim removes", sz);
	else
		snprintf(buf, size, "none for gigantic pages without a map of the node's memory%s%.120s%s: a drop frees memory all over the node, not a whole %.15s range",
			 e->no_map_why[0] ? " (" : "", e->no_map_why, e->no_map_why[0] ? ")" : "", sz);
}

static void gigantic_no_compaction(struct action *a)
{
	char why[320];

	compaction_futile(a, why, sizeof(why));
	plan_leave_out(a, "compaction", "%s", why);
}

/*
 * Compact first when free memory covers what free blocks do not (now <
 * target, after compaction > now): a plain write would otherwise reclaim
 * page cache that compaction would have spared.
 */
static void choose_compact_first(struct action *a)
{
	const struct estimate *e = &a->est;

	if (e->gigantic)
		gigantic_no_compaction(a);
	else if (e->now >= a->target)
		plan_leave_out(a, "compaction first", "%llu pages can be had now, the pool included (estimate's now)",
			       (unsigned long long)e->now);
	else if (e->compact > e->now)
		a->compact_first = true;
	else
		plan_leave_out(a, "compaction", "the estimate after compaction (%llu) is no more than now (%llu)",
			       (unsigned long long)e->compact, (unsigned long long)e->now);
}

/*
 * Pages on per-CPU lists keep their neighbours from merging: give them
 * back at the start of each round, when they could hold a page. Whether
 * drain-pcp was added.
 */
static bool choose_drain(struct action *a, const struct snapshot *snap)
{
	const struct estimate *e = &a->est;

	if (e->gigantic)
		return false;
	if (e->pcp_kb >= a->size_kb && snap->stat_refresh) {
		add(a, STEP_DRAIN_PCP);
		return true;
	}
	if (e->pcp_kb < a->size_kb)
		plan_leave_out(a, "drain-pcp", "the per-CPU lists hold %llu KiB, less than one page",
			       (unsigned long long)e->pcp_kb);
	else
		plan_leave_out(a, "drain-pcp", "this kernel has no vm/stat_refresh");
	return false;
}

/* Slab is what blocks: more of it, and of free memory held in reclaimable pageblocks, than page cache. */
static bool slab_blocks(const struct estimate *e)
{
	return e->stuck_reclaimable_kb + e->slab_kb > e->cache_kb;
}

/*
 * The reclaim of each round, sized to the shortfall on the pool's node
 * only (nodeN/reclaim: clean page cache and reclaimable slab), then the
 * compaction that puts the freed pages together before the write. Where
 * the kernel has no nodeN/reclaim, and only when allowed, drop_caches on
 * every node instead.
 */
static void choose_reclaim(struct action *a, const struct snapshot *snap, bool allow_drop)
{
	const struct estimate *e = &a->est;

	if (e->reclaim <= e->compact) {
		plan_leave_out(a, "reclaim", "the estimate after reclaim (%llu) is no more than after compaction (%llu)",
			       (unsigned long long)e->reclaim, (unsigned long long)e->compact);
	} else if (a->node >= 0 && snap->node_reclaim) {
		add(a, STEP_RECLAIM_NODE);
		add(a, STEP_COMPACT_NODE);
		if (allow_drop && slab_blocks(e)) {
			/* what node reclaim leaves of the slab, every node's */
			add(a, STEP_DROP_SLAB);
			add(a, STEP_COMPACT_NODE);
		}
	} else if (allow_drop) {
		/* no per-node reclaim: drop_caches on every node */
		add(a, slab_blocks(e) ? STEP_DROP_ALL : STEP_DROP_PAGECACHE);
		add(a, STEP_COMPACT_NODE);
	} else {
		plan_leave_out(a, "reclaim", "%s, and dropping caches on every node is not allowed (allow_drop_caches = yes, or --allow-drop-caches)",
			       a->node >= 0 ? "this kernel has no nodeN/reclaim" : "no per-node reclaim without NUMA sysfs");
	}
}

/* The first step of a's ladder that reclaims page cache (not slab alone); STEP_NONE if none. */
static enum step first_reclaim(const struct action *a)
{
	unsigned i;

	for (i = 0; i < a->ladder.n; i++)
		if (a->ladder.s[i] == STEP_RECLAIM_NODE || a->ladder.s[i] == STEP_DROP_PAGECACHE ||
		    a->ladder.s[i] == STEP_DROP_ALL)
			return a->ladder.s[i];
	return STEP_NONE;
}

/*
 * Node reclaim follows the LRU lists, not the ranges: on the VM's
 * page-cache state it took 1.15 to 1.43 times what the shortfall beyond
 * compaction needed (bench/RESULTS.md). Counted as 3/2.
 */
#define RECLAIM_OVERSHOOT(kb) ((kb) * 3 / 2)

/*
 * The reclaim sized from the node's map (2M and the like: a->map): the
 * target needs R ranges beyond the free ones (and the pool, and the
 * ranges the watermarks keep); when at most that many hold only clean
 * page cache besides free pages, reclaiming their share of that cache
 * frees them whole, as long as reclaim takes the cache in the order it
 * filled the ranges (the LRU's: a file read once, the benchmark's state),
 * and no compaction need migrate what is kept. An eighth more for the
 * order being rougher than that. 0 when the map cannot size it; why says
 * what it shows.
 */
static uint64_t map_sized_kb(const struct action *a, char *why, size_t size)
{
	const struct pagemap_summary *m = a->map;
	uint64_t keep, had, need, per_range, kb;

	if (!m || a->est.gigantic || !m->cache_only || a->reclaim_first != STEP_RECLAIM_NODE)
		return 0;
	keep = (a->est.reserve_kb + a->size_kb - 1) / a->size_kb;
	had = a->est.pool + m->ranges[RC_FREE];
	need = a->target + keep > had ? a->target + keep - had : 0;
	snprintf(why, size, "the map: %llu free ranges, %llu of only clean page cache and free pages; %llu more needed (%llu kept by the watermarks)",
		 (unsigned long long)m->ranges[RC_FREE], (unsigned long long)m->cache_only,
		 (unsigned long long)need, (unsigned long long)keep);
	if (!need || need > m->cache_only)
		return 0;
	per_range = (m->cache_only_pages + m->cache_only - 1) / m->cache_only * (a->size_kb / m->range_pages);
	kb = need * per_range;
	kb += kb / 8;
	return kb < a->est.cache_kb ? kb : a->est.cache_kb;
}

/*
 * Reclaim before compaction, sized to what compaction cannot cover,
 * keeps the rest of the node's clean page cache, which the compaction
 * then migrates (1.0-2.4 s for 4.8 GiB kept on the VM, against 25-41 ms
 * for a compaction after a whole drop). When that keeps less than half of
 * the cache, keeping cannot pay: the reclaim takes all of it, and the run
 * goes as fast as `sync; drop_caches; compact; write` (without reading
 * the map, 0.4-0.5 s on 24 GiB: cli/loadmap.c). Else, with the node's
 * map, the reclaim is sized to free the ranges the target needs whole
 * (map_sized_kb()), and no compaction follows: it keeps less of the cache
 * than the compaction would, in about the recipe's time.
 */
static void choose_keep_or_drop(struct action *a)
{
	const struct estimate *e = &a->est;
	uint64_t need_kb = RECLAIM_OVERSHOOT((a->target - e->compact) * a->size_kb);
	char why[320] = "";

	if (need_kb * 2 > e->cache_kb) {
		a->drop_first = true;
		plan_leave_out(a, "sized reclaim first",
			       "the %llu pages compaction cannot cover take about %llu MiB (1.5x: reclaim follows the LRU) of the node's %llu MiB of clean page cache: keeping under half cannot pay for compacting it; all of it goes first",
			       (unsigned long long)(a->target - e->compact), (unsigned long long)need_kb / 1024,
			       (unsigned long long)e->cache_kb / 1024);
		return;
	}
	a->map_ask_kb = map_sized_kb(a, why, sizeof(why));
	if (!a->map_ask_kb)
		return;
	/* and the writes ask for the target: the ranges are free whole */
	a->first_write = 0;
	plan_leave_out(a, "compaction first", "%s: reclaiming about %llu MiB of the %llu MiB of clean page cache frees them whole, if it goes in the order it filled them (the rounds compact what it leaves)",
		       why, (unsigned long long)a->map_ask_kb / 1024, (unsigned long long)e->cache_kb / 1024);
}

/*
 * Compaction alone cannot cover the target: the writes ask only for what
 * compaction made room for (first_write: their ceiling; the executor cuts
 * each to the free blocks it reads back): beyond free blocks the kernel
 * reclaims page cache for each page (direct reclaim) and wakes kswapd to
 * reclaim for the order, more than the shortfall needs; the rounds
 * reclaim what is still short, sized, and only rewrite-burst writes the
 * whole target. When compaction can cover it, the write asks for the
 * whole target: the kernel's direct compaction finishes what the manual
 * one left (anonymous memory), and there is little cache to reclaim.
 *
 * And then reclaim what compaction cannot cover before the one
 * compaction, which puts the freed pages together with the rest (a second
 * full compaction after a reclaim costs as much as the first: 1.5-2.9 s on
 * the VM's page-cache state). Not when slab is what blocks: node reclaim
 * freed 6.3 GiB of dentries in 32-34 s before the first write, against
 * 6.1 GiB in 19 s after it.
 */
static void choose_first_write(struct action *a, bool no_drops)
{
	const struct estimate *e = &a->est;

	if (!a->compact_first || !a->rounds || e->compact >= a->target)
		return;
	a->first_write = e->compact;
	if (no_drops)
		return;
	if (slab_blocks(e)) {
		plan_leave_out(a, "reclaim first", "slab is what blocks, and its reclaim is faster after the first write");
		return;
	}
	a->reclaim_first = first_reclaim(a);
	if (a->reclaim_first == STEP_NONE)
		return;
	/* the ceiling of the first write: what reclaim adds */
	a->first_write = e->reclaim < a->target ? e->reclaim : a->target;
	choose_keep_or_drop(a);
}

/*
 * The end of each round: a compaction when nothing is reclaimed (drain:
 * the round starts with drain-pcp) but compaction may yet gain, and
 * rewrite-burst; no rounds when there is no step.
 */
static void end_rounds(struct action *a, bool drain)
{
	const struct estimate *e = &a->est;

	if (a->ladder.n == (unsigned)drain && !e->gigantic && e->compact > a->current)
		add(a, STEP_COMPACT_NODE);
	if (a->ladder.n && !e->gigantic)
		/*
		 * a failed order-9 allocation defers direct compaction in the
		 * zone for up to 64 attempts, and a second manual compaction
		 * right after the first gains nothing: rewrite until 64
		 * writes in a row gain nothing (about 1.5 ms each)
		 */
		add(a, STEP_REWRITE_BURST);
	if (!a->ladder.n || !a->rounds) {
		a->ladder.n = 0;
		a->rounds = 0;
	}
}

/* The escalation's decisions as they are before it is chosen. */
static void escalation_reset(struct action *a, int rounds)
{
	a->chosen = true;
	a->compact_first = false;
	a->reclaim_first = STEP_NONE;
	a->drop_first = false;
	a->map_ask_kb = 0;
	a->first_write = 0;
	a->ladder.n = 0;
	a->rounds = rounds < 0 ? CHOSEN_ROUNDS : (unsigned)rounds;
	a->nr_left_out = 0;
	a->not_planned[0] = '\0';
}

void plan_escalation(struct action *a, const struct snapshot *snap, int rounds, bool allow_drop,
		     bool no_drops)
{
	const struct estimate *e = &a->est;
	bool drain;

	escalation_reset(a, rounds);
	if (!plan_estimate(a, snap)) {
		/* no estimate: one global pool over several nodes */
		add(a, STEP_RETRY);
		a->rounds = 1;
		plan_leave_out(a, "", "no estimate for a pool shared by %u nodes: only one rewrite", snap->nr_nodes);
		return;
	}
	if (a->target <= a->current)
		return;		/* shrinking never falls short */
	choose_compact_first(a);
	drain = choose_drain(a, snap);
	if (e->gigantic) {
		char why[320];

		reclaim_futile(a, why, sizeof(why));
		plan_leave_out(a, "reclaim", "%s; on_short or --ladder can ask for one", why);
	} else if (!no_drops) {
		choose_reclaim(a, snap, allow_drop);
	}
	end_rounds(a, drain);
	choose_first_write(a, no_drops);
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

/* Is nr_hugepages written after step i of a's ladder? */
static bool write_after(const struct action *a, unsigned i)
{
	enum step s = a->ladder.s[i];

	if (s == STEP_REWRITE_BURST || s == STEP_RETRY)
		return false;	/* it writes itself */
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

/* A new step at the end of a->steps, zeroed but for step and when. */
static struct plan_step *add_step(struct action *a, enum step s, enum step_when when)
{
	struct plan_step *x = &a->steps[a->nr_steps++];

	memset(x, 0, sizeof(*x));
	x->step = s;
	x->when = when;
	return x;
}

/*
 * The reclaim first of a drop_first (all of the node's clean page cache:
 * node reclaim asked for that much, a drop takes it anyway) or sized from
 * the map (map_ask_kb), after which the estimate after reclaim, or the
 * target, is what can be had.
 */
static void whole_reclaim_first(struct action *a, const struct step_ctx *ctx)
{
	struct plan_step *x = add_step(a, a->reclaim_first, WHEN_FIRST);
	uint64_t kb = a->map_ask_kb ? a->map_ask_kb : a->est.cache_kb;

	if (x->step == STEP_RECLAIM_NODE)
		x->ask_kb = kb;
	planstep_describe(x, ctx, kb, false);
	if (x->step == STEP_RECLAIM_NODE)
		snprintf(x->what, sizeof(x->what), a->map_ask_kb ?
			 "reclaim the clean page cache of the ranges needed, on node %d only" :
			 "reclaim all clean page cache of node %d only", a->node);
	x->expect = (int64_t)(a->map_ask_kb ? a->target : a->est.reclaim);
}

/*
 * Compaction first, and before it the reclaim of what compaction alone
 * cannot cover (sized to the free lists read back then), of all the
 * node's clean page cache (drop_first), or of the ranges the map shows
 * it frees whole (map_ask_kb: no compaction then)
 */
static void first_steps(struct action *a, const struct step_ctx *ctx)
{
	const struct estimate *e = ctx->e;
	uint64_t need_kb = (a->target - a->current) * a->size_kb;
	struct plan_step *x;

	if (a->drop_first || a->map_ask_kb) {
		whole_reclaim_first(a, ctx);
		if (a->map_ask_kb)
			return;
	} else if (a->reclaim_first != STEP_NONE) {
		x = add_step(a, a->reclaim_first, WHEN_FIRST);
		x->sized = true;
		planstep_describe(x, ctx, e && e->compact < a->target ?
				  (a->target - e->compact) * a->size_kb : need_kb, false);
		x->expect = e ? (int64_t)e->compact : -1;
	}
	x = add_step(a, STEP_COMPACT_NODE, WHEN_FIRST);
	planstep_describe(x, ctx, 0, a->reclaim_first != STEP_NONE);
}

/* The first write: the target, or at most first_write and what compaction made room for. */
static void first_write(struct action *a, const struct step_ctx *ctx)
{
	const struct estimate *e = ctx->e;
	struct plan_step *x = add_step(a, STEP_NONE, WHEN_ALWAYS);

	x->write_room = a->first_write != 0;
	x->write_max = a->first_write ? a->first_write : a->target;
	planstep_describe(x, ctx, 0, false);
	/*
	 * after compaction first: its ceiling, or the estimate after
	 * compaction; a gigantic pool from its map: the write migrates by
	 * itself, so what compaction would give
	 */
	x->expect = !e ? -1 : e->from_map ? (int64_t)e->compact : !a->compact_first ? (int64_t)e->now :
		    (int64_t)(a->first_write ? a->first_write : e->compact);
	/* after the map-sized reclaim, without compaction */
	if (e && a->map_ask_kb)
		x->expect = (int64_t)a->target;
}

/*
 * Why step s cannot clear a range of a's gigantic size, by its node's
 * map: compaction (the write migrates by itself), reclaim and the drops
 * (no range is blocked only by what they free), drain-pcp
 * (alloc_contig_range() drains the lists itself). Into buf; false when
 * a has no map or s may help (retry, rewrite-burst).
 */
static bool step_futile(const struct action *a, enum step s, char *buf, size_t size)
{
	if (!a->est.from_map)
		return false;
	if (s == STEP_COMPACT_NODE || s == STEP_COMPACT_ALL)
		compaction_futile(a, buf, size);
	else if (plan_step_reclaims(s))
		reclaim_futile(a, buf, size);
	else if (s == STEP_DRAIN_PCP)
		snprintf(buf, size, "alloc_contig_range() drains the per-CPU lists itself");
	else
		return false;
	return true;
}

void plan_drop_futile_steps(struct action *a)
{
	char why[320];
	unsigned i, k;

	for (i = k = 0; i < a->ladder.n; i++) {
		if (step_futile(a, a->ladder.s[i], why, sizeof(why)))
			plan_leave_out(a, step_name(a->ladder.s[i]), "cannot clear a range: %s", why);
		else
			a->ladder.s[k++] = a->ladder.s[i];
	}
	a->ladder.n = k;
	if (!k)
		a->rounds = 0;
}

/*
 * A step --ladder asked for a gigantic pool whose map says it cannot
 * clear a range (step_futile()): asked for by a person, it is taken, with
 * the warning in the plan (on_short's are left out:
 * plan_drop_futile_steps()), and the executor stops when the map read
 * again after it shows nothing cleared.
 */
static void step_warning(const struct action *a, struct plan_step *x)
{
	char why[200];

	x->warning[0] = '\0';
	if (step_futile(a, x->step, why, sizeof(why)))
		snprintf(x->warning, sizeof(x->warning), "cannot clear a range: %.200s", why);
}

/* Step i of the ladder, in every round while short (reclaimed: a reclaim comes before it). */
static void round_step(struct action *a, const struct step_ctx *ctx, unsigned i, bool reclaimed)
{
	enum step s = a->ladder.s[i];
	struct plan_step *x = add_step(a, s, WHEN_SHORT);

	x->then_write = write_after(a, i);
	x->write_max = a->target;
	/* only rewrite-burst writes the whole target */
	x->write_room = a->first_write && s != STEP_REWRITE_BURST;
	x->sized = a->chosen && s == STEP_RECLAIM_NODE;
	planstep_describe(x, ctx, (a->target - a->current) * a->size_kb, reclaimed);
	step_warning(a, x);
}

void plan_reserve_steps(struct action *a, const struct snapshot *snap, bool sync)
{
	const struct meminfo *mi = &snap->meminfo;
	struct step_ctx ctx = { .node = a->node, .size_kb = a->size_kb, .target = a->target,
				.e = a->have_est ? &a->est : NULL,
				.cache_kb = mi->v[MI_ACTIVE_FILE] + mi->v[MI_INACTIVE_FILE],
				.slab_kb = mi->v[MI_SRECLAIMABLE], .sync = sync };
	bool reclaimed = false;
	unsigned i;

	a->nr_steps = 0;
	a->if_short[0] = '\0';
	if (a->kind != ACT_RESERVE || a->target <= a->current)
		return;		/* a pool that does not grow: its one write */
	if (a->compact_first)
		first_steps(a, &ctx);
	first_write(a, &ctx);
	for (i = 0; a->rounds && i < a->ladder.n; i++) {
		reclaimed |= plan_step_reclaims(a->ladder.s[i]);
		round_step(a, &ctx, i, reclaimed);
	}
	planstep_if_short(a->if_short, sizeof(a->if_short), a->steps, a->nr_steps, a->rounds, &ctx);
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
