/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl status` for people, within 80 columns: per node what check
 * judges, proactive compaction and the verdict (policy/judge/explain.c),
 * orders as rows and per zone the free blocks, the memory they hold and
 * their share, then per zone the free memory, largest block, the indices at
 * the hugepage order and the watermarks, the pageblocks and the hugepage
 * pools; then the machine's pools and the counters since boot.
 *
 * `buddyctl estimate` for people: a table of the figures per node and
 * size, then how each figure was derived, with its notes.
 *
 * `buddyctl diff` for people: per node check's level and index before and
 * after, the verdicts, and per zone the indices and the free blocks.
 *
 * (The report of check, plan, apply and the one-off actions is
 * cli/report.c's; the JSON of all of them, cli/out_json.c's.)
 */
#include "out_text.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "meminfo.h"
#include "metrics.h"
#include "plan.h"
#include "strbuf.h"
#include "output.h"
#include "pagesize.h"
#include "report.h"
#include "units.h"

#define ZONE_COL 8
#define MAX_WIDTH 80

static const char *reset(const struct outopts *o, const char *sgr)
{
	return o->color && sgr[0] ? "\033[0m" : "";
}

/*
 * ANSI SGR for a cell of the order table, only when colour is on. Colour
 * says healthy or not: free memory in blocks of the order check judges the
 * node at, or larger, is green (bold from a quarter of the zone's free
 * memory, plain from 5%); free memory piled in smaller blocks is yellow on a
 * node at warn and red at crit (from 5%), and not coloured on a node at ok.
 */
static const char *shade(const struct outopts *o, unsigned order, int judged, enum level lvl,
			 uint64_t part, uint64_t whole)
{
	if (!o->color)
		return "";
	if (part == 0)
		return "\033[2m";		/* dim: nothing here */
	if (part * 20 < whole)
		return "";			/* under 5%: no colour */
	if ((int)order >= judged)
		return part * 4 >= whole ? "\033[1;32m" : "\033[32m";
	return lvl == LEVEL_CRIT ? "\033[31m" : lvl == LEVEL_WARN ? "\033[33m" : "";
}

/* Decimal digits of n, written at buf (NUL-terminated); returns the length. */
static unsigned u64_str(char *buf, uint64_t n)
{
	char tmp[24];
	unsigned len = 0, i;

	do {
		tmp[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (i = 0; i < len; i++)
		buf[i] = tmp[len - 1 - i];
	buf[len] = '\0';
	return len;
}

/* "4K", "8K", ... for every order; the same for every node of a snapshot. */
static const char (*labels(const struct snapshot *snap))[16]
{
	static char cache[BC_MAX_ORDERS][16];
	static unsigned cached_page;
	unsigned k;

	if (cached_page != snap->page_size) {
		for (k = 0; k < BC_MAX_ORDERS; k++)
			size_label(cache[k], sizeof(cache[k]), (uint64_t)snap->page_size << k);
		cached_page = snap->page_size;
	}
	return (const char (*)[16])cache;
}

/* The order table's left columns, "  order size", and a zone's, " COUNT memory  share". */
#define ORDER_COLS 12
#define MEM_COL 6
#define SHARE_COL 6

/* Width of a zone's count column: its name, its largest count, at least 7. */
static unsigned count_width(const struct zone *z, unsigned nr_orders)
{
	unsigned w = (unsigned)strlen(z->name), k, len;
	char cell[24];

	if (w < 7)
		w = 7;
	for (k = 0; k < nr_orders; k++) {
		len = u64_str(cell, z->free_blocks[k]);
		if (len > w)
			w = len;
	}
	return w;
}

/* Rows of the order table for zones[first..last) of n. */
static void order_rows(FILE *f, const struct snapshot *snap, const struct node *n,
		       const unsigned *zi, const unsigned *width, unsigned nz, int judged,
		       enum level lvl, const struct outopts *o)
{
	char mem[16], share[16], cell[24];
	unsigned k, j;

	fprintf(f, "  %5s %4s", "order", "size");
	for (j = 0; j < nz; j++)
		fprintf(f, " %*s %*s %*s", (int)width[j], n->zones[zi[j]].name, MEM_COL, "memory",
			SHARE_COL, "share");
	fputc('\n', f);
	for (k = 0; k < snap->nr_orders; k++) {
		fprintf(f, "  %5u %4s", k, labels(snap)[k]);
		for (j = 0; j < nz; j++) {
			const struct zone *z = &n->zones[zi[j]];
			uint64_t blocks = z->free_blocks[k], pages = blocks << k;
			const char *sgr = shade(o, k, judged, lvl, pages, z->free_pages);

			u64_str(cell, blocks);
			if (blocks) {
				out_human_bytes(mem, sizeof(mem), pages * snap->page_size);
				/* tenths of a percent, truncated; pages < 2^46: no overflow */
				snprintf(share, sizeof(share), "%u.%u%%",
					 (unsigned)(pages * 1000 / z->free_pages / 10),
					 (unsigned)(pages * 1000 / z->free_pages % 10));
			} else {
				snprintf(mem, sizeof(mem), "-");
				snprintf(share, sizeof(share), "-");
			}
			fprintf(f, " %s%*s %*s %*s%s", sgr, (int)width[j], cell, MEM_COL, mem,
				SHARE_COL, share, reset(o, sgr));
		}
		fputc('\n', f);
	}
}

/*
 * One row per order: its block size, then for each populated zone the free
 * blocks of that size, the memory they hold and their share of the zone's
 * free memory, as the tables people draw from /proc/buddyinfo. Zones side by
 * side as long as they fit in 80 columns; the others in a table below.
 */
static void order_table(FILE *f, const struct snapshot *snap, const struct node *n,
			const struct node_explain *x, const struct outopts *o)
{
	unsigned zi[BC_MAX_ZONES], width[BC_MAX_ZONES], nz = 0, z, start, cols;
	int judged = x ? x->check.order : snap->hpage_order;
	enum level lvl = x ? x->check.level : LEVEL_OK;

	fprintf(f, "\n  free blocks: count, memory held, share of the zone's free memory\n");
	for (z = 0; z < n->nr_zones && nz < BC_MAX_ZONES; z++) {
		if (!n->zones[z].in_buddyinfo)
			continue;
		zi[nz] = z;
		width[nz++] = count_width(&n->zones[z], snap->nr_orders);
	}
	for (start = 0; start < nz; start = z) {
		cols = ORDER_COLS;
		for (z = start; z < nz; z++) {
			unsigned w = 1 + width[z] + 1 + MEM_COL + 1 + SHARE_COL;

			if (z > start && cols + w > MAX_WIDTH)
				break;
			cols += w;
		}
		if (start)
			fputc('\n', f);
		order_rows(f, snap, n, zi + start, width + start, z - start, judged, lvl, o);
	}
}

static void zone_table(FILE *f, const struct snapshot *snap, const struct node *n)
{
	char free_s[16], big_s[16], un_s[16], fi_s[16], min_s[16], low_s[16], high_s[16];
	char hcol[32], fcol[32], lbl[16];
	unsigned z, ho = (unsigned)snap->hpage_order;
	int hw, fw;

	size_label(lbl, sizeof(lbl), (uint64_t)snap->page_size << ho);
	snprintf(hcol, sizeof(hcol), "unusable@%s", lbl);
	snprintf(fcol, sizeof(fcol), "fragidx@%s", lbl);
	hw = (int)strlen(hcol);
	fw = (int)strlen(fcol) > 6 ? (int)strlen(fcol) : 6;
	fprintf(f, "  %-*s %6s %7s %*s %*s %6s %6s %6s\n", ZONE_COL - 1, "zone", "free",
		"largest", hw, hcol, fw, fcol, "min", "low", "high");
	for (z = 0; z < n->nr_zones; z++) {
		const struct zone *zn = &n->zones[z];
		int big = metrics_zone_largest_order(zn, snap->nr_orders);

		if (!zn->in_buddyinfo)
			continue;
		out_human_bytes(free_s, sizeof(free_s), zn->free_pages * snap->page_size);
		if (big >= 0)
			size_label(big_s, sizeof(big_s), (uint64_t)snap->page_size << big);
		else
			snprintf(big_s, sizeof(big_s), "-");
		out_thousandths(un_s, sizeof(un_s), metrics_unusable_index(zn, snap->nr_orders, ho));
		out_thousandths(fi_s, sizeof(fi_s), metrics_fragmentation_index(zn, snap->nr_orders, ho));
		if (zn->in_zoneinfo) {
			out_human_bytes(min_s, sizeof(min_s), zn->min * snap->page_size);
			out_human_bytes(low_s, sizeof(low_s), zn->low * snap->page_size);
			out_human_bytes(high_s, sizeof(high_s), zn->high * snap->page_size);
		} else {
			/* zoneinfo not read for it: its watermarks are unknown */
			snprintf(min_s, sizeof(min_s), "?");
			snprintf(low_s, sizeof(low_s), "?");
			snprintf(high_s, sizeof(high_s), "?");
		}
		fprintf(f, "  %-*s %6s %7s %*s %*s %6s %6s %6s\n", ZONE_COL - 1, zn->name,
			free_s, big_s, hw, un_s, fw, fi_s, min_s, low_s, high_s);
	}
}

static const char *level_sgr(const struct outopts *o, enum level l)
{
	return out_level_sgr(o->color, l);
}

/* the explanations' labels: "  kcompactd:", and out_wrap() puts a blank after it */
#define LABEL "  %-10s"
#define LABEL_COLS 13

/*
 * What check judges, whether kcompactd compacts the node proactively, and
 * the verdict: policy/judge/explain.c worked them out, this only words the
 * first two and wraps the third.
 */
static void explain_lines(FILE *f, const struct snapshot *snap, const struct explain *ex,
			  const struct node_explain *x, const struct outopts *o)
{
	const struct node_check *c = &x->check;
	char lead[64], text[600], sz[16];

	size_label(sz, sizeof(sz), (uint64_t)snap->page_size << c->order);
	snprintf(lead, sizeof(lead), LABEL " %s%s%s", "check:", level_sgr(o, c->level),
		 level_name(c->level), reset(o, level_sgr(o, c->level)));
	snprintf(text, sizeof(text), "at %s: unusable %d.%03d, %llu free %s blocks%s%s%s", sz,
		 c->unusable / 1000, c->unusable % 1000, (unsigned long long)c->blocks, sz,
		 c->why[0] ? " (" : "", c->why, c->why[0] ? ")" : "");
	out_wrap(f, lead, LABEL_COLS, text);

	switch (x->proactive) {
	case PROACTIVE_OFF:
		snprintf(text, sizeof(text), "no proactive compaction: vm.compaction_proactiveness is 0");
		break;
	case PROACTIVE_IDLE:
		snprintf(text, sizeof(text), "no proactive compaction now: score %d is not above %d "
			 "(vm.compaction_proactiveness %d)", x->score, ex->wmark_high, ex->proactiveness);
		break;
	case PROACTIVE_COMPACTING:
		snprintf(text, sizeof(text), "compacts the node proactively: score %d is above %d "
			 "(vm.compaction_proactiveness %d), until its zones are at %d or below",
			 x->score, ex->wmark_high, ex->proactiveness, ex->wmark_low);
		break;
	default:
		text[0] = '\0';
		break;
	}
	if (text[0]) {
		snprintf(lead, sizeof(lead), LABEL, "kcompactd:");
		out_wrap(f, lead, LABEL_COLS, text);
	}
	snprintf(lead, sizeof(lead), LABEL, "verdict:");
	out_wrap(f, lead, LABEL_COLS, x->text);
}

static void pageblock_table(FILE *f, const struct node *n)
{
	const struct zone *first = NULL;
	unsigned z, t;

	for (z = 0; z < n->nr_zones && !first; z++)
		if (n->zones[z].nr_types)
			first = &n->zones[z];
	if (!first)
		return;
	fprintf(f, "\n  %-*s", ZONE_COL - 1, "blocks");
	for (t = 0; t < first->nr_types; t++)
		fprintf(f, " %11s", first->types[t].name);
	fputc('\n', f);
	for (z = 0; z < n->nr_zones; z++) {
		const struct zone *zn = &n->zones[z];

		if (!zn->nr_types)
			continue;
		fprintf(f, "  %-*s", ZONE_COL - 1, zn->name);
		for (t = 0; t < zn->nr_types; t++)
			fprintf(f, " %11llu", (unsigned long long)zn->types[t].pageblocks);
		fputc('\n', f);
	}
}

static void pool_table(FILE *f, const struct snapshot *snap, const struct node *n)
{
	char lbl[16], ready[24];
	unsigned i;

	if (!n->nr_pools)
		return;
	fprintf(f, "\n  %-*s %7s %7s %7s %11s\n", ZONE_COL - 1, "hugepg", "total", "free",
		"surplus", "free-blocks");
	for (i = 0; i < n->nr_pools; i++) {
		const struct hugepool *p = &n->pools[i];
		int64_t s = metrics_node_suitable(snap, n, p->size_kb);

		size_label(lbl, sizeof(lbl), p->size_kb * 1024);
		if (s < 0)
			snprintf(ready, sizeof(ready), "-");
		else
			snprintf(ready, sizeof(ready), "%lld", (long long)s);
		fprintf(f, "  %-*s %7llu %7llu %7llu %11s\n", ZONE_COL - 1, lbl,
			(unsigned long long)p->nr, (unsigned long long)p->free,
			(unsigned long long)p->surplus, ready);
	}
}

/*
 * The machine's pools: the kernel keeps resv_hugepages (pages promised to
 * mappings that have not faulted them in yet) per size, not per node. A
 * free page that is reserved has nothing to give: available is free - resv.
 */
static void global_pool_table(FILE *f, const struct snapshot *snap)
{
	char lbl[16];
	unsigned i;

	if (!snap->nr_pools)
		return;
	fprintf(f, "\nHugepage pools of the machine (resv: promised to mappings, not yet used)\n");
	fprintf(f, "  %-*s %7s %7s %7s %7s %10s %9s\n", ZONE_COL - 1, "hugepg", "total", "free",
		"resv", "surplus", "overcommit", "available");
	for (i = 0; i < snap->nr_pools; i++) {
		const struct hugepool *p = &snap->pools[i];

		size_label(lbl, sizeof(lbl), p->size_kb * 1024);
		fprintf(f, "  %-*s %7llu %7llu %7llu %7llu %10llu %9llu\n", ZONE_COL - 1, lbl,
			(unsigned long long)p->nr, (unsigned long long)p->free,
			(unsigned long long)p->resv, (unsigned long long)p->surplus,
			(unsigned long long)p->overcommit,
			(unsigned long long)(p->free > p->resv ? p->free - p->resv : 0));
	}
}

static bool vm_has(const struct snapshot *snap, enum vmstat_field k)
{
	return snap->vmstat.seen & (1u << k);
}

/* Direct reclaim stalls, summed over the zone types the kernel prints; false: none printed. */
static bool reclaim_stalls(const struct snapshot *snap, uint64_t *sum)
{
	static const enum vmstat_field stalls[] = {
		VM_ALLOCSTALL, VM_ALLOCSTALL_DMA, VM_ALLOCSTALL_DMA32, VM_ALLOCSTALL_NORMAL,
		VM_ALLOCSTALL_HIGH, VM_ALLOCSTALL_MOVABLE, VM_ALLOCSTALL_DEVICE,
	};
	bool any = false;
	unsigned i;

	*sum = 0;
	for (i = 0; i < sizeof(stalls) / sizeof(stalls[0]); i++)
		if (vm_has(snap, stalls[i])) {
			*sum += snap->vmstat.v[stalls[i]];
			any = true;
		}
	return any;
}

/* "direct compaction  12 stalls: 3 succeeded, 9 failed" */
static void compaction_stalls(FILE *f, const struct snapshot *snap)
{
	const uint64_t *v = snap->vmstat.v;

	fprintf(f, "  %-19s %llu stalls", "direct compaction", (unsigned long long)v[VM_COMPACT_STALL]);
	if (vm_has(snap, VM_COMPACT_SUCCESS) && vm_has(snap, VM_COMPACT_FAIL))
		fprintf(f, ": %llu succeeded, %llu failed", (unsigned long long)v[VM_COMPACT_SUCCESS],
			(unsigned long long)v[VM_COMPACT_FAIL]);
	fputc('\n', f);
}

/* "hugetlb pages  64 allocated from the buddy allocator, 0 failed" */
static void hugetlb_allocs(FILE *f, const struct snapshot *snap)
{
	const uint64_t *v = snap->vmstat.v;

	fprintf(f, "  %-19s %llu allocated from the buddy allocator", "hugetlb pages",
		(unsigned long long)v[VM_HTLB_BUDDY_ALLOC_SUCCESS]);
	if (vm_has(snap, VM_HTLB_BUDDY_ALLOC_FAIL))
		fprintf(f, ", %llu failed", (unsigned long long)v[VM_HTLB_BUDDY_ALLOC_FAIL]);
	fputc('\n', f);
}

/*
 * What allocations went through since boot, from the machine's /proc/vmstat
 * counters, each line only when the kernel prints its counters: direct
 * compaction (compact_stall, and how it ended), direct reclaim (allocstall_*,
 * summed over zone types), hugetlb pages from the buddy allocator, THP faults
 * served with small pages, and kcompactd's runs.
 */
static void since_boot(FILE *f, const struct snapshot *snap)
{
	const uint64_t *v = snap->vmstat.v;
	uint64_t reclaim;
	bool any_reclaim = reclaim_stalls(snap, &reclaim);

	if (!vm_has(snap, VM_COMPACT_STALL) && !any_reclaim && !vm_has(snap, VM_HTLB_BUDDY_ALLOC_SUCCESS) &&
	    !vm_has(snap, VM_THP_FAULT_FALLBACK) && !vm_has(snap, VM_COMPACT_DAEMON_WAKE))
		return;
	fprintf(f, "\nSince boot (/proc/vmstat)\n");
	if (vm_has(snap, VM_COMPACT_STALL))
		compaction_stalls(f, snap);
	if (any_reclaim)
		fprintf(f, "  %-19s %llu stalls\n", "direct reclaim", (unsigned long long)reclaim);
	if (vm_has(snap, VM_HTLB_BUDDY_ALLOC_SUCCESS))
		hugetlb_allocs(f, snap);
	if (vm_has(snap, VM_THP_FAULT_FALLBACK))
		fprintf(f, "  %-19s %llu served with small pages instead\n", "THP faults",
			(unsigned long long)v[VM_THP_FAULT_FALLBACK]);
	if (vm_has(snap, VM_COMPACT_DAEMON_WAKE))
		fprintf(f, "  %-19s %llu runs\n", "kcompactd", (unsigned long long)v[VM_COMPACT_DAEMON_WAKE]);
}

/* "Node 0: 6.0G free of 14G, largest free block 4M, compaction score 67" */
static void node_line(FILE *f, const struct snapshot *snap, const struct node *n)
{
	char free_s[16], total_s[16] = "?", big_s[16] = "none", score_s[16] = "?";
	int big = metrics_node_largest_order(n, snap->nr_orders);
	int score = metrics_compaction_score(n, snap->nr_orders, (unsigned)snap->hpage_order);

	out_human_bytes(free_s, sizeof(free_s), metrics_node_free_pages(n) * snap->page_size);
	if (n->has_meminfo)	/* not read: unknown */
		out_human_bytes(total_s, sizeof(total_s), n->meminfo.v[MI_MEM_TOTAL] * 1024);
	if (score >= 0)
		snprintf(score_s, sizeof(score_s), "%d", score);
	if (big >= 0)
		size_label(big_s, sizeof(big_s), (uint64_t)snap->page_size << big);
	fprintf(f, "Node %d: %s free of %s, largest free block %s, compaction score %s\n",
		n->id, free_s, total_s, big_s, score_s);
}

/* A node: its line, what check judges and the verdict, then its tables. */
static void node_text(FILE *f, const struct snapshot *snap, const struct node *n, const struct outopts *o)
{
	const struct node_explain *x;

	fputc('\n', f);
	if (!n->has_memory || !n->nr_zones) {
		fprintf(f, "Node %d: no memory (CPU-only node)\n", n->id);
		return;
	}
	node_line(f, snap, n);
	x = o->explain ? explain_node(o->explain, n->id) : NULL;
	if (x)
		explain_lines(f, snap, o->explain, x, o);
	order_table(f, snap, n, x, o);
	fputc('\n', f);
	zone_table(f, snap, n);
	pageblock_table(f, n);
	pool_table(f, snap, n);
}

/* What was not read, and where a figure came from that the tree does not say. */
static void status_notes(FILE *f, const struct snapshot *snap, const char *pg)
{
	if (!snap->has_pagetypeinfo) {
		fputs("\npagetypeinfo not read (", f);
		out_escape_put(f, snap->pagetypeinfo_why[0] ? snap->pagetypeinfo_why : "unavailable", 0);
		fprintf(f, ")%s\n", snap->pagetypeinfo_errno == EACCES || snap->pagetypeinfo_errno == EPERM
			? ": pageblocks per migrate type need root" : "");
	}
	if (snap->managed_from_present)
		fprintf(f, "\nzoneinfo has no 'managed' lines (an older kernel): managed pages taken from 'present'\n");
	out_text_missing(f, snap);
	/* a tree does not say its page size: where it came from (a uname line: escaped) */
	if (snap->page_size_source != PS_SYSCONF) {
		fprintf(f, "\npage size %s %s", pg,
			snap->page_size_source == PS_OPTION ? "given with " :
			snap->page_size_source == PS_DEFAULT ? "assumed: " : "worked out from ");
		out_escape_put(f, snap->page_size_evidence, 0);
		fputc('\n', f);
	}
}

int status_text(FILE *f, const struct snapshot *snap, const struct outopts *o)
{
	char when[64], pg[16], hp[16];
	struct tm tm;
	unsigned i;
	bool first = true;

	gmtime_r(&snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	size_label(pg, sizeof(pg), snap->page_size);
	size_label(hp, sizeof(hp), (uint64_t)snap->page_size << snap->hpage_order);
	fprintf(f, "%s  page size %s, %u orders, hugepage order %d (%s)\n", when, pg,
		snap->nr_orders, snap->hpage_order, hp);
	if (o->explain) {
		fputs("check judges by the policy ", f);
		out_escape_put(f, o->explain->policy, 0);
		fputc('\n', f);
	}
	for (i = 0; i < snap->nr_nodes; i++) {
		if (!out_node_selected(o, snap->nodes[i].id))
			continue;
		node_text(f, snap, &snap->nodes[i], o);
		first = false;
	}
	if (first)
		fprintf(f, "\n(no node selected)\n");
	global_pool_table(f, snap);
	since_boot(f, snap);
	status_notes(f, snap, pg);
	return ferror(f) ? -1 : 0;
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

/*
 * The derivation of a gigantic estimate from the map: a line per figure in
 * ranges, how the compactable ones were counted (the fit rule), the why.
 */
static void explain_map(FILE *f, const struct estimate *e, const char *sz)
{
	const struct pagemap_summary *m = &e->map;
	uint64_t c = m->ranges[RC_COMPACTABLE], mb = m->ranges[RC_MAYBE];
	char lead[64], room[16], kept[16], t[600];

	fputs("  source: map\n", f);
	snprintf(lead, sizeof(lead), "  now       %6llu =", (unsigned long long)e->now);
	snprintf(t, sizeof(t), "%llu in the pool + %llu free %s range%s", (unsigned long long)e->pool,
		 (unsigned long long)m->ranges[RC_FREE], sz, m->ranges[RC_FREE] == 1 ? "" : "s");
	out_wrap(f, lead, 21, t);

	human_kb(room, sizeof(room), e->room_pages * (e->size_kb >> e->order));
	human_kb(kept, sizeof(kept), e->reserve_kb);
	snprintf(lead, sizeof(lead), "  compacted %6llu =", (unsigned long long)e->compact);
	if (c)
		snprintf(t, sizeof(t), "now + %llu of the %llu range%s of free and movable pages, as many as the %s free outside the free ranges can clear (less %s kept free): each takes a range's worth",
			 (unsigned long long)e->fit, (unsigned long long)c, c == 1 ? "" : "s", room, kept);
	else
		snprintf(t, sizeof(t), "now: no range holds only free and movable pages");
	if (mb)
		snprintf(t + strlen(t), sizeof(t) - strlen(t), "; maybe %llu of the %llu that also hold flag-less pages (free on per-CPU lists, or kernel pages)",
			 (unsigned long long)e->maybe, (unsigned long long)mb);
	out_wrap(f, lead, 21, t);

	snprintf(lead, sizeof(lead), "  reclaimed %6llu =", (unsigned long long)e->reclaim);
	snprintf(t, sizeof(t), "compacted: reclaim is counted to clear no range");
	if (m->blocked_by[PC_SLAB])
		snprintf(t + strlen(t), sizeof(t) - strlen(t), " (%llu blocked by slab alone: a drop leaves the slab pages that hold live objects)",
			 (unsigned long long)m->blocked_by[PC_SLAB]);
	out_wrap(f, lead, 21, t);
	out_wrap(f, "  why:", 8, e->why);
}

/* The notes of e that explain a figure, a line each. */
static void notes_text(FILE *f, const struct estimate *e)
{
	unsigned i;

	for (i = 0; i < sizeof(note_text) / sizeof(note_text[0]); i++)
		if (e->notes & note_text[i].bit)
			out_wrap(f, "  note:", 8, note_text[i].text);
}

/* The derivation of one estimate: a line per figure, then its notes. */
static void explain(FILE *f, const struct estimate *e)
{
	char sz[16], rd[16], kept[16], fr[16], st[16], ca[16], sl[16], nb[16], lead[40], t[400];

	size_label(sz, sizeof(sz), e->size_kb * 1024);
	human_kb(rd, sizeof(rd), e->ready_kb);
	human_kb(kept, sizeof(kept), e->reserve_kb);
	human_kb(fr, sizeof(fr), e->free_kb);
	human_kb(st, sizeof(st), e->stuck_kb);
	human_kb(ca, sizeof(ca), e->cache_kb);
	human_kb(sl, sizeof(sl), e->slab_kb);
	human_kb(nb, sizeof(nb), e->not_in_buddy_kb);
	fprintf(f, "Node %d, %s pages (order %d)\n", e->node, sz, e->order);
	if (e->from_map) {
		explain_map(f, e, sz);
		notes_text(f, e);
		return;
	}
	if (e->notes & EST_NO_MAP) {
		snprintf(t, sizeof(t), "free lists (upper bound): %s", e->no_map_why);
		out_wrap(f, "  source:", 10, t);
	}

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
	notes_text(f, e);
}

/* One estimate's row of the table: * on upper bounds, +N maybe after it. */
static void estimate_row(FILE *f, const struct estimate *e)
{
	const char *bound = e->gigantic && !e->from_map ? "*" : " ";
	char sz[16], cap[24];

	size_label(sz, sizeof(sz), e->size_kb * 1024);
	if (e->notes & EST_NO_ZONEINFO)
		snprintf(cap, sizeof(cap), "?");
	else
		snprintf(cap, sizeof(cap), "%llu", (unsigned long long)e->capacity);
	fprintf(f, "%4d  %4s  %8llu  %8llu%s %9llu%s %9llu%s %9s", e->node, sz,
		(unsigned long long)e->pool, (unsigned long long)e->now, bound,
		(unsigned long long)e->compact, bound, (unsigned long long)e->reclaim, bound, cap);
	if (e->maybe)
		fprintf(f, "  +%llu maybe", (unsigned long long)e->maybe);
	fputc('\n', f);
}

/* The legend of * and +N maybe, each once when a row has it. */
static void estimate_legend(FILE *f, const struct estimate *e, unsigned n)
{
	bool bound = false, maybe = false;
	unsigned i;

	for (i = 0; i < n; i++) {
		bound |= e[i].gigantic && !e[i].from_map;
		maybe |= e[i].maybe > 0;
	}
	if (bound)
		fputs("* upper bound: gigantic pages need aligned ranges free of unmovable pages\n", f);
	if (maybe)
		fputs("+N maybe: ranges that may come as well: their flag-less pages may be free\n", f);
}

int estimate_text(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n)
{
	char when[40];
	struct tm tm;
	unsigned i;

	gmtime_r(&snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "%s  hugepages each node can hold, the pool included\n\n", when);
	fprintf(f, "node  size      pool       now  compacted  reclaimed   capacity\n");
	for (i = 0; i < n; i++)
		estimate_row(f, &e[i]);
	estimate_legend(f, e, n);
	for (i = 0; i < n; i++) {
		fputc('\n', f);
		explain(f, &e[i]);
	}
	out_text_missing(f, snap);
	return ferror(f) ? -1 : 0;
}

/*
 * `buddyctl map` for people: a legend, then per node a row of one character
 * per range (MAP_ROW ranges a row, the row's first address before it), the
 * ranges per class, what blocks them, and the node's verdict.
 */
#define MAP_ROW 64

/* The character and colour of a range: its class, or for a blocked one its first blocker. */
static const struct {
	char c;
	const char *sgr;
} range_glyph[RC_NR] = {
	[RC_FREE] = { '.', "\033[32m" },
	[RC_COMPACTABLE] = { 'm', "\033[36m" },
	[RC_MAYBE] = { '?', "\033[33m" },
	[RC_BLOCKED] = { '#', "\033[31m" },
	[RC_POOL] = { 'H', "\033[34m" },
	[RC_OUTSIDE] = { '|', "\033[2m" },
};
static const char blocker_glyph[PC_NR] = {
	[PC_FREE] = '#', [PC_MOVABLE] = '#', [PC_UNKNOWN] = '#', [PC_POOL] = 'h',
	[PC_SLAB] = 'S', [PC_PAGETABLE] = 'T', [PC_RESERVED] = 'R', [PC_KERNEL] = 'K',
	[PC_HOLE] = '-', [PC_OFFLINE] = 'O', [PC_OTHER] = 'X',
};

static int map_glyph(const struct map_range *m, const char **sgr)
{
	*sgr = range_glyph[m->cls].sgr;
	if (m->cls != RC_BLOCKED)
		return range_glyph[m->cls].c;
	if (m->blocker == PC_HOLE)
		*sgr = "\033[2m";
	return blocker_glyph[m->blocker];
}

/* A legend entry: the character in its colour, then its words. */
static void legend(FILE *f, bool color, const char *sgr, char c, const char *words)
{
	fprintf(f, "%s%c%s %s", color ? sgr : "", c, out_sgr_end(color), words);
}

int map_text_begin(struct map_view *v)
{
	char size[16], page[16];
	FILE *f = v->f;
	bool k = v->color;

	size_label(size, sizeof(size), v->size_kb * 1024);
	size_label(page, sizeof(page), v->snap->page_size);
	fprintf(f, "Map of %s ranges (%llu pages of %s), Linux ", size, (unsigned long long)v->range_pages, page);
	out_escape_put(f, v->kernel[0] ? v->kernel : "release unknown", 0);
	fputs("\nread from ", f);
	out_escape_put(f, v->flags_path, 0);
	if (v->cgroup_path) {
		fputs(" and ", f);
		out_escape_put(f, v->cgroup_path, 0);
		fputc('\n', f);
	} else {
		fputs("\nkpagecgroup not read (", f);
		out_escape_put(f, v->cgroup_why, 0);
		fputs("): no flag-less page is known to be a kernel one\n", f);
	}
	fprintf(f, "\nOne character per range, %d a row:\n  can be had: ", MAP_ROW);
	legend(f, k, range_glyph[RC_FREE].sgr, '.', "free now   ");
	legend(f, k, range_glyph[RC_COMPACTABLE].sgr, 'm', "by compaction (free and movable pages only)\n  ");
	legend(f, k, range_glyph[RC_MAYBE].sgr, '?', "maybe: flag-less pages besides (per-CPU free lists or kernel)\n  ");
	legend(f, k, range_glyph[RC_POOL].sgr, 'H', "hugetlb pages already   ");
	legend(f, k, range_glyph[RC_OUTSIDE].sgr, '|', "outside: crosses a zone, or in one not used\n");
	fputs("  blocked by: ", f);
	legend(f, k, "\033[31m", 'S', "slab  ");
	legend(f, k, "\033[31m", 'T', "page tables  ");
	legend(f, k, "\033[31m", 'R', "reserved  ");
	legend(f, k, "\033[31m", 'K', "kernel pages  ");
	legend(f, k, "\033[31m", 'h', "hugetlb\n              ");
	legend(f, k, "\033[2m", '-', "hole or not initialised  ");
	legend(f, k, "\033[31m", 'O', "offline  ");
	legend(f, k, "\033[31m", 'X', "other\n");
	return ferror(f) ? -1 : 0;
}

int map_text_node_begin(struct map_view *v, const struct pagemap_acc *a)
{
	uint64_t ps = v->snap->page_size, n = (a->span.end_pfn - a->span.start_pfn) / a->span.range_pages;
	char lo[16], hi[16];
	unsigned k;

	size_label(lo, sizeof(lo), a->span.start_pfn * ps);
	size_label(hi, sizeof(hi), a->span.end_pfn * ps);
	fprintf(v->f, "\nNode %d: %llu %s, %s-%s; zones", a->sum.node, (unsigned long long)n,
		n == 1 ? "range" : "ranges", a->span.start_pfn ? lo : "0", hi);
	for (k = 0; k < a->nr_zones; k++) {
		size_label(lo, sizeof(lo), a->zones[k].start_pfn * ps);
		size_label(hi, sizeof(hi), a->zones[k].end_pfn * ps);
		out_escape_put(v->f, " ", 0);
		out_escape_put(v->f, a->zones[k].name, 0);
		fprintf(v->f, " %s-%s%s", a->zones[k].start_pfn ? lo : "0", hi, k + 1 < a->nr_zones ? "," : "");
	}
	fputc('\n', v->f);
	v->col = 0;
	return ferror(v->f) ? -1 : 0;
}

/* The end of a row of the picture: its colour ended, a newline. */
static void map_row_end(struct map_view *v)
{
	if (v->sgr)
		fputs("\033[0m", v->f);
	v->sgr = NULL;
	fputc('\n', v->f);
	v->col = 0;
}

void map_text_range(struct map_view *v, const struct map_range *m)
{
	const char *sgr;
	int c = map_glyph(m, &sgr);

	if (v->col == 0) {
		char at[16];

		size_label(at, sizeof(at), m->rc->first_pfn * v->snap->page_size);
		fprintf(v->f, "  %6s ", m->rc->first_pfn ? at : "0");
	}
	/* a colour is switched where it changes, and ended with the row */
	if (v->color && sgr != v->sgr) {
		fprintf(v->f, "%s%s", v->sgr ? "\033[0m" : "", sgr);
		v->sgr = sgr;
	}
	fputc(c, v->f);
	if (++v->col == MAP_ROW)
		map_row_end(v);
}

int map_text_node_end(struct map_view *v, const struct pagemap_summary *s, const char *verdict)
{
	if (v->col)
		map_row_end(v);
	fprintf(v->f, "  ranges: %llu free, %llu compactable, %llu maybe, %llu blocked, %llu pool, %llu outside\n",
		(unsigned long long)s->ranges[RC_FREE], (unsigned long long)s->ranges[RC_COMPACTABLE],
		(unsigned long long)s->ranges[RC_MAYBE], (unsigned long long)s->ranges[RC_BLOCKED],
		(unsigned long long)s->ranges[RC_POOL], (unsigned long long)s->ranges[RC_OUTSIDE]);
	if (s->ranges[RC_COMPACTABLE])
		fprintf(v->f, "  compaction moves %llu pages (%llu mlocked) to clear the %llu compactable ranges\n",
			(unsigned long long)s->movable_to_move, (unsigned long long)s->mlocked,
			(unsigned long long)s->ranges[RC_COMPACTABLE]);
	if (s->cache_only)
		fprintf(v->f, "  %llu of them hold only clean page cache (%llu pages) besides free pages: dropping it frees them whole\n",
			(unsigned long long)s->cache_only, (unsigned long long)s->cache_only_pages);
	out_wrap(v->f, " ", 4, verdict);
	return ferror(v->f) ? -1 : 0;
}

int map_text_end(struct map_view *v)
{
	if (!v->nodes)
		fputs("\nno node with memory selected\n", v->f);
	return ferror(v->f) ? -1 : 0;
}
/* --- diff ----------------------------------------------------------------------- */

/* "(tree)", "(buddyinfo capture)", "(status JSON of 2026-11-27T18:33:45Z)". */
static void describe(char *buf, size_t size, const struct source *s)
{
	char t[4 * sizeof(s->json.time)];	/* "time" is the file's: escaped */

	switch (s->kind) {
	case SRC_TREE:
		snprintf(buf, size, "tree");
		break;
	case SRC_BUDDYINFO:
		snprintf(buf, size, "buddyinfo capture");
		break;
	default:
		if (s->json.time[0])
			snprintf(buf, size, "status JSON of %s", out_escape(t, sizeof(t), s->json.time, 0));
		else
			snprintf(buf, size, "status JSON");
		break;
	}
}

/* "0.817", or "-" on a side the zone or node is not on. */
static void idx(char *buf, size_t size, bool there, int v)
{
	if (there)
		out_thousandths(buf, size, v);
	else
		snprintf(buf, size, "-");
}

/* The change of an index in thousandths, signed: "+0.083", "-0.120". */
static void idx_change(char *buf, size_t size, int d)
{
	snprintf(buf, size, "%c%d.%03d", d < 0 ? '-' : '+', (d < 0 ? -d : d) / 1000, (d < 0 ? -d : d) % 1000);
}

/* What check says of a side: "warn at 2M, unusable 0.801", or why there is nothing. */
static void check_words(char *buf, size_t size, const struct snapshot *snap,
			const struct node_explain *x, bool there)
{
	char sz[16], u[16];

	if (!x) {
		snprintf(buf, size, "%s", there ? "no memory (CPU-only node)" : "-");
		return;
	}
	size_label(sz, sizeof(sz), (uint64_t)snap->page_size << x->check.order);
	out_thousandths(u, sizeof(u), x->check.unusable);
	snprintf(buf, size, "%s at %s, unusable %s", level_name(x->check.level), sz, u);
}

/* "  check:    ok -> warn at 2M: unusable 0.592 -> 0.801 (+0.209)" (one order), else each side's words. */
static void check_line(FILE *f, const struct node_change *nc, const struct diff_side *b,
		       const struct diff_side *a, const struct node_explain *xb,
		       const struct node_explain *xa)
{
	char wb[96], wa[96], lbl[16], ub[16], ua[16], ch[16];

	if (xb && xa && xb->check.order == xa->check.order) {
		size_label(lbl, sizeof(lbl), (uint64_t)b->src->snap.page_size << xb->check.order);
		out_thousandths(ub, sizeof(ub), xb->check.unusable);
		out_thousandths(ua, sizeof(ua), xa->check.unusable);
		idx_change(ch, sizeof(ch), xa->check.unusable - xb->check.unusable);
		fprintf(f, "  check:    %s -> %s at %s: unusable %s -> %s (%s)\n", level_name(xb->check.level),
			level_name(xa->check.level), lbl, ub, ua, ch);
		return;
	}
	check_words(wb, sizeof(wb), &b->src->snap, xb, nc->in_before);
	check_words(wa, sizeof(wa), &a->src->snap, xa, nc->in_after);
	fprintf(f, "  check:    %s -> %s\n", wb, wa);
}

/* The node's zones, each with its indices at the hugepage order before and after; false: none. */
static bool zone_index_rows(FILE *f, const struct snap_diff *d, const struct node_change *nc,
			    unsigned page_size)
{
	char lbl[16], hu[40], hf[40], ub[16], ua[16], fb[16], fa[16];
	unsigned i;

	if (!nc->nr_zones)
		return false;
	size_label(lbl, sizeof(lbl), (uint64_t)page_size << d->hpage_order);
	snprintf(hu, sizeof(hu), "unusable@%s", lbl);
	snprintf(hf, sizeof(hf), "fragidx@%s", lbl);
	fprintf(f, "\n  %-10s %-24s %s\n", "zone", hu, hf);
	for (i = nc->first_zone; i < nc->first_zone + nc->nr_zones; i++) {
		const struct zone_change *zc = &d->zones[i];

		idx(ub, sizeof(ub), zc->before, zc->unusable_before);
		idx(ua, sizeof(ua), zc->after, zc->unusable_after);
		idx(fb, sizeof(fb), zc->before, zc->fragindex_before);
		idx(fa, sizeof(fa), zc->after, zc->fragindex_after);
		fprintf(f, "  %-10s %6s -> %6s %-7s %6s -> %6s\n", zc->name, ub, ua, "", fb, fa);
	}
	return true;
}

static void diff_node_text(FILE *f, const struct snap_diff *d, const struct node_change *nc,
			   const struct diff_side *b, const struct diff_side *a)
{
	const struct node_explain *xb = nc->in_before ? explain_node(b->ex, nc->node) : NULL;
	const struct node_explain *xa = nc->in_after ? explain_node(a->ex, nc->node) : NULL;

	fprintf(f, "\nNode %d%s\n", nc->node,
		!nc->in_before ? ": appeared (only after)" : !nc->in_after ? ": disappeared (only before)" : "");
	check_line(f, nc, b, a, xb, xa);
	if (xb)
		out_wrap(f, "  before:  ", 12, xb->text);
	if (xa)
		out_wrap(f, "  after:   ", 12, xa->text);
	if (zone_index_rows(f, d, nc, b->src->snap.page_size)) {
		fprintf(f, "\n  free blocks per order: before, after, change\n");
		report_zones_text(f, d, b->src->snap.page_size, nc->node, true);
	}
}

int diff_text(FILE *f, const struct snap_diff *d, const struct diff_side *b, const struct diff_side *a)
{
	const struct snapshot *sb = &b->src->snap, *sa = &a->src->snap;
	char kb[160], ka[160], ps[16], hp[16];
	unsigned i;

	describe(kb, sizeof(kb), b->src);
	describe(ka, sizeof(ka), a->src);
	/* the names as given (a file name is anybody's): escaped */
	fputs("before: ", f);
	out_escape_put(f, b->src->name, 0);
	fprintf(f, " (%s)\nafter:  ", kb);
	out_escape_put(f, a->src->name, 0);
	fprintf(f, " (%s)\n", ka);
	size_label(ps, sizeof(ps), sb->page_size);
	size_label(hp, sizeof(hp), (uint64_t)sb->page_size << d->hpage_order);
	fprintf(f, "page size %s, %u orders, hugepage order %d (%s)", ps, d->nr_orders, d->hpage_order, hp);
	if (sa->hpage_order != d->hpage_order)
		fprintf(f, "; after's is %d: the zone indices are at before's", sa->hpage_order);
	fputs("\ncheck judges by the policy ", f);
	out_escape_put(f, b->ex->policy, 0);
	fputc('\n', f);
	for (i = 0; i < d->nr_nodes; i++)
		diff_node_text(f, d, &d->nodes[i], b, a);
	return ferror(f) ? -1 : 0;
}
