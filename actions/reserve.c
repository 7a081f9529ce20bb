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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "compact.h"
#include "dropcaches.h"
#include "pcp.h"
#include "estimate.h"
#include "kernel.h"
#include "reclaim.h"
#include "rootfs.h"
#include "snapshot_read.h"

double reserve_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
	struct bc_error err = { 0 };
	char path[PATH_MAX], *buf;
	size_t len;
	int errnum, order = a->est.order, rc;
	uint64_t page_kb;
	unsigned i;

	if (!a->have_est || a->est.gigantic || order < 0 || order >= BC_MAX_ORDERS)
		return -1;
	page_kb = a->size_kb >> order;
	if (rootfs_read(c->root, "proc/buddyinfo", &buf, &len, path, &errnum, &err) < 0)
		return -1;
	rc = buddyinfo_parse(&s, path, buf, len, &err);
	free(buf);
	*blocks = *small_kb = 0;
	for (i = 0; rc == 0 && i < s.nr_nodes; i++)
		if (a->node < 0 || s.nodes[i].id == a->node)
			estimate_free_lists(&s.nodes[i], s.nr_orders, order, page_kb, blocks, small_kb);
	snapshot_free(&s);
	return rc < 0 ? -1 : 0;
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

	while (idle < BURST_IDLE && best < target && !kw_stopped(c) && reserve_now() < deadline) {
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

/*
 * A remediation step inside the ladder of a reservation on node; a
 * reclaim-node step reclaims need_kb (the shortfall) on that node.
 */
static int ladder_step(struct kctx *c, enum step s, int node, uint64_t need_kb, bool do_sync,
		       int *errnum, struct bc_error *err)
{
	*errnum = 0;
	switch (s) {
	case STEP_COMPACT_NODE:
		return compact_run(c, node, errnum, err);
	case STEP_COMPACT_ALL:
		return compact_run(c, -1, errnum, err);
	case STEP_RECLAIM_NODE:
		return reclaim_run(c, node, need_kb, errnum, err);
	case STEP_DROP_PAGECACHE:
		return dropcaches_run(c, 1, do_sync, errnum, err);
	case STEP_DROP_SLAB:
		return dropcaches_run(c, 2, false, errnum, err);
	case STEP_DROP_ALL:
		return dropcaches_run(c, 3, do_sync, errnum, err);
	case STEP_DRAIN_PCP:
		return pcp_drain_run(c, errnum, err);
	default:
		return 0;	/* retry: only the rewrite that follows */
	}
}

/* Write the target, retrying transient errors while the budget lasts. */
static int set_pool(struct kctx *c, const char *rel, uint64_t target, uint64_t *before,
		    uint64_t *after, int *errnum, double deadline, struct bc_error *err)
{
	int rc;

	for (;;) {
		rc = kw_set_u64(c, rel, target, before, after, errnum, err);
		if (rc == 0 || !kw_transient(*errnum) || kw_stopped(c) || reserve_now() + 0.1 > deadline)
			return rc;
		usleep(100000);
	}
}

void reserve_run(struct kctx *c, const struct action *a, bool do_sync, double deadline,
		    struct action_result *r)
{
	char rel[160];
	struct bc_error err = { 0 };
	uint64_t before, after, prev, first;
	unsigned round, i;
	bool stopped = false;	/* the loop ended on a signal or a lost lock */
	int errnum, rc;

	kfile_nr_hugepages(rel, sizeof(rel), a->node, a->size_kb);
	for (i = 0; i < 2 && a->compact_first && a->target > a->current && !kw_stopped(c); i++) {
		/*
		 * free memory covers what free blocks do not: put it together
		 * first; before that, when compaction alone cannot cover the
		 * target, reclaim what it cannot (sized)
		 */
		struct step_result *s;
		double t0 = reserve_now();

		/*
		 * a reclaim drops caches: not once the time budget is spent; the
		 * compaction before the first write runs all the same
		 * (buddyctl.conf(5) time_budget)
		 */
		if (i == 0 && (a->reclaim_first == STEP_NONE || kw_out_of_time(c)))
			continue;
		s = &r->steps[r->nr_steps++];
		s->first = true;
		s->step = i == 0 ? a->reclaim_first : STEP_COMPACT_NODE;
		if (s->step == STEP_RECLAIM_NODE)
			s->asked_kb = reclaim_size_kb(c, a, a->current);
		rc = ladder_step(c, s->step, a->node, s->asked_kb, do_sync, &errnum, &err);
		s->ms = (reserve_now() - t0) * 1000;
		s->errnum = errnum;
		s->obtained = a->current;
		if (rc == -BC_EINTR) {
			r->before = r->after = a->current;
			r->status = RES_INTERRUPTED;
			return;
		}
		if (rc == 0 && s->step == STEP_COMPACT_NODE)
			revise_estimate(c, a, r);
		/* a failed reclaim or compaction is no reason not to write */
	}
	first = a->first_write ? room_now(c, a, a->current, a->first_write) : a->target;
	rc = set_pool(c, rel, first, &r->before, &r->after, &errnum, deadline, &err);
	if (rc < 0) {
		r->status = rc == -BC_EINTR ? RES_INTERRUPTED : RES_FAILED;
		snprintf(r->error, sizeof(r->error), "%s", err.msg);
		return;
	}
	for (i = 0; i < r->nr_steps; i++)
		r->steps[i].obtained = r->before;
	if (c->dry_run) {
		r->status = RES_PLANNED;
		return;
	}
	if (r->after == a->target || a->target < r->before) {
		/* shrinking never falls short of memory; in-use pages become surplus */
		r->status = r->after == a->target && r->after == r->before ? RES_SKIPPED : RES_DONE;
		return;
	}
	prev = r->after;
	for (round = 0; round < a->rounds && r->after < a->target; round++) {
		uint64_t round_start = r->after;

		/* the estimate after reclaim is an upper bound: past it, nothing more */
		if (a->chosen && a->have_est && r->after >= a->est.reclaim)
			break;
		for (i = 0; i < a->ladder.n && r->after < a->target; i++) {
			struct step_result *s;
			double t0 = reserve_now();
			bool write = plan_write_after(a, i);

			if (kw_stopped(c)) {
				stopped = true;
				goto out;
			}
			if (t0 >= deadline || r->nr_steps == MAX_STEP_RESULTS)
				goto out;
			s = &r->steps[r->nr_steps++];
			s->step = a->ladder.s[i];
			if (s->step == STEP_RECLAIM_NODE)
				s->asked_kb = a->chosen ? reclaim_size_kb(c, a, r->after)
					    : (a->target - r->after) * a->size_kb;
			if (s->step == STEP_REWRITE_BURST) {
				after = r->after;
				rc = rewrite_burst(c, rel, a->target, &after, &errnum, deadline, &err);
				s->ms = (reserve_now() - t0) * 1000;
				s->errnum = errnum;
				s->wrote = true;
				if (rc < 0) {
					s->obtained = r->after;
					snprintf(r->error, sizeof(r->error), "%s", err.msg);
					stopped = rc == -BC_EINTR;
					goto out;
				}
				r->after = s->obtained = after;
				s->gain = (int64_t)after - (int64_t)prev;
				prev = after;
				continue;
			}
			rc = ladder_step(c, s->step, a->node, s->asked_kb, do_sync, &errnum, &err);
			if (rc == -BC_EINTR || (rc == 0 && kw_stopped(c))) {
				/* a signal came during the step: no new pool write */
				s->obtained = r->after;
				s->ms = (reserve_now() - t0) * 1000;
				stopped = true;
				goto out;
			}
			if (rc == 0 && (s->step == STEP_COMPACT_NODE || s->step == STEP_COMPACT_ALL))
				revise_estimate(c, a, r);
			s->wrote = write && rc == 0;
			if (s->wrote)
				rc = set_pool(c, rel, a->first_write ? room_now(c, a, r->after, a->target)
					      : a->target,
					      &before, &after, &errnum, deadline, &err);
			s->ms = (reserve_now() - t0) * 1000;
			s->errnum = errnum;
			if (rc < 0) {
				s->obtained = r->after;	/* the pool as it stands */
				snprintf(r->error, sizeof(r->error), "%s", err.msg);
				stopped = rc == -BC_EINTR;
				if (stopped || !kw_transient(errnum))
					goto out;	/* lasting: stop this action */
				continue;
			}
			if (!s->wrote) {
				s->obtained = r->after;
				continue;
			}
			r->after = after;
			s->obtained = after;
			s->gain = (int64_t)after - (int64_t)prev;
			prev = after;
		}
		/* a chosen escalation ends with the first round that gains nothing */
		if (a->chosen && r->after == round_start)
			break;
	}
out:
	if (r->after >= a->target) {
		r->status = RES_DONE;
		r->error[0] = '\0';
		return;
	}
	/* from how the loop ended: a signal after the last write changes nothing */
	r->status = stopped ? RES_INTERRUPTED : r->after > r->before ? RES_PARTIAL : RES_FAILED;
	if (c->lock_lost[0] && !a->keep && r->after != r->before) {
		/* another buddyctl may own the pools now: leave them to it */
		snprintf(r->error, sizeof(r->error), "not restored: %.480s", c->lock_lost);
	} else if (!a->keep && r->after != r->before) {
		/* give back what a short round got: the pool as it was */
		if (kw_set_u64(c, rel, r->before, &before, &after, &errnum, &err) == 0) {
			r->granted = r->after;
			r->after = after;
			r->restored = true;
			/* nothing kept: the reservation failed, whatever was granted */
			if (r->status == RES_PARTIAL && after <= r->before)
				r->status = RES_FAILED;
		} else {
			snprintf(r->error, sizeof(r->error), "restoring: %.480s", err.msg);
		}
	}
}

