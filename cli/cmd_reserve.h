/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_RESERVE_H
#define BUDDYCTL_CMD_RESERVE_H

/* `buddyctl reserve SIZE:COUNT[@NODES]...`: set hugepage pools, escalating when short. */

#include "act.h"
#include "errors.h"

/*
 * The specs (a->specs) parsed before the lock, planned under it (each pool
 * once) and run through act_run_plan(). Returns the exit status when it
 * ran, or -kind with err filled.
 */
int cmd_reserve(const struct act_args *a, struct bc_error *err);

#endif
