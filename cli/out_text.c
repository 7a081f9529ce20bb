/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl status` for people: per node, zones as rows and orders as
 * columns (free blocks), then per zone the free memory, largest block, the
 * indices at the hugepage order and the watermarks, then the hugepage pools.
 * Kept within 80 columns: when exact counts do not fit (14 orders, big
 * counts) they are shortened to 4 characters (12k, 3M).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "meminfo.h"
#include "metrics.h"
#include "output.h"
#include "pagesize.h"

#define ZONE_COL 8
#define MAX_WIDTH 80

/* ANSI SGR, only when colour is on: share of the zone's free memory. */
static const char *shade(const struct outopts *o, uint64_t part, uint64_t whole)
{
	if (!o->color)
		return "";
	if (part == 0)
		return "\033[2m";		/* dim: nothing here */
	if (part * 4 >= whole)
		return "\033[1;32m";		/* a quarter or more of the free memory */
	if (part * 20 >= whole)
		return "\033[32m";		/* 5% or more */
	return "";
}

static const char *reset(const struct outopts *o, const char *sgr)
{
	return o->color && sgr[0] ? "\033[0m" : "";
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

/*
 * A cell of the order table. Called for every zone and order twice (width,
 * then output): on a 1024-node machine snprintf() here was a quarter of the
 * run, so plain counts are converted by hand.
 */
static void count_str(char *buf, size_t size, uint64_t n, bool shorten)
{
	if (!shorten || n < 10000)
		u64_str(buf, n);
	else if (n < 1000000)
		snprintf(buf, size, "%lluk", (unsigned long long)(n / 1000));
	else if (n < 1000000000)
		snprintf(buf, size, "%lluM", (unsigned long long)(n / 1000000));
	else
		snprintf(buf, size, "%lluG", (unsigned long long)(n / 1000000000));
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

static void order_table(FILE *f, const struct snapshot *snap, const struct node *n,
			const struct outopts *o)
{
	unsigned width[BC_MAX_ORDERS], k, z, total = ZONE_COL;
	char label[BC_MAX_ORDERS][16], cell[32];
	bool shorten = false;

	for (k = 0; k < snap->nr_orders; k++) {
		memcpy(label[k], labels(snap)[k], sizeof(label[k]));
		width[k] = 4;		/* "512K" */
		if (strlen(label[k]) > width[k])
			width[k] = (unsigned)strlen(label[k]);
		for (z = 0; z < n->nr_zones; z++) {
			if (!n->zones[z].in_buddyinfo)
				continue;
			count_str(cell, sizeof(cell), n->zones[z].free_blocks[k], false);
			if (strlen(cell) > width[k])
				width[k] = (unsigned)strlen(cell);
		}
		total += width[k] + 1;
	}
	if (total + 2 > MAX_WIDTH) {
		shorten = true;
		for (k = 0; k < snap->nr_orders; k++)
			width[k] = 4;
	}
	fprintf(f, "  %-*s", ZONE_COL - 1, "zone");
	for (k = 0; k < snap->nr_orders; k++)
		fprintf(f, " %*s", (int)width[k], label[k]);
	fputc('\n', f);
	for (z = 0; z < n->nr_zones; z++) {
		const struct zone *zn = &n->zones[z];

		if (!zn->in_buddyinfo)
			continue;
		fprintf(f, "  %-*s", ZONE_COL - 1, zn->name);
		for (k = 0; k < snap->nr_orders; k++) {
			const char *sgr = shade(o, zn->free_blocks[k] << k, zn->free_pages);

			unsigned len;

			count_str(cell, sizeof(cell), zn->free_blocks[k], shorten);
			len = (unsigned)strlen(cell);
			fputc_unlocked(' ', f);
			fputs(sgr, f);
			for (; len < width[k]; len++)
				fputc_unlocked(' ', f);
			fputs(cell, f);
			fputs(reset(o, sgr), f);
		}
		fputc('\n', f);
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
		out_human_bytes(min_s, sizeof(min_s), zn->min * snap->page_size);
		out_human_bytes(low_s, sizeof(low_s), zn->low * snap->page_size);
		out_human_bytes(high_s, sizeof(high_s), zn->high * snap->page_size);
		if (!zn->in_zoneinfo)	/* not read: unknown */
			strcpy(min_s, "?"), strcpy(low_s, "?"), strcpy(high_s, "?");
		fprintf(f, "  %-*s %6s %7s %*s %*s %6s %6s %6s\n", ZONE_COL - 1, zn->name,
			free_s, big_s, hw, un_s, fw, fi_s, min_s, low_s, high_s);
	}
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
		"surplus", "buddy-ready");
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

int status_text(FILE *f, const struct snapshot *snap, const struct outopts *o)
{
	char when[64], pg[16], hp[16], free_s[16], total_s[16], big_s[16], score_s[16];
	struct tm tm;
	unsigned i;
	bool first = true;

	gmtime_r(&snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	size_label(pg, sizeof(pg), snap->page_size);
	size_label(hp, sizeof(hp), (uint64_t)snap->page_size << snap->hpage_order);
	fprintf(f, "%s  page size %s, %u orders, hugepage order %d (%s)\n", when, pg,
		snap->nr_orders, snap->hpage_order, hp);

	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];
		uint64_t free_b, total_b;
		int big, score;

		if (!out_node_selected(o, n->id))
			continue;
		fputc('\n', f);
		first = false;
		if (!n->has_memory || !n->nr_zones) {
			fprintf(f, "Node %d: no memory (CPU-only node)\n", n->id);
			continue;
		}
		free_b = metrics_node_free_pages(n) * snap->page_size;
		total_b = n->has_meminfo ? n->meminfo.v[MI_MEM_TOTAL] * 1024 : 0;
		big = metrics_node_largest_order(n, snap->nr_orders);
		score = metrics_compaction_score(n, snap->nr_orders, (unsigned)snap->hpage_order);
		out_human_bytes(free_s, sizeof(free_s), free_b);
		out_human_bytes(total_s, sizeof(total_s), total_b);
		if (!n->has_meminfo)	/* not read: unknown */
			strcpy(total_s, "?");
		if (score < 0)
			strcpy(score_s, "?");
		else
			snprintf(score_s, sizeof(score_s), "%d", score);
		if (big >= 0)
			size_label(big_s, sizeof(big_s), (uint64_t)snap->page_size << big);
		else
			snprintf(big_s, sizeof(big_s), "none");
		fprintf(f, "Node %d: %s free of %s, largest free block %s, compaction score %s\n",
			n->id, free_s, total_s, big_s, score_s);
		order_table(f, snap, n, o);
		fputc('\n', f);
		zone_table(f, snap, n);
		pageblock_table(f, n);
		pool_table(f, snap, n);
	}
	if (first)
		fprintf(f, "\n(no node selected)\n");
	if (!snap->has_pagetypeinfo)
		fprintf(f, "\npagetypeinfo not read (%s)%s\n",
			snap->pagetypeinfo_why[0] ? snap->pagetypeinfo_why : "unavailable",
			snap->pagetypeinfo_errno == EACCES || snap->pagetypeinfo_errno == EPERM
			? ": pageblocks per migrate type need root" : "");
	if (snap->managed_from_present)
		fprintf(f, "\nzoneinfo has no 'managed' lines (an older kernel): managed pages taken from 'present'\n");
	out_text_missing(f, snap);
	/* a tree does not say its page size: where it came from */
	if (snap->page_size_source != PS_SYSCONF)
		fprintf(f, "\npage size %s %s%s\n", pg,
			snap->page_size_source == PS_OPTION ? "given with " :
			snap->page_size_source == PS_DEFAULT ? "assumed: " : "worked out from ",
			snap->page_size_evidence);
	return ferror(f) ? -1 : 0;
}
