/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every file buddyctl's actions can write, as actions/perms.c lists them
 * (action_files(), which the permission check uses), for every action kind
 * and every escalation step, on a node and on the global pools, plus the
 * policy's default state and lock files: one absolute path a line.
 * tests/units.sh checks that the units' ReadWritePaths= cover each, so a new
 * file written by an action fails the test until the units allow it.
 * Node 7 and the sizes 64K, 2M, 1G, 16G stand for any node and size.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "perms.h"
#include "plan.h"

static void print(const struct action *a)
{
	char files[ACTION_MAX_FILES][160];
	unsigned n = action_files(a, files), i;

	for (i = 0; i < n; i++)
		printf("/%s\n", files[i]);
}

int main(void)
{
	static const uint64_t sizes[] = { 64, 2048, 1048576, 16777216 };
	static const int nodes[] = { 7, -1 };
	struct policy pol;
	struct action a;
	unsigned k, s, z, n;

	/* kinds beyond the last one known today list no file: harmless, and a new kind is covered */
	for (k = 0; k < 64; k++) {
		for (n = 0; n < sizeof(nodes) / sizeof(nodes[0]); n++) {
			for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
				memset(&a, 0, sizeof(a));
				a.kind = (enum action_kind)k;
				a.node = nodes[n];
				a.size_kb = sizes[z];
				a.compact_first = true;
				for (s = STEP_NONE + 1; s < STEP_NR && a.ladder.n < MAX_STEPS; s++)
					a.ladder.s[a.ladder.n++] = (enum step)s;
				print(&a);
			}
		}
	}
	policy_defaults(&pol);
	printf("%s\n%s\n", pol.state_file, pol.lock_file);
	return ferror(stdout) ? 1 : 0;
}
