/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compaction: proc/sys/vm/compact_memory (1; other values are EINVAL since
 *             6.x), sys/devices/system/node/nodeN/compact (any value). Both
 *             synchronous: the write returns when the work is done.
 * drop_caches: proc/sys/vm/drop_caches 1, 2 or 3, after sync(2): only clean
 *             pages can be dropped.
 * hugepages:  nodeN/hugepages/hugepages-<kB>kB/nr_hugepages, or the global
 *             sys/kernel/mm/hugepages one; a write "succeeds" even when the
 *             kernel allocated fewer: the read-back is what counts.
 */
#include "execute.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const res_names[] = {
	[RES_PLANNED] = "planned", [RES_DONE] = "done", [RES_SKIPPED] = "skipped",
	[RES_PARTIAL] = "partial", [RES_FAILED] = "failed", [RES_INTERRUPTED] = "interrupted",
};

const char *res_status_name(enum res_status s)
{
	return res_names[s];
}

static double now_s(void)
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

static bool stopped(const struct kctx *c)
{
	return c->stop && *c->stop;
}

/*
 * A trigger write, retried on transient errors (EBUSY, EAGAIN, ENOMEM,
 * EINTR) for up to a second: compaction and drop_caches have no budget of
 * their own.
 */
static int trigger(struct kctx *c, const char *rel, const char *value, int *errnum,
		   struct bc_error *err)
{
	double give_up = now_s() + 1;
	int rc;

	for (;;) {
		rc = kw_trigger(c, rel, value, errnum, err);
		if (rc == 0 || !kw_transient(*errnum) || stopped(c) || now_s() > give_up)
			return rc;
		usleep(100000);
	}
}

static int compact(struct kctx *c, int node, int *errnum, struct bc_error *err)
{
	char rel[96];

	if (node < 0)
		return trigger(c, "proc/sys/vm/compact_memory", "1", errnum, err);
	snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/compact", node);
	return trigger(c, rel, "1", errnum, err);
}

static int drop_caches(struct kctx *c, int level, bool do_sync, int *errnum, struct bc_error *err)
{
	char v[4];

	if (do_sync && !c->dry_run)
		sync();
	snprintf(v, sizeof(v), "%d", level);
	return trigger(c, "proc/sys/vm/drop_caches", v, errnum, err);
}

/* A remediation step inside the ladder of a reservation on node. */
static int ladder_step(struct kctx *c, enum step s, int node, bool do_sync, int *errnum,
		       struct bc_error *err)
{
	*errnum = 0;
	switch (s) {
	case STEP_COMPACT_NODE:
		return compact(c, node, errnum, err);
	case STEP_COMPACT_ALL:
		return compact(c, -1, errnum, err);
	case STEP_DROP_PAGECACHE:
		return drop_caches(c, 1, do_sync, errnum, err);
	case STEP_DROP_SLAB:
		return drop_caches(c, 2, false, errnum, err);
	case STEP_DROP_ALL:
		return drop_caches(c, 3, do_sync, errnum, err);
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
		if (rc == 0 || !kw_transient(*errnum) || stopped(c) || now_s() + 0.1 > deadline)
			return rc;
		usleep(100000);
	}
}

static void reserve(struct kctx *c, const struct action *a, bool do_sync, double deadline,
		    struct action_result *r)
{
	char rel[160];
	struct bc_error err = { 0 };
	uint64_t before, after, prev;
	unsigned round, i;
	int errnum, rc;

	reserve_path(rel, sizeof(rel), a->node, a->size_kb);
	rc = set_pool(c, rel, a->target, &r->before, &r->after, &errnum, deadline, &err);
	if (rc < 0) {
		r->status = RES_FAILED;
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
			double t0 = now_s();

			if (stopped(c) || t0 >= deadline || r->nr_steps == MAX_STEP_RESULTS)
				goto out;
			s = &r->steps[r->nr_steps++];
			s->step = a->ladder.s[i];
			rc = ladder_step(c, s->step, a->node, do_sync, &errnum, &err);
			if (rc == 0)
				rc = set_pool(c, rel, a->target, &before, &after, &errnum, deadline, &err);
			s->ms = (now_s() - t0) * 1000;
			s->errnum = errnum;
			if (rc < 0) {
				s->obtained = r->after;	/* the pool as it stands */
				snprintf(r->error, sizeof(r->error), "%s", err.msg);
				if (!kw_transient(errnum))
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
	r->status = stopped(c) ? RES_INTERRUPTED : r->after > r->before ? RES_PARTIAL : RES_FAILED;
	if (!a->keep && r->after != r->before) {
		/* give back what a short round got: the pool as it was */
		if (kw_set_u64(c, rel, r->before, &before, &after, &errnum, &err) == 0) {
			r->after = after;
			r->restored = true;
		} else {
			snprintf(r->error, sizeof(r->error), "restoring: %.480s", err.msg);
		}
	}
}

unsigned execute_plan(struct kctx *c, const struct plan *plan, struct action_result *results)
{
	double start = now_s(), deadline = start + plan->time_budget_s;
	unsigned i, bad = 0;

	for (i = 0; i < plan->n; i++) {
		const struct action *a = &plan->a[i];
		struct action_result *r = &results[i];
		struct bc_error err = { 0 };
		double t0 = now_s();
		int errnum = 0, rc = 0;

		memset(r, 0, sizeof(*r));
		if (stopped(c)) {
			r->status = RES_INTERRUPTED;
			bad++;
			continue;
		}
		switch (a->kind) {
		case ACT_COMPACT_NODE:
			rc = compact(c, a->node, &errnum, &err);
			break;
		case ACT_COMPACT_ALL:
			rc = compact(c, -1, &errnum, &err);
			break;
		case ACT_DROP_CACHES:
			rc = drop_caches(c, a->drop_level, a->sync, &errnum, &err);
			break;
		case ACT_RESERVE:
			reserve(c, a, plan->sync, deadline, r);
			break;
		}
		if (a->kind != ACT_RESERVE) {
			r->status = rc < 0 ? RES_FAILED : c->dry_run ? RES_PLANNED : RES_DONE;
			if (rc < 0)
				snprintf(r->error, sizeof(r->error), "%s", err.msg);
		}
		r->ms = (now_s() - t0) * 1000;
		if (r->status == RES_PARTIAL || r->status == RES_FAILED || r->status == RES_INTERRUPTED)
			bad++;
	}
	return bad;
}
