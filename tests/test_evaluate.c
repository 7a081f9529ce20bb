/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_judge() and policy_evaluate(): snapshots (fixture trees) x
 * policies -> findings and plans. The four-node-sparse tree has nodes 0, 2,
 * 6 with memory (node 6 fragmented: nothing free at order 10, two order-9
 * blocks) and CPU-only 3; its 2M pools hold 32, 16 and 0 pages. two-node's
 * 2M pools hold 0 (node 0) and 64 (node 1).
 */
#include "testutil.h"

#include <stdlib.h>

#include "evaluate.h"
#include "judge.h"
#include "plan.h"
#include "reservation.h"
#include "snapshot_read.h"

struct run {
	struct snapshot snap;
	struct policy pol;
	struct finding *f;
	unsigned nf;
	struct plan plan;
};

/* The snapshot of a fixture tree and a policy, checked against it. */
static void load(struct run *r, const char *tree, const char *policy)
{
	struct bc_error e = { 0 };
	char root[128];

	memset(r, 0, sizeof(*r));
	snprintf(root, sizeof(root), FIXTURES "/%s", tree);
	assert_int_equal(snapshot_read(root, &r->snap, &e), 0);
	if (policy_load_string("t.conf", policy, &r->pol, &e) != 0)
		fail_msg("%s", e.msg);
	if (policy_validate(&r->pol, &r->snap, &e) != 0)
		fail_msg("%s", e.msg);
}

/* policy_evaluate() with what the state file remembered (mem, or NULL). */
static void eval_mem(struct run *r, const char *tree, const char *policy,
		     const struct remembered *mem)
{
	struct bc_error e = { 0 };

	load(r, tree, policy);
	assert_int_equal(policy_evaluate(&r->snap, &r->pol, mem, &r->f, &r->nf, &r->plan, &e), 0);
}

static void eval(struct run *r, const char *tree, const char *policy, const double *last,
		 unsigned nr_last, double now)
{
	struct remembered mem = { .now = now, .last_remediated = last, .nr_last = nr_last };

	eval_mem(r, tree, policy, &mem);
}

static void done(struct run *r)
{
	free(r->f);
	plan_free(&r->plan);
	policy_free(&r->pol);
	snapshot_free(&r->snap);
}

static const struct finding *finding(const struct run *r, int node)
{
	for (unsigned i = 0; i < r->nf; i++)
		if (r->f[i].kind == FINDING_FRAGMENTATION && r->f[i].node == node)
			return &r->f[i];
	fail_msg("no finding for node %d", node);
	return NULL;
}

/* Judge only, as check does: no plan is built. */
static void judge_only(struct run *r, const char *tree, const char *policy)
{
	struct bc_error e = { 0 };

	load(r, tree, policy);
	assert_int_equal(policy_judge(&r->snap, &r->pol, &r->f, &r->nf, &e), 0);
}

/* The i-th pool finding (in policy order). */
static const struct finding *pool_finding(const struct run *r, unsigned i)
{
	unsigned k, seen = 0;

	for (k = 0; k < r->nf; k++)
		if (r->f[k].kind == FINDING_POOL && seen++ == i)
			return &r->f[k];
	fail_msg("no pool finding #%u (%u in all)", i, seen);
	return NULL;
}

static unsigned nr_pool_findings(const struct run *r)
{
	unsigned k, n = 0;

	for (k = 0; k < r->nf; k++)
		n += r->f[k].kind == FINDING_POOL;
	return n;
}

/* Fragmentation thresholds off: only the pools can raise the level. */
#define NO_FRAG "[fragmentation]\nwarn_unusable = off\ncrit_unusable = off\n"

static void defaults_flag_fragmented_node(void **state)
{
	struct run r;

	(void)state;
	eval(&r, "four-node-sparse", "", NULL, 0, 0);
	assert_int_equal(r.nf, 3);			/* memory nodes only */
	assert_int_equal(finding(&r, 0)->level, LEVEL_OK);
	assert_int_equal(finding(&r, 2)->level, LEVEL_OK);
	assert_int_equal(finding(&r, 6)->level, LEVEL_CRIT);
	assert_int_equal(finding(&r, 6)->order, 9);
	assert_int_equal(finding(&r, 6)->blocks, 2);
	assert_contains(finding(&r, 6)->why, "unusable index 0.998 >= crit 0.900");
	assert_int_equal(findings_level(r.f, r.nf), LEVEL_CRIT);
	assert_int_equal(r.plan.n, 1);
	assert_int_equal(r.plan.a[0].kind, ACT_COMPACT_NODE);
	assert_int_equal(r.plan.a[0].node, 6);
	assert_contains(r.plan.a[0].reason, "node 6 is crit");
	assert_contains(r.plan.a[0].expect, "now 2");
	done(&r);
}

static void node_override_and_dedup(void **state)
{
	struct run r;

	(void)state;
	/* node 6 may not be touched; every node is crit at order 10 with these limits */
	eval(&r, "four-node-sparse",
	     "[fragmentation]\norder = 10\nwarn_unusable = 0.05\ncrit_unusable = 0.1\n"
	     "[remediate]\ncrit = drop-pagecache, compact-all\n"
	     "[node 6]\ncrit = none\n", NULL, 0, 0);
	assert_int_equal(finding(&r, 0)->level, LEVEL_CRIT);
	assert_int_equal(finding(&r, 6)->level, LEVEL_CRIT);
	/* nodes 0 and 2 both want the global steps: each once */
	assert_int_equal(r.plan.n, 2);
	assert_int_equal(r.plan.a[0].kind, ACT_DROP_CACHES);
	assert_int_equal(r.plan.a[0].drop_level, 1);
	assert_true(r.plan.a[0].sync);
	assert_int_equal(r.plan.a[1].kind, ACT_COMPACT_ALL);
	assert_false(finding(&r, 6)->remediated);
	assert_true(finding(&r, 0)->remediated);
	done(&r);
}

