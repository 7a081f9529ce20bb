/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_JUDGE_H
#define BUDDYCTL_JUDGE_H

/*
 * Judging a snapshot against the policy (`check`): one finding per memory
 * node (its free lists against the thresholds) and per pool a [hugepages
 * SIZE] section sets (against its count), each at ok, warn or crit. The
 * planner (plan/evaluate.h) adds the remediation to the same findings.
 */

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "errors.h"
#include "snapshot.h"
#include "steps.h"

enum level { LEVEL_OK, LEVEL_WARN, LEVEL_CRIT };

const char *level_name(enum level l);

/* What a finding judges. */
enum finding_kind {
	FINDING_FRAGMENTATION,	/* a memory node's free lists against the thresholds */
	FINDING_POOL,		/* a hugepage pool against its [hugepages SIZE] target */
};

struct finding {
	enum finding_kind kind;
	int node;			/* FINDING_POOL: 0 for the global pool without NUMA sysfs */
	enum level level;
	/* FINDING_FRAGMENTATION */
	int order;			/* judged at */
	int unusable;			/* node-wide, thousandths */
	int fragindex;			/* node-wide, thousandths */
	uint64_t blocks;		/* free blocks at or above order, in 2^order units */
	struct thresholds th;		/* the node's thresholds judged by ([node N] over the defaults) */
	/* FINDING_POOL */
	uint64_t size_kb;		/* hugepage size */
	uint64_t target;		/* pages the policy asks of the pool */
	uint64_t actual;		/* nr_hugepages in the snapshot */
	uint64_t shortfall;		/* target - actual, 0 when met */
	bool mandatory;			/* short is crit, not warn */
	bool shrink;			/* shrink = yes: a pool above target is freed down to it */
	bool unknown;			/* the pool was not read (a partial tree): not judged */
	/* both */
	char why[256];			/* thresholds crossed, or "900 of 1024 (124 short)" */
	bool remediated;		/* remediation for it is in the plan (fragmentation only) */
	/*
	 * FINDING_FRAGMENTATION at warn/crit with steps for its level, whose
	 * remediation min_interval held back: when it may be remediated again
	 * (seconds since the epoch); 0 when not held back
	 */
	double held_until;
	unsigned acts[MAX_STEPS];	/* the plan's actions that remediate it */
	unsigned nr_acts;		/* (a global one may serve several nodes) */
};

/*
 * Judge the snapshot against the policy, planning nothing (`check`):
 * one FINDING_FRAGMENTATION per memory node, in id order, then one
 * FINDING_POOL per pool a [hugepages SIZE] section sets, in the order the
 * plan reserves them: the largest size first, then within a size in the
 * section's order (a pool below its target is warn, crit when
 * `mandatory = yes`; at or above it, ok: the count is a floor).
 * *findings is allocated (free() it). Returns 0 or -BC_ENOMEM.
 */
int policy_judge(const struct snapshot *snap, const struct policy *pol,
		 struct finding **findings, unsigned *nr_findings, struct bc_error *err);

/* Worst level among findings. */
enum level findings_level(const struct finding *f, unsigned n);

#endif
