/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check, plan, apply and the one-off actions. Each follows the one data
 * flow, and everything that judges runs under the lock:
 *
 *   [lock] -> snapshot -> evaluate (or the plan from the command line) ->
 *   plan -> [permission check, execute] -> snapshot -> diff -> report
 *
 * A dry run (plan, --dry-run) takes no lock and writes nothing. check only
 * judges: snapshot -> findings -> report, with no lock and no plan.
 */
#include "act.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "config.h"
#include "exitcodes.h"
#include "lock.h"
#include "log.h"
#include "meminfo.h"
#include "metrics.h"
#include "nodelist.h"
#include "perms.h"
#include "plan.h"
#include "report.h"
#include "rootfs.h"
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

static void warn(const char *msg)
{
	if (msg[0])
		log_print(LOG_WARNING, "buddyctl: warning: %s\n", msg);
}

/*
 * The report on standard output (text: not with --quiet), then the run's
 * log line on standard error (buddyctl(8) LOGGING); `plan` and the plugin
 * format have none: their output is the point.
 */
static int print_report(const struct act_args *a, const struct report *r, struct bc_error *err)
{
	int rc = a->format == FMT_JSON ? report_json(stdout, r) :
		 a->format == FMT_PROMETHEUS ? report_prometheus(stdout, r) :
		 a->format == FMT_NAGIOS ? report_nagios(stdout, r) :
		 log_quiet() ? 0 : report_text(stdout, r);

	if (rc < 0 || fflush(stdout) != 0)
		return bc_error_set(err, BC_EIO, "standard output: write failed: %s",
				    strerror(errno ? errno : EIO));
	if (a->format != FMT_NAGIOS && !a->plan) {
		struct report line = *r;

		/* the report calls apply --dry-run "plan"; its log line says what was run */
		line.command = strcmp(r->command, "plan") ? r->command : "apply";
		log_run(&line);
	}
	return 0;
}

/*
 * Take the lock before anything is read or judged, so that what is
 * decided is decided on what the machine is now, not on what it was
 * before another buddyctl changed it. From here on SIGINT and SIGTERM
 * stop the run cleanly (also the wait for the lock).
 */
static int take_lock(const struct act_args *a, const struct policy *pol, struct lock *l,
		     struct bc_error *err)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *path = a->lock_file ? a->lock_file : pol ? pol->lock_file : DEFAULT_LOCK;
	double wait = a->wait >= 0 ? a->wait : pol ? pol->lock_wait_s : 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return lock_acquire(l, a->root, path, wait, (volatile int *)&stop_flag, err);
}

/*
 * One line on why a check ended non-zero: how many nodes and pools are at
 * the worst level, and the first node and the first pool with their numbers.
 * "" when every finding is ok.
 */
static void check_reason(const struct finding *f, unsigned n, enum level worst, char *why,
			 size_t size)
{
	const struct finding *node = NULL, *pool = NULL;
	unsigned i, nodes = 0, pools = 0;
	size_t len;
	char sz[16];

	why[0] = '\0';
	for (i = 0; i < n && worst > LEVEL_OK; i++) {
		if (f[i].level != worst)
			continue;
		if (f[i].kind == FINDING_POOL && pools++ == 0)
			pool = &f[i];
		if (f[i].kind == FINDING_FRAGMENTATION && nodes++ == 0)
			node = &f[i];
	}
	if (!node && !pool)
		return;
	if (nodes)
		snprintf(why, size, "%u node%s%s", nodes, nodes > 1 ? "s" : "", pools ? " and " : "");
	len = strlen(why);
	if (pools)
		snprintf(why + len, size - len, "%u pool%s", pools, pools > 1 ? "s" : "");
	len = strlen(why);
	snprintf(why + len, size - len, " at %s", level_name(worst));
	len = strlen(why);
	if (node)
		snprintf(why + len, size - len, "; node %d: %s", node->node, node->why);
	len = strlen(why);
	if (pool) {
		size_label(sz, sizeof(sz), pool->size_kb * 1024);
		snprintf(why + len, size - len, "; %s pool of node %d: %s", sz, pool->node, pool->why);
	}
}