/* Each node's finding keeps the thresholds it was judged by (check --format nagios prints them). */
static void finding_keeps_node_thresholds(void **state)
{
	struct run r;

	(void)state;
	judge_only(&r, "four-node-sparse",
		   "[fragmentation]\nwarn_unusable = 0.5\ncrit_unusable = 0.8\nwarn_min_blocks = 100\n"
		   "[node 2]\nwarn_unusable = 0.6\ncrit_fragindex = 0.9\ncrit_min_blocks = 10\n");
	assert_int_equal(finding(&r, 0)->th.warn_unusable, 500);
	assert_int_equal(finding(&r, 0)->th.crit_unusable, 800);
	assert_int_equal(finding(&r, 0)->th.crit_fragindex, -1);
	assert_int_equal(finding(&r, 0)->th.warn_min_blocks, 100);
	assert_int_equal(finding(&r, 0)->th.crit_min_blocks, -1);
	/* node 2: its own where it sets them, the defaults elsewhere */
	assert_int_equal(finding(&r, 2)->th.warn_unusable, 600);
	assert_int_equal(finding(&r, 2)->th.crit_unusable, 800);
	assert_int_equal(finding(&r, 2)->th.crit_fragindex, 900);
	assert_int_equal(finding(&r, 2)->th.warn_min_blocks, 100);
	assert_int_equal(finding(&r, 2)->th.crit_min_blocks, 10);
	done(&r);
}

static void min_interval_holds_back(void **state)
{
	double last[8] = { 0 };
	struct run r;

	(void)state;
	last[6] = 1000;
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 10m\n", last, 8, 1000 + 120);
	assert_int_equal(finding(&r, 6)->level, LEVEL_CRIT);
	assert_int_equal(r.plan.n, 0);
	/* held back until 600 s after it started, less the slack of 60 s */
	assert_contains(finding(&r, 6)->why, "remediation held back: last one started 120 s ago, min_interval 600 s: for 420 s more");
	assert_true(finding(&r, 6)->held_until == 1000 + 540);
	assert_false(finding(&r, 6)->remediated);
	done(&r);
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 10m\n", last, 8, 1000 + 601);
	assert_int_equal(r.plan.n, 1);
	assert_true(finding(&r, 6)->held_until == 0);
	done(&r);
	/* more than the slack early: held back */
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 10m\n", last, 8, 1000 + 539);
	assert_int_equal(r.plan.n, 0);
	done(&r);
	/* a node at crit whose level has no steps is judged, not held back */
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 10m\n[remediate]\ncrit = none\n", last, 8, 1000 + 120);
	assert_int_equal(finding(&r, 6)->level, LEVEL_CRIT);
	assert_true(finding(&r, 6)->held_until == 0);
	done(&r);
}

/*
 * A timer every 10 minutes and min_interval = 10m: the previous run
 * started at 1000 (the state records when remediation started, not when
 * the run ended), and a timer tick comes a few seconds early (systemd's
 * AccuracySec=, the wait for the lock). Every tick remediates.
 */
static void timer_period_equal_to_min_interval(void **state)
{
	double last[8] = { 0 };
	struct run r;
	unsigned i;
	static const double early[] = { 0, 1, 5, 30, 60 };

	(void)state;
	last[6] = 1000;
	for (i = 0; i < sizeof(early) / sizeof(early[0]); i++) {
		eval(&r, "four-node-sparse", "[run]\nmin_interval = 10m\n", last, 8, 1000 + 600 - early[i]);
		if (r.plan.n != 1 || !finding(&r, 6)->remediated)
			fail_msg("a tick %.0f s early was held back: %s", early[i], finding(&r, 6)->why);
		done(&r);
	}
	/* the slack is a tenth of min_interval, at most 60 s: 1h waits 59 min */
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 1h\n", last, 8, 1000 + 3600 - 61);
	assert_int_equal(r.plan.n, 0);
	done(&r);
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 1h\n", last, 8, 1000 + 3600 - 60);
	assert_int_equal(r.plan.n, 1);
	done(&r);
	/* 1m: 6 s */
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 1m\n", last, 8, 1000 + 53);
	assert_int_equal(r.plan.n, 0);
	done(&r);
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 1m\n", last, 8, 1000 + 54);
	assert_int_equal(r.plan.n, 1);
	done(&r);
}

/*
 * two-node node 0: 100 x 2M with dropping caches allowed plans a drop of
 * page cache (no nodeN/reclaim in the tree). Its free memory in buddyinfo
 * is 1586077 pages of 4K, 6344308 kB; 1% of its 14364432 kB is 143644 kB,
 * the margin (more than a 2M page).
 */
#define TWO_NODE_DROP "[fragmentation]\nwarn_unusable = off\ncrit_unusable = off\n" \
		      "[run]\nmin_interval = 10m\n[hugepages 2M]\ncount = 0:100\nallow_drop_caches = yes\n"
#define NODE0_FREE_KB 6344308
#define NODE0_MARGIN_KB 143644

/* The outcome of a run at 1000 whose page cache drop gained nothing (runs in a row). */
static struct pool_outcome fruitless_drop(unsigned runs, uint64_t asked, uint64_t free_kb)
{
	return (struct pool_outcome){ .size_kb = 2048, .node = 0, .started = 1000, .asked = asked,
				      .got = 40, .free_kb = free_kb, .fruitless = runs, .nr_steps = 1,
				      .steps = { { .step = STEP_DROP_PAGECACHE, .gained = 0 } } };
}

