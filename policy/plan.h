/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PLAN_H
#define BUDDYCTL_PLAN_H

/*
 * Findings and the plan: plain data, produced by policy_evaluate() (or by a
 * one-off command), printed the same way by `plan`, `--dry-run` and `apply`,
 * and executed by actions/.
 */

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "snapshot.h"

enum level { LEVEL_OK, LEVEL_WARN, LEVEL_CRIT };

const char *level_name(enum level l);

struct finding {
	int node;
	enum level level;
	int order;			/* judged at */
	int unusable;			/* node-wide, thousandths */
	int fragindex;			/* node-wide, thousandths */
	uint64_t blocks;		/* free blocks at or above order, in 2^order units */
	char why[256];			/* the threshold(s) crossed, with numbers */
	bool remediated;		/* remediation for it is in the plan */
};

enum action_kind {
	ACT_COMPACT_NODE,	/* nodeN/compact */
	ACT_COMPACT_ALL,	/* vm/compact_memory */
	ACT_DROP_CACHES,	/* vm/drop_caches, sync first if asked */
	ACT_RESERVE,		/* nr_hugepages of one size on one node (or global) */
};

struct action {
	enum action_kind kind;
	int node;		/* -1: all nodes / global file */
	uint64_t size_kb;	/* ACT_RESERVE */
	uint64_t target;	/* ACT_RESERVE: pages wanted */
	uint64_t current;	/* ACT_RESERVE: pages when planned */
	int drop_level;		/* ACT_DROP_CACHES: 1 page cache, 2 slab, 3 both */
	bool sync;		/* ACT_DROP_CACHES: sync(2) first */
	struct steps ladder;	/* ACT_RESERVE: escalation on a shortfall */
	unsigned rounds;
	bool keep;		/* ACT_RESERVE: keep a short grant */
	char reason[320];	/* why: the finding or the policy line */
	char expect[200];
};

struct plan {
	struct action *a;
	unsigned n;
	double time_budget_s;
	bool sync;
};

/* Append an action; returns it (zeroed but for kind), or NULL on ENOMEM. */
struct action *plan_add(struct plan *p, enum action_kind kind);
void plan_free(struct plan *p);

/*
 * Judge every memory node against the policy and build the plan:
 * remediation for nodes at warn/crit (honouring min_interval through
 * last_remediated[], seconds since the epoch per node id or 0), then every
 * hugepage target. findings gets one entry per memory node.
 * Returns 0 or -BC_ENOMEM.
 */
int policy_evaluate(const struct snapshot *snap, const struct policy *pol,
		    const double *last_remediated, unsigned nr_last, double now,
		    struct finding **findings, unsigned *nr_findings,
		    struct plan *plan, struct bc_error *err);

/* Worst level among findings. */
enum level findings_level(const struct finding *f, unsigned n);

/*
 * Split total pages of size_kb evenly over the memory nodes of snap (lower
 * ids take the remainder) and add one ACT_RESERVE per node. For one-off
 * `reserve` and for `total =` in the policy.
 */
int plan_reserve_split(struct plan *p, const struct snapshot *snap, uint64_t size_kb,
		       uint64_t total, const struct steps *ladder, unsigned rounds, bool keep,
		       const char *why);

/* Add ACT_RESERVE of count pages of size_kb on node (-1: global file). */
int plan_reserve_node(struct plan *p, const struct snapshot *snap, uint64_t size_kb, int node,
		      uint64_t count, const struct steps *ladder, unsigned rounds, bool keep,
		      const char *why);

#endif