/*
 * The exit status one action's result asks for: 2 for an error, for a
 * one-off reservation that got nothing and for a mandatory policy target
 * left short; 1 for other shortfalls (a policy target short is warn, as
 * `check` judges it); 0 when done or skipped.
 */
static int result_code(const struct action *a, const struct action_result *r)
{
	if (r->status != RES_FAILED && r->status != RES_PARTIAL)
		return EXIT_OK;
	if (a->kind == ACT_RESERVE && !r->error[0] && a->judged)
		return a->mandatory ? EXIT_FAILED : EXIT_PARTIAL;
	return r->status == RES_FAILED ? EXIT_FAILED : EXIT_PARTIAL;
}

void act_outcome(const struct plan *p, const struct action_result *res,
			 const struct kctx *c, const struct finding *still, struct outcome *o)
{
	unsigned i, interrupted = 0, worst = p->n;
	int code = EXIT_OK, k;
	char label[96];

	for (i = 0; i < p->n; i++) {
		if (res[i].status == RES_INTERRUPTED)
			interrupted++;
		k = result_code(&p->a[i], &res[i]);
		if (k > code) {
			code = k;
			worst = i;
		}
	}
	if (c->lock_lost[0]) {
		o->code = EXIT_BUSY;
		snprintf(o->why, sizeof(o->why), "%s", c->lock_lost);
	} else if (interrupted) {
		o->code = EXIT_INTERRUPTED;
		snprintf(o->why, sizeof(o->why), "interrupted by a signal: %u of %u actions not carried out",
			 interrupted, p->n);
	} else if (worst < p->n) {
		const struct action *a = &p->a[worst];
		const struct action_result *r = &res[worst];

		o->code = code;
		action_label(label, sizeof(label), a);
		if (a->kind == ACT_RESERVE && !r->error[0])
			snprintf(o->why, sizeof(o->why), "%s: the kernel granted %llu of the %llu pages asked (%llu short%s)%s",
				 label, (unsigned long long)(r->after > r->before ? r->after - r->before : 0),
				 (unsigned long long)(a->target - r->before),
				 (unsigned long long)(a->target - r->after),
				 a->judged && a->mandatory ? "; mandatory" : "",
				 r->restored ? "; the pool was put back" : "");
		else
			snprintf(o->why, sizeof(o->why), "%s: %.480s", label, r->error);
	} else if (still) {
		o->code = EXIT_PARTIAL;
		snprintf(o->why, sizeof(o->why), "node %d is still %s after remediation: %s", still->node,
			 level_name(still->level), still->why);
	} else {
		o->code = EXIT_OK;
		o->why[0] = '\0';
	}
}

/* Is every action that remediates f done? Only then is the node recorded. */
static bool remedy_completed(const struct finding *f, const struct action_result *res)
{
	unsigned k;

	for (k = 0; k < f->nr_acts; k++)
		if (res[f->acts[k]].status != RES_DONE && res[f->acts[k]].status != RES_SKIPPED)
			return false;
	return f->nr_acts > 0;
}

/* check, plan, apply and the one-off commands: what they share. */
struct run {
	const struct act_args *a;
	const char *command;
	struct snapshot snap;
	bool have_snap;
	struct policy pol;
	bool have_pol;
	struct finding *findings;	/* policy runs */
	unsigned nr_findings;
	struct plan plan;
	double last[STATE_MAX_NODES];	/* apply: when nodes were remediated */
	const char *state_path;
	struct lock lock;
	bool locked;
};

static void run_free(struct run *r)
{
	if (r->locked)
		lock_release(&r->lock);
	if (r->have_snap)
		snapshot_free(&r->snap);
	if (r->have_pol)
		policy_free(&r->pol);
	plan_free(&r->plan);
	free(r->findings);
}

/*
 * What plan, apply and the one-off actions need besides buddyinfo: they
 * decide from the watermarks, zone sizes, totals and pools, and compare
 * before with after. pagetypeinfo (root only) may be missing, and the node
 * lists, for which the nodeN directories, buddyinfo and cpulist stand in
 * (a 2.6.32 kernel has no has_memory). status, check and estimate read
 * what there is.
 */
