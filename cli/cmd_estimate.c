/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl estimate [SIZE...]`: per node and hugepage size, how many pages
 * can be had now, after compaction and after reclaim, and how each figure
 * was derived (policy/judge/estimate.c). Read-only: no lock, no write.
 */
#include "cmd_estimate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "act.h"
#include "config.h"
#include "estimate.h"
#include "metrics.h"
#include "output.h"
#include "snapshot.h"
#include "units.h"

int estimate_all(const struct snapshot *snap, const uint64_t *sizes, unsigned nr_sizes,
		 const struct outopts *o, struct estimate **out, unsigned *nr_out,
		 struct bc_error *err)
{
	struct estimate *e;
	unsigned i, s, n = 0;

	e = calloc((size_t)snap->nr_nodes * (nr_sizes ? nr_sizes : 1) + 1, sizeof(*e));
	if (!e)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *nd = &snap->nodes[i];

		if (!nd->has_memory || (o && !out_node_selected(o, nd->id)))
			continue;
		for (s = 0; s < nr_sizes; s++)
			if (estimate_node(snap, nd, sizes[s], &e[n]) == 0)
				n++;
	}
	*out = e;
	*nr_out = n;
	return 0;
}

/* Notes, as text: one clause per bit of e->notes that explains a figure. */
static const struct {
	unsigned bit;
	const char *text;
} note_text[] = {
	{ EST_NO_PAGETYPEINFO, "pagetypeinfo not readable: free pages in unmovable and reclaimable pageblocks counted as usable, so the bound after compaction is looser" },
	{ EST_GIGANTIC, "beyond the buddy orders: these pages come from aligned ranges with nothing unmovable in them, and pagetypeinfo counts pageblocks, not where they lie; every figure is an upper bound" },
	{ EST_NO_NODE_MEMINFO, "no node meminfo: page cache and slab not counted" },
	{ EST_NOT_IN_BUDDY, "counts memory not yet in the buddy allocator, which a buddy-sized allocation grows the zone into" },
	{ EST_CAPPED, "cut to the node's capacity (its present memory less the min watermarks)" },
	{ EST_NO_ZONEINFO, "zoneinfo not read: the watermarks and per-CPU pages are unknown, so nothing is kept free and every figure is an upper bound; the capacity is unknown" },
	{ EST_NO_POOL, "the node's hugepage pool was not read: counted as empty" },
};

static const char *const note_keys[] = {
	"no_pagetypeinfo", "gigantic", "no_node_meminfo", "not_in_buddy", "capped", "no_zoneinfo",
	"no_pool",
};

static void human_kb(char *buf, size_t size, uint64_t kb)
{
	out_human_bytes(buf, size, kb * 1024);
}

/*
 * "now" of a buddy size in its terms, with check's figure by its own name:
 * "64 in the pool + 6107: the 6127 free 2M blocks and 11 the per-CPU lists
 * (45M) could make, as far as the watermarks allow (123M kept free)".
 */
static void now_terms(char *t, size_t size, const struct estimate *e, const char *sz, const char *kept)
{
	char pcp[16], held[80] = "";

	human_kb(pcp, sizeof(pcp), e->pcp_kb);
	if (e->held_blocks)
		snprintf(held, sizeof(held), " less %llu in HighAtomic and Isolate lists",
			 (unsigned long long)e->held_blocks);
	snprintf(t, size, "%llu in the pool + %llu: the %llu free %s blocks%s and %llu the per-CPU lists (%s) could make, as far as the watermarks allow (%s kept free)",
		 (unsigned long long)e->pool, (unsigned long long)(e->now - e->pool),
		 (unsigned long long)e->free_blocks, sz, held, (unsigned long long)e->pcp_blocks, pcp, kept);
}

/* The derivation of one estimate: a line per figure, then its notes. */
static void explain(FILE *f, const struct estimate *e)
{
	char sz[16], rd[16], kept[16], fr[16], st[16], ca[16], sl[16], nb[16], lead[40], t[400];
	unsigned i;

	size_label(sz, sizeof(sz), e->size_kb * 1024);
	human_kb(rd, sizeof(rd), e->ready_kb);
	human_kb(kept, sizeof(kept), e->reserve_kb);
	human_kb(fr, sizeof(fr), e->free_kb);
	human_kb(st, sizeof(st), e->stuck_kb);
	human_kb(ca, sizeof(ca), e->cache_kb);
	human_kb(sl, sizeof(sl), e->slab_kb);
	human_kb(nb, sizeof(nb), e->not_in_buddy_kb);
	fprintf(f, "Node %d, %s pages (order %d)\n", e->node, sz, e->order);

	snprintf(lead, sizeof(lead), "  now       %6llu =", (unsigned long long)e->now);
	if (e->gigantic)
		snprintf(t, sizeof(t), "%llu in the pool + at most the %s free in blocks of the top order, put together, less %s kept free",
			 (unsigned long long)e->pool, rd, kept);
	else
		now_terms(t, sizeof(t), e, sz, kept);
	out_wrap(f, lead, 21, t);

	snprintf(lead, sizeof(lead), "  compacted %6llu =", (unsigned long long)e->compact);
	snprintf(t, sizeof(t), "%llu in the pool + free %s less %s kept free and %s in small free blocks of unmovable and reclaimable pageblocks%s",
		 (unsigned long long)e->pool, fr, kept, st,
		 e->pageblocks_movable >= 0 ? ", in aligned ranges of movable pageblocks" : "");
	out_wrap(f, lead, 21, t);

	snprintf(lead, sizeof(lead), "  reclaimed %6llu =", (unsigned long long)e->reclaim);
	snprintf(t, sizeof(t), "compacted + clean page cache %s + reclaimable slab %s%s%s%s",
		 ca, sl, e->not_in_buddy_kb ? " + " : "", e->not_in_buddy_kb ? nb : "",
		 e->not_in_buddy_kb ? " not yet in the buddy allocator" : "");
	out_wrap(f, lead, 21, t);
	for (i = 0; i < sizeof(note_text) / sizeof(note_text[0]); i++)
		if (e->notes & note_text[i].bit)
			out_wrap(f, "  note:", 8, note_text[i].text);
}

int estimate_text(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n)
{
	char when[40], sz[16], cap[24];
	struct tm tm;
	unsigned i;

	gmtime_r(&snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "%s  hugepages each node can hold, the pool included\n\n", when);
	fprintf(f, "node  size      pool       now  compacted  reclaimed   capacity\n");
	for (i = 0; i < n; i++) {
		size_label(sz, sizeof(sz), e[i].size_kb * 1024);
		if (e[i].notes & EST_NO_ZONEINFO)
			snprintf(cap, sizeof(cap), "?");
		else
			snprintf(cap, sizeof(cap), "%llu", (unsigned long long)e[i].capacity);
		fprintf(f, "%4d  %4s  %8llu  %8llu%s %9llu%s %9llu%s %9s\n", e[i].node, sz,
			(unsigned long long)e[i].pool, (unsigned long long)e[i].now,
			e[i].gigantic ? "*" : " ", (unsigned long long)e[i].compact,
			e[i].gigantic ? "*" : " ", (unsigned long long)e[i].reclaim,
			e[i].gigantic ? "*" : " ", cap);
	}
	for (i = 0; i < n; i++)
		if (e[i].gigantic) {
			fputs("* upper bound: gigantic pages need aligned ranges free of unmovable pages\n", f);
			break;
		}
	for (i = 0; i < n; i++) {
		fputc('\n', f);
		explain(f, &e[i]);
	}
	out_text_missing(f, snap);
	return ferror(f) ? -1 : 0;
}

void estimate_json_one(FILE *f, const struct estimate *e)
{
	unsigned i, k = 0;

	char cap[24] = "null", fb[24] = "null", hb[24] = "null", pb[24] = "null";

	/* no zoneinfo: the capacity is unknown */
	if (!(e->notes & EST_NO_ZONEINFO))
		snprintf(cap, sizeof(cap), "%llu", (unsigned long long)e->capacity);
	/* check's free blocks and the other terms of "now": buddy sizes only */
	if (!e->gigantic) {
		snprintf(fb, sizeof(fb), "%llu", (unsigned long long)e->free_blocks);
		snprintf(hb, sizeof(hb), "%llu", (unsigned long long)e->held_blocks);
		snprintf(pb, sizeof(pb), "%llu", (unsigned long long)e->pcp_blocks);
	}
	fprintf(f, "{\"node\":%d,\"size_kb\":%llu,\"order\":%d,\"gigantic\":%s,\"pool\":%llu,"
		"\"now\":%llu,\"after_compaction\":%llu,\"after_reclaim\":%llu,\"capacity\":%s,"
		"\"free_kb\":%llu,\"pcp_kb\":%llu,\"ready_kb\":%llu,\"reserve_kb\":%llu,\"stuck_kb\":%llu,"
		"\"stuck_reclaimable_kb\":%llu,\"page_cache_kb\":%llu,\"slab_reclaimable_kb\":%llu,"
		"\"not_in_buddy_kb\":%llu,\"free_blocks_at_order\":%s,\"held_blocks\":%s,\"pcp_blocks\":%s,"
		"\"pageblocks_movable\":",
		e->node, (unsigned long long)e->size_kb, e->order, e->gigantic ? "true" : "false",
		(unsigned long long)e->pool, (unsigned long long)e->now,
		(unsigned long long)e->compact, (unsigned long long)e->reclaim,
		cap, (unsigned long long)e->free_kb,
		(unsigned long long)e->pcp_kb, (unsigned long long)e->ready_kb, (unsigned long long)e->reserve_kb,
		(unsigned long long)e->stuck_kb, (unsigned long long)e->stuck_reclaimable_kb,
		(unsigned long long)e->cache_kb, (unsigned long long)e->slab_kb,
		(unsigned long long)e->not_in_buddy_kb, fb, hb, pb);
	if (e->pageblocks_movable < 0)
		fputs("null", f);
	else
		fprintf(f, "%lld", (long long)e->pageblocks_movable);
	fprintf(f, ",\"pageblocks_unmovable\":%llu,\"notes\":[", (unsigned long long)e->pageblocks_unmovable);
	for (i = 0; i < sizeof(note_keys) / sizeof(note_keys[0]); i++)
		if (e->notes & (1u << i))
			fprintf(f, "%s\"%s\"", k++ ? "," : "", note_keys[i]);
	fputs("]}", f);
}

int estimate_json(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n)
{
	char when[40];
	struct tm tm;
	unsigned i;

	gmtime_r(&snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "{\"schema\":1,\"command\":\"estimate\",\"version\":\"%s\",\"time\":\"%s\",\"root\":",
		BUDDYCTL_VERSION, when);
	out_json_string(f, snap->root);
	fprintf(f, ",\"page_size\":%u,\"pagetypeinfo\":%s,\"pagetypeinfo_error\":", snap->page_size,
		snap->has_pagetypeinfo ? "true" : "false");
	if (snap->has_pagetypeinfo || !snap->pagetypeinfo_why[0])
		fputs("null", f);
	else
		out_json_string(f, snap->pagetypeinfo_why);
	out_json_missing(f, snap);
	fprintf(f, ",\"not_in_buddy_kb\":%llu,\"estimates\":[",
		(unsigned long long)estimate_not_in_buddy_kb(snap));
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n " : "\n ", f);
		estimate_json_one(f, &e[i]);
	}
	fputs("]}\n", f);
	return ferror(f) ? -1 : 0;
}

int cmd_estimate(const struct status_args *a, char **args, int nr_args, struct bc_error *err)
{
	struct outopts o = { 0 };
	struct bitmask *sel = NULL;
	struct estimate *e = NULL;
	struct snapshot snap;
	uint64_t *sizes = NULL;
	unsigned nr_sizes = 0, n = 0, i;
	int rc;

	if (a->nodes && (rc = parse_nodes(a->nodes, NULL, &sel, err)) < 0)
		return rc;
	sizes = calloc((size_t)nr_args + BC_MAX_ORDERS + 1, sizeof(*sizes));
	if (!sizes) {
		rc = bc_error_set(err, BC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < (unsigned)nr_args; i++) {
		unsigned j;

		if (parse_size_kb(args[i], &sizes[nr_sizes]) < 0) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: bad size '%s' (2M, 1G, 2048kB)", args[i]);
			goto out;
		}
		for (j = 0; j < nr_sizes && sizes[j] != sizes[nr_sizes]; j++)
			;
		if (j == nr_sizes)
			nr_sizes++;
	}
	rc = cli_snapshot(a->root, a->buddyinfo, a->page_size, &snap, err);
	if (rc < 0)
		goto out;
	if (sel) {
		/* the nodes' existence, now that the machine is read */
		numa_bitmask_free(sel);
		sel = NULL;
		if ((rc = parse_nodes(a->nodes, &snap, &sel, err)) < 0)
			goto out_snap;
	}
	for (i = 0; i < (unsigned)nr_args; i++) {
		uint64_t kb;

		if (parse_size_kb(args[i], &kb) == 0 && metrics_size_order(&snap, kb) < 0) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: %s is not a power-of-two multiple of the %u-byte page",
					  args[i], snap.page_size);
			goto out_snap;
		}
	}
	if (!nr_args) {
		/* every size the kernel offers */
		for (i = 0; i < snap.nr_pools && nr_sizes < BC_MAX_ORDERS; i++)
			sizes[nr_sizes++] = snap.pools[i].size_kb;
		if (!nr_sizes && snap.missing[IN_HUGEPAGES].file) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: the hugepage sizes are unknown (%s not read: %s); name a SIZE",
					  snap.missing[IN_HUGEPAGES].file, snap.missing[IN_HUGEPAGES].why);
			goto out_snap;
		}
		if (!nr_sizes) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: this kernel offers no hugepages; name a SIZE");
			goto out_snap;
		}
	}
	o.nodes = sel;
	rc = estimate_all(&snap, sizes, nr_sizes, &o, &e, &n, err);
	if (rc == 0) {
		rc = a->format == FMT_JSON ? estimate_json(stdout, &snap, e, n)
					   : estimate_text(stdout, &snap, e, n);
		if (rc < 0 || fflush(stdout) != 0)
			rc = bc_error_set(err, BC_EIO, "standard output: %s", strerror(errno ? errno : EIO));
	}
	free(e);
out_snap:
	snapshot_free(&snap);
out:
	free(sizes);
	if (sel)
		numa_bitmask_free(sel);
	return rc;
}
