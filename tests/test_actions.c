/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Executing plans against copies of fixture trees, with the fault-injecting
 * write layer: EACCES, EROFS, EINVAL, EBUSY, short grants; the escalation
 * ladder, keep/restore, dry-run, no-op skips, interruption; the permission
 * check on a read-only mount, the lock and the state file.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "act.h"
#include "cmd_apply.h"
#include "cmd_reserve.h"
#include "execute.h"
#include "loadmap.h"
#include "log.h"
#include "ownfile.h"
#include "rootfs.h"
#include "reservation.h"
#include "reserve.h"
#include "lock.h"
#include "perms.h"
#include "snapshot_read.h"
#include "state.h"

#define TREE "build/actfx"
#define NODE1_2M "sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages"
#define NODE0_2M "sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages"

static int fresh_tree(void **state)
{
	(void)state;
	return system("rm -rf " TREE " && mkdir -p build && cp -r " FIXTURES "/two-node " TREE) == 0 ? 0 : -1;
}

static int drop_tree(void **state)
{
	(void)state;
	return system("rm -rf " TREE) == 0 ? 0 : -1;
}

static uint64_t file_value(const char *rel)
{
	struct kctx c = { .root = TREE };
	struct bc_error e;
	uint64_t v;

	assert_int_equal(kw_read_u64(&c, rel, &v, &e), 0);
	return v;
}

/* The plan's steps of a hand-made reservation, as plan_reserve_node() makes them (no cache known). */
static void steps_of(struct action *a)
{
	static const struct snapshot no_cache;

	plan_reserve_steps(a, &no_cache, true);
}

static struct plan one_reserve(uint64_t target, bool keep, unsigned rounds)
{
	struct plan p = { .time_budget_s = 30 };
	struct action *a = plan_add(&p, ACT_RESERVE);

	assert_non_null(a);
	a->node = 1;
	a->size_kb = 2048;
	a->target = target;
	a->current = 64;
	a->ladder = (struct steps){ .s = { STEP_RETRY, STEP_COMPACT_NODE }, .n = 2 };
	a->rounds = rounds;
	a->keep = keep;
	steps_of(a);
	return p;
}

static void reserve_done(void **state)
{
	struct kctx c = { .root = TREE };
	struct plan p = one_reserve(100, true, 2);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_DONE);
	assert_int_equal(r.before, 64);
	assert_int_equal(r.after, 100);
	assert_int_equal(r.nr_steps, 0);
	assert_int_equal(file_value(NODE1_2M), 100);
	assert_int_equal(c.nr_log, 1);
	assert_false(c.log[0].skipped);
	assert_string_equal(c.log[0].value, "100");
	kw_free(&c);
	plan_free(&p);
}

static void reserve_noop_skipped(void **state)
{
	struct kctx c = { .root = TREE };
	struct plan p = one_reserve(64, true, 2);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_SKIPPED);
	assert_true(c.log[0].skipped);
	kw_free(&c);
	plan_free(&p);
}

static void short_grant_escalates_and_keeps(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 2);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_PARTIAL);
	assert_int_equal(r.before, 64);
	assert_int_equal(r.after, 80);
	/* 2 rounds x (retry, compact-node), each followed by a rewrite */
	assert_int_equal(r.nr_steps, 4);
	assert_int_equal(r.steps[0].step, STEP_RETRY);
	assert_int_equal(r.steps[1].step, STEP_COMPACT_NODE);
	assert_int_equal(r.steps[1].gain, 0);
	assert_int_equal(r.steps[3].obtained, 80);
	assert_false(r.restored);
	assert_int_equal(file_value(NODE1_2M), 80);
	kw_free(&c);
	plan_free(&p);
}

static void short_grant_gains_on_a_later_step(void **state)
{
	/* the first two writes are capped at 70, later ones at 90, then none */
	struct kfault f[] = { { .match = "node1/hugepages", .grant_max = 70, .times = 2 },
			      { .match = "node1/hugepages", .grant_max = 90, .times = 1 } };
	struct kctx c = { .root = TREE, .faults = f, .nr_faults = 2 };
	struct plan p = one_reserve(100, true, 3);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_DONE);
	assert_int_equal(r.nr_steps, 3);
	assert_int_equal(r.steps[0].gain, 0);		/* retry: still 70 */
	assert_int_equal(r.steps[1].gain, 20);		/* compact-node, rewrite: 90 */
	assert_int_equal(r.steps[2].gain, 10);		/* retry: 100 */
	assert_int_equal(file_value(NODE1_2M), 100);
	kw_free(&c);
	plan_free(&p);
}

/*
 * The executor takes the plan's steps as they are and decides none of
 * them: a list made by hand, unlike what the planner makes of the ladder
 * (retry, compact-node: no compaction first, a first write of the target,
 * a write after the compaction). Here a compaction comes first, the first
 * write asks for its ceiling of 90, the rounds' compaction is followed by
 * no write and retry is the write. The kernel grants 80 at most: the
 * first write gets 80 (+16), round 1 gains nothing.
 */
static void executor_walks_the_plans_steps(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 1);
	struct action *a = &p.a[0];
	struct action_result r;

	(void)state;
	a->nr_steps = 0;
	a->steps[a->nr_steps++] = (struct plan_step){ .step = STEP_COMPACT_NODE, .when = WHEN_FIRST };
	a->steps[a->nr_steps++] = (struct plan_step){ .step = STEP_NONE, .when = WHEN_ALWAYS, .write_max = 90 };
	a->steps[a->nr_steps++] = (struct plan_step){ .step = STEP_COMPACT_NODE, .when = WHEN_SHORT };
	a->steps[a->nr_steps++] = (struct plan_step){ .step = STEP_RETRY, .when = WHEN_SHORT, .write_max = 100 };
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_PARTIAL);
	assert_int_equal(r.before, 64);
	assert_int_equal(r.after, 80);
	assert_int_equal(r.nr_steps, 3);
	assert_int_equal(r.steps[0].step, STEP_COMPACT_NODE);
	assert_true(r.steps[0].first);
	assert_int_equal(r.steps[1].step, STEP_COMPACT_NODE);
	assert_false(r.steps[1].first);
	assert_false(r.steps[1].wrote);		/* the plan writes nothing after it */
	assert_int_equal(r.steps[2].step, STEP_RETRY);
	assert_true(r.steps[2].wrote);
	assert_int_equal(r.steps[2].gain, 0);
	/* the writes in the plan's order: compact, the pool (90), compact, the pool (100) */
	assert_int_equal(c.nr_log, 4);
	assert_contains(c.log[0].path, "node1/compact");
	assert_contains(c.log[1].path, "node1/hugepages/hugepages-2048kB/nr_hugepages");
	assert_string_equal(c.log[1].value, "90");
	assert_contains(c.log[2].path, "node1/compact");
	assert_string_equal(c.log[3].value, "100");
	kw_free(&c);
	plan_free(&p);
}

/*
 * A pool the plan does not grow has no steps: its one write asks for the
 * target, whatever the ladder (given or chosen) would do when short.
 */
static void executor_without_steps_writes_the_target(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(50, true, 3);
	struct action_result r;

	(void)state;
	assert_int_equal(p.a[0].nr_steps, 0);	/* 50 < 64: it shrinks */
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_DONE);
	assert_int_equal(r.nr_steps, 0);
	assert_int_equal(c.nr_log, 1);
	assert_string_equal(c.log[0].value, "50");
	assert_int_equal(file_value(NODE1_2M), 50);
	kw_free(&c);
	plan_free(&p);
}

/*
 * The escalation chosen from the estimate, run against the two-node tree
 * with a nodeN/reclaim file: node 1 can give 6171 now, 6206 after
 * compaction, 7243 after reclaim (see test_estimate for the arithmetic).
 * Its pool holds 64; the allocation must leave reserve_kb 126428 free
 * (62 pages of 2M, rounded up); stuck_kb is 5848.
 * The tree's buddyinfo, which the run reads back after compaction, has on
 * node 1 free blocks of 2M or more: DMA32 6 + 2 x 240, Normal 61 + 2 x 2790,
 * 6127 in all, and in smaller blocks (orders 0-8) 2843 + 32739 pages,
 * 142328 kB. So a first write after compaction, when compaction alone
 * cannot cover the target (above 6206), asks 64 + 6127 - 62 = 6129,
 * and as long as those free blocks stand, a reclaim in the rounds asks for
 * nothing and writes nothing (the free blocks would cover what is short).
 * Compaction can use 142328 - 126428 - 5848 = 10052 kB of the small blocks.
 * Its zoneinfo has 17132 kB on per-CPU lists, more than one 2M page: every
 * round starts with drain-pcp (one write: the tree's MemFree never grows).
 */
static struct plan chosen_plan(uint64_t target, struct snapshot *snap)
{
	struct plan p = { .time_budget_s = 30 };
	struct reserve_req rq = { .size_kb = 2048, .rounds = -1, .keep = true, .force = true, .why = "test",
				  .where = "test", .force_hint = "", .kind = BC_EUSAGE };
	struct bc_error e;

