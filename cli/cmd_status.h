/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_STATUS_H
#define BUDDYCTL_CMD_STATUS_H

/* `buddyctl status`: read a snapshot, judge it under the policy, render it. */

#include "errors.h"
#include "output.h"

struct status_args {
	const char *root;
	enum out_format format;
	const char *nodes;	/* --node LIST or NULL */
	const char *output;	/* --output FILE or NULL (stdout); as typed, also with --root */
	int color;		/* -1 auto, 0 never, 1 always */
	const char *config;	/* --config FILE or NULL: the policy check judges by */
	unsigned page_size;	/* --page-size in bytes, or 0 */
	const char *buddyinfo;	/* --buddyinfo FILE ("-": standard input) instead of root */
};

/*
 * `buddyctl status`: read a snapshot and render it, each node explained under
 * the policy (what check judges). Returns 0 or -kind with err filled
 * (BC_EUSAGE for an unknown node, BC_ECANTCREAT for --output, BC_ECONFIG
 * for a --config that cannot be used; the default policy file that cannot
 * is only warned about, and the built-in defaults used).
 */
int cmd_status(const struct status_args *a, struct bc_error *err);

#endif
