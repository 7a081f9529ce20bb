/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodeN/hugepages/hugepages-<kB>kB/nr_hugepages (that node only), or the
 * global sys/kernel/mm/hugepages/hugepages-<kB>kB/nr_hugepages. A write
 * "succeeds" even when the kernel allocated fewer pages (set_max_huge_pages()
 * stops at the first failure and returns 0): the read-back is the truth.
 * After a failed order-9 allocation the kernel defers compaction in that
 * zone and tries later pages with __GFP_NORETRY, so an escalation step
 * (compaction, dropping caches) followed by a rewrite can get more.
 */
#include "reserve.h"

#include <limits.h>
#include <numa.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "clock.h"
#include "compact.h"
#include "dropcaches.h"
#include "estimate.h"
#include "estmap.h"
#include "kernel.h"
#include "mapjudge.h"
#include "mapread.h"
#include "pcp.h"
#include "reclaim.h"
#include "rootfs.h"
#include "snapshot_read.h"

/* proc/buddyinfo under root, read back now, into s (snapshot_free() it either way). 0 or -1. */
static int read_buddyinfo(const char *root, struct snapshot *s)
{
	struct bc_error err = { 0 };
	char path[PATH_MAX], *buf;
	size_t len;
	int errnum, rc;

	if (rootfs_read(root, "proc/buddyinfo", &buf, &len, path, &errnum, &err) < 0)
		return -1;
	rc = buddyinfo_parse(s, path, buf, len, &err);
	free(buf);
	return rc < 0 ? -1 : 0;
}

/*
 * What the node's free lists hold right now (proc/buddyinfo, read back):
 * *blocks free blocks of the action's size or larger, counted in pages of
 * that size, and *small_kb free memory in smaller blocks. Buddy sizes with
 * an estimate only (its order); -1 when the file cannot be read or parsed.
 */
static int read_room(const struct kctx *c, const struct action *a, uint64_t *blocks,
		     uint64_t *small_kb)
{
	struct snapshot s = { 0 };
	int order = a->est.order, rc;
	uint64_t page_kb;
	unsigned i;

	if (!a->have_est || a->est.gigantic || order < 0 || order >= BC_MAX_ORDERS)
		return -1;
	page_kb = a->size_kb >> order;
	rc = read_buddyinfo(c->root, &s);
	*blocks = *small_kb = 0;
	for (i = 0; rc == 0 && i < s.nr_nodes; i++)
		if (a->node < 0 || s.nodes[i].id == a->node)
			estimate_free_lists(&s.nodes[i], s.nr_orders, order, page_kb, blocks, small_kb);
	snapshot_free(&s);
	return rc;
}

/* plan_room() from the free lists read back now; the ceiling in a dry run. */
static uint64_t room_now(const struct kctx *c, const struct action *a, uint64_t pool,
			 uint64_t ceiling)
{
	uint64_t blocks, small_kb;

	if (c->dry_run || read_room(c, a, &blocks, &small_kb) < 0)
		return ceiling;
	return plan_room(a, pool, blocks, ceiling);
}

/* plan_reclaim_kb() from the free lists read back now; the shortfall in a dry run. */
static uint64_t reclaim_size_kb(const struct kctx *c, const struct action *a, uint64_t pool)
{
	uint64_t blocks, small_kb;

	if (c->dry_run || read_room(c, a, &blocks, &small_kb) < 0)
		return (a->target - pool) * a->size_kb;
	return plan_reclaim_kb(a, pool, blocks, small_kb);
}

/*
 * After the run's first compaction of the node, before the write: the
 * estimate again (estimate_revise()), from a snapshot read now, into
 * r->revised. A pool of a buddy size with an estimate only, once, never
 * in a dry run or once the run is stopped. (After the write would do as
 * well on a kernel, the pool counting; but a fixture tree's buddyinfo does
 * not lose the blocks its pool file gains.)
 */