#define ACT_NEEDS ((1u << IN_ZONEINFO) | (1u << IN_MEMINFO) | (1u << IN_VMSTAT) | \
		   (1u << IN_HUGEPAGES) | (1u << IN_NODE_DIR) | (1u << IN_NODE_MEMINFO) | \
		   (1u << IN_NODE_HUGEPAGES))

static int require_files(const struct run *r, struct bc_error *err)
{
	const struct snap_missing *m = snapshot_first_missing(&r->snap, ACT_NEEDS);
	char file[128];
	int id;

	if (!m)
		return 0;
	snprintf(file, sizeof(file), "%s", m->file);
	if (m->nodes && (id = nodelist_min(m->nodes)) >= 0) {
		/* nodeN/... of the first node that lacks it */
		char *n = strstr(file, "nodeN");

		if (n)
			snprintf(n, sizeof(file) - (size_t)(n - file), "node%d%s", id,
				 strstr(m->file, "nodeN") + 5);
	}
	return bc_error_set(err, BC_ENOINPUT, "%s/%s: %s: %s needs it (status, check and estimate read a partial tree)",
			    rootfs_is_slash(r->a->root) ? "" : r->a->root, file, m->why, r->command);
}

/*
 * Lock (unless a dry run), then the snapshot, which must be whole. A
 * capture (plan --buddyinfo) is another machine's: no lock here, and what
 * it cannot tell is said in the report, not required.
 */
static int begin(struct run *r, struct bc_error *err)
{
	int rc;

	if (!r->a->dry_run && !r->a->buddyinfo) {
		rc = take_lock(r->a, r->have_pol ? &r->pol : NULL, &r->lock, err);
		if (rc < 0)
			return rc;
		r->locked = true;
	}
	rc = cli_snapshot(r->a->root, r->a->buddyinfo, r->a->page_size, &r->snap, err);
	r->have_snap = rc == 0;
	if (rc == 0 && !r->a->buddyinfo)
		rc = require_files(r, err);
	return rc;
}

/* After execution: the nodes whose remediation completed, into the state file. */
static void record_remediated(struct run *r, const struct action_result *res)
{
	struct timespec wall;
	struct bc_error e;
	bool any = false;
	unsigned i;

	clock_gettime(CLOCK_REALTIME, &wall);
	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->remediated && remedy_completed(f, res) && f->node < STATE_MAX_NODES) {
			r->last[f->node] = (double)wall.tv_sec;
			any = true;
		}
	}
	if (any && state_save(r->a->root, r->state_path, r->last, &e) < 0)
		warn(e.msg);
}

/* A node the plan remediated that is still over its threshold, judged on after. */
static bool still_over(struct run *r, const struct snapshot *after, struct finding *out,
		       struct bc_error *err)
{
	struct finding *now = NULL;
	unsigned n_now = 0, i, k;
	bool found = false;

	if (policy_judge(after, &r->pol, &now, &n_now, err) < 0)
		return false;
	for (i = 0; i < r->nr_findings && !found; i++) {
		if (!r->findings[i].remediated)
			continue;
		for (k = 0; k < n_now; k++)
			if (now[k].kind == FINDING_FRAGMENTATION && now[k].node == r->findings[i].node &&
			    now[k].level > LEVEL_OK) {
				*out = now[k];
				found = true;
				break;
			}
	}
	free(now);
	return found;
}

