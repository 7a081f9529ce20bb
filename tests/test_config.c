/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy parser: a full policy, defaults, and hostile files. Every
 * rejection is one line naming the file, the line and the value.
 */
#include "testutil.h"

#include <stdlib.h>

#include "config.h"

static void bad(const char *text, const char *frag)
{
	struct policy p;
	struct bc_error e = { 0 };

	if (policy_load_string("t.conf", text, &p, &e) != -BC_ECONFIG)
		fail_msg("accepted: %s", text);
	assert_int_equal(e.kind, BC_ECONFIG);
	assert_contains(e.msg, "t.conf:");
	assert_contains(e.msg, frag);
	assert_null(strchr(e.msg, '\n'));
}

static void full_policy(void **state)
{
	static const char text[] =
		"# comment\n"
		"[fragmentation]\n"
		"order = 2M\n"
		"warn_unusable = 0.6   ; inline comment\n"
		"crit_unusable = 0.85\n"
		"warn_fragindex = 0.5\n"
		"crit_fragindex = off\n"
		"warn_min_blocks = 64\n"
		"crit_min_blocks = 8\n"
		"\n"
		"[remediate]\n"
		"warn = compact-node\n"
		"crit = compact-node, drop-pagecache, compact-all\n"
		"sync = no\n"
		"\n"
		"[node 1]\n"
		"crit_unusable = 0.95\n"
		"crit = none\n"
		"\n"
		"[hugepages 2M]\n"
		"count = 0:512, 1:256\n"
		"on_short = retry, compact-node, drop-all\n"
		"rounds = 2\n"
		"keep = no\n"
		"\n"
		"[hugepages 1G]\n"
		"total = 4\n"
		"\n"
		"[run]\n"
		"time_budget = 2m\n"
		"min_interval = 15m\n"
		"state_file = /tmp/state\n"
		"lock_file = /tmp/lock\n"
		"lock_wait = 5s\n";
	struct policy p;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(policy_load_string("t.conf", text, &p, &e), 0);
	assert_int_equal(p.th.order, -1);
	assert_int_equal(p.th.order_kb, 2048);
	assert_int_equal(p.th.warn_unusable, 600);
	assert_int_equal(p.th.crit_unusable, 850);
	assert_int_equal(p.th.warn_fragindex, 500);
	assert_int_equal(p.th.crit_fragindex, -1);
	assert_int_equal(p.th.warn_min_blocks, 64);
	assert_int_equal(p.th.crit_min_blocks, 8);
	assert_int_equal(p.warn.n, 1);
	assert_int_equal(p.crit.n, 3);
	assert_int_equal(p.crit.s[2], STEP_COMPACT_ALL);
	assert_false(p.sync);
	assert_int_equal(p.nr_nodes, 1);
	assert_int_equal(p.nodes[0].node, 1);
	assert_int_equal(p.nodes[0].th.crit_unusable, 950);
	assert_int_equal(p.nodes[0].th.warn_unusable, TH_INHERIT);
	assert_true(p.nodes[0].crit_set);
	assert_int_equal(p.nodes[0].crit.n, 0);
	assert_int_equal(p.nr_targets, 2);
	assert_int_equal(p.targets[0].size_kb, 2048);
	assert_int_equal(p.targets[0].nr_counts, 2);
	assert_int_equal(p.targets[0].counts[1].node, 1);
	assert_int_equal(p.targets[0].counts[1].count, 256);
	assert_int_equal(p.targets[0].ladder.n, 3);
	assert_int_equal(p.targets[0].rounds, 2);
	assert_false(p.targets[0].keep);
	assert_true(p.targets[1].has_total);
	assert_int_equal(p.targets[1].total, 4);
	assert_true(p.targets[1].keep);
	assert_true(p.time_budget_s == 120);
	assert_int_equal(p.min_interval_s, 900);
	assert_string_equal(p.state_file, "/tmp/state");
	assert_true(p.lock_wait_s == 5);
	policy_free(&p);
}

