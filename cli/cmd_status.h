/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_STATUS_H
#define BUDDYCTL_CMD_STATUS_H

#include <stdio.h>

#include "errors.h"

enum out_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_NAGIOS };

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

struct policy;
struct snapshot;

/*
 * The snapshot of status, check, estimate and plan: the tree under root or,
 * with buddyinfo ("-": standard input), that one capture (capture.h), what
 * its paste held beyond the kernel's text said in one line on standard
 * error. 0 or -kind with err filled.
 */
int cli_snapshot(const char *root, const char *buddyinfo, unsigned page_size, struct snapshot *snap,
		 struct bc_error *err);

/*
 * The policy status and diff judge snap by: config (--config), which must
 * load and fit snap (else -BC_ECONFIG), or the default file, or the built-in
 * defaults, with a warning on standard error when the default file is there
 * but cannot be used. 0 or -kind with err filled.
 */
int status_policy(const char *config, const struct snapshot *snap, struct policy *pol,
		  struct bc_error *err);

#endif
