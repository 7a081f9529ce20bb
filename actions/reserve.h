/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_RESERVE_H
#define BUDDYCTL_RESERVE_H

/* Setting one hugepage pool to its target, with the escalation when the kernel grants too few. */

#include "kwrite.h"
#include "plan.h"
#include "result.h"

/*
 * Set one hugepage pool (a->node, a->size_kb) to a->target by the plan's
 * steps (a->steps, in order): the steps before the first write, the
 * write, and while short a->rounds rounds of the steps for a short pool,
 * each with the write after it that the plan says, its gain recorded,
 * until the pool is full, the deadline (CLOCK_MONOTONIC seconds) passes,
 * a chosen escalation's round gains nothing or a signal stops the run;
 * then keep the short pool or put the old size back (a->keep).
 */
void reserve_run(struct kctx *c, const struct action *a, double deadline, struct action_result *r);

#endif
