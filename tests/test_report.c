/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli/ called directly, not through the binary: the escape of text for
 * people and the word wrap of cli/output.c, the action labels, and the
 * text, JSON, Nagios and Prometheus reports of cli/report.c,
 * cli/out_json.c, cli/out_nagios.c and cli/out_prom.c for small hand-built
 * findings, plans, results, diffs and hostile text; --node's parser
 * (policy/read/nodelist.c). Every expected output is worked out by hand from
 * the format buddyctl(8) documents.
 */
#include "testutil.h"

#include <numa.h>

#include "act.h"
#include "nodelist.h"
#include "out_json.h"
#include "out_nagios.h"
#include "out_prom.h"
#include "out_text.h"
#include "output.h"
#include "report.h"

/* What fn printed, as a string (free() it). */
#define CAPTURE(buf, call)                                                      \
	do {                                                                    \
		size_t len_;                                                    \
		FILE *f = open_memstream(&(buf), &len_);                        \
		assert_non_null(f);                                             \
		call;                                                           \
		assert_int_equal(fclose(f), 0);                                 \
	} while (0)

/* out_escape(): what acts on a terminal as an escape, the rest as it is. */
static void escape_for_people(void **state)
{
	char b[128];

	(void)state;
	/* ESC, CR, LF, TAB, BEL and DEL; a backslash doubled, so that "\x1b" typed is told apart */
	assert_string_equal(out_escape(b, sizeof(b), "a\x1b[31mb\r\nc\td\a\x7f\\x1b", 0),
			    "a\\x1b[31mb\\r\\nc\\td\\x07\\x7f\\\\x1b");
	/* UTF-8 as it is (U+00E9); C1 NEL, RLO, LRI, LS as \u: they act on terminals and readers */
	assert_string_equal(out_escape(b, sizeof(b), "\xc3\xa9\xc2\x85\xe2\x80\xae\xe2\x81\xa6\xe2\x80\xa8", 0),
			    "\xc3\xa9\\u0085\\u202e\\u2066\\u2028");
	/*
	 * no UTF-8, byte by byte: a stray continuation, a sequence cut short,
	 * an overlong '/', a surrogate (U+D800), above U+10FFFF, and 0x9b
	 * (CSI to an 8-bit terminal)
	 */
	assert_string_equal(out_escape(b, sizeof(b), "\x80|\xc3|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\x9b", 0),
			    "\\x80|\\xc3|\\xc0\\xaf|\\xed\\xa0\\x80|\\xf4\\x90\\x80\\x80|\\x9b");
	/* for a monitoring plugin '|' too; in a message a backslash stays (its tokens are escaped) */
	assert_string_equal(out_escape(b, sizeof(b), "1|evil=99\n", OUT_ESC_PIPE), "1\\x7cevil=99\\n");
	assert_string_equal(out_escape(b, sizeof(b), "got '\\x1b'\x1b", OUT_ESC_MSG), "got '\\x1b'\\x1b");
	/* cut before an escape that does not fit: "ab" and "\x1b" take 6 bytes and the NUL */
	assert_string_equal(out_escape(b, 6, "ab\x1b", 0), "ab");
	assert_string_equal(out_escape(b, 7, "ab\x1b", 0), "ab\\x1b");
	assert_string_equal(out_escape(b, 1, "ab", 0), "");
}

static void wrap(void **state)
{
	char *s;

	(void)state;
	/* runs of spaces fold to one */
	CAPTURE(s, out_wrap(f, "  why:", 8, "aaa  bbb   c"));
	assert_string_equal(s, "  why: aaa bbb c\n");
	free(s);
	/*
	 * "lead" is 4 columns; each 9-letter word takes 10 with its space:
	 * 7 words end at column 74, the 8th would end at 84 > 79, so it
	 * starts the next line after 8 spaces of indent (no space before it).
	 */
	CAPTURE(s, out_wrap(f, "lead", 8, "wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww "
			     "wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww"));
	assert_string_equal(s, "lead wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww wwwwwwwww\n"
			       "        wwwwwwwww wwwwwwwww wwwwwwwww\n");
	free(s);
	/* a verdict from a status JSON: no clear screen, no forged line */
	CAPTURE(s, out_wrap(f, "  after:", 10, "x\x1b[2J\r\nNode 9: fake"));
	assert_string_equal(s, "  after: x\\x1b[2J\\r\\nNode 9: fake\n");
	free(s);
}

