/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a plan: the actions one after the other (compact.c, dropcaches.c,
 * reserve.c), under one time budget for the whole run, and a stop flag set
 * by a signal that lets the current write finish and starts no new one.
 */
#include "execute.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "compact.h"
#include "dropcaches.h"
#include "reserve.h"

unsigned execute_plan(struct kctx *c, const struct plan *plan, struct action_result *results)
{
	double start = clock_mono_s(), deadline = start + plan->time_budget_s;
	unsigned i, bad = 0;

	/* the steps' own waits and retries end with the budget too */
	c->deadline = deadline;

	for (i = 0; i < plan->n; i++) {
		const struct action *a = &plan->a[i];
		struct action_result *r = &results[i];
		struct bc_error err = { 0 };
		double t0 = clock_mono_s();
		int errnum = 0, rc = 0;

		memset(r, 0, sizeof(*r));
		if (kw_stopped(c)) {
			r->status = RES_INTERRUPTED;
			bad++;
			continue;
		}
		switch (a->kind) {
		case ACT_COMPACT_NODE:
			rc = compact_run(c, a->node, &errnum, &err);
			break;
		case ACT_COMPACT_ALL:
			rc = compact_run(c, -1, &errnum, &err);
			break;
		case ACT_DROP_CACHES:
			rc = dropcaches_run(c, a->drop_level, a->sync, &errnum, &err);
			break;
		case ACT_RESERVE:
			reserve_run(c, a, deadline, r);
			break;
		}
		if (a->kind != ACT_RESERVE) {
			r->status = rc == -BC_EINTR ? RES_INTERRUPTED : rc < 0 ? RES_FAILED :
				    c->dry_run ? RES_PLANNED : RES_DONE;
			if (rc < 0)
				snprintf(r->error, sizeof(r->error), "%s", err.msg);
		}
		r->ms = (clock_mono_s() - t0) * 1000;
		if (r->status == RES_PARTIAL || r->status == RES_FAILED || r->status == RES_INTERRUPTED)
			bad++;
	}
	return bad;
}
