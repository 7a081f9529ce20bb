/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A node's state in words (explain.h). Nothing here is a new measure: the
 * share of free memory in small blocks is the node-wide unusable index that
 * check judges (policy_judge()), the sizes' stages come from estimate_node()
 * and the proactive compaction marks from metrics_proactive_wmark(). Each
 * size is placed at the first stage that can add one page of it to the
 * node's pool:
 *
 *   now          estimate "now" beyond the pool >= 1
 *   compaction   else "after compaction" beyond the pool >= 1
 *   reclaim      else "after reclaim" beyond the pool >= 1
 *   never        else when the node's capacity (present memory less the min
 *                watermarks) holds no more pages of the size than the pool
 *   boot-time    else: only a reservation at boot (hugepages=) gets one
 *   unknown      a zone of the node has no zoneinfo (no watermarks)
 */
#include "explain.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#include "estimate.h"
#include "judge.h"
#include "metrics.h"
#include "units.h"

const char *reach_name(enum reach r)
{
	static const char *const names[] = {
		[REACH_NOW] = "now", [REACH_COMPACTION] = "compaction", [REACH_RECLAIM] = "reclaim",
		[REACH_BOOT] = "boot-time-only", [REACH_NEVER] = "never", [REACH_UNKNOWN] = "unknown",
	};

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

/* Every zone in buddyinfo has its zoneinfo: watermarks and present pages are known. */
static bool has_zoneinfo(const struct node *n)
{
	unsigned k;

	for (k = 0; k < n->nr_zones; k++)
		if (n->zones[k].in_buddyinfo && !n->zones[k].in_zoneinfo)
			return false;
	return true;
}

static uint64_t beyond(uint64_t figure, uint64_t pool)
{
	return figure > pool ? figure - pool : 0;
}

static void size_verdict(const struct snapshot *snap, const struct node *n, bool zoneinfo,
			 struct size_verdict *v)
{
	struct estimate e;

	v->order = metrics_size_order(snap, v->size_kb);
	v->gigantic = v->order >= (int)snap->nr_orders;
	if (estimate_node(snap, n, v->size_kb, &e) < 0 || !zoneinfo) {
		/* what buddyinfo alone says: the free blocks of the size or larger */
		v->reach = REACH_UNKNOWN;
		for (unsigned k = 0; !v->gigantic && v->order >= 0 && k < n->nr_zones; k++)
			for (unsigned o = (unsigned)v->order; o < snap->nr_orders; o++)
				v->pages += n->zones[k].free_blocks[o] << (o - (unsigned)v->order);
		return;
	}
	v->pool = e.pool;
	v->now = beyond(e.now, e.pool);
	v->compact = beyond(e.compact, e.pool);
	v->reclaim = beyond(e.reclaim, e.pool);
	if (v->now) {
		v->reach = REACH_NOW;
		v->pages = v->now;
	} else if (v->compact) {
		v->reach = REACH_COMPACTION;
		v->pages = v->compact;
	} else if (v->reclaim) {
		v->reach = REACH_RECLAIM;
		v->pages = v->reclaim;
	} else {
		v->reach = e.capacity <= e.pool ? REACH_NEVER : REACH_BOOT;
	}
}

/* How many sizes pick_sizes() may give a node: the pool sizes and the judged one. */
static unsigned max_sizes(const struct snapshot *snap)
{
	return (snap->nr_pools < BC_MAX_ORDERS ? snap->nr_pools : BC_MAX_ORDERS) + 1;
}

/* The sizes to speak of: every hugepage size the kernel offers, and the judged order's. */
static void pick_sizes(const struct snapshot *snap, uint64_t judged_kb, struct node_explain *x)
{
	unsigned i, k;
	bool have = false;

	for (i = 0; i < snap->nr_pools && x->nr_sizes < BC_MAX_ORDERS; i++) {
		struct size_verdict *v = &x->sizes[x->nr_sizes++];

		memset(v, 0, sizeof(*v));
		v->size_kb = snap->pools[i].size_kb;
		v->hugepage = true;
		v->judged = v->size_kb == judged_kb;
		have |= v->judged;
	}
	if (have || !judged_kb)
		return;
	/* pools are sorted by size: insert the judged size in its place */
	for (k = 0; k < x->nr_sizes && x->sizes[k].size_kb < judged_kb; k++)
		;
	memmove(&x->sizes[k + 1], &x->sizes[k], (x->nr_sizes - k) * sizeof(x->sizes[0]));
	memset(&x->sizes[k], 0, sizeof(x->sizes[k]));
	x->sizes[k].size_kb = judged_kb;
	x->sizes[k].judged = true;
	x->nr_sizes++;
}

/* One clause of the verdict: what it takes to get a page of this size. */
static void clause(char *buf, size_t size, const struct size_verdict *v)
{
	const char *unit = v->hugepage ? "pages" : "blocks";
	/*
	 * every figure of the estimate is a bound: per-CPU pages, watermarks,
	 * movability; and it is the estimate's figure less the pool, which
	 * estimate prints with the pool: say so where the pool holds any
	 */
	const char *bound = "at most ";
	char sz[24], beyond_pool[48] = "";

	size_label(sz, sizeof(sz), v->size_kb * 1024);
	if (v->pool)
		snprintf(beyond_pool, sizeof(beyond_pool), " beyond the %llu in the pool",
			 (unsigned long long)v->pool);
	if (v->gigantic && (v->reach == REACH_NOW || v->reach == REACH_COMPACTION ||
			    v->reach == REACH_RECLAIM)) {
		/*
		 * beyond the buddy orders: an aligned range with nothing
		 * unmovable in it, which pagetypeinfo's counts cannot place
		 * (this VM offers 19 and grants 2): only an upper bound
		 */
		str_append(buf, size, "%s pages: at most %llu%s at runtime, likely fewer (a boot-time reservation is surer)",
		       sz, (unsigned long long)v->pages, beyond_pool);
		return;
	}
	switch (v->reach) {
	case REACH_NOW:
		/* not check's free blocks: estimate's "now" (per-CPU lists, watermarks) */
		str_append(buf, size, "%s %s can be had now (%s%llu%s, per-CPU lists included, within the watermarks)",
		       sz, unit, bound, (unsigned long long)v->pages, beyond_pool);
		break;
	case REACH_COMPACTION:
		str_append(buf, size, "%s %s need compaction (%s%llu%s)", sz, unit, bound,
		       (unsigned long long)v->pages, beyond_pool);
		break;
	case REACH_RECLAIM:
		str_append(buf, size, "%s %s need reclaim (%s%llu%s)", sz, unit, bound,
		       (unsigned long long)v->pages, beyond_pool);
		break;
	case REACH_BOOT:
		str_append(buf, size, "no %s page can be had without a boot-time reservation", sz);
		break;
	case REACH_NEVER:
		if (v->pool)
			str_append(buf, size, "no more %s %s fit on this node", sz, unit);
		else
			str_append(buf, size, "no %s %s fits on this node", sz, v->hugepage ? "page" : "block");
		break;
	default:
		if (v->gigantic)
			str_append(buf, size, "%s %s: unknown without zoneinfo", sz, unit);
		else
			str_append(buf, size, "%s %s: %llu free now (beyond that: unknown without zoneinfo)",
			       sz, unit, (unsigned long long)v->pages);
		break;
	}
}

/* x->text, allocated to fit. 0, or -1 out of memory. */
static int words(const struct snapshot *snap, struct node_explain *x)
{
	const struct node_check *f = &x->check;
	char judged[24], big[24], text[EXPLAIN_TEXT_MAX];
	unsigned i;

	size_label(judged, sizeof(judged), (uint64_t)snap->page_size << f->order);
	if (x->largest_order < 0) {
		snprintf(text, sizeof(text), "nothing is free");
	} else {
		size_label(big, sizeof(big), (uint64_t)snap->page_size << x->largest_order);
		/* the unusable index is in thousandths: 714 is 71.4% */
		snprintf(text, sizeof(text),
			 "%d.%d%% of free memory is in blocks smaller than %s, the largest free block is %s",
			 f->unusable / 10, f->unusable % 10, judged, big);
	}
	for (i = 0; i < x->nr_sizes; i++) {
		str_append(text, sizeof(text), i ? "; " : ": ");
		clause(text, sizeof(text), &x->sizes[i]);
	}
	str_append(text, sizeof(text), ".");
	x->text = strdup(text);
	return x->text ? 0 : -1;
}

/* The fields of f a node's explanation keeps; why allocated unless "". 0, or -1 out of memory. */
static int check_of(const struct finding *f, struct node_check *c)
{
	c->level = f->level;
	c->order = f->order;
	c->unusable = f->unusable;
	c->fragindex = f->fragindex;
	c->blocks = f->blocks;
	c->why = f->why[0] ? strdup(f->why) : "";
	return c->why ? 0 : -1;
}

int explain_build(const struct snapshot *snap, const struct policy *pol, int proactiveness,
		  struct explain *ex, struct bc_error *err)
{
	struct finding *fs = NULL;
	unsigned nr = 0, i, k;
	int rc;

	memset(ex, 0, sizeof(*ex));
	snprintf(ex->policy, sizeof(ex->policy), "%s", pol->path);
	ex->proactiveness = proactiveness;
	ex->wmark_low = ex->wmark_high = -1;
	if (proactiveness > 0) {
		ex->wmark_low = (int)metrics_proactive_wmark((unsigned)proactiveness, true);
		ex->wmark_high = (int)metrics_proactive_wmark((unsigned)proactiveness, false);
	}
	rc = policy_judge(snap, pol, &fs, &nr, err);
	if (rc < 0)
		return rc;
	ex->nodes = calloc(snap->nr_nodes + 1, sizeof(*ex->nodes));
	ex->size_block = calloc((size_t)snap->nr_nodes * max_sizes(snap) + 1, sizeof(*ex->size_block));
	if (!ex->nodes || !ex->size_block) {
		free(fs);
		explain_free(ex);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	for (i = 0; i < nr; i++) {
		const struct node *n = snapshot_node(snap, fs[i].node);
		struct node_explain *x;
		bool zoneinfo;

		if (fs[i].kind != FINDING_FRAGMENTATION || !n)
			continue;
		x = &ex->nodes[ex->nr_nodes];
		x->sizes = &ex->size_block[(size_t)ex->nr_nodes++ * max_sizes(snap)];
		x->node = n->id;
		if (check_of(&fs[i], &x->check) < 0) {
			free(fs);
			explain_free(ex);
			return bc_error_set(err, BC_ENOMEM, "out of memory");
		}
		x->largest_order = metrics_node_largest_order(n, snap->nr_orders);
		x->score = metrics_compaction_score(n, snap->nr_orders, (unsigned)snap->hpage_order);
		zoneinfo = has_zoneinfo(n);
		if (proactiveness < 0 || !zoneinfo)
			x->proactive = PROACTIVE_UNKNOWN;
		else if (proactiveness == 0)
			x->proactive = PROACTIVE_OFF;
		else
			x->proactive = x->score > ex->wmark_high ? PROACTIVE_COMPACTING : PROACTIVE_IDLE;
		pick_sizes(snap, ((uint64_t)snap->page_size << fs[i].order) / 1024, x);
		for (k = 0; k < x->nr_sizes; k++)
			size_verdict(snap, n, zoneinfo, &x->sizes[k]);
		if (words(snap, x) < 0) {
			free(fs);
			explain_free(ex);
			return bc_error_set(err, BC_ENOMEM, "out of memory");
		}
	}
	free(fs);
	return 0;
}

void explain_free(struct explain *ex)
{
	unsigned i;

	for (i = 0; ex->nodes && i < ex->nr_nodes; i++) {
		free(ex->nodes[i].text);
		if (ex->nodes[i].check.why && ex->nodes[i].check.why[0])
			free((char *)ex->nodes[i].check.why);
	}
	free(ex->nodes);
	free(ex->size_block);
	ex->nodes = NULL;
	ex->size_block = NULL;
	ex->nr_nodes = 0;
}

const struct node_explain *explain_node(const struct explain *ex, int id)
{
	unsigned lo = 0, hi = ex ? ex->nr_nodes : 0;

	/* in snapshot order, which is by id: every renderer asks once per node */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (ex->nodes[mid].node == id)
			return &ex->nodes[mid];
		if (ex->nodes[mid].node < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