static void node_selected(void **state)
{
	struct bitmask *b = numa_bitmask_alloc(64);
	struct outopts all = { 0 }, some = { .nodes = b };

	(void)state;
	numa_bitmask_setbit(b, 0);
	numa_bitmask_setbit(b, 2);
	assert_true(out_node_selected(&all, 1));
	assert_true(out_node_selected(&some, 0));
	assert_false(out_node_selected(&some, 1));
	assert_true(out_node_selected(&some, 2));
	numa_bitmask_free(b);
}

static void labels(void **state)
{
	struct action a = { 0 };
	char buf[96];

	(void)state;
	a.kind = ACT_COMPACT_NODE;
	a.node = 3;
	action_label(buf, sizeof(buf), &a);
	assert_string_equal(buf, "compact node 3");
	a.kind = ACT_COMPACT_ALL;
	a.node = -1;
	action_label(buf, sizeof(buf), &a);
	assert_string_equal(buf, "compact all nodes");
	a.kind = ACT_DROP_CACHES;
	a.drop_level = 3;
	a.sync = true;
	action_label(buf, sizeof(buf), &a);
	assert_string_equal(buf, "drop page cache and slab (sync first)");
	a.drop_level = 2;
	a.sync = false;
	action_label(buf, sizeof(buf), &a);
	assert_string_equal(buf, "drop slab");
	a.kind = ACT_RESERVE;
	a.node = 1;
	a.size_kb = 2048;
	a.current = 0;
	a.target = 512;
	action_label(buf, sizeof(buf), &a);
	assert_string_equal(buf, "reserve 2M on node 1: 0 -> 512");
	a.node = -1;
	a.size_kb = 1048576;
	a.current = 2;
	a.target = 4;
	action_label(buf, sizeof(buf), &a);
	assert_string_equal(buf, "reserve 1G on all nodes: 2 -> 4");
}

/* check's findings: node 0 crit at 2M, node 1's 2M pool 10 of 50. */
static struct snapshot snap4k = { .page_size = 4096 };
static struct finding check_findings[2];

static void check_report(struct report *r)
{
	memset(check_findings, 0, sizeof(check_findings));
	check_findings[0] = (struct finding){ .kind = FINDING_FRAGMENTATION, .node = 0, .level = LEVEL_CRIT,
					      .order = 9, .unusable = 950, .fragindex = -1000, .blocks = 12 };
	snprintf(check_findings[0].why, sizeof(check_findings[0].why), "unusable index 0.950 >= crit 0.900");
	check_findings[1] = (struct finding){ .kind = FINDING_POOL, .node = 1, .level = LEVEL_WARN,
					      .size_kb = 2048, .target = 50, .actual = 10, .shortfall = 40 };
	snprintf(check_findings[1].why, sizeof(check_findings[1].why), "10 of 50 (40 short)");
	*r = (struct report){ .command = "check", .before = &snap4k, .findings = check_findings,
			      .nr_findings = 2, .exit_code = 2, .exit_reason = "1 node at crit",
			      .policy = "p.conf" };
}

static void check_text(void **state)
{
	struct report r;
	char *s;

	(void)state;
	check_report(&r);
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	/* "  node %-3d %-4s  at SIZE: ...": the id in 3 columns, the level in 4 */
	assert_string_equal(s,
		"Policy p.conf\n"
		"\n"
		"Findings\n"
		"  node 0   crit  at 2M: unusable 0.950, 12 free 2M blocks; unusable index 0.950 >= crit 0.900\n"
		"  node 1   warn  2M pool: 10 of 50 (40 short)\n"
		"\n"
		"Exit status 2: 1 node at crit\n");
	free(s);
}

/* --color: the findings' levels coloured as status colours them, the rest plain. */
static void check_text_color(void **state)
{
	struct report r;
	char *s;

	(void)state;
	check_report(&r);
	r.color = true;
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	/* bold red crit, bold yellow warn, padded to 4 columns outside the colour */
	assert_string_equal(s,
		"Policy p.conf\n"
		"\n"
		"Findings\n"
		"  node 0   \033[1;31mcrit\033[0m  at 2M: unusable 0.950, 12 free 2M blocks; unusable index 0.950 >= crit 0.900\n"
		"  node 1   \033[1;33mwarn\033[0m  2M pool: 10 of 50 (40 short)\n"
		"\n"
		"Exit status 2: 1 node at crit\n");
	free(s);
	r.color = false;
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	assert_null(strchr(s, '\033'));
	free(s);
}

