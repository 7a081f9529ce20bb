/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `status` explained: the figure check judges, the verdict per node, the
 * proactive compaction marks and the counters since boot, on a three-node
 * tree whose every figure is worked out by hand below, from the tree's
 * numbers (not from the program's output).
 *
 * The tree (4K pages, 11 orders, no pagetypeinfo; 2M is order 9, 1G 18;
 * each node has one populated zone, Normal, with no per-CPU pages and no
 * protection; free pages are 4 kB each):
 *
 * node 0  free 7168 = 2048 x 1 + 256 x 8 + 4 x 256 + 2 x 512 + 1 x 1024
 *         min 256, present = managed = 524288 (2 GiB)
 *         Active(file) 4096 kB, no slab; pools empty
 * node 1  free 251200 = 100000 x 1 + 50000 x 2 + 200 x 256
 *         min 1024, present = managed = 524288
 *         Active(file) 65536 kB, SReclaimable 16384 kB; 2M pool 2 (free 2)
 * node 2  free 2048 = 2 x 1024; min 128, present = managed = 8192 (32 MiB)
 * /proc/meminfo MemFree = the nodes' MemFree: nothing outside the buddy
 * allocator. vm.compaction_proactiveness 20.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explain.h"
#include "metrics.h"
#include "out_json.h"
#include "out_prom.h"
#include "out_text.h"
#include "output.h"
#include "proactiveness.h"
#include "snapshot_read.h"

#define TREE "build/explain"

static void put(const char *rel, const char *text)
{
	tree_put(TREE, rel, text);
}

static void zone(FILE *f, int node, const char *name, uint64_t free, uint64_t min, uint64_t present)
{
	fprintf(f, "Node %d, zone %8s\n  pages free     %llu\n        boost    0\n"
		"        min      %llu\n        low      %llu\n        high     %llu\n"
		"        promo    %llu\n        spanned  %llu\n        present  %llu\n"
		"        managed  %llu\n        cma      0\n        protection: (0, 0, 0, 0)\n",
		node, name, (unsigned long long)free, (unsigned long long)min,
		(unsigned long long)min + 1, (unsigned long long)min + 2, (unsigned long long)min + 3,
		(unsigned long long)present, (unsigned long long)present, (unsigned long long)present);
}

static void node_meminfo(int node, uint64_t total, uint64_t free, uint64_t act, uint64_t srecl)
{
	char rel[96], text[1024];

	snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/meminfo", node);
	snprintf(text, sizeof(text),
		 "Node %d MemTotal:       %llu kB\nNode %d MemFree:        %llu kB\n"
		 "Node %d MemUsed:        %llu kB\nNode %d Active(file):   %llu kB\n"
		 "Node %d Inactive(file): 0 kB\nNode %d Dirty:          0 kB\n"
		 "Node %d Writeback:      0 kB\nNode %d FilePages:      %llu kB\n"
		 "Node %d SReclaimable:   %llu kB\nNode %d SUnreclaim:     0 kB\n",
		 node, (unsigned long long)total, node, (unsigned long long)free, node,
		 (unsigned long long)(total - free), node, (unsigned long long)act, node, node,
		 node, node, (unsigned long long)act, node, (unsigned long long)srecl, node);
	put(rel, text);
}

static void make_tree(void)
{
	FILE *f;
	int n;

	assert_int_equal(system("rm -rf " TREE " && mkdir -p build && cp -r " FIXTURES "/two-node " TREE
				" && rm " TREE "/proc/pagetypeinfo"
				" && cp -r " TREE "/sys/devices/system/node/node1 " TREE "/sys/devices/system/node/node2"), 0);
	put("proc/buddyinfo",
	    "Node 0, zone   Normal   2048      0      0    256      0      0      0      0      4      2      1 \n"
	    "Node 1, zone   Normal 100000  50000      0      0      0      0      0      0    200      0      0 \n"
	    "Node 2, zone   Normal      0      0      0      0      0      0      0      0      0      0      2 \n");
	f = fopen(TREE "/proc/zoneinfo", "w");
	assert_non_null(f);
	for (n = 0; n < 3; n++) {
		static const uint64_t free[] = { 7168, 251200, 2048 }, min[] = { 256, 1024, 128 },
				      present[] = { 524288, 524288, 8192 };

		zone(f, n, "DMA", 0, 0, 0);
		zone(f, n, "DMA32", 0, 0, 0);
		zone(f, n, "Normal", free[n], min[n], present[n]);
		zone(f, n, "Movable", 0, 0, 0);
	}
	fclose(f);
	/* MemTotal = managed x 4 kB; MemFree = free pages x 4 kB */
	node_meminfo(0, 524288 * 4, 7168 * 4, 4096, 0);
	node_meminfo(1, 524288 * 4, 251200 * 4, 65536, 16384);
	node_meminfo(2, 8192 * 4, 2048 * 4, 0, 0);
	{
		char text[256];

		snprintf(text, sizeof(text), "MemTotal:       %d kB\nMemFree:        %d kB\nHugepagesize:       2048 kB\n",
			 (524288 + 524288 + 8192) * 4, (7168 + 251200 + 2048) * 4);
		put("proc/meminfo", text);
	}
	for (n = 0; n < 3; n++) {
		static const char *const files[] = { "nr_hugepages", "free_hugepages", "surplus_hugepages" };
		static const char *const sizes[] = { "2048kB", "1048576kB" };
		char rel[160];
		unsigned s, k;

		for (s = 0; s < 2; s++)
			for (k = 0; k < 3; k++) {
				snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/hugepages/hugepages-%s/%s",
					 n, sizes[s], files[k]);
				put(rel, n == 1 && s == 0 && k < 2 ? "2\n" : "0\n");
			}
	}
	put("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "2\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "2\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages", "0\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages_mempolicy", "2\n");
	put("sys/devices/system/node/online", "0-2\n");
	put("sys/devices/system/node/possible", "0-2\n");
	put("sys/devices/system/node/has_memory", "0-2\n");
	put("sys/devices/system/node/has_normal_memory", "0-2\n");
	put("sys/devices/system/node/has_cpu", "0-1\n");
	put("sys/devices/system/node/node2/cpulist", "\n");
	put("proc/sys/vm/compaction_proactiveness", "20\n");
	/* counters since boot: the tree's vmstat with stalls and failures */
	assert_int_equal(system("cd " TREE "/proc && sed -i"
				" -e 's/^nr_free_pages .*/nr_free_pages 260416/'"
				" -e 's/^compact_stall .*/compact_stall 120/'"
				" -e 's/^compact_success .*/compact_success 90/'"
				" -e 's/^compact_fail .*/compact_fail 25/'"
				" -e 's/^allocstall_normal .*/allocstall_normal 7/'"
				" -e 's/^allocstall_movable .*/allocstall_movable 5/'"
				" -e 's/^htlb_buddy_alloc_success .*/htlb_buddy_alloc_success 64/'"
				" -e 's/^htlb_buddy_alloc_fail .*/htlb_buddy_alloc_fail 3/'"
				" -e 's/^thp_fault_fallback .*/thp_fault_fallback 11/'"
				" -e 's/^compact_daemon_wake .*/compact_daemon_wake 6/' vmstat"), 0);
}

