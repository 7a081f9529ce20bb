/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each step of a reservation in words: the file it writes, what it does
 * (the table of steps, steps.c), what it costs and drops, and what the
 * estimate allows after it. plan.c decides the steps and their order.
 */
#include "planstep.h"

#include <stdio.h>
#include <string.h>

#include "kernel.h"
#include "strbuf.h"

/* "node 0", or "all nodes" for the global pool. */
static void node_words(char *buf, size_t size, int node)
{
	snprintf(buf, size, node >= 0 ? "node %d" : "all nodes", node);
}

/* The compaction steps: nodeN/compact (vm/compact_memory for a global pool) or every node's. */
static void compaction(struct plan_step *x, const struct step_ctx *ctx, bool reclaimed)
{
	kfile_compact(x->file, sizeof(x->file), x->step == STEP_COMPACT_NODE ? ctx->node : -1);
	snprintf(x->cost, sizeof(x->cost), "drops no cache");
	if (ctx->e && reclaimed)
		x->expect = (int64_t)ctx->e->reclaim;
}

/* reclaim-node: at most need_kb, and no more than the node's cache and slab. */
static void node_reclaim(struct plan_step *x, const struct step_ctx *ctx, const char *node,
			 uint64_t need_kb)
{
	const struct estimate *e = ctx->e;
	uint64_t there = e ? e->cache_kb + e->slab_kb : 0;

	x->drops_kb = e && there < need_kb ? there : need_kb;
	kfile_reclaim(x->file, sizeof(x->file), ctx->node);
	snprintf(x->cost, sizeof(x->cost), "up to %llu MiB of page cache and slab of %s%s",
		 (unsigned long long)x->drops_kb / 1024, node, e ? "" : " (no estimate)");
	x->expect = e ? (int64_t)e->reclaim : -1;
}

/* drop-pagecache, drop-slab, drop-all: vm/drop_caches, every node's caches. */
static void drop(struct plan_step *x, const struct step_ctx *ctx, const char *node)
{
	x->drops_kb = x->step == STEP_DROP_PAGECACHE ? ctx->cache_kb :
		      x->step == STEP_DROP_SLAB ? ctx->slab_kb : ctx->cache_kb + ctx->slab_kb;
	x->sync = ctx->sync && x->step != STEP_DROP_SLAB;
	snprintf(x->file, sizeof(x->file), "%s", KFILE_DROP_CACHES);
	snprintf(x->cost, sizeof(x->cost), "up to %llu MiB machine-wide, not only %s; caches refill from disk",
		 (unsigned long long)x->drops_kb / 1024, node);
	x->expect = ctx->e ? (int64_t)ctx->e->reclaim : -1;
}

/* The writes of the pool: the first (STEP_NONE), retry and rewrite-burst. */
static void pool_write(struct plan_step *x, const struct step_ctx *ctx, bool reclaimed)
{
	kfile_nr_hugepages(x->file, sizeof(x->file), ctx->node, ctx->size_kb);
	if (x->step == STEP_NONE)
		snprintf(x->cost, sizeof(x->cost), "%s", x->write_room ?
			 "no cache: it asks only for the free blocks it reads back" :
			 "the kernel may reclaim and compact on its own for each page");
	else if (x->step == STEP_REWRITE_BURST)
		snprintf(x->cost, sizeof(x->cost),
			 "about 1.5 ms a write; each failed try counts toward the end of the kernel's compaction deferral");
	else
		snprintf(x->cost, sizeof(x->cost), "as the first write");
	if (ctx->e && reclaimed)
		x->expect = (int64_t)ctx->e->reclaim;
}

void planstep_describe(struct plan_step *x, const struct step_ctx *ctx, uint64_t need_kb,
		       bool reclaimed)
{
	const struct step_info *info = step_info(x->step);
	struct step_args args = { .target = x->write_max };
	char node[24];

	node_words(node, sizeof(node), ctx->node);
	x->expect = ctx->e ? (int64_t)ctx->e->compact : -1;
	switch (x->step) {
	case STEP_COMPACT_NODE:
	case STEP_COMPACT_ALL:
		compaction(x, ctx, reclaimed);
		break;
	case STEP_RECLAIM_NODE:
		node_reclaim(x, ctx, node, need_kb);
		break;
	case STEP_DROP_PAGECACHE:
	case STEP_DROP_SLAB:
	case STEP_DROP_ALL:
		drop(x, ctx, node);
		break;
	case STEP_DRAIN_PCP:
		snprintf(x->file, sizeof(x->file), "%s", KFILE_STAT_REFRESH);
		snprintf(x->cost, sizeof(x->cost), "drops no cache; %llu KiB on them now; repeated while MemFree grows",
			 ctx->e ? (unsigned long long)ctx->e->pcp_kb : 0ULL);
		break;
	default:
		pool_write(x, ctx, reclaimed);
		break;
	}
	args.node = node;
	args.sync = x->sync;
	step_words(x->what, sizeof(x->what),
		   x->step == STEP_NONE ? step_write_words(x->write_room) : info->planned, &args);
}

void planstep_if_short(char *buf, size_t size, const struct plan_step *steps, unsigned n,
		       unsigned rounds, const struct step_ctx *ctx)
{
	struct step_args args = { .sync = ctx->sync, .target = ctx->target };
	char node[24], words[80];
	unsigned i, k = 0;

	buf[0] = '\0';
	node_words(node, sizeof(node), ctx->node);
	args.node = node;
	for (i = 0; i < n; i++) {
		if (steps[i].when != WHEN_SHORT)
			continue;
		if (!k++)
			snprintf(buf, size, "up to %u round%s of:", rounds, rounds > 1 ? "s" : "");
		args.sync = steps[i].sync;
		step_words(words, sizeof(words), step_info(steps[i].step)->brief, &args);
		str_append(buf, size, "%s %s", k > 1 ? "," : "", words);
	}
}