/* A finding's reason and the policy's path as they came: escaped in the text report. */
static void check_text_escaped(void **state)
{
	struct report r;
	char *s;

	(void)state;
	check_report(&r);
	snprintf(check_findings[1].why, sizeof(check_findings[1].why), "\x1b[2J\r\nnode 7   ok");
	r.policy = "p\x1b]0;x\a.conf";
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	assert_null(strchr(s, '\033'));
	assert_null(strchr(s, '\r'));
	assert_contains(s, "Policy p\\x1b]0;x\\x07.conf\n");
	assert_contains(s, "  node 1   warn  2M pool: \\x1b[2J\\r\\nnode 7   ok\n");
	free(s);
}

/*
 * Nagios: the plugin API takes the first '|' of any line for the start of
 * performance data, so no '|' or line break from input: the status line
 * has one '|', its own, and the lines after it none.
 */
static void nagios_no_pipe_from_input(void **state)
{
	struct report r;
	char *s, *nl;

	(void)state;
	check_report(&r);
	snprintf(check_findings[0].why, sizeof(check_findings[0].why), "a|evil=99;1;1;0;1\nb");
	snprintf(check_findings[1].why, sizeof(check_findings[1].why), "c|d");
	r.policy = "p|q.conf";
	CAPTURE(s, assert_int_equal(report_nagios(f, &r), 0));
	nl = strchr(s, '\n');
	assert_non_null(nl);
	assert_ptr_equal(strchr(s, '|'), strrchr(s, '|'));	/* one '|' in all */
	assert_true(strchr(s, '|') < nl);
	assert_contains(s, "BUDDYCTL CRITICAL - node 0 at 2M: a\\x7cevil=99;1;1;0;1\\nb; 2M pool node 1 10/50 |");
	assert_contains(s, "\nnode 1 warn 2M pool: c\\x7cd\npolicy p\\x7cq.conf\n");
	free(s);
	CAPTURE(s, assert_int_equal(report_nagios_unknown(f, "x:1: got '1|evil=99;1;1;0;1'\nBUDDYCTL OK"), 0));
	assert_string_equal(s, "BUDDYCTL UNKNOWN - x:1: got '1\\x7cevil=99;1;1;0;1'\\nBUDDYCTL OK\n");
	free(s);
}

/*
 * check in JSON: the findings, and a warning of a sysctl file (its file
 * name with a quote, escaped) that sizes the pool node 1's 2M target sets.
 */
static void check_json(void **state)
{
	struct hp_target target = { .size_kb = 2048, .line = 12 };
	struct sysctl_hp setting = { .seen = true, .file = "/etc/sysctl.d/80-\"hp\".conf", .line = 3,
				     .key = "vm.nr_hugepages", .value = "512" };
	struct sysctl_conflict conflict = { .setting = &setting, .target = &target, .text = "it fights" };
	struct report r;
	char *s;

	(void)state;
	check_report(&r);
	r.sysctl_conflicts = &conflict;
	r.nr_sysctl_conflicts = 1;
	CAPTURE(s, assert_int_equal(report_json(f, &r), 0));
	assert_string_equal(s,
		"{\"schema\":1,\"command\":\"check\",\"dry_run\":false,\"executed\":false,\"policy\":\"p.conf\","
		"\"not_permitted\":null,\"warnings\":[{\"kind\":\"sysctl\",\"file\":\"/etc/sysctl.d/80-\\\"hp\\\".conf\","
		"\"line\":3,\"key\":\"vm.nr_hugepages\",\"value\":\"512\",\"size_kb\":2048,\"policy_line\":12,"
		"\"text\":\"it fights\"}],\"findings\":[\n"
		" {\"node\":0,\"level\":\"crit\",\"order\":9,\"unusable_index\":950,\"fragmentation_index\":-1000,"
		"\"free_blocks_at_order\":12,\"remediated\":false,\"why\":\"unusable index 0.950 >= crit 0.900\"}],"
		"\"pool_findings\":[\n"
		" {\"node\":1,\"size_kb\":2048,\"level\":\"warn\",\"target\":50,\"actual\":10,\"shortfall\":40,"
		"\"mandatory\":false,\"shrink\":false,\"why\":\"10 of 50 (40 short)\",\"why_short\":null}],"
		"\"actions\":[],\"zones\":[],\"memory_change\":[],\"vmstat_change\":{},\"total_ms\":0.000,"
		"\"exit\":2,\"exit_reason\":\"1 node at crit\"}\n");
	free(s);
}

