/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers over inline strings: real kernel text from several machines, and
 * hostile text. Every rejection must name the file, the line and the token.
 */
#include "testutil.h"

#include <stdlib.h>

#include "buddyinfo.h"
#include "capture.h"
#include "meminfo.h"
#include "nodelist.h"
#include "pagetypeinfo.h"
#include "snapshot.h"
#include "textscan.h"
#include "zoneinfo.h"

static int parse_bi(const char *text, struct snapshot *s, struct bc_error *e)
{
	memset(s, 0, sizeof(*s));
	return buddyinfo_parse(s, "/proc/buddyinfo", text, strlen(text), e);
}

/* Expect a rejection whose message contains each fragment. */
static void bi_bad(const char *text, size_t len, const char *frag1, const char *frag2)
{
	struct snapshot s;
	struct bc_error e = { 0 };
	int rc;

	memset(&s, 0, sizeof(s));
	rc = buddyinfo_parse(&s, "/proc/buddyinfo", text, len, &e);
	assert_int_equal(rc, -BC_EDATA);
	assert_contains(e.msg, "/proc/buddyinfo");
	assert_contains(e.msg, frag1);
	if (frag2)
		assert_contains(e.msg, frag2);
	assert_null(strchr(e.msg, '\n'));
	snapshot_free(&s);
}

#define BI_BAD(lit, f1, f2) bi_bad(lit, sizeof(lit) - 1, f1, f2)

static void buddyinfo_x86(void **state)
{
	static const char text[] =
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
		"Node 0, zone    DMA32      2      2      4      2      5      4      3      3      4      2    752 \n"
		"Node 0, zone   Normal    471    229    297    564    411    264    161     84     42     21     70 \n";
	struct snapshot s;
	struct bc_error e;
	struct node *n;
	struct zone *z;

	(void)state;
	assert_int_equal(parse_bi(text, &s, &e), 0);
	assert_int_equal(s.nr_orders, 11);
	assert_int_equal(s.nr_nodes, 1);
	n = snapshot_node(&s, 0);
	assert_non_null(n);
	assert_int_equal(n->nr_zones, 3);
	z = node_zone(n, "DMA32");
	assert_non_null(z);
	assert_true(z->in_buddyinfo);
	assert_int_equal(z->free_blocks[10], 752);
	assert_int_equal(z->free_pages, 2 + 4 + 16 + 16 + 80 + 128 + 192 + 384 + 1024 + 1024 + 752 * 1024);
	snapshot_free(&s);
}

static void buddyinfo_sparse_nodes_wide_values(void **state)
{
	/* node ids 0 and 2, a value wider than the %6lu field, an unknown zone */
	static const char text[] =
		"Node 0, zone   Normal 1234567      1      0      0      0      0      0      0      0 \n"
		"Node 2, zone   Normal      5      1      0      0      0      0      0      0      1 \n"
		"Node 2, zone  Strange      0      0      0      0      0      0      0      0      2 \n";
	struct snapshot s;
	struct bc_error e;

	(void)state;
	assert_int_equal(parse_bi(text, &s, &e), 0);
	assert_int_equal(s.nr_orders, 9);		/* ppc64 64K */
	assert_int_equal(s.nr_nodes, 2);
	assert_null(snapshot_node(&s, 1));
	assert_int_equal(snapshot_node(&s, 0)->zones[0].free_blocks[0], 1234567);
	assert_non_null(node_zone(snapshot_node(&s, 2), "Strange"));
	snapshot_free(&s);
}

static void buddyinfo_14_orders(void **state)
{
	static const char text[] =
		"Node 0, zone      DMA      1      2      3      4      5      6      7      8      9     10     11     12     13     14 \n";
	struct snapshot s;
	struct bc_error e;

	(void)state;
	assert_int_equal(parse_bi(text, &s, &e), 0);
	assert_int_equal(s.nr_orders, 14);
	assert_int_equal(s.nodes[0].zones[0].free_blocks[13], 14);
	snapshot_free(&s);
}

/*
 * A capture may lose its last newline (a paste, a pipe, an editor). That
 * line counts when it is whole: as many columns as the lines before it, or
 * for a lone line the blank the kernel prints after every count.
 */
static void buddyinfo_last_line(void **state)
{
	struct snapshot s;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(parse_bi("Node 0, zone      DMA      1      2 \nNode 0, zone   Normal      3      4", &s, &e), 0);
	assert_int_equal(s.nr_orders, 2);
	/* Normal: 3 + 4 x 2 = 11 pages */
	assert_int_equal(node_zone(&s.nodes[0], "Normal")->free_pages, 11);
	snapshot_free(&s);
	/* pasted without the kernel's trailing blanks */
	assert_int_equal(parse_bi("Node 0, zone      DMA      1      2\nNode 1, zone   Normal      3      4", &s, &e), 0);
	assert_int_equal(s.nr_nodes, 2);
	snapshot_free(&s);
	assert_int_equal(parse_bi("Node 0, zone   Normal      1      2 ", &s, &e), 0);
	assert_int_equal(s.nodes[0].zones[0].free_pages, 5);
	snapshot_free(&s);
	/* cut: fewer columns, a cut header, a lone line without its blank */
	BI_BAD("Node 0, zone      DMA      1      2 \nNode 0, zone   Normal      3", ":2: truncated last line (no newline at end of file): ",
	       "1 order columns where earlier lines have 2, for zone 'Normal'");
	BI_BAD("Node 0, zone      DMA      1      2 \nNode 0, zo", ":2: truncated last line (no newline at end of file): ",
	       "expected 'zone', got 'zo'");
	BI_BAD("Node 0, zone      DMA      1      2 \nNode 0, zone   Normal      3    -4", ":2: truncated last line", "'-4'");
	BI_BAD("Node 0, zone      DMA      1      2 \nNo", ":2: truncated last line", "expected 'Node', got 'No'");
	BI_BAD("Node 0, zone   Normal      1      2", ":1:", "truncated last line (no newline at end of file, and no blank after its last count)");
	/* a whole line before a cut one does not make the cut one whole: more columns */
	BI_BAD("Node 0, zone      DMA      1 \nNode 0, zone   Normal      3      4", ":2: truncated last line",
	       "2 order columns where earlier lines have 1");
}

