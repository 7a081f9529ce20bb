/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * estimate_node() on a small two-node tree whose numbers are simple enough
 * to work every figure out by hand (below, next to each assertion), and
 * `buddyctl estimate` on it as a subprocess (text and JSON).
 *
 * The tree (4K pages, 11 orders, pageblock order 9; 2M is order 9, 1G 18):
 *
 * node 0  DMA32   free 11364 = 100 x 1 + 2 x 512 + 10 x 1024, all Movable
 *                 + 512 on per-CPU lists (zoneinfo pagesets: 384 + 128)
 *                 min 1000, protection[Movable] 500, present 20000
 *         Normal  free 8872 = 3000 x 1 + 1000 x 2 + 100 x 8 + 4 x 512 + 1 x 1024
 *                 Unmovable lists: 1000 x order 0; Reclaimable: 500 x order 1;
 *                 the rest Movable. min 800, present 30000, managed 29000.
 *                 pageblocks: 10 Unmovable, 100 Movable, 5 Reclaimable
 *         meminfo Active(file) 8192 kB, Inactive(file) 4096, Dirty 2048,
 *                 SReclaimable 4096; 2M pool 5
 * node 1  Normal  free 615400 = 1000 x 1 + 600 x 1024; Unmovable lists 1000 x 0
 *                 min 2000, present 1048576, managed 1046576;
 *                 pageblocks 300 Unmovable, 1500 Movable, 248 Reclaimable
 *         meminfo Active(file) 1048576 kB; 2M pool 0
 * /proc/meminfo MemFree is the nodes' MemFree + 8192 kB: not yet in buddy.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "estimate.h"
#include "plan.h"
#include "snapshot_read.h"

#define TREE "build/est"

static void put(const char *rel, const char *text)
{
	tree_put(TREE, rel, text);
}

static void zone(FILE *f, int node, const char *name, uint64_t free, uint64_t min,
		 uint64_t present, uint64_t managed, const char *prot, unsigned pcp)
{
	fprintf(f, "Node %d, zone %8s\n  pages free     %llu\n        boost    0\n"
		"        min      %llu\n        low      %llu\n        high     %llu\n"
		"        promo    %llu\n        spanned  %llu\n        present  %llu\n"
		"        managed  %llu\n        cma      0\n        protection: (%s)\n",
		node, name, (unsigned long long)free, (unsigned long long)min,
		(unsigned long long)min + 1, (unsigned long long)min + 2, (unsigned long long)min + 3,
		(unsigned long long)present, (unsigned long long)present,
		(unsigned long long)managed, prot);
	if (pcp)	/* two CPUs' pagesets */
		fprintf(f, "  pagesets\n    cpu: 0\n              count:    %u\n              high:     600\n"
			"              batch:    63\n  vm stats threshold: 40\n    cpu: 1\n"
			"              count:    %u\n              high:     600\n", pcp - pcp / 4, pcp / 4);
}

static void node_meminfo(int node, uint64_t total, uint64_t free, uint64_t act, uint64_t inact,
			 uint64_t dirty, uint64_t srecl)
{
	char rel[96], text[1024];

	snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/meminfo", node);
	snprintf(text, sizeof(text),
		 "Node %d MemTotal:       %llu kB\nNode %d MemFree:        %llu kB\n"
		 "Node %d MemUsed:        %llu kB\nNode %d Active(file):   %llu kB\n"
		 "Node %d Inactive(file): %llu kB\nNode %d Dirty:          %llu kB\n"
		 "Node %d Writeback:      0 kB\nNode %d FilePages:      %llu kB\n"
		 "Node %d SReclaimable:   %llu kB\nNode %d SUnreclaim:     0 kB\n",
		 node, (unsigned long long)total, node, (unsigned long long)free, node,
		 (unsigned long long)(total - free), node, (unsigned long long)act, node,
		 (unsigned long long)inact, node, (unsigned long long)dirty, node, node,
		 (unsigned long long)(act + inact), node, (unsigned long long)srecl, node);
	put(rel, text);
}

static const char ptype_head[] =
	"Page block order: 9\nPages per block:  512\n\n"
	"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n";