static void revise_estimate(struct kctx *c, const struct action *a, struct action_result *r)
{
	struct snapshot s;
	struct bc_error err = { 0 };
	struct estimate_revision rev;

	if (r->revised || c->dry_run || !a->have_est || a->est.gigantic || kw_stopped(c))
		return;
	if (snapshot_read(c->root, &s, &err) != 0)
		return;		/* the report keeps the first estimate */
	if (estimate_revise(&s, a->node, &a->est, &rev) == 0) {
		r->revised = true;
		r->rev_now = rev.now;
		r->rev_reclaim = rev.reclaim;
		r->rev_small_kb = rev.small_kb;
	}
	snapshot_free(&s);
}

/* Rewrites after which, without a gain, compaction deferral is surely over. */
#define BURST_IDLE 64

/*
 * rewrite-burst: write the target again and again, until BURST_IDLE
 * writes in a row gain nothing (each failed order-9 attempt counts toward
 * the end of compaction deferral), the pool is full, the deadline passes
 * or the run is stopped. *after gets the pool as read back last.
 */
static int rewrite_burst(struct kctx *c, const char *rel, uint64_t target, uint64_t *after,
			 int *errnum, double deadline, struct bc_error *err)
{
	uint64_t before, got, best = *after;
	unsigned idle = 0;
	int rc = 0;

	while (idle < BURST_IDLE && best < target && !kw_stopped(c) && clock_mono_s() < deadline) {
		rc = kw_set_u64(c, rel, target, &before, &got, errnum, err);
		if (rc < 0)
			break;
		if (got > best) {
			best = got;
			idle = 0;
		} else {
			idle++;
		}
	}
	*after = best;
	return rc;
}

/* Write the target, retrying transient errors while the budget lasts. */
static int set_pool(struct kctx *c, const char *rel, uint64_t target, uint64_t *before,
		    uint64_t *after, int *errnum, double deadline, struct bc_error *err)
{
	int rc;

	for (;;) {
		rc = kw_set_u64(c, rel, target, before, after, errnum, err);
		if (rc == 0 || !kw_transient(*errnum) || kw_stopped(c) || clock_mono_s() + 0.1 > deadline)
			return rc;
		usleep(100000);
	}
}

/* One reserve_run(): the action, its result, and how far the run is. */
struct run {
	struct kctx *c;
	const struct action *a;
	struct action_result *r;
	double deadline;
	char rel[160];		/* the pool's nr_hugepages, relative to the root */
	uint64_t prev;		/* the pool after the last write: the next gain is from it */
	bool stopped;		/* the run ended on a signal or a lost lock */
	/*
	 * a gigantic pool planned from its map: the ranges that are pages or
	 * can become ones as last read (the plan's map first); map_fresh: read
	 * after the last write
	 */
	uint64_t map_had;
	bool map_fresh;
	int errnum;
	struct bc_error err;
};

/*
 * The estimate of a's pool from its node's map read now (with the cgroups
 * of blocked ranges' charged pages), into e: a gigantic pool planned from
 * its map, never in a dry run. 0, or -1 when it cannot be read (the run
 * then goes on as planned).
 */
/* The map's sums of node of s for ranges of size_kb into *sum (with the cgroups): 0, or -1. */
static int node_sums(const char *root, const struct snapshot *s, int node, uint64_t size_kb,
		     struct pagemap_summary *sum)
{
	struct pagemap_summary *sums = calloc(s->nr_nodes + 1, sizeof(*sums));
	struct pagemap_judging *j = malloc(sizeof(*j));
	struct bitmask *sel = numa_bitmask_alloc((unsigned)node + 1);
	struct pagemap_judge ops;
	struct bc_error err;
	unsigned nr = 0;
	int rc = -1;

