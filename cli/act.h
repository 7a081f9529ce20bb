/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ACT_H
#define BUDDYCTL_ACT_H

/* check, plan, apply and the one-off actions: their options, the run they share, its exit status. */

#include <stdbool.h>

#include "config.h"
#include "errors.h"
#include "execute.h"
#include "judge.h"
#include "lock.h"
#include "output.h"
#include "plan.h"
#include "report.h"
#include "snapshot.h"
#include "state.h"
#include "sysctl_conflict.h"
#include "sysctl_hp.h"

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
	bool kernel_cmdline;		/* plan --kernel-cmdline --format json: the plan with it */
	char **specs;			/* reserve SIZE:COUNT[@NODES] ... */
	int nr_specs;
};


/*
 * What check, plan, apply and the one-off commands share: the run's lock,
 * snapshot, policy, findings, plan and state (cli/cmd_*.c fill it, through
 * the functions below).
 */
struct act_run {
	const struct act_args *a;
	const char *command;
	struct snapshot snap;
	bool have_snap;
	struct policy pol;
	bool have_pol;
	struct finding *findings;	/* policy runs */
	unsigned nr_findings;
	struct plan plan;
	struct state st;		/* apply: when nodes were remediated, pools' outcomes */
	double started;			/* apply: when this run started (after the lock), epoch s */
	const char *state_path;
	struct lock lock;
	bool locked;
	/*
	 * The lock was refused for lack of permission (-BC_EPERM, why here):
	 * the run goes on unlocked only to plan, so that act_run_plan() can say
	 * first what the actions would need; nothing is executed.
	 */
	bool lock_refused;
	struct bc_error lock_why;
	struct sysctl_hp_set sysctl;	/* policy runs: what sysctl files set */
	const struct boot_report *boot;	/* plan --kernel-cmdline --format json, else NULL */
	struct sysctl_conflict conflicts[SYSCTL_HP_NR];
	unsigned nr_conflicts;
};

/* The policy file: parsed before the lock (it names the lock), checked after. 0 or -kind. */
int act_load_policy(struct act_run *r, struct bc_error *err);

/* The policy, then the snapshot, for a command that writes nothing and takes no lock. */
int act_policy_and_snapshot(struct act_run *r, struct bc_error *err);

/*
 * Lock (unless a dry run), then the snapshot, which must be whole. A
 * capture (plan --buddyinfo) is another machine's: no lock here, and what
 * it cannot tell is said in the report, not required. 0 or -kind.
 */
int act_begin(struct act_run *r, struct bc_error *err);

/*
 * Execute the plan (or only print it in dry-run mode) and report: the
 * exit status, or -kind with err filled.
 */
int act_run_plan(struct act_run *r, struct bc_error *err);

/* Release the lock and free what the run holds. */
void act_free(struct act_run *r);

/*
 * The report on standard output (text: not with --quiet), then the run's
 * log line on standard error. 0, or -BC_EIO when standard output failed.
 */
int act_print_report(const struct act_args *a, const struct report *r, struct bc_error *err);

/*
 * A sysctl file that sizes a pool the policy sizes too: one warning each on
 * standard error (when people read it), and in the report.
 */
void act_sysctl_warnings(struct act_run *r, struct report *rep);

/* "buddyctl: warning: MSG" on standard error, nothing for "". */
void act_warn(const char *msg);

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
