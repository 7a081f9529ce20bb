/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one-off actions, `buddyctl compact` and `buddyctl drop-caches`: the
 * plan is the command line's, not the policy's; the run (lock, snapshot,
 * permission check, execution, report) is act.c's.
 */
#include "cmd_oneoff.h"

#include <stdio.h>
#include <string.h>

#include "nodelist.h"
#include "plan.h"

/* compact: every node, or those of --node (sel, or NULL). */
static int plan_compaction(struct act_run *r, struct bitmask *sel, struct bc_error *err)
{
	const char *nodes = r->a->nodes;
	char why[240];

	snprintf(why, sizeof(why), "buddyctl compact%s%.200s", nodes ? " --node " : "", nodes ? nodes : "");
	if (plan_compact(&r->plan, &r->snap, sel, why) < 0)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	return 0;
}

int cmd_compact(const struct act_args *a, struct bc_error *err)
{
	struct act_run r = { .a = a, .command = "compact", .plan = { .time_budget_s = 1e9 } };
	struct bitmask *sel = NULL;
	int rc;

	/* the syntax first: a usage error before the lock */
	if (a->nodes && (rc = nodelist_check(a->nodes, "--node", err)) < 0)
		return rc;
	rc = act_begin(&r, err);
	if (rc == 0 && a->nodes)
		rc = nodelist_select(a->nodes, "--node", &r.snap, &sel, err);
	if (rc == 0)
		rc = plan_compaction(&r, sel, err);
	if (rc == 0)
		rc = act_run_plan(&r, err);
	if (sel)
		numa_bitmask_free(sel);
	act_free(&r);
	return rc;
}

/* The value drop_caches is written for --level: 1, 2, 3, or -1 for an unknown level. */
static int drop_level(const char *level)
{
	static const char *const levels[] = { "pagecache", "slab", "all" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(level, levels[i]))
			return i + 1;
	return -1;
}

int cmd_drop_caches(const struct act_args *a, struct bc_error *err)
{
	struct act_run r = { .a = a, .command = "drop-caches", .plan = { .time_budget_s = 1e9 } };
	const char *lvl = a->level ? a->level : "pagecache";
	int level = drop_level(lvl), rc;
	char why[96];

	if (level < 0)
		return bc_error_set(err, BC_EUSAGE, "--level: unknown level '%s' (pagecache, slab, all)", lvl);
	rc = act_begin(&r, err);
	if (rc == 0) {
		snprintf(why, sizeof(why), "buddyctl drop-caches --level %s", lvl);
		if (plan_drop_caches(&r.plan, &r.snap, level, !a->no_sync, why) < 0)
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = act_run_plan(&r, err);
	act_free(&r);
	return rc;
}