static void make_tree(bool with_pagetypeinfo)
{
	FILE *f;

	assert_int_equal(system("rm -rf " TREE " && mkdir -p build && cp -r " FIXTURES "/two-node " TREE), 0);
	put("proc/buddyinfo",
	    "Node 0, zone    DMA32    100      0      0      0      0      0      0      0      0      2     10 \n"
	    "Node 0, zone   Normal   3000   1000      0    100      0      0      0      0      0      4      1 \n"
	    "Node 1, zone   Normal   1000      0      0      0      0      0      0      0      0      0    600 \n");
	f = fopen(TREE "/proc/zoneinfo", "w");
	assert_non_null(f);
	zone(f, 0, "DMA", 0, 0, 0, 0, "0, 0, 0, 0, 0", 0);
	zone(f, 0, "DMA32", 11364, 1000, 20000, 20000, "0, 0, 500, 500, 500", 512);
	zone(f, 0, "Normal", 8872, 800, 30000, 29000, "0, 0, 0, 0, 0", 0);
	zone(f, 0, "Movable", 0, 0, 0, 0, "0, 0, 0, 0, 0", 0);
	zone(f, 1, "DMA", 0, 0, 0, 0, "0, 0, 0, 0, 0", 0);
	zone(f, 1, "DMA32", 0, 0, 0, 0, "0, 0, 0, 0, 0", 0);
	zone(f, 1, "Normal", 615400, 2000, 1048576, 1046576, "0, 0, 0, 0, 0", 0);
	zone(f, 1, "Movable", 0, 0, 0, 0, "0, 0, 0, 0, 0", 0);
	fclose(f);
	if (with_pagetypeinfo) {
		f = fopen(TREE "/proc/pagetypeinfo", "w");
		assert_non_null(f);
		fprintf(f, "%s%s", ptype_head,
			"Node    0, zone    DMA32, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
			"Node    0, zone    DMA32, type      Movable    100      0      0      0      0      0      0      0      0      2     10 \n"
			"Node    0, zone    DMA32, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
			"Node    0, zone    DMA32, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
			"Node    0, zone   Normal, type    Unmovable   1000      0      0      0      0      0      0      0      0      0      0 \n"
			"Node    0, zone   Normal, type      Movable   2000    500      0    100      0      0      0      0      0      4      1 \n"
			"Node    0, zone   Normal, type  Reclaimable      0    500      0      0      0      0      0      0      0      0      0 \n"
			"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
			"\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic \n"
			"Node 0, zone    DMA32            0           40            0            0 \n"
			"Node 0, zone   Normal           10          100            5            0 \n");
		fprintf(f, "%s%s", ptype_head,
			"Node    1, zone   Normal, type    Unmovable   1000      0      0      0      0      0      0      0      0      0      0 \n"
			"Node    1, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0    600 \n"
			"Node    1, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
			"Node    1, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
			"\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic \n"
			"Node 1, zone   Normal          300         1500          248            0 \n");
		fclose(f);
	} else {
		assert_int_equal(system("rm " TREE "/proc/pagetypeinfo"), 0);
	}
	/* MemTotal = managed x 4 kB; MemFree = free pages x 4 kB */
	node_meminfo(0, 49000 * 4, (11364 + 8872) * 4, 8192, 4096, 2048, 4096);
	node_meminfo(1, 1046576 * 4, 615400 * 4, 1048576, 0, 0, 0);
	{
		char text[256];

		snprintf(text, sizeof(text), "MemTotal:       %d kB\nMemFree:        %d kB\n",
			 (49000 + 1046576) * 4 + 8192, (11364 + 8872 + 615400) * 4 + 8192);
		put("proc/meminfo", text);
	}
	put("sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "5\n");
	put("sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
	put("sys/devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages", "0\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "5\n");
}

static void read_tree(struct snapshot *s)
{
	struct bc_error e = { 0 };

	if (snapshot_read(TREE, s, &e) != 0)
		fail_msg("%s", e.msg);
}

static void est(const struct snapshot *s, int node, uint64_t kb, struct estimate *e)
{
	assert_int_equal(estimate_node(s, snapshot_node(s, node), kb, e), 0);
}

static void two_megabytes(void **state)
{
	struct snapshot s;
	struct estimate e;

	(void)state;
	make_tree(true);
	read_tree(&s);
	assert_int_equal(s.page_size, 4096);
	/* 8192 kB free in /proc/meminfo is in no node's buddy allocator */
	assert_int_equal(estimate_not_in_buddy_kb(&s), 8192);

	est(&s, 0, 2048, &e);
	assert_int_equal(e.order, 9);
	assert_false(e.gigantic);
	assert_int_equal(e.pool, 5);
	/*
	 * now: DMA32 has 2 + 10 x 2 = 22 blocks of 2M, and its 512 per-CPU
	 * pages could make one more (23), but it must keep min 1000 +
	 * protection 500: (11364 + 512 - 1500) / 512 = 20.
	 * Normal: 4 + 1 x 2 = 6 blocks, room (8872 - 800) / 512 = 15: 6.
	 * 20 + 6 + the pool's 5 = 31.
	 */
	assert_int_equal(e.pcp_kb, 512 * 4);
	assert_int_equal(e.now, 31);
	/*
	 * compacted: Normal's small blocks in Unmovable (1000) and
	 * Reclaimable (500 x 2) lists stay: (8872 - max(800, 2000)) / 512
	 * = 13; DMA32 20 as before: 20 + 13 + 5 = 38.
	 */
	assert_int_equal(e.compact, 38);
	assert_int_equal(e.stuck_kb, 2000 * 4);
	assert_int_equal(e.stuck_reclaimable_kb, 1000 * 4);
	/*
	 * reclaimed: DMA32 11876 - 1500 = 10376; Normal 8872 - max(800, 1000
	 * unmovable) = 7872; clean cache 8192 + 4096 - 2048 = 10240 kB =
	 * 2560 pages; slab 4096 kB = 1024; not in buddy: node 0 takes up to
	 * its present - managed, 1000 pages (4000 kB) of the 8192 kB.
	 * (10376 + 7872 + 2560 + 1024 + 1000) / 512 = 22832 / 512 = 44; + 5 = 49.
	 */
	assert_int_equal(e.cache_kb, 10240);
	assert_int_equal(e.slab_kb, 4096);
	assert_int_equal(e.not_in_buddy_kb, 4000);
	assert_int_equal(e.reclaim, 49);
	/* capacity: (20000 - 1000) x 4 / 2048 = 37 + (30000 - 800) x 4 / 2048 = 57 */
	assert_int_equal(e.capacity, 94);
	assert_true(e.notes & EST_NOT_IN_BUDDY);
	assert_false(e.notes & EST_NO_PAGETYPEINFO);

	est(&s, 1, 2048, &e);
	/*
	 * node 1: 600 x 2 = 1200 blocks of 2M, but room for only
	 * (615400 - 2000) / 512 = 1198: the watermark decides.
	 */
	assert_int_equal(e.now, 1198);
	assert_int_equal(e.compact, 1198);	/* stuck 1000 < min 2000 */
	/*
	 * reclaimed: 613400 + 1 GiB of cache (262144 pages) + the rest of
	 * the not-in-buddy memory, 8192 - 4000 = 4192 kB (1048 pages; node 1
	 * could take 2000): 876592 / 512 = 1712.
	 */
	assert_int_equal(e.not_in_buddy_kb, 4192);
	assert_int_equal(e.reclaim, 1712);
	snapshot_free(&s);
}

/*
 * The estimate again once compaction has run (estimate_revise(); the
 * executor reads the tree after its first compaction): node 0 for 2M, now
 * 31 as before; what reclaim can still add, clean cache 10240 + slab 4096
 * + not in buddy 4000 = 18336 kB, 8 pages: 39, below the estimate's 49.
 * Free in blocks below 2M: DMA32 100 pages, Normal 3000 + 1000 x 2 + 100
 * x 8 = 5800: 5900 pages, 23600 kB. Never above the first estimate after
 * reclaim, never below now.
 */
static void revised_after_compaction(void **state)
{
	struct estimate_revision rev;
	struct snapshot s;
	struct estimate e;

	(void)state;
	make_tree(true);
	read_tree(&s);
	est(&s, 0, 2048, &e);
	assert_int_equal(estimate_revise(&s, 0, &e, &rev), 0);
	assert_int_equal(rev.now, 31);
	assert_int_equal(rev.reclaim, 39);
	assert_int_equal(rev.small_kb, 23600);
	e.reclaim = 35;		/* the first estimate after reclaim bounds it */
	assert_int_equal(estimate_revise(&s, 0, &e, &rev), 0);
	assert_int_equal(rev.reclaim, 35);
	e.reclaim = 20;		/* and now is the least */
	assert_int_equal(estimate_revise(&s, 0, &e, &rev), 0);
	assert_int_equal(rev.reclaim, 31);
	/* none for a node that is not there, or for gigantic pages */
	assert_int_equal(estimate_revise(&s, 7, &e, &rev), -1);
	est(&s, 1, 1048576, &e);
	assert_int_equal(estimate_revise(&s, 1, &e, &rev), -1);
	snapshot_free(&s);
	assert_int_equal(system("rm -rf " TREE), 0);
}

static void one_gigabyte(void **state)
{
	struct snapshot s;
	struct estimate e;

	(void)state;
	make_tree(true);
	read_tree(&s);
	est(&s, 1, 1048576, &e);
	assert_int_equal(e.order, 18);
	assert_true(e.gigantic);
	assert_true(e.notes & EST_GIGANTIC);
	/*
	 * now: 600 blocks of 4M are 2.3 x 1G: 2. compacted: free
	 * (615400 - 2000) / 262144 = 2, and 1500 movable pageblocks make
	 * 1500 / 512 = 2 aligned ranges at most: 2. reclaimed: + 1 GiB of
	 * cache, (613400 + 262144) / 262144 = 3 (no not-in-buddy memory for
	 * gigantic pages), and 1500 + 248 reclaimable pageblocks / 512 = 3.
	 */
	assert_int_equal(e.now, 2);
	assert_int_equal(e.compact, 2);
	assert_int_equal(e.reclaim, 3);
	assert_int_equal(e.not_in_buddy_kb, 0);
	assert_int_equal(e.pageblocks_movable, 1500);
	assert_int_equal(e.pageblocks_unmovable, 548);
	/* capacity: (1048576 - 2000) x 4 kB / 1 GiB = 3 */
	assert_int_equal(e.capacity, 3);

	/* node 0 has no 4M block to put together: nothing now */
	est(&s, 0, 1048576, &e);
	assert_int_equal(e.now, 0);
	assert_int_equal(e.compact, 0);
	snapshot_free(&s);
}

/* Without pagetypeinfo (not root) the compaction bound is looser, and says so. */
static void without_pagetypeinfo(void **state)
{
	struct snapshot s;
	struct estimate e;

	(void)state;
	make_tree(false);
	read_tree(&s);
	est(&s, 0, 2048, &e);
	assert_true(e.notes & EST_NO_PAGETYPEINFO);
	assert_int_equal(e.now, 31);
	/* Normal: (8872 - 800) / 512 = 15 instead of 13: 20 + 15 + 5 = 40 */
	assert_int_equal(e.compact, 40);
	assert_int_equal(e.stuck_kb, 0);
	est(&s, 1, 1048576, &e);
	assert_int_equal(e.pageblocks_movable, -1);	/* unknown */
	snapshot_free(&s);
}

/* A size that is no hugepage of this machine: refused, not estimated. */
static void odd_size(void **state)
{
	struct snapshot s;
	struct estimate e;

	(void)state;
	make_tree(true);
	read_tree(&s);
	assert_int_equal(estimate_node(&s, snapshot_node(&s, 0), 3072, &e), -1);
	snapshot_free(&s);
}

static int run_cli(const char *args, char *out, size_t size)
{
	const char *bin = getenv("BUDDYCTL") ? getenv("BUDDYCTL") : "./buddyctl";
	char cmd[512];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "%s --root " TREE " %s 2>&1", bin, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void command(void **state)
{
	static char out[16384];
	char *line;

	(void)state;
	make_tree(true);
	assert_int_equal(run_cli("estimate -f json 2M", out, sizeof(out)), 0);
	assert_contains(out, "\"command\":\"estimate\"");
	assert_contains(out, "{\"node\":0,\"size_kb\":2048,\"order\":9,\"gigantic\":false,\"pool\":5,"
			     "\"now\":31,\"after_compaction\":38,\"after_reclaim\":49,\"capacity\":94,");
	assert_contains(out, "\"not_in_buddy_kb\":8192,");
	assert_contains(out, "\"notes\":[\"not_in_buddy\"]");

	assert_int_equal(run_cli("estimate --node 1", out, sizeof(out)), 0);
	assert_contains(out, "   1    2M         0      1198       1198       1712       2044\n");
	assert_contains(out, "   1    1G         0         2*         2*         3*         3\n");
	assert_contains(out, "Node 1, 1G pages (order 18)");
	assert_true(strstr(out, "Node 0,") == NULL);
	/* for people: nothing wider than 80 columns */
	for (line = out; *line; ) {
		size_t len = strcspn(line, "\n");

		if (len > 80)
			fail_msg("line wider than 80 columns: %.*s", (int)len, line);
		line += len + (line[len] == '\n');
	}

	assert_int_equal(run_cli("estimate 3M", out, sizeof(out)), 64);
	assert_contains(out, "estimate: 3M is not a power-of-two multiple of the 4096-byte page");
	assert_int_equal(run_cli("estimate 2X", out, sizeof(out)), 64);
	assert_contains(out, "estimate: bad size '2X'");
	assert_int_equal(run_cli("estimate --node 7", out, sizeof(out)), 64);
	assert_contains(out, "--node: node 7 does not exist");
	assert_int_equal(system("rm -rf " TREE), 0);
}


/*
 * plan_escalation() on the tree: the steps follow from the estimate;
 * plan_reserve_steps() makes them the plan's list (caches synced first).
 */
static struct action reserve_on(const struct snapshot *s, int node, uint64_t kb, uint64_t target,
				bool allow_drop)
{
	struct action a;
	const struct hugepool *p = node_pool(snapshot_node(s, node), kb);

	memset(&a, 0, sizeof(a));
	a.kind = ACT_RESERVE;
	a.node = node;
	a.size_kb = kb;
	a.target = target;
	a.current = p ? p->nr : 0;
	a.keep = true;
	plan_escalation(&a, s, -1, allow_drop, false);
	plan_reserve_steps(&a, s, true);
	return a;
}

static void chosen_escalation(void **state)
{
	struct snapshot s;
	struct action a;

	(void)state;
	make_tree(true);
	/* without vm/stat_refresh, no drain-pcp, and the plan says why */
	read_tree(&s);
	assert_false(s.stat_refresh);
	a = reserve_on(&s, 0, 2048, 35, false);
	assert_int_equal(a.ladder.s[0], STEP_COMPACT_NODE);
	assert_contains(a.not_planned, "drain-pcp: this kernel has no vm/stat_refresh");
	snapshot_free(&s);

	put("proc/sys/vm/stat_refresh", "");
	read_tree(&s);
	assert_true(s.stat_refresh);
	assert_false(s.node_reclaim);	/* the fixture has no nodeN/reclaim */

	/* 35 on node 0: now 31, after compaction 38: compact before the write */
	a = reserve_on(&s, 0, 2048, 35, false);
	assert_true(a.chosen);
	assert_true(a.compact_first);
	assert_false(a.unreachable);
	assert_int_equal(a.rounds, CHOSEN_ROUNDS);
	/*
	 * the per-CPU lists hold 512 pages, 2048 kB: one 2M page, so each
	 * round starts by draining them; no nodeN/reclaim and drop_caches not
	 * allowed: then only compaction
	 */
	assert_int_equal(a.ladder.n, 3);
	assert_int_equal(a.ladder.s[0], STEP_DRAIN_PCP);
	assert_int_equal(a.ladder.s[1], STEP_COMPACT_NODE);
	assert_int_equal(a.ladder.s[2], STEP_REWRITE_BURST);
	/*
	 * the steps as the plan carries them: the compaction first, the
	 * write of all 35 (35 <= 38 after compaction), and each round drains
	 * the lists, compacts and writes, then rewrites until 64 writes gain
	 * nothing. Every figure the estimate allows: 38 after compaction.
	 */
	assert_int_equal(a.nr_steps, 5);
	assert_int_equal(a.steps[0].step, STEP_COMPACT_NODE);
	assert_int_equal(a.steps[0].when, WHEN_FIRST);
	assert_false(a.steps[0].then_write);
	assert_string_equal(a.steps[0].file, "sys/devices/system/node/node0/compact");
	assert_string_equal(a.steps[0].what, "compact node 0");
	assert_int_equal(a.steps[0].expect, 38);
	assert_int_equal(a.steps[1].step, STEP_NONE);
	assert_int_equal(a.steps[1].when, WHEN_ALWAYS);
	assert_int_equal(a.steps[1].write_max, 35);
	assert_false(a.steps[1].write_room);
	assert_string_equal(a.steps[1].what, "write 35");
	assert_string_equal(a.steps[1].file, "sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages");
	assert_int_equal(a.steps[1].expect, 38);
	assert_int_equal(a.steps[2].step, STEP_DRAIN_PCP);
	assert_int_equal(a.steps[2].when, WHEN_SHORT);
	assert_false(a.steps[2].then_write);	/* the compaction after it writes */
	assert_string_equal(a.steps[2].file, "proc/sys/vm/stat_refresh");
	assert_string_equal(a.steps[2].cost, "drops no cache; 2048 KiB on them now; repeated while MemFree grows");
	assert_int_equal(a.steps[3].step, STEP_COMPACT_NODE);
	assert_true(a.steps[3].then_write);
	assert_int_equal(a.steps[3].write_max, 35);
	assert_int_equal(a.steps[4].step, STEP_REWRITE_BURST);
	assert_false(a.steps[4].then_write);	/* it writes, again and again */
	assert_string_equal(a.steps[4].what, "write 35 again until 64 writes in a row gain nothing");
	assert_string_equal(a.if_short, "up to 8 rounds of: drain per-CPU lists, compact node 0, "
			    "rewrite until 64 writes gain nothing");
	assert_contains(a.not_planned, "reclaim: this kernel has no nodeN/reclaim, and dropping caches on every node is not allowed");

	/* allowed: drop_caches on every node, page cache (10240 kB) > slab (4096 + 4000) */
	a = reserve_on(&s, 0, 2048, 35, true);
	assert_int_equal(a.ladder.n, 4);
	assert_int_equal(a.ladder.s[0], STEP_DRAIN_PCP);
	assert_int_equal(a.ladder.s[1], STEP_DROP_PAGECACHE);
	assert_int_equal(a.ladder.s[2], STEP_COMPACT_NODE);
	assert_int_equal(a.ladder.s[3], STEP_REWRITE_BURST);
	/*
	 * the drop, synced first, costs every node's clean page cache:
	 * Active(file) + Inactive(file) of the tree's meminfo
	 */
	assert_int_equal(a.steps[3].step, STEP_DROP_PAGECACHE);
	assert_true(a.steps[3].sync);
	assert_false(a.steps[3].then_write);	/* reclaim makes room, the compaction writes */
	assert_string_equal(a.steps[3].file, "proc/sys/vm/drop_caches");
	assert_string_equal(a.steps[3].what, "drop clean page cache on every node (sync first)");
	assert_int_equal(a.steps[3].drops_kb, s.meminfo.v[MI_ACTIVE_FILE] + s.meminfo.v[MI_INACTIVE_FILE]);
	assert_int_equal(a.steps[3].expect, 49);	/* after reclaim */
	assert_true(a.steps[4].then_write);
	assert_int_equal(a.steps[4].expect, 49);	/* a compaction after the reclaim */

	/* 4M pages: 2048 kB on the per-CPU lists is less than one: no drain */
	a = reserve_on(&s, 0, 4096, 10, false);
	assert_true(a.ladder.n == 0 || a.ladder.s[0] != STEP_DRAIN_PCP);
	assert_contains(a.not_planned, "drain-pcp: the per-CPU lists hold 2048 KiB, less than one page");

	/* 20: free blocks hold 31 already, no compaction first */
	a = reserve_on(&s, 0, 2048, 20, false);
	assert_false(a.compact_first);
	assert_contains(a.not_planned, "compaction first: 31 pages can be had now, the pool included (estimate's now)");

	/* 60 > 49 after reclaim: said up front */
	a = reserve_on(&s, 0, 2048, 60, false);
	assert_true(a.unreachable);

	/* shrinking: nothing to escalate, no step: its one write asks for the target */
	a = reserve_on(&s, 0, 2048, 2, false);
	assert_int_equal(a.ladder.n, 0);
	assert_false(a.compact_first);
	assert_int_equal(a.nr_steps, 0);
	assert_string_equal(a.if_short, "");
	snapshot_free(&s);

	/* a kernel with nodeN/reclaim: reclaim on the node, sized, then compact */
	put("sys/devices/system/node/node0/reclaim", "");
	put("sys/devices/system/node/node1/reclaim", "");
	read_tree(&s);
	assert_true(s.node_reclaim);
	a = reserve_on(&s, 0, 2048, 35, false);
	assert_int_equal(a.ladder.n, 4);
	assert_int_equal(a.ladder.s[0], STEP_DRAIN_PCP);
	assert_int_equal(a.ladder.s[1], STEP_RECLAIM_NODE);
	assert_int_equal(a.ladder.s[2], STEP_COMPACT_NODE);
	assert_int_equal(a.ladder.s[3], STEP_REWRITE_BURST);
	assert_string_equal(a.not_planned, "");
	/* allowed, but page cache (10240 kB) outweighs slab (4096 + 4000): no slab drop */
	a = reserve_on(&s, 0, 2048, 35, true);
	assert_int_equal(a.ladder.n, 4);
	assert_int_equal(a.reclaim_first, STEP_NONE);	/* 35 <= 38 after compaction */
	assert_int_equal(a.first_write, 0);		/* the write asks for all of it */
	/*
	 * 45 > 38 after compaction, and the 7 pages compaction cannot cover
	 * take about 21 MiB (1.5x: reclaim follows the LRU) of the node's
	 * 10 MiB of clean page cache: keeping less than half of it cannot pay
	 * for compacting it, so the reclaim first asks for all of it, not
	 * sized, and the one compaction follows
	 */
	a = reserve_on(&s, 0, 2048, 45, false);
	assert_true(a.compact_first);
	assert_int_equal(a.reclaim_first, STEP_RECLAIM_NODE);
	assert_true(a.drop_first);
	assert_int_equal(a.map_ask_kb, 0);	/* no map in the tree */
	assert_contains(a.not_planned, "sized reclaim first: the 7 pages compaction cannot cover take about 21 MiB (1.5x: reclaim follows the LRU) of the node's 10 MiB of clean page cache");
	assert_int_equal(a.steps[0].step, STEP_RECLAIM_NODE);
	assert_int_equal(a.steps[0].when, WHEN_FIRST);
	assert_false(a.steps[0].sized);
	assert_int_equal(a.steps[0].ask_kb, 10240);
	assert_int_equal(a.steps[0].drops_kb, 10240);
	assert_string_equal(a.steps[0].what, "reclaim all clean page cache of node 0 only");
	assert_int_equal(a.steps[0].expect, 49);
	assert_int_equal(a.steps[1].step, STEP_COMPACT_NODE);
	assert_int_equal(a.steps[1].when, WHEN_FIRST);
	assert_int_equal(a.steps[2].step, STEP_NONE);
	assert_int_equal(a.steps[2].write_max, 45);
	/* 40 needs 3 pages beyond compaction, 9 MiB: more than half of 10 MiB still */
	a = reserve_on(&s, 0, 2048, 40, false);
	assert_true(a.drop_first);
	snapshot_free(&s);
	/*
	 * with 58 MiB of clean page cache on node 0, the 21 MiB keep more
	 * than half of it: reclaim what compaction cannot cover first (page
	 * cache is what blocks), then compact; the writes ask for what the
	 * free lists hold, at most 45 (<= the estimate after reclaim)
	 */
	node_meminfo(0, 49000 * 4, (11364 + 8872) * 4, 40960, 20480, 2048, 4096);
	read_tree(&s);
	a = reserve_on(&s, 0, 2048, 45, false);
	assert_false(a.drop_first);
	assert_int_equal(a.steps[0].ask_kb, 0);
	assert_true(a.compact_first);
	assert_int_equal(a.reclaim_first, STEP_RECLAIM_NODE);
	assert_int_equal(a.first_write, 45);
	/*
	 * as steps: the reclaim first, sized when it runs, at most the 7
	 * pages compaction cannot cover (7 x 2048 kB; the node has more cache
	 * than that); the compaction then, up to 49 after reclaim; the first
	 * write of what compaction made room for, at most 45; in the rounds the
	 * reclaim only makes room and the compaction after it writes, cut to
	 * the free blocks read back
	 */
	assert_int_equal(a.steps[0].step, STEP_RECLAIM_NODE);
	assert_int_equal(a.steps[0].when, WHEN_FIRST);
	assert_true(a.steps[0].sized);
	assert_int_equal(a.steps[0].drops_kb, 7 * 2048);
	assert_string_equal(a.steps[0].file, "sys/devices/system/node/node0/reclaim");
	assert_string_equal(a.steps[0].what, "reclaim what is short, less what compaction can use, on node 0 only");
	assert_int_equal(a.steps[0].expect, 38);
	assert_int_equal(a.steps[1].step, STEP_COMPACT_NODE);
	assert_int_equal(a.steps[1].when, WHEN_FIRST);
	assert_int_equal(a.steps[1].expect, 73);	/* after reclaim, with 58 MiB of cache */
	assert_int_equal(a.steps[2].step, STEP_NONE);
	assert_true(a.steps[2].write_room);
	assert_int_equal(a.steps[2].write_max, 45);
	assert_string_equal(a.steps[2].what, "write what compaction made room for, up to 45");
	assert_int_equal(a.steps[2].expect, 45);
	assert_int_equal(a.steps[4].step, STEP_RECLAIM_NODE);
	assert_int_equal(a.steps[4].when, WHEN_SHORT);
	assert_true(a.steps[4].sized);
	assert_false(a.steps[4].then_write);
	assert_int_equal(a.steps[5].step, STEP_COMPACT_NODE);
	assert_true(a.steps[5].then_write);
	assert_true(a.steps[5].write_room);
	assert_int_equal(a.steps[5].write_max, 45);
	assert_int_equal(a.steps[6].step, STEP_REWRITE_BURST);
	assert_false(a.steps[6].write_room);	/* only rewrite-burst writes the whole target */
	/* node 1 has no slab at all, and nothing on per-CPU lists: node reclaim only */
	a = reserve_on(&s, 1, 2048, 1500, true);
	assert_int_equal(a.ladder.n, 3);
	assert_int_equal(a.ladder.s[0], STEP_RECLAIM_NODE);
	assert_contains(a.not_planned, "drain-pcp: the per-CPU lists hold 0 KiB, less than one page");
	snapshot_free(&s);
	/* slab is what blocks on node 0 (6 MiB of it): drop it on every node too */
	node_meminfo(0, 49000 * 4, (11364 + 8872) * 4, 2048, 1024, 0, 6144);
	read_tree(&s);
	a = reserve_on(&s, 0, 2048, 35, true);
	assert_int_equal(a.ladder.n, 6);
	assert_int_equal(a.ladder.s[0], STEP_DRAIN_PCP);
	assert_int_equal(a.ladder.s[1], STEP_RECLAIM_NODE);
	assert_int_equal(a.ladder.s[2], STEP_COMPACT_NODE);
	assert_int_equal(a.ladder.s[3], STEP_DROP_SLAB);
	assert_int_equal(a.ladder.s[4], STEP_COMPACT_NODE);
	assert_int_equal(a.ladder.s[5], STEP_REWRITE_BURST);
	/* slab is what blocks: no reclaim before the first write, and the plan says why */
	a = reserve_on(&s, 0, 2048, 45, true);
	assert_true(a.compact_first);
	assert_int_equal(a.reclaim_first, STEP_NONE);
	assert_int_equal(a.first_write, 38);
	assert_contains(a.not_planned, "reclaim first: slab is what blocks");

	/*
	 * 1G on node 1: no compaction (alloc_contig_range migrates), and no
	 * reclaim or drop either, though the estimate after reclaim is higher
	 * and dropping caches is allowed: nothing shows that it would free a
	 * whole 1G range (the VM dropped 1.2 GiB of cache and got 1 of 4)
	 */
	a = reserve_on(&s, 1, 1048576, 3, false);
	assert_false(a.compact_first);
	assert_contains(a.not_planned, "compaction: gigantic pages come from alloc_contig_range()");
	assert_contains(a.not_planned, "reclaim: none for gigantic pages without a map of the node's memory: a drop frees memory all over the node, not a whole 1G range");
	assert_int_equal(a.ladder.n, 0);
	assert_int_equal(a.rounds, 0);
	/* left out, each with its reason; the plan is the one write of all 3 */
	assert_int_equal(a.nr_left_out, 2);
	assert_string_equal(a.left_out[0].what, "compaction");
	assert_string_equal(a.left_out[0].why, "gigantic pages come from alloc_contig_range(), which migrates what it can itself");
	assert_string_equal(a.left_out[1].what, "reclaim");
	assert_int_equal(a.nr_steps, 1);
	assert_int_equal(a.steps[0].step, STEP_NONE);
	assert_int_equal(a.steps[0].write_max, 3);
	assert_string_equal(a.steps[0].file, "sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages");
	assert_string_equal(a.if_short, "");
	a = reserve_on(&s, 1, 1048576, 3, true);
	assert_int_equal(a.ladder.n, 0);
	assert_int_equal(a.reclaim_first, STEP_NONE);
	snapshot_free(&s);
	assert_int_equal(system("rm -rf " TREE), 0);
}

/*
 * The reclaim first, with the node's 2M map (58 MiB of clean page cache
 * on node 0, 38 after compaction). When keeping the cache pays and the
 * ranges the target needs beyond the free ones are at most those holding
 * only clean page cache besides free pages, the reclaim is sized to their
 * share of the cache (and an eighth more) and no compaction follows it;
 * when they are more, the reclaim is sized to what compaction cannot
 * cover, and the compaction follows; when keeping cannot pay, all the
 * cache goes first whatever the map shows.
 */
static void reclaim_sized_from_the_map(void **state)
{
	struct pagemap_summary m;
	struct snapshot s;
	struct action a;

	(void)state;
	make_tree(true);
	put("proc/sys/vm/stat_refresh", "");
	put("sys/devices/system/node/node0/reclaim", "");
	node_meminfo(0, 49000 * 4, (11364 + 8872) * 4, 40960, 20480, 2048, 4096);
	read_tree(&s);
	memset(&m, 0, sizeof(m));
	m.range_pages = 512;
	m.ranges[RC_FREE] = 30;
	m.ranges[RC_COMPACTABLE] = 20;
	m.cache_only = 20;
	m.cache_only_pages = 20 * 128;	/* 512 kB of cache a range */
	memset(&a, 0, sizeof(a));
	a.kind = ACT_RESERVE;
	a.node = 0;
	a.size_kb = 2048;
	a.target = 40;
	a.keep = true;
	a.map = &m;
	plan_escalation(&a, &s, -1, false, false);
	plan_reserve_steps(&a, &s, true);
	/* 40 + 5 kept by the watermarks - 30 free - 5 in the pool: 10 ranges, 10 x 512 kB + an eighth */
	assert_false(a.drop_first);
	assert_int_equal(a.map_ask_kb, 10 * 512 * 9 / 8);
	assert_contains(a.not_planned, "compaction first: the map: 30 free ranges, 20 of only clean page cache and free pages; 10 more needed (5 kept by the watermarks): reclaiming about 5 MiB of the 58 MiB of clean page cache frees them whole");
	assert_int_equal(a.steps[0].step, STEP_RECLAIM_NODE);
	assert_int_equal(a.steps[0].when, WHEN_FIRST);
	assert_int_equal(a.steps[0].ask_kb, 10 * 512 * 9 / 8);
	assert_false(a.steps[0].sized);
	assert_string_equal(a.steps[0].what, "reclaim the clean page cache of the ranges needed, on node 0 only");
	assert_int_equal(a.steps[0].expect, 40);
	/* no compaction: the write of the target, which the ranges freed whole cover */
	assert_int_equal(a.steps[1].step, STEP_NONE);
	assert_int_equal(a.steps[1].when, WHEN_ALWAYS);
	assert_int_equal(a.first_write, 0);
	assert_false(a.steps[1].write_room);
	assert_int_equal(a.steps[1].write_max, 40);
	/* 45 needs 15 ranges, more than 12 such: sized to what compaction cannot cover, then compaction */
	m.cache_only = 12;
	m.cache_only_pages = 12 * 128;
	a.target = 45;
	plan_escalation(&a, &s, -1, false, false);
	plan_reserve_steps(&a, &s, true);
	assert_int_equal(a.map_ask_kb, 0);
	assert_false(a.drop_first);
	assert_true(a.steps[0].sized);
	assert_int_equal(a.steps[1].step, STEP_COMPACT_NODE);
	/* 49: the 11 pages compaction cannot cover take 33 MiB, over half: all of it, the map aside */
	m.cache_only = 20;
	m.cache_only_pages = 20 * 128;
	a.target = 49;
	plan_escalation(&a, &s, -1, false, false);
	plan_reserve_steps(&a, &s, true);
	assert_int_equal(a.map_ask_kb, 0);
	assert_true(a.drop_first);
	assert_int_equal(a.steps[0].ask_kb, 59392);
	assert_int_equal(a.steps[1].step, STEP_COMPACT_NODE);
	/* without the map: the estimate alone, as before */
	a.map = NULL;
	a.target = 40;
	plan_escalation(&a, &s, -1, false, false);
	plan_reserve_steps(&a, &s, true);
	assert_int_equal(a.map_ask_kb, 0);
	assert_true(a.steps[0].sized);
	assert_int_equal(a.steps[1].step, STEP_COMPACT_NODE);
	snapshot_free(&s);
	assert_int_equal(system("rm -rf " TREE), 0);
}

/*
 * --make-tree: only build the tree in build/est (relative to the current
 * folder) and keep it, for the documents' worked example
 * (tests/doc_examples.py runs it in its scratch folder).
 */
int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--make-tree")) {
		make_tree(true);
		return 0;
	}

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_megabytes),
		cmocka_unit_test(revised_after_compaction),
		cmocka_unit_test(one_gigabyte),
		cmocka_unit_test(without_pagetypeinfo),
		cmocka_unit_test(odd_size),
		cmocka_unit_test(command),
		cmocka_unit_test(chosen_escalation),
		cmocka_unit_test(reclaim_sized_from_the_map),
	};

	return cmocka_run_group_tests_name("estimate", tests, NULL, NULL);
}
