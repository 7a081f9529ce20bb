/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_evaluate(): snapshots (fixture trees) x policies -> findings and
 * plans. The four-node-sparse tree has nodes 0, 2, 6 with memory (node 6
 * fragmented: nothing free at order 10, two order-9 blocks) and CPU-only 3.
 */
#include "testutil.h"

#include <stdlib.h>

#include "plan.h"

struct run {
	struct snapshot snap;
	struct policy pol;
	struct finding *f;
	unsigned nf;
	struct plan plan;
};

static void eval(struct run *r, const char *tree, const char *policy, const double *last,
		 unsigned nr_last, double now)
{
	struct bc_error e = { 0 };
	char root[128];

	snprintf(root, sizeof(root), FIXTURES "/%s", tree);
	assert_int_equal(snapshot_read(root, &r->snap, &e), 0);
	if (policy_load_string("t.conf", policy, &r->pol, &e) != 0)
		fail_msg("%s", e.msg);
	if (policy_validate(&r->pol, &r->snap, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(policy_evaluate(&r->snap, &r->pol, last, nr_last, now, &r->f, &r->nf,
					 &r->plan, &e), 0);
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
		if (r->f[i].node == node)
			return &r->f[i];
	fail_msg("no finding for node %d", node);
	return NULL;
}

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

static void min_interval_holds_back(void **state)
{
	double last[8] = { 0 };
	struct run r;

	(void)state;
	last[6] = 1000;
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 10m\n", last, 8, 1000 + 120);
	assert_int_equal(finding(&r, 6)->level, LEVEL_CRIT);
	assert_int_equal(r.plan.n, 0);
	assert_contains(finding(&r, 6)->why, "remediation held back: last one 120 s ago, min_interval 600 s");
	done(&r);
	eval(&r, "four-node-sparse", "[run]\nmin_interval = 10m\n", last, 8, 1000 + 601);
	assert_int_equal(r.plan.n, 1);
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
	     "[hugepages 2M]\ntotal = 5\nkeep = no\nrounds = 1\n", NULL, 0, 0);
	/* nodes 0, 2, 6 share 5 pages: 2, 2, 1 */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_flag_fragmented_node),
		cmocka_unit_test(node_override_and_dedup),
		cmocka_unit_test(min_interval_holds_back),
		cmocka_unit_test(block_counts_and_fragindex),
		cmocka_unit_test(hugepage_targets),
	};

	return cmocka_run_group_tests_name("evaluate", tests, NULL, NULL);
}