	if (sums && j && sel) {
		numa_bitmask_setbit(sel, (unsigned)node);
		pagemap_judging_init(j, &ops, true);
		if (map_read_sums(root, s, size_kb, sel, &ops, sums, &nr, &err) == 0 && nr == 1) {
			*sum = sums[0];
			rc = 0;
		}
	}
	if (sel)
		numa_bitmask_free(sel);
	free(j);
	free(sums);
	return rc;
}

static int map_now(const struct kctx *c, const struct action *a, struct estimate *e)
{
	struct pagemap_summary sum;
	struct bc_error err;
	struct snapshot s;
	const struct node *n;
	int rc = -1;

	if (!a->est.from_map || c->dry_run || snapshot_read(c->root, &s, &err) != 0)
		return -1;
	n = snapshot_node(&s, a->est.node);
	if (n && node_sums(c->root, &s, a->est.node, a->size_kb, &sum) == 0 &&
	    estimate_node(&s, n, a->size_kb, e) == 0) {
		estimate_from_map(e, &sum, s.page_size);
		rc = 0;
	}
	snapshot_free(&s);
	return rc;
}

/*
 * After step s of a gigantic pool planned from its map: the map again.
 * false when it shows no more ranges that are pages or can become ones
 * than before the step: nothing was cleared, and the escalation stops
 * (s says so). true when it grew, or cannot be read.
 */
static bool map_cleared(struct run *x, struct step_result *s)
{
	struct estimate e;
	uint64_t had;

	if (map_now(x->c, x->a, &e) < 0)
		return true;
	had = pagemap_had(&e.map);
	s->map_had = (int64_t)had;
	snprintf(x->r->why, sizeof(x->r->why), "%s", e.why);
	x->map_fresh = true;
	if (had > x->map_had) {
		x->map_had = had;
		return true;
	}
	s->map_stop = true;
	return false;
}

/*
 * A short gigantic pool planned from its map: why, from the map read at
 * the end (unless the last read came after the last write), and the
 * ranges it still shows as to be had, which the kernel did not take.
 */
static void why_short(struct run *x)
{
	const struct action *a = x->a;
	struct action_result *r = x->r;
	struct estimate e;
	uint64_t left;

	if (!x->map_fresh) {
		if (map_now(x->c, a, &e) < 0)
			return;
		snprintf(r->why, sizeof(r->why), "%s", e.why);
		left = e.map.ranges[RC_FREE] + e.map.ranges[RC_COMPACTABLE];
		if (left && r->after < a->target)
			snprintf(r->why + strlen(r->why), sizeof(r->why) - strlen(r->why),
				 "; the kernel did not take %llu of them: pinned pages (RDMA, VFIO, vmsplice) read as movable",
				 (unsigned long long)left);
	}
}

/*
 * What step p does in the kernel (its file); a reclaim-node asks for
 * need_kb. The writes of the pool are not here: retry is only the write
 * that follows it, rewrite-burst is rewrite_burst().
 */
static int kernel_step(struct run *x, const struct plan_step *p, uint64_t need_kb)
{
	struct kctx *c = x->c;
	int node = x->a->node;

	x->errnum = 0;
	switch (p->step) {
	case STEP_COMPACT_NODE:
		return compact_run(c, node, &x->errnum, &x->err);
	case STEP_COMPACT_ALL:
		return compact_run(c, -1, &x->errnum, &x->err);
	case STEP_RECLAIM_NODE:
		return reclaim_run(c, node, need_kb, &x->errnum, &x->err);
	case STEP_DROP_PAGECACHE:
		return dropcaches_run(c, 1, p->sync, &x->errnum, &x->err);
	case STEP_DROP_SLAB:
		return dropcaches_run(c, 2, false, &x->errnum, &x->err);
	case STEP_DROP_ALL:
		return dropcaches_run(c, 3, p->sync, &x->errnum, &x->err);
	case STEP_DRAIN_PCP:
		return pcp_drain_run(c, &x->errnum, &x->err);
	default:
		return 0;
	}
}