static void defaults(void **state)
{
	struct policy p;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(policy_load_string("t.conf", "", &p, &e), 0);
	assert_int_equal(p.th.order, -1);
	assert_int_equal(p.th.warn_unusable, 700);
	assert_int_equal(p.th.crit_unusable, 900);
	assert_int_equal(p.crit.n, 1);
	assert_int_equal(p.crit.s[0], STEP_COMPACT_NODE);
	assert_int_equal(p.warn.n, 0);
	assert_true(p.sync);
	assert_true(p.time_budget_s == 60);
	assert_int_equal(p.min_interval_s, 600);
	assert_string_equal(p.lock_file, "/run/buddyctl.lock");
	policy_free(&p);
}

static void hostile(void **state)
{
	char longline[400];

	(void)state;
	bad("[fragmentation]\nwarn_unusble = 0.5\n", "t.conf:2: unknown key 'warn_unusble' in [fragmentation]");
	bad("[fragmentaton]\nwarn_unusable = 0.5\n", "t.conf:1: unknown section [fragmentaton]");
	bad("[fragmentation]\nwarn_unusable = 1.5\n", "t.conf:2: warn_unusable: '1.5' is not a ratio");
	bad("[fragmentation]\nwarn_unusable = -0.1\n", "t.conf:2:");
	bad("[fragmentation]\nwarn_unusable = 0.5\nwarn_unusable = 0.6\n", "t.conf:3: duplicate key 'warn_unusable'");
	bad("[fragmentation]\norder = 2X\n", "t.conf:2: order: '2X'");
	bad("[fragmentation]\nwarn_min_blocks = many\n", "t.conf:2: warn_min_blocks: 'many' is not a count");
	bad("[remediate]\ncrit = compact-node, defrag\n", "t.conf:2: unknown remediation step 'defrag'");
	bad("[remediate]\ncrit = retry\n", "t.conf:2: crit: 'retry' is a hugepage escalation step");
	bad("[remediate]\nsync = maybe\n", "t.conf:2: sync: 'maybe' is not yes or no");
	bad("[node x]\ncrit = none\n", "t.conf:1: bad section [node x]");
	bad("[node 1]\nwarp = none\n", "t.conf:2: unknown key 'warp' in [node 1]");
	bad("[hugepages 3X]\ncount = 0:1\n", "t.conf:1: bad section [hugepages 3X]");
	bad("[hugepages 2M]\ncount = 0:1,0:2\n", "t.conf:2: count: node 0 given twice");
	bad("[hugepages 2M]\ncount = 0=1\n", "t.conf:2: count: expected NODE:COUNT");
	bad("[hugepages 2M]\ncount = 0:-1\n", "t.conf:2: count: expected a count");
	bad("[hugepages 2M]\ncount = 0:1\ntotal = 5\n", "t.conf:3: total: 'count' is already set");
	bad("[hugepages 2M]\non_short = pray\n", "t.conf:2: on_short: unknown step 'pray'");
	bad("[hugepages 2M]\nrounds = 1000\n", "t.conf:2: rounds: '1000'");
	bad("[hugepages 2M]\nkeep = perhaps\n", "t.conf:2: keep: 'perhaps'");
	bad("[run]\ntime_budget = soon\n", "t.conf:2: time_budget: 'soon' is not a duration");
	bad("[run]\nstate_file = relative/path\n", "t.conf:2: state_file: 'relative/path' is not an absolute path");
	bad("[run]\nthis is not ini\n", "t.conf:2: not a 'key = value' line");
	/* a section with every key commented out still has to exist */
	bad("[run]\n\n[remediat]\n# crit = none\n", "t.conf:3: unknown section [remediat]");
	bad("[run\ntime_budget = 1s\n", "t.conf:1: not a 'key = value' line");
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "[run]\nx = ", 10);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	bad(longline, "t.conf:2: line longer than 199 characters");
}