/* Does a drop or reclaim cache? Its steps as planned say, the first and the rounds' alike. */
static bool plans_drop(const struct action *a)
{
	for (unsigned i = 0; i < a->nr_steps; i++)
		if (plan_step_reclaims(a->steps[i].step))
			return true;
	return false;
}

/* Evaluate TWO_NODE_DROP at now with the outcome o remembered; a's plan of node 0. */
static bool drop_planned(struct run *r, const char *policy, const struct pool_outcome *o, double now)
{
	struct remembered mem = { .now = now, .pools = o, .nr_pools = o ? 1 : 0 };

	eval_mem(r, "two-node", policy, &mem);
	assert_int_equal(r->plan.n, 1);
	assert_int_equal(r->plan.a[0].kind, ACT_RESERVE);
	return plans_drop(&r->plan.a[0]);
}

static void fruitless_drop_left_out(void **state)
{
	struct pool_outcome o = fruitless_drop(1, 100, NODE0_FREE_KB);
	struct run r;

	(void)state;
	/* nothing remembered: the drop is planned */
	assert_true(drop_planned(&r, TWO_NODE_DROP, NULL, 1120));
	assert_int_equal(plan_free_kb(&r.snap, 0), NODE0_FREE_KB);
	assert_int_equal(plan_free_margin_kb(&r.snap, 0, 2048), NODE0_MARGIN_KB);
	assert_int_equal(r.plan.a[0].drops_skipped.n, 0);
	done(&r);
	/* 120 s after a run whose drop gained nothing, free memory as then: left out, and said */
	assert_false(drop_planned(&r, TWO_NODE_DROP, &o, 1120));
	assert_int_equal(r.plan.a[0].drops_skipped.n, 1);
	assert_int_equal(r.plan.a[0].drops_skipped.s[0], STEP_DROP_PAGECACHE);
	/* until 1000 + 600 - 60 (slack) */
	assert_true(r.plan.a[0].drops_until == 1540);
	assert_contains(r.plan.a[0].not_planned,
			"drop-pagecache: they gained no page in the run that started 120 s ago (1 run in a row), "
			"and free memory has not grown by 140 MiB since (6195 MiB, then 6195 MiB): left out for 420 s more (state file)");
	/* the rest of the escalation stays: compact, write, rewrite */
	assert_true(r.plan.a[0].chosen);
	assert_int_equal(r.plan.a[0].ladder.n, 2);
	assert_int_equal(r.plan.a[0].ladder.s[0], STEP_COMPACT_NODE);
	assert_int_equal(r.plan.a[0].ladder.s[1], STEP_REWRITE_BURST);
	/* the steps left out, with the state file's reason, last of the plan's */
	{
		const struct action *a = &r.plan.a[0];
		const struct plan_left_out *l = &a->left_out[a->nr_left_out - 1];

		assert_string_equal(l->what, "drop-pagecache");
		assert_string_equal(l->why, "they gained no page in the run that started 120 s ago (1 run in a row), "
				    "and free memory has not grown by 140 MiB since (6195 MiB, then 6195 MiB): left out for 420 s more (state file)");
	}
	done(&r);
	/* after min_interval (less the slack): planned again */
	assert_true(drop_planned(&r, TWO_NODE_DROP, &o, 1000 + 540));
	assert_int_equal(r.plan.a[0].drops_skipped.n, 0);
	done(&r);
	/* with more free memory by the margin: planned again; by less: not */
	o.free_kb = NODE0_FREE_KB - NODE0_MARGIN_KB;
	assert_true(drop_planned(&r, TWO_NODE_DROP, &o, 1120));
	done(&r);
	o.free_kb = NODE0_FREE_KB - NODE0_MARGIN_KB + 1;
	assert_false(drop_planned(&r, TWO_NODE_DROP, &o, 1120));
	done(&r);
	/* another target is another question */
	o = fruitless_drop(1, 90, NODE0_FREE_KB);
	assert_true(drop_planned(&r, TWO_NODE_DROP, &o, 1120));
	done(&r);
	/* a drop that gained: planned */
	o = fruitless_drop(0, 100, NODE0_FREE_KB);
	o.steps[0].gained = 3;
	assert_true(drop_planned(&r, TWO_NODE_DROP, &o, 1120));
	done(&r);
	/* another pool's outcome is not this one's */
	o = fruitless_drop(1, 100, NODE0_FREE_KB);
	o.node = 1;
	assert_true(drop_planned(&r, TWO_NODE_DROP, &o, 1120));
	done(&r);
}

/*
 * The wait doubles with each run in a row that gained nothing, so that a
 * timer every min_interval does not drop caches every other tick: 600 s,
 * 1200 s, 2400 s, ... at most a day (each less the slack of 60 s).
 */
static void fruitless_wait_doubles(void **state)
{
	struct pool_outcome o = fruitless_drop(2, 100, NODE0_FREE_KB);
	struct run r;

	(void)state;
	assert_false(drop_planned(&r, TWO_NODE_DROP, &o, 1000 + 600));
	assert_true(r.plan.a[0].drops_until == 1000 + 1200 - 60);
	assert_contains(r.plan.a[0].not_planned, "(2 runs in a row)");
	done(&r);
	assert_true(drop_planned(&r, TWO_NODE_DROP, &o, 1000 + 1140));
	done(&r);
	o.fruitless = 4;
	assert_false(drop_planned(&r, TWO_NODE_DROP, &o, 1000 + 4000));
	assert_true(r.plan.a[0].drops_until == 1000 + 4800 - 60);
	done(&r);
	o.fruitless = 200;
	assert_false(drop_planned(&r, TWO_NODE_DROP, &o, 1000 + 86000));
	assert_true(r.plan.a[0].drops_until == 1000 + 86400 - 60);
	done(&r);
	assert_true(drop_planned(&r, TWO_NODE_DROP, &o, 1000 + 86340));
	done(&r);
	/* min_interval = 0: never held back */
	o.fruitless = 1;
	assert_true(drop_planned(&r, "[fragmentation]\nwarn_unusable = off\ncrit_unusable = off\n"
				 "[run]\nmin_interval = 0\n[hugepages 2M]\ncount = 0:100\nallow_drop_caches = yes\n",
				 &o, 1001));
	done(&r);
}

