/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check, plan, apply and the one-off actions. Each follows the one data
 * flow: snapshot -> evaluate (or build the plan from the command line) ->
 * plan -> [permission check, lock, execute] -> snapshot -> diff -> report.
 */
#include "act.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "exitcodes.h"
#include "lock.h"
#include "meminfo.h"
#include "metrics.h"
#include "nodelist.h"
#include "perms.h"
#include "plan.h"
#include "report.h"
#include "snapshot.h"
#include "state.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int print_report(const struct act_args *a, const struct report *r, struct bc_error *err)
{
	int rc = a->format == FMT_JSON ? report_json(stdout, r) : report_text(stdout, r);

	if (rc < 0 || fflush(stdout) != 0)
		return bc_error_set(err, BC_EIO, "standard output: write failed");
	return 0;
}

/* The exit status of an executed plan (see EXIT STATUS in buddyctl(8)). */
static int plan_exit(const struct plan *p, const struct action_result *res, bool still_over)
{
	bool partial = still_over, failed = false, interrupted = false;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		switch (res[i].status) {
		case RES_PARTIAL:
			partial = true;
			break;
		case RES_FAILED:
			failed = true;
			break;
		case RES_INTERRUPTED:
			interrupted = true;
			break;
		default:
			break;
		}
	}
	if (interrupted || stop_flag)
		return EXIT_INTERRUPTED;
	return failed ? EXIT_FAILED : partial ? EXIT_PARTIAL : EXIT_OK;
}

/*
 * Execute plan (or only print it in dry-run mode) and report. pol and
 * findings are NULL for one-off commands.
 */