/* s without its "# HELP" lines (documentation, not figures), in place. */
static void drop_help(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		char *nl = strchr(r, '\n');
		size_t len = nl ? (size_t)(nl - r) + 1 : strlen(r);

		if (strncmp(r, "# HELP ", 7) != 0) {
			memmove(w, r, len);
			w += len;
		}
		r += len;
	}
	*w = '\0';
}

static void check_prometheus(void **state)
{
	struct report r;
	struct finding fs[3];
	char *s;

	(void)state;
	check_report(&r);
	/* and a mandatory 1G pool of node 0 that was not read: no shortfall line */
	memcpy(fs, check_findings, sizeof(check_findings));
	fs[2] = (struct finding){ .kind = FINDING_POOL, .node = 0, .level = LEVEL_CRIT, .size_kb = 1048576,
				  .target = 2, .mandatory = true, .unknown = true };
	r.findings = fs;
	r.nr_findings = 3;
	snap4k.taken = (struct timespec){ .tv_sec = 1700000000, .tv_nsec = 123456789 };
	CAPTURE(s, assert_int_equal(report_prometheus(f, &r), 0));
	snap4k.taken = (struct timespec){ 0 };
	drop_help(s);
	/*
	 * the node's index as a ratio and its level (crit: 2), then per pool its
	 * target, shortfall, mandatory (0/1) and pages above the target (10 of
	 * 50: 0; not for the pool not read), sizes in bytes (2048 kB =
	 * 2097152, 1 GiB = 1073741824), and the time in ms
	 */
	assert_string_equal(s,
		"# TYPE buddyctl_node_unusable_free_ratio gauge\n"
		"buddyctl_node_unusable_free_ratio{node=\"0\",order=\"9\"} 0.950\n"
		"# TYPE buddyctl_node_level gauge\n"
		"buddyctl_node_level{node=\"0\"} 2\n"
		"# TYPE buddyctl_hugepages_target gauge\n"
		"buddyctl_hugepages_target{node=\"1\",size=\"2097152\"} 50\n"
		"buddyctl_hugepages_target{node=\"0\",size=\"1073741824\"} 2\n"
		"# TYPE buddyctl_hugepages_short gauge\n"
		"buddyctl_hugepages_short{node=\"1\",size=\"2097152\"} 40\n"
		"# TYPE buddyctl_hugepages_mandatory gauge\n"
		"buddyctl_hugepages_mandatory{node=\"1\",size=\"2097152\"} 0\n"
		"buddyctl_hugepages_mandatory{node=\"0\",size=\"1073741824\"} 1\n"
		"# TYPE buddyctl_hugepages_above gauge\n"
		"buddyctl_hugepages_above{node=\"1\",size=\"2097152\"} 0\n"
		"# TYPE buddyctl_snapshot_timestamp_seconds gauge\n"
		"buddyctl_snapshot_timestamp_seconds 1700000000.123\n");
	free(s);
}

/*
 * compact --node 0, done in 1.5 ms: one Normal zone of 3 orders went from
 * 5 3 1 free blocks to 2 1 2; node 0 gained 2 MiB free memory and lost
 * 512 KiB of page cache; compact_stall moved by 1, nr_free_pages by 0.
 */
static struct plan one_plan;
static struct action one_action;
static struct action_result one_result;
static struct zone z_before, z_after;
static struct zone_change one_zone;
static struct node_change one_node;
static struct snap_diff one_diff;