/* on_short names the steps: the fruitless ones are taken out of the list, the rest kept. */
static void fruitless_drop_left_out_of_on_short(void **state)
{
	struct pool_outcome o = fruitless_drop(1, 100, NODE0_FREE_KB);
	struct run r;

	(void)state;
	assert_false(drop_planned(&r, "[fragmentation]\nwarn_unusable = off\ncrit_unusable = off\n"
				  "[run]\nmin_interval = 10m\n[hugepages 2M]\ncount = 0:100\n"
				  "on_short = retry, drop-pagecache, compact-node\n", &o, 1120));
	assert_false(r.plan.a[0].chosen);
	assert_int_equal(r.plan.a[0].ladder.n, 2);
	assert_int_equal(r.plan.a[0].ladder.s[0], STEP_RETRY);
	assert_int_equal(r.plan.a[0].ladder.s[1], STEP_COMPACT_NODE);
	assert_int_equal(r.plan.a[0].rounds, 3);
	assert_contains(r.plan.a[0].not_planned, "drop-pagecache: they gained no page");
	/* as steps: the write, then rounds of retry (itself a write) and compact-node, then write */
	assert_int_equal(r.plan.a[0].nr_steps, 3);
	assert_int_equal(r.plan.a[0].steps[0].step, STEP_NONE);
	assert_int_equal(r.plan.a[0].steps[1].step, STEP_RETRY);
	assert_false(r.plan.a[0].steps[1].then_write);
	assert_int_equal(r.plan.a[0].steps[2].step, STEP_COMPACT_NODE);
	assert_true(r.plan.a[0].steps[2].then_write);
	assert_string_equal(r.plan.a[0].if_short, "up to 3 rounds of: rewrite, compact node 0");
	done(&r);
	/* only dropping steps: no escalation left */
	assert_false(drop_planned(&r, "[run]\nmin_interval = 10m\n[fragmentation]\nwarn_unusable = off\n"
				  "crit_unusable = off\n[hugepages 2M]\ncount = 0:100\non_short = drop-pagecache\n",
				  &o, 1120));
	assert_int_equal(r.plan.a[0].ladder.n, 0);
	assert_int_equal(r.plan.a[0].rounds, 0);
	done(&r);
}

/*
 * Gigantic pages: the chosen escalation takes no reclaim or drop step,
 * with allow_drop_caches too (gigantic: 46 after reclaim, 35 after
 * compaction: a drop would have been planned); on_short still can.
 */
static void gigantic_takes_no_drop_unless_asked(void **state)
{
	struct run r;

	(void)state;
	eval(&r, "gigantic", "[hugepages 1G]\ncount = 0:40\nallow_drop_caches = yes\n", NULL, 0, 0);
	assert_true(r.plan.a[0].chosen);
	assert_false(plans_drop(&r.plan.a[0]));
	assert_int_equal(r.plan.a[0].ladder.n, 0);
	assert_contains(r.plan.a[0].not_planned, "reclaim: none for gigantic pages without a map of the node's memory: a drop frees memory all over the node, not a whole 1G range");
	done(&r);
	eval(&r, "gigantic", "[hugepages 1G]\ncount = 0:40\non_short = reclaim-node, retry\n", NULL, 0, 0);
	assert_false(r.plan.a[0].chosen);
	assert_int_equal(r.plan.a[0].ladder.n, 2);
	assert_int_equal(r.plan.a[0].ladder.s[0], STEP_RECLAIM_NODE);
	done(&r);
	eval(&r, "gigantic", "[hugepages 1G]\ncount = 0:40\non_short = drop-all, retry\n", NULL, 0, 0);
	assert_int_equal(r.plan.a[0].ladder.s[0], STEP_DROP_ALL);
	done(&r);
	/* 2M pages on the same tree still get their drop */
	eval(&r, "gigantic", "[hugepages 2M]\ncount = 0:30000\nallow_drop_caches = yes\n", NULL, 0, 0);
	assert_true(plans_drop(&r.plan.a[0]));
	done(&r);
}

/*
 * `buddyctl reserve`'s specs are checked where the plan is made, spec by
 * spec in the order given: a size the kernel offers (before the spec's
 * nodes are looked up), nodes that exist, each pool once (an alias, 2048kB
 * for 2M, or a split sets it again). two-node has nodes 0 and 1, 2M and 1G
 * pools.
 */
