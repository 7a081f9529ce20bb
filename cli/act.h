/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ACT_H
#define BUDDYCTL_ACT_H

/* check, plan, apply and the one-off actions: their options, commands and exit status. */

#include <stdbool.h>

#include "errors.h"
#include "execute.h"
#include "judge.h"
#include "output.h"
#include "plan.h"

/* Options of check, plan, apply and the one-off actions. */
struct act_args {
	const char *root;
	const char *buddyinfo;		/* check, estimate, plan --buddyinfo FILE|-: a capture, not root */
	enum out_format format;		/* text or json */
	int color;			/* --color: -1 auto, 0 never, 1 always */
	const char *nodes;		/* compact --node LIST */
	const char *config;		/* --config FILE */
	unsigned page_size;		/* --page-size in bytes, or 0 (check, plan) */
	bool dry_run;
	bool plan;			/* the `plan` command (no log line), not apply --dry-run */
	const char *level;		/* drop-caches --level */
	bool no_sync;			/* drop-caches --no-sync */
	const char *ladder;		/* reserve --ladder STEPS */
	int rounds;			/* reserve --rounds N, -1: default */
	bool restore;			/* reserve --restore: give back a short grant */
	bool force;			/* reserve --force: above what a node could ever hold */
	bool allow_drop_caches;		/* reserve --allow-drop-caches: in the chosen escalation */
	double time_budget;		/* --time-budget, < 0: default */
	double wait;			/* --wait: for the lock, < 0: the policy's or 0 */
	const char *lock_file;		/* --lock-file */
	const char *state_file;		/* --state-file */
	bool pools_only;		/* apply, plan --pools-only: only the hugepage targets */
	bool grub;			/* plan --kernel-cmdline --grub: write GRUB's drop-in */
	char **specs;			/* reserve SIZE:COUNT[@NODES] ... */
	int nr_specs;
};


/*
 * Each returns an exit status (cli/exitcodes.h) when it ran, or -kind with
 * err filled when it could not (bad usage, config, kernel data, ...).
 */
int cmd_check(const struct act_args *a, struct bc_error *err);
int cmd_apply(const struct act_args *a, struct bc_error *err);	/* also `plan` */
/*
 * plan --kernel-cmdline: the policy's hugepage targets as kernel parameters
 * on stdout (one line, nothing else; nothing when the policy reserves
 * nothing), how to install them on stderr; with --grub also GRUB's drop-in.
 */
int cmd_kernel_cmdline(const struct act_args *a, struct bc_error *err);
int cmd_compact(const struct act_args *a, struct bc_error *err);
int cmd_drop_caches(const struct act_args *a, struct bc_error *err);
int cmd_reserve(const struct act_args *a, struct bc_error *err);

/* What a finished run decided its exit status on, and why (one line). */
struct outcome {
	int code;
	char why[600];
};

/*
 * The exit status of an executed plan (EXIT STATUS in buddyctl(8)), from
 * the results alone: a signal that came after the last action changes
 * nothing. A lost lock is 75, an interrupted action 130, a failed one 2,
 * a short one or still (a remediated node still over its threshold, or
 * NULL) 1. Exposed for tests.
 */
void act_outcome(const struct plan *p, const struct action_result *res, const struct kctx *c,
		 const struct finding *still, struct outcome *o);

/*
 * apply, after act_outcome() (or with nothing to do): a node at warn or
 * crit whose remediation min_interval held back (finding held_until) is
 * left so, and makes an outcome of 0 a 1 whose reason names the node, its
 * level and until when (UTC) it is held back. Exposed for tests.
 */
void act_held_back(const struct finding *f, unsigned n, struct outcome *o);

#endif
