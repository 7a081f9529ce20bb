/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy parser: a full policy, defaults, and hostile files. Every
 * rejection is one line naming the file, the line and the value. The tests
 * after values() are one per fix of what the parser used to accept
 * silently (CR, repeated sections, BOM, ...): each failed before its fix,
 * but number_bounds(), which pins bounds that already held.
 */
#include "testutil.h"

#include <stdlib.h>

#include "config.h"
#include "snapshot_read.h"
#include "steps.h"
#include "units.h"

/* A message goes to a terminal or a journal: no byte of it may be raw. */
static void assert_printable(const char *msg)
{
	const char *c;

	for (c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			fail_msg("raw byte 0x%02x in \"%s\"", (unsigned char)*c, msg);
}

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
	assert_printable(e.msg);
}

/* The same through policy_load(): a file has its own read path (getc). */
static void bad_file(const char *text, size_t len, const char *frag)
{
	struct policy p;
	struct bc_error e = { 0 };
	FILE *f = fopen("build/t.conf", "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	if (policy_load("build/t.conf", &p, &e) != -BC_ECONFIG)
		fail_msg("accepted from a file: %s", text);
	remove("build/t.conf");
	assert_int_equal(e.kind, BC_ECONFIG);
	assert_contains(e.msg, "build/t.conf:");
	assert_contains(e.msg, frag);
	assert_printable(e.msg);
}

static void good(const char *text, struct policy *p)
{
	struct bc_error e = { 0 };

	if (policy_load_string("t.conf", text, p, &e) != 0)
		fail_msg("refused: %s: %s", text, e.msg);
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
	assert_contains(e.msg, "/tmp: a directory, not a regular file");
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

	/* a node section is named by its header's line */
	assert_int_equal(policy_load_string("t.conf", "\n[node 1]\ncrit = none\n", &p, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "t.conf:2: [node 1]: no such node on this machine");
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

/* 1. A CR is refused where it is, never cut at (it used to end the line). */
static void carriage_returns(void **state)
{
	static const char cr_only[] = "[fragmentation]\rcrit_unusable = 0.95\rwarn_unusable = 0.99\r";
	char longcr[300];

	(void)state;
	bad("[fragmentation]\ncrit_unusable = 0.5\r7\n",
	    "t.conf:2: carriage return in line (save the file with Unix line ends)");
	bad("[fragmentation]\r\ncrit_unusable = 0.95\r\n", "t.conf:1: carriage return in line");
	bad("# a comment\r\n", "t.conf:1: carriage return in line");
	bad("[run]\ntime_budget = 1s\n\r", "t.conf:3: carriage return in line");
	bad(cr_only, "t.conf:1: carriage return in line");
	bad_file(cr_only, sizeof(cr_only) - 1, "build/t.conf:1: carriage return in line");
	bad_file("[fragmentation]\ncrit_unusable = 0.5\r7\n", 39, "build/t.conf:2: carriage return in line");
	/* a CR-only file whose first line is longer than the line limit */
	memset(longcr, 'x', sizeof(longcr));
	longcr[0] = '#';
	memcpy(longcr + 250, "\r[run]\r", 8);
	bad(longcr, "t.conf:1: carriage return in line");
	bad_file(longcr, strlen(longcr), "build/t.conf:1: carriage return in line");
}

/* 1. NUL bytes and long lines: refused at their own line. */
static void nul_and_long_lines(void **state)
{
	static const char nul[] = "[run]\nstate_file = /var/lib/x\0junk\n";
	char text[512];
	struct policy p;

	(void)state;
	bad_file(nul, sizeof(nul) - 1, "build/t.conf:2: NUL byte in line");
	/* a long comment used to come back as a third line of garbage */
	snprintf(text, sizeof(text), "[run]\n#%0300d\n\n\ntime_budget = 1s\n", 0);
	bad(text, "t.conf:2: line longer than 199 characters");
	bad_file(text, strlen(text), "build/t.conf:2: line longer than 199 characters");
	/* 199 characters and the newline are a line of 199 characters */
	snprintf(text, sizeof(text), "[run]\n#%0198d\ntime_budget = 1s\n", 0);
	good(text, &p);
	assert_true(p.time_budget_s == 1);
	policy_free(&p);
}

/* 2. A section is given once, under whichever of its names. */
static void repeated_sections(void **state)
{
	struct policy p;

	(void)state;
	bad("[hugepages 2M]\ncount = 0:1\n\n[run]\n\n\n\n\n[hugepages 2048kB]\nrounds = 1\n",
	    "t.conf:9: [hugepages 2048kB] repeats [hugepages 2M] of line 1 (give each section once)");
	bad("[node 0]\ncrit = none\n[node 00]\nwarn = none\n",
	    "t.conf:3: [node 00] repeats [node 0] of line 1");
	bad("[node 1]\n[node 1]\n", "t.conf:2: [node 1] repeats [node 1] of line 1");
	bad("[fragmentation]\n[run]\n[fragmentation]\n",
	    "t.conf:3: [fragmentation] repeats [fragmentation] of line 1");
	bad("[remediate]\ncrit = none\n[run]\n[remediate]\nwarn = none\n",
	    "t.conf:4: [remediate] repeats [remediate] of line 1");
	bad("[run]\nlock_wait = 1s\n[run]\nlock_wait = 2s\n", "t.conf:3: [run] repeats [run] of line 1");
	/* different sizes and nodes are different sections */
	good("[hugepages 2M]\ncount = 0:1\n[hugepages 1G]\ncount = 0:1\n[node 0]\n[node 1]\n", &p);
	assert_int_equal(p.nr_targets, 2);
	policy_free(&p);
}

/* 3. A BOM is dropped before the header check sees line 1. */
static void byte_order_mark(void **state)
{
	struct policy p;

	(void)state;
	bad("\xEF\xBB\xBF[bogus]\n", "t.conf:1: unknown section [bogus]");
	bad("\xEF\xBB\xBF[bogus]\n[run]\n", "t.conf:1: unknown section [bogus]");
	good("\xEF\xBB\xBF[fragmentation]\ncrit_unusable = 0.95\n", &p);
	assert_int_equal(p.th.crit_unusable, 950);
	policy_free(&p);
}

/* 4. After ']' only blanks or a comment. */
static void header_trailing_text(void **state)
{
	struct policy p;

	(void)state;
	bad("[fragmentation] junk\n", "t.conf:1: text 'junk' after [fragmentation]");
	bad("[run]\n[node 1]]\n", "t.conf:2: text ']' after [node 1]");
	bad("[run]#c\n", "t.conf:1: text '#c' after [run]");
	good("[fragmentation]  \t\n[run] # the run section\n[remediate]\t; and this\n", &p);
	policy_free(&p);
}

/* 5. An empty [hugepages SIZE] reserves nothing: say so where it is. */
static void empty_hugepages_section(void **state)
{
	struct policy p;
	struct bc_error e = { 0 };

	(void)state;
	bad("[hugepages 2M]\n\n[run]\n", "t.conf:1: [hugepages 2M] sets neither 'count' nor 'total'");
	bad("[run]\n[hugepages 1G]\n# count = 0:1\n",
	    "t.conf:2: [hugepages 1G] sets neither 'count' nor 'total'");
	/* other sections may be empty; the example file ships them so */
	good("[fragmentation]\n# crit_unusable = 0.9\n[remediate]\n[run]\n", &p);
	policy_free(&p);
	assert_int_equal(policy_load("etc/buddyctl.conf", &p, &e), 0);
	policy_free(&p);
}

/* 6. Every [node N] is recorded, keys or not, with its header's line. */
static void node_sections_without_keys(void **state)
{
	struct snapshot s;
	struct policy p;
	struct bc_error e = { 0 };

	(void)state;
	good("[run]\n\n[node 9]\n", &p);
	assert_int_equal(p.nr_nodes, 1);
	assert_int_equal(p.nodes[0].node, 9);
	assert_int_equal(p.nodes[0].line, 3);
	assert_int_equal(p.nodes[0].th.crit_unusable, TH_INHERIT);
	assert_false(p.nodes[0].crit_set);
	assert_int_equal(snapshot_read(FIXTURES "/four-node-sparse", &s, &e), 0);
	assert_int_equal(policy_validate(&p, &s, &e), -BC_ECONFIG);
	assert_contains(e.msg, "t.conf:3: [node 9]: no such node on this machine");
	policy_free(&p);
	snapshot_free(&s);
}

/* 7. warn comes before crit: ratios rise, free blocks fall. */
static void warn_not_beyond_crit(void **state)
{
	struct policy p;

	(void)state;
	bad("[fragmentation]\ncrit_unusable = 0.9\nwarn_unusable = 0.95\n",
	    "t.conf:3: warn_unusable 0.950 is above crit_unusable 0.900 (warn must not exceed crit)");
	bad("[fragmentation]\nwarn_unusable = 0.95\n",
	    "t.conf:2: warn_unusable 0.950 is above the default crit_unusable 0.900");
	bad("[fragmentation]\ncrit_unusable = 0.5\n",
	    "t.conf:2: the default warn_unusable 0.700 is above crit_unusable 0.500");
	bad("[fragmentation]\nwarn_fragindex = 0.6\ncrit_fragindex = 0.5\n",
	    "t.conf:3: warn_fragindex 0.600 is above crit_fragindex 0.500");
	bad("[fragmentation]\nwarn_min_blocks = 8\n\ncrit_min_blocks = 64\n",
	    "t.conf:4: warn_min_blocks 8 is below crit_min_blocks 64");
	/* a node with its effective values; [fragmentation] may come later */
	bad("[node 1]\nwarn_unusable = 0.95\n[fragmentation]\ncrit_unusable = 0.92\nwarn_unusable = 0.5\n",
	    "t.conf:2: [node 1]: warn_unusable 0.950 is above crit_unusable 0.920 of [fragmentation]");
	bad("[node 1]\ncrit_unusable = 0.6\n",
	    "t.conf:2: [node 1]: the default warn_unusable 0.700 is above crit_unusable 0.600");
	bad("[node 1]\ncrit_unusable = 0.6\nwarn_unusable = 0.8\n",
	    "t.conf:3: [node 1]: warn_unusable 0.800 is above crit_unusable 0.600");
	bad("[fragmentation]\ncrit_min_blocks = 4\n[node 2]\nwarn_min_blocks = 2\n",
	    "t.conf:4: [node 2]: warn_min_blocks 2 is below crit_min_blocks 4 of [fragmentation]");
	/* equal, off, or set right by the node */
	good("[fragmentation]\nwarn_unusable = 0.8\ncrit_unusable = 0.8\n"
	     "warn_min_blocks = 4\ncrit_min_blocks = 4\n", &p);
	policy_free(&p);
	good("[fragmentation]\ncrit_unusable = 0.5\nwarn_unusable = off\nwarn_min_blocks = 1\n", &p);
	policy_free(&p);
	good("[node 1]\ncrit_unusable = 0.6\nwarn_unusable = 0.5\n"
	     "[node 2]\nwarn_unusable = off\ncrit_unusable = 0.1\n", &p);
	policy_free(&p);
}

/* 8. Inline comments: '#' or ';' after a blank. */
static void inline_comments(void **state)
{
	struct policy p;

	(void)state;
	good("[run]\nstate_file = /var/lib/x # note\nlock_file = /run/l\t# tab\n"
	     "[hugepages 2M]\ncount = 0:1 # one page\n[fragmentation]\norder = 2M # c\n"
	     "[remediate] # header\ncrit = compact-node ; drop\n", &p);
	assert_string_equal(p.state_file, "/var/lib/x");
	assert_string_equal(p.lock_file, "/run/l");
	assert_int_equal(p.targets[0].counts[0].count, 1);
	assert_int_equal(p.th.order_kb, 2048);
	assert_int_equal(p.crit.n, 1);
	policy_free(&p);
	/* without a blank before it, '#' is part of the value */
	good("[run]\nstate_file = /var/lib/x#1\n", &p);
	assert_string_equal(p.state_file, "/var/lib/x#1");
	policy_free(&p);
	bad("[run]\nstate_file = # no path\n", "t.conf:2: state_file: '' is not an absolute path");
}

/* 9. A message shows the offending token, escaped and cut, never more. */
static void messages_show_the_token(void **state)
{
	char text[200], x41[42];
	struct policy p;
	struct bc_error e = { 0 };

	(void)state;
	bad("[fragmentation]\nwarn_unusable = \x01\x1b[31m\n",
	    "warn_unusable: '\\x01\\x1b[31m' is not a ratio");
	bad("[\x7f" "bad]\n", "t.conf:1: unknown section [\\x7fbad]");
	bad("[run]\nw\x01rn = 1\n", "unknown key 'w\\x01rn' in [run]");
	bad("[hugepages 2M]\ncount = 0:1, 1=2, 2:3\n", "count: expected NODE:COUNT, got '1=2'");
	bad("[hugepages 2M]\ncount = 0:1, 1:x, 2:3\n", "count: expected a count after ':' in '1:x'");
	bad("[hugepages 2M]\ncount = 0:1, 1:2x, 2:3\n", "count: bad count in '1:2x'");
	/* a 150-byte value: 40 bytes of it and "..." */
	memset(x41, 'x', 41);
	x41[41] = '\0';
	memset(text, 'x', sizeof(text));
	memcpy(text, "[run]\nstate_file = ", 19);
	memcpy(text + 19 + 150, "\n", 2);
	assert_int_equal(policy_load_string("t.conf", text, &p, &e), -BC_ECONFIG);
	assert_contains(e.msg, "...' is not an absolute path");
	assert_null(strstr(e.msg, x41));
	assert_true(strlen(e.msg) < 120);
}

/* 10. Every number is bounded before it is narrowed or multiplied. */
static void number_bounds(void **state)
{
	struct policy p;

	(void)state;
	good("[run]\nmin_interval = 8784h\n", &p);	/* 366 days */
	assert_int_equal(p.min_interval_s, 8784u * 3600);
	policy_free(&p);
	bad("[run]\nmin_interval = 8785h\n", "t.conf:2: min_interval: '8785h' is not a duration");
	bad("[run]\nmin_interval = 1e30\n", "t.conf:2: min_interval");
	bad("[hugepages 2M]\nrounds = 4294967297\n", "t.conf:2: rounds");
	bad("[node 4294967296]\n", "t.conf:1: bad section [node 4294967296]");
	bad("[node 65536]\n", "t.conf:1: bad section [node 65536]");
	bad("[hugepages 2M]\ncount = 4294967296:1\n", "t.conf:2: count");
	bad("[hugepages 2M]\ncount = 0:18446744073709551617\n", "t.conf:2: count");
	bad("[fragmentation]\nwarn_min_blocks = 18446744073709551617\n", "t.conf:2: warn_min_blocks");
	bad("[fragmentation]\norder = 4294967296\n", "t.conf:2: order");
	bad("[hugepages 1048577T]\ncount = 0:1\n", "t.conf:1: bad section [hugepages 1048577T]");
}

/* 11. force, and a pool no bigger than BC_MAX_KB (later products fit). */
static void hugepages_force_and_size(void **state)
{
	struct policy p;

	(void)state;
	good("[hugepages 2M]\ncount = 0:1\nforce = yes\n[hugepages 1G]\ncount = 0:1073741824\n", &p);
	assert_true(p.targets[0].force);
	assert_false(p.targets[1].force);
	policy_free(&p);
	bad("[hugepages 2M]\ncount = 0:1\nforce = maybe\n", "t.conf:3: force: 'maybe' is not yes or no");
	bad("[hugepages 1G]\ncount = 0:1, 1:70368744177664\n",
	    "t.conf:2: count: 70368744177664 pages of 1048576 kB is more memory than any machine has");
	bad("[hugepages 1G]\ncount = 0:1073741825\n", "t.conf:2: count: 1073741825 pages of 1048576 kB");
	bad("[hugepages 1G]\ntotal = 1073741825\n",
	    "t.conf:2: total: 1073741825 pages of 1048576 kB is more memory than any machine has");
	good("[hugepages 2M]\ntotal = 549755813888\n", &p);
	policy_free(&p);
	bad("[hugepages 2M]\ntotal = 549755813889\n", "t.conf:2: total: 549755813889 pages of 2048 kB");
}

/* 12. mandatory: a boolean as keep and force are, default no. */
static void hugepages_mandatory(void **state)
{
	static const char *const yes[] = { "yes", "true", "1", "on" }, *const no[] = { "no", "false", "0", "off" };
	char text[96];
	struct policy p;
	unsigned i;

	(void)state;
	good("[hugepages 2M]\ncount = 0:1\nmandatory = yes\n[hugepages 1G]\ntotal = 2\n", &p);
	assert_int_equal(p.nr_targets, 2);
	assert_true(p.targets[0].mandatory);
	assert_false(p.targets[1].mandatory);	/* the default */
	assert_true(p.targets[0].keep);		/* the other booleans untouched */
	assert_false(p.targets[0].force);
	policy_free(&p);
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "[hugepages 2M]\nmandatory = %s\ntotal = 4\n", yes[i]);
		good(text, &p);
		assert_true(p.targets[0].mandatory);
		policy_free(&p);
		snprintf(text, sizeof(text), "[hugepages 2M]\nmandatory = %s\ntotal = 4\n", no[i]);
		good(text, &p);
		assert_false(p.targets[0].mandatory);
		policy_free(&p);
	}
	bad("[hugepages 2M]\ncount = 0:1\n\nmandatory = must\n", "t.conf:4: mandatory: 'must' is not yes or no");
	bad("[hugepages 2M]\ncount = 0:1\nmandatory = YES\n", "t.conf:3: mandatory: 'YES' is not yes or no");
	bad("[hugepages 2M]\ncount = 0:1\nmandatory =\n", "t.conf:3: mandatory: '' is not yes or no");
	bad("[hugepages 2M]\ncount = 0:1\nmandatory = \x1b[1m\n", "t.conf:3: mandatory: '\\x1b[1m' is not yes or no");
	bad_file("[hugepages 2M]\ncount = 0:1\nmandatory = maybe\n", 45,
		 "build/t.conf:3: mandatory: 'maybe' is not yes or no");
	bad("[hugepages 2M]\nmandatory = yes\ncount = 0:1\nmandatory = no\n",
	    "t.conf:4: duplicate key 'mandatory' in [hugepages 2M]");
	/* a key of [hugepages SIZE] only */
	bad("[run]\nmandatory = yes\n", "t.conf:2: unknown key 'mandatory' in [run]");
	bad("[node 0]\nmandatory = yes\n", "t.conf:2: unknown key 'mandatory' in [node 0]");
	/* keep and force keep their messages, now from the same code */
	bad("[hugepages 2M]\ncount = 0:1\nkeep = perhaps\n", "t.conf:3: keep: 'perhaps' is not yes or no");
}

/*
 * 13. shrink: a boolean, default no (the counts are floors); yes frees a
 * pool above its count. A key of [hugepages SIZE] only.
 */
static void hugepages_shrink(void **state)
{
	struct policy p;

	(void)state;
	good("[hugepages 2M]\ncount = 0:1\nshrink = yes\n[hugepages 1G]\ntotal = 2\n", &p);
	assert_int_equal(p.nr_targets, 2);
	assert_true(p.targets[0].shrink);
	assert_false(p.targets[1].shrink);	/* the default: a floor */
	assert_true(p.targets[0].keep);		/* the other booleans untouched */
	assert_false(p.targets[0].mandatory);
	policy_free(&p);
	good("[hugepages 2M]\nshrink = no\ntotal = 4\n", &p);
	assert_false(p.targets[0].shrink);
	policy_free(&p);
	bad("[hugepages 2M]\ncount = 0:1\nshrink = down\n", "t.conf:3: shrink: 'down' is not yes or no");
	bad("[hugepages 2M]\nshrink = yes\ncount = 0:1\nshrink = no\n",
	    "t.conf:4: duplicate key 'shrink' in [hugepages 2M]");
	bad("[run]\nshrink = yes\n", "t.conf:2: unknown key 'shrink' in [run]");
	bad("[node 0]\nshrink = yes\n", "t.conf:2: unknown key 'shrink' in [node 0]");
}

/*
 * The one table of steps (steps.h): every step has its name and what it
 * does, its name is the one step_name() prints and steps_parse() reads back
 * as that step, and there is no row past the last step.
 */
static void step_table(void **state)
{
	struct steps st;
	char badstep[32], names[256];
	unsigned s;

	(void)state;
	for (s = 0; s < STEP_NR; s++) {
		const struct step_info *info = step_info((enum step)s);

		assert_non_null(info);
		assert_non_null(info->name);
		assert_true(info->name[0] != '\0');
		assert_non_null(info->what);
		assert_true(strlen(info->what) > 8);
		assert_string_equal(step_name((enum step)s), info->name);
		assert_int_equal(steps_parse(info->name, &st, badstep, sizeof(badstep)), 0);
		if (s == STEP_NONE) {
			assert_int_equal(st.n, 0);
		} else {
			assert_int_equal(st.n, 1);
			assert_int_equal(st.s[0], s);
		}
	}
	assert_null(step_info(STEP_NR));
	assert_string_equal(step_name(STEP_NR), "?");
	assert_string_equal(step_info(STEP_REWRITE_BURST)->name, "rewrite-burst");
	assert_string_equal(step_info(STEP_DRAIN_PCP)->name, "drain-pcp");

	/* the lists the messages give, from the table; "(escalation only)" is the flag's */
	for (s = 0; s < STEP_NR; s++)
		assert_int_equal(step_info((enum step)s)->escalation_only,
				 strstr(step_info((enum step)s)->what, "(escalation only)") != NULL);
	steps_names(names, sizeof(names), false);
	assert_string_equal(names, "retry, compact-node, compact-all, drop-pagecache, drop-slab, drop-all, "
				   "reclaim-node, rewrite-burst, drain-pcp");
	steps_names(names, sizeof(names), true);
	assert_string_equal(names, "none, compact-node, compact-all, drop-pagecache, drop-slab, drop-all");
	steps_names(names, 20, false);
	assert_string_equal(names, "retry, compact-node");
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
		cmocka_unit_test(carriage_returns),
		cmocka_unit_test(nul_and_long_lines),
		cmocka_unit_test(repeated_sections),
		cmocka_unit_test(byte_order_mark),
		cmocka_unit_test(header_trailing_text),
		cmocka_unit_test(empty_hugepages_section),
		cmocka_unit_test(node_sections_without_keys),
		cmocka_unit_test(warn_not_beyond_crit),
		cmocka_unit_test(inline_comments),
		cmocka_unit_test(messages_show_the_token),
		cmocka_unit_test(number_bounds),
		cmocka_unit_test(hugepages_force_and_size),
		cmocka_unit_test(hugepages_mandatory),
		cmocka_unit_test(hugepages_shrink),
		cmocka_unit_test(step_table),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