static void read_tree(struct snapshot *s)
{
	struct bc_error e = { 0 };

	if (snapshot_read(TREE, s, &e) != 0)
		fail_msg("%s", e.msg);
}

static void build(const struct snapshot *s, const char *policy_text, int proactiveness,
		  struct explain *ex)
{
	struct bc_error e = { 0 };
	struct policy pol;

	if (policy_load_string("test.conf", policy_text, &pol, &e) != 0 ||
	    policy_validate(&pol, s, &e) != 0)
		fail_msg("%s", e.msg);
	if (explain_build(s, &pol, proactiveness, ex, &e) != 0)
		fail_msg("%s", e.msg);
	policy_free(&pol);
}

static const struct size_verdict *size_of(const struct node_explain *x, uint64_t kb)
{
	unsigned i;

	for (i = 0; i < x->nr_sizes; i++)
		if (x->sizes[i].size_kb == kb)
			return &x->sizes[i];
	fail_msg("node %d: no verdict for %llu kB", x->node, (unsigned long long)kb);
	return NULL;
}

static void verdicts(void **state)
{
	const struct node_explain *x;
	const struct size_verdict *v;
	struct snapshot s;
	struct explain ex;

	(void)state;
	make_tree();
	read_tree(&s);
	build(&s, "", 20, &ex);
	assert_int_equal(ex.nr_nodes, 3);

	/*
	 * node 0, judged (auto) at the smallest hugepage order, 2M = 9.
	 * Blocks of 2M or more: 2 + 1 x 2 = 4, that is 2048 pages of 7168.
	 * unusable = (7168 - 2048) x 1000 / 7168 = 5120000 / 7168 = 714.28
	 * -> 714: warn (0.700 <= 0.714 < 0.900).
	 */
	x = explain_node(&ex, 0);
	assert_non_null(x);
	assert_int_equal(x->check.order, 9);
	assert_int_equal(x->check.unusable, 714);
	assert_int_equal(x->check.fragindex, -1000);
	assert_int_equal(x->check.blocks, 4);
	assert_int_equal(x->check.level, LEVEL_WARN);
	assert_string_equal(x->check.why, "unusable index 0.714 >= warn 0.700");
	assert_int_equal(x->largest_order, 10);
	/*
	 * score: extfrag(9) = 5120 x 100 / 7168 = 71.4 -> 71, weighted by
	 * present 524288 / (524288 + 1): 37224448 / 524289 = 70.99 -> 70;
	 * proactiveness 20: high mark min(80 + min(10, 40), 100) = 90; 70 is
	 * not above it.
	 */
	assert_int_equal(x->score, 70);
	assert_int_equal(ex.wmark_low, 80);
	assert_int_equal(ex.wmark_high, 90);
	assert_int_equal(x->proactive, PROACTIVE_IDLE);
	assert_int_equal(x->nr_sizes, 2);
	/*
	 * 2M: now = min(4 blocks, (7168 - min 256) / 512 = 13) = 4;
	 * compacted (7168 - 256) / 512 = 13; reclaimed (6912 + 4096 kB of
	 * cache = 1024 pages) / 512 = 7936 / 512 = 15.
	 */
	v = size_of(x, 2048);
	assert_true(v->judged && v->hugepage && !v->gigantic);
	assert_int_equal(v->reach, REACH_NOW);
	assert_int_equal(v->pages, 4);
	assert_int_equal(v->now, 4);
	assert_int_equal(v->compact, 13);
	assert_int_equal(v->reclaim, 15);
	/*
	 * 1G = 262144 pages: the one 4M block holds 1024 pages, 1024 >> 18 = 0;
	 * 6912 and 7936 pages make no 1G either; the node could hold
	 * (524288 - 256) x 4 / 1048576 = 1.99 -> 1 page: only at boot.
	 */
	v = size_of(x, 1048576);
	assert_true(v->gigantic && !v->judged);
	assert_int_equal(v->reach, REACH_BOOT);
	assert_int_equal(v->now + v->compact + v->reclaim, 0);
	assert_string_equal(x->text, "71.4% of free memory is in blocks smaller than 2M, the largest free "
			    "block is 4M: 2M pages can be had now (at most 4, per-CPU lists included, "
			    "within the watermarks); no 1G page can be had without a boot-time "
			    "reservation.");

	/*
	 * node 1: nothing of order 9 or more: unusable 1000, crit. Its
	 * fragmentation index: blocks 100000 + 50000 + 200 = 150200, free
	 * 251200 x 1000 / 512 = 490625; 1000 - (1000 + 490625) / 150200
	 * = 1000 - 3 = 997. Largest block order 8 (1M).
	 */
	x = explain_node(&ex, 1);
	assert_non_null(x);
	assert_int_equal(x->check.unusable, 1000);
	assert_int_equal(x->check.fragindex, 997);
	assert_int_equal(x->check.blocks, 0);
	assert_int_equal(x->check.level, LEVEL_CRIT);
	assert_int_equal(x->largest_order, 8);
	/* score: extfrag 100, 52428800 / 524289 = 99.99 -> 99, above 90 */
	assert_int_equal(x->score, 99);
	assert_int_equal(x->proactive, PROACTIVE_COMPACTING);
	/*
	 * 2M, beyond the pool of 2: now 0 (no block); compacted (251200 -
	 * 1024) / 512 = 488.6 -> 488; reclaimed (250176 + (65536 + 16384) /
	 * 4) / 512 = 270656 / 512 = 528.6 -> 528, below the capacity less the
	 * pool, (524288 - 1024) x 4 / 2048 - 2 = 1020.
	 */
	v = size_of(x, 2048);
	assert_int_equal(v->pool, 2);
	assert_int_equal(v->now, 0);
	assert_int_equal(v->compact, 488);
	assert_int_equal(v->reclaim, 528);
	assert_int_equal(v->reach, REACH_COMPACTION);
	assert_int_equal(v->pages, 488);
	/* 1G: 250176 >> 18 = 0 after compaction; 270656 >> 18 = 1 after reclaim */
	v = size_of(x, 1048576);
	assert_int_equal(v->compact, 0);
	assert_int_equal(v->reclaim, 1);
	assert_int_equal(v->reach, REACH_RECLAIM);
	assert_string_equal(x->text, "100.0% of free memory is in blocks smaller than 2M, the largest "
			    "free block is 1M: 2M pages need compaction (at most 488 beyond the 2 in the "
			    "pool); 1G pages: at most 1 at runtime, likely fewer (a boot-time "
			    "reservation is surer).");

	/*
	 * node 2: two 4M blocks, 2048 pages, all in blocks of 2M or more:
	 * unusable 0, ok; 2M now = min(4, (2048 - 128) / 512 = 3) = 3. 1G:
	 * capacity (8192 - 128) x 4 / 1048576 = 0: none fits.
	 */
	x = explain_node(&ex, 2);
	assert_non_null(x);
	assert_int_equal(x->check.unusable, 0);
	assert_int_equal(x->check.level, LEVEL_OK);
	assert_int_equal(x->score, 0);
	assert_int_equal(size_of(x, 2048)->now, 3);
	assert_int_equal(size_of(x, 1048576)->reach, REACH_NEVER);
	assert_string_equal(x->text, "0.0% of free memory is in blocks smaller than 2M, the largest free "
			    "block is 4M: 2M pages can be had now (at most 3, per-CPU lists included, "
			    "within the watermarks); no 1G page fits on this node.");
	explain_free(&ex);
	snapshot_free(&s);
}

