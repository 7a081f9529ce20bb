/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_RESERVE_H
#define BUDDYCTL_RESERVE_H

/* Setting one hugepage pool to its target, with the escalation when the kernel grants too few. */

#include <stdbool.h>

#include "kwrite.h"
#include "plan.h"
#include "result.h"

/*
 * Set one hugepage pool (a->node, a->size_kb) to a->target: write, read
 * back, and while short climb a->ladder for a->rounds passes (each step,
 * then a rewrite and a read-back, its gain recorded), until the pool is
 * full, the deadline (CLOCK_MONOTONIC seconds) passes or a signal stops the
 * run; then keep the short pool or put the old size back (a->keep).
 */
void reserve_run(struct kctx *c, const struct action *a, bool do_sync, double deadline,
		 struct action_result *r);

/* CLOCK_MONOTONIC in seconds, the clock of deadlines. */
double reserve_now(void);

#endif
