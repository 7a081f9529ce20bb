/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PLAN_H
#define BUDDYCTL_PLAN_H

/*
 * The plan: the actions to take, as plain data, and the functions that add
 * them (a compaction, a drop of caches; a reservation's escalation and its
 * steps; the reservation itself in reservation.h).
 * policy_evaluate() (evaluate.h) plans from the policy's findings, a one-off
 * command from its arguments; `plan`, `--dry-run` and `apply` print the plan
 * the same way, and actions/ executes it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <numa.h>

#include "config.h"
#include "estimate.h"
#include "pagemap.h"
#include "planstep.h"
#include "snapshot.h"
#include "steps.h"

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
	/*
	 * ACT_RESERVE of a policy target: a shortfall is judged as `check`
	 * judges the pool, warn (exit 1) or crit (exit 2) when mandatory,
	 * whatever was obtained. A one-off `reserve` is 1 when it got some, 2
	 * when it got none.
	 */
	bool judged;
	bool mandatory;
	/*
	 * ACT_RESERVE, escalation chosen from the snapshot (no --ladder or
	 * on_short): compact first when free memory covers what free blocks
	 * do not, then rounds of the ladder while a round gains pages and the
	 * estimate says more is reachable. The decisions below are the
	 * plan's; steps[] is what they make, in order.
	 */
	bool chosen;
	bool compact_first;
	/*
	 * STEP_NONE, or the reclaim step (reclaim-node, drop-pagecache,
	 * drop-all) run before the compaction first, sized to what compaction
	 * alone cannot cover: when the target is above the estimate after
	 * compaction, the freed pages are then put together by that one
	 * compaction instead of a second one
	 */
	enum step reclaim_first;
	/*
	 * reclaim_first takes all of the node's clean page cache, not only
	 * what compaction cannot cover: the sized reclaim would leave too
	 * little of it to pay for compacting the rest; or (map_ask_kb, not
	 * 0) it is sized from the node's map to free the ranges the target
	 * needs whole, and no compaction follows (choose_keep_or_drop() in
	 * plan.c)
	 */
	bool drop_first;
	uint64_t map_ask_kb;
	uint64_t first_write;	/* 0: writes ask for the target; else the ceiling of the
				   first write, and every write but rewrite-burst is cut
				   to the free blocks read back (compaction alone cannot
				   cover the target) */
	bool have_est;
	struct estimate est;	/* of this node and size when planned */
	/*
	 * ACT_RESERVE of a gigantic size: its node's map (from the plan's
	 * maps: est is made from it), or why there is none; both NULL when
	 * the plan has no map of the size
	 */
	const struct pagemap_summary *map;
	const char *no_map_why;
	bool unreachable;	/* target above the estimate after reclaim */
	/*
	 * ACT_RESERVE: the target is unlikely to be met at runtime, and the
	 * kernel command line (`plan --kernel-cmdline`) is the better tool: it
	 * is above the estimate after reclaim, or gigantic pages (whose
	 * estimate is only an upper bound) need more than the node has free.
	 * boot_why says which, with the numbers; "" when not recommended.
	 */
	bool boot_recommended;
	char boot_why[200];
	/*
	 * ACT_RESERVE of a policy target: the cache- and slab-dropping steps
	 * (plan_step_reclaims()) left out because the pool's last outcome in
	 * the state file shows they gained nothing and nothing has changed
	 * since, and when they are planned again (seconds since the epoch);
	 * drops_skipped.n 0 when none were left out
	 */
	struct steps drops_skipped;
	double drops_until;
	/*
	 * ACT_RESERVE that grows the pool: every step it may take, in order,
	 * each with its file, what it does, its cost, what it drops and the
	 * pages expected (plan_reserve_steps()); actions/reserve.c walks them,
	 * the reports print them. None when the pool does not grow: its one
	 * write asks for the target.
	 */
	struct plan_step steps[MAX_PLAN_STEPS];
	unsigned nr_steps;
	char if_short[512];	/* what a short pool may still do, in one line; "" none */
	/* the steps the estimate or the policy left out, and why (not_planned joins them) */
	struct plan_left_out left_out[MAX_LEFT_OUT];
	unsigned nr_left_out;
	char not_planned[768];	/* "what: why; ..." of left_out[] */
	char reason[320];	/* why: the finding or the policy line */
	char expect[400];
};

struct plan {
	struct action *a;
	unsigned n;
	double time_budget_s;
	bool sync;
	/* the maps of the gigantic sizes it reserves (cli reads them), per size */
	const struct pagemap_set *maps;
	unsigned nr_maps;
};

/* Append an action; returns it (zeroed but for kind), or NULL on ENOMEM. */
struct action *plan_add(struct plan *p, enum action_kind kind);
void plan_free(struct plan *p);

/*
 * What the last run that wrote one pool got (the state file,
 * actions/state.h keeps it; while its dropping steps are left out, the
 * last run that took them): the cache- and slab-dropping steps, each with
 * what reclaim-node asked and the pages the pool gained with the write
 * after it, summed over the run's rounds.
 */
#define OUTCOME_MAX_STEPS 4	/* the dropping steps: reclaim-node, drop-pagecache, -slab, -all */

struct outcome_step {
	enum step step;
	uint64_t asked_kb;	/* reclaim-node: what it was asked to reclaim; else 0 */
	uint64_t gained;	/* pages */
};