/* A policy order that is no hugepage size is spoken of too, in blocks. */
static void judged_order(void **state)
{
	const struct node_explain *x;
	const struct size_verdict *v;
	struct snapshot s;
	struct explain ex;

	(void)state;
	make_tree();
	read_tree(&s);
	build(&s, "[fragmentation]\norder = 64K\n", 20, &ex);
	x = explain_node(&ex, 0);
	/*
	 * 64K is order 4: node 0's blocks of order 4 and up, in 64K units:
	 * 4 x 16 + 2 x 32 + 1 x 64 = 192, 3072 pages; unusable (7168 - 3072)
	 * x 1000 / 7168 = 571.4 -> 571: ok. now = min(192, (7168 - 256) / 16
	 * = 432) = 192.
	 */
	assert_int_equal(x->check.order, 4);
	assert_int_equal(x->check.unusable, 571);
	assert_int_equal(x->check.level, LEVEL_OK);
	assert_int_equal(x->nr_sizes, 3);
	v = &x->sizes[0];
	assert_int_equal(v->size_kb, 64);
	assert_true(v->judged && !v->hugepage);
	assert_int_equal(v->now, 192);
	assert_false(x->sizes[1].judged);
	assert_string_equal(x->text, "57.1% of free memory is in blocks smaller than 64K, the largest free "
			    "block is 4M: 64K blocks can be had now (at most 192, per-CPU lists included, "
			    "within the watermarks); 2M pages can be had now (at most 4, per-CPU lists "
			    "included, within the watermarks); no 1G page can be had without a "
			    "boot-time reservation.");
	explain_free(&ex);
	snapshot_free(&s);
}

