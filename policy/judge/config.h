/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CONFIG_H
#define BUDDYCTL_CONFIG_H

/*
 * The policy file (buddyctl.conf(5)), parsed with inih. Every key is known;
 * an unknown section or key, a bad value, a duplicate key or section, a CR,
 * a warn_ threshold beyond its crit_ twin: one error naming the file, the
 * line and the offending token. Checks that need the machine (does node 3
 * exist, does the kernel offer 1G pages) are in policy_validate(). What the
 * keys mean beyond their values is answered here too, for the judge and the
 * planner alike: a node's thresholds and steps, the order pools are set in,
 * how a total is split over the nodes, when min_interval has passed.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "snapshot.h"
#include "steps.h"

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

/*
 * What node is judged and remediated by: its [node N] thresholds and step
 * lists where the section sets them, the defaults' where it does not.
 */
void policy_for_node(const struct policy *pol, int node, struct thresholds *th,
		     const struct steps **warn, const struct steps **crit);

/*
 * The policy's pools in the order they are reserved at run time, the
 * largest size first, whatever order the sections are written in: the
 * target after prev (NULL: the first), or NULL after the last.
 */
const struct hp_target *policy_next_target(const struct policy *pol, const struct hp_target *prev);

/* The memory nodes a pool's total is split over; 0: the global pool takes it. */
unsigned policy_split_nodes(const struct snapshot *snap);
/* The share of the k-th of mem memory nodes, in id order: lower ids take the remainder. */
uint64_t policy_split_share(uint64_t total, unsigned mem, unsigned k);

/*
 * Has at least interval_s passed from then to now? Less the slack that a
 * timer whose period equals min_interval needs (runs start a little early
 * or late): a tenth of min_interval, at most 60 s (buddyctl.conf(5)
 * min_interval).
 */
bool policy_interval_passed(unsigned min_interval_s, double interval_s, double then, double now);
double policy_interval_slack_s(unsigned min_interval_s);

#endif
