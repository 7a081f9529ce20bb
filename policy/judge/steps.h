/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_STEPS_H
#define BUDDYCTL_STEPS_H

/*
 * The steps of a remediation or an escalation, in one table: the names the
 * policy and --ladder are written in and the plans print, and what each
 * step does (the source for --help, the man pages and the completion).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* One row of the table of steps. */
struct step_info {
	const char *name;	/* as written in the policy and printed in plans */
	const char *what;	/* what it does, in one line for people */
	/*
	 * How a plan says it (step_words() fills in "@node", "@sync" and
	 * "@target"): in the list of a reservation's steps, and in the one
	 * line of what a short reservation may still do
	 */
	const char *planned;
	const char *brief;
	bool escalation_only;	/* a pool's escalation may take it, a remediation not */
};

/* The row of step s, or NULL when s is no step. */
const struct step_info *step_info(enum step s);

/* What step_words() fills in. */
struct step_args {
	const char *node;	/* "node 0", "all nodes" */
	bool sync;		/* " (sync first)" for "@sync" */
	uint64_t target;	/* pages the write asks for */
};

/*
 * words (a step_info's planned or brief, or step_write_words()) into buf,
 * with "@node" the pool's node, "@sync" " (sync first)" when args->sync
 * (else nothing) and "@target" the pages of args->target.
 */
void step_words(char *buf, size_t size, const char *words, const struct step_args *args);

/*
 * How a plan says the write of the pool itself (STEP_NONE in its list):
 * of "@target", or with room of what compaction made room for, up to it.
 */
const char *step_write_words(bool room);

/* Step names as written in the policy and printed in plans ("?" for no step). */
const char *step_name(enum step s);

/*
 * The names a list of steps may hold, in the table's order, into buf (for
 * the messages that list them): an escalation's, "retry, compact-node,
 * ..., drain-pcp"; with remediation, a remediation's, "none, compact-node,
 * ..." (no escalation-only step).
 */
void steps_names(char *buf, size_t size, bool remediation);

/* Parse "retry, compact-node, ..." ("none" is the empty list). 0 or -1. */
int steps_parse(const char *text, struct steps *out, char *bad, size_t badsize);

#endif
