/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_LOAD_H
#define BUDDYCTL_LOAD_H

/*
 * What every command starts from: the policy (the file, or the built-in
 * defaults when none is installed) and the snapshot (the tree under the
 * root, or a capture).
 */

#include "config.h"
#include "errors.h"
#include "snapshot.h"

#define DEFAULT_CONFIG "/etc/buddyctl/buddyctl.conf"
#define DEFAULT_LOCK "/run/buddyctl.lock"	/* under --root DIR: DIR/run/buddyctl.lock */
#define BUILTIN_POLICY "(built-in defaults)"	/* the policy's path when no file is installed */

/*
 * The policy of check, plan, apply and status: config (--config), or the
 * default file, or the built-in defaults when no file is installed there.
 * 0, or -BC_ECONFIG (also for an unreadable file) / -BC_ENOMEM, err filled.
 */
int cli_policy_load(const char *config, struct policy *pol, struct bc_error *err);

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
