/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_STATE_H
#define BUDDYCTL_STATE_H

/* The state file: what apply remembers between runs. */

#include <stdbool.h>

#include "errors.h"
#include "result.h"
#include "plan.h"

/*
 * What apply remembers between runs: when each node's last remediation
 * started, for the policy's min_interval, and each pool's last outcome
 * (struct pool_outcome), so that a cache- or slab-dropping step that
 * gained nothing is not repeated while nothing has changed. The file holds
 *
 *   node N STARTED
 *   pool SIZE_KB NODE STARTED ASKED GOT FREE_KB RUNS STEP:ASKED_KB:GAINED...
 *
 * lines (buddyctl.conf(5) state_file; NODE "-" for a global pool) and is
 * one of buddyctl's own files (ownfile.h): inside --root, never through a
 * symlink, regular files only, replaced atomically so that an interrupted
 * run never leaves half of it.
 */

#define STATE_MAX_NODES 1024
/* A pool per size per node: 1024 nodes with two sizes; more is not ours. */
#define STATE_MAX_POOLS 2048

struct state {
	double last[STATE_MAX_NODES];	/* when node id was last remediated; 0: never */
	struct pool_outcome *pools;	/* nr_pools of them (allocated) */
	unsigned nr_pools;
};

/*
 * Fill st from the file at path under root. A missing file is no error. A
 * bad file never stops a run: a line that is not one of the two forms
 * above (a node id below STATE_MAX_NODES, whole seconds since the epoch
 * not after now (plus a minute), each step a dropping step given once, at
 * most STATE_MAX_POOLS pools), and a file that is not a regular file, are
 * ignored and described in *warn (one line, warn->msg[0] set; the
 * contents are never quoted). 0, or -BC_ENOMEM. state_free() it.
 */
int state_load(const char *root, const char *path, double now, struct state *st,
	       struct bc_error *warn);

/* Write st (non-zero node times, every pool) to path under root. 0 or -BC_ECANTCREAT. */
int state_save(const char *root, const char *path, const struct state *st, struct bc_error *err);

void state_free(struct state *st);

/*
 * The outcome of executed ACT_RESERVE a (result r) whose remediation
 * started at started (free_kb: plan_free_kb() after the run) into *o: the
 * dropping steps it took, each with what reclaim-node asked and the pages
 * the pool gained with the first write after it (a reclaim in a chosen
 * escalation only makes room: the compaction after it writes), summed
 * over the rounds (none, fruitless 0, when it took none); o->fruitless
 * counts on from prev (the pool's outcome before, or NULL) when they
 * gained nothing in all. false, *o untouched, when the run tells nothing
 * new: its dropping steps were left out (a->drops_skipped: the outcome of
 * the run that took them still counts), it was interrupted, or a write
 * failed. Then the pool's outcome stays as it was.
 */
bool state_outcome(const struct action *a, const struct action_result *r, double started,
		   uint64_t free_kb, const struct pool_outcome *prev, struct pool_outcome *o);

/* The outcome of the pool of size_kb on node (-1: global), or NULL. */
const struct pool_outcome *state_pool(const struct state *st, uint64_t size_kb, int node);

/*
 * Replace the outcome of o's pool, or add it; with STATE_MAX_POOLS already
 * kept, the one that started longest ago makes room. 0 or -BC_ENOMEM.
 */
int state_set_pool(struct state *st, const struct pool_outcome *o);

#endif
