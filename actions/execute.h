/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_EXECUTE_H
#define BUDDYCTL_EXECUTE_H

/*
 * Executing a plan: one action after the other through kwrite.c, the
 * escalation ladder for short hugepage grants, a time budget for the whole
 * run, and a stop flag set by a signal (SIGHUP, SIGINT, SIGTERM, ...) that
 * lets the current write finish and starts no new one.
 */

#include "kwrite.h"
#include "plan.h"
#include "result.h"

/*
 * Run every action of plan; results[] has plan->n entries. In dry-run mode
 * every result is RES_PLANNED and nothing is written.
 * Returns the number of actions that did not end RES_DONE/RES_SKIPPED/RES_PLANNED.
 */
unsigned execute_plan(struct kctx *c, const struct plan *plan, struct action_result *results);

#endif
