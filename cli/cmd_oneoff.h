/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_ONEOFF_H
#define BUDDYCTL_CMD_ONEOFF_H

/* `buddyctl compact` and `buddyctl drop-caches`: one action, asked for on the command line. */

#include "act.h"
#include "errors.h"

/*
 * Each plans its one action (compaction of every node or of --node's,
 * drop_caches at --level) and runs it through act_run_plan(). Returns the
 * exit status when it ran, or -kind with err filled.
 */
int cmd_compact(const struct act_args *a, struct bc_error *err);
int cmd_drop_caches(const struct act_args *a, struct bc_error *err);

#endif