static void reserve_specs_checked(void **state)
{
	struct reserve_req rq = { .rounds = -1, .keep = true, .force = true, .force_hint = "--force",
				  .kind = BC_EUSAGE };
	struct bitmask *n0 = numa_bitmask_alloc(8), *n7 = numa_bitmask_alloc(8);
	struct reserve_spec sp[2];
	struct bc_error e = { 0 };
	struct run r;

	(void)state;
	numa_bitmask_setbit(n0, 0);
	numa_bitmask_setbit(n7, 7);
	load(&r, "two-node", NO_FRAG);
	/* split over both nodes, each with its reason */
	sp[0] = (struct reserve_spec){ "2M:100", "reserve: '2M:100'", 2048, 100, NULL };
	sp[1] = (struct reserve_spec){ "1G:1@0", "reserve: '1G:1@0'", 1048576, 1, n0 };
	assert_int_equal(plan_reserve_specs(&r.plan, &r.snap, &rq, sp, 2, &e), 0);
	assert_int_equal(r.plan.n, 3);
	assert_string_equal(r.plan.a[0].reason, "buddyctl reserve 2M:100");
	assert_int_equal(r.plan.a[1].node, 1);
	assert_int_equal(r.plan.a[2].size_kb, 1048576);
	plan_free(&r.plan);
	/* the split set node 0's 2M pool; 2048kB@0 sets it again */
	sp[1] = (struct reserve_spec){ "2048kB:5@0", "reserve: '2048kB:5@0'", 2048, 5, n0 };
	assert_int_equal(plan_reserve_specs(&r.plan, &r.snap, &rq, sp, 2, &e), -BC_EUSAGE);
	assert_string_equal(e.msg, "reserve: '2048kB:5@0' sets the 2048 kB pool of node 0 again, after '2M:100'");
	plan_free(&r.plan);
	/* a size this kernel does not offer, said before the node that does not exist */
	sp[0] = (struct reserve_spec){ "3M:1@7", "reserve: '3M:1@7'", 3072, 1, n7 };
	assert_int_equal(plan_reserve_specs(&r.plan, &r.snap, &rq, sp, 1, &e), -BC_EUSAGE);
	assert_string_equal(e.msg, "reserve: '3M:1@7': this kernel offers no 3072 kB hugepages");
	sp[0] = (struct reserve_spec){ "2M:1@7", "reserve: '2M:1@7'", 2048, 1, n7 };
	assert_int_equal(plan_reserve_specs(&r.plan, &r.snap, &rq, sp, 1, &e), -BC_EUSAGE);
	assert_string_equal(e.msg, "reserve: '2M:1@7': node 7 does not exist");
	assert_int_equal(r.plan.n, 0);
	numa_bitmask_free(n0);
	numa_bitmask_free(n7);
	done(&r);
}

static void block_counts_and_fragindex(void **state)
{
	struct run r;

	(void)state;
	eval(&r, "four-node-sparse",
	     "[fragmentation]\nwarn_unusable = off\ncrit_unusable = off\nwarn_min_blocks = 5\n"
	     "crit_min_blocks = 1\nwarn_fragindex = 0.1\n[remediate]\nwarn = compact-node\ncrit = none\n",
	     NULL, 0, 0);
	assert_int_equal(finding(&r, 6)->level, LEVEL_WARN);	/* 2 blocks: < 5, not < 1 */
	assert_contains(finding(&r, 6)->why, "free blocks 2 < warn 5");
	assert_int_equal(finding(&r, 0)->level, LEVEL_OK);	/* fragindex -1.000: ignored */
	assert_int_equal(r.plan.n, 1);
	assert_int_equal(r.plan.a[0].node, 6);
	done(&r);
}

static void hugepage_targets(void **state)
{
	struct run r;

	(void)state;
	eval(&r, "four-node-sparse",
	     "[fragmentation]\ncrit_unusable = off\nwarn_unusable = off\n"
	     "[hugepages 2M]\ntotal = 5\nkeep = no\nrounds = 1\nshrink = yes\n", NULL, 0, 0);
	/* nodes 0, 2, 6 share 5 pages: 2, 2, 1; shrink = yes frees nodes 0 and 2 down to theirs */
	assert_int_equal(r.plan.n, 3);
	assert_int_equal(r.plan.a[0].node, 0);
	assert_int_equal(r.plan.a[0].target, 2);
	assert_int_equal(r.plan.a[1].node, 2);
	assert_int_equal(r.plan.a[1].target, 2);
	assert_int_equal(r.plan.a[2].node, 6);
	assert_int_equal(r.plan.a[2].target, 1);
	assert_false(r.plan.a[2].keep);
	assert_int_equal(r.plan.a[2].rounds, 1);
	assert_int_equal(r.plan.a[0].current, 32);
	assert_contains(r.plan.a[0].expect, "pool 32 -> 2: frees 30 pages");
	done(&r);

	/* a target already met is not an action */
	eval(&r, "two-node", "[hugepages 2M]\ncount = 1:64, 0:100\n[fragmentation]\ncrit_unusable = off\n",
	     NULL, 0, 0);
	assert_int_equal(r.plan.n, 1);
	assert_int_equal(r.plan.a[0].node, 0);
	assert_int_equal(r.plan.a[0].target, 100);
	/* the escalation is chosen from the estimate of node 0 (see test_estimate) */
	assert_true(r.plan.a[0].chosen);
	assert_true(r.plan.a[0].have_est);
	assert_contains(r.plan.a[0].expect, "pool 0 -> 100 (+100, 200 MiB); estimate: ");
	assert_contains(r.plan.a[0].reason, "t.conf:2: [hugepages 2M]");
	done(&r);

	eval(&r, "gigantic", "[hugepages 1G]\ncount = 0:4\n", NULL, 0, 0);
	assert_int_equal(r.plan.n, 1);
	assert_contains(r.plan.a[0].expect, "(upper bounds)");
	done(&r);

	/* on_short names the ladder: as given, 3 rounds, nothing chosen */
	eval(&r, "two-node", "[hugepages 2M]\ncount = 0:100\non_short = retry, drop-all\n"
	     "[fragmentation]\ncrit_unusable = off\n", NULL, 0, 0);
	assert_false(r.plan.a[0].chosen);
	assert_false(r.plan.a[0].compact_first);
	assert_int_equal(r.plan.a[0].ladder.n, 2);
	assert_int_equal(r.plan.a[0].ladder.s[1], STEP_DROP_ALL);
	assert_int_equal(r.plan.a[0].rounds, 3);
	done(&r);
}