static void compact_report(struct report *r, bool executed)
{
	one_action = (struct action){ .kind = ACT_COMPACT_NODE, .node = 0 };
	snprintf(one_action.reason, sizeof(one_action.reason), "buddyctl compact --node 0");
	snprintf(one_action.expect, sizeof(one_action.expect), "more free blocks on node 0");
	one_plan = (struct plan){ .a = &one_action, .n = 1 };
	one_result = (struct action_result){ .status = RES_DONE, .ms = 1.5 };
	z_before = (struct zone){ .free_blocks = { 5, 3, 1 } };
	z_after = (struct zone){ .free_blocks = { 2, 1, 2 } };
	one_zone = (struct zone_change){ .node = 0, .name = "Normal", .before = &z_before, .after = &z_after,
					 .changed = true, .change = { -3, -2, 1 } };
	one_node = (struct node_change){ .node = 0, .in_before = true, .in_after = true, .known = true,
					 .free_kb = 2048, .file_kb = -512, .slab_kb = 0 };
	one_diff = (struct snap_diff){ .nr_orders = 3, .hpage_order = 2, .zones = &one_zone, .nr_zones = 1,
				       .nodes = &one_node, .nr_nodes = 1 };
	one_diff.vmstat[VM_COMPACT_STALL] = 1;
	one_diff.vmstat_seen = 1u << VM_NR_FREE_PAGES | 1u << VM_COMPACT_STALL;
	*r = (struct report){ .command = "compact", .dry_run = !executed, .executed = executed,
			      .before = &snap4k, .after = executed ? &snap4k : NULL,
			      .diff = executed ? &one_diff : NULL, .plan = &one_plan,
			      .results = executed ? &one_result : NULL, .total_ms = executed ? 3.5 : 0 };
}

static void compact_text(void **state)
{
	struct report r;
	char *s;

	(void)state;
	compact_report(&r, true);
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	/*
	 * "  %2u. %-44s %-11s %9.1f ms"; the zone's columns are as wide as
	 * its widest figure, "16K" (3): " %3s" each after 10 columns of label;
	 * memory as +2.0M / -512K / 0 in 7 columns; nr_free_pages is left out
	 * of the counters' line, and so is every counter that did not move.
	 */
	assert_string_equal(s,
		"Actions\n"
		"   1. compact node 0                               done              1.5 ms\n"
		"\n"
		"Free blocks per order: before, after, change (zones that changed)\n"
		"  node 0 Normal\n"
		"            4K  8K 16K\n"
		"    before   5   3   1\n"
		"    after    2   1   2\n"
		"    change  -3  -2  +1\n"
		"\n"
		"Memory per node, after less before\n"
		"  node 0   free   +2.0M, page cache   -512K, reclaimable slab       0\n"
		"\n"
		"Kernel counters moved: compact_stall +1\n"
		"\n"
		"Total 3.5 ms, exit status 0\n");
	free(s);
}

/*
 * reserve 1G:3@0 planned from the node's map, granted 1: under the
 * Hugepages row, the estimate says it came from the map, and the why line
 * is the one of the map read again at the end of the run.
 */
static void reserve_short_says_why(void **state)
{
	struct action a = { .kind = ACT_RESERVE, .node = 0, .size_kb = 1048576, .current = 0, .target = 3,
			    .have_est = true };
	struct action_result res = { .status = RES_PARTIAL, .before = 0, .after = 1 };
	struct plan p = { .a = &a, .n = 1 };
	struct report r = { .command = "reserve", .executed = true, .before = &snap4k, .plan = &p,
			    .results = &res };
	char *s;

	(void)state;
	a.est = (struct estimate){ .gigantic = true, .from_map = true, .now = 1, .compact = 2, .reclaim = 2,
				   .maybe = 1 };
	snprintf(a.est.why, sizeof(a.est.why), "as planned");
	snprintf(res.why, sizeof(res.why), "node 0, 1G: 1 range can be had (1 free, 0 by compaction); 4 blocked: slab in 4");
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	assert_contains(s, "                  0    1G          3        0         1        2\n"
			"                         estimate: 1 now, 2 after compaction, 2 after reclaim (from the map; +1 maybe)\n"
			"                         why: node 0, 1G: 1 range can be had (1 free, 0 by\n"
			"                              compaction); 4 blocked: slab in 4\n");
	free(s);
	CAPTURE(s, assert_int_equal(report_json(f, &r), 0));
	assert_contains(s, "\"why_short_after\":\"node 0, 1G: 1 range can be had (1 free, 0 by compaction); 4 blocked: slab in 4\"");
	free(s);
}

static void compact_json(void **state)
{
	struct report r;
	char *s;

	(void)state;
	compact_report(&r, true);
	CAPTURE(s, assert_int_equal(report_json(f, &r), 0));
	assert_string_equal(s,
		"{\"schema\":1,\"command\":\"compact\",\"dry_run\":false,\"executed\":true,\"policy\":null,"
		"\"not_permitted\":null,\"warnings\":[],\"findings\":[],\"pool_findings\":[],\"actions\":[\n"
		" {\"kind\":\"compact_node\",\"node\":0,\"reason\":\"buddyctl compact --node 0\","
		"\"expect\":\"more free blocks on node 0\",\"status\":\"done\",\"ms\":1.500,\"error\":null}],"
		"\"zones\":[\n"
		" {\"node\":0,\"zone\":\"Normal\",\"before\":[5,3,1],\"after\":[2,1,2],\"change\":[-3,-2,1]}],"
		"\"memory_change\":[{\"node\":0,\"free_kb\":2048,\"file_kb\":-512,\"slab_reclaimable_kb\":0}],"
		"\"vmstat_change\":{\"nr_free_pages\":0,\"compact_stall\":1},\"total_ms\":3.500,"
		"\"exit\":0,\"exit_reason\":null}\n");
	free(s);
}

