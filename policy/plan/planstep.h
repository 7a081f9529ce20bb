/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PLANSTEP_H
#define BUDDYCTL_PLANSTEP_H

/*
 * The steps of a hugepage reservation as the plan carries them, in the
 * order they are taken: what each writes, does, costs and drops and what
 * the estimate allows after it, with the steps left out and why. plan.c
 * decides the steps; this file says each in words (the table of steps,
 * steps.h, has their vocabulary); actions/reserve.c walks the list and
 * the reports print it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "estimate.h"
#include "steps.h"

/* When a reservation takes a step. */
enum step_when {
	WHEN_FIRST,	/* once, before the first write: compaction first, the reclaim before it */
	WHEN_ALWAYS,	/* the first write of the pool */
	WHEN_SHORT,	/* in every round while the pool is short */
};

/* One step of a reservation. */
struct plan_step {
	enum step step;		/* STEP_NONE: the write of the pool itself */
	enum step_when when;
	bool then_write;	/* nr_hugepages is written after it */
	/*
	 * The write the step is (STEP_NONE, retry, rewrite-burst) or that
	 * follows it (then_write): at most write_max pages, and with
	 * write_room cut to the free blocks read back (plan_room(): beyond
	 * them the kernel reclaims page cache for each page)
	 */
	uint64_t write_max;
	bool write_room;
	bool sized;		/* reclaim-node: sized to the free lists read back
				   (plan_reclaim_kb()), else to the shortfall */
	uint64_t ask_kb;	/* reclaim-node: asks for this much (the node's clean
				   page cache: a drop_first), not sized (0: as above) */
	bool sync;		/* drop-pagecache, drop-all: sync(2) first */
	/* for people: plan and --dry-run print these */
	char file[96];		/* what it writes, relative to the root */
	char what[112];		/* what it does */
	char cost[160];		/* what it costs */
	uint64_t drops_kb;	/* at most this much cache or slab dropped (0: none) */
	int64_t expect;		/* pages the estimate allows after it; -1: no estimate */
	/*
	 * A step --ladder or on_short asked for that the map says cannot
	 * clear a range of a gigantic size: why ("" when none)
	 */
	char warning[240];
};

/*
 * The most steps a reservation takes: the reclaim and the compaction
 * first, the write, and a ladder of MAX_STEPS.
 */
#define MAX_PLAN_STEPS (MAX_STEPS + 3)

/* A step, or a part of the escalation, that the plan left out, and why. */
struct plan_left_out {
	/* "compaction first", "drain-pcp", "reclaim-node, drop-slab"; "": every step but one rewrite */
	char what[80];
	char why[320];
};

/* The escalation's parts that can be left out, each at most once, and the state file's. */
#define MAX_LEFT_OUT 6

/* The reservation a step belongs to, as its words need it. */
struct step_ctx {
	int node;			/* -1: the global pool */
	uint64_t size_kb;
	uint64_t target;		/* pages */
	const struct estimate *e;	/* of the pool's node and size; NULL: none */
	uint64_t cache_kb, slab_kb;	/* page cache and reclaimable slab of every node */
	bool sync;			/* the plan syncs before it drops caches */
};

/*
 * Fill in x, whose step is set (STEP_NONE: the pool's write of write_max
 * pages, with write_room of what compaction made room for): the file it
 * writes, what it does, what it costs and drops (need_kb: what a reclaim
 * is asked for), whether it syncs first, and the pages the estimate allows
 * after it: after compaction, or after reclaim for a step that reclaims
 * or (reclaimed) comes after one.
 */
void planstep_describe(struct plan_step *x, const struct step_ctx *ctx, uint64_t need_kb,
		       bool reclaimed);

/*
 * What a short reservation may still do, in one line: "up to 3 rounds of:
 * rewrite, compact node 0, drop page cache of all nodes (sync first)",
 * from the WHEN_SHORT steps of steps[0..n); "" when there is none.
 */
void planstep_if_short(char *buf, size_t size, const struct plan_step *steps, unsigned n,
		       unsigned rounds, const struct step_ctx *ctx);

#endif