/* What the write of step p asks for, the pool at pool: its ceiling, cut to the free blocks if the plan says so. */
static uint64_t write_size(const struct run *x, const struct plan_step *p, uint64_t pool)
{
	return p->write_room ? room_now(x->c, x->a, pool, p->write_max) : p->write_max;
}

/* What a reclaim-node step asks for, the pool at pool: the plan's ask_kb, sized from the free lists if the plan says so, else the shortfall. */
static uint64_t reclaim_kb(const struct run *x, const struct plan_step *p, uint64_t pool)
{
	if (p->ask_kb)
		return p->ask_kb;
	return p->sized ? reclaim_size_kb(x->c, x->a, pool) : (x->a->target - pool) * x->a->size_kb;
}

static bool compacts(enum step s)
{
	return s == STEP_COMPACT_NODE || s == STEP_COMPACT_ALL;
}

/* A new result at the end of r->steps for step p; NULL when they are full. */
static struct step_result *new_result(struct action_result *r, const struct plan_step *p)
{
	struct step_result *s;

	if (r->nr_steps == MAX_STEP_RESULTS)
		return NULL;
	s = &r->steps[r->nr_steps++];
	s->step = p->step;
	s->first = p->when == WHEN_FIRST;
	s->map_had = -1;
	return s;
}

/*
 * Step p before the first write: a reclaim (not once the time budget is
 * spent: it drops caches; the compaction before the first write runs all
 * the same, buddyctl.conf(5) time_budget) or the compaction. false when a
 * signal came (r says so).
 */
static bool first_step(struct run *x, const struct plan_step *p)
{
	const struct action *a = x->a;
	struct action_result *r = x->r;
	struct step_result *s;
	double t0 = clock_mono_s();
	int rc;

	if ((plan_step_reclaims(p->step) && kw_out_of_time(x->c)) || !(s = new_result(r, p)))
		return true;
	if (p->step == STEP_RECLAIM_NODE)
		s->asked_kb = reclaim_kb(x, p, a->current);
	rc = kernel_step(x, p, s->asked_kb);
	s->ms = (clock_mono_s() - t0) * 1000;
	s->errnum = x->errnum;
	s->obtained = a->current;
	if (rc == -BC_EINTR) {
		r->before = r->after = a->current;
		r->status = RES_INTERRUPTED;
		return false;
	}
	if (rc == 0 && compacts(p->step))
		revise_estimate(x->c, a, r);
	/* a failed reclaim or compaction is no reason not to write */
	return true;
}

/*
 * The steps the plan takes before the first write, in order: free memory
 * covers what free blocks do not, so it is put together first, and before
 * that, when compaction alone cannot cover the target, what it cannot is
 * reclaimed. false when a signal came.
 */
static bool first_steps(struct run *x)
{
	const struct action *a = x->a;
	unsigned i;

	for (i = 0; i < a->nr_steps && a->steps[i].when == WHEN_FIRST && !kw_stopped(x->c); i++)
		if (!first_step(x, &a->steps[i]))
			return false;
	return true;
}

/* The plan's first write of a's pool; NULL when the pool does not grow. */
static const struct plan_step *write_step(const struct action *a)
{
	unsigned i;

	for (i = 0; i < a->nr_steps; i++)
		if (a->steps[i].when == WHEN_ALWAYS)
			return &a->steps[i];
	return NULL;
}

/*
 * The first write: the plan's (its ceiling and sizing), or the target when
 * the pool does not grow. false when the run ends with it (r says how).
 */