/* two-node node 1 holds 64 of 100: 36 short, warn; nodes judged first. */
static void judge_pool_short_is_warn(void **state)
{
	const struct finding *p;
	struct run r;

	(void)state;
	judge_only(&r, "two-node", NO_FRAG "[hugepages 2M]\ncount = 1:100\n");
	assert_int_equal(r.nf, 3);
	assert_int_equal(r.f[0].kind, FINDING_FRAGMENTATION);
	assert_int_equal(r.f[1].kind, FINDING_FRAGMENTATION);
	p = &r.f[2];
	assert_int_equal(p->kind, FINDING_POOL);
	assert_int_equal(p->node, 1);
	assert_int_equal(p->size_kb, 2048);
	assert_int_equal(p->target, 100);
	assert_int_equal(p->actual, 64);
	assert_int_equal(p->shortfall, 36);
	assert_false(p->mandatory);
	assert_int_equal(p->level, LEVEL_WARN);
	assert_string_equal(p->why, "64 of 100 (36 short)");
	assert_false(p->remediated);
	assert_int_equal(findings_level(r.f, r.nf), LEVEL_WARN);
	done(&r);
}

/* The same pool with mandatory = yes: crit; and a mandatory 1G pool at 0 of 1. */
static void judge_pool_mandatory_is_crit(void **state)
{
	struct run r;

	(void)state;
	judge_only(&r, "two-node", NO_FRAG "[hugepages 2M]\ncount = 1:100\nmandatory = yes\n"
		   "[hugepages 1G]\ncount = 0:1\n");
	assert_int_equal(nr_pool_findings(&r), 2);
	/* 1G first, in the order the plan reserves them */
	assert_int_equal(pool_finding(&r, 1)->level, LEVEL_CRIT);
	assert_true(pool_finding(&r, 1)->mandatory);
	assert_int_equal(pool_finding(&r, 1)->shortfall, 36);
	assert_string_equal(pool_finding(&r, 1)->why, "64 of 100 (36 short; mandatory)");
	/* not mandatory: warn, whatever the other section says */
	assert_int_equal(pool_finding(&r, 0)->size_kb, 1048576);
	assert_int_equal(pool_finding(&r, 0)->node, 0);
	assert_int_equal(pool_finding(&r, 0)->level, LEVEL_WARN);
	assert_string_equal(pool_finding(&r, 0)->why, "0 of 1 (1 short)");
	assert_int_equal(findings_level(r.f, r.nf), LEVEL_CRIT);
	done(&r);
}

/* At or above its target a pool is ok, mandatory or not. */
static void judge_pool_at_target_is_ok(void **state)
{
	struct run r;

	(void)state;
	judge_only(&r, "two-node", NO_FRAG "[hugepages 2M]\ncount = 1:64, 0:0\nmandatory = yes\n");
	assert_int_equal(nr_pool_findings(&r), 2);
	/* in the order of count */
	assert_int_equal(pool_finding(&r, 0)->node, 1);
	assert_int_equal(pool_finding(&r, 0)->level, LEVEL_OK);
	assert_int_equal(pool_finding(&r, 0)->shortfall, 0);
	assert_string_equal(pool_finding(&r, 0)->why, "64 of 64");
	assert_int_equal(pool_finding(&r, 1)->node, 0);
	assert_int_equal(pool_finding(&r, 1)->level, LEVEL_OK);
	assert_string_equal(pool_finding(&r, 1)->why, "0 of 0");
	assert_int_equal(findings_level(r.f, r.nf), LEVEL_OK);
	done(&r);
	/* above the target: ok too, and the text says both numbers and what apply does */
	judge_only(&r, "two-node", NO_FRAG "[hugepages 2M]\ncount = 1:10\nmandatory = yes\n");
	assert_int_equal(pool_finding(&r, 0)->level, LEVEL_OK);
	assert_int_equal(pool_finding(&r, 0)->actual, 64);
	assert_int_equal(pool_finding(&r, 0)->shortfall, 0);
	assert_false(pool_finding(&r, 0)->shrink);
	assert_string_equal(pool_finding(&r, 0)->why, "64 of 10 (above the target: left as it is; shrink = no)");
	done(&r);
}

/*
 * The case: `count = 0:0, 1:32` on two-node, whose node 1 holds 64
 * (an operator raised it for a guest about to start). The count is a
 * floor: the pool is ok, with both numbers, and nothing is planned. Only
 * shrink = yes frees the 64 - 32 = 32 pages above it.
 */
static void floor_left_alone(void **state)
{
	static const char policy[] = NO_FRAG "[hugepages 2M]\ncount = 0:0, 1:32\n";
	const struct finding *p;
	struct run r;

	(void)state;
	eval(&r, "two-node", policy, NULL, 0, 0);
	assert_int_equal(nr_pool_findings(&r), 2);
	p = pool_finding(&r, 1);
	assert_int_equal(p->node, 1);
	assert_int_equal(p->level, LEVEL_OK);
	assert_int_equal(p->actual, 64);
	assert_int_equal(p->target, 32);
	assert_int_equal(p->shortfall, 0);
	assert_string_equal(p->why, "64 of 32 (above the target: left as it is; shrink = no)");
	assert_string_equal(pool_finding(&r, 0)->why, "0 of 0");
	assert_int_equal(r.plan.n, 0);
	done(&r);

	/* total = 40 is 20 per node: node 0 (0) grows, node 1 (64) is left */
	eval(&r, "two-node", NO_FRAG "[hugepages 2M]\ntotal = 40\n", NULL, 0, 0);
	assert_int_equal(r.plan.n, 1);
	assert_int_equal(r.plan.a[0].node, 0);
	assert_int_equal(r.plan.a[0].target, 20);
	done(&r);

	/* shrink = yes: exactly the count, as before floors */
	eval(&r, "two-node", NO_FRAG "[hugepages 2M]\ncount = 0:0, 1:32\nshrink = yes\n", NULL, 0, 0);
	p = pool_finding(&r, 1);
	assert_int_equal(p->level, LEVEL_OK);
	assert_true(p->shrink);
	assert_string_equal(p->why, "64 of 32 (above the target: apply frees 32 pages; shrink = yes)");
	assert_int_equal(r.plan.n, 1);
	assert_int_equal(r.plan.a[0].kind, ACT_RESERVE);
	assert_int_equal(r.plan.a[0].node, 1);
	assert_int_equal(r.plan.a[0].current, 64);
	assert_int_equal(r.plan.a[0].target, 32);
	assert_contains(r.plan.a[0].expect, "pool 64 -> 32: frees 32 pages");
	done(&r);

	/* the boot unit's apply --pools-only keeps the floor too */
	eval(&r, "two-node", policy, NULL, 0, 0);
	plan_pools_only(&r.plan, r.f, r.nf);
	assert_int_equal(r.plan.n, 0);
	done(&r);
}