/* Execute the plan (or only print it in dry-run mode) and report. */
static int run_plan(struct run *r, struct bc_error *err)
{
	const struct act_args *a = r->a;
	struct plan *plan = &r->plan;
	struct report rep = { .command = r->command, .dry_run = a->dry_run, .before = &r->snap,
			      .findings = r->findings, .nr_findings = r->nr_findings, .plan = plan,
			      .policy = r->have_pol ? r->pol.path : NULL };
	struct bc_error perm = { 0 };
	struct kctx c = { .root = a->root, .stop = (volatile int *)&stop_flag,
			  .lock = r->locked ? &r->lock : NULL };
	struct action_result *results = NULL;
	struct finding still;
	struct outcome o;
	struct snapshot after;
	struct snap_diff diff = { 0 };
	double t0 = now_s();
	bool have_after, over = false;
	int rc;

	if (a->dry_run || !plan->n || a->buddyinfo) {
		/* a dry run writes nothing, but says whether the real run could (here, not of a capture) */
		if (plan->n && !a->buddyinfo && perms_check(a->root, plan, &perm) < 0)
			rep.not_permitted = perm.msg;
		rep.exit_code = EXIT_OK;
		rc = print_report(a, &rep, err);
		return rc < 0 ? rc : EXIT_OK;
	}
	rc = perms_check(a->root, plan, err);
	if (rc < 0)
		return rc;
	results = calloc(plan->n, sizeof(*results));
	if (!results)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	execute_plan(&c, plan, results);
	if (r->lock.retaken)
		log_print(LOG_WARNING, "buddyctl: warning: %s: the lock file was removed while held; it was taken again\n",
			r->lock.path);

	/* the writes happened: report them even if the second snapshot fails */
	have_after = snapshot_read(a->root, &after, err) == 0;
	if (!have_after)
		log_print(LOG_WARNING, "buddyctl: after the actions: %s (no before/after comparison)\n", err->msg);
	if (r->have_pol) {
		if (have_after)
			over = still_over(r, &after, &still, err);
		if (!c.lock_lost[0])
			record_remediated(r, results);
	}
	act_outcome(plan, results, &c, over ? &still : NULL, &o);
	rep.executed = true;
	rep.after = have_after ? &after : NULL;
	/* the difference, computed once for whichever renderer */
	if (have_after && snapshot_diff(&r->snap, &after, &diff, err) == 0)
		rep.diff = &diff;
	rep.results = results;
	rep.total_ms = (now_s() - t0) * 1000;
	rep.exit_code = o.code;
	rep.exit_reason = o.why;
	rc = print_report(a, &rep, err);
	snap_diff_free(&diff);
	if (have_after)
		snapshot_free(&after);
	free(results);
	kw_free(&c);
	return rc < 0 ? rc : o.code;
}

int cli_policy_load(const char *config, struct policy *pol, struct bc_error *err)
{
	int rc;

	if (!config && access(DEFAULT_CONFIG, F_OK) != 0 && errno == ENOENT)
		/* no policy installed: the built-in defaults (buddyctl.conf(5)) */
		return policy_load_string(BUILTIN_POLICY, "", pol, err);
	rc = policy_load(config ? config : DEFAULT_CONFIG, pol, err);
	/* whatever keeps the policy from being read is a policy error */
	if (rc < 0 && rc != -BC_ENOMEM) {
		err->kind = BC_ECONFIG;
		rc = -BC_ECONFIG;
	}
	return rc;
}

/* The policy file: parsed before the lock (it names the lock), checked after. */
static int load_policy(struct run *r, struct bc_error *err)
{
	const struct act_args *a = r->a;
	int rc;

	rc = cli_policy_load(a->config, &r->pol, err);
	if (rc < 0)
		return rc;
	r->have_pol = true;
	if (a->time_budget >= 0)
		r->pol.time_budget_s = a->time_budget;
	r->state_path = a->state_file ? a->state_file : r->pol.state_file;
	return 0;
}

/* The policy, then the snapshot, for a command that writes nothing and takes no lock. */
static int policy_and_snapshot(struct run *r, struct bc_error *err)
{
	int rc = load_policy(r, err);

	if (rc == 0) {
		rc = cli_snapshot(r->a->root, r->a->buddyinfo, r->a->page_size, &r->snap, err);
		r->have_snap = rc == 0;
	}
	return rc;
}

