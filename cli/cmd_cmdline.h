/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_CMDLINE_H
#define BUDDYCTL_CMD_CMDLINE_H

/* `buddyctl plan --kernel-cmdline [--grub]`: the policy's hugepage targets as kernel parameters. */

#include "act.h"
#include "errors.h"

/*
 * The policy's hugepage targets as kernel parameters on stdout (one line,
 * nothing else; nothing when the policy reserves nothing), how to install
 * them on stderr; with --grub also GRUB's drop-in. Returns 0 when it ran,
 * or -kind with err filled.
 */
int cmd_kernel_cmdline(const struct act_args *a, struct bc_error *err);

#endif
