/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_RESERVATION_H
#define BUDDYCTL_RESERVATION_H

/*
 * The reservations of a plan (reservation.c): the ACT_RESERVE of one pool,
 * checked, with its escalation and steps; of a total split over the nodes;
 * of the specs of `buddyctl reserve`. And the free memory a pool's outcome
 * remembers, by which its fruitless dropping steps are left out or tried
 * again.
 */

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

/* How one hugepage size is to be reserved (`reserve SPEC` or [hugepages SIZE]). */
struct reserve_req {
	uint64_t size_kb;
	const struct steps *ladder;	/* escalation when short; NULL: chosen (plan_escalation) */
	int rounds;			/* < 0: the default (3 with a ladder, else CHOSEN_ROUNDS) */
	bool allow_drop;		/* a chosen escalation may drop caches machine-wide */
	bool keep;			/* keep a short grant */
	bool force;			/* allow more than the node could ever hold */
	bool judged;			/* a policy target (struct action) */
	bool mandatory;			/* its mandatory = */
	/*
	 * a policy target's memory (NULL: none): its cache- and slab-dropping
	 * steps are left out while the pool's last outcome shows them
	 * fruitless (plan_reserve_node())
	 */
	const struct remembered *mem;
	unsigned min_interval_s;
	const char *why;		/* the action's reason */
	/* a refusal: "WHERE: node N could never hold ...; FORCE_HINT to try anyway" */
	const char *where;
	const char *force_hint;
	enum bc_err_kind kind;		/* BC_EUSAGE (command line) or BC_ECONFIG */
};

/*
 * Add ACT_RESERVE of count pages on node (-1: the global pool). A count
 * above metrics_capacity() is refused (-rq->kind, err naming node, size,
 * asked and possible) unless rq->force. On a kernel without NUMA sysfs,
 * node 0 is the global pool. With rq->mem, the cache- and slab-dropping
 * steps are left out (drops_skipped, not_planned) when the pool's last
 * outcome shows they gained nothing, for the same target, less than its
 * wait ago (min_interval, doubled for each further run in a row that
 * gained nothing, at most a day or min_interval), and free memory has not
 * grown since by plan_free_margin_kb(). 0, -kind, or -BC_ENOMEM.
 */
int plan_reserve_node(struct plan *p, const struct snapshot *snap, const struct reserve_req *rq,
		      int node, uint64_t count, struct bc_error *err);

/*
 * Split total pages evenly over the memory nodes of snap (lower ids take
 * the remainder) and add one ACT_RESERVE per node, checked as above.
 * For one-off `reserve` and for `total =` in the policy.
 */
int plan_reserve_split(struct plan *p, const struct snapshot *snap, const struct reserve_req *rq,
		       uint64_t total, struct bc_error *err);

/* One SIZE:COUNT[@NODES] of `buddyctl reserve`, as the command line gave it. */
struct reserve_spec {
	const char *text;		/* "2M:1024@0", for the reason */
	const char *what;		/* "reserve: '2M:1024@0'", naming it in messages */
	uint64_t size_kb;
	uint64_t count;
	const struct bitmask *nodes;	/* @NODES (syntax checked); NULL: split over the memory nodes */
};

/*
 * The reservations of `buddyctl reserve`, spec by spec: each spec's pools
 * with rq's escalation and settings (size_kb, why and where are the
 * spec's). Refused (-BC_EUSAGE, err naming the spec): a size the kernel
 * does not offer, a node that does not exist or has no memory, a pool set
 * a second time (also through an alias, 2048kB and 2M, or a split); and
 * what plan_reserve_node() refuses. 0, -kind or -BC_ENOMEM.
 */
int plan_reserve_specs(struct plan *p, const struct snapshot *snap, const struct reserve_req *rq,
		       const struct reserve_spec *specs, unsigned n, struct bc_error *err);


/*
 * Free memory of node (-1, or a kernel without NUMA sysfs: every node) in
 * the buddy allocator (proc/buddyinfo), in kB: what a pool's last outcome
 * remembers and the next run compares.
 */
uint64_t plan_free_kb(const struct snapshot *snap, int node);

/*
 * How much more free memory than a fruitless run had counts as a change
 * worth trying its dropping steps again: a page of size_kb, and at least
 * 1% of the node's memory (free memory moves by itself by less: see
 * plan.c).
 */
uint64_t plan_free_margin_kb(const struct snapshot *snap, int node, uint64_t size_kb);

#endif
