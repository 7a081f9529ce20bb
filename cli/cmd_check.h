/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_CHECK_H
#define BUDDYCTL_CMD_CHECK_H

/* `buddyctl check`: judge every node and pool against the policy, exit 0 ok, 1 warn, 2 crit. */

#include "act.h"
#include "errors.h"

/*
 * Returns the exit status (the worst finding's level) when it ran, or
 * -kind with err filled when it could not (config, kernel data, ...).
 */
int cmd_check(const struct act_args *a, struct bc_error *err);

#endif