/*
 * The largest size first, whatever order the sections are in: the 2M
 * section written first must not take the memory a 1G page needs. The
 * findings list the pools in the same order; within a size the node order
 * is count's.
 */
static void largest_size_first(void **state)
{
	struct run r;

	(void)state;
	eval(&r, "two-node", NO_FRAG "[hugepages 2M]\ncount = 1:100, 0:100\n[hugepages 1G]\ncount = 1:1, 0:1\n",
	     NULL, 0, 0);
	assert_int_equal(r.plan.n, 4);
	assert_int_equal(r.plan.a[0].size_kb, 1048576);
	assert_int_equal(r.plan.a[0].node, 1);
	assert_int_equal(r.plan.a[1].size_kb, 1048576);
	assert_int_equal(r.plan.a[1].node, 0);
	assert_int_equal(r.plan.a[2].size_kb, 2048);
	assert_int_equal(r.plan.a[2].node, 1);
	assert_int_equal(r.plan.a[3].size_kb, 2048);
	assert_int_equal(r.plan.a[3].node, 0);
	assert_int_equal(nr_pool_findings(&r), 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(pool_finding(&r, i)->size_kb, r.plan.a[i].size_kb);
		assert_int_equal(pool_finding(&r, i)->node, r.plan.a[i].node);
	}
	/* the reason still names the section's own line */
	assert_contains(r.plan.a[0].reason, "t.conf:7: [hugepages 1G]");
	assert_contains(r.plan.a[2].reason, "t.conf:5: [hugepages 2M]");
	plan_pools_only(&r.plan, r.f, r.nf);
	assert_int_equal(r.plan.a[0].size_kb, 1048576);
	done(&r);

	/* judged alone (check), the same order */
	judge_only(&r, "two-node", NO_FRAG "[hugepages 2M]\ntotal = 2\n[hugepages 1G]\ntotal = 2\n");
	assert_int_equal(pool_finding(&r, 0)->size_kb, 1048576);
	assert_int_equal(pool_finding(&r, 1)->size_kb, 1048576);
	assert_int_equal(pool_finding(&r, 2)->size_kb, 2048);
	done(&r);
}

/*
 * total = 101 over two-node's nodes 0 and 1: 101 / 2 = 50, remainder 1 to
 * the lower id: node 0 wants 51 (holds 0: 51 short), node 1 wants 50 (holds
 * 64: ok). The planner splits the same total the same way.
 */
static void judge_total_split_over_nodes(void **state)
{
	static const char policy[] = NO_FRAG "[hugepages 2M]\ntotal = 101\n";
	struct run r;

	(void)state;
	judge_only(&r, "two-node", policy);
	assert_int_equal(nr_pool_findings(&r), 2);
	assert_int_equal(pool_finding(&r, 0)->node, 0);
	assert_int_equal(pool_finding(&r, 0)->target, 51);
	assert_int_equal(pool_finding(&r, 0)->actual, 0);
	assert_int_equal(pool_finding(&r, 0)->shortfall, 51);
	assert_int_equal(pool_finding(&r, 0)->level, LEVEL_WARN);
	assert_int_equal(pool_finding(&r, 1)->node, 1);
	assert_int_equal(pool_finding(&r, 1)->target, 50);
	assert_int_equal(pool_finding(&r, 1)->actual, 64);
	assert_int_equal(pool_finding(&r, 1)->level, LEVEL_OK);
	done(&r);
	eval(&r, "two-node", policy, NULL, 0, 0);
	/* node 1's 64 are above its 50: a floor, left as it is */
	assert_int_equal(r.plan.n, 1);
	assert_int_equal(r.plan.a[0].target, 51);
	done(&r);
	eval(&r, "two-node", NO_FRAG "[hugepages 2M]\ntotal = 101\nshrink = yes\n", NULL, 0, 0);
	assert_int_equal(r.plan.n, 2);
	assert_int_equal(r.plan.a[0].target, 51);
	assert_int_equal(r.plan.a[1].target, 50);
	done(&r);

	/* four-node-sparse: 100 over nodes 0, 2, 6 (not CPU-only 3): 34, 33, 33 */
	judge_only(&r, "four-node-sparse", NO_FRAG "[hugepages 2M]\ntotal = 100\nmandatory = yes\n");
	assert_int_equal(nr_pool_findings(&r), 3);
	assert_int_equal(pool_finding(&r, 0)->node, 0);
	assert_string_equal(pool_finding(&r, 0)->why, "32 of 34 (2 short; mandatory)");
	assert_int_equal(pool_finding(&r, 1)->node, 2);
	assert_string_equal(pool_finding(&r, 1)->why, "16 of 33 (17 short; mandatory)");
	assert_int_equal(pool_finding(&r, 2)->node, 6);
	assert_string_equal(pool_finding(&r, 2)->why, "0 of 33 (33 short; mandatory)");
	assert_int_equal(pool_finding(&r, 2)->level, LEVEL_CRIT);
	done(&r);
}