static void compact_dry_run_text(void **state)
{
	struct report r;
	char *s;

	(void)state;
	compact_report(&r, false);
	r.not_permitted = "compact: needs root";
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	assert_string_equal(s,
		"Plan (dry run: nothing is written)\n"
		"   1. compact node 0\n"
		"      why:    buddyctl compact --node 0\n"
		"      expect: more free blocks on node 0\n"
		"\n"
		"Note: as this user, compact would be refused (exit status 77): compact: needs root\n");
	free(s);
}

/*
 * The report's own lines that quote input -- a reason naming a policy path,
 * an action's error with a value read back, the exit reason, the note of a
 * dry run -- escaped as the findings are: no escape sequence, no forged line.
 */
static void report_lines_escaped(void **state)
{
	struct report r;
	char *s;

	(void)state;
	compact_report(&r, false);
	snprintf(one_action.reason, sizeof(one_action.reason), "/etc/p\x1b]0;x\a.conf:3");
	r.not_permitted = "tree/sys/\x1b[2J: refused";
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	assert_null(strchr(s, '\033'));
	assert_contains(s, "      why:    /etc/p\\x1b]0;x\\x07.conf:3\n");
	assert_contains(s, "(exit status 77): tree/sys/\\x1b[2J: refused\n");
	free(s);
	compact_report(&r, true);
	snprintf(one_result.error, sizeof(one_result.error), "read back 'x\r\nTotal 0.0 ms, exit status 0'");
	r.exit_code = 2;
	r.exit_reason = "compact node 0: \x1b[31mred";
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	assert_null(strchr(s, '\033'));
	assert_null(strchr(s, '\r'));
	assert_contains(s, "      error: read back 'x\\r\\nTotal 0.0 ms, exit status 0'\n");
	assert_contains(s, "Total 3.5 ms, exit status 2: compact node 0: \\x1b[31mred\n");
	free(s);
}

/* A zone only one side has: "-" for the missing side, shown only when all is set. */
static void zones_one_side(void **state)
{
	struct zone_change zc = { .node = 2, .name = "Movable", .after = &z_after, .changed = true,
				  .change = { 0 } };
	struct snap_diff d = { .nr_orders = 3, .zones = &zc, .nr_zones = 1 };
	char *s;

	(void)state;
	z_after = (struct zone){ .free_blocks = { 2, 1, 2 } };
	CAPTURE(s, report_zones_text(f, &d, 4096, -1, false));
	assert_string_equal(s, "");
	free(s);
	CAPTURE(s, report_zones_text(f, &d, 4096, -1, true));
	assert_string_equal(s,
		"  node 2 Movable (appeared: only after)\n"
		"            4K  8K 16K\n"
		"    before   -   -   -\n"
		"    after    2   1   2\n"
		"    change   0   0   0\n");
	free(s);
	CAPTURE(s, report_zones_text(f, &d, 4096, 1, true));	/* another node */
	assert_string_equal(s, "");
	free(s);
}

/*
 * An apply whose snapshots differ in no zone (a static tree): no "Free
 * blocks per order" header with nothing under it.
 */
static void nothing_changed_no_header(void **state)
{
	struct report r;
	char *s;

	(void)state;
	compact_report(&r, true);
	one_zone.changed = false;
	memset(one_zone.change, 0, sizeof(one_zone.change));
	z_after = z_before;
	CAPTURE(s, assert_int_equal(report_text(f, &r), 0));
	if (strstr(s, "Free blocks per order"))
		fail_msg("a header without a zone:\n%s", s);
	assert_contains(s, "   1. compact node 0                               done              1.5 ms\n"
			"\nMemory per node, after less before\n");
	free(s);
}

/*
 * Prometheus label values as the exposition format escapes them: a zone or
 * migrate type name with a quote, a backslash or a newline cannot end the
 * label or begin a sample line of its own. (The parsers take none of these:
 * the names are set by hand.)
 */
