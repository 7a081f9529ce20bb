/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_APPLY_H
#define BUDDYCTL_CMD_APPLY_H

/* `buddyctl apply` and `buddyctl plan`: the policy's plan, carried out or printed. */

#include "act.h"
#include "errors.h"

/*
 * apply, and plan (a->dry_run): lock, snapshot, the policy's findings and
 * plan (--pools-only: its hugepage targets alone), then act_run_plan().
 * Returns the exit status when it ran, or -kind with err filled.
 */
int cmd_apply(const struct act_args *a, struct bc_error *err);

#endif