/*
 * fragmentation_score_wmark() (mm/compaction.c): low = 100 - p, high =
 * min(low + min(10, low / 2), 100). Worked out for each p below.
 */
static void proactive_marks(void **state)
{
	struct snapshot s;
	struct explain ex;

	(void)state;
	/* p 20: low 80, high 80 + min(10, 40) = 90 */
	assert_int_equal(metrics_proactive_wmark(20, true), 80);
	assert_int_equal(metrics_proactive_wmark(20, false), 90);
	/* p 85: low 15, high 15 + min(10, 7) = 22 (kernels before 2025: 25) */
	assert_int_equal(metrics_proactive_wmark(85, false), 22);
	/* p 95: low 5, high 5 + min(10, 2) = 7 */
	assert_int_equal(metrics_proactive_wmark(95, true), 5);
	assert_int_equal(metrics_proactive_wmark(95, false), 7);
	/* p 100: low 0, high 0: any score above 0 */
	assert_int_equal(metrics_proactive_wmark(100, false), 0);
	/* p 1: low 99, high min(109, 100) = 100: no score is above it */
	assert_int_equal(metrics_proactive_wmark(1, false), 100);

	make_tree();
	read_tree(&s);
	/* 95: node 0 (70) and node 1 (99) above 7, node 2 (0) not */
	build(&s, "", 95, &ex);
	assert_int_equal(explain_node(&ex, 0)->proactive, PROACTIVE_COMPACTING);
	assert_int_equal(explain_node(&ex, 2)->proactive, PROACTIVE_IDLE);
	explain_free(&ex);
	/* 1: the high mark is 100, node 1's 99 is not above it */
	build(&s, "", 1, &ex);
	assert_int_equal(explain_node(&ex, 1)->proactive, PROACTIVE_IDLE);
	explain_free(&ex);
	build(&s, "", 0, &ex);
	assert_int_equal(explain_node(&ex, 1)->proactive, PROACTIVE_OFF);
	assert_int_equal(ex.wmark_high, -1);
	explain_free(&ex);
	build(&s, "", -1, &ex);
	assert_int_equal(explain_node(&ex, 1)->proactive, PROACTIVE_UNKNOWN);
	explain_free(&ex);
	snapshot_free(&s);
}

static void proactiveness_file(void **state)
{
	struct bc_error e = { 0 };
	int v;

	(void)state;
	assert_int_equal(proactiveness_parse("p", "20\n", 3, &v, &e), 0);
	assert_int_equal(v, 20);
	assert_int_equal(proactiveness_parse("p", "0\n", 2, &v, &e), 0);
	assert_int_equal(v, 0);
	assert_int_equal(proactiveness_parse("p", "101\n", 4, &v, &e), -BC_EDATA);
	assert_contains(e.msg, "p: 101 is not a proactiveness (0 to 100)");
	assert_int_equal(proactiveness_parse("p", "-1\n", 3, &v, &e), -BC_EDATA);
	make_tree();
	assert_int_equal(proactiveness_read(TREE, &v, &e), 0);
	assert_int_equal(v, 20);
	assert_int_equal(system("rm " TREE "/proc/sys/vm/compaction_proactiveness"), 0);
	assert_int_equal(proactiveness_read(TREE, &v, &e), 0);
	assert_int_equal(v, -1);
}

