/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_EXPLAIN_H
#define BUDDYCTL_EXPLAIN_H

/*
 * What `status` says about each node in words, worked out once from numbers
 * computed elsewhere and rendered by every format: the figure `check` judges
 * (policy_judge(): the node-wide unusable index at the policy's order, and
 * the level), which allocation sizes can be had now, after compaction, after
 * reclaim or only at boot (estimate_node()), and whether kcompactd compacts
 * the node proactively (vm.compaction_proactiveness against the compaction
 * score).
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "errors.h"
#include "judge.h"
#include "snapshot.h"

/* The first stage at which one more page of a size can be had on a node. */
enum reach {
	REACH_NOW,		/* the free blocks hold one, within the watermarks */
	REACH_COMPACTION,	/* only after compaction */
	REACH_RECLAIM,		/* only after reclaim (page cache, slab), then compaction */
	REACH_BOOT,		/* not at run time: only reserved at boot (hugepages=) */
	REACH_NEVER,		/* the node's memory could not hold one page of the size */
	REACH_UNKNOWN,		/* a zone has no zoneinfo: no watermarks to judge by */
};

/* "now", "compaction", "reclaim", "boot-time-only", "never", "unknown". */
const char *reach_name(enum reach r);

struct size_verdict {
	uint64_t size_kb;
	int order;
	bool hugepage;		/* the kernel offers pools of this size */
	bool gigantic;		/* beyond the buddy orders: figures are upper bounds */
	bool judged;		/* the size of the order check judges the node at */
	enum reach reach;
	/* pages of the size that can be added to the node's pool (estimate.h, less the pool) */
	uint64_t now, compact, reclaim;
	uint64_t pages;		/* of them, at the stage reached (0 for boot, never); for
				   unknown, the free blocks of the size buddyinfo shows */
	uint64_t pool;		/* nr_hugepages of the node now (0 for a size without pools) */
};

enum proactive {
	PROACTIVE_UNKNOWN,	/* no vm.compaction_proactiveness, or no zoneinfo */
	PROACTIVE_OFF,		/* proactiveness 0: kcompactd never compacts proactively */
	PROACTIVE_IDLE,		/* score not above the high mark */
	PROACTIVE_COMPACTING,	/* score above it: kcompactd compacts the node */
};

/*
 * What check judged of a node: policy_judge()'s finding, its fields that
 * are shown (not the whole struct finding: 472 bytes a node).
 */
struct node_check {
	enum level level;
	int order;			/* judged at */
	int unusable;			/* node-wide, thousandths */
	int fragindex;			/* node-wide, thousandths */
	uint64_t blocks;		/* free blocks at or above order, in 2^order units */
	const char *why;		/* thresholds crossed, "" when none */
};

struct node_explain {
	int node;
	struct node_check check;	/* policy_judge()'s finding of the node */
	int largest_order;		/* -1: nothing free */
	int score;			/* proactive compaction score, 0..100 */
	enum proactive proactive;
	/*
	 * Ascending; sizes and text are allocated to fit (explain_free()):
	 * 65,536 nodes of a capture at 3.6 KB a node were 238 MB.
	 */
	struct size_verdict *sizes;
	unsigned nr_sizes;
	char *text;			/* the verdict in words, one paragraph, < EXPLAIN_TEXT_MAX */
};

/* The longest verdict text, its NUL included. */
#define EXPLAIN_TEXT_MAX 1024

struct explain {
	char policy[PATH_MAX];		/* the policy's path, or "(built-in defaults)" */
	int proactiveness;		/* vm.compaction_proactiveness, -1 unknown */
	int wmark_low, wmark_high;	/* metrics_proactive_wmark(); -1 unknown or off */
	struct node_explain *nodes;	/* nodes with memory, in snapshot order */
	unsigned nr_nodes;
	struct size_verdict *size_block;	/* every node's sizes[], one allocation */
};

/*
 * Explain every node with memory of snap under pol (validated against snap),
 * with proactiveness -1 when unknown. 0, or -BC_ENOMEM with err filled.
 */
int explain_build(const struct snapshot *snap, const struct policy *pol, int proactiveness,
		  struct explain *ex, struct bc_error *err);

void explain_free(struct explain *ex);

/* The explanation of node id, or NULL (no memory, or not explained). */
const struct node_explain *explain_node(const struct explain *ex, int id);

#endif
