/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CONFIG_H
#define BUDDYCTL_CONFIG_H

/*
 * The policy file (buddyctl.conf(5)), parsed with inih. Every key is known;
 * an unknown section or key, a bad value, a duplicate key or section, a CR,
 * a warn_ threshold beyond its crit_ twin: one error naming the file, the
 * line and the offending token. Checks that need the machine (does node 3
 * exist, does the kernel offer 1G pages) are in policy_validate().
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "snapshot.h"

/* What a remediation or escalation step does. */
enum step {
	STEP_NONE,
	STEP_RETRY,		/* write the hugepage target again */
	STEP_COMPACT_NODE,	/* nodeN/compact */
	STEP_COMPACT_ALL,	/* vm/compact_memory */
	STEP_DROP_PAGECACHE,	/* sync, vm/drop_caches = 1 */
	STEP_DROP_SLAB,		/* vm/drop_caches = 2 */
	STEP_DROP_ALL,		/* sync, vm/drop_caches = 3 */
	STEP_RECLAIM_NODE,	/* nodeN/reclaim, sized to the shortfall */
	STEP_REWRITE_BURST,	/* rewrite until 64 writes in a row gain nothing */
	STEP_DRAIN_PCP,		/* vm/stat_refresh: per-CPU free lists back to buddy */
	STEP_NR
};

#define MAX_STEPS 16

struct steps {
	enum step s[MAX_STEPS];
	unsigned n;
};

/* Step names as written in the policy and printed in plans. */
const char *step_name(enum step s);
/* Parse "retry, compact-node, ..." ("none" is the empty list). 0 or -1. */
int steps_parse(const char *text, struct steps *out, char *bad, size_t badsize);

/* The keys of struct thresholds, to index its line[]. */
enum th_key {
	THK_ORDER,
	THK_WARN_UNUSABLE, THK_CRIT_UNUSABLE,
	THK_WARN_FRAGINDEX, THK_CRIT_FRAGINDEX,
	THK_WARN_MIN_BLOCKS, THK_CRIT_MIN_BLOCKS,
	THK_NR
};

/*
 * Thresholds in thousandths (the kernel's unit); -1 = not used. In a
 * [node N] section TH_INHERIT marks what the node takes from the defaults.
 */
#define TH_INHERIT (-2)
struct thresholds {
	int order;			/* -1: order_kb, or the smallest hugepage order */
	uint64_t order_kb;		/* order given as a size ("2M"), 0 if not */
	int warn_unusable, crit_unusable;
	int warn_fragindex, crit_fragindex;
	int64_t warn_min_blocks, crit_min_blocks;	/* -1: not used */
	unsigned line[THK_NR];		/* line of each key in the file, 0: not given */
};

struct node_policy {
	int node;
	unsigned line;			/* of the [node N] header */
	struct thresholds th;		/* fields left -1/unset inherit */
	struct steps warn, crit;
	bool warn_set, crit_set;
};

struct node_count {
	int node;
	uint64_t count;
};

/* Every count and the total are at most BC_MAX_KB / size_kb pages. */
struct hp_target {
	uint64_t size_kb;
	unsigned line;			/* first key of the section */
	struct node_count *counts;	/* count = 0:512,1:256 */
	unsigned nr_counts;
	bool has_total;
	uint64_t total;			/* total = N, split evenly over memory nodes */
	struct steps ladder;		/* on_short */
	bool ladder_given;		/* on_short set: else the planner chooses */
	unsigned rounds;
	bool rounds_given;
	bool keep;			/* keep a short grant (true) or restore */
	bool allow_drop_caches;		/* the chosen escalation may drop caches machine-wide */
	bool force;			/* allow a count above what the node could ever hold */
	bool mandatory;			/* a pool short of its count is crit (else warn) */
	/*
	 * shrink = yes: the pool is set to exactly its count, pages above it
	 * are freed. no (the default): the count is a floor, and a pool above
	 * it (an operator raised it) is left as it is.
	 */
	bool shrink;
};

struct policy {
	char path[PATH_MAX];
	struct thresholds th;
	struct steps warn, crit;
	bool sync;
	struct node_policy *nodes;
	unsigned nr_nodes;
	struct hp_target *targets;
	unsigned nr_targets;
	double time_budget_s;
	unsigned min_interval_s;
	char state_file[PATH_MAX];
	char lock_file[PATH_MAX];
	double lock_wait_s;
};

/* Defaults: what an absent key means (documented in buddyctl.conf(5)). */
void policy_defaults(struct policy *p);

/*
 * Parse a policy file. 0, or -BC_ECONFIG / -BC_ENOINPUT with err filled
 * ("FILE:LINE: message", one line).
 */
int policy_load(const char *path, struct policy *p, struct bc_error *err);

/* Parse policy text (tests, fuzzing); name is used in messages. */
int policy_load_string(const char *name, const char *text, struct policy *p,
		       struct bc_error *err);

/*
 * Check the policy against the machine: nodes exist and have memory, sizes
 * are offered by the kernel, the order is within the buddy orders.
 * 0 or -BC_ECONFIG.
 */
int policy_validate(const struct policy *p, const struct snapshot *snap,
		    struct bc_error *err);

void policy_free(struct policy *p);

/*
 * The order node is judged at: its own or the default 'order', a size turned
 * into an order, or by default the smallest hugepage order buddy can serve.
 */
int policy_node_order(const struct policy *p, const struct snapshot *snap, int node);

#endif