/*
 * policy_evaluate() returns the judge's findings, pools too, and plans as
 * before: a short pool is remedied by its reservation, not by remediation.
 */
static void evaluate_reports_pools(void **state)
{
	struct run r;

	(void)state;
	eval(&r, "four-node-sparse", "[hugepages 2M]\ncount = 6:8\nmandatory = yes\n", NULL, 0, 0);
	assert_int_equal(r.nf, 4);
	assert_int_equal(finding(&r, 6)->level, LEVEL_CRIT);
	assert_true(finding(&r, 6)->remediated);
	assert_string_equal(pool_finding(&r, 0)->why, "0 of 8 (8 short; mandatory)");
	assert_false(pool_finding(&r, 0)->remediated);
	assert_int_equal(pool_finding(&r, 0)->nr_acts, 0);
	assert_int_equal(r.plan.n, 2);
	assert_int_equal(r.plan.a[0].kind, ACT_COMPACT_NODE);
	assert_int_equal(r.plan.a[0].node, 6);
	assert_int_equal(r.plan.a[1].kind, ACT_RESERVE);
	assert_int_equal(r.plan.a[1].node, 6);
	assert_int_equal(r.plan.a[1].target, 8);
	done(&r);
}

/* apply --pools-only (the boot unit): the reservations stay, the compaction of node 6 goes. */
static void pools_only_keeps_reservations(void **state)
{
	struct run r;

	(void)state;
	eval(&r, "four-node-sparse", "[hugepages 2M]\ncount = 6:40\n", NULL, 0, 0);
	assert_int_equal(r.plan.n, 2);
	assert_int_equal(r.plan.a[0].kind, ACT_COMPACT_NODE);
	assert_true(finding(&r, 6)->remediated);
	plan_pools_only(&r.plan, r.f, r.nf);
	assert_int_equal(r.plan.n, 1);
	assert_int_equal(r.plan.a[0].kind, ACT_RESERVE);
	assert_int_equal(r.plan.a[0].node, 6);
	assert_int_equal(r.plan.a[0].target, 40);
	assert_true(r.plan.a[0].judged);
	assert_false(r.plan.a[0].mandatory);
	assert_false(finding(&r, 6)->remediated);
	assert_int_equal(finding(&r, 6)->nr_acts, 0);
	assert_int_equal(finding(&r, 6)->level, LEVEL_CRIT);	/* still judged */
	assert_contains(finding(&r, 6)->why, "(not remediated: --pools-only)");
	done(&r);
}

/*
 * When the command line is the better tool. gigantic: node 0 holds 2 x 1G,
 * about 33G free, estimate 35 after compaction and 46 after reclaim (upper
 * bounds).
 */
static void boot_time_advice(void **state)
{
	struct run r;

	(void)state;
	/* 10: 8 more, 8G of 33G free, within the bounds: runtime is fine */
	eval(&r, "gigantic", "[hugepages 1G]\ncount = 0:10\nmandatory = yes\n", NULL, 0, 0);
	assert_int_equal(r.plan.n, 1);
	assert_false(r.plan.a[0].boot_recommended);
	assert_string_equal(r.plan.a[0].boot_why, "");
	assert_true(r.plan.a[0].mandatory);
	done(&r);
	/* 40: within the bound after reclaim (46), but 38G more than the free 33G */
	eval(&r, "gigantic", "[hugepages 1G]\ncount = 0:40\n", NULL, 0, 0);
	assert_true(r.plan.a[0].boot_recommended);
	assert_contains(r.plan.a[0].boot_why, "38 more x 1G need 38912 MiB, more than the ");
	assert_contains(r.plan.a[0].boot_why, "only an upper bound");
	done(&r);
	/* 50: above the bound after reclaim */
	eval(&r, "gigantic", "[hugepages 1G]\ncount = 0:50\n", NULL, 0, 0);
	assert_true(r.plan.a[0].boot_recommended);
	assert_string_equal(r.plan.a[0].boot_why, "50 x 1G is above the estimate after reclaim (46, an upper bound)");
	done(&r);
	/* 2M pages within reach: no advice */
	eval(&r, "gigantic", "[hugepages 2M]\ncount = 0:100\n", NULL, 0, 0);
	assert_false(r.plan.a[0].boot_recommended);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_flag_fragmented_node),
		cmocka_unit_test(node_override_and_dedup),
		cmocka_unit_test(finding_keeps_node_thresholds),
		cmocka_unit_test(min_interval_holds_back),
		cmocka_unit_test(timer_period_equal_to_min_interval),
		cmocka_unit_test(fruitless_drop_left_out),
		cmocka_unit_test(fruitless_wait_doubles),
		cmocka_unit_test(fruitless_drop_left_out_of_on_short),
		cmocka_unit_test(gigantic_takes_no_drop_unless_asked),
		cmocka_unit_test(reserve_specs_checked),
		cmocka_unit_test(block_counts_and_fragindex),
		cmocka_unit_test(hugepage_targets),
		cmocka_unit_test(judge_pool_short_is_warn),
		cmocka_unit_test(judge_pool_mandatory_is_crit),
		cmocka_unit_test(judge_pool_at_target_is_ok),
		cmocka_unit_test(judge_total_split_over_nodes),
		cmocka_unit_test(floor_left_alone),
		cmocka_unit_test(largest_size_first),
		cmocka_unit_test(evaluate_reports_pools),
		cmocka_unit_test(pools_only_keeps_reservations),
		cmocka_unit_test(boot_time_advice),
	};

	return cmocka_run_group_tests_name("evaluate", tests, NULL, NULL);
}