static void load_file_errors(void **state)
{
	struct policy p;
	struct bc_error e = { 0 };
	FILE *f;

	(void)state;
	assert_int_equal(policy_load("/nonexistent/buddyctl.conf", &p, &e), -BC_ENOINPUT);
	assert_contains(e.msg, "/nonexistent/buddyctl.conf: No such file or directory");
	assert_int_equal(policy_load("/tmp", &p, &e), -BC_ECONFIG);
	assert_contains(e.msg, "/tmp: not a regular file");
	f = fopen("build/t.conf", "w");
	assert_non_null(f);
	fputs("[remediate]\n\ncrit = fix-it\n", f);
	fclose(f);
	assert_int_equal(policy_load("build/t.conf", &p, &e), -BC_ECONFIG);
	assert_contains(e.msg, "build/t.conf:3: unknown remediation step 'fix-it'");
	remove("build/t.conf");
}

static void validate_against_machine(void **state)
{
	struct snapshot s;
	struct policy p;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(snapshot_read(FIXTURES "/four-node-sparse", &s, &e), 0);
	assert_int_equal(policy_load_string("t.conf", "[node 2]\ncrit = none\n[hugepages 2M]\ncount = 0:1,6:2\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), 0);
	assert_int_equal(policy_node_order(&p, &s, 2), 9);	/* smallest hugepage order */
	policy_free(&p);

	assert_int_equal(policy_load_string("t.conf", "\n[node 1]\ncrit = none\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "t.conf:3: [node 1]: no such node on this machine");
	policy_free(&p);
	assert_int_equal(policy_load_string("t.conf", "[node 3]\ncrit = none\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "[node 3]: node has no memory");
	policy_free(&p);
	assert_int_equal(policy_load_string("t.conf", "[hugepages 4M]\ncount = 0:1\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "t.conf:2: [hugepages 4096kB]: this kernel offers no 4096 kB pages");
	policy_free(&p);
	assert_int_equal(policy_load_string("t.conf", "[hugepages 2M]\ncount = 5:1\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "count: node 5 does not exist");
	policy_free(&p);
	assert_int_equal(policy_load_string("t.conf", "[hugepages 2M]\nrounds = 1\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "neither 'count' nor 'total'");
	policy_free(&p);
	assert_int_equal(policy_load_string("t.conf", "[fragmentation]\norder = 1G\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "is not a buddy order on this machine");
	policy_free(&p);
	snapshot_free(&s);
}

static void values(void **state)
{
	uint64_t kb;
	double d;
	struct steps st;
	char badstep[48];

	(void)state;
	assert_int_equal(parse_size_kb("2M", &kb), 0);
	assert_int_equal(kb, 2048);
	assert_int_equal(parse_size_kb("1G", &kb), 0);
	assert_int_equal(kb, 1048576);
	assert_int_equal(parse_size_kb("2048kB", &kb), 0);
	assert_int_equal(kb, 2048);
	assert_int_equal(parse_size_kb("0M", &kb), -1);
	assert_int_equal(parse_size_kb("M", &kb), -1);
	assert_int_equal(parse_size_kb("99999999999999999999G", &kb), -1);
	assert_int_equal(parse_duration("10m", &d), 0);
	assert_true(d == 600);
	assert_int_equal(parse_duration("250ms", &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(parse_duration("-1s", &d), -1);
	assert_int_equal(parse_duration("1y", &d), -1);
	assert_int_equal(steps_parse("none", &st, badstep, sizeof(badstep)), 0);
	assert_int_equal(st.n, 0);
	assert_int_equal(steps_parse(" retry ,compact-all", &st, badstep, sizeof(badstep)), 0);
	assert_int_equal(st.n, 2);
	assert_int_equal(steps_parse("retry,bogus", &st, badstep, sizeof(badstep)), -1);
	assert_string_equal(badstep, "bogus");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_policy),
		cmocka_unit_test(defaults),
		cmocka_unit_test(hostile),
		cmocka_unit_test(load_file_errors),
		cmocka_unit_test(validate_against_machine),
		cmocka_unit_test(values),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