int cmd_check(const struct act_args *a, struct bc_error *err)
{
	struct run r = { .a = a, .command = "check" };
	struct report rep = { .command = "check" };
	char why[600];
	enum level l;
	int rc;

	rc = policy_and_snapshot(&r, err);
	if (rc == 0)
		rc = policy_validate(&r.pol, &r.snap, err);
	if (rc == 0)
		rc = policy_judge(&r.snap, &r.pol, &r.findings, &r.nr_findings, err);
	if (rc == 0) {
		l = findings_level(r.findings, r.nr_findings);
		check_reason(r.findings, r.nr_findings, l, why, sizeof(why));
		rep.before = &r.snap;
		rep.policy = r.pol.path;
		rep.findings = r.findings;
		rep.nr_findings = r.nr_findings;
		rep.exit_code = l == LEVEL_CRIT ? EXIT_FAILED : l == LEVEL_WARN ? EXIT_PARTIAL : EXIT_OK;
		rep.exit_reason = why;
		rc = print_report(a, &rep, err);
		if (rc == 0)
			rc = rep.exit_code;
	}
	run_free(&r);
	return rc;
}

int cmd_apply(const struct act_args *a, struct bc_error *err)
{
	struct run r = { .a = a, .command = a->dry_run ? "plan" : "apply" };
	struct timespec wall = { 0 };
	struct bc_error w;
	int rc;

	rc = load_policy(&r, err);
	if (rc == 0)
		rc = begin(&r, err);
	if (rc == 0)
		rc = policy_validate(&r.pol, &r.snap, err);
	if (rc == 0) {
		clock_gettime(CLOCK_REALTIME, &wall);
		/* a bad state file only warns: it must never block a reservation */
		if (!a->buddyinfo)
			rc = state_load(a->root, r.state_path, (double)wall.tv_sec, r.last, &w);
		if (!a->buddyinfo)
			warn(w.msg);
	}
	if (rc == 0)
		rc = policy_evaluate(&r.snap, &r.pol, r.last, STATE_MAX_NODES, (double)wall.tv_sec,
				     &r.findings, &r.nr_findings, &r.plan, err);
	if (rc == 0 && a->pools_only)
		plan_pools_only(&r.plan, r.findings, r.nr_findings);
	if (rc == 0)
		rc = run_plan(&r, err);
	run_free(&r);
	return rc;
}

int cmd_kernel_cmdline(const struct act_args *a, struct bc_error *err)
{
	struct run r = { .a = a, .command = "plan" };
	struct kernel_version kv;
	char line[4096], release[80];
	int rc;

	rc = policy_and_snapshot(&r, err);
	if (rc == 0) {
		kernel_release_read(a->root, &kv, release, sizeof(release));
		rc = cmdline_build(&r.pol, &r.snap, &kv, line, sizeof(line), err);
	}
	/* the nodes the counts name must exist (sizes were checked above) */
	if (rc == 0)
		rc = policy_validate(&r.pol, &r.snap, err);
	if (rc == 0) {
		printf("%s\n", line);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = bc_error_set(err, BC_EIO, "standard output: write failed: %s",
					  strerror(errno ? errno : EIO));
	}
	if (rc == 0) {
		/* how to install it: comments on stderr, so that stdout stays the fragment */
		if (!kv.major)
			fprintf(stderr, "# kernel release unknown (no proc/sys/kernel/osrelease): the per-node form (Linux 5.16, ids as sparse as here from 5.19) was assumed\n");
		else
			fprintf(stderr, "# for Linux %s, from %s\n", release, r.pol.path);
		fprintf(stderr, "# to reserve at boot: add it to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub, reboot\n"
				"# replace any hugepagesz=/hugepages= already there: the kernel ignores a size given twice\n"
				"# pages of a size other than the default need a hugetlbfs mount of that size (dev-hugepages1G.mount)\n");
	}
	run_free(&r);
	return rc;
}

/* --node LIST of estimate and the one-off actions (act.h). */
int parse_nodes(const char *list, const struct snapshot *snap, struct bitmask **out,
		       struct bc_error *err)
{
	unsigned id;
	int rc;

