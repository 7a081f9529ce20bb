/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The escalation of a hugepage reservation, chosen from the snapshot when
 * neither --ladder nor on_short names one. From the estimate of the pool's
 * node and size (estimate.c):
 *
 * - compact first when free memory covers what free blocks do not
 *   (now < target, after compaction > now): a plain write would otherwise
 *   reclaim page cache that compaction would have spared (direct reclaim,
 *   kernel-interfaces.md §6);
 * - then, while short, rounds of: reclaim sized to the shortfall on that
 *   node only (nodeN/reclaim; it takes clean page cache and reclaimable
 *   slab), compact, write. Where the kernel has no nodeN/reclaim, and only
 *   when allowed, drop_caches on every node instead;
 * - a step the estimate says cannot help is not planned, and not_planned
 *   says why; a round that gains nothing, or reaching the estimate after
 *   reclaim, ends the escalation (actions/reserve.c).
 *
 * Gigantic pages come from alloc_contig_range(), which migrates what it
 * can itself: compaction does not help them, reclaim can.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void note(struct action *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append "; "-separated text to a->not_planned. */
static void note(struct action *a, const char *fmt, ...)
{
	size_t len = strlen(a->not_planned);
	va_list ap;

	if (len && len + 2 < sizeof(a->not_planned)) {
		memcpy(a->not_planned + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(a->not_planned + len, sizeof(a->not_planned) - len, fmt, ap);
	va_end(ap);
}

static void add(struct action *a, enum step s)
{
	if (a->ladder.n < MAX_STEPS)
		a->ladder.s[a->ladder.n++] = s;
}

bool plan_estimate(struct action *a, const struct snapshot *snap)
{
	const struct node *n = a->node >= 0 ? snapshot_node(snap, a->node)
			       : snap->nr_nodes == 1 ? &snap->nodes[0] : NULL;

	a->have_est = n && estimate_node(snap, n, a->size_kb, &a->est) == 0;
	a->unreachable = a->have_est && a->target > a->current && a->target > a->est.reclaim;
	return a->have_est;
}

void plan_escalation(struct action *a, const struct snapshot *snap, unsigned rounds,
		     bool allow_drop)
{
	const struct estimate *e = &a->est;
	bool node_file = a->node >= 0 && snap->node_reclaim;
	enum step after;

	a->chosen = true;
	a->compact_first = false;
	a->ladder.n = 0;
	a->rounds = rounds ? rounds : CHOSEN_ROUNDS;
	a->not_planned[0] = '\0';
	if (!plan_estimate(a, snap)) {
		/* no estimate: one global pool over several nodes */
		add(a, STEP_RETRY);
		a->rounds = 1;
		note(a, "no estimate for a pool shared by %u nodes: only one rewrite", snap->nr_nodes);
		return;
	}
	if (a->target <= a->current)
		return;		/* shrinking never falls short */

	if (e->gigantic) {
		note(a, "compaction: gigantic pages come from alloc_contig_range(), which migrates what it can itself");
	} else if (e->now >= a->target) {
		note(a, "compaction first: free blocks already hold %llu pages", (unsigned long long)e->now);
	} else if (e->compact > e->now) {
		a->compact_first = true;
	} else {
		note(a, "compaction: the estimate after compaction (%llu) is no more than now (%llu)",
		     (unsigned long long)e->compact, (unsigned long long)e->now);
	}

	/* after reclaim, free pages must be put together before the write */
	after = e->gigantic ? STEP_RETRY : STEP_COMPACT_NODE;
	if (e->reclaim <= e->compact) {
		note(a, "reclaim: the estimate after reclaim (%llu) is no more than after compaction (%llu)",
		     (unsigned long long)e->reclaim, (unsigned long long)e->compact);
	} else if (node_file) {
		add(a, STEP_RECLAIM_NODE);
		add(a, after);
		if (allow_drop && e->stuck_reclaimable_kb + e->slab_kb > 0) {
			/* what node reclaim leaves of slab, every node's */
			add(a, STEP_DROP_SLAB);
			add(a, after);
		}
	} else if (allow_drop) {
		/* no per-node reclaim: drop_caches on every node */
		add(a, e->slab_kb + e->stuck_reclaimable_kb > e->cache_kb ? STEP_DROP_ALL : STEP_DROP_PAGECACHE);
		add(a, after);
	} else {
		note(a, "reclaim: %s, and dropping caches on every node is not allowed (allow_drop_caches = yes, or --allow-drop-caches)",
		     a->node >= 0 ? "this kernel has no nodeN/reclaim" : "no per-node reclaim without NUMA sysfs");
	}
	if (!a->ladder.n && !e->gigantic && e->compact > a->current) {
		/* nothing to reclaim, but compaction may yet gain: compact, write */
		add(a, STEP_COMPACT_NODE);
	}
	if (!a->ladder.n)
		a->rounds = 0;
}
