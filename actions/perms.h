/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PERMS_H
#define BUDDYCTL_PERMS_H

/* Whether every write of a plan is permitted, asked before the first one. */

#include "errors.h"
#include "plan.h"

/*
 * Can every write of the plan be done? Checked before the first write, so
 * that a plan either runs or does nothing. What the kernel really checks
 * (KERNEL.md §11): /proc/sys files need euid 0 in the initial user
 * namespace (capabilities do not help); sysfs files need uid 0 or
 * CAP_DAC_OVERRIDE; a read-only /proc/sys or /sys (containers) fails all.
 * Returns 0 or -BC_EPERM naming the first file, the reason, and how many
 * actions are affected.
 */
int perms_check(const char *root, const struct plan *plan, struct bc_error *err);

/* The distinct files an action writes, relative to the root (at most 4). */
#define ACTION_MAX_FILES 6
unsigned action_files(const struct action *a, char files[][160]);

#endif