/* Render into a string. */
static char *render(int (*fn)(FILE *, const struct snapshot *, const struct outopts *),
		    const struct snapshot *s, const struct explain *ex)
{
	struct outopts o = { .explain = ex };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, s, &o), 0);
	fclose(f);
	return buf;
}

static void since_boot(void **state)
{
	struct snapshot s;
	char *t;

	(void)state;
	make_tree();
	read_tree(&s);
	t = render(status_text, &s, NULL);
	/*
	 * direct reclaim stalls are the sum of allocstall_*: normal 7 +
	 * movable 5 (dma, dma32, device 0) = 12
	 */
	assert_contains(t, "\nSince boot (/proc/vmstat)\n"
			"  direct compaction   120 stalls: 90 succeeded, 25 failed\n"
			"  direct reclaim      12 stalls\n"
			"  hugetlb pages       64 allocated from the buddy allocator, 3 failed\n"
			"  THP faults          11 served with small pages instead\n"
			"  kcompactd           6 runs\n");
	free(t);
	t = render(status_json, &s, NULL);
	assert_contains(t, "\"allocstall_normal\":7,\"allocstall_movable\":5,");
	assert_contains(t, "\"thp_fault_fallback\":11}");
	free(t);
	snapshot_free(&s);
	/* a kernel before 4.10: one allocstall counter */
	assert_int_equal(system("cd " TREE "/proc && sed -i -e '/^allocstall_/d' -e '$a allocstall 9' vmstat"), 0);
	read_tree(&s);
	t = render(status_text, &s, NULL);
	assert_contains(t, "  direct reclaim      9 stalls\n");
	free(t);
	snapshot_free(&s);
	/* no compaction counters (CONFIG_COMPACTION=n): no such line */
	assert_int_equal(system("cd " TREE "/proc && sed -i '/^compact_/d' vmstat"), 0);
	read_tree(&s);
	t = render(status_text, &s, NULL);
	if (strstr(t, "direct compaction") || strstr(t, "kcompactd"))
		fail_msg("compaction counters without compact_* lines: %s", t);
	free(t);
	snapshot_free(&s);
}

static void text_output(void **state)
{
	struct snapshot s;
	struct explain ex;
	char *t;

	(void)state;
	make_tree();
	read_tree(&s);
	build(&s, "", 20, &ex);
	t = render(status_text, &s, &ex);
	assert_contains(t, "check judges by the policy test.conf\n");
	/* check's own line: "node 0   warn  at 2M: unusable 0.714, 4 free 2M blocks; ..." */
	assert_contains(t, "Node 0: 28M free of 2.0G, largest free block 4M, compaction score 70\n"
			"  check:     warn at 2M: unusable 0.714, 4 free 2M blocks (unusable index 0.714\n"
			"             >= warn 0.700)\n"
			"  kcompactd: no proactive compaction now: score 70 is not above 90\n"
			"             (vm.compaction_proactiveness 20)\n"
			"  verdict:   71.4% of free memory is in blocks smaller than 2M, the largest\n"
			"             free block is 4M: 2M pages can be had now (at most 4, per-CPU\n"
			"             lists included, within the watermarks); no 1G page can be had\n"
			"             without a boot-time reservation.\n");
	assert_contains(t, "  kcompactd: compacts the node proactively: score 99 is above 90\n"
			"             (vm.compaction_proactiveness 20), until its zones are at 80 or\n"
			"             below\n");
	free(t);
	explain_free(&ex);
	/* proactiveness 0: no proactive compaction at all */
	build(&s, "", 0, &ex);
	t = render(status_text, &s, &ex);
	assert_contains(t, "  kcompactd: no proactive compaction: vm.compaction_proactiveness is 0\n");
	free(t);
	explain_free(&ex);
	/* unknown: nothing said */
	build(&s, "", -1, &ex);
	t = render(status_text, &s, &ex);
	if (strstr(t, "kcompactd:"))
		fail_msg("a kcompactd line without vm.compaction_proactiveness: %s", t);
	free(t);
	explain_free(&ex);
	snapshot_free(&s);
}

/*
 * The order table of node 0 (Normal: 2048 x 4K, 256 x 32K, 4 x 1M, 2 x 2M,
 * 1 x 4M; 7168 pages free). Memory = count x block size; share = pages x
 * 1000 / 7168 in tenths of a percent, truncated:
 *   order 0: 2048 pages = 8.0M, 2048000 / 7168 = 285.7 -> 28.5%
 *   order 3: 256 x 8 = 2048 pages, the same
 *   order 8: 4 x 256 = 1024 pages = 4.0M, 1024000 / 7168 = 142.8 -> 14.2%
 *   order 9: 2 x 512 = 1024, order 10: 1 x 1024 = 1024: the same
 */
