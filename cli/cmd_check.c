/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl check`: snapshot -> findings -> report, with no lock and no
 * plan; the exit status is the worst level found, and the log line says
 * why in one line.
 */
#include "cmd_check.h"

#include <stdio.h>

#include "exitcodes.h"
#include "judge.h"
#include "loadmap.h"
#include "strbuf.h"
#include "units.h"

/* The findings at the worst level: how many nodes and pools, and the first of each. */
struct worst {
	const struct finding *node, *pool;
	unsigned nodes, pools;
};

static void find_worst(const struct finding *f, unsigned n, enum level worst, struct worst *w)
{
	unsigned i;

	*w = (struct worst){ 0 };
	for (i = 0; i < n && worst > LEVEL_OK; i++) {
		if (f[i].level != worst)
			continue;
		if (f[i].kind == FINDING_POOL && w->pools++ == 0)
			w->pool = &f[i];
		if (f[i].kind == FINDING_FRAGMENTATION && w->nodes++ == 0)
			w->node = &f[i];
	}
}

/*
 * One line on why a check ended non-zero: how many nodes and pools are at
 * the worst level, and the first node and the first pool with their numbers.
 * "" when every finding is ok.
 */
static void check_reason(const struct finding *f, unsigned n, enum level worst, char *why,
			 size_t size)
{
	struct worst w;
	char sz[16];

	why[0] = '\0';
	find_worst(f, n, worst, &w);
	if (!w.node && !w.pool)
		return;
	if (w.nodes)
		snprintf(why, size, "%u node%s%s", w.nodes, w.nodes > 1 ? "s" : "", w.pools ? " and " : "");
	if (w.pools)
		str_append(why, size, "%u pool%s", w.pools, w.pools > 1 ? "s" : "");
	str_append(why, size, " at %s", level_name(worst));
	if (w.node)
		str_append(why, size, "; node %d: %s", w.node->node, w.node->why);
	if (w.pool) {
		size_label(sz, sizeof(sz), w.pool->size_kb * 1024);
		str_append(why, size, "; %s pool of node %d: %s", sz, w.pool->node, w.pool->why);
	}
}

/* The report of a check: the findings, the exit status of the worst level and why. */
static int report_check(struct act_run *r, struct bc_error *err)
{
	struct report rep = { .command = "check", .before = &r->snap, .policy = r->pol.path,
			      .findings = r->findings, .nr_findings = r->nr_findings };
	enum level l = findings_level(r->findings, r->nr_findings);
	char why[600];
	int rc;

	check_reason(r->findings, r->nr_findings, l, why, sizeof(why));
	rep.exit_code = l == LEVEL_CRIT ? EXIT_FAILED : l == LEVEL_WARN ? EXIT_PARTIAL : EXIT_OK;
	rep.exit_reason = why;
	rc = cli_short_pools_map(r->a->root, &r->snap, r->findings, r->nr_findings, &r->short_pools,
				 &r->nr_short_pools, err);
	if (rc < 0)
		return rc;
	rep.short_pools = r->short_pools;
	rep.nr_short_pools = r->nr_short_pools;
	act_sysctl_warnings(r, &rep);
	rc = act_print_report(r->a, &rep, err);
	return rc < 0 ? rc : rep.exit_code;
}

int cmd_check(const struct act_args *a, struct bc_error *err)
{
	struct act_run r = { .a = a, .command = "check" };
	int rc;

	rc = act_policy_and_snapshot(&r, err);
	if (rc == 0)
		rc = policy_validate(&r.pol, &r.snap, err);
	if (rc == 0)
		rc = policy_judge(&r.snap, &r.pol, &r.findings, &r.nr_findings, err);
	if (rc == 0)
		rc = report_check(&r, err);
	act_free(&r);
	return rc;
}
