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

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compact.h"
#include "dropcaches.h"

double reserve_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void reserve_path(char *buf, size_t size, int node, uint64_t size_kb)
{
	if (node >= 0)
		snprintf(buf, size, "sys/devices/system/node/node%d/hugepages/hugepages-%llukB/nr_hugepages",
			 node, (unsigned long long)size_kb);
	else
		snprintf(buf, size, "sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages",
			 (unsigned long long)size_kb);
}

/* A remediation step inside the ladder of a reservation on node. */
static int ladder_step(struct kctx *c, enum step s, int node, bool do_sync, int *errnum,
		       struct bc_error *err)
{
	*errnum = 0;
	switch (s) {
	case STEP_COMPACT_NODE:
		return compact_run(c, node, errnum, err);
	case STEP_COMPACT_ALL:
		return compact_run(c, -1, errnum, err);
	case STEP_DROP_PAGECACHE:
		return dropcaches_run(c, 1, do_sync, errnum, err);
	case STEP_DROP_SLAB:
		return dropcaches_run(c, 2, false, errnum, err);
	case STEP_DROP_ALL:
		return dropcaches_run(c, 3, do_sync, errnum, err);
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
	uint64_t before, after, prev;
	unsigned round, i;
	bool stopped = false;	/* the loop ended on a signal or a lost lock */
	int errnum, rc;

	reserve_path(rel, sizeof(rel), a->node, a->size_kb);
	rc = set_pool(c, rel, a->target, &r->before, &r->after, &errnum, deadline, &err);
	if (rc < 0) {
		r->status = rc == -BC_EINTR ? RES_INTERRUPTED : RES_FAILED;
		snprintf(r->error, sizeof(r->error), "%s", err.msg);
		return;
	}
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
		for (i = 0; i < a->ladder.n && r->after < a->target; i++) {
			struct step_result *s;
			double t0 = reserve_now();

			if (kw_stopped(c)) {
				stopped = true;
				goto out;
			}
			if (t0 >= deadline || r->nr_steps == MAX_STEP_RESULTS)
				goto out;
			s = &r->steps[r->nr_steps++];
			s->step = a->ladder.s[i];
			rc = ladder_step(c, s->step, a->node, do_sync, &errnum, &err);
			if (rc == -BC_EINTR || (rc == 0 && kw_stopped(c))) {
				/* a signal came during the step: no new pool write */
				s->obtained = r->after;
				s->ms = (reserve_now() - t0) * 1000;
				stopped = true;
				goto out;
			}
			if (rc == 0)
				rc = set_pool(c, rel, a->target, &before, &after, &errnum, deadline, &err);
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
			r->after = after;
			s->obtained = after;
			s->gain = (int64_t)after - (int64_t)prev;
			prev = after;
		}
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
			r->after = after;
			r->restored = true;
		} else {
			snprintf(r->error, sizeof(r->error), "restoring: %.480s", err.msg);
		}
	}
}