static void order_table(void **state)
{
	struct snapshot s;
	struct explain ex;
	char *t;

	(void)state;
	make_tree();
	read_tree(&s);
	build(&s, "", 20, &ex);
	t = render(status_text, &s, &ex);
	assert_contains(t, "\n  free blocks: count, memory held, share of the zone's free memory\n"
			"  order size  Normal memory  share\n"
			"      0   4K    2048   8.0M  28.5%\n"
			"      1   8K       0      -      -\n"
			"      2  16K       0      -      -\n"
			"      3  32K     256   8.0M  28.5%\n"
			"      4  64K       0      -      -\n"
			"      5 128K       0      -      -\n"
			"      6 256K       0      -      -\n"
			"      7 512K       0      -      -\n"
			"      8   1M       4   4.0M  14.2%\n"
			"      9   2M       2   4.0M  14.2%\n"
			"     10   4M       1   4.0M  14.2%\n");
	free(t);
	explain_free(&ex);
	snapshot_free(&s);

	/*
	 * Four populated zones on node 0: 12 columns for order and size, and
	 * 1 + 7 + 1 + 6 + 1 + 6 = 22 per zone: three fit (78), the fourth
	 * (100) goes to a table of its own below.
	 */
	{
		FILE *f = fopen(TREE "/proc/buddyinfo", "w");

		assert_non_null(f);
		fputs("Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      1 \n"
		      "Node 0, zone    DMA32      0      0      0      0      0      0      0      0      0      0      1 \n"
		      "Node 0, zone   Normal   2048      0      0    256      0      0      0      0      4      2      1 \n"
		      "Node 0, zone  Movable      0      0      0      0      0      0      0      0      0      0      1 \n"
		      "Node 1, zone   Normal 100000  50000      0      0      0      0      0      0    200      0      0 \n"
		      "Node 2, zone   Normal      0      0      0      0      0      0      0      0      0      0      2 \n", f);
		fclose(f);
		f = fopen(TREE "/proc/zoneinfo", "w");
		assert_non_null(f);
		zone(f, 0, "DMA", 1024, 0, 4096);
		zone(f, 0, "DMA32", 1024, 0, 4096);
		zone(f, 0, "Normal", 7168, 256, 524288);
		zone(f, 0, "Movable", 1024, 0, 4096);
		zone(f, 1, "DMA", 0, 0, 0);
		zone(f, 1, "DMA32", 0, 0, 0);
		zone(f, 1, "Normal", 251200, 1024, 524288);
		zone(f, 1, "Movable", 0, 0, 0);
		zone(f, 2, "DMA", 0, 0, 0);
		zone(f, 2, "DMA32", 0, 0, 0);
		zone(f, 2, "Normal", 2048, 128, 8192);
		zone(f, 2, "Movable", 0, 0, 0);
		fclose(f);
		/* managed 524288 + 3 x 4096 = 536576 pages of 4 kB; free 7168 + 3 x 1024 */
		node_meminfo(0, 536576 * 4, 10240 * 4, 4096, 0);
	}
	read_tree(&s);
	build(&s, "", 20, &ex);
	t = render(status_text, &s, &ex);
	assert_contains(t, "  order size     DMA memory  share   DMA32 memory  share  Normal memory  share\n"
			"      0   4K       0      -      -       0      -      -    2048   8.0M  28.5%\n");
	/* the one 4M block is all of each small zone's free memory: 100.0% */
	assert_contains(t, "     10   4M       1   4.0M 100.0%       1   4.0M 100.0%       1   4.0M  14.2%\n"
			"\n  order size Movable memory  share\n"
			"      0   4K       0      -      -\n");
	free(t);
	explain_free(&ex);
	snapshot_free(&s);
}

/*
 * Colour says healthy or not. Node 0 is at warn, judged at order 9: its
 * order-0 and order-3 rows (28.5% each, below order 9) are yellow, its
 * order-9 and 10 rows (14.2%, from 5%, below 25%) plain green, empty rows
 * dim. Node 1 is crit: order 0, 100000 / 251200 = 39.8%, red. Node 2 is ok:
 * its 4M blocks hold all its free memory: bold green.
 */
static void colour(void **state)
{
	struct outopts o = { .color = true };
	struct snapshot s;
	struct explain ex;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	make_tree();
	read_tree(&s);
	build(&s, "", 20, &ex);
	o.explain = &ex;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(status_text(f, &s, &o), 0);
	fclose(f);
	assert_contains(buf, "  check:     \033[1;33mwarn\033[0m at 2M");
	assert_contains(buf, "      0   4K \033[33m   2048   8.0M  28.5%\033[0m\n"
			"      1   8K \033[2m      0      -      -\033[0m\n");
	assert_contains(buf, "      9   2M \033[32m      2   4.0M  14.2%\033[0m\n");
	assert_contains(buf, "  check:     \033[1;31mcrit\033[0m at 2M");
	assert_contains(buf, "      0   4K \033[31m 100000   391M  39.8%\033[0m\n");
	assert_contains(buf, "     10   4M \033[1;32m      2   8.0M 100.0%\033[0m\n");
	free(buf);
	explain_free(&ex);
	snapshot_free(&s);
}

