/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl diff A B` through the binary ($BUDDYCTL, ./buddyctl by
 * default): two trees, a tree and a status JSON file, two buddyinfo
 * captures, nodes on one side only, malformed JSON, identical inputs, and
 * the exit statuses. Every expected figure is worked out by hand in the
 * comments from the fixture's counts, not taken from the program.
 */
#include "testutil.h"
#include "runbin.h"

#include "diff.h"
#include "snapshot_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLICY "tests/policies/defaults.conf"
#define DIR "build/difftest"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/*
 * The two-node tree's buddyinfo (tests/fixtures/two-node), and B's: node 0
 * Normal loses 13 blocks of order 0 (48713 -> 48700), gains 5 of order 9
 * (95 -> 100) and loses 80 of order 10 (180 -> 100); node 1 Normal gains
 * 10 of order 10 (2790 -> 2800). Nothing else moves.
 */
static const char buddyinfo_b[] =
	"Node 0, zone      DMA      2      1      1      0      1      1      1      1      0      1      3 \n"
	"Node 0, zone    DMA32    512    350    260    180    120     90     60     45     30     40    380 \n"
	"Node 0, zone   Normal  48700  31806  20117  12940   7360   4120   2150    980    410    100    100 \n"
	"Node 1, zone    DMA32     45     31     22     15     12      9      6      5      4      6    240 \n"
	"Node 1, zone   Normal    731    488    352    241    163    118     77     52     38     61   2800 \n";

/* A two-node paste (A), and B: node 0 Normal 3563 -> 1563 of order 0, 0 -> 4 of order 9, 0 -> 2 of order 10. */
static const char capture_a[] =
	"Node 0, zone      DMA      1      1      0      0      1      1      1      0      0      1      3\n"
	"Node 0, zone    DMA32    502    158     60     29     44     53     18      9     14      9    114\n"
	"Node 0, zone   Normal   3563    708   3528   2924   6275    850   2202    576      6      0      0\n"
	"Node 1, zone   Normal    120    257    136    925   2815   2690   1723   1036      4      5      0\n";
static const char capture_b[] =
	"Node 0, zone      DMA      1      1      0      0      1      1      1      0      0      1      3\n"
	"Node 0, zone    DMA32    502    158     60     29     44     53     18      9     14      9    114\n"
	"Node 0, zone   Normal   1563    708   3528   2924   6275    850   2202    576      6      4      2\n"
	"Node 1, zone   Normal    120    257    136    925   2815   2690   1723   1036      4      5      0\n";
/* B with node 1 gone and node 2 come, with node 1's counts. */
static const char capture_moved[] =
	"Node 0, zone      DMA      1      1      0      0      1      1      1      0      0      1      3\n"
	"Node 0, zone    DMA32    502    158     60     29     44     53     18      9     14      9    114\n"
	"Node 0, zone   Normal   3563    708   3528   2924   6275    850   2202    576      6      0      0\n"
	"Node 2, zone   Normal    120    257    136    925   2815   2690   1723   1036      4      5      0\n";

static int setup(void **state)
{
	int null = open("/dev/null", O_RDONLY);

	(void)state;
	/* buddyctl reads /dev/null where a test gives it no standard input */
	if (null < 0 || dup2(null, 0) < 0)
		return -1;
	close(null);
	sh("rm -rf " DIR " && mkdir -p " DIR " && cp -r " FIXTURES "/two-node " DIR "/a && cp -r "
	   FIXTURES "/two-node " DIR "/b");
	write_file(DIR "/b/proc/buddyinfo", buddyinfo_b);
	write_file(DIR "/a.bi", capture_a);
	write_file(DIR "/b.bi", capture_b);
	write_file(DIR "/moved.bi", capture_moved);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf " DIR);
	return 0;
}

/*
 * Node 0 by hand, at order 9 (2M with 4K pages, the policy's and the
 * hugepage order). Normal before: free pages 48713 + 31806x2 + 20117x4 +
 * 12940x8 + 7360x16 + 4120x32 + 2150x64 + 980x128 + 410x256 + 95x512 +
 * 180x1024 = 1146873, of which 95x512 + 180x1024 = 232960 in blocks of 2M
 * or larger: unusable (1146873 - 232960) x 1000 / 1146873 = 796.
 * After: 1146873 - 13 + 5x512 - 80x1024 = 1067500 free, 100x512 +
 * 100x1024 = 153600 usable: (1067500 - 153600) x 1000 / 1067500 = 856.
 * The node as check judges it adds DMA (3832 free, 3584 usable) and DMA32
 * (435372 free, 409600 usable): before (1586077 - 646144) x 1000 /
 * 1586077 = 592, after (1506704 - 566784) x 1000 / 1506704 = 623, both
 * below the default warn of 0.700: ok.
 */
/*
 * What a compaction gained, as the run's diff carries it for the log line:
 * free blocks of the hugepage order (9) or larger, in blocks of that order.
 * Node 0 before: DMA 1 + 3x2, DMA32 40 + 380x2, Normal 95 + 180x2: 1262;
 * after, Normal 100 + 100x2: 1107. Node 1 before: DMA32 6 + 240x2, Normal
 * 61 + 2790x2: 6127; after, Normal 61 + 2800x2: 6147.
 */
static void blocks_at_the_hugepage_order(void **state)
{
	struct snapshot a, b;
	struct snap_diff d;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(snapshot_read(DIR "/a", &a, &e), 0);
	assert_int_equal(snapshot_read(DIR "/b", &b, &e), 0);
	assert_int_equal(snapshot_diff(&a, &b, &d, &e), 0);
	assert_true(d.blocks_known);
	assert_int_equal(d.hpage_order, 9);
	assert_int_equal(snap_diff_node(&d, 0)->blocks_before, 1262);
	assert_int_equal(snap_diff_node(&d, 0)->blocks_after, 1107);
	assert_int_equal(snap_diff_node(&d, 1)->blocks_before, 6127);
	assert_int_equal(snap_diff_node(&d, 1)->blocks_after, 6147);
	assert_int_equal(d.blocks_before, 1262 + 6127);
	assert_int_equal(d.blocks_after, 1107 + 6147);
	snap_diff_free(&d);
	/* no hugepage order known (a capture of another kind of machine): none said */
	a.hpage_order = -1;
	assert_int_equal(snapshot_diff(&a, &b, &d, &e), 0);
	assert_false(d.blocks_known);
	snap_diff_free(&d);
	snapshot_free(&a);
	snapshot_free(&b);
}

static void two_trees(void **state)
{
	static struct run r;
	const char *text[] = { "diff", DIR "/a", DIR "/b", "-c", POLICY, NULL };
	const char *json[] = { "diff", DIR "/a", DIR "/b", "-c", POLICY, "-f", "json", NULL };

	(void)state;
	run(&r, text);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.err, "");
	assert_contains(r.out, "before: " DIR "/a (tree)\nafter:  " DIR "/b (tree)\n");
	assert_contains(r.out, "page size 4K, 11 orders, hugepage order 9 (2M)\n");
	assert_contains(r.out, "\nNode 0\n  check:    ok -> ok at 2M: unusable 0.592 -> 0.623 (+0.031)\n");
	assert_contains(r.out, "  Normal      0.796 ->  0.856         -1.000 -> -1.000\n");
	/* node 1 Normal: only order 10 moved, +10 */
	assert_contains(r.out, "  node 1 Normal\n");
	assert_contains(r.out, "    change    0    0    0    0    0    0    0    0    0    0  +10\n");
	/* node 0 Normal: the widest figure is 5 digits, so every column is 5 wide */
	assert_contains(r.out, "    change   -13     0     0     0     0     0     0     0     0    +5   -80\n");
	/* every line within 80 columns */
	{
		const char *p = r.out, *nl;

		for (; (nl = strchr(p, '\n')); p = nl + 1)
			if (nl - p > 79)
				fail_msg("line longer than 79 columns: %.*s", (int)(nl - p), p);
	}

	run(&r, json);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "{\"schema\":1,\"command\":\"diff\",");
	assert_contains(r.out, "\"before\":{\"source\":\"" DIR "/a\",\"kind\":\"tree\",\"time\":null,\"hugepage_order\":9}");
	assert_contains(r.out, "\"page_size\":4096,\"orders\":11,\"hugepage_order\":9,");
	assert_contains(r.out, "{\"zone\":\"Normal\",\"in_before\":true,\"in_after\":true,"
			"\"before\":[48713,31806,20117,12940,7360,4120,2150,980,410,95,180],"
			"\"after\":[48700,31806,20117,12940,7360,4120,2150,980,410,100,100],"
			"\"change\":[-13,0,0,0,0,0,0,0,0,5,-80],"
			"\"unusable_index\":{\"before\":796,\"after\":856},"
			"\"fragmentation_index\":{\"before\":-1000,\"after\":-1000}}");
	assert_contains(r.out, "\"change\":[0,0,0,0,0,0,0,0,0,0,10]");
	assert_contains(r.out, "\"check\":{\"before\":{\"level\":\"ok\",\"order\":9,\"unusable_index\":592,");
	assert_contains(r.out, "\"after\":{\"level\":\"ok\",\"order\":9,\"unusable_index\":623,");
}

/* The same B, as the status JSON status wrote of it: the same figures, and B's verdict as status said it. */
static void tree_and_status_json(void **state)
{
	static struct run r, st;
	const char *status[] = { "status", "--root", DIR "/b", "-c", POLICY, "-f", "json", NULL };
	const char *status_text[] = { "status", "--root", DIR "/b", "-c", POLICY, NULL };
	const char *json[] = { "diff", DIR "/a", DIR "/b.json", "-c", POLICY, "-f", "json", NULL };
	const char *text[] = { "diff", DIR "/a", DIR "/b.json", "-c", POLICY, NULL };
	char verdict[1100], *v, *end;

	(void)state;
	run(&st, status);
	assert_int_equal(st.status, 0);
	write_file(DIR "/b.json", st.out);
	run(&r, json);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_contains(r.out, "\"after\":{\"source\":\"" DIR "/b.json\",\"kind\":\"status-json\",\"time\":\"");
	assert_contains(r.out, "\"change\":[-13,0,0,0,0,0,0,0,0,5,-80],"
			"\"unusable_index\":{\"before\":796,\"after\":856}");
	assert_contains(r.out, "\"change\":[0,0,0,0,0,0,0,0,0,0,10]");
	assert_contains(r.out, "\"after\":{\"level\":\"ok\",\"order\":9,\"unusable_index\":623,");
	/* node 0's verdict after is the one status printed of B, word for word */
	run(&st, status_text);
	assert_int_equal(st.status, 0);
	v = strstr(st.out, "  verdict:   ");
	assert_non_null(v);
	v += strlen("  verdict:   ");
	end = strstr(v, "\n\n");
	assert_non_null(end);
	/* unwrap: the text output breaks the line at 80 columns, indented 13 */
	{
		size_t n = 0;

		for (; v < end && n + 1 < sizeof(verdict); v++) {
			if (*v == '\n') {
				verdict[n++] = ' ';
				v += 13;
			} else {
				verdict[n++] = *v;
			}
		}
		verdict[n] = '\0';
	}
	{
		char want[1200];

		snprintf(want, sizeof(want), "\"after\":\"%s\"", verdict);
		assert_contains(r.out, want);
	}
	run(&r, text);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "after:  " DIR "/b.json (status JSON of ");
	assert_contains(r.out, "\nNode 0\n  check:    ok -> ok at 2M: unusable 0.592 -> 0.623 (+0.031)\n");
}

/*
 * Node 0 Normal of the captures: before 386275 free pages, none
 * in blocks of 2M: unusable 1000; fragmentation index 1000 - (1000 +
 * 386275 x 1000 / 512) / 20632 free blocks = 1000 - 755443 / 20632 = 964.
 * After: 386275 - 2000 + 4x512 + 2x1024 = 388371 free, 4096 in 2M blocks
 * or larger: (388371 - 4096) x 1000 / 388371 = 989, and a 2M block is
 * free: -1000.
 */
static void two_captures(void **state)
{
	static struct run r;
	const char *json[] = { "diff", DIR "/a.bi", DIR "/b.bi", "-c", POLICY, "-f", "json", NULL };
	const char *text_stdin[] = { "diff", DIR "/a.bi", "-", "-c", POLICY, NULL };

	(void)state;
	run(&r, json);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_contains(r.out, "\"kind\":\"buddyinfo\"");
	assert_contains(r.out, "\"zone\":\"Normal\",\"in_before\":true,\"in_after\":true,"
			"\"before\":[3563,708,3528,2924,6275,850,2202,576,6,0,0],"
			"\"after\":[1563,708,3528,2924,6275,850,2202,576,6,4,2],"
			"\"change\":[-2000,0,0,0,0,0,0,0,0,4,2],"
			"\"unusable_index\":{\"before\":1000,\"after\":989},"
			"\"fragmentation_index\":{\"before\":964,\"after\":-1000}}");
	run_stdin = DIR "/b.bi";
	run(&r, text_stdin);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "after:  standard input (buddyinfo capture)\n");
	assert_contains(r.out, "  Normal      1.000 ->  0.989          0.964 -> -1.000\n");
	assert_contains(r.out, "    change -2000     0     0     0     0     0     0     0     0    +4    +2\n");
	/*
	 * b.bi pasted from a mail: a prompt line, '> ' quoting, CRLF. Read as
	 * the capture itself, what was skipped said on standard error.
	 */
	assert_int_equal(system("{ printf '> $ cat /proc/buddyinfo\\r\\n'; sed 's/^/> /; s/$/\\r/' " DIR "/b.bi; "
				"printf '>\\r\\n'; } > " DIR "/b.mail"), 0);
	run_stdin = DIR "/b.mail";
	run(&r, text_stdin);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.err, "buddyctl: standard input: skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo') "
			    "and 1 trailing blank line; removed carriage returns and '> ' quoting\n");
	assert_contains(r.out, "    change -2000     0     0     0     0     0     0     0     0    +4    +2\n");
}

/* Node 1 only before, node 2 only after: shown as such, not an error. */
static void node_on_one_side(void **state)
{
	static struct run r;
	const char *text[] = { "diff", DIR "/a.bi", DIR "/moved.bi", "-c", POLICY, NULL };
	const char *json[] = { "diff", DIR "/a.bi", DIR "/moved.bi", "-c", POLICY, "-f", "json", NULL };

	(void)state;
	run(&r, text);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\nNode 1: disappeared (only before)\n");
	assert_contains(r.out, "\nNode 2: appeared (only after)\n");
	assert_contains(r.out, "  node 2 Normal (appeared: only after)\n");
	run(&r, json);
	assert_int_equal(r.status, 0);
	/* node 1 Normal's counts, all gone: change = 0 - before */
	assert_contains(r.out, "{\"node\":1,\"in_before\":true,\"in_after\":false,");
	assert_contains(r.out, "\"after\":null,\"change\":[-120,-257,-136,-925,-2815,-2690,-1723,-1036,-4,-5,0]");
	assert_contains(r.out, "{\"node\":2,\"in_before\":false,\"in_after\":true,\"check\":{\"before\":null,");
	assert_contains(r.out, "\"before\":null,\"after\":[120,257,136,925,2815,2690,1723,1036,4,5,0],"
			"\"change\":[120,257,136,925,2815,2690,1723,1036,4,5,0]");
}

/* A and B the same: every change 0, and the same verdicts. */
static void identical(void **state)
{
	static struct run r;
	const char *trees[] = { "diff", FIXTURES "/four-node-sparse", FIXTURES "/four-node-sparse", "-c", POLICY,
				"-f", "json", NULL };
	const char *status[] = { "status", "--root", DIR "/a", "-c", POLICY, "-f", "json", NULL };
	const char *own[] = { "diff", DIR "/a", DIR "/a.json", "-c", POLICY, "-f", "json", NULL };
	const char *p;
	unsigned n;

	(void)state;
	run(&r, trees);
	assert_int_equal(r.status, 0);
	for (p = r.out, n = 0; (p = strstr(p, "\"change\":[")); n++) {
		p += strlen("\"change\":[");
		for (; *p != ']'; p++)
			if (*p != '0' && *p != ',')
				fail_msg("a change that is not 0: %.60s", p);
	}
	assert_true(n > 0);
	/* a tree and its own status JSON: the same figures, and the verdict it recorded is the one worked out */
	run(&r, status);
	assert_int_equal(r.status, 0);
	write_file(DIR "/a.json", r.out);
	run(&r, own);
	assert_int_equal(r.status, 0);
	for (p = r.out, n = 0; (p = strstr(p, "\"change\":[")); n++) {
		p += strlen("\"change\":[");
		for (; *p != ']'; p++)
			if (*p != '0' && *p != ',')
				fail_msg("a change that is not 0: %.60s", p);
	}
	assert_int_equal(n, 5);	/* two-node: DMA, DMA32, Normal; DMA32, Normal */
	for (p = r.out, n = 0; (p = strstr(p, "\"verdict\":{\"before\":")); n++) {
		const char *b = p + strlen("\"verdict\":{\"before\":"), *a = strstr(b, ",\"after\":");
		size_t len;

		assert_non_null(a);
		len = (size_t)(a - b);
		a += strlen(",\"after\":");
		if (strncmp(b, a, len) || a[len] != '}')
			fail_msg("verdicts differ: %.*s", (int)len, b);
		p = a;
	}
	assert_int_equal(n, 2);
}

/* Malformed JSON: 65, naming the file and the byte (counted from 1). */
static void malformed_json(void **state)
{
	static struct run r;
	const char *bad[] = { "diff", DIR "/bad.json", DIR "/a", NULL };
	const char *cut[] = { "diff", DIR "/a", DIR "/cut.json", NULL };
	const char *other[] = { "diff", DIR "/other.json", DIR "/a", NULL };

	(void)state;
	/*
	 * {"schema":1,"page_size":4096,"orders":11 "nodes":[]}
	 * byte 1 '{', 2-9 "schema", 10 ':', 11 '1', 12 ',', 13-23
	 * "page_size", 24 ':', 25-28 4096, 29 ',', 30-37 "orders", 38 ':',
	 * 39-40 11, 41 ' ', 42 '"' where a ',' belongs
	 */
	write_file(DIR "/bad.json", "{\"schema\":1,\"page_size\":4096,\"orders\":11 \"nodes\":[]}");
	run(&r, bad);
	assert_int_equal(r.status, 65);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "buddyctl: " DIR "/bad.json: byte 42: expected ',' or '}' after a member, got '\"'\n");
	/* 20 bytes of a status JSON: the file ends inside "version" */
	write_file(DIR "/cut.json", "{\"schema\":1,\"versio");
	run(&r, cut);
	assert_int_equal(r.status, 65);
	assert_string_equal(r.err, "buddyctl: " DIR "/cut.json: byte 20: unterminated string, got the end of the file\n");
	/* the JSON of another command: byte 23 is where "estimate" begins (13-21 "command", 22 ':') */
	write_file(DIR "/other.json", "{\"schema\":1,\"command\":\"estimate\",\"estimates\":[]}");
	run(&r, other);
	assert_int_equal(r.status, 65);
	assert_contains(r.err, DIR "/other.json: byte 23: not status JSON: the JSON of 'estimate'");
}

/* s with the first occurrence of from replaced by to, into out (fails when absent). */
static void replace_once(char *out, size_t size, const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);

	if (!at)
		fail_msg("'%s' not in the status JSON", from);
	snprintf(out, size, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

/*
 * A status JSON whose verdict text holds a colour sequence, CR LF and a
 * forged line, a right-to-left override (U+202E), a C1 control (U+0085),
 * a byte that is not UTF-8 (0xff) and a literal backslash, and whose
 * "time" retitles a terminal (OSC 0 ... BEL): diff shows them all as
 * escapes (text), or as JSON escapes and U+FFFD (JSON), never as they are.
 */
static void hostile_status_json(void **state)
{
	static struct run st, r;
	static char tmp[1 << 18], json[1 << 18];
	const char *status[] = { "status", "--root", DIR "/a", "-c", POLICY, "-f", "json", NULL };
	const char *text[] = { "diff", DIR "/a", DIR "/hostile.json", "-c", POLICY, NULL };
	const char *as_json[] = { "diff", DIR "/a", DIR "/hostile.json", "-c", POLICY, "-f", "json", NULL };
	const char *t;

	(void)state;
	run(&st, status);
	assert_int_equal(st.status, 0);
	replace_once(tmp, sizeof(tmp), st.out, "\"verdict\":{\"text\":\"",
		     "\"verdict\":{\"text\":\"\\u001b[31mRED\\u001b[0m\\r\\nNode 9: fake line "
		     "\\u202eevil\\u0085 \xff back\\\\slash ");
	t = strstr(tmp, "\"time\":\"");	/* its value: "2026-...Z" */
	assert_non_null(t);
	t += strlen("\"time\":\"");
	assert_non_null(strchr(t, '"'));
	snprintf(json, sizeof(json), "%.*s2026\\u001b]0;pwned\\u0007%s", (int)(t - tmp), tmp, strchr(t, '"'));
	write_file(DIR "/hostile.json", json);

	run(&r, text);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	/* nothing that acts on a terminal, and no line that the input began */
	if (strchr(r.out, '\033') || strchr(r.out, '\r') || strchr(r.out, '\a') ||
	    strstr(r.out, "\nNode 9") || strstr(r.out, "\xe2\x80\xae") || strstr(r.out, "\xc2\x85") ||
	    strchr(r.out, '\xff'))
		fail_msg("unescaped input in:\n%s", r.out);
	assert_contains(r.out, "after:  " DIR "/hostile.json (status JSON of 2026\\x1b]0;pwned\\x07)\n");
	/* wrapped at 79 columns, as escaped (the line is 78 long) */
	assert_contains(r.out, "  after:    \\x1b[31mRED\\x1b[0m\\r\\nNode 9: fake line \\u202eevil\\u0085 \\xff\n"
			"            back\\\\slash ");

	run(&r, as_json);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	if (strchr(r.out, '\033') || strchr(r.out, '\xff') || strstr(r.out, "\xe2\x80\xae"))
		fail_msg("unescaped input in:\n%s", r.out);
	assert_contains(r.out, "\"time\":\"2026\\u001b]0;pwned\\u0007\"");
	assert_contains(r.out, "\"after\":\"\\u001b[31mRED\\u001b[0m\\u000d\\u000aNode 9: fake line "
			"\\u202eevil\\u0085 \\ufffd back\\\\slash ");
}

static void exit_statuses(void **state)
{
	static const struct {
		const char *args[8];
		int status;
		const char *err;
	} cases[] = {
		{ { "diff", DIR "/a" }, 64, "diff: give two snapshots, A and B" },
		{ { "diff", DIR "/a", DIR "/b", DIR "/a.bi" }, 64, "diff: more than two snapshots given" },
		{ { "diff", "-", "-" }, 64, "standard input ('-') can be one side only" },
		{ { "diff", "--root", DIR "/a", DIR "/a", DIR "/b" }, 64, "option --root does not apply to 'diff'" },
		{ { "diff", DIR "/a", DIR "/b", "-f", "prometheus" }, 64, "--format prometheus is for 'status', 'check' and 'map' only" },
		{ { "diff", DIR "/a", DIR "/b", "--node", "0" }, 64, "option --node does not apply to 'diff'" },
		{ { "diff", DIR "/a", DIR "/nonexistent" }, 66, DIR "/nonexistent: No such file or directory" },
		{ { "diff", DIR "/a", DIR "/empty.bi" }, 65, DIR "/empty.bi" },
		/* 64K pages against 4K ones */
		{ { "diff", FIXTURES "/arm64-64k", DIR "/a" }, 65,
		  FIXTURES "/arm64-64k has 64K pages, " DIR "/a 4K pages: not comparable" },
		/* the same 11 orders, but one side said to have 16K pages */
		{ { "diff", DIR "/a.bi", DIR "/b.bi", "--page-size", "16K" }, 0, "" },
		{ { "diff", FIXTURES "/arm64-16k", DIR "/a" }, 65, "not comparable" },
	};
	static struct run r;
	unsigned i;

	(void)state;
	write_file(DIR "/empty.bi", "");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(&r, cases[i].args);
		if (r.status != cases[i].status)
			fail_msg("case %u: exit %d, expected %d: %s", i, r.status, cases[i].status, r.err);
		if (cases[i].err[0])
			assert_contains(r.err, cases[i].err);
		else
			assert_string_equal(r.err, "");
	}
}

/*
 * The largest status JSON the caps let through (bench/gen-worst.sh: 65,536
 * nodes, one zone each, 7.8 MB), against the same nodes in the other order:
 * compared node by node, each with its recorded verdict. Not timed:
 * bench/captures-bench.sh measures it (bench/CAPTURES.md).
 */
static void worst_status_json(void **state)
{
	static struct run r;
	const char *args[] = { "diff", "build/worst/status-asc.json", "build/worst/status-desc.json",
			       "-c", POLICY, "-f", "json", NULL };

	(void)state;
	assert_int_equal(system("sh bench/gen-worst.sh build/worst"), 0);
	run(&r, args);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	/* node 0 first, whatever the file order; the verdicts as recorded */
	assert_contains(r.out, "\"nodes\":[\n {\"node\":0,\"in_before\":true,\"in_after\":true,");
	assert_contains(r.out, "\"verdict\":{\"before\":\"node 0\",\"after\":\"node 0\"}");
	/* its orders 0-2: (0 + o) % 3 = 0 1 2 before, (0 + o + 1) % 3 = 1 2 0 after */
	assert_contains(r.out, "\"before\":[0,1,2,0,1,2,0,1,2,0,1,2,0,1],\"after\":[1,2,0,1,2,0,1,2,0,1,2,0,1,2],");
	assert_string_equal(r.err, "");
	assert_int_equal(system("rm -rf build/worst"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_at_the_hugepage_order),
		cmocka_unit_test(two_trees),
		cmocka_unit_test(tree_and_status_json),
		cmocka_unit_test(two_captures),
		cmocka_unit_test(node_on_one_side),
		cmocka_unit_test(identical),
		cmocka_unit_test(malformed_json),
		cmocka_unit_test(hostile_status_json),
		cmocka_unit_test(exit_statuses),
		cmocka_unit_test(worst_status_json),
	};

	return cmocka_run_group_tests_name("diff", tests, setup, teardown);
}