static bool first_write(struct run *x)
{
	const struct action *a = x->a;
	const struct plan_step *w = write_step(a);
	struct action_result *r = x->r;
	unsigned i;
	int rc;

	rc = set_pool(x->c, x->rel, w ? write_size(x, w, a->current) : a->target, &r->before, &r->after,
		      &x->errnum, x->deadline, &x->err);
	if (rc < 0) {
		r->status = rc == -BC_EINTR ? RES_INTERRUPTED : RES_FAILED;
		snprintf(r->error, sizeof(r->error), "%s", x->err.msg);
		return false;
	}
	for (i = 0; i < r->nr_steps; i++)
		r->steps[i].obtained = r->before;
	if (x->c->dry_run) {
		r->status = RES_PLANNED;
		return false;
	}
	if (r->after == a->target || a->target < r->before) {
		/* shrinking never falls short of memory; in-use pages become surplus */
		r->status = r->after == a->target && r->after == r->before ? RES_SKIPPED : RES_DONE;
		return false;
	}
	x->prev = r->after;
	return true;
}

/* The pool as step s left it, after: its gain counted from the last write. */
static void obtained(struct run *x, struct step_result *s, uint64_t after)
{
	x->r->after = s->obtained = after;
	s->gain = (int64_t)after - (int64_t)x->prev;
	x->prev = after;
	x->map_fresh = false;
}

/* A step that failed, rc: the pool as it stands; whether the run goes on (a transient error). */
static bool failed(struct run *x, struct step_result *s, int rc)
{
	s->obtained = x->r->after;
	snprintf(x->r->error, sizeof(x->r->error), "%s", x->err.msg);
	x->stopped = rc == -BC_EINTR;
	return !x->stopped && kw_transient(x->errnum);
}

/* rewrite-burst in a round: false when the run ends. */
static bool burst_step(struct run *x, const struct plan_step *p, struct step_result *s, double t0)
{
	uint64_t after = x->r->after;
	int rc = rewrite_burst(x->c, x->rel, p->write_max, &after, &x->errnum, x->deadline, &x->err);

	s->ms = (clock_mono_s() - t0) * 1000;
	s->errnum = x->errnum;
	s->wrote = true;
	if (rc < 0) {
		failed(x, s, rc);
		return false;
	}
	obtained(x, s, after);
	return true;
}

/*
 * After step p of a round, rc its outcome: the write of the pool the plan
 * says follows it (retry is that write alone). false when the run ends on
 * a lasting error or a signal.
 */
static bool then_write(struct run *x, const struct plan_step *p, struct step_result *s, int rc,
		       double t0)
{
	struct action_result *r = x->r;
	uint64_t before, after;

	s->wrote = (p->then_write || p->step == STEP_RETRY) && rc == 0;
	if (s->wrote)
		rc = set_pool(x->c, x->rel, write_size(x, p, r->after), &before, &after, &x->errnum,
			      x->deadline, &x->err);
	s->ms = (clock_mono_s() - t0) * 1000;
	s->errnum = x->errnum;
	if (rc < 0)
		return failed(x, s, rc);	/* lasting: stop this action */
	if (!s->wrote)
		s->obtained = r->after;
	else
		obtained(x, s, after);
	return true;
}

/* A signal came during step s: no new pool write. false: the run ends. */
static bool interrupted(struct run *x, struct step_result *s, double t0)
{
	s->obtained = x->r->after;
	s->ms = (clock_mono_s() - t0) * 1000;
	x->stopped = true;
	return false;
}

/*
 * After step p (not a retry, which only writes): does the node's map,
 * read again, show that it cleared nothing (map_cleared())? Then the
 * escalation stops there, without the write.
 */
static bool stopped_by_map(struct run *x, const struct plan_step *p, struct step_result *s, double t0)
{
	if (p->step == STEP_RETRY || map_cleared(x, s))
		return false;
	s->obtained = x->r->after;
	s->ms = (clock_mono_s() - t0) * 1000;
	return true;
}

/*
 * After step p went well: a compaction revises the estimate; does the map
 * say the escalation stops there (stopped_by_map())?
 */
static bool stopped_after(struct run *x, const struct plan_step *p, struct step_result *s, double t0)
{
	if (compacts(p->step))
		revise_estimate(x->c, x->a, x->r);
	return stopped_by_map(x, p, s, t0);
}