/*
 * A zone without zoneinfo (a partial tree): no watermarks, no present pages.
 * What depends on them is not made up: the node's score and its sizes'
 * stages are unknown, the zone's watermarks "-", its Prometheus watermark
 * and managed series left out. What buddyinfo alone gives stays.
 */
static void without_zoneinfo(void **state)
{
	struct snapshot s;
	struct explain ex;
	struct zone *z;
	char *t;

	(void)state;
	make_tree();
	read_tree(&s);
	z = node_zone(snapshot_node(&s, 1), "Normal");
	assert_non_null(z);
	z->in_zoneinfo = false;
	build(&s, "", 20, &ex);
	assert_int_equal(explain_node(&ex, 1)->proactive, PROACTIVE_UNKNOWN);
	assert_int_equal(explain_node(&ex, 1)->sizes[0].reach, REACH_UNKNOWN);
	/* the check figure is buddyinfo's: 1.000 as before */
	assert_int_equal(explain_node(&ex, 1)->check.unusable, 1000);
	t = render(status_text, &s, &ex);
	assert_contains(t, "Node 1: 981M free of 2.0G, largest free block 1M, compaction score ?\n"
			"  check:     crit at 2M: unusable 1.000, 0 free 2M blocks (unusable index 1.000\n"
			"             >= warn 0.700; unusable index 1.000 >= crit 0.900)\n"
			"  verdict:   100.0% of free memory is in blocks smaller than 2M, the largest\n"
			"             free block is 1M: 2M pages: 0 free now (beyond that: unknown\n"
			"             without zoneinfo); 1G pages: unknown without zoneinfo.\n");
	assert_contains(t, "  Normal    981M      1M       1.000      0.997      ?      ?      ?\n");
	/* node 0 keeps its figures */
	assert_contains(t, "Node 0: 28M free of 2.0G, largest free block 4M, compaction score 70\n");
	free(t);
	t = render(status_json, &s, &ex);
	assert_contains(t, "\"proactive_compaction\":null,\"check\":{\"level\":\"crit\"");
	assert_contains(t, "\"reach\":\"unknown\",\"pages\":0,");
	free(t);
	t = render(status_prometheus, &s, &ex);
	if (strstr(t, "buddyctl_zone_watermark_bytes{node=\"1\"") ||
	    strstr(t, "buddyctl_zone_managed_bytes{node=\"1\""))
		fail_msg("watermarks of a zone without zoneinfo: %s", t);
	assert_contains(t, "buddyctl_zone_watermark_bytes{node=\"0\",zone=\"Normal\",level=\"min\"} 1048576\n");
	free(t);
	explain_free(&ex);
	snapshot_free(&s);
}

static void json_and_prometheus(void **state)
{
	struct snapshot s;
	struct explain ex;
	char *t;

	(void)state;
	make_tree();
	read_tree(&s);
	build(&s, "", 20, &ex);
	t = render(status_json, &s, &ex);
	assert_contains(t, "\"proactive_compaction\":{\"proactiveness\":20,\"start_above\":90,\"stop_at\":80},"
			"\"policy\":\"test.conf\"");
	assert_contains(t, "\"compaction_score\":70,\"proactive_compaction\":false,"
			"\"check\":{\"level\":\"warn\",\"order\":9,\"unusable_index\":714,"
			"\"fragmentation_index\":-1000,\"free_blocks_at_order\":4,"
			"\"why\":\"unusable index 0.714 >= warn 0.700\"},"
			"\"verdict\":{\"text\":\"71.4% of free memory");
	assert_contains(t, "\"sizes\":[{\"size_kb\":2048,\"order\":9,\"hugepage\":true,\"gigantic\":false,"
			"\"judged\":true,\"reach\":\"now\",\"pages\":4,\"now\":4,\"after_compaction\":13,"
			"\"after_reclaim\":15},{\"size_kb\":1048576,\"order\":18,\"hugepage\":true,"
			"\"gigantic\":true,\"judged\":false,\"reach\":\"boot-time-only\",\"pages\":0,\"now\":0,"
			"\"after_compaction\":0,\"after_reclaim\":0}]}");
	assert_contains(t, "\"compaction_score\":99,\"proactive_compaction\":true,"
			"\"check\":{\"level\":\"crit\",\"order\":9,\"unusable_index\":1000,"
			"\"fragmentation_index\":997,");
	assert_contains(t, "\"reach\":\"compaction\",\"pages\":488,\"now\":0,\"after_compaction\":488,"
			"\"after_reclaim\":528}");
	assert_contains(t, "\"reach\":\"reclaim\",\"pages\":1,");
	assert_contains(t, "\"reach\":\"never\",");
	assert_contains(t, "\"allocstall_normal\":7,\"allocstall_movable\":5,");
	free(t);
	t = render(status_prometheus, &s, &ex);
	/* the thousandths as ratios: 714 -> 0.714, 1000 -> 1.000, 0 -> 0.000 */
	assert_contains(t, "buddyctl_node_unusable_free_ratio{node=\"0\",order=\"9\"} 0.714\n"
			"buddyctl_node_unusable_free_ratio{node=\"1\",order=\"9\"} 1.000\n"
			"buddyctl_node_unusable_free_ratio{node=\"2\",order=\"9\"} 0.000\n");
	assert_contains(t, "buddyctl_compaction_proactiveness 20\n");
	assert_contains(t, "buddyctl_compaction_proactive_start_ratio 0.90\n");
	free(t);
	explain_free(&ex);
	/* off: the proactiveness, no start mark */
	build(&s, "", 0, &ex);
	t = render(status_prometheus, &s, &ex);
	assert_contains(t, "buddyctl_compaction_proactiveness 0\n");
	if (strstr(t, "proactive_start_ratio"))
		fail_msg("a start mark with proactiveness 0");
	free(t);
	t = render(status_json, &s, &ex);
	assert_contains(t, "\"proactive_compaction\":{\"proactiveness\":0,\"start_above\":null,\"stop_at\":null}");
	free(t);
	explain_free(&ex);
	snapshot_free(&s);
}