	if (!*list)
		return bc_error_set(err, BC_EUSAGE, "--node: empty node list");
	rc = nodelist_parse(list, strlen(list), "--node", BC_EUSAGE, out, err);
	if (rc < 0 || !snap)
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
	struct run r = { .a = a, .command = "compact", .plan = { .time_budget_s = 1e9 } };
	struct bitmask *sel = NULL;
	char why[240];
	int rc;

	/* the syntax first: a usage error before the lock */
	if (a->nodes && (rc = parse_nodes(a->nodes, NULL, &sel, err)) < 0)
		return rc;
	if (sel)
		numa_bitmask_free(sel);
	sel = NULL;
	rc = begin(&r, err);
	if (rc == 0 && a->nodes)
		rc = parse_nodes(a->nodes, &r.snap, &sel, err);
	if (rc == 0) {
		snprintf(why, sizeof(why), "buddyctl compact%s%.200s", a->nodes ? " --node " : "",
			 a->nodes ? a->nodes : "");
		if (plan_compact(&r.plan, &r.snap, sel, why) < 0)
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = run_plan(&r, err);
	if (sel)
		numa_bitmask_free(sel);
	run_free(&r);
	return rc;
}

int cmd_drop_caches(const struct act_args *a, struct bc_error *err)
{
	struct run r = { .a = a, .command = "drop-caches", .plan = { .time_budget_s = 1e9 } };
	const char *lvl = a->level ? a->level : "pagecache";
	char why[96];
	int level, rc;

	if (!strcmp(lvl, "pagecache"))
		level = 1;
	else if (!strcmp(lvl, "slab"))
		level = 2;
	else if (!strcmp(lvl, "all"))
		level = 3;
	else
		return bc_error_set(err, BC_EUSAGE, "--level: unknown level '%s' (pagecache, slab, all)", lvl);
	rc = begin(&r, err);
	if (rc == 0) {
		snprintf(why, sizeof(why), "buddyctl drop-caches --level %s", lvl);
		if (plan_drop_caches(&r.plan, &r.snap, level, !a->no_sync, why) < 0)
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = run_plan(&r, err);
	run_free(&r);
	return rc;
}

/* One SIZE:COUNT[@NODES] of `reserve`, its syntax checked before the lock. */
struct spec {
	const char *text;
	uint64_t kb;
	uint64_t count;
	const char *nodes;	/* after '@', or NULL: split over memory nodes */
	char buf[128];
};

static int parse_spec(const char *text, struct spec *s, struct bc_error *err)
{
	char *colon, *at, *end;

	s->text = text;
	if (strlen(text) >= sizeof(s->buf))
		return bc_error_set(err, BC_EUSAGE, "reserve: spec too long");
	strcpy(s->buf, text);
	colon = strchr(s->buf, ':');
	if (!colon)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s' is not SIZE:COUNT[@NODES]", text);
	*colon = '\0';
	at = strchr(colon + 1, '@');
	if (at)
		*at = '\0';
	s->nodes = at ? at + 1 : NULL;
	if (parse_size_kb(s->buf, &s->kb) < 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad size '%s' (2M, 1G, 2048kB)", text, s->buf);
	errno = 0;
	if (colon[1] < '0' || colon[1] > '9' ||
	    (s->count = strtoull(colon + 1, &end, 10), *end) || errno)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad count '%s'", text, colon + 1);
	/* count x size must stay a sane amount of memory (and inside 64 bits) */
	if (s->count > BC_MAX_KB / s->kb)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': %llu pages of %llu kB is more memory than any machine has",
				    text, (unsigned long long)s->count, (unsigned long long)s->kb);
	if (s->nodes) {
		/* the node list's syntax now; whether the nodes exist, under the lock */
		struct bitmask *sel = NULL;
		int rc = parse_nodes(s->nodes, NULL, &sel, err);

		if (sel)
			numa_bitmask_free(sel);
		return rc;
	}
	return 0;
}

/* The planned reserve of this size and node, if any, and which spec made it. */
static int already_set(const struct plan *p, const int *spec_of, uint64_t kb, int node)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].kind == ACT_RESERVE && p->a[i].size_kb == kb && p->a[i].node == node)
			return spec_of[i];
	return -1;
}