	assert_int_equal(system("touch " TREE "/sys/devices/system/node/node0/reclaim "
				TREE "/sys/devices/system/node/node1/reclaim " TREE "/proc/sys/vm/stat_refresh"), 0);
	if (snapshot_read(TREE, snap, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(plan_reserve_node(&p, snap, &rq, 1, target, &e), 0);
	return p;
}

/* The sizing arithmetic of a chosen escalation, by hand. */
static void sizing_from_the_free_lists(void **state)
{
	struct action a;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.size_kb = 2048;
	a.target = 100;
	a.est.reserve_kb = 4096;	/* 2 pages of 2M */
	a.est.stuck_kb = 1024;
	/* pool 10 + 50 free blocks - 2 reserved = 58; cut to the ceiling 40; 1 block: the pool */
	assert_int_equal(plan_room(&a, 10, 50, 100), 58);
	assert_int_equal(plan_room(&a, 10, 50, 40), 40);
	assert_int_equal(plan_room(&a, 10, 1, 100), 10);
	/*
	 * lacks (100 - 10) x 2048 = 184320 kB, less 50 free blocks (102400):
	 * 81920; compaction can use 20480 - 4096 - 1024 = 15360 of the small
	 * blocks: 66560 (above the floor, 81920 / 8 = 10240)
	 */
	assert_int_equal(plan_reclaim_kb(&a, 10, 50, 20480), 66560);
	/* free blocks cover it: nothing */
	assert_int_equal(plan_reclaim_kb(&a, 10, 100, 20480), 0);
	/* small blocks would cover it: the floor */
	assert_int_equal(plan_reclaim_kb(&a, 10, 50, 1000000), 10240);
}

static void chosen_escalation_runs_as_planned(void **state)
{
	/* every write granted 6000 at most: nothing gained after the first */
	struct kfault f = { .match = "node1/hugepages", .grant_max = 6000 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct snapshot snap;
	struct plan p = chosen_plan(6200, &snap);
	struct action_result r;

	(void)state;
	assert_true(p.a[0].chosen);
	assert_true(p.a[0].compact_first);	/* 6171 < 6200 <= 6206 */
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_PARTIAL);
	assert_int_equal(r.after, 6000);
	/* compaction first, the write, then one round that gains nothing: it ends there */
	assert_int_equal(r.nr_steps, 5);
	assert_int_equal(r.steps[0].step, STEP_COMPACT_NODE);
	assert_false(r.steps[0].wrote);
	assert_int_equal(r.steps[1].step, STEP_DRAIN_PCP);
	assert_false(r.steps[1].wrote);		/* the steps after it write */
	assert_int_equal(r.steps[2].step, STEP_RECLAIM_NODE);
	assert_false(r.steps[2].wrote);		/* no write between reclaim and compaction */
	assert_int_equal(r.steps[2].asked_kb, 0);	/* the free blocks stand */
	assert_int_equal(r.steps[3].step, STEP_COMPACT_NODE);
	assert_true(r.steps[3].wrote);
	/* then rewrites until 64 in a row gain nothing (compaction deferral) */
	assert_int_equal(r.steps[4].step, STEP_REWRITE_BURST);
	assert_int_equal(r.steps[4].gain, 0);
	/* the writes, in order, as the plan showed them */
	assert_int_equal(c.nr_log, 5 + 64);	/* a reclaim of 0 writes nothing */
	assert_contains(c.log[0].path, "node1/compact");
	assert_contains(c.log[1].path, "node1/hugepages/hugepages-2048kB/nr_hugepages");
	/* 6200 <= 6206 after compaction: the whole target, direct compaction may finish it */
	assert_string_equal(c.log[1].value, "6200");
	assert_contains(c.log[2].path, "proc/sys/vm/stat_refresh");
	assert_string_equal(c.log[2].value, "1");
	assert_contains(c.log[3].path, "node1/compact");
	assert_contains(c.log[4].path, "nr_hugepages");
	/*
	 * revised after the first compaction, from the same free lists:
	 * 6171 now as before; after reclaim 6171 + 1036 (clean cache and
	 * slab: see below), less than the first estimate's 7243; 142328 kB
	 * free in blocks below 2M
	 */
	assert_true(r.revised);
	assert_int_equal(r.rev_now, 6171);
	assert_int_equal(r.rev_reclaim, 6171 + 1036);
	assert_int_equal(r.rev_small_kb, 142328);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void chosen_escalation_goes_on_while_it_gains(void **state)
{
	/* 6000, then 6100, then 6150 for good */
	struct kfault f[] = { { .match = "node1/hugepages", .grant_max = 6000, .times = 1 },
			      { .match = "node1/hugepages", .grant_max = 6100, .times = 1 },
			      { .match = "node1/hugepages", .grant_max = 6150 } };
	struct kctx c = { .root = TREE, .faults = f, .nr_faults = 3 };
	struct snapshot snap;
	struct plan p = chosen_plan(6200, &snap);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.after, 6150);
	/*
	 * first compaction, then rounds of (drain-pcp, reclaim, compact,
	 * rewrite burst): +100 and +50 in the first, +0 +0 in the second,
	 * which ends it
	 */
	assert_int_equal(r.nr_steps, 9);
	assert_int_equal(r.steps[3].gain, 100);
	assert_int_equal(r.steps[4].step, STEP_REWRITE_BURST);
	assert_int_equal(r.steps[4].gain, 50);
	assert_int_equal(r.steps[5].step, STEP_DRAIN_PCP);
	assert_int_equal(r.steps[7].gain, 0);
	assert_int_equal(r.steps[8].gain, 0);
	/* each reclaim asks for what the free blocks lack: here nothing */
	assert_int_equal(r.steps[2].asked_kb, 0);
	assert_int_equal(r.steps[6].asked_kb, 0);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void chosen_escalation_first_writes_what_compaction_made(void **state)
{
	struct kctx c = { .root = TREE };
	struct snapshot snap;
	struct plan p = chosen_plan(6300, &snap);
	struct action_result r;

	(void)state;
	/*
	 * 6300 > 6206 after compaction: reclaim first what compaction cannot
	 * cover, then the one compaction, then a write of what the free lists
	 * hold, 6129 (below the ceiling, 6300), so the kernel reclaims nothing
	 * on its own. The reclaim: (6300 - 64) x 2048 = 12771328 kB, less the
	 * free blocks, 6127 x 2048 = 12548096: 223232; less what compaction
	 * can use, 10052: 213180 kB (more than the floor, 223232 / 8).
	 */
	assert_int_equal(p.a[0].reclaim_first, STEP_RECLAIM_NODE);
	assert_int_equal(p.a[0].first_write, 6300);	/* min(target, 7243 after reclaim) */
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.after, 6300);
	assert_int_equal(r.steps[0].step, STEP_RECLAIM_NODE);
	assert_true(r.steps[0].first);
	assert_int_equal(r.steps[0].asked_kb, 213180);
	assert_int_equal(r.steps[1].step, STEP_COMPACT_NODE);
	assert_true(r.steps[1].first);
	assert_false(r.steps[2].first);
	assert_contains(c.log[0].path, "node1/reclaim");
	assert_string_equal(c.log[0].value, "213180K swappiness=0");
	assert_contains(c.log[1].path, "node1/compact");
	assert_contains(c.log[2].path, "nr_hugepages");
	assert_string_equal(c.log[2].value, "6129");
	/* a round: drain-pcp, reclaim (171 short, covered by free blocks: 0), compact, write */
	assert_int_equal(r.steps[3].step, STEP_RECLAIM_NODE);
	assert_int_equal(r.steps[3].asked_kb, 0);
	assert_string_equal(c.log[c.nr_log - 1].value, "6300");
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

/* The free lists read back: node 1 has no free 2M block, and 262144 free pages of 4K. */
static void node1_in_small_blocks(void)
{
	FILE *f = fopen(TREE "/proc/buddyinfo", "w");

	assert_non_null(f);
	fputs("Node 0, zone      DMA      2      1      1      0      1      1      1      1      0      1      3 \n"
	      "Node 0, zone    DMA32    512    350    260    180    120     90     60     45     30     40    380 \n"
	      "Node 0, zone   Normal  48713  31806  20117  12940   7360   4120   2150    980    410     95    180 \n"
	      "Node 1, zone    DMA32      0      0      0      0      0      0      0      0      0      0      0 \n"
	      "Node 1, zone   Normal 262144      0      0      0      0      0      0      0      0      0      0 \n", f);
	fclose(f);
}

static void chosen_escalation_reclaims_what_compaction_cannot_cover(void **state)
{
	struct kctx c = { .root = TREE };
	struct snapshot snap;
	struct plan p = chosen_plan(6300, &snap);
	struct action_result r;

	(void)state;
	/*
	 * The free lists (as read back, the same before and after
	 * compaction here): node 1 has no free 2M block, and 262144 free
	 * pages of 4K (1048576 kB) in smaller ones. The reclaim before the
	 * compaction asks for the whole shortfall, (6300 - 64) x 2048 =
	 * 12771328 kB, less what compaction can use of the small blocks:
	 * 1048576 - 126428 (reserve) - 5848 (stuck) = 916300 kB, so 11855028
	 * kB; the first write then asks for the pool as it is (64).
	 */
	node1_in_small_blocks();
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_contains(c.log[0].path, "node1/reclaim");
	assert_string_equal(c.log[0].value, "11855028K swappiness=0");
	assert_int_equal(r.steps[0].asked_kb, 11855028);
	assert_contains(c.log[1].path, "node1/compact");
	assert_string_equal(c.log[2].value, "64");
	assert_true(c.log[2].skipped);
	/*
	 * The estimate again after that compaction, from the free lists it
	 * left: no 2M block, so the pool (64) and the per-CPU lists' 17132
	 * kB, 8 blocks at most, now: 72; after reclaim, plus the node's
	 * clean page cache, 961084 + 786348 - 3492 (dirty) kB, and its
	 * reclaimable slab, 377820 kB: 2121760 kB, 1036 pages of 2M. The
	 * first estimate said 6206 after compaction and 7243 after reclaim.
	 */
	assert_true(r.revised);
	assert_int_equal(r.rev_now, 72);
	assert_int_equal(r.rev_reclaim, 72 + 1036);
	assert_int_equal(r.rev_small_kb, 1048576);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

/*
 * The same, with the time budget spent before the action starts (an
 * earlier action took it): no reclaim, which drops caches, before the
 * first write; the compaction before it and the write still run
 * (buddyctl.conf(5) time_budget).
 */
/*
 * 7000 on node 1: the 794 pages compaction cannot cover (6206 after it)
 * take about 2.3 GiB (1.5x: reclaim follows the LRU) of the node's 1.7 GiB
 * of clean page cache: keeping the rest cannot pay for compacting it, so
 * the reclaim first asks for all of it, 961084 + 786348 - 3492 (dirty) =
 * 1743940 kB, whatever the free lists say, and the compaction follows.
 */
static void drop_first_asks_for_all_the_cache(void **state)
{
	struct kctx c = { .root = TREE };
	struct snapshot snap;
	struct plan p = chosen_plan(7000, &snap);
	struct action_result r;

	(void)state;
	assert_true(p.a[0].drop_first);
	assert_int_equal(p.a[0].map_ask_kb, 0);	/* no map in the tree */
	node1_in_small_blocks();
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_contains(c.log[0].path, "node1/reclaim");
	assert_string_equal(c.log[0].value, "1743940K swappiness=0");
	assert_true(r.steps[0].first);
	assert_int_equal(r.steps[0].asked_kb, 1743940);
	assert_contains(c.log[1].path, "node1/compact");
	assert_contains(c.log[2].path, "nr_hugepages");
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void reclaim_before_the_first_write_obeys_the_budget(void **state)
{
	struct kctx c = { .root = TREE };
	struct snapshot snap;
	struct plan p = chosen_plan(6300, &snap);
	struct action_result r;

	(void)state;
	node1_in_small_blocks();
	p.time_budget_s = 1e-9;
	execute_plan(&c, &p, &r);
	assert_true(c.nr_log >= 2);
	assert_contains(c.log[0].path, "node1/compact");
	assert_contains(c.log[1].path, "node1/hugepages");
	assert_int_equal(r.nr_steps, 1);
	assert_int_equal(r.steps[0].step, STEP_COMPACT_NODE);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void revised_at_most_the_first_estimate(void **state)
{
	/* every write granted 6000 at most, as above */
	struct kfault f = { .match = "node1/hugepages", .grant_max = 6000 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct snapshot snap;
	struct plan p = chosen_plan(6200, &snap);
	struct action_result r;

	(void)state;
	/*
	 * After the plan, node 1's page cache grows tenfold (9610840 kB
	 * active file): the new snapshot alone would allow 8673 after reclaim
	 * (the node's capacity; 6171 + 5259 before that cap), but the figure
	 * stays at most the first estimate's, 7243
	 */
	assert_int_equal(system("sed -i 's/^Node 1 Active(file):  *961084 kB/Node 1 Active(file):    9610840 kB/' "
				TREE "/sys/devices/system/node/node1/meminfo"), 0);
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_true(r.revised);
	assert_int_equal(r.rev_now, 6171);
	assert_int_equal(r.rev_reclaim, 7243);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void chosen_escalation_dry_run_revises_nothing(void **state)
{
	struct kctx c = { .root = TREE, .dry_run = true };
	struct snapshot snap;
	struct plan p = chosen_plan(6300, &snap);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_PLANNED);
	assert_false(r.revised);	/* nothing was compacted: nothing to learn from */
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void chosen_escalation_stops_at_the_estimate(void **state)
{
	/* a round gets 7243, the estimate after reclaim: no further round is hopeful */
	struct kfault f = { .match = "node1/hugepages", .grant_max = 7243 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct snapshot snap;
	struct plan p = chosen_plan(7300, &snap);
	struct action_result r;

	(void)state;
	assert_true(p.a[0].unreachable);
	assert_int_equal(p.a[0].est.reclaim, 7243);
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.after, 7243);
	/*
	 * reclaim and compaction first, write 6129, one round (drain-pcp,
	 * reclaim, compact, write, burst): 7243, no second
	 */
	assert_int_equal(r.nr_steps, 6);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void short_grant_restored(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, false, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	/* nothing kept: failed, though the kernel granted 16 */
	assert_int_equal(r.status, RES_FAILED);
	assert_true(r.restored);
	assert_int_equal(r.granted, 80);
	assert_int_equal(r.after, 64);
	assert_int_equal(file_value(NODE1_2M), 64);	/* the pool put back */
	kw_free(&c);
	plan_free(&p);
}

static void nothing_obtained_fails(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 64 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_FAILED);
	assert_int_equal(r.after, 64);
	kw_free(&c);
	plan_free(&p);
}

static void lasting_errors(void **state)
{
	static const struct { int errnum; const char *text; } cases[] = {
		{ EACCES, "Permission denied" }, { EROFS, "Read-only file system" },
		{ EINVAL, "Invalid argument" }, { EPERM, "Operation not permitted" },
		{ EOPNOTSUPP, "Operation not supported" },
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kfault f = { .match = "node1/hugepages", .errnum = cases[i].errnum, .grant_max = -1 };
		struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
		struct plan p = one_reserve(100, true, 3);
		struct action_result r;

		assert_int_equal(execute_plan(&c, &p, &r), 1);
		assert_int_equal(r.status, RES_FAILED);
		assert_int_equal(r.nr_steps, 0);		/* no retry of a lasting error */
		assert_int_equal(f.hits, 1);
		assert_contains(r.error, TREE "/" NODE1_2M ": writing '100': ");
		assert_contains(r.error, cases[i].text);
		assert_int_equal(file_value(NODE1_2M), 64);	/* untouched */
		kw_free(&c);
		plan_free(&p);
	}
}

static void transient_error_retried(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .errnum = EBUSY, .grant_max = -1, .times = 2 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_DONE);
	assert_int_equal(f.hits, 2);
	assert_int_equal(file_value(NODE1_2M), 100);
	kw_free(&c);
	plan_free(&p);
}

static void trigger_errors_and_dry_run(void **state)
{
	struct kfault f = { .match = "compact", .errnum = EACCES, .grant_max = -1 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = { .time_budget_s = 10 };
	struct action_result r[3];
	struct action *a;

	(void)state;
	a = plan_add(&p, ACT_COMPACT_NODE);
	a->node = 0;
	plan_add(&p, ACT_COMPACT_ALL);
	a = plan_add(&p, ACT_DROP_CACHES);
	a->drop_level = 3;
	assert_int_equal(execute_plan(&c, &p, r), 2);
	assert_int_equal(r[0].status, RES_FAILED);
	assert_contains(r[0].error, "node0/compact: writing '1': Permission denied");
	assert_int_equal(r[1].status, RES_FAILED);
	assert_int_equal(r[2].status, RES_DONE);
	kw_free(&c);

	/* dry run: planned, logged, nothing written */
	c = (struct kctx){ .root = TREE, .dry_run = true };
	plan_free(&p);
	p = one_reserve(100, true, 3);
	assert_int_equal(execute_plan(&c, &p, r), 0);
	assert_int_equal(r[0].status, RES_PLANNED);
	assert_true(c.log[0].dry_run);
	assert_int_equal(file_value(NODE1_2M), 64);
	kw_free(&c);
	plan_free(&p);
}

static void interrupted(void **state)
{
	volatile int stop = 1;
	struct kctx c = { .root = TREE, .stop = &stop };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_INTERRUPTED);
	assert_int_equal(c.nr_log, 0);
	assert_int_equal(file_value(NODE1_2M), 64);
	plan_free(&p);
}

/* what container runtimes do to /sys: a read-only bind mount */
static void permission_check_readonly_mount(void **state)
{
	struct plan p;
	struct bc_error e = { 0 };

	(void)state;
	if (geteuid() != 0)
		skip_because("not root: cannot make a read-only bind mount");
	p = one_reserve(100, true, 1);
	assert_int_equal(mount(TREE "/sys", TREE "/sys", NULL, MS_BIND, NULL), 0);
	assert_int_equal(mount(NULL, TREE "/sys", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	assert_int_equal(perms_check(TREE, &p, &e), -BC_EPERM);
	umount(TREE "/sys");
	assert_contains(e.msg, NODE1_2M ", " TREE "/sys/devices/system/node/node1/compact: read-only file system");
	assert_contains(e.msg, "(1 of 1 actions cannot run; nothing was done)");
	plan_free(&p);
}

static void permission_check(void **state)
{
	struct plan p = one_reserve(100, true, 1);
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(perms_check(TREE, &p, &e), 0);
	plan_free(&p);

	/* every distinct file the ladder may write is checked, not just the first */
	p = one_reserve(100, true, 1);
	p.a[0].ladder = (struct steps){ .s = { STEP_COMPACT_NODE, STEP_COMPACT_NODE, STEP_DROP_PAGECACHE }, .n = 3 };
	assert_int_equal(system("rm " TREE "/proc/sys/vm/drop_caches"), 0);
	assert_int_equal(perms_check(TREE, &p, &e), -BC_EPERM);
	assert_contains(e.msg, "proc/sys/vm/drop_caches: no such file");
	plan_free(&p);

	/* a file the kernel does not offer */
	p = one_reserve(1, true, 1);
	p.a[0].size_kb = 4096;
	assert_int_equal(perms_check(TREE, &p, &e), -BC_EPERM);
	assert_contains(e.msg, "hugepages-4096kB/nr_hugepages: no such file (not offered by this kernel)");
	plan_free(&p);
}

static void lock_busy(void **state)
{
	struct bc_error e = { 0 };
	struct lock a, b;
	char msg[64];

	(void)state;
	unlink("build/test.lock");
	assert_int_equal(lock_acquire(&a, "/", "build/test.lock", 0, NULL, &e), 0);
	/* a second open file description conflicts with the first flock */
	assert_int_equal(lock_acquire(&b, "/", "build/test.lock", 0.2, NULL, &e), -BC_EBUSY);
	snprintf(msg, sizeof(msg), "another buddyctl (pid %d) is running; waited 0.2 s", (int)getpid());
	assert_contains(e.msg, msg);
	lock_release(&a);
	assert_int_equal(lock_acquire(&b, "/", "build/test.lock", 0, NULL, &e), 0);
	lock_release(&b);
	unlink("build/test.lock");
}

static void state_file(void **state)
{
	static struct state st, back;
	struct bc_error e = { 0 };
	FILE *f;

	(void)state;
	unlink("build/test.state");
	assert_int_equal(state_load("/", "build/test.state", 1795460200, &back, &e), 0);	/* missing: never */
	assert_string_equal(e.msg, "");
	assert_true(back.last[0] == 0 && back.nr_pools == 0);
	memset(&st, 0, sizeof(st));
	st.last[2] = 1795460000;
	st.last[6] = 1795460100;
	assert_int_equal(state_save("/", "build/test.state", &st, &e), 0);
	/* a fresh install has no /var/lib/buddyctl: the directory is made */
	assert_int_equal(system("rm -rf build/statedir"), 0);
	assert_int_equal(state_save("/", "build/statedir/state", &st, &e), 0);
	assert_int_equal(system("test -s build/statedir/state && rm -rf build/statedir"), 0);
	assert_int_equal(state_load("/", "build/test.state", 1795460200, &back, &e), 0);
	assert_string_equal(e.msg, "");
	assert_true(back.last[2] == 1795460000 && back.last[6] == 1795460100 && back.last[0] == 0);
	state_free(&back);
	f = fopen("build/test.state", "w");
	fputs("node 2 17954\nnode x 1\n", f);
	fclose(f);
	/* a bad entry is ignored with a warning, the good ones kept */
	assert_int_equal(state_load("/", "build/test.state", 1795460200, &back, &e), 0);
	assert_contains(e.msg, "build/test.state:2: not a 'node N SECONDS' line: entry ignored");
	assert_true(back.last[2] == 17954);
	state_free(&back);
	unlink("build/test.state");
}


/* The content of a file, for "left untouched" checks. */
static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* Whatever sits where the lock goes and is not ours is refused, untouched. */
static void lock_refuses_what_is_not_ours(void **state)
{
	static const struct { const char *make, *msg; } cases[] = {
		{ "ln -s ../victim build/lk/x.lock", "a symbolic link" },
		{ "mkfifo build/lk/x.lock", "lock file is a FIFO, not a regular file: refused" },
		{ "mkdir build/lk/x.lock", "lock file is a directory, not a regular file: refused" },
		{ "printf 'secret data\\n' > build/lk/x.lock", "holds something other than a process id" },
		{ "echo 123 > build/lk/x.lock && ln build/lk/x.lock build/lk/other", "lock file has 2 links: refused" },
	};
	struct bc_error e = { 0 };
	struct lock l;
	char victim[64], lockc[64];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf build/lk build/victim && mkdir -p build/lk && "
			 "printf 'root:x:0:0\\n' > build/victim && %s", cases[i].make);
		sh(cmd);
		/* a FIFO must not hang the open: an alarm would end the test */
		alarm(5);
		assert_true(lock_acquire(&l, "/", "build/lk/x.lock", 0, NULL, &e) < 0);
		alarm(0);
		assert_contains(e.msg, "build/lk/x.lock");
		assert_contains(e.msg, cases[i].msg);
		slurp("build/victim", victim, sizeof(victim));
		assert_string_equal(victim, "root:x:0:0\n");
	}
	slurp("build/lk/x.lock", lockc, sizeof(lockc));
	assert_string_equal(lockc, "123\n");
	/* a lock file left by an earlier run holds a pid: it is ours, reused */
	sh("rm -rf build/lk && mkdir -p build/lk && echo 99999 > build/lk/x.lock");
	assert_int_equal(lock_acquire(&l, "/", "build/lk/x.lock", 0, NULL, &e), 0);
	lock_release(&l);
	snprintf(victim, sizeof(victim), "%d\n", (int)getpid());
	slurp("build/lk/x.lock", lockc, sizeof(lockc));
	assert_string_equal(lockc, victim);
	sh("rm -rf build/lk build/victim");
}

/* A lock file another user planted (in a sticky /tmp, say) is refused. */
static void lock_refuses_other_users_file(void **state)
{
	struct bc_error e = { 0 };
	struct lock l;

	(void)state;
	if (geteuid() != 0)
		skip_because("not root: cannot plant a file of another user");
	sh("rm -rf build/lk && mkdir -p build/lk && : > build/lk/x.lock && chown 65534 build/lk/x.lock");
	/* as root: a planted file, 74 */
	assert_int_equal(lock_acquire(&l, "/", "build/lk/x.lock", 0, NULL, &e), -BC_EIO);
	assert_contains(e.msg, "owned by uid 65534, not by this user");
	sh("rm -rf build/lk");
}

/* Under --root the lock is inside the tree, and no symlink leads out of it. */
static void lock_inside_root(void **state)
{
	struct bc_error e = { 0 };
	struct lock l;

	(void)state;
	sh("rm -rf build/lr && mkdir -p build/lr");
	assert_int_equal(lock_acquire(&l, "build/lr", "/run/buddyctl.lock", 0, NULL, &e), 0);
	lock_release(&l);
	assert_int_equal(access("build/lr/run/buddyctl.lock", F_OK), 0);
	/* ROOT/run a symlink to a directory outside: not followed */
	sh("rm -rf build/lr build/outside && mkdir -p build/lr build/outside && ln -s ../outside build/lr/run");
	assert_true(lock_acquire(&l, "build/lr", "/run/buddyctl.lock", 0, NULL, &e) < 0);
	assert_contains(e.msg, "build/lr/run/buddyctl.lock: directory 'run': a symbolic link (not followed)");
	assert_true(lock_acquire(&l, "build/lr", "/../outside/x.lock", 0, NULL, &e) < 0);
	assert_contains(e.msg, "leads outside the root directory");
	assert_int_equal(system("test -z \"$(ls -A build/outside)\""), 0);
	sh("rm -rf build/lr build/outside");
}

/*
 * A lock file removed while held: the holder takes a new one if it is free,
 * and stops if another buddyctl took it first; two never run together.
 */
static void lock_removed_while_held(void **state)
{
	struct bc_error e = { 0 };
	struct lock a, b;

	(void)state;
	sh("rm -rf build/lh && mkdir -p build/lh");
	assert_int_equal(lock_acquire(&a, "/", "build/lh/x.lock", 0, NULL, &e), 0);
	assert_int_equal(lock_still_held(&a, &e), 0);
	assert_false(a.retaken);
	unlink("build/lh/x.lock");
	assert_int_equal(lock_still_held(&a, &e), 0);		/* nobody else: taken again */
	assert_true(a.retaken);
	assert_int_equal(access("build/lh/x.lock", F_OK), 0);
	/* removed again, and a second buddyctl is quicker */
	unlink("build/lh/x.lock");
	assert_int_equal(lock_acquire(&b, "/", "build/lh/x.lock", 0, NULL, &e), 0);
	assert_int_equal(lock_still_held(&a, &e), -BC_EBUSY);
	assert_contains(e.msg, "build/lh/x.lock: the lock file was removed or replaced while this buddyctl held it");
	lock_release(&a);
	lock_release(&b);
	/*
	 * Removed, and another buddyctl made a new one, ran and left: the
	 * file is free, but the two may have overlapped. Stop, do not retake.
	 */
	assert_int_equal(lock_acquire(&a, "/", "build/lh/x.lock", 0, NULL, &e), 0);
	unlink("build/lh/x.lock");
	assert_int_equal(lock_acquire(&b, "/", "build/lh/x.lock", 0, NULL, &e), 0);
	lock_release(&b);
	assert_int_equal(lock_still_held(&a, &e), -BC_EBUSY);
	lock_release(&a);
	sh("rm -rf build/lh");
}

/* A run whose lock was lost stops before its next write; nothing is restored. */
static void lock_lost_stops_the_run(void **state)
{
	struct bc_error e = { 0 };
	struct lock mine, theirs;
	struct kctx c = { .root = TREE, .lock = &mine };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r[2];

	(void)state;
	plan_add(&p, ACT_COMPACT_ALL);
	assert_int_equal(lock_acquire(&mine, "/", "build/ll.lock", 0, NULL, &e), 0);
	unlink("build/ll.lock");
	assert_int_equal(lock_acquire(&theirs, "/", "build/ll.lock", 0, NULL, &e), 0);
	assert_int_equal(execute_plan(&c, &p, r), 2);
	assert_int_equal(r[0].status, RES_INTERRUPTED);
	assert_int_equal(r[1].status, RES_INTERRUPTED);
	assert_contains(c.lock_lost, "removed or replaced while this buddyctl held it");
	assert_int_equal(c.nr_log, 0);
	assert_int_equal(file_value(NODE1_2M), 64);
	lock_release(&mine);
	lock_release(&theirs);
	unlink("build/ll.lock");
	kw_free(&c);
	plan_free(&p);
}

/*
 * write(2) replaced: a SIGTERM arrives while a pool is written
 * (write_sets), or, for whole runs of the command line (run_cli()), the
 * kernel grants a pool write at most wrap_grant pages (-1: all) and the
 * signal wrap_signal arrives during the first such write.
 */
static volatile int *write_sets;
static long long wrap_grant = -1;
static int wrap_signal;
static unsigned wrap_capped;


/*
 * A tree whose MemFree keeps growing: each write to vm/stat_refresh takes
 * 50 ms and frees 4 MiB more (grow_memfree), each wait between two readings
 * of SReclaimable sees 1 MiB more of slab gone (shrink_slab).
 */
static bool grow_memfree, shrink_slab;
static unsigned refresh_writes;

/* Add kb to the field of TREE/proc/meminfo (a kernel that frees memory meanwhile). */
static void meminfo_add(const char *field, long long kb)
{
	char text[8192], *p;
	size_t n = 0;
	long long v;
	FILE *f = fopen(TREE "/proc/meminfo", "r");

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	p = strstr(text, field);
	assert_non_null(p);
	p += strlen(field);
	v = strtoll(p, NULL, 10);
	f = fopen(TREE "/proc/meminfo", "w");
	assert_non_null(f);
	fprintf(f, "%.*s %lld kB%s", (int)(p - text), text, v + kb, strchr(p, '\n'));
	fclose(f);
}

/*
 * The map's tree (tests/fixtures/map/gen-gigantic.py) on a copy, where a
 * write to node0/compact frees the 300 slab pages of 1G range 4 (its only
 * blockers), when map_compaction_clears: a step that clears a range.
 */
#define MAPTREE "build/mapactfx"
#define GIG_RANGE 262144ull
static bool map_compaction_clears;

static void clear_slab_range(void)
{
	uint64_t w[300];
	int fd = open(MAPTREE "/proc/kpageflags", O_WRONLY | O_CLOEXEC);
	unsigned i;

	assert_true(fd >= 0);
	for (i = 0; i < 300; i++)
		w[i] = 0x400;	/* BUDDY */
	assert_int_equal(pwrite(fd, w, sizeof(w), (off_t)(4 * GIG_RANGE * 8)), (ssize_t)sizeof(w));
	close(fd);
}

/* Is fd the file whose path ends in tail? */
static bool fd_is(int fd, const char *tail)
{
	char link[64], path[PATH_MAX];
	size_t t = strlen(tail);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || (size_t)n < t)
		return false;
	path[n] = '\0';
	return !strcmp(path + n - t, tail);
}

int __wrap_nanosleep(const struct timespec *req, struct timespec *rem);
int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (shrink_slab)
		meminfo_add("SReclaimable:", -1024);
	return __real_nanosleep(req, rem);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	char v[32];
	int len;

	if (write_sets)
		*write_sets = 1;
	if (map_compaction_clears && fd_is(fd, "/node0/compact"))
		clear_slab_range();
	if (grow_memfree && fd_is(fd, "/stat_refresh")) {
		refresh_writes++;
		usleep(50000);
		meminfo_add("MemFree:", 4096);
	}
	if (wrap_grant >= 0 && n < sizeof(v) && fd_is(fd, "/nr_hugepages")) {
		memcpy(v, buf, n);
		v[n] = '\0';
		if (strtoll(v, NULL, 10) > wrap_grant) {
			/* what the kernel does when memory runs out: fewer pages, no error */
			len = snprintf(v, sizeof(v), "%lld\n", wrap_grant);
			if (__real_write(fd, v, (size_t)len) != len)
				return -1;
			if (wrap_capped++ == 0 && wrap_signal)
				raise(wrap_signal);
			return (ssize_t)n;
		}
	}
	return __real_write(fd, buf, n);
}

/*
 * A signal during the last pool write of a short reservation (no rounds
 * left) leaves it partial: the status says what the writes did, and the
 * signal came after the last one.
 */
static void late_signal_leaves_partial(void **state)
{
	volatile int stop = 0;
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .stop = &stop, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 0);
	struct action_result r;

	(void)state;
	write_sets = &stop;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	write_sets = NULL;
	assert_true(stop);
	assert_int_equal(r.status, RES_PARTIAL);
	assert_int_equal(r.after, 80);
	kw_free(&c);
	plan_free(&p);
}

/* sync(2) replaced: a SIGTERM arrives while it runs. */
static volatile int *sync_sets;
void __wrap_sync(void);
void __real_sync(void);
void __wrap_sync(void)
{
	if (sync_sets)
		*sync_sets = 1;
	else
		__real_sync();
}

static void no_drop_after_a_signal_during_sync(void **state)
{
	volatile int stop = 0;
	struct kctx c = { .root = TREE, .stop = &stop };
	struct plan p = { .time_budget_s = 10 };
	struct action_result r;
	struct action *a = plan_add(&p, ACT_DROP_CACHES);
	char content[16];

	(void)state;
	a->drop_level = 3;
	a->sync = true;
	sync_sets = &stop;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	sync_sets = NULL;
	assert_int_equal(r.status, RES_INTERRUPTED);
	assert_int_equal(c.nr_log, 0);
	slurp(TREE "/proc/sys/vm/drop_caches", content, sizeof(content));
	assert_string_equal(content, "");		/* never written */
	kw_free(&c);
	plan_free(&p);
}

/* Kernel files under --root: a symlink out of the tree is never written through. */
static void kernel_write_stays_in_root(void **state)
{
	struct kctx c = { .root = TREE };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;
	char content[16];

	(void)state;
	sh("echo 7 > build/outside-pool && rm " TREE "/" NODE1_2M " && "
	   "ln -s $(pwd)/build/outside-pool " TREE "/" NODE1_2M);
	execute_plan(&c, &p, &r);
	assert_int_equal(r.status, RES_FAILED);
	assert_contains(r.error, "leads outside the root directory");
	slurp("build/outside-pool", content, sizeof(content));
	assert_string_equal(content, "7\n");
	unlink("build/outside-pool");
	kw_free(&c);
	plan_free(&p);
}

/* rootfs: openat2() stays beneath the root; the fallback walk refuses every symlink. */
static void rootfs_never_leaves_root(void **state)
{
	int dfd, fd;

	(void)state;
	sh("rm -rf build/rt && mkdir -p build/rt/proc build/rt/sys && echo in > build/rt/sys/real && "
	   "ln -s /etc/hostname build/rt/proc/abs && ln -s ../../.. build/rt/proc/up && "
	   "ln -s ../sys/real build/rt/proc/inside");
	errno = 0;
	assert_true(rootfs_open("build/rt", "proc/abs", O_RDONLY, 0) < 0);
	assert_true(errno == EXDEV || errno == ELOOP);
	assert_true(rootfs_open("build/rt", "proc/up/etc/hostname", O_RDONLY, 0) < 0);
	assert_true(errno == EXDEV || errno == ELOOP);
	assert_true(rootfs_open("build/rt", "../rt/sys/real", O_RDONLY, 0) < 0);
	assert_int_equal(errno, EXDEV);
	fd = rootfs_open("build/rt", "sys/real", O_RDONLY, 0);
	assert_true(fd >= 0);
	close(fd);
	/* a symlink inside the tree: followed by openat2, refused by the walk */
	fd = rootfs_open("build/rt", "proc/inside", O_RDONLY, 0);
	if (fd >= 0)
		close(fd);
	dfd = open("build/rt", O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_true(rootfs_openat_walk(dfd, "proc/inside", O_RDONLY, 0) < 0);
	assert_int_equal(errno, ELOOP);
	assert_true(rootfs_openat_walk(dfd, "proc/up/x", O_RDONLY, 0) < 0);
	assert_int_equal(errno, ELOOP);
	assert_true(rootfs_openat_walk(dfd, "sys/../../x", O_RDONLY, 0) < 0);
	assert_int_equal(errno, EXDEV);
	fd = rootfs_openat_walk(dfd, "sys//real", O_RDONLY, 0);
	assert_true(fd >= 0);
	close(fd);
	close(dfd);
	sh("rm -rf build/rt");
}

/*
 * Pools' outcomes in the state file: written and read back with the node
 * lines, a file of node lines only (before outcomes were kept) still read,
 * and bad pool lines ignored with one warning, the good ones kept.
 */
static void state_file_pools(void **state)
{
	static struct state st, back;
	struct pool_outcome o = { .size_kb = 2048, .node = 1, .started = 1795460000, .asked = 100,
				  .got = 80, .free_kb = 6344308, .fruitless = 2, .nr_steps = 2,
				  .steps = { { .step = STEP_RECLAIM_NODE, .asked_kb = 40960, .gained = 0 },
					     { .step = STEP_DROP_SLAB, .gained = 0 } } };
	const struct pool_outcome *p;
	struct bc_error e = { 0 };
	char content[512];

	(void)state;
	sh("rm -rf build/sp && mkdir -p build/sp");
	memset(&st, 0, sizeof(st));
	st.last[6] = 1795460100;
	assert_int_equal(state_set_pool(&st, &o), 0);
	o.size_kb = 1048576;
	o.node = -1;
	o.fruitless = 0;
	o.nr_steps = 1;
	o.steps[0] = (struct outcome_step){ .step = STEP_DROP_ALL, .gained = 3 };
	assert_int_equal(state_set_pool(&st, &o), 0);
	/* the same pool again replaces it */
	o.got = 81;
	assert_int_equal(state_set_pool(&st, &o), 0);
	assert_int_equal(st.nr_pools, 2);
	assert_int_equal(state_save("/", "build/sp/state", &st, &e), 0);
	slurp("build/sp/state", content, sizeof(content));
	assert_string_equal(content, "node 6 1795460100\n"
			    "pool 2048 1 1795460000 100 80 6344308 2 reclaim-node:40960:0 drop-slab:0:0\n"
			    "pool 1048576 - 1795460000 100 81 6344308 0 drop-all:0:3\n");
	assert_int_equal(state_load("/", "build/sp/state", 1795460200, &back, &e), 0);
	assert_string_equal(e.msg, "");
	assert_true(back.last[6] == 1795460100);
	assert_int_equal(back.nr_pools, 2);
	p = state_pool(&back, 2048, 1);
	assert_non_null(p);
	assert_true(p->started == 1795460000);
	assert_int_equal(p->asked, 100);
	assert_int_equal(p->got, 80);
	assert_int_equal(p->free_kb, 6344308);
	assert_int_equal(p->fruitless, 2);
	assert_int_equal(p->nr_steps, 2);
	assert_int_equal(p->steps[0].step, STEP_RECLAIM_NODE);
	assert_int_equal(p->steps[0].asked_kb, 40960);
	assert_int_equal(p->steps[1].step, STEP_DROP_SLAB);
	p = state_pool(&back, 1048576, -1);
	assert_non_null(p);
	assert_int_equal(p->steps[0].gained, 3);
	assert_null(state_pool(&back, 2048, 0));
	state_free(&back);
	state_free(&st);

	/* bad pool lines: each ignored, the first named, the good lines kept */
	sh("printf '"
	   "node 2 1795460000\n"
	   "pool 2048 0 1795460000 100 80 6344308 1 retry:0:0\n"			/* drops no cache */
	   "pool 2048 0 1795460000 100 80 6344308 1 drop-all:0:0 drop-all:0:0\n"	/* given twice */
	   "pool 2048 0 1795460000 100 80 6344308 1 frob:0:0\n"
	   "pool 2048 0 1795460000 100 80 6344308 1 drop-all:0\n"
	   "pool 2048 0 1795460000 100 80 6344308 1 drop-all:0:0 \n"
	   "pool 2048 0 1795460000 100 80 6344308\n"
	   "pool 2048 0 9795460000 100 80 6344308 1 drop-all:0:0\n"			/* future */
	   "pool 2048 1024 1795460000 100 80 6344308 1 drop-all:0:0\n"
	   "pool 0 0 1795460000 100 80 6344308 1 drop-all:0:0\n"
	   "pool 2048 0 1795460000 -1 80 6344308 1 drop-all:0:0\n"
	   "pool 2048 0 1795460000 100 80 inf 1 drop-all:0:0\n"
	   "pool 2048 x 1795460000 100 80 6344308 1 drop-all:0:0\n"
	   "pool 2048 0 1795460000 100 80 6344308 1 drop-all:0:99999999999999999999\n"
	   "pool 2048 0 1795460000 100 80 6344308 1 \tdrop-all:0:0\n"
	   "pool 2048 0 1795460000 100 80 6344308 1 drop-all:0:0 drop-slab:0:0 reclaim-node:0:0 drop-pagecache:0:0 drop-all:1:1\n"
	   "pools 2048\n"
	   "pool 2048 0 1795460000 100 80 6344308 1 drop-all:0:0\n"			/* good */
	   "' > build/sp/state");
	assert_int_equal(state_load("/", "build/sp/state", 1795460200, &back, &e), 0);
	assert_contains(e.msg, "build/sp/state:2: a step that drops no cache: entry ignored, and later bad ones (16 in all)");
	assert_true(back.last[2] == 1795460000);
	assert_int_equal(back.nr_pools, 1);
	assert_int_equal(back.pools[0].node, 0);
	assert_int_equal(back.pools[0].steps[0].step, STEP_DROP_ALL);
	state_free(&back);
	sh("printf 'pool 2048 0 1795460000 100 80 6344308 1 drop-all:0:0 drop-all:0:0\n' > build/sp/state");
	assert_int_equal(state_load("/", "build/sp/state", 1795460200, &back, &e), 0);
	assert_contains(e.msg, "build/sp/state:1: a step given twice: entry ignored (1 in all)");
	assert_int_equal(back.nr_pools, 0);
	state_free(&back);
	sh("printf 'garbage\n' > build/sp/state");
	assert_int_equal(state_load("/", "build/sp/state", 1795460200, &back, &e), 0);
	assert_contains(e.msg, "build/sp/state:1: not a 'node N SECONDS' line");
	state_free(&back);
	sh("rm -rf build/sp");
}

/*
 * A state file of more pools than buddyctl keeps: the rest are ignored, and
 * one more pool makes room by replacing the one that started longest ago.
 */
static void state_file_pools_bounded(void **state)
{
	static struct state back;
	struct pool_outcome o = { .size_kb = 2048, .node = 0, .started = 1795460199, .asked = 1,
				  .fruitless = 1, .nr_steps = 1, .steps = { { .step = STEP_DROP_ALL } } };
	struct bc_error e = { 0 };
	char cmd[256];

	(void)state;
	sh("rm -rf build/sp && mkdir -p build/sp");
	snprintf(cmd, sizeof(cmd), "for s in 2048 4096 8192; do i=0; while [ $i -lt 1000 ]; do "
		 "echo \"pool $s $i $((1795450000 + i)) 1 0 0 1 drop-all:0:0\"; i=$((i + 1)); done; done > build/sp/state");
	sh(cmd);
	assert_int_equal(state_load("/", "build/sp/state", 1795460200, &back, &e), 0);
	assert_int_equal(back.nr_pools, STATE_MAX_POOLS);
	assert_contains(e.msg, "build/sp/state:2049: more pools than buddyctl keeps: entry ignored, and later bad ones (952 in all)");
	assert_non_null(state_pool(&back, 2048, 0));
	assert_int_equal(state_set_pool(&back, &o), 0);	/* replaces itself: now the newest */
	o.node = 1000;
	/* the oldest (4096 on node 0, started first, with 8192 on node 0) makes room */
	assert_int_equal(state_set_pool(&back, &o), 0);
	assert_int_equal(back.nr_pools, STATE_MAX_POOLS);
	assert_non_null(state_pool(&back, 2048, 1000));
	assert_non_null(state_pool(&back, 2048, 0));
	assert_null(state_pool(&back, 4096, 0));
	assert_non_null(state_pool(&back, 8192, 0));
	state_free(&back);
	sh("rm -rf build/sp");
}

/*
 * What a reservation's dropping steps gained, from its results: a reclaim
 * in a chosen escalation only makes room, the compaction after it writes,
 * and that write's gain is the reclaim's; summed over the rounds.
 */
static void outcome_of_executed_reserve(void **state)
{
	/* two-node node 1, 6200 x 2M chosen; every write granted 6000 at most */
	struct kfault f = { .match = "node1/hugepages", .grant_max = 6000 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct pool_outcome o, prev;
	struct snapshot snap;
	struct plan p = chosen_plan(6200, &snap);
	struct action_result r;

	(void)state;
	p.a[0].judged = true;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	/* compact first, write 6000; drain, reclaim-node, compact + write +0, burst +0 */
	assert_int_equal(r.steps[2].step, STEP_RECLAIM_NODE);
	assert_true(state_outcome(&p.a[0], &r, 1795460000, 12345, NULL, &o));
	assert_int_equal(o.size_kb, 2048);
	assert_int_equal(o.node, 1);
	assert_true(o.started == 1795460000);
	assert_int_equal(o.asked, 6200);
	assert_int_equal(o.got, 6000);
	assert_int_equal(o.free_kb, 12345);
	assert_int_equal(o.nr_steps, 1);
	assert_int_equal(o.steps[0].step, STEP_RECLAIM_NODE);
	assert_int_equal(o.steps[0].gained, 0);
	assert_int_equal(o.fruitless, 1);
	/* the next fruitless run counts on; not for another target */
	prev = o;
	assert_true(state_outcome(&p.a[0], &r, 1795460600, 12345, &prev, &o));
	assert_int_equal(o.fruitless, 2);
	prev.asked = 6100;
	assert_true(state_outcome(&p.a[0], &r, 1795460600, 12345, &prev, &o));
	assert_int_equal(o.fruitless, 1);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

static void outcome_of_executed_reserve_that_gained(void **state)
{
	/* 6000, then 6100, then 6150 for good: the first round's reclaim gained 100 */
	struct kfault f[] = { { .match = "node1/hugepages", .grant_max = 6000, .times = 1 },
			      { .match = "node1/hugepages", .grant_max = 6100, .times = 1 },
			      { .match = "node1/hugepages", .grant_max = 6150 } };
	struct kctx c = { .root = TREE, .faults = f, .nr_faults = 3 };
	struct pool_outcome o, prev = { .fruitless = 3, .asked = 6200 };
	struct snapshot snap;
	struct plan p = chosen_plan(6200, &snap);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_true(state_outcome(&p.a[0], &r, 1795460000, 0, &prev, &o));
	/* round 1: reclaim, compact + write +100; round 2: reclaim, compact + write +0 */
	assert_int_equal(o.nr_steps, 1);
	assert_int_equal(o.steps[0].gained, 100);
	assert_int_equal(o.fruitless, 0);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

/* A reclaim before the first compaction: the first write follows both, its gain is theirs. */
static void outcome_of_reclaim_first(void **state)
{
	struct kctx c = { .root = TREE };
	struct pool_outcome o;
	struct snapshot snap;
	struct plan p = chosen_plan(6300, &snap);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	/* reclaim, compact, write 6129 (from 64): +6065; then the round's reclaim, compact, 6300: +171 */
	assert_true(r.steps[0].first);
	assert_true(state_outcome(&p.a[0], &r, 1795460000, 0, NULL, &o));
	assert_int_equal(o.nr_steps, 1);
	assert_int_equal(o.steps[0].step, STEP_RECLAIM_NODE);
	assert_int_equal(o.steps[0].asked_kb, 213180);
	assert_int_equal(o.steps[0].gained, 6065 + 171);
	assert_int_equal(o.fruitless, 0);
	kw_free(&c);
	plan_free(&p);
	snapshot_free(&snap);
}

/*
 * A run without dropping steps: an outcome without steps, which ends what a
 * fruitless run before it said. One whose dropping steps were left out, or
 * that tells nothing (interrupted, a write failed): no outcome, the one
 * before stands.
 */
static void outcome_without_drops(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 2);	/* retry, compact-node */
	struct action_result r;
	struct pool_outcome o, prev = { .fruitless = 3, .asked = 100 };

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_true(state_outcome(&p.a[0], &r, 1795460000, 77, &prev, &o));
	assert_int_equal(o.nr_steps, 0);
	assert_int_equal(o.fruitless, 0);
	assert_int_equal(o.got, 80);
	assert_int_equal(o.free_kb, 77);
	/* its drops were left out: the outcome of the run that took them stands */
	p.a[0].drops_skipped = (struct steps){ .s = { STEP_DROP_PAGECACHE }, .n = 1 };
	assert_false(state_outcome(&p.a[0], &r, 1795460000, 0, &prev, &o));
	p.a[0].drops_skipped.n = 0;
	/* a given ladder's drop writes after itself: gained 0, recorded */
	p.a[0].ladder = (struct steps){ .s = { STEP_DROP_PAGECACHE }, .n = 1 };
	steps_of(&p.a[0]);
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_true(state_outcome(&p.a[0], &r, 1795460000, 0, NULL, &o));
	assert_int_equal(o.steps[0].step, STEP_DROP_PAGECACHE);
	assert_int_equal(o.steps[0].gained, 0);
	assert_int_equal(o.fruitless, 1);
	/* interrupted, or a write that failed: nothing known */
	r.status = RES_INTERRUPTED;
	assert_false(state_outcome(&p.a[0], &r, 1795460000, 0, NULL, &o));
	r.status = RES_PARTIAL;
	snprintf(r.error, sizeof(r.error), "nr_hugepages: writing '100': Device or resource busy");
	assert_false(state_outcome(&p.a[0], &r, 1795460000, 0, NULL, &o));
	kw_free(&c);
	plan_free(&p);
}

/* Every kind of bad state file warns and is ignored: it never stops a run. */
static void state_file_hostile(void **state)
{
	static struct state st;
	double *last = st.last, now = 1795460200;
	struct bc_error w = { 0 };
	char content[64];
	unsigned i;

	(void)state;
	sh("rm -rf build/st && mkdir -p build/st && printf '"
	   "node 1 inf\\nnode 2 1e300\\nnode 3 nan\\nnode 4 99999999999\\nnode 4294967296 17\\n"
	   "node 5 -3\\n\\x01\\x02garbage\\nnode 7 1795460000 extra\\nnode 6 1795460000\\nnode 1024 5\\n' > build/st/state");
	assert_int_equal(state_load("/", "build/st/state", now, &st, &w), 0);
	assert_contains(w.msg, "build/st/state:1: not a 'node N SECONDS' line");
	assert_contains(w.msg, "(9 in all)");
	for (i = 0; i < STATE_MAX_NODES; i++)
		if (i != 6 && last[i] != 0)
			fail_msg("node %u credited with %f", i, last[i]);
	assert_true(last[6] == 1795460000);
	/* node ids out of range and future times name their reason when first */
	sh("printf 'node 4294967296 17\\n' > build/st/state");
	assert_int_equal(state_load("/", "build/st/state", now, &st, &w), 0);
	assert_contains(w.msg, "node id out of range");
	assert_true(last[0] == 0);
	sh("printf 'node 0 1795469999\\n' > build/st/state");
	assert_int_equal(state_load("/", "build/st/state", now, &st, &w), 0);
	assert_contains(w.msg, "time in the future");
	/* not a regular file: ignored at once, without blocking */
	sh("rm -f build/st/state && mkfifo build/st/state");
	alarm(5);
	assert_int_equal(state_load("/", "build/st/state", now, &st, &w), 0);
	alarm(0);
	assert_contains(w.msg, "build/st/state: a FIFO, not a regular file; state file ignored");
	sh("rm -f build/st/state && mkdir build/st/state");
	assert_int_equal(state_load("/", "build/st/state", now, &st, &w), 0);
	assert_contains(w.msg, "a directory, not a regular file");
	/* a symlink is neither read nor replaced */
	sh("rm -rf build/st/state && echo 'node 3 1795460000' > build/st/target && ln -s target build/st/state");
	assert_int_equal(state_load("/", "build/st/state", now, &st, &w), 0);
	assert_contains(w.msg, "a symbolic link, not a regular file");
	assert_true(last[3] == 0);
	last[3] = 1795460100;
	assert_int_equal(state_save("/", "build/st/state", &st, &w), -BC_ECANTCREAT);
	assert_contains(w.msg, "build/st/state: exists and is a symbolic link, not a regular file: not replaced");
	slurp("build/st/target", content, sizeof(content));
	assert_string_equal(content, "node 3 1795460000\n");
	/* under a root: inside it, directories made */
	assert_int_equal(state_save("build/st", "/var/lib/buddyctl/state", &st, &w), 0);
	slurp("build/st/var/lib/buddyctl/state", content, sizeof(content));
	assert_string_equal(content, "node 3 1795460100\n");
	sh("rm -rf build/st");
}

static int raise_term(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("half of it", f);
	fflush(f);
	raise(SIGTERM);
	return 0;
}

/* A SIGTERM while the output is written leaves no FILE.tmp.* behind. */
static void replace_killed_leaves_no_tmp(void **state)
{
	char content[32];
	pid_t pid;
	int st;

	(void)state;
	sh("rm -rf build/kt && mkdir -p build/kt && echo old > build/kt/out.prom");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct bc_error e;

		ownfile_replace("/", "build/kt/out.prom", false, BC_ECANTCREAT, raise_term, NULL, &e);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_int_equal(system("test \"$(ls -A build/kt)\" = out.prom"), 0);
	slurp("build/kt/out.prom", content, sizeof(content));
	assert_string_equal(content, "old\n");
	sh("rm -rf build/kt");
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A short reservation (the kernel grants 70 of 100) whose only escalation
 * step is step, under a budget of budget_s: how long execute_plan() took.
 */
static double run_one_step(enum step step, double budget_s, struct kfault *extra)
{
	struct kfault f[2] = { { .match = "node1/hugepages", .grant_max = 70 } };
	struct kctx c = { .root = TREE, .faults = f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;
	double t0;

	if (extra) {
		f[1] = *extra;
		c.nr_faults = 2;
	}
	p.time_budget_s = budget_s;
	p.a[0].ladder = (struct steps){ .s = { step }, .n = 1 };
	steps_of(&p.a[0]);
	t0 = mono_s();
	execute_plan(&c, &p, &r);
	t0 = mono_s() - t0;
	assert_int_equal(r.status, RES_PARTIAL);
	assert_int_equal(r.nr_steps, 1);
	kw_free(&c);
	plan_free(&p);
	return t0;
}

/*
 * Every step obeys the time budget, also inside: drain-pcp writes
 * vm/stat_refresh while MemFree grows (up to 128 writes), here 50 ms each
 * and MemFree growing every time: 6.4 s without a deadline; with a budget
 * of 0.5 s it stops at the first write after the deadline.
 */
static void drain_pcp_obeys_the_budget(void **state)
{
	double took;

	(void)state;
	sh("touch " TREE "/proc/sys/vm/stat_refresh");
	grow_memfree = true;
	refresh_writes = 0;
	took = run_one_step(STEP_DRAIN_PCP, 0.5, NULL);
	grow_memfree = false;
	if (took > 1.5 || refresh_writes > 20)
		fail_msg("drain-pcp took %.1f s and %u writes with a budget of 0.5 s", took, refresh_writes);
	assert_true(refresh_writes >= 1);
}

/*
 * The wait after a slab drop (until SReclaimable stops falling, at most
 * 1 s) ends at the deadline: here the slab keeps shrinking at every reading.
 */
static void slab_settle_obeys_the_budget(void **state)
{
	double took;

	(void)state;
	shrink_slab = true;
	took = run_one_step(STEP_DROP_SLAB, 0.2, NULL);
	shrink_slab = false;
	if (took > 0.7)
		fail_msg("drop-slab took %.2f s with a budget of 0.2 s", took);
}

/* The retries of a trigger write that keeps failing EBUSY (up to 1 s) end at the deadline. */
static void trigger_retries_obey_the_budget(void **state)
{
	struct kfault busy = { .match = "node1/compact", .errnum = EBUSY };
	double took;

	(void)state;
	took = run_one_step(STEP_COMPACT_NODE, 0.2, &busy);
	if (took > 0.7)
		fail_msg("compact-node retried for %.2f s with a budget of 0.2 s", took);
}

/* What a whole run of the command line left: its exit status, stdout and stderr. */
struct cli_run {
	int status;		/* the exit status, or 128 + the signal that killed it */
	char out[16384];
	char err[4096];
};


/*
 * Run a command as main() would (cmd_reserve(), cmd_apply()) in a child,
 * with the write(2) above: a pool write is granted grant pages (-1: all)
 * and sig arrives during the first such write.
 */
static void run_cmd(struct cli_run *r, int (*cmd)(const struct act_args *, struct bc_error *),
		    const struct act_args *a, long long grant, int sig)
{
	char out_tmp[] = "/tmp/buddyctl-act-out.XXXXXX", err_tmp[] = "/tmp/buddyctl-act-err.XXXXXX";
	int fo = mkstemp(out_tmp), fe = mkstemp(err_tmp), st;
	pid_t pid;

	assert_true(fo >= 0 && fe >= 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct bc_error e = { 0 };
		int rc;

		dup2(fo, 1);
		dup2(fe, 2);
		wrap_grant = grant;
		wrap_signal = sig;
		log_init();
		rc = cmd(a, &e);
		if (rc < 0)
			fprintf(stderr, "buddyctl: %s\n", e.msg);
		fflush(NULL);
		_exit(rc < 0 ? 100 - rc : rc);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	test_drain(fo, r->out, sizeof(r->out));
	test_drain(fe, r->err, sizeof(r->err));
	close(fo);
	close(fe);
	unlink(out_tmp);
	unlink(err_tmp);
}

/* `buddyctl --root TREE reserve --ladder retry --rounds 1 [--restore] SPECS`. */
static void run_reserve_as(struct cli_run *r, enum out_format format, long long grant, int sig,
			   bool restore, const char *const *specs, int nr_specs)
{
	struct act_args a = { .root = TREE, .format = format, .rounds = 1, .ladder = "retry",
			      .time_budget = 10, .wait = -1, .restore = restore,
			      .specs = (char **)specs, .nr_specs = nr_specs };

	run_cmd(r, cmd_reserve, &a, grant, sig);
}

static void run_reserve(struct cli_run *r, long long grant, int sig, bool restore,
			const char *const *specs, int nr_specs)
{
	run_reserve_as(r, FMT_TEXT, grant, sig, restore, specs, nr_specs);
}

/*
 * reserve --restore 2M:100@0 (node 0's pool holds 0) that the kernel grants
 * 10 of: the 10 are put back, the pool is at 0 as before, and the run says
 * so the same way in the text, the JSON and the exit status: the
 * reservation failed (2), the kernel granted 10, all were given back.
 */
static void restored_grant_said_as_it_was(void **state)
{
	const char *const spec[] = { "2M:100@0" };
	static struct cli_run r;

	(void)state;
	run_reserve(&r, 10, 0, true, spec, 1);
	if (r.status != 2)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	assert_int_equal(file_value(NODE0_2M), 0);
	assert_contains(r.out, "reserve 2M on node 0: 0 -> 100");
	assert_contains(r.out, " failed ");
	assert_contains(r.out, "                  0    2M        100        0         0      100  (granted 10, all put back: --restore)\n");
	assert_contains(r.out, "exit status 2: reserve 2M on node 0: 0 -> 100: the kernel granted 10 of the 100 pages asked (90 short); --restore put the 10 back: the pool is at 0 as before\n");
	assert_contains(r.err, "exit 2: reserve 2M on node 0: 0 -> 100: the kernel granted 10 of the 100 pages asked");
	run_reserve_as(&r, FMT_JSON, 10, 0, true, spec, 1);
	assert_int_equal(r.status, 2);
	assert_contains(r.out, "\"status\":\"failed\"");
	assert_contains(r.out, "\"before\":0,\"obtained\":0,\"shortfall\":100,\"restored\":true,\"granted\":10,");
	assert_contains(r.out, "\"exit\":2,\"exit_reason\":\"reserve 2M on node 0: 0 -> 100: the kernel granted 10 of the 100 pages asked (90 short); --restore put the 10 back: the pool is at 0 as before\"");
	/* kept (no --restore): partial, 1, granted = obtained */
	run_reserve_as(&r, FMT_JSON, 10, 0, false, spec, 1);
	assert_int_equal(r.status, 1);
	assert_int_equal(file_value(NODE0_2M), 10);
	assert_contains(r.out, "\"status\":\"partial\"");
	assert_contains(r.out, "\"before\":0,\"obtained\":10,\"shortfall\":90,\"restored\":false,\"granted\":10,");
	assert_contains(r.out, "the kernel granted 10 of the 100 pages asked (90 short)\"");
}

/* Pages given back (reserve 2M:0@1, the pool at 64): freed, not "obtained 0", no estimate. */
static void release_said_as_freed(void **state)
{
	const char *const spec[] = { "2M:0@1" };
	static struct cli_run r;

	(void)state;
	run_reserve(&r, -1, 0, false, spec, 1);
	assert_int_equal(r.status, 0);
	assert_int_equal(file_value(NODE1_2M), 0);
	assert_contains(r.out, "                  1    2M          0       64         -        -  (64 freed)\n");
	if (strstr(r.out, "estimate:"))
		fail_msg("an estimate for pages given back: %s", r.out);
}

/*
 * A signal whose default action ends the process, during the pool write of
 * `reserve --restore 2M:100@0` that the kernel grants 10 of 100 (node 0's
 * pool holds 0): the run stops as for SIGTERM. The report and the log line
 * are written, the pool is put back to 0, and the exit status is 130.
 * SIGPIPE and SIGXFSZ come only from buddyctl's own writes: ignored, the
 * write fails instead; the run goes on and ends as its actions say.
 */
static void signals_stop_the_run_cleanly(void **state)
{
	static const int stop[] = { SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM,
				    SIGPROF, SIGXCPU, SIGIO, SIGPWR, SIGSTKFLT };
	const char *const spec[] = { "2M:100@0" };
	static struct cli_run r;
	char name[64];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
		run_reserve(&r, 10, stop[i], true, spec, 1);
		snprintf(name, sizeof(name), "interrupted by SIG%s", sigabbrev_np(stop[i]));
		if (r.status != 130)
			fail_msg("%s: exit %d, stdout '%s', stderr '%s'", name, r.status, r.out, r.err);
		assert_contains(r.out, "reserve 2M on node 0: 0 -> 100");
		assert_contains(r.out, name);
		/* the log line, one */
		assert_contains(r.err, "buddyctl reserve: ");
		assert_contains(r.err, name);
		assert_int_equal(file_value(NODE0_2M), 0);
	}
	for (i = 0; i < 2; i++) {
		run_reserve(&r, 10, i ? SIGXFSZ : SIGPIPE, true, spec, 1);
		if (r.status == 130 || r.status > 128)
			fail_msg("SIG%s: exit %d: %s", sigabbrev_np(i ? SIGXFSZ : SIGPIPE), r.status, r.err);
		assert_int_equal(file_value(NODE0_2M), 0);
		assert_true(strstr(r.out, "interrupted") == NULL);
	}
}

/*
 * apply, when a SIGHUP comes during its pool write (granted 10 of 100):
 * both nodes were compacted before (every node is crit by this policy), so
 * they are recorded in the state file; the pool is put back (keep = no);
 * the report and the log line say SIGHUP; exit 130.
 */
static void signal_during_apply(void **state)
{
	struct act_args a = { .root = TREE, .format = FMT_TEXT, .config = "build/sighup.conf",
			      .rounds = -1, .time_budget = -1, .wait = -1 };
	static struct cli_run r;
	char st[256];

	(void)state;
	sh("printf '[fragmentation]\\nwarn_unusable = 0\\ncrit_unusable = 0\\n[remediate]\\ncrit = compact-node\\n"
	   "[hugepages 2M]\\ncount = 0:100\\nkeep = no\\non_short = retry\\nrounds = 1\\n"
	   "[run]\\nstate_file = /var/lib/buddyctl/state\\n' > build/sighup.conf");
	run_cmd(&r, cmd_apply, &a, 10, SIGHUP);
	unlink("build/sighup.conf");
	if (r.status != 130)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	assert_contains(r.out, "compact node 0");
	assert_contains(r.out, "exit status 130: interrupted by SIGHUP");
	assert_contains(r.err, "buddyctl apply: ");
	assert_contains(r.err, "exit 130: interrupted by SIGHUP");
	assert_int_equal(file_value(NODE0_2M), 0);
	slurp(TREE "/var/lib/buddyctl/state", st, sizeof(st));
	assert_contains(st, "node 0 ");
	assert_contains(st, "node 1 ");
}


static int fresh_map_tree(void **state)
{
	(void)state;
	return system("rm -rf " MAPTREE " && mkdir -p build && cp -r build/fixtures/map/gigantic " MAPTREE) == 0 ? 0 : -1;
}

static int drop_map_tree(void **state)
{
	(void)state;
	map_compaction_clears = false;
	return system("rm -rf " MAPTREE) == 0 ? 0 : -1;
}

/*
 * A plan of 3 x 1G on node 0 of the map's tree with --ladder
 * compact-node,retry (2 rounds), made from the node's map as reserve makes
 * it: *set holds the map (cli_map_free() it).
 */
static struct plan map_plan(struct snapshot *snap, struct pagemap_set *set)
{
	struct steps ladder = { .s = { STEP_COMPACT_NODE, STEP_RETRY }, .n = 2 };
	struct reserve_req rq = { .size_kb = 1048576, .ladder = &ladder, .rounds = 2, .keep = true,
				  .why = "test", .where = "test", .force_hint = "--force", .kind = BC_EUSAGE };
	struct plan p = { .time_budget_s = 30 };
	struct bc_error e;

	assert_int_equal(snapshot_read(MAPTREE, snap, &e), 0);
	assert_int_equal(cli_map_read(MAPTREE, snap, 1048576, NULL, set, &e), 0);
	assert_int_equal(set->nr, 2);
	p.maps = set;
	p.nr_maps = 1;
	assert_int_equal(plan_reserve_node(&p, snap, &rq, 0, 3, &e), 0);
	assert_true(p.a[0].est.from_map);
	return p;
}

/*
 * After a step of a gigantic pool planned from its map, the executor reads
 * the node's map again; when it shows no more ranges that are pages or can
 * become ones (node 0: 1 free + 1 compactable + 1 maybe = 3, before and
 * after: the tree does not change), nothing was cleared: the escalation
 * stops there, without the write, and the run ends short (the kernel gave
 * 1) with the map's why. Without the map the same plan takes both rounds.
 */
static void map_step_that_clears_nothing_stops(void **state)
{
	struct kfault f = { .match = "node0/hugepages/hugepages-1048576kB", .grant_max = 1 };
	struct kctx c = { .root = MAPTREE, .faults = &f, .nr_faults = 1 };
	struct pagemap_set set;
	struct snapshot snap;
	struct plan p = map_plan(&snap, &set);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_PARTIAL);
	assert_int_equal(r.after, 1);
	assert_int_equal(r.nr_steps, 1);
	assert_int_equal(r.steps[0].step, STEP_COMPACT_NODE);
	assert_int_equal(r.steps[0].map_had, 3);
	assert_true(r.steps[0].map_stop);
	assert_false(r.steps[0].wrote);
	assert_contains(r.why, "node 0, 1G: 2 ranges can be had (1 free, 1 by compaction); 1 maybe");
	kw_free(&c);
	plan_free(&p);
	cli_map_free(&set);
	snapshot_free(&snap);
	/* the same plan without its map: both rounds, each step and its write */
	assert_int_equal(system("cp -r build/fixtures/map/gigantic/proc/kpageflags " MAPTREE "/proc/kpageflags"), 0);
	p = map_plan(&snap, &set);
	p.a[0].est.from_map = false;
	memset(&c, 0, sizeof(c));
	c.root = MAPTREE;
	c.faults = &f;
	c.nr_faults = 1;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.nr_steps, 4);
	assert_int_equal(r.steps[0].map_had, -1);
	assert_false(r.steps[0].map_stop);
	assert_true(r.steps[0].wrote);
	kw_free(&c);
	plan_free(&p);
	cli_map_free(&set);
	snapshot_free(&snap);
}

/*
 * A step that clears a range goes on: the compaction frees range 4's slab
 * (the map then shows 4 ranges, 1 more), so its write follows and wins the
 * page the plain write before it could not (the kernel gives 1, then 2);
 * retry gains nothing, and round 2's compaction clears nothing more: it
 * stops there.
 */
static void map_step_that_clears_goes_on(void **state)
{
	struct kfault f[] = { { .match = "node0/hugepages/hugepages-1048576kB", .grant_max = 1, .times = 1 },
			      { .match = "node0/hugepages/hugepages-1048576kB", .grant_max = 2 } };
	struct kctx c = { .root = MAPTREE, .faults = f, .nr_faults = 2 };
	struct pagemap_set set;
	struct snapshot snap;
	struct plan p = map_plan(&snap, &set);
	struct action_result r;

	(void)state;
	map_compaction_clears = true;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.after, 2);
	assert_int_equal(r.nr_steps, 3);
	assert_int_equal(r.steps[0].step, STEP_COMPACT_NODE);
	assert_int_equal(r.steps[0].map_had, 4);
	assert_false(r.steps[0].map_stop);
	assert_true(r.steps[0].wrote);
	assert_int_equal(r.steps[0].gain, 1);
	assert_int_equal(r.steps[1].step, STEP_RETRY);
	assert_int_equal(r.steps[1].map_had, -1);
	assert_int_equal(r.steps[2].step, STEP_COMPACT_NODE);
	assert_true(r.steps[2].map_stop);
	kw_free(&c);
	plan_free(&p);
	cli_map_free(&set);
	snapshot_free(&snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reserve_done, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(map_step_that_clears_nothing_stops, fresh_map_tree, drop_map_tree),
		cmocka_unit_test_setup_teardown(map_step_that_clears_goes_on, fresh_map_tree, drop_map_tree),
		cmocka_unit_test_setup_teardown(reserve_noop_skipped, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(short_grant_escalates_and_keeps, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(executor_walks_the_plans_steps, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(executor_without_steps_writes_the_target, fresh_tree, drop_tree),
		cmocka_unit_test(sizing_from_the_free_lists),
		cmocka_unit_test_setup_teardown(chosen_escalation_runs_as_planned, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(chosen_escalation_goes_on_while_it_gains, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(chosen_escalation_first_writes_what_compaction_made, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(chosen_escalation_reclaims_what_compaction_cannot_cover, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(drop_first_asks_for_all_the_cache, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(reclaim_before_the_first_write_obeys_the_budget, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(revised_at_most_the_first_estimate, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(chosen_escalation_dry_run_revises_nothing, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(chosen_escalation_stops_at_the_estimate, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(short_grant_gains_on_a_later_step, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(short_grant_restored, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(nothing_obtained_fails, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(lasting_errors, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(transient_error_retried, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(trigger_errors_and_dry_run, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(interrupted, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(permission_check, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(permission_check_readonly_mount, fresh_tree, drop_tree),
		cmocka_unit_test(lock_busy),
		cmocka_unit_test(lock_refuses_what_is_not_ours),
		cmocka_unit_test(lock_refuses_other_users_file),
		cmocka_unit_test(lock_inside_root),
		cmocka_unit_test(lock_removed_while_held),
		cmocka_unit_test_setup_teardown(lock_lost_stops_the_run, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(no_drop_after_a_signal_during_sync, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(late_signal_leaves_partial, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(kernel_write_stays_in_root, fresh_tree, drop_tree),
		cmocka_unit_test(rootfs_never_leaves_root),
		cmocka_unit_test(state_file),
		cmocka_unit_test(state_file_hostile),
		cmocka_unit_test(state_file_pools),
		cmocka_unit_test(state_file_pools_bounded),
		cmocka_unit_test_setup_teardown(outcome_of_executed_reserve, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(outcome_of_executed_reserve_that_gained, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(outcome_of_reclaim_first, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(outcome_without_drops, fresh_tree, drop_tree),
		cmocka_unit_test(replace_killed_leaves_no_tmp),
		cmocka_unit_test_setup_teardown(signals_stop_the_run_cleanly, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(signal_during_apply, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(restored_grant_said_as_it_was, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(release_said_as_freed, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(drain_pcp_obeys_the_budget, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(slab_settle_obeys_the_budget, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(trigger_retries_obey_the_budget, fresh_tree, drop_tree),
	};

	return cmocka_run_group_tests_name("actions", tests, NULL, NULL);
}