/* NR_PAGE_ORDERS from 9 (ppc64 64K) to 14 (arm64 64K): counted, never assumed. */
static void buddyinfo_9_to_14_orders(void **state)
{
	unsigned orders, k;

	(void)state;
	for (orders = 9; orders <= 14; orders++) {
		char text[512];
		size_t off = 0;
		struct snapshot s;
		struct bc_error e = { 0 };
		uint64_t pages = 0;

		off += (size_t)snprintf(text + off, sizeof(text) - off, "Node 0, zone   Normal ");
		for (k = 0; k < orders; k++)
			off += (size_t)snprintf(text + off, sizeof(text) - off, "%6u ", k + 1);
		snprintf(text + off, sizeof(text) - off, "\n");
		assert_int_equal(parse_bi(text, &s, &e), 0);
		assert_int_equal(s.nr_orders, orders);
		/* n_k = k + 1: sum (k + 1) 2^k */
		for (k = 0; k < orders; k++)
			pages += (uint64_t)(k + 1) << k;
		assert_int_equal(s.nodes[0].zones[0].free_pages, pages);
		assert_int_equal(s.nodes[0].zones[0].free_blocks[orders - 1], orders);
		snapshot_free(&s);
	}
	/* 9 orders: 1 + 4 + 12 + 32 + 80 + 192 + 448 + 1024 + 2304 = 4097 */
	{
		struct snapshot s;
		struct bc_error e = { 0 };

		assert_int_equal(parse_bi("Node 0, zone   Normal 1 2 3 4 5 6 7 8 9 \n", &s, &e), 0);
		assert_int_equal(s.nodes[0].zones[0].free_pages, 4097);
		snapshot_free(&s);
	}
}

static void buddyinfo_hostile(void **state)
{
	static const char nul[] = "Node 0, zone   Normal      1\0     2 \n";
	char *big;

	(void)state;
	BI_BAD("", "empty file", NULL);
	BI_BAD("Node 0, zone   Normal      1      2", ":1:", "truncated last line");
	BI_BAD("Node 0, zone   Normal      1     -2 \n", ":1:", "'-2'");
	BI_BAD("Node 0, zone   Normal      1    abc \n", ":1:", "'abc'");
	BI_BAD("Node 0, zone   Normal 18446744073709551616 \n", ":1:", "does not fit in 64 bits");
	BI_BAD("Node 0, zone   Normal 18446744073709551615 \n", ":1:", "implausible");
	BI_BAD("Node 0, zone      DMA      1      2 \nNode 0, zone   Normal      1 \n",
	       ":2:", "1 order columns where earlier lines have 2");
	BI_BAD("Node 0, zone      DMA      1 \nNode 0, zone      DMA      1 \n", ":2:", "duplicate");
	BI_BAD("Node 0,        DMA      1 \n", ":1:", "expected 'zone', got 'DMA'");
	BI_BAD("Node 0 zone      DMA      1 \n", ":1:", "'0'");
	BI_BAD("node 0, zone      DMA      1 \n", ":1:", "expected 'Node', got 'node'");
	BI_BAD("Node 0, zone      DMA \n", ":1:", "no free block counts");
	BI_BAD("Node 99999, zone DMA 1 \n", ":1:", "node id out of range");
	BI_BAD("Node 0, zone z1 1 \nNode 0, zone z2 1 \nNode 0, zone z3 1 \nNode 0, zone z4 1 \n"
	       "Node 0, zone z5 1 \nNode 0, zone z6 1 \nNode 0, zone z7 1 \nNode 0, zone z8 1 \n"
	       "Node 0, zone z9 1 \nNode 0, zone z10 1 \nNode 0, zone z11 1 \nNode 0, zone z12 1 \n"
	       "Node 0, zone z13 1 \nNode 0, zone z14 1 \nNode 0, zone z15 1 \nNode 0, zone z16 1 \n"
	       "Node 0, zone z17 1 \n", ":17:", "more than 16 zones on node 0");
	BI_BAD("Node 0, zone Nor\"mal 1 \n", ":1:", "invalid zone name 'Nor\"mal'");
	bi_bad(nul, sizeof(nul) - 1, ":1:", "NUL byte");
	BI_BAD("Node 0, zone      DMA      1 \r\n", ":1:", "carriage return");
	BI_BAD("Node 0, zone      DMA      1 \n\n", ":2:", "empty line");
	BI_BAD("Node 0, zone DMA 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 \n", ":1:", "more than 32 order columns");

	/* a 1 MB line: rejected by column count, token shown cut short */
	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, '7', 1 << 20);
	memcpy(big, "Node 0, zone DMA ", 17);
	big[(1 << 20) - 1] = '\n';
	bi_bad(big, 1 << 20, ":1:", "does not fit in 64 bits");
	for (size_t i = 17; i < (1 << 20) - 1; i += 2)
		big[i] = ' ';
	bi_bad(big, 1 << 20, ":1:", "more than 32 order columns");
	free(big);
}