/* The actions of one spec, each pool once across all specs. */
static int add_spec(struct run *r, const struct spec *specs, int si, const struct steps *ladder,
		    int *spec_of, struct bc_error *err)
{
	const struct act_args *a = r->a;
	const struct spec *s = &specs[si];
	/* no --rounds: 3 over a --ladder, or as many as the chosen escalation takes */
	int rounds = a->rounds;
	unsigned first = r->plan.n, i;
	struct bitmask *sel = NULL;
	char why[160];
	struct reserve_req rq = { .size_kb = s->kb, .ladder = a->ladder ? ladder : NULL, .rounds = rounds,
				  .allow_drop = a->allow_drop_caches,
				  .keep = !a->restore, .force = a->force, .why = why,
				  .where = why + 9, .force_hint = "--force", .kind = BC_EUSAGE };
	unsigned id;
	int rc = 0, prev;

	if (!snapshot_pool(&r->snap, s->kb))
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': this kernel offers no %llu kB hugepages",
				    s->text, (unsigned long long)s->kb);
	snprintf(why, sizeof(why), "buddyctl reserve %s", s->text);
	if (!s->nodes) {
		rc = plan_reserve_split(&r->plan, &r->snap, &rq, s->count, err);
	} else {
		rc = parse_nodes(s->nodes, &r->snap, &sel, err);
		for (id = 0; rc == 0 && id < sel->size; id++)
			if (numa_bitmask_isbitset(sel, id))
				rc = plan_reserve_node(&r->plan, &r->snap, &rq, (int)id, s->count, err);
		if (sel)
			numa_bitmask_free(sel);
	}
	for (i = first; rc == 0 && i < r->plan.n; i++) {
		const struct action *x = &r->plan.a[i];
		char where[24];

		spec_of[i] = si;
		/* the same pool twice, also through aliases (2048kB and 2M) or a split */
		prev = already_set(&r->plan, spec_of, x->size_kb, x->node);
		if (prev >= 0 && prev != si) {
			snprintf(where, sizeof(where), x->node >= 0 ? "node %d" : "the machine", x->node);
			rc = bc_error_set(err, BC_EUSAGE, "reserve: '%s' sets the %llu kB pool of %s again, after '%s'",
					  s->text, (unsigned long long)x->size_kb, where, specs[prev].text);
		}
	}
	return rc;
}

int cmd_reserve(const struct act_args *a, struct bc_error *err)
{
	struct run r = { .a = a, .command = "reserve",
			 .plan = { .time_budget_s = a->time_budget >= 0 ? a->time_budget : 60,
				   .sync = !a->no_sync } };
	struct steps ladder = { .n = 0 };
	struct spec *specs;
	int *spec_of = NULL;
	char bad[48];
	int i, rc = 0;

	if (a->nr_specs == 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: no SIZE:COUNT[@NODES] given");
	if (a->ladder && steps_parse(a->ladder, &ladder, bad, sizeof(bad)) < 0)
		return bc_error_set(err, BC_EUSAGE, "--ladder: unknown step '%s' (retry, compact-node, compact-all, drop-pagecache, drop-slab, drop-all, reclaim-node, rewrite-burst, drain-pcp)",
				    bad);
	specs = calloc((size_t)a->nr_specs, sizeof(*specs));
	if (!specs)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	/* the syntax of every spec first: a usage error before the lock */
	for (i = 0; i < a->nr_specs && rc == 0; i++)
		rc = parse_spec(a->specs[i], &specs[i], err);
	if (rc == 0)
		rc = begin(&r, err);
	for (i = 0; i < a->nr_specs && rc == 0; i++) {
		int *grown = realloc(spec_of, (r.plan.n + r.snap.nr_nodes + 1) * sizeof(*spec_of));

		if (!grown) {
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
			break;
		}
		spec_of = grown;
		rc = add_spec(&r, specs, i, &ladder, spec_of, err);
	}
	if (rc == 0)
		rc = run_plan(&r, err);
	free(spec_of);
	free(specs);
	run_free(&r);
	return rc;
}