/*
 * Step p in a round while short, and the write after it. false when the
 * run ends: a signal, the deadline, a lasting error.
 */
static bool round_step(struct run *x, const struct plan_step *p)
{
	struct action_result *r = x->r;
	struct step_result *s;
	double t0 = clock_mono_s();
	int rc;

	if (kw_stopped(x->c)) {
		x->stopped = true;
		return false;
	}
	if (t0 >= x->deadline || !(s = new_result(r, p)))
		return false;
	if (p->step == STEP_RECLAIM_NODE)
		s->asked_kb = reclaim_kb(x, p, r->after);
	if (p->step == STEP_REWRITE_BURST)
		return burst_step(x, p, s, t0);
	rc = kernel_step(x, p, s->asked_kb);
	if (rc == -BC_EINTR || (rc == 0 && kw_stopped(x->c)))
		return interrupted(x, s, t0);
	if (rc == 0 && stopped_after(x, p, s, t0))
		return false;
	return then_write(x, p, s, rc, t0);
}

/* One round of the plan's WHEN_SHORT steps, while the pool is short. false when the run ends. */
static bool one_round(struct run *x)
{
	const struct action *a = x->a;
	unsigned i;

	for (i = 0; i < a->nr_steps && x->r->after < a->target; i++)
		if (a->steps[i].when == WHEN_SHORT && !round_step(x, &a->steps[i]))
			return false;
	return true;
}

/*
 * The rounds while the pool is short. A chosen escalation ends at its
 * estimate after reclaim (an upper bound: past it, nothing more) and with
 * the first round that gains nothing.
 */
static void rounds(struct run *x)
{
	const struct action *a = x->a;
	struct action_result *r = x->r;
	unsigned round;

	for (round = 0; round < a->rounds && r->after < a->target; round++) {
		uint64_t round_start = r->after;

		if (a->chosen && a->have_est && r->after >= a->est.reclaim)
			return;
		if (!one_round(x) || (a->chosen && r->after == round_start))
			return;
	}
}

/* A short grant given back (keep = no): the pool as it was. */
static void give_back(struct run *x)
{
	struct action_result *r = x->r;
	uint64_t before, after;

	if (kw_set_u64(x->c, x->rel, r->before, &before, &after, &x->errnum, &x->err) == 0) {
		r->granted = r->after;
		r->after = after;
		r->restored = true;
		/* nothing kept: the reservation failed, whatever was granted */
		if (r->status == RES_PARTIAL && after <= r->before)
			r->status = RES_FAILED;
	} else {
		snprintf(r->error, sizeof(r->error), "restoring: %.480s", x->err.msg);
	}
}

/* How the run ended, from the pool and how the rounds ended; a short grant kept or given back. */
static void finish(struct run *x)
{
	const struct action *a = x->a;
	struct action_result *r = x->r;

	if (r->after >= a->target) {
		r->status = RES_DONE;
		r->error[0] = '\0';
		return;
	}
	/* from how the loop ended: a signal after the last write changes nothing */
	r->status = x->stopped ? RES_INTERRUPTED : r->after > r->before ? RES_PARTIAL : RES_FAILED;
	if (a->keep || r->after == r->before)
		return;
	if (x->c->lock_lost[0])
		/* another buddyctl may own the pools now: leave them to it */
		snprintf(r->error, sizeof(r->error), "not restored: %.480s", x->c->lock_lost);
	else
		give_back(x);
}

void reserve_run(struct kctx *c, const struct action *a, double deadline, struct action_result *r)
{
	struct run x = { .c = c, .a = a, .r = r, .deadline = deadline,
			 .map_had = a->est.from_map ? pagemap_had(&a->est.map) : 0 };

	kfile_nr_hugepages(x.rel, sizeof(x.rel), a->node, a->size_kb);
	if (!first_steps(&x) || !first_write(&x))
		return;
	rounds(&x);
	if (r->after < a->target && !x.stopped)
		why_short(&x);
	finish(&x);
}