struct pool_outcome {
	uint64_t size_kb;
	int node;		/* -1: the global pool */
	double started;		/* when that run's remediation started, seconds since the epoch */
	uint64_t asked;		/* the target, pages */
	uint64_t got;		/* the pool as the run left it */
	uint64_t free_kb;	/* plan_free_kb() of the pool's node(s) after the run */
	/* runs in a row whose dropping steps gained nothing in all (0: they gained) */
	unsigned fruitless;
	struct outcome_step steps[OUTCOME_MAX_STEPS];
	unsigned nr_steps;
};

/* What earlier runs left in the state file, for policy_evaluate(). */
struct remembered {
	double now;			/* this run's start, seconds since the epoch */
	const double *last_remediated;	/* when node id was last remediated (started); 0: never */
	unsigned nr_last;
	const struct pool_outcome *pools;
	unsigned nr_pools;
};

/*
 * Compact node: nodeN/compact, or vm/compact_memory on a kernel without
 * NUMA sysfs. Returns the action or NULL on ENOMEM.
 */
struct action *plan_compact_node(struct plan *p, const struct snapshot *snap, int node);

/*
 * Choose the escalation of ACT_RESERVE a from the snapshot (plan.c): fills
 * a->est, compact_first, reclaim_first, first_write, ladder, rounds,
 * unreachable, and left_out with not_planned. rounds < 0: CHOSEN_ROUNDS;
 * 0: no escalation. allow_drop: drop_caches (all nodes) may be used where
 * nodeN/reclaim cannot. Gigantic pages get no reclaim or drop step,
 * allow_drop or not (only --ladder or on_short can ask for one). With
 * no_drops, as if nothing could be reclaimed (the pool's dropping steps are
 * left out: the caller says why). plan_reserve_steps() then makes the
 * steps of these decisions.
 */
void plan_escalation(struct action *a, const struct snapshot *snap, int rounds, bool allow_drop,
		     bool no_drops);

/*
 * The estimate of a's node and size into a->est (have_est, unreachable);
 * false when there is none (a global pool over several nodes).
 */
bool plan_estimate(struct action *a, const struct snapshot *snap);

/*
 * Leave what ("compaction first", "drain-pcp", "reclaim-node, drop-slab";
 * "": all but one rewrite) out of a's escalation and say why (printf-like
 * fmt): a->left_out, and "what: why" added to a->not_planned ("; " between).
 */
void plan_leave_out(struct action *a, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The steps of ACT_RESERVE a, in order, from its decisions (compact_first,
 * reclaim_first, first_write, ladder, rounds, chosen, est) into a->steps,
 * and a->if_short: the reclaim and the compaction first, the write, and
 * the ladder's steps, each with the write after it (in a chosen
 * escalation a reclaim only makes room: the compaction after it writes).
 * Their cost in cache from snap's meminfo; sync: caches are synced before
 * they are dropped. None when the pool does not grow.
 */
void plan_reserve_steps(struct action *a, const struct snapshot *snap, bool sync);

/* Steps that drop or reclaim cache: reclaim-node, drop-pagecache, drop-slab, drop-all. */
bool plan_step_reclaims(enum step s);

/*
 * A policy's ladder (on_short) for ACT_RESERVE a of a gigantic size
 * planned from its node's map: the steps the map says cannot clear a
 * range of the size (compaction, reclaim, the drops, drain-pcp) are left
 * out, each with its reason (left_out, not_planned); no rounds when none
 * is left. An unattended run drops no cache for pages that cannot come.
 */
void plan_drop_futile_steps(struct action *a);

/*
 * Sizing from the free lists as read back during a chosen escalation, by
 * the steps the plan marks so (write_room, sized in struct plan_step)
 * (blocks: free blocks of the action's size or larger, in pages of that
 * size; small_kb: free memory in smaller blocks, both on the action's node).
 *
 * plan_room(): what a write may ask for without the kernel's slow path:
 * the pool plus the free blocks, less what the allocation must leave free,
 * at most ceiling. Beyond the free blocks the allocation reclaims page
 * cache page by page (direct reclaim) and wakes kswapd to reclaim for the
 * order (on the VM, 0.1-1.2 GiB of cache after a write of the whole
 * target); compaction often makes fewer blocks than the estimate's bound
 * (its two scanners meet halfway), so a->first_write is only the ceiling.
 *
 * plan_reclaim_kb(): what a reclaim-node step asks for: what the pool
 * lacks beyond the free blocks, less the free memory in smaller blocks that
 * compaction can put together (beyond the reserve and the memory stuck in
 * unmovable and reclaimable pageblocks), at least an eighth of that lack
 * (for small blocks that cannot move after all: pinned pages); 0 when the
 * free blocks cover it.
 */
uint64_t plan_room(const struct action *a, uint64_t pool, uint64_t blocks, uint64_t ceiling);
uint64_t plan_reclaim_kb(const struct action *a, uint64_t pool, uint64_t blocks, uint64_t small_kb);

/* Rounds of a chosen escalation unless --rounds or rounds = says otherwise. */
#define CHOSEN_ROUNDS 8

/*
 * `compact`: each node of sel through nodeN/compact (vm/compact_memory
 * without NUMA sysfs), or with sel NULL every node through
 * vm/compact_memory. `drop-caches`: level 1 page cache, 2 slab, 3 both,
 * sync(2) first if asked (never for slab). why is the actions' reason.
 * 0 or -BC_ENOMEM.
 */
int plan_compact(struct plan *p, const struct snapshot *snap, const struct bitmask *sel,
		 const char *why);
int plan_drop_caches(struct plan *p, const struct snapshot *snap, int level, bool sync,
		     const char *why);

#endif
