/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One figure, one name, one number in every command: `status`, `check`,
 * `check -f nagios`, `estimate` and `plan` as subprocesses on two fixture
 * trees. The same-named figures must be equal; the differently named ones
 * must differ by exactly what their definitions say, worked out by hand
 * below from the trees' files (buddyctl(8), "Figures").
 *
 * free 2M blocks (check, status's check: line and free-blocks column,
 *   Nagios nodeN_blocks, estimate's "now" line): blocks of order >= 9 in
 *   the node's buddy free lists (/proc/buddyinfo), every zone, an order-10
 *   block counting 2.
 * now (estimate's table and "now" line, plan's "estimate: N now"): the pool
 *   + per zone min(free 2M blocks outside HighAtomic/Isolate + per-CPU
 *   pages / 512, (pages free + per-CPU pages - min - protection[Movable]) /
 *   512): it adds what the per-CPU lists could make and loses what the
 *   watermarks keep.
 * the verdict's "can be had now (at most N ...)": now less the pool, and it
 *   says "beyond the P in the pool" when the pool holds any.
 *
 * two-node (4K pages; a Movable zone, so the allocation's highest zone is
 * index 3 and protection[3] counts):
 *
 * node 0  DMA     blocks 1 + 3 x 2 = 7; free 3832 < min 13 + protection 14012:
 *                 now 0 (7 lost to the watermark)
 *         DMA32   blocks 40 + 380 x 2 = 800; room (435372 - 1796 - 12024) / 512
 *                 = 823: now 800
 *         Normal  blocks 95 + 180 x 2 = 455; per-CPU 3511 + 3578 + 4122 + 2474
 *                 = 13685 pages, / 512 = 26; room (1146873 + 13685 - 10866)
 *                 / 512 = 2245: now 455 + 26 = 481
 *         free 2M blocks 7 + 800 + 455 = 1262; now 0 + 800 + 481 = 1281
 *         = 1262 + 26 - 7; pool 0
 * node 1  DMA32   blocks 6 + 240 x 2 = 486; room (251675 - 910 - 16125) / 512
 *                 = 458: now 458 (28 lost)
 *         Normal  blocks 61 + 2790 x 2 = 5641; per-CPU 75 + 333 + 2463 + 1412
 *                 = 4283, / 512 = 8; room (2920931 + 4283 - 14572) / 512 =
 *                 5684: now 5641 + 8 = 5649
 *         free 2M blocks 486 + 5641 = 6127; now beyond the pool 458 + 5649
 *         = 6107 = 6127 + 8 - 28; pool 64: now 6171
 *
 * vm (one node; protection[3] likewise):
 *
 * node 0  DMA     blocks 1 + 3 x 2 = 7; free 3840 < 62 + 4043: now 0 (7 lost)
 *         DMA32   blocks 2 + 752 x 2 = 1506; room (772918 - 12570 - 1024) /
 *                 512 = 1483: now 1483 (23 lost)
 *         Normal  blocks 26 + 153 x 2 = 332; per-CPU 2283 + 2070 = 4353, / 512
 *                 = 8; room (213348 + 4353 - 4263) / 512 = 416: now 340
 *         free 2M blocks 7 + 1506 + 332 = 1845; now 1823 = 1845 + 8 - 30;
 *         pool 0
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char out[1 << 18];

/* Run buddyctl with args (stdout only), into out; its exit status. */
static int run(const char *args)
{
	const char *bin = getenv("BUDDYCTL") ? getenv("BUDDYCTL") : "./buddyctl";
	char cmd[512];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "NO_COLOR=1 %s %s 2>/dev/null", bin, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The text from the first `from` on, up to (not including) `to` or the end. */
static const char *part(const char *hay, const char *from, const char *to, char *buf, size_t size)
{
	const char *a = strstr(hay, from), *b;
	size_t len;

	if (!a)
		fail_msg("'%s' not in:\n%s", from, hay);
	b = to ? strstr(a + strlen(from), to) : NULL;
	len = b ? (size_t)(b - a) : strlen(a);
	if (len >= size)
		len = size - 1;
	memcpy(buf, a, len);
	buf[len] = '\0';
	return buf;
}

/* The number right after the first `before` in hay. */
static unsigned long long after(const char *hay, const char *before)
{
	const char *a = strstr(hay, before);
	char *end;
	unsigned long long v;

	if (!a)
		fail_msg("'%s' not in:\n%s", before, hay);
	v = strtoull(a + strlen(before), &end, 10);
	if (end == a + strlen(before))
		fail_msg("no number after '%s' in:\n%s", before, hay);
	return v;
}

/* The number whose text ends right before the first `suffix` in hay. */
static unsigned long long before(const char *hay, const char *suffix)
{
	const char *a = strstr(hay, suffix), *p;

	if (!a)
		fail_msg("'%s' not in:\n%s", suffix, hay);
	for (p = a; p > hay && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	if (p == a)
		fail_msg("no number before '%s' in:\n%s", suffix, hay);
	return strtoull(p, NULL, 10);
}

/* Every run of blanks and newlines as one blank: wrapped text reads as one line. */
static void squash(char *s)
{
	char *w = s;
	bool blank = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n') {
			blank = true;
			continue;
		}
		if (blank && w != s)
			*w++ = ' ';
		blank = false;
		*w++ = *s;
	}
	*w = '\0';
}

struct node_figs {
	int node;
	/* worked out above: free 2M blocks, what the per-CPU lists add, what
	   the watermarks keep, the pool, estimate's now */
	unsigned long long free_blocks, pcp_blocks, lost, pool, now;
};

static void check_figures(const char *tree, const struct node_figs *w)
{
	char args[256], sect[8192], key[96];
	unsigned long long a, b, c, d;

	snprintf(args, sizeof(args), "--root %s check -c tests/policies/defaults.conf", tree);
	run(args);
	snprintf(key, sizeof(key), "  node %d ", w->node);
	assert_int_equal(before(part(out, key, "\n", sect, sizeof(sect)), " free 2M blocks"), w->free_blocks);

	snprintf(args, sizeof(args), "--root %s check -f nagios -c tests/policies/defaults.conf", tree);
	run(args);
	snprintf(key, sizeof(key), "node%d_blocks=", w->node);
	assert_int_equal(after(out, key), w->free_blocks);

	/* status: the check: line and the free-blocks column of the node's hugepg table */
	snprintf(args, sizeof(args), "--root %s status -c tests/policies/defaults.conf", tree);
	run(args);
	snprintf(key, sizeof(key), "Node %d: ", w->node);
	part(out, key, "\nNode ", sect, sizeof(sect));
	assert_int_equal(before(sect, " free 2M blocks"), w->free_blocks);
	part(sect, "  hugepg    total    free surplus free-blocks\n  2M ", "\n", sect, sizeof(sect));
	assert_int_equal(sscanf(sect + strlen("  hugepg    total    free surplus free-blocks\n"),
				" 2M %llu %llu %llu %llu", &a, &b, &c, &d), 4);
	assert_int_equal(a, w->pool);
	assert_int_equal(d, w->free_blocks);
}

static void check_now(const char *tree, const struct node_figs *w)
{
	char args[256], sect[8192], key[96];
	int node;
	unsigned long long pool, now;
	char sz[8];

	/* estimate's table row and its "now" line */
	snprintf(args, sizeof(args), "--root %s estimate 2M --node %d", tree, w->node);
	run(args);
	snprintf(key, sizeof(key), "\n%4d    2M", w->node);
	part(out, key, NULL, sect, sizeof(sect));
	assert_int_equal(sscanf(sect, "%d %7s %llu %llu", &node, sz, &pool, &now), 4);
	assert_int_equal(pool, w->pool);
	assert_int_equal(now, w->now);
	part(out, "2M pages (order 9)\n  now ", "  compacted", sect, sizeof(sect));
	squash(sect);
	assert_int_equal(after(sect, "now "), w->now);
	assert_int_equal(after(sect, "= "), w->pool);
	assert_int_equal(after(sect, "in the pool + "), w->now - w->pool);
	assert_int_equal(after(sect, ": the "), w->free_blocks);
	assert_contains(sect, " free 2M blocks and ");
	assert_int_equal(after(sect, " free 2M blocks and "), w->pcp_blocks);
	assert_contains(sect, " the per-CPU lists (");

	/* estimate's JSON: the same figures by the same names as check's JSON */
	snprintf(args, sizeof(args), "--root %s estimate -f json 2M --node %d", tree, w->node);
	run(args);
	assert_int_equal(after(out, "\"now\":"), w->now);
	assert_int_equal(after(out, "\"pool\":"), w->pool);
	assert_int_equal(after(out, "\"free_blocks_at_order\":"), w->free_blocks);
	assert_int_equal(after(out, "\"pcp_blocks\":"), w->pcp_blocks);
	assert_int_equal(after(out, "\"held_blocks\":"), 0);

	/* the plan's estimate and its reason not to compact first */
	snprintf(args, sizeof(args), "--root %s reserve --dry-run 2M:%llu@%d", tree, w->pool + 1, w->node);
	run(args);
	assert_int_equal(before(out, " now, "), w->now);
	assert_int_equal(after(out, "compaction first: "), w->now);
	assert_contains(out, " pages can be had now, the pool included (estimate's now)");

	/* the verdict (unwrapped in the JSON): now less the pool, and says so */
	snprintf(args, sizeof(args), "--root %s status -f json -c tests/policies/defaults.conf", tree);
	run(args);
	snprintf(key, sizeof(key), "{\"node\":%d,\"has_memory\"", w->node);
	part(out, key, "\"hugepages\":", sect, sizeof(sect));
	assert_int_equal(after(sect, "2M pages can be had now (at most "), w->now - w->pool);
	snprintf(key, sizeof(key), "%llu beyond the %llu in the pool, per-CPU lists included, within the watermarks)",
		 w->now - w->pool, w->pool);
	if (w->pool)
		assert_contains(sect, key);
	else
		assert_true(strstr(sect, "in the pool") == NULL);
	snprintf(key, sizeof(key), "(at most %llu, per-CPU lists included", w->now - w->pool);
	if (!w->pool)
		assert_contains(sect, key);
}

static void two_node(void **state)
{
	static const struct node_figs nodes[] = {
		{ .node = 0, .free_blocks = 1262, .pcp_blocks = 26, .lost = 7, .pool = 0, .now = 1281 },
		{ .node = 1, .free_blocks = 6127, .pcp_blocks = 8, .lost = 28, .pool = 64, .now = 6171 },
	};

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		/* the definitions tie the hand figures together */
		assert_int_equal(nodes[i].now, nodes[i].pool + nodes[i].free_blocks + nodes[i].pcp_blocks -
						       nodes[i].lost);
		check_figures(FIXTURES "/two-node", &nodes[i]);
		check_now(FIXTURES "/two-node", &nodes[i]);
	}
}

static void vm(void **state)
{
	static const struct node_figs node0 = {
		.node = 0, .free_blocks = 1845, .pcp_blocks = 8, .lost = 30, .pool = 0, .now = 1823,
	};

	(void)state;
	assert_int_equal(node0.now, node0.pool + node0.free_blocks + node0.pcp_blocks - node0.lost);
	check_figures(FIXTURES "/vm", &node0);
	check_now(FIXTURES "/vm", &node0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_node),
		cmocka_unit_test(vm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
