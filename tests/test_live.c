/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * On the live machine: buddyctl's indices must equal the kernel's own, byte
 * for byte. debugfs extfrag/unusable_index and extfrag/extfrag_index are
 * compared with buddyctl's rendering of the same buddyinfo. buddyinfo is read
 * before and after the debugfs files, and the round is repeated until both
 * reads agree (other work changes the free lists all the time).
 * Skips, saying why, when not root or when debugfs cannot be mounted.
 */
#include "testutil.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "metrics.h"
#include "output.h"
#include "rootfs.h"
#include "snapshot.h"
#include "snapshot_read.h"

#define DEBUGFS "/sys/kernel/debug"
#define ROUNDS 200

static bool mounted_here;

static char *slurp(const char *rel)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int errnum;

	if (rootfs_read("/", rel, &buf, &len, path, &errnum, NULL) < 0)
		return NULL;
	return buf;
}

static int setup(void **state)
{
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		return 0;
	if (stat(DEBUGFS "/extfrag/unusable_index", &st) == 0)
		return 0;
	if (!live_writes_allowed())
		return 0;	/* the test says so when it skips */
	if (mount("none", DEBUGFS, "debugfs", 0, NULL) == 0)
		mounted_here = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (mounted_here)
		umount(DEBUGFS);
	return 0;
}

/* Render one debugfs file from a parsed buddyinfo, with the kernel's formats. */
static void render(char *out, size_t size, const struct snapshot *s, bool extfrag)
{
	size_t off = 0;
	unsigned i, z, k;
	char v[32];

	out[0] = '\0';
	for (i = 0; i < s->nr_nodes; i++) {
		const struct node *n = &s->nodes[i];

		for (z = 0; z < n->nr_zones; z++) {
			const struct zone *zn = &n->zones[z];

			off += (size_t)snprintf(out + off, size - off, "Node %d, zone %8s ", n->id, zn->name);
			for (k = 0; k < s->nr_orders; k++) {
				int idx = extfrag ? metrics_fragmentation_index(zn, s->nr_orders, k)
						  : metrics_unusable_index(zn, s->nr_orders, k);

				out_thousandths(v, sizeof(v), idx);
				/* extfrag_show_print uses "%2d.%03d " */
				off += (size_t)snprintf(out + off, size - off, "%s%s ",
							extfrag && idx / 1000 >= 0 && idx > -1000 ? " " : "", v);
			}
			off += (size_t)snprintf(out + off, size - off, "\n");
		}
	}
}

static void indices_match_debugfs(void **state)
{
	char *before = NULL, *after = NULL, *unusable = NULL, *extfrag = NULL;
	char mine_u[65536], mine_x[65536];
	struct snapshot s;
	struct bc_error e;
	int round;

	(void)state;
	if (geteuid() != 0)
		skip_because("not root: debugfs needs root");
	if (access(DEBUGFS "/extfrag/unusable_index", R_OK) != 0) {
		if (!live_writes_allowed())
			skip_because("BUDDYCTL_LIVE=0: debugfs is not mounted, and the tests do not mount it");
		skip_because("debugfs extfrag files unavailable (mount failed, lockdown or no CONFIG_DEBUG_FS): %s",
			     strerror(errno));
	}

	for (round = 0; round < ROUNDS; round++) {
		free(before); free(after); free(unusable); free(extfrag);
		before = slurp("proc/buddyinfo");
		unusable = slurp("sys/kernel/debug/extfrag/unusable_index");
		extfrag = slurp("sys/kernel/debug/extfrag/extfrag_index");
		after = slurp("proc/buddyinfo");
		assert_non_null(before);
		assert_non_null(unusable);
		assert_non_null(extfrag);
		assert_non_null(after);
		if (strcmp(before, after) == 0)
			break;
	}
	if (round == ROUNDS)
		fail_msg("buddyinfo changed around every one of %d debugfs reads", ROUNDS);
	print_message("stable after %d reread(s)\n", round);

	memset(&s, 0, sizeof(s));
	assert_int_equal(buddyinfo_parse(&s, "/proc/buddyinfo", before, strlen(before), &e), 0);
	render(mine_u, sizeof(mine_u), &s, false);
	render(mine_x, sizeof(mine_x), &s, true);
	assert_string_equal(mine_u, unusable);
	assert_string_equal(mine_x, extfrag);
	snapshot_free(&s);
	free(before); free(after); free(unusable); free(extfrag);
}

/* The live snapshot agrees with itself: buddyinfo = zoneinfo free, node MemFree. */
static void live_snapshot_consistent(void **state)
{
	struct snapshot s;
	struct bc_error e;
	unsigned i;

	(void)state;
	assert_int_equal(snapshot_read("/", &s, &e), 0);
	assert_int_equal(s.page_size, (unsigned)sysconf(_SC_PAGESIZE));
	assert_true(s.nr_orders >= 9);
	assert_true(s.nr_nodes >= 1);
	assert_true(s.hpage_order > 0 && s.hpage_order < (int)s.nr_orders);
	for (i = 0; i < s.nr_nodes; i++)
		if (s.nodes[i].has_memory)
			assert_true(metrics_node_free_pages(&s.nodes[i]) > 0);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(indices_match_debugfs),
		cmocka_unit_test(live_snapshot_consistent),
	};

	return cmocka_run_group_tests_name("live", tests, setup, teardown);
}