static void prometheus_labels_escaped(void **state)
{
	static struct pagetype types[1];
	static struct zone z;
	static struct node n;
	static struct snapshot snap;
	struct outopts o = { 0 };
	char *s, *line;

	(void)state;
	z = (struct zone){ .name = "N\"}\\ 1\nbuddyctl_evil 9", .in_buddyinfo = true, .free_blocks = { 1 },
			   .free_pages = 1, .types = types, .nr_types = 1 };
	snprintf(z.types[0].name, sizeof(z.types[0].name), "M\"\n");
	z.types[0].pageblocks = 3;
	n = (struct node){ .id = 0, .has_memory = true, .zones = &z, .nr_zones = 1 };
	snap = (struct snapshot){ .page_size = 4096, .nr_orders = 1, .hpage_order = 0, .nodes = &n,
				  .nr_nodes = 1, .has_pagetypeinfo = true };
	CAPTURE(s, assert_int_equal(status_prometheus(f, &snap, &o), 0));
	assert_contains(s, "buddyctl_free_blocks{node=\"0\",zone=\"N\\\"}\\\\ 1\\nbuddyctl_evil 9\",order=\"0\"} 1\n");
	assert_contains(s, ",type=\"M\\\"\\n\"} 3\n");
	/* every line a comment or a buddyctl_ sample with its labels: none forged */
	for (line = s; *line; line = strchr(line, '\n') + 1) {
		if (strncmp(line, "# ", 2) && strncmp(line, "buddyctl_", 9))
			fail_msg("a line of its own: %.40s", line);
		if (!strncmp(line, "buddyctl_evil", 13))
			fail_msg("a forged sample: %.40s", line);
	}
	free(s);
}

/* --node LIST: its syntax alone, then against a snapshot of nodes 0 (memory) and 2 (none). */
static void node_option(void **state)
{
	struct node nodes[2] = { { .id = 0, .has_memory = true }, { .id = 2, .has_memory = false } };
	struct snapshot snap = { .page_size = 4096, .nodes = nodes, .nr_nodes = 2 };
	struct bitmask *b = NULL;
	struct bc_error e = { 0 };
	unsigned id, n = 0;

	(void)state;
	assert_int_equal(nodelist_select("0-2,5", "--node", NULL, &b, &e), 0);
	for (id = 0; id < b->size; id++)
		if (numa_bitmask_isbitset(b, id))
			n += 1u << id;
	assert_int_equal(n, 1u << 0 | 1u << 1 | 1u << 2 | 1u << 5);
	numa_bitmask_free(b);
	assert_int_equal(nodelist_select("", "--node", NULL, &b, &e), -BC_EUSAGE);
	assert_string_equal(e.msg, "--node: empty node list");
	assert_int_equal(nodelist_select("0", "--node", &snap, &b, &e), 0);
	numa_bitmask_free(b);
	assert_int_equal(nodelist_select("0,2", "--node", &snap, &b, &e), -BC_EUSAGE);
	assert_string_equal(e.msg, "--node: node 2 has no memory");
	assert_null(b);
	assert_int_equal(nodelist_select("1", "--node", &snap, &b, &e), -BC_EUSAGE);
	assert_string_equal(e.msg, "--node: node 1 does not exist");
	assert_int_equal(nodelist_select("x", "--node", NULL, &b, &e), -BC_EUSAGE);
	assert_contains(e.msg, "--node");
	assert_contains(e.msg, "'x'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_for_people),
		cmocka_unit_test(wrap),
		cmocka_unit_test(node_selected),
		cmocka_unit_test(labels),
		cmocka_unit_test(check_text),
		cmocka_unit_test(check_text_color),
		cmocka_unit_test(check_text_escaped),
		cmocka_unit_test(nagios_no_pipe_from_input),
		cmocka_unit_test(check_json),
		cmocka_unit_test(check_prometheus),
		cmocka_unit_test(compact_text),
		cmocka_unit_test(reserve_short_says_why),
		cmocka_unit_test(compact_json),
		cmocka_unit_test(compact_dry_run_text),
		cmocka_unit_test(report_lines_escaped),
		cmocka_unit_test(zones_one_side),
		cmocka_unit_test(nothing_changed_no_header),
		cmocka_unit_test(prometheus_labels_escaped),
		cmocka_unit_test(node_option),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
