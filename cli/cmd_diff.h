/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_DIFF_H
#define BUDDYCTL_CMD_DIFF_H

/* `buddyctl diff A B`: what changed between two snapshots. */

#include "errors.h"
#include "cmd_status.h"

struct diff_args {
	const char *before, *after;	/* A and B: a tree, a buddyinfo capture, a status JSON, "-" */
	enum out_format format;		/* text or json */
	const char *config;		/* --config FILE or NULL */
	unsigned page_size;		/* --page-size in bytes, or 0 */
};

/*
 * `buddyctl diff A B`: per node, zone and order the free blocks before,
 * after and the change, the indices and check's figure before and after,
 * and each node's verdict before and after. Returns 0 once written, or
 * -kind with err filled: BC_EUSAGE (both '-'), BC_ENOINPUT (A or B not
 * there), BC_EDATA (malformed, or not comparable), BC_ECONFIG, BC_EIO.
 */
int cmd_diff(const struct diff_args *a, struct bc_error *err);

#endif