/* Run the binary: exit status, stdout and stderr. */
static int run(const char *const *args, char *out, size_t outsz, char *err, size_t errsz)
{
	const char *bin = getenv("BUDDYCTL") ? getenv("BUDDYCTL") : "./buddyctl";
	char cmd[2048], *p = cmd;
	FILE *f;
	size_t n;
	int st, i;

	p += snprintf(p, sizeof(cmd), "NO_COLOR=1 %s", bin);
	for (i = 0; args[i]; i++)
		p += snprintf(p, sizeof(cmd) - (size_t)(p - cmd), " '%s'", args[i]);
	snprintf(p, sizeof(cmd) - (size_t)(p - cmd), " >build/explain.out 2>build/explain.err");
	st = system(cmd);
	f = fopen("build/explain.out", "r");
	n = fread(out, 1, outsz - 1, f);
	out[n] = '\0';
	fclose(f);
	f = fopen("build/explain.err", "r");
	n = fread(err, 1, errsz - 1, f);
	err[n] = '\0';
	fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void command_line(void **state)
{
	static char out[1 << 16], err[4096];

	(void)state;
	make_tree();
	{
		/* status judges by the policy given, as check does */
		const char *a[] = { "status", "--root", TREE, "-c", "tests/policies/defaults.conf", NULL };

		assert_int_equal(run(a, out, sizeof(out), err, sizeof(err)), 0);
		assert_contains(out, "check judges by the policy tests/policies/defaults.conf\n");
		assert_contains(out, "  check:     crit at 2M: unusable 1.000, 0 free 2M blocks");
		assert_string_equal(err, "");
	}
	{
		const char *a[] = { "check", "--root", TREE, "-c", "tests/policies/defaults.conf", NULL };

		/* check's findings: the same figures */
		assert_int_equal(run(a, out, sizeof(out), err, sizeof(err)), 2);
		assert_contains(out, "node 0   warn  at 2M: unusable 0.714, 4 free 2M blocks");
		assert_contains(out, "node 1   crit  at 2M: unusable 1.000, 0 free 2M blocks");
	}
	{
		/* a --config that cannot be used is an error, as for check */
		const char *a[] = { "status", "--root", TREE, "-c", "/nonexistent.conf", NULL };

		assert_int_equal(run(a, out, sizeof(out), err, sizeof(err)), 78);
		assert_string_equal(out, "");
		assert_contains(err, "/nonexistent.conf: No such file or directory");
	}
	{
		/* a malformed proactiveness is bad kernel data */
		const char *a[] = { "status", "--root", TREE, "-c", "tests/policies/defaults.conf", NULL };

		put("proc/sys/vm/compaction_proactiveness", "200\n");
		assert_int_equal(run(a, out, sizeof(out), err, sizeof(err)), 65);
		assert_contains(err, "compaction_proactiveness: 200 is not a proactiveness (0 to 100)");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdicts),
		cmocka_unit_test(judged_order),
		cmocka_unit_test(proactive_marks),
		cmocka_unit_test(proactiveness_file),
		cmocka_unit_test(since_boot),
		cmocka_unit_test(text_output),
		cmocka_unit_test(order_table),
		cmocka_unit_test(colour),
		cmocka_unit_test(without_zoneinfo),
		cmocka_unit_test(json_and_prometheus),
		cmocka_unit_test(command_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