static const char zoneinfo_text[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 404\n"
	"      nr_free_pages 3840\n"
	"  pages free     3840\n"
	"        boost    0\n"
	"        min      68\n"
	"        low      85\n"
	"        high     102\n"
	"        promo    119\n"
	"        spanned  4095\n"
	"        present  3998\n"
	"        managed  3840\n"
	"        cma      0\n"
	"        protection: (0, 3019, 3659, 3659, 3659)\n"
	"      nr_free_pages 3840\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count:    0\n"
	"              high:     0\n"
	"              batch:    1\n"
	"  vm stats threshold: 4\n"
	"  node_unreclaimable:  0\n"
	"  start_pfn:           1\n"
	"Node 0, zone  Movable\n"
	"  pages free     0\n"
	"        boost    0\n"
	"        min      0\n"
	"        low      0\n"
	"        high     0\n"
	"        promo    0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        cma      0\n"
	"        protection: (0, 0, 0, 0, 0)\n";

static void zoneinfo_ok(void **state)
{
	struct snapshot s = { 0 };
	struct bc_error e;
	struct zone *z;

	(void)state;
	assert_int_equal(zoneinfo_parse(&s, "/proc/zoneinfo", zoneinfo_text,
					 strlen(zoneinfo_text), &e), 0);
	z = node_zone(snapshot_node(&s, 0), "DMA");
	assert_non_null(z);
	assert_int_equal(z->zi_free, 3840);
	assert_int_equal(z->min, 68);
	assert_int_equal(z->low, 85);
	assert_int_equal(z->high, 102);		/* not the pageset's "high:" */
	assert_int_equal(z->spanned, 4095);
	assert_int_equal(z->present, 3998);
	assert_int_equal(z->managed, 3840);
	assert_int_equal(z->nr_protection, 5);
	assert_int_equal(z->protection[4], 3659);
	assert_true(z->has_start_pfn);		/* where the zone lies, for the map */
	assert_int_equal(z->start_pfn, 1);
	z = node_zone(snapshot_node(&s, 0), "Movable");
	assert_non_null(z);
	assert_false(z->in_buddyinfo);
	assert_int_equal(z->present, 0);
	assert_false(z->has_start_pfn);		/* an empty zone prints none */
	snapshot_free(&s);
}

/*
 * RHEL 6's 2.6.32: no "managed", "scanned" and "protection:" after the zone
 * counters, a pageset per CPU and list ("cpu: 0 pcp: 0"). Managed is then
 * the present pages, and the snapshot says so.
 */
static void zoneinfo_without_managed(void **state)
{
	static const char old[] =
		"Node 0, zone      DMA\n"
		"  pages free     3933\n"
		"        min      5\n"
		"        low      6\n"
		"        high     7\n"
		"        scanned  0\n"
		"        spanned  4095\n"
		"        present  3834\n"
		"    nr_free_pages 3933\n"
		"    nr_inactive_anon 0\n"
		"        protection: (0, 3000, 7990, 7990)\n"
		"  pagesets\n"
		"    cpu: 0\n"
		"              count: 0\n"
		"              high:  0\n"
		"              batch: 1\n"
		"  vm stats threshold: 6\n"
		"    cpu: 1\n"
		"              count: 3\n"
		"              high:  0\n"
		"              batch: 1\n"
		"  all_unreclaimable: 1\n"
		"  prev_priority:     12\n"
		"  start_pfn:         1\n"
		"  inactive_ratio:    1\n"
		"Node 0, zone   Normal\n"
		"  pages free     700000\n"
		"        min      2000\n"
		"        low      2500\n"
		"        high     3000\n"
		"        scanned  0\n"
		"        spanned  1048576\n"
		"        present  1034240\n"
		"        protection: (0, 0, 0, 0)\n"
		"  pagesets\n"
		"    cpu: 0\n"
		"              count: 31\n";
	struct snapshot s = { 0 };
	struct bc_error e = { 0 };
	struct zone *z;
	char *mixed;

	(void)state;
	assert_int_equal(zoneinfo_parse(&s, "/proc/zoneinfo", old, strlen(old), &e), 0);
	assert_true(s.managed_from_present);
	z = node_zone(snapshot_node(&s, 0), "DMA");
	assert_int_equal(z->present, 3834);
	assert_int_equal(z->managed, 3834);
	assert_int_equal(z->min, 5);
	assert_int_equal(z->pcp, 0 + 3);
	assert_int_equal(z->nr_protection, 4);
	z = node_zone(snapshot_node(&s, 0), "Normal");
	assert_int_equal(z->managed, 1034240);
	assert_int_equal(z->pcp, 31);
	snapshot_free(&s);

	/* "managed" in one zone only: no kernel prints that */
	mixed = malloc(sizeof(old) + 32);
	assert_non_null(mixed);
	strcpy(mixed, old);
	strcat(mixed, "        managed  1000000\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(zoneinfo_parse(&s, "/proc/zoneinfo", mixed, strlen(mixed), &e), -BC_EDATA);
	assert_contains(e.msg, "/proc/zoneinfo: node 0 zone DMA has no 'managed' line, but other zones have one");
	snapshot_free(&s);
	free(mixed);
	/* and a modern one is not taken from present */
	memset(&s, 0, sizeof(s));
	assert_int_equal(zoneinfo_parse(&s, "/proc/zoneinfo", zoneinfo_text, strlen(zoneinfo_text), &e), 0);
	assert_false(s.managed_from_present);
	snapshot_free(&s);
}

static void zi_bad(const char *text, const char *frag1, const char *frag2)
{
	struct snapshot s = { 0 };
	struct bc_error e = { 0 };

	assert_int_equal(zoneinfo_parse(&s, "/proc/zoneinfo", text, strlen(text), &e), -BC_EDATA);
	assert_contains(e.msg, "/proc/zoneinfo");
	assert_contains(e.msg, frag1);
	if (frag2)
		assert_contains(e.msg, frag2);
	snapshot_free(&s);
}

static void zoneinfo_hostile(void **state)
{
	char *t;

	(void)state;
	zi_bad("", "empty file", NULL);
	zi_bad("  pages free 3\n", ":1:", "expected a 'Node N, zone NAME' line first");
	zi_bad("Node 0, zone DMA\n  pages free 3\n", "node 0 zone DMA has no 'min' line", NULL);
	zi_bad("Node 0, zone DMA extra\n", ":1:", "'extra'");
	zi_bad("Node 0, zone DMA\n        min      -1\n", ":2:", "'-1'");
	zi_bad("Node 0, zone DMA\n        min      1\n        min      2\n", ":3:", "duplicate field 'min'");
	zi_bad("Node 0, zone DMA\n        min      1 2\n", ":2:", "unexpected text after the value '2'");
	zi_bad("Node 0, zone DMA\n        protection: 0, 1)\n", ":2:", "expected '('");
	zi_bad("Node 0, zone DMA\n        protection: (0, 1\n", ":2:", "'1'");
	zi_bad("Node 0, zone DMA\n        protection: (0, x)\n", ":2:", "'x'");
	zi_bad("Node 0, zone DMA\n        managed  99999999999999999999\n", ":2:", "64 bits");
	zi_bad("Node 0, zone DMA\n        managed  9999999999999999999\n", ":2:", "implausible");
	zi_bad("Node 0, zone DMA\n  start_pfn:  1\n  start_pfn:  2\n", ":3:", "duplicate field 'start_pfn:'");
	zi_bad("Node 0, zone DMA\n  start_pfn:  x\n", ":2:", "'x'");
	zi_bad("Node 0, zone DMA\n  start_pfn:  99999999999999999\n", ":2:", "implausible page frame number");
	/* a duplicated zone section, after a complete first one */
	t = malloc(2 * sizeof(zoneinfo_text));
	assert_non_null(t);
	strcpy(t, zoneinfo_text);
	strcat(t, "Node 0, zone      DMA\n");
	zi_bad(t, ":37:", "duplicate section for node 0 zone 'DMA'");
	free(t);
}

static const char pagetypeinfo_text[] =
	"Page block order: 9\n"
	"Pages per block:  512\n"
	"\n"
	"Free pages count per migrate type at order       0      1      2 \n"
	"Node    0, zone      DMA, type    Unmovable      0      0      1 \n"
	"Node    0, zone      DMA, type      Movable >100000      0      0 \n"
	"Node    0, zone      DMA, type  Reclaimable      0      0      0 \n"
	"\n"
	"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic \n"
	"Node 0, zone      DMA            1            7            0            0 \n"
	"\n"
	"Number of mixed blocks    Unmovable      Movable  Reclaimable   HighAtomic \n"
	"Node 0, zone      DMA            0            1            0            0 \n";

static void pagetypeinfo_ok(void **state)
{
	struct snapshot s = { 0 };
	struct bc_error e;
	struct zone *z;

	(void)state;
	assert_int_equal(pagetypeinfo_parse(&s, "/proc/pagetypeinfo", pagetypeinfo_text,
					    strlen(pagetypeinfo_text), &e), 0);
	assert_true(s.has_pagetypeinfo);
	assert_int_equal(s.pageblock_order, 9);
	assert_int_equal(s.pagetypeinfo_orders, 3);
	z = node_zone(snapshot_node(&s, 0), "DMA");
	assert_non_null(z);
	assert_int_equal(z->nr_types, 4);		/* HighAtomic: blocks only */
	assert_string_equal(z->types[1].name, "Movable");
	assert_int_equal(z->types[1].free[0], 100000);
	assert_true(z->types[1].at_least[0]);
	assert_false(z->types[0].at_least[2]);
	assert_int_equal(z->types[0].free[2], 1);
	assert_int_equal(z->types[1].pageblocks, 7);
	assert_string_equal(z->types[3].name, "HighAtomic");
	assert_int_equal(z->types[3].pageblocks, 0);
	snapshot_free(&s);
}

/* pagetypeinfo_show() runs once per memory node: every header repeats. */
static void pagetypeinfo_two_nodes(void **state)
{
	static const char text[] =
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1 \n"
		"Node    0, zone   Normal, type      Movable      5      1 \n"
		"\nNumber of blocks type     Unmovable      Movable \n"
		"Node 0, zone   Normal            1            7 \n"
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1 \n"
		"Node    2, zone   Normal, type      Movable      3      2 \n"
		"\nNumber of blocks type     Unmovable      Movable \n"
		"Node 2, zone   Normal            0            9 \n";
	struct snapshot s = { 0 };
	struct bc_error e = { 0 };
	char *bad;

	(void)state;
	assert_int_equal(pagetypeinfo_parse(&s, "p", text, strlen(text), &e), 0);
	assert_int_equal(node_zone(snapshot_node(&s, 2), "Normal")->types[0].free[1], 2);
	assert_string_equal(node_zone(snapshot_node(&s, 2), "Normal")->types[0].name, "Movable");
	assert_int_equal(node_zone(snapshot_node(&s, 2), "Normal")->types[0].pageblocks, 9);
	snapshot_free(&s);

	/* the second node's header must agree with the first's */
	memset(&s, 0, sizeof(s));
	bad = malloc(sizeof(text) + 8);
	assert_non_null(bad);
	strcpy(bad, text);
	memcpy(strstr(strstr(bad, "Node 0, zone   Normal"), "order: 9"), "order: 8", 8);
	assert_int_equal(pagetypeinfo_parse(&s, "p", bad, strlen(bad), &e), -BC_EDATA);
	assert_contains(e.msg, "p:9: header value differs from the first node's");
	snapshot_free(&s);
	free(bad);
}

/*
 * Before 4.4 (RHEL 6's 2.6.32, RHEL 7's 3.10): a Reserve type, Reclaimable
 * before Movable. And captures that lost the headers: the orders counted
 * on the first free line, the block counts named by the zone's free lines,
 * the pageblock order from "Pages per block" alone, or unknown.
 */
static void pagetypeinfo_old_and_headerless(void **state)
{
	static const char old[] =
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order       0      1      2 \n"
		"Node    0, zone      DMA, type    Unmovable      1      1      0 \n"
		"Node    0, zone      DMA, type  Reclaimable      0      0      0 \n"
		"Node    0, zone      DMA, type      Movable      3      4      2 \n"
		"Node    0, zone      DMA, type      Reserve      0      0      1 \n"
		"Node    0, zone      DMA, type      Isolate      0      0      0 \n"
		"\n"
		"Number of blocks type     Unmovable  Reclaimable      Movable      Reserve      Isolate \n"
		"Node 0, zone      DMA            1            0            6            1            0 \n";
	/* the same with every header line and blank gone: grep ^Node */
	static const char bare[] =
		"Node    0, zone      DMA, type    Unmovable      1      1      0 \n"
		"Node    0, zone      DMA, type  Reclaimable      0      0      0 \n"
		"Node    0, zone      DMA, type      Movable      3      4      2 \n"
		"Node    0, zone      DMA, type      Reserve      0      0      1 \n"
		"Node    0, zone      DMA, type      Isolate      0      0      0 \n"
		"Node 0, zone      DMA            1            0            6            1            0 \n"
		"Node    1, zone   Normal, type    Unmovable      2      0      0 \n"
		"Node    1, zone   Normal, type      Movable      7      1      1 \n"
		"Node 1, zone   Normal            3           40 \n";
	static const char per_block_only[] =
		"Pages per block:  512\n"
		"Node    0, zone      DMA, type      Movable      3      4      2 \n";
	struct snapshot s = { 0 };
	struct bc_error e = { 0 };
	struct zone *z;

	(void)state;
	assert_int_equal(pagetypeinfo_parse(&s, "p", old, strlen(old), &e), 0);
	z = node_zone(snapshot_node(&s, 0), "DMA");
	assert_int_equal(z->nr_types, 5);
	assert_string_equal(z->types[3].name, "Reserve");
	assert_int_equal(z->types[3].free[2], 1);
	assert_int_equal(z->types[3].pageblocks, 1);
	assert_string_equal(z->types[2].name, "Movable");
	assert_int_equal(z->types[2].pageblocks, 6);
	assert_int_equal(s.pageblock_order, 9);
	snapshot_free(&s);

	memset(&s, 0, sizeof(s));
	assert_int_equal(pagetypeinfo_parse(&s, "p", bare, strlen(bare), &e), 0);
	assert_true(s.has_pagetypeinfo);
	assert_int_equal(s.pagetypeinfo_orders, 3);	/* counted on the first free line */
	assert_int_equal(s.pageblock_order, -1);	/* neither header line */
	z = node_zone(snapshot_node(&s, 0), "DMA");
	assert_int_equal(z->nr_types, 5);
	/* the block counts in the free lines' order: Unmovable 1, Reclaimable 0, Movable 6, Reserve 1 */
	assert_int_equal(z->types[0].pageblocks, 1);
	assert_int_equal(z->types[1].pageblocks, 0);
	assert_int_equal(z->types[2].pageblocks, 6);
	assert_int_equal(z->types[3].pageblocks, 1);
	assert_true(z->types[4].seen_pageblocks);
	z = node_zone(snapshot_node(&s, 1), "Normal");
	assert_string_equal(z->types[1].name, "Movable");
	assert_int_equal(z->types[1].free[0], 7);
	assert_int_equal(z->types[1].pageblocks, 40);
	snapshot_free(&s);

	memset(&s, 0, sizeof(s));
	assert_int_equal(pagetypeinfo_parse(&s, "p", per_block_only, strlen(per_block_only), &e), 0);
	assert_int_equal(s.pageblock_order, 9);		/* 512 = 2^9 */
	snapshot_free(&s);
}

static void pt_bad(const char *text, const char *frag1, const char *frag2)
{
	struct snapshot s = { 0 };
	struct bc_error e = { 0 };

	assert_int_equal(pagetypeinfo_parse(&s, "/proc/pagetypeinfo", text, strlen(text), &e),
			 -BC_EDATA);
	assert_contains(e.msg, "/proc/pagetypeinfo");
	assert_contains(e.msg, frag1);
	if (frag2)
		assert_contains(e.msg, frag2);
	snapshot_free(&s);
}

static void pagetypeinfo_hostile(void **state)
{
	(void)state;
	pt_bad("", "no free pages table", NULL);
	pt_bad("Page block order: 9\nPages per block:  512\n", "no free pages table", NULL);
	pt_bad("Page block order: 9\nPages per block:  511\nFree pages count per migrate type at order 0 \n",
	       "does not match", NULL);
	/* headerless: the first free line sets the orders, block lines need free lines */
	pt_bad("Node    0, zone      DMA, type    Unmovable      0      1 \n"
	       "Node    0, zone      DMA, type      Movable      0 \n", ":2:", "1 order columns where the first free line has 2");
	pt_bad("Node 0, zone      DMA            1 \n", ":1:",
	       "block counts without a 'Number of blocks type' header or free lines to name their types, for zone 'DMA'");
	pt_bad("Node    0, zone      DMA, type    Unmovable      0 \n"
	       "Node    0, zone      DMA, type      Movable      0 \n"
	       "Node 0, zone      DMA            1 \n", ":3:", "fewer block counts than the zone has free lines (types)");
	pt_bad("Node    0, zone      DMA, type    Unmovable      0 \n"
	       "Node 0, zone      DMA            1            2 \n", ":2:", "more block counts than the zone has free lines (types), at '2'");
	pt_bad("Free pages count per migrate type at order 0 1 \n"
	       "Node    0, zone      DMA, type    Unmovable      0 \n", ":2:", "1 order columns where the header has 2");
	pt_bad("Free pages count per migrate type at order 0 2 \n", ":1:", "out of sequence at '2'");
	pt_bad("Free pages count per migrate type at order 0 \n"
	       "Node    0, zone      DMA type    Unmovable      0 \n", ":2:", "followed by ','");
	pt_bad("Free pages count per migrate type at order 0 \n"
	       "Node    0, zone      DMA, type    Unmovable      >x \n", ":2:", "'x'");
	pt_bad("Free pages count per migrate type at order 0 \n"
	       "Node    0, zone      DMA, type    Unmovable      1 \n"
	       "Node    0, zone      DMA, type    Unmovable      1 \n", ":3:", "duplicate line for migrate type");
	pt_bad("Number of blocks type     Unmovable      Movable \n"
	       "Node 0, zone      DMA            1 \n", ":2:", "fewer block counts");
	pt_bad("Something else\n", ":1:", "unrecognised line starting with 'Something'");
}

static void meminfo_ok_and_bad(void **state)
{
	static const char global[] =
		"MemTotal:       24684096 kB\nMemFree:        24574348 kB\nNewField:  7 kB\n"
		"HugePages_Total:       3\nHugepagesize:       2048 kB\n";
	static const char node[] = "Node 2 MemTotal:        3762392 kB\nNode 2 MemFree:  1 kB\n";
	struct meminfo mi;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(meminfo_parse(&mi, -1, "m", global, strlen(global), &e), 0);
	assert_int_equal(mi.v[MI_MEM_TOTAL], 24684096);
	assert_int_equal(mi.v[MI_HP_TOTAL], 3);
	assert_true(meminfo_has(&mi, MI_HUGEPAGESIZE));
	assert_false(meminfo_has(&mi, MI_DIRTY));
	assert_int_equal(meminfo_parse(&mi, 2, "n", node, strlen(node), &e), 0);
	assert_int_equal(mi.v[MI_MEM_TOTAL], 3762392);

	assert_int_equal(meminfo_parse(&mi, 1, "n", node, strlen(node), &e), -BC_EDATA);
	assert_contains(e.msg, "n:1: line for another node: '2'");
	assert_int_equal(meminfo_parse(&mi, -1, "m", "MemTotal: 5 MB\n", 15, &e), -BC_EDATA);
	assert_contains(e.msg, "m:1: expected unit 'kB', got 'MB'");
	assert_int_equal(meminfo_parse(&mi, -1, "m", "MemTotal: 5 kB\nMemTotal: 6 kB\n", 30, &e), -BC_EDATA);
	assert_contains(e.msg, "m:2: duplicate field 'MemTotal:'");
	/* a field buddyctl uses may be missing: it is unseen, the file is not refused */
	assert_int_equal(meminfo_parse(&mi, -1, "m", "MemTotal: 5 kB\n", 15, &e), 0);
	assert_true(meminfo_has(&mi, MI_MEM_TOTAL));
	assert_false(meminfo_has(&mi, MI_MEM_FREE));
	assert_false(meminfo_has_totals(&mi));
	assert_int_equal(meminfo_parse(&mi, -1, "m", "MemTotal 5 kB\n", 14, &e), -BC_EDATA);
	assert_contains(e.msg, "m:1: expected 'Name:', got 'MemTotal'");
	assert_int_equal(meminfo_parse(&mi, -1, "m", "MemFree: -5 kB\n", 15, &e), -BC_EDATA);
	assert_contains(e.msg, "'-5'");
}

static void vmstat_ok_and_bad(void **state)
{
	static const char text[] = "nr_free_pages 815705\nnew_counter 5\ncompact_isolated 12\n";
	struct vmstat vs;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(vmstat_parse(&vs, "v", text, strlen(text), &e), 0);
	assert_int_equal(vs.v[VM_NR_FREE_PAGES], 815705);
	assert_int_equal(vs.v[VM_COMPACT_ISOLATED], 12);
	/* 2.6.16 printed no nr_free_pages (2.6.21 added it): the counters there are read */
	assert_int_equal(vmstat_parse(&vs, "v", "compact_isolated 1\n", 19, &e), 0);
	assert_false(vs.seen & (1u << VM_NR_FREE_PAGES));
	assert_int_equal(vs.v[VM_COMPACT_ISOLATED], 1);
	assert_int_equal(vmstat_parse(&vs, "v", "nr_free_pages x\n", 16, &e), -BC_EDATA);
	assert_contains(e.msg, "v:1:");
	assert_int_equal(vmstat_parse(&vs, "v", "nr_free_pages\n", 14, &e), -BC_EDATA);
	assert_contains(e.msg, "missing value after 'nr_free_pages'");
}

static void nodelist_cases(void **state)
{
	struct bitmask *m;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(nodelist_parse("0,2-3\n", 6, "online", BC_EDATA, &m, &e), 0);
	assert_true(numa_bitmask_isbitset(m, 0));
	assert_false(numa_bitmask_isbitset(m, 1));
	assert_true(numa_bitmask_isbitset(m, 3));
	assert_int_equal(nodelist_max(m), 3);
	numa_bitmask_free(m);
	assert_int_equal(nodelist_parse("\n", 1, "has_cpu", BC_EDATA, &m, &e), 0);
	assert_int_equal(nodelist_max(m), -1);
	numa_bitmask_free(m);
	assert_int_equal(nodelist_parse("0-1023", 6, "x", BC_EDATA, &m, &e), 0);
	assert_int_equal(nodelist_max(m), 1023);
	numa_bitmask_free(m);

	static const char *const bad[] = { "3-1", "a", "1,", ",1", "1,,2", "0-", "-1", "70000", "1 2", "1\n2\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nodelist_parse(bad[i], strlen(bad[i]), "--node", BC_EUSAGE, &m, &e),
				 -BC_EUSAGE);
		assert_contains(e.msg, "--node: invalid node list");
	}
}

static void single_value(void **state)
{
	uint64_t v;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(parse_single_u64("f", "64\n", 3, &v, &e), 0);
	assert_int_equal(v, 64);
	assert_int_equal(parse_single_u64("f", "", 0, &v, &e), -BC_EDATA);
	assert_contains(e.msg, "f: empty file");
	assert_int_equal(parse_single_u64("f", "64", 2, &v, &e), -BC_EDATA);
	assert_contains(e.msg, "truncated");
	assert_int_equal(parse_single_u64("f", "6 4\n", 4, &v, &e), -BC_EDATA);
	assert_int_equal(parse_single_u64("f", "64\n1\n", 5, &v, &e), -BC_EDATA);
	assert_contains(e.msg, "f:2:");
}

static void token_escape(void **state)
{
	char out[BC_TOKEN_MAX];
	char long_tok[300];

	(void)state;
	bc_token_escape(out, "a\x01\\b", 4);
	assert_string_equal(out, "a\\x01\\x5cb");
	memset(long_tok, '\xff', sizeof(long_tok));
	bc_token_escape(out, long_tok, sizeof(long_tok));
	assert_int_equal(strlen(out), 40 * 4 + 3);
}

/* ---- pasted captures: capture_unpaste() ---------------------------------- */

/* Two lines of two-node's buddyinfo, as the kernel prints them. */
#define BI_0 "Node 0, zone      DMA      2      1      1      0      1      1      1      1      0      1      3 "
#define BI_1 "Node 1, zone   Normal    731    488    352    241    163    118     77     52     38     61   2790 "
#define KERNEL BI_0 "\n" BI_1 "\n"

/* Unpaste text as standard input; out gets what is left, *first its first line. */
static int unpaste(const char *text, struct capture *c, struct bc_error *e)
{
	memset(c, 0, sizeof(*c));
	c->name = "standard input";
	c->len = strlen(text);
	c->buf = strdup(text);
	assert_non_null(c->buf);
	return capture_unpaste(c, e);
}

/* text unpasted: exactly the kernel's two lines, from line first, with note said. */
static void paste_ok(const char *text, unsigned first, const char *note)
{
	struct bc_error e = { 0 };
	struct capture c;

	if (unpaste(text, &c, &e) != 0)
		fail_msg("'%s': %s", text, e.msg);
	if (strcmp(c.buf, KERNEL) != 0)
		fail_msg("'%s' gave '%s'", text, c.buf);
	assert_int_equal(c.len, strlen(KERNEL));
	assert_int_equal(c.first_line, first);
	assert_string_equal(c.skipped, note);
	capture_free(&c);
}

/*
 * What people paste, from a terminal, mail, chat and tickets: each form is
 * taken back to the kernel's text, and what was taken is said.
 */
static void capture_paste_forms(void **state)
{
	(void)state;
	/* the kernel's text: nothing to say */
	paste_ok(KERNEL, 1, "");
	/* a terminal: the blank line a paste ends with */
	paste_ok(KERNEL "\n", 1, "skipped 1 trailing blank line");
	paste_ok(KERNEL "\n  \n\t\n", 1, "skipped 3 trailing blank lines");
	/* Windows, a ticket system: CRLF, also on a last line without its LF */
	paste_ok(BI_0 "\r\n" BI_1 "\r\n", 1, "removed carriage returns");
	/* the prompt and the command, as a user and as root, and the next prompt */
	paste_ok("$ cat /proc/buddyinfo\n" KERNEL, 2, "skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo')");
	paste_ok("# cat /proc/buddyinfo\n" KERNEL, 2, "skipped line 1 (a shell prompt: '# cat /proc/buddyinfo')");
	paste_ok("root@db1:~# cat /proc/buddyinfo\n" KERNEL "root@db1:~# ", 2,
		 "skipped line 1 (a shell prompt: 'root@db1:~# cat /proc/buddyinfo') and the shell prompt after the text");
	paste_ok("[admin@db1 ~]$ ssh db2 cat /proc/buddyinfo\n" KERNEL "[admin@db1 ~]$\n", 2,
		 "skipped line 1 (a shell prompt: '[admin@db1 ~]$ ssh db2 cat /proc/buddyin...') and the shell prompt after the text");
	paste_ok("db1:~ admin$ cat /proc/buddyinfo\n" KERNEL, 2,
		 "skipped line 1 (a shell prompt: 'db1:~ admin$ cat /proc/buddyinfo')");
	paste_ok("admin@db1 ~ % cat /proc/buddyinfo\n" KERNEL, 2,
		 "skipped line 1 (a shell prompt: 'admin@db1 ~ % cat /proc/buddyinfo')");
	paste_ok("(venv) admin@db1:~/src$ cat /proc/buddyinfo\n" KERNEL, 2,
		 "skipped line 1 (a shell prompt: '(venv) admin@db1:~/src$ cat /proc/buddyi...')");
	/* all of it at once: prompt, CRLF, the blank line after */
	paste_ok("$ cat /proc/buddyinfo\r\n" BI_0 "\r\n" BI_1 "\r\n\r\n", 2,
		 "skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo') and 1 trailing blank line; removed carriage returns");
	/* mail: '> ' before every line, '>' alone on a blank one, two deep in a reply */
	paste_ok("> " BI_0 "\n> " BI_1 "\n", 1, "removed '> ' quoting");
	paste_ok("> $ cat /proc/buddyinfo\n> " BI_0 "\n> " BI_1 "\n>\n", 2,
		 "skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo') and 1 trailing blank line; removed '> ' quoting");
	paste_ok(">\n>> " BI_0 "\n>> " BI_1 "\n>>\n", 2,
		 "skipped 1 leading blank line and 1 trailing blank line; removed '>> ' quoting");
	paste_ok("> > " BI_0 "\r\n> > " BI_1 "\r\n", 1, "removed carriage returns and '>> ' quoting");
	/* a tab after the mark (some mailers), tabs between the columns (a terminal's copy) */
	paste_ok(">\t" BI_0 "\n>\t" BI_1 "\n", 1, "removed '> ' quoting");
	/* a ticket or chat: a Markdown fence (with a language), Jira's {code} */
	paste_ok("```\n$ cat /proc/buddyinfo\n" KERNEL "```\n", 3,
		 "skipped line 2 (a shell prompt: '$ cat /proc/buddyinfo') and 2 code fence lines");
	paste_ok("```text\n" KERNEL "```", 2, "skipped 2 code fence lines");
	paste_ok("{code}\n" KERNEL "{code}\n", 2, "skipped 2 code fence lines");
	paste_ok("{noformat}\n" KERNEL "{noformat}\n", 2, "skipped 2 code fence lines");
	/* a web page or HTML mail: non-breaking spaces; Notepad: a byte order mark */
	{
		char nb[512];

		snprintf(nb, sizeof(nb), "Node 0, zone\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0  DMA%s\n" BI_1 "\n",
			 BI_0 + strlen("Node 0, zone      DMA"));
		paste_ok(nb, 1, "removed non-breaking spaces");
	}
	paste_ok("\xef\xbb\xbf" KERNEL, 1, "removed a byte order mark");
}

/* What is not a paste's wrapping stays, for the parser to refuse, or is refused. */
static void capture_paste_refused(void **state)
{
	struct bc_error e = { 0 };
	struct capture c;
	struct snapshot s;

	(void)state;
	/* quoting of different depths: lines of several messages, not one capture */
	assert_int_equal(unpaste("> " BI_0 "\n>> " BI_1 "\n", &c, &e), -BC_EDATA);
	assert_string_equal(e.msg, "standard input:2: quoted '>>' where line 1 is quoted '>': "
			    "lines of different messages are not one capture");
	capture_free(&c);
	assert_int_equal(unpaste("> " BI_0 "\n> " BI_1 "\n\nThanks, Ann\n", &c, &e), -BC_EDATA);
	assert_contains(e.msg, "standard input:4: not quoted where line 1 is quoted '>'");
	capture_free(&c);
	/* a prompt without a command is no prompt line to skip; a second prompt stays */
	assert_int_equal(unpaste("$\n" KERNEL, &c, &e), 0);
	assert_int_equal(c.first_line, 1);
	assert_int_equal(strncmp(c.buf, "$\n", 2), 0);
	capture_free(&c);
	assert_int_equal(unpaste("$ ssh db1\n$ cat /proc/buddyinfo\n" KERNEL, &c, &e), 0);
	assert_int_equal(c.first_line, 2);
	assert_int_equal(strncmp(c.buf, "$ cat", 5), 0);
	/* ... which the parser then names by the line the user sees */
	memset(&s, 0, sizeof(s));
	assert_int_equal(buddyinfo_parse_from(&s, c.name, c.first_line, c.buf, c.len, &e), -BC_EDATA);
	assert_string_equal(e.msg, "standard input:2: expected 'Node', got '$'");
	snapshot_free(&s);
	capture_free(&c);
	/* a blank line inside the text, quoted or not, is the parser's to refuse */
	assert_int_equal(unpaste("> $ cat /proc/buddyinfo\n> " BI_0 "\n>\n> " BI_1 "\n", &c, &e), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(buddyinfo_parse_from(&s, c.name, c.first_line, c.buf, c.len, &e), -BC_EDATA);
	assert_string_equal(e.msg, "standard input:3: empty line");
	snapshot_free(&s);
	capture_free(&c);
	assert_int_equal(unpaste("$ cat /proc/buddyinfo\n" BI_0 "\n\n" BI_1 "\n", &c, &e), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(buddyinfo_parse_from(&s, c.name, c.first_line, c.buf, c.len, &e), -BC_EDATA);
	assert_string_equal(e.msg, "standard input:3: empty line");
	snapshot_free(&s);
	capture_free(&c);
	/* a carriage return that ends no line */
	assert_int_equal(unpaste(BI_0 "\r\r\n", &c, &e), 0);
	assert_non_null(strchr(c.buf, '\r'));
	capture_free(&c);
	/* words before the text that are not a prompt: not skipped */
	assert_int_equal(unpaste("buddyinfo of db1:\n" KERNEL, &c, &e), 0);
	assert_int_equal(c.first_line, 1);
	assert_string_equal(c.skipped, "");
	capture_free(&c);
	/* only the wrapping: nothing is left */
	assert_int_equal(unpaste("$ cat /proc/buddyinfo\n\n", &c, &e), 0);
	assert_int_equal(c.len, 0);
	assert_string_equal(c.skipped, "skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo') and 1 leading blank line");
	capture_free(&c);
	/* status JSON pasted after its command: the JSON is left */
	assert_int_equal(unpaste("$ buddyctl status -f json\n{\"schema\":1}\n", &c, &e), 0);
	assert_string_equal(c.buf, "{\"schema\":1}\n");
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buddyinfo_x86),
		cmocka_unit_test(buddyinfo_sparse_nodes_wide_values),
		cmocka_unit_test(buddyinfo_14_orders),
		cmocka_unit_test(buddyinfo_last_line),
		cmocka_unit_test(buddyinfo_9_to_14_orders),
		cmocka_unit_test(buddyinfo_hostile),
		cmocka_unit_test(zoneinfo_ok),
		cmocka_unit_test(zoneinfo_without_managed),
		cmocka_unit_test(zoneinfo_hostile),
		cmocka_unit_test(pagetypeinfo_ok),
		cmocka_unit_test(pagetypeinfo_two_nodes),
		cmocka_unit_test(pagetypeinfo_old_and_headerless),
		cmocka_unit_test(pagetypeinfo_hostile),
		cmocka_unit_test(meminfo_ok_and_bad),
		cmocka_unit_test(vmstat_ok_and_bad),
		cmocka_unit_test(nodelist_cases),
		cmocka_unit_test(single_value),
		cmocka_unit_test(token_escape),
		cmocka_unit_test(capture_paste_forms),
		cmocka_unit_test(capture_paste_refused),
	};

	return cmocka_run_group_tests_name("parsers", tests, NULL, NULL);
}