static int run_plan(const struct act_args *a, const char *command, struct snapshot *before,
		    struct plan *plan, const struct policy *pol, struct finding *findings,
		    unsigned nr_findings, struct bc_error *err)
{
	struct report r = { .command = command, .dry_run = a->dry_run, .before = before,
			    .findings = findings, .nr_findings = nr_findings, .plan = plan,
			    .policy = pol ? pol->path : NULL };
	struct bc_error perm = { 0 };
	struct kctx c = { .root = a->root, .stop = (volatile int *)&stop_flag };
	struct action_result *results = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct snapshot after;
	const char *lock_path;
	double t0 = now_s(), wait;
	int rc, fd, code;
	bool still_over = false, have_after;
	unsigned i;

	if (a->dry_run || !plan->n) {
		/* a dry run writes nothing, but says whether the real run could */
		if (plan->n && perms_check(a->root, plan, &perm) < 0)
			r.not_permitted = perm.msg;
		r.exit_code = EXIT_OK;
		rc = print_report(a, &r, err);
		return rc < 0 ? rc : EXIT_OK;
	}
	rc = perms_check(a->root, plan, err);
	if (rc < 0)
		return rc;
	/* from here on SIGINT/SIGTERM stop the run cleanly, also while waiting */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	lock_path = a->lock_file ? a->lock_file : pol ? pol->lock_file : DEFAULT_LOCK;
	wait = a->wait >= 0 ? a->wait : pol ? pol->lock_wait_s : 0;
	fd = lock_acquire(lock_path, wait, (volatile int *)&stop_flag, err);
	if (fd < 0)
		return fd;
	results = calloc(plan->n, sizeof(*results));
	if (!results) {
		lock_release(fd);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	execute_plan(&c, plan, results);

	/* the writes happened: report them even if the second snapshot fails */
	have_after = snapshot_read(a->root, &after, err) == 0;
	if (!have_after)
		fprintf(stderr, "buddyctl: after the actions: %s (no before/after comparison)\n", err->msg);
	if (pol) {
		/* a remediated node still over its threshold makes the run partial */
		struct finding *now = NULL;
		unsigned n_now = 0;
		struct plan none;
		double last[STATE_MAX_NODES] = { 0 };
		struct timespec wall;

		if (have_after && policy_evaluate(&after, pol, NULL, 0, 0, &now, &n_now, &none, err) == 0) {
			for (i = 0; i < n_now && i < nr_findings; i++)
				if (findings[i].remediated && now[i].level > LEVEL_OK)
					still_over = true;
			free(now);
			plan_free(&none);
		}
		/* remember when each node was remediated (min_interval) */
		clock_gettime(CLOCK_REALTIME, &wall);
		const char *state = a->state_file ? a->state_file : pol->state_file;
		if (state_load(state, last, err) == 0) {
			for (i = 0; i < nr_findings; i++)
				if (findings[i].remediated && findings[i].node < STATE_MAX_NODES)
					last[findings[i].node] = (double)wall.tv_sec;
			if (state_save(state, last, err) < 0)
				fprintf(stderr, "buddyctl: %s\n", err->msg);
		}
	}
	code = plan_exit(plan, results, still_over);
	r.executed = true;
	r.after = have_after ? &after : NULL;
	r.results = results;
	r.total_ms = (now_s() - t0) * 1000;
	r.exit_code = code;
	rc = print_report(a, &r, err);
	if (have_after)
		snapshot_free(&after);
	lock_release(fd);
	free(results);
	kw_free(&c);
	return rc < 0 ? rc : code;
}

static int load_policy(const struct act_args *a, const struct snapshot *snap, struct policy *pol,
		       struct bc_error *err)
{
	int rc;

	if (!a->config && access(DEFAULT_CONFIG, F_OK) != 0 && errno == ENOENT) {
		/* no policy installed: the built-in defaults (buddyctl.conf(5)) */
		rc = policy_load_string("(built-in defaults)", "", pol, err);
	} else {
		rc = policy_load(a->config ? a->config : DEFAULT_CONFIG, pol, err);
		if (rc == -BC_ENOINPUT)
			err->kind = BC_ECONFIG, rc = -BC_ECONFIG;
	}
	if (rc < 0)
		return rc;
	if (a->time_budget >= 0)
		pol->time_budget_s = a->time_budget;
	rc = policy_validate(pol, snap, err);
	if (rc < 0)
		policy_free(pol);
	return rc;
}

/* The first two steps of check, plan and apply: the snapshot, the policy. */
static int snapshot_and_policy(const struct act_args *a, struct snapshot *snap,
			       struct policy *pol, struct bc_error *err)
{
	int rc = snapshot_read(a->root, snap, err);

	if (rc < 0)
		return rc;
	rc = load_policy(a, snap, pol, err);
	if (rc < 0)
		snapshot_free(snap);
	return rc;
}

int cmd_check(const struct act_args *a, struct bc_error *err)
{
	struct report r = { .command = "check" };
	struct finding *findings = NULL;
	struct snapshot snap;
	struct policy pol;
	struct plan plan;
	unsigned n = 0;
	enum level l;
	int rc;

	rc = snapshot_and_policy(a, &snap, &pol, err);
	if (rc < 0)
		return rc;
	rc = policy_evaluate(&snap, &pol, NULL, 0, 0, &findings, &n, &plan, err);
	if (rc == 0) {
		l = findings_level(findings, n);
		r.before = &snap;
		r.policy = pol.path;
		r.findings = findings;
		r.nr_findings = n;
		r.exit_code = l == LEVEL_CRIT ? 2 : l == LEVEL_WARN ? 1 : 0;
		rc = print_report(a, &r, err);
		if (rc == 0)
			rc = r.exit_code;
		plan_free(&plan);
		free(findings);
	}
	policy_free(&pol);
	snapshot_free(&snap);
	return rc;
}

int cmd_apply(const struct act_args *a, struct bc_error *err)
{
	double last[STATE_MAX_NODES];
	struct finding *findings = NULL;
	struct timespec wall;
	struct snapshot snap;
	struct policy pol;
	struct plan plan;
	unsigned n = 0;
	int rc;

	rc = snapshot_and_policy(a, &snap, &pol, err);
	if (rc < 0)
		return rc;
	rc = state_load(a->state_file ? a->state_file : pol.state_file, last, err);
	if (rc < 0)
		goto out_pol;
	clock_gettime(CLOCK_REALTIME, &wall);
	rc = policy_evaluate(&snap, &pol, last, STATE_MAX_NODES, (double)wall.tv_sec,
			     &findings, &n, &plan, err);
	if (rc < 0)
		goto out_pol;
	rc = run_plan(a, a->dry_run ? "plan" : "apply", &snap, &plan, &pol, findings, n, err);
	plan_free(&plan);
	free(findings);
out_pol:
	policy_free(&pol);
	snapshot_free(&snap);
	return rc;
}

/* --node LIST for the one-off actions: every node must exist with memory. */
static int parse_nodes(const char *list, const struct snapshot *snap, struct bitmask **out,
		       struct bc_error *err)
{
	unsigned id;
	int rc;

	if (!*list)
		return bc_error_set(err, BC_EUSAGE, "--node: empty node list");
	rc = nodelist_parse(list, strlen(list), "--node", BC_EUSAGE, out, err);
	if (rc < 0)
		return rc;
	for (id = 0; id < (*out)->size; id++) {
		const struct node *n;

		if (!numa_bitmask_isbitset(*out, id))
			continue;
		n = snapshot_node(snap, (int)id);
		if (!n || !n->has_memory) {
			numa_bitmask_free(*out);
			*out = NULL;
			return bc_error_set(err, BC_EUSAGE, "--node: node %u %s", id,
					    n ? "has no memory" : "does not exist");
		}
	}
	return 0;
}

int cmd_compact(const struct act_args *a, struct bc_error *err)
{
	struct bitmask *sel = NULL;
	struct plan plan = { .time_budget_s = 1e9 };
	struct snapshot snap;
	struct action *act;
	unsigned id;
	int rc;

	rc = snapshot_read(a->root, &snap, err);
	if (rc < 0)
		return rc;
	if (a->nodes && (rc = parse_nodes(a->nodes, &snap, &sel, err)) < 0)
		goto out;
	for (id = 0; sel && id < sel->size; id++) {
		if (!numa_bitmask_isbitset(sel, id))
			continue;
		act = plan_add(&plan, ACT_COMPACT_NODE);
		if (!act) {
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
			goto out;
		}
		act->node = (int)id;
		snprintf(act->reason, sizeof(act->reason), "buddyctl compact --node %s", a->nodes);
		snprintf(act->expect, sizeof(act->expect), "free pages of node %u merged into larger blocks", id);
	}
	if (!sel) {
		act = plan_add(&plan, ACT_COMPACT_ALL);
		if (!act) {
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
			goto out;
		}
		snprintf(act->reason, sizeof(act->reason), "buddyctl compact");
		snprintf(act->expect, sizeof(act->expect), "free pages of every node merged into larger blocks");
	}
	rc = run_plan(a, "compact", &snap, &plan, NULL, NULL, 0, err);
out:
	if (sel)
		numa_bitmask_free(sel);
	plan_free(&plan);
	snapshot_free(&snap);
	return rc;
}

int cmd_drop_caches(const struct act_args *a, struct bc_error *err)
{
	struct plan plan = { .time_budget_s = 1e9 };
	const char *lvl = a->level ? a->level : "pagecache";
	struct snapshot snap;
	struct action *act;
	int level, rc;

	if (!strcmp(lvl, "pagecache"))
		level = 1;
	else if (!strcmp(lvl, "slab"))
		level = 2;
	else if (!strcmp(lvl, "all"))
		level = 3;
	else
		return bc_error_set(err, BC_EUSAGE, "--level: unknown level '%s' (pagecache, slab, all)", lvl);
	rc = snapshot_read(a->root, &snap, err);
	if (rc < 0)
		return rc;
	act = plan_add(&plan, ACT_DROP_CACHES);
	if (!act) {
		snapshot_free(&snap);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	act->drop_level = level;
	act->sync = !a->no_sync && level != 2;
	snprintf(act->reason, sizeof(act->reason), "buddyctl drop-caches --level %s", lvl);
	snprintf(act->expect, sizeof(act->expect), "clean %s freed on every node (%llu MiB of file pages now)",
		 level == 1 ? "page cache" : level == 2 ? "reclaimable slab" : "page cache and slab",
		 (unsigned long long)(snap.meminfo.v[MI_ACTIVE_FILE] + snap.meminfo.v[MI_INACTIVE_FILE]) / 1024);
	rc = run_plan(a, "drop-caches", &snap, &plan, NULL, NULL, 0, err);
	plan_free(&plan);
	snapshot_free(&snap);
	return rc;
}

/* "2M:1024@0,1" (COUNT on each node) or "2M:2048" (split over memory nodes). */
static int add_spec(const char *spec, const struct snapshot *snap, const struct steps *ladder,
		    unsigned rounds, bool keep, struct plan *plan, struct bc_error *err)
{
	char buf[128], why[160], *colon, *at, *end;
	struct bitmask *sel = NULL;
	unsigned long long count;
	uint64_t kb;
	unsigned id;
	int rc = 0;

	if (strlen(spec) >= sizeof(buf))
		return bc_error_set(err, BC_EUSAGE, "reserve: spec too long");
	strcpy(buf, spec);
	colon = strchr(buf, ':');
	if (!colon)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s' is not SIZE:COUNT[@NODES]", spec);
	*colon = '\0';
	at = strchr(colon + 1, '@');
	if (at)
		*at = '\0';
	if (parse_size_kb(buf, &kb) < 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad size '%s' (2M, 1G, 2048kB)", spec, buf);
	if (!snapshot_pool(snap, kb))
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': this kernel offers no %llu kB hugepages",
				    spec, (unsigned long long)kb);
	if (colon[1] < '0' || colon[1] > '9' ||
	    (count = strtoull(colon + 1, &end, 10), *end) || count > BC_MAX_PAGES)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad count '%s'", spec, colon + 1);
	snprintf(why, sizeof(why), "buddyctl reserve %s", spec);
	if (!at)
		return plan_reserve_split(plan, snap, kb, count, ladder, rounds, keep, why);
	rc = parse_nodes(at + 1, snap, &sel, err);
	if (rc < 0)
		return rc;
	for (id = 0; id < sel->size && rc == 0; id++)
		if (numa_bitmask_isbitset(sel, id))
			rc = plan_reserve_node(plan, snap, kb, (int)id, count, ladder, rounds, keep, why);
	numa_bitmask_free(sel);
	return rc;
}

int cmd_reserve(const struct act_args *a, struct bc_error *err)
{
	struct plan plan = { .time_budget_s = a->time_budget >= 0 ? a->time_budget : 60, .sync = !a->no_sync };
	struct steps ladder = { .s = { STEP_RETRY, STEP_COMPACT_NODE, STEP_DROP_PAGECACHE, STEP_COMPACT_NODE },
				.n = 4 };
	struct snapshot snap;
	char bad[48];
	int i, rc;

	if (a->nr_specs == 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: no SIZE:COUNT[@NODES] given");
	if (a->ladder && steps_parse(a->ladder, &ladder, bad, sizeof(bad)) < 0)
		return bc_error_set(err, BC_EUSAGE, "--ladder: unknown step '%s' (retry, compact-node, compact-all, drop-pagecache, drop-slab, drop-all)",
				    bad);
	rc = snapshot_read(a->root, &snap, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < a->nr_specs && rc == 0; i++)
		rc = add_spec(a->specs[i], &snap, &ladder, a->rounds >= 0 ? (unsigned)a->rounds : 3,
			      !a->restore, &plan, err);
	if (rc == 0)
		rc = run_plan(a, "reserve", &snap, &plan, NULL, NULL, 0, err);
	plan_free(&plan);
	snapshot_free(&snap);
	return rc;
}
