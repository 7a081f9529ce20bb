/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check, plan, apply and the one-off actions. Each follows the one data
 * flow, and everything that judges runs under the lock:
 *
 *   [lock] -> snapshot -> evaluate (or the plan from the command line) ->
 *   plan -> [permission check, execute] -> snapshot -> diff -> report
 *
 * A dry run (plan, --dry-run) takes no lock and writes nothing. check only
 * judges: snapshot -> findings -> report, with no lock and no plan. A lock
 * refused for lack of permission is reported after the permission check of
 * a plan made without it, which is never executed (struct run).
 */
#include "act.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "config.h"
#include "evaluate.h"
#include "exitcodes.h"
#include "grub.h"
#include "load.h"
#include "lock.h"
#include "log.h"
#include "meminfo.h"
#include "metrics.h"
#include "nodelist.h"
#include "out_json.h"
#include "out_nagios.h"
#include "out_prom.h"
#include "output.h"
#include "ownfile.h"
#include "perms.h"
#include "plan.h"
#include "release.h"
#include "report.h"
#include "rootfs.h"
#include "snapshot.h"
#include "snapshot_read.h"
#include "state.h"
#include "strbuf.h"
#include "sysctl.h"
#include "sysctl_conflict.h"
#include "units.h"

/* The signal that asked the run to stop (its number), or 0. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	if (!stop_flag)
		stop_flag = sig;
}

/*
 * Every signal whose default action ends the process and that someone
 * else sends to ask the run to end: a dropped ssh session (SIGHUP), ^C,
 * systemd or kill (SIGTERM), timers and limits (SIGALRM, SIGXCPU: the hard
 * limit's SIGKILL follows), the user signals, a power failure. Each stops
 * the run as SIGTERM does (buddyctl(8) SIGNALS). Left at their default:
 * SIGQUIT (^\, a core dump on purpose, to see where a run hangs) and the
 * faults of the program itself (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
 * SIGTRAP, SIGSYS).
 */
static const int stop_signals[] = {
	SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
	SIGIO, SIGPWR, SIGSTKFLT,
};

/*
 * Catch the stop signals, and ignore SIGPIPE and SIGXFSZ: those come from
 * buddyctl's own writes (a reader that closed standard output, a file size
 * limit), which then fail with EPIPE or EFBIG and are reported; they must
 * not end the run between a short grant and its restore.
 */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal }, ign = { .sa_handler = SIG_IGN };
	int sig;
	unsigned i;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&ign.sa_mask);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaction(stop_signals[i], &sa, NULL);
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGXFSZ, &ign, NULL);
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
 * format have none: their output is the point. The log line is the run's
 * record: it is written also when the report could not be (a reader that
 * went away, EPIPE; a terminal that hung up).
 */
static int print_report(const struct act_args *a, const struct report *r, struct bc_error *err)
{
	struct report text = *r;
	int rc, e = 0;

	text.color = out_color(a->color, STDOUT_FILENO);
	errno = 0;
	rc = a->format == FMT_JSON ? report_json(stdout, r) :
	     a->format == FMT_PROMETHEUS ? report_prometheus(stdout, r) :
	     a->format == FMT_NAGIOS ? report_nagios(stdout, r) :
	     log_quiet() ? 0 : report_text(stdout, &text);
	if (rc < 0 || fflush(stdout) != 0)
		e = errno ? errno : EIO;
	if (a->format != FMT_NAGIOS && !a->plan) {
		struct report line = *r;

		/* the report calls apply --dry-run "plan"; its log line says what was run */
		line.command = strcmp(r->command, "plan") ? r->command : "apply";
		log_run(&line);
	}
	if (e)
		return bc_error_set(err, BC_EIO, "standard output: write failed: %s", strerror(e));
	return 0;
}

/*
 * Take the lock before anything is read or judged, so that what is
 * decided is decided on what the machine is now, not on what it was
 * before another buddyctl changed it. From here on the stop signals stop
 * the run cleanly (also the wait for the lock).
 */
static int take_lock(const struct act_args *a, const struct policy *pol, struct lock *l,
		     struct bc_error *err)
{
	const char *path = a->lock_file ? a->lock_file : pol ? pol->lock_file : DEFAULT_LOCK;
	double wait = a->wait >= 0 ? a->wait : pol ? pol->lock_wait_s : 0;

	catch_stop_signals();
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

/*
 * Why a reservation ended short, from what the kernel granted (before a
 * restore put it back): "reserve 2M on node 0: 0 -> 100: the kernel
 * granted 10 of the 100 pages asked (90 short); --restore put the 10 back:
 * the pool is at 0 as before".
 */
static void reserve_why(const struct action *a, const struct action_result *r, const char *label,
			char *why, size_t size)
{
	uint64_t got = r->restored ? r->granted : r->after;
	uint64_t granted = got > r->before ? got - r->before : 0;

	snprintf(why, size, "%s: the kernel granted %llu of the %llu pages asked (%llu short%s)", label,
		 (unsigned long long)granted, (unsigned long long)(a->target - r->before),
		 (unsigned long long)(a->target - got), a->judged && a->mandatory ? "; mandatory" : "");
	if (r->restored)
		str_append(why, size, "; %s put the %llu back: the pool is at %llu%s",
			   a->judged ? "keep = no" : "--restore", (unsigned long long)granted,
			   (unsigned long long)r->after, r->after == r->before ? " as before" : "");
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
		const char *name = c->stop && *c->stop > 0 ? sigabbrev_np(*c->stop) : NULL;

		o->code = EXIT_INTERRUPTED;
		snprintf(o->why, sizeof(o->why), "interrupted by %s%s: %u of %u actions not carried out",
			 name ? "SIG" : "a signal", name ? name : "", interrupted, p->n);
	} else if (worst < p->n) {
		const struct action *a = &p->a[worst];
		const struct action_result *r = &res[worst];

		o->code = code;
		action_label(label, sizeof(label), a);
		if (a->kind == ACT_RESERVE && !r->error[0])
			reserve_why(a, r, label, o->why, sizeof(o->why));
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

void act_held_back(const struct finding *f, unsigned n, struct outcome *o)
{
	const struct finding *first = NULL;
	unsigned i, held = 0;
	char until[32];
	struct tm tm;
	time_t t;

	if (o->code != EXIT_OK)
		return;
	for (i = 0; i < n; i++) {
		if (f[i].kind != FINDING_FRAGMENTATION || f[i].held_until <= 0 || f[i].level == LEVEL_OK)
			continue;
		held++;
		if (!first || f[i].level > first->level)
			first = &f[i];
	}
	if (!first)
		return;
	t = (time_t)first->held_until;
	if (!gmtime_r(&t, &tm) || !strftime(until, sizeof(until), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(until, sizeof(until), "%.0f", first->held_until);
	o->code = EXIT_PARTIAL;
	snprintf(o->why, sizeof(o->why), "node %d is %s, its remediation held back by min_interval until %s",
		 first->node, level_name(first->level), until);
	if (held > 1)
		snprintf(o->why + strlen(o->why), sizeof(o->why) - strlen(o->why), " (and %u more node%s held back)",
			 held - 1, held > 2 ? "s" : "");
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
	struct state st;		/* apply: when nodes were remediated, pools' outcomes */
	double started;			/* apply: when this run started (after the lock), epoch s */
	const char *state_path;
	struct lock lock;
	bool locked;
	/*
	 * The lock was refused for lack of permission (-BC_EPERM, why here):
	 * the run goes on unlocked only to plan, so that run_plan() can say
	 * first what the actions would need; nothing is executed.
	 */
	bool lock_refused;
	struct bc_error lock_why;
	struct sysctl_hp_set sysctl;	/* policy runs: what sysctl files set */
	struct sysctl_conflict conflicts[SYSCTL_HP_NR];
	unsigned nr_conflicts;
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
	state_free(&r->st);
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
		r->lock_refused = rc == -BC_EPERM;
		if (r->lock_refused)
			r->lock_why = *err;
		else if (rc < 0)
			return rc;
		r->locked = rc == 0;
	}
	rc = cli_snapshot(r->a->root, r->a->buddyinfo, r->a->page_size, &r->snap, err);
	r->have_snap = rc == 0;
	if (rc == 0 && !r->a->buddyinfo)
		rc = require_files(r, err);
	if (rc < 0 && r->lock_refused) {
		/* what this user cannot read, root could: the refusal is the answer */
		*err = r->lock_why;
		return -BC_EPERM;
	}
	return rc;
}

/*
 * After execution, into the state file: the nodes whose remediation
 * completed, with the time this run started (a timer whose period equals
 * min_interval then remediates every tick), and the outcome of each
 * policy target's reservation (state_outcome(); free memory from after,
 * the snapshot after the actions, or NULL).
 */
static void record_remediated(struct run *r, const struct action_result *res,
			      const struct snapshot *after)
{
	struct pool_outcome o;
	struct bc_error e;
	bool any = false;
	unsigned i;

	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->remediated && remedy_completed(f, res) && f->node < STATE_MAX_NODES) {
			r->st.last[f->node] = r->started;
			any = true;
		}
	}
	for (i = 0; i < r->plan.n; i++) {
		const struct action *a = &r->plan.a[i];

		if (a->kind != ACT_RESERVE || !a->judged ||
		    !state_outcome(a, &res[i], r->started, plan_free_kb(after ? after : &r->snap, a->node),
				   state_pool(&r->st, a->size_kb, a->node), &o))
			continue;
		if (state_set_pool(&r->st, &o) < 0) {
			warn("out of memory: a pool's outcome is not recorded");
			continue;
		}
		any = true;
	}
	if (any && state_save(r->a->root, r->state_path, &r->st, &e) < 0)
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

/*
 * A sysctl file that sizes a pool the policy sizes too: one warning each on
 * standard error (the run's log), and in the report (JSON). Read only when
 * the policy sets the default size's pool, the one the sysctl keys size; a
 * file that cannot be read is a note.
 */
static void sysctl_warnings(struct run *r, struct report *rep)
{
	bool shown = strcmp(r->command, "apply") || r->a->dry_run || r->a->pools_only;
	unsigned i;

	if (!sysctl_hp_target(&r->pol, r->snap.default_hugepage_kb))
		return;
	sysctl_hp_read(r->a->root, &r->sysctl);
	r->nr_conflicts = sysctl_hp_conflicts(&r->sysctl, &r->pol, r->snap.default_hugepage_kb,
					      r->conflicts);
	rep->sysctl_conflicts = r->conflicts;
	rep->nr_sysctl_conflicts = r->nr_conflicts;
	/*
	 * On standard error for people (check, plan, --dry-run) and for the boot
	 * unit (--pools-only), where the fight happens; the timer's apply, every
	 * 10 minutes, carries it only in its JSON report.
	 */
	if (!shown)
		return;
	for (i = 0; i < r->nr_conflicts; i++)
		warn(r->conflicts[i].text);
	if (r->sysctl.unread[0] && !log_quiet())
		log_print(LOG_NOTICE, "buddyctl: note: sysctl files not read, so not compared with the policy: %s\n",
			  r->sysctl.unread);
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

	if (r->lock_refused) {
		/*
		 * Not permitted to take the lock: first whether the actions
		 * themselves are permitted (they need root, as a rule), then the
		 * lock. The plan was made without the lock and is not executed.
		 */
		if (plan->n && perms_check(a->root, plan, err) < 0)
			return -BC_EPERM;
		*err = r->lock_why;
		return -BC_EPERM;
	}
	if (r->have_pol)
		sysctl_warnings(r, &rep);
	if (a->dry_run || !plan->n || a->buddyinfo) {
		/* a dry run writes nothing, but says whether the real run could (here, not of a capture) */
		if (plan->n && !a->buddyinfo && perms_check(a->root, plan, &perm) < 0)
			rep.not_permitted = perm.msg;
		o = (struct outcome){ .code = EXIT_OK };
		if (!a->dry_run)
			act_held_back(r->findings, r->nr_findings, &o);
		rep.exit_code = o.code;
		rep.exit_reason = o.why;
		rc = print_report(a, &rep, err);
		return rc < 0 ? rc : o.code;
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
			record_remediated(r, results, have_after ? &after : NULL);
	}
	act_outcome(plan, results, &c, over ? &still : NULL, &o);
	act_held_back(r->findings, r->nr_findings, &o);
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
		sysctl_warnings(&r, &rep);
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
		/* after the lock: what the state file records as this run's start */
		clock_gettime(CLOCK_REALTIME, &wall);
		r.started = (double)wall.tv_sec;
		/* a bad state file only warns: it must never block a reservation */
		if (!a->buddyinfo)
			rc = state_load(a->root, r.state_path, r.started, &r.st, &w);
		if (!a->buddyinfo)
			warn(w.msg);
	}
	if (rc == 0) {
		struct remembered mem = { .now = r.started, .last_remediated = r.st.last,
					  .nr_last = STATE_MAX_NODES, .pools = r.st.pools,
					  .nr_pools = r.st.nr_pools };

		rc = policy_evaluate(&r.snap, &r.pol, &mem, &r.findings, &r.nr_findings, &r.plan, err);
	}
	if (rc == 0 && a->pools_only)
		plan_pools_only(&r.plan, r.findings, r.nr_findings);
	if (rc == 0)
		rc = run_plan(&r, err);
	run_free(&r);
	return rc;
}

/* A fragment longer than this is longer than any kernel's line: refused without more ado. */
#define CMDLINE_BUILD_MAX 65536

/* A hugepage word already in GRUB's files: a note on stderr. */
static void grub_conflict(const char *file, unsigned line, const char *word, void *ctx)
{
	char f[4 * PATH_MAX], w[4 * 256];
	bool one = !strchr(word, ' ');

	(void)ctx;
	/* a file name and words from files: escaped */
	fprintf(stderr, "# %s:%u sets %s: the drop-in takes %s off the kernel command line (remove %s there, to keep one place)\n",
		out_escape(f, sizeof(f), file, 0), line, out_escape(w, sizeof(w), word, 0),
		one ? "it" : "them", one ? "it" : "them");
}

struct dropin {
	const char *fragment, *policy;
};

static int render_dropin(FILE *f, void *ctx)
{
	const struct dropin *d = ctx;

	return cmdline_grub_dropin(f, d->fragment, d->policy);
}

/*
 * --grub: (re)write the drop-in under the root, atomically, by the rules of
 * buddyctl's own files; only where GRUB's /etc/default/grub is.
 */
static int write_grub_dropin(const struct act_args *a, const char *line, const char *policy,
			     struct bc_error *err)
{
	struct dropin d = { .fragment = line, .policy = policy };
	int fd = rootfs_open(a->root, "etc/default/grub", O_PATH, 0);

	if (fd < 0)
		return bc_error_set(err, BC_ENOINPUT, "%s/etc/default/grub: %s: --grub writes a drop-in for GRUB's settings (Debian, Ubuntu), and there are none",
				    rootfs_is_slash(a->root) ? "" : a->root, rootfs_strerror(errno));
	close(fd);
	return ownfile_replace(a->root, GRUB_DROPIN, true, BC_ECANTCREAT, render_dropin, &d, err);
}

/* How to install the fragment, on stderr: stdout stays the fragment. */
static void cmdline_notes(const struct act_args *a, const char *line, const struct policy *pol,
			  enum release_found found, const char *release,
			  const struct cmdline_limit *lim)
{
	char shown[4 * 80], path[4 * PATH_MAX];
	size_t len = strlen(line);

	/* the release is the file's, the path the user's: escaped */
	out_escape(shown, sizeof(shown), release, 0);
	out_escape(path, sizeof(path), pol->path, 0);
	if (found == RELEASE_PARSED)
		fprintf(stderr, "# for Linux %s, from %s\n", shown, path);
	else
		fprintf(stderr, "# kernel release unknown (%s%s%s): the per-node form (Linux 5.16, ids as sparse as here from 5.19) was assumed\n",
			found == RELEASE_UNPARSEABLE ? "proc/sys/kernel/osrelease is unparseable: '" :
			found == RELEASE_UNREADABLE ? "proc/sys/kernel/osrelease: " :
			"no proc/sys/kernel/osrelease", shown, found == RELEASE_UNPARSEABLE ? "'" : "");
	if (!len) {
		fprintf(stderr, "# %s reserves no hugepages: nothing to put on the kernel command line\n", path);
	} else {
		if (lim->assumed)
			fprintf(stderr, "# architecture unknown (no proc/sys/kernel/arch, no uname capture): the smallest command line known was assumed, %u bytes\n",
				lim->size - 1);
		fprintf(stderr, "# the fragment takes %zu of the %u bytes of the %s kernel command line%s%s%s\n", len,
			lim->size - 1, lim->assumed ? "unknown architecture's" : lim->arch,
			lim->source[0] ? " (" : "", lim->source, lim->source[0] ? ")" : "");
		if (len > (lim->size - 1) / 2)
			fprintf(stderr, "# warning: that is more than half of it: the rest of the line (cat /proc/cmdline) must fit in the other %zu\n",
				lim->size - 1 - len);
	}
	if (a->grub) {
		fprintf(stderr, "# wrote %s%s: run update-grub, then reboot\n",
			rootfs_is_slash(a->root) ? "" : a->root, GRUB_DROPIN);
		cmdline_grub_conflicts(a->root, grub_conflict, NULL);
	} else if (len) {
		fprintf(stderr, "# to reserve at boot with GRUB: buddyctl plan --kernel-cmdline --grub, then update-grub, reboot\n"
				"# elsewhere: replace any hugepagesz=/hugepages= already on the command line: the kernel ignores a size given twice\n");
	}
	if (len)
		fprintf(stderr, "# pages of a size other than the default need a hugetlbfs mount of that size (dev-hugepages1G.mount)\n");
}

int cmd_kernel_cmdline(const struct act_args *a, struct bc_error *err)
{
	struct run r = { .a = a, .command = "plan" };
	struct cmdline_limit lim;
	struct kernel_version kv;
	enum release_found found = RELEASE_MISSING;
	char *line = malloc(CMDLINE_BUILD_MAX), release[80];
	int rc;

	if (!line)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	rc = policy_and_snapshot(&r, err);
	if (rc == 0) {
		found = kernel_release_read(a->root, &kv, release, sizeof(release));
		rc = cmdline_build(&r.pol, &r.snap, &kv, line, CMDLINE_BUILD_MAX, err);
	}
	/* the nodes the counts name must exist (sizes were checked above) */
	if (rc == 0)
		rc = policy_validate(&r.pol, &r.snap, err);
	if (rc == 0) {
		cmdline_limit_read(a->root, &lim);
		rc = cmdline_check_length(&r.pol, strlen(line), &lim, err);
	}
	if (rc == 0 && a->grub)
		rc = write_grub_dropin(a, line, r.pol.path, err);
	if (rc == 0 && line[0]) {
		printf("%s\n", line);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = bc_error_set(err, BC_EIO, "standard output: write failed: %s",
					  strerror(errno ? errno : EIO));
	}
	if (rc == 0)
		cmdline_notes(a, line, &r.pol, found, release, &lim);
	free(line);
	run_free(&r);
	return rc;
}

int cmd_compact(const struct act_args *a, struct bc_error *err)
{
	struct run r = { .a = a, .command = "compact", .plan = { .time_budget_s = 1e9 } };
	struct bitmask *sel = NULL;
	char why[240];
	int rc;

	/* the syntax first: a usage error before the lock */
	if (a->nodes && (rc = nodelist_select(a->nodes, "--node", NULL, &sel, err)) < 0)
		return rc;
	if (sel)
		numa_bitmask_free(sel);
	sel = NULL;
	rc = begin(&r, err);
	if (rc == 0 && a->nodes)
		rc = nodelist_select(a->nodes, "--node", &r.snap, &sel, err);
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
	char what[144];		/* "reserve: 'TEXT'", for the messages on its nodes */
};

static int parse_spec(const char *text, struct spec *s, struct bc_error *err)
{
	char *colon, *at, *end;

	s->text = text;
	if (strlen(text) >= sizeof(s->buf))
		return bc_error_set(err, BC_EUSAGE, "reserve: spec too long");
	strcpy(s->buf, text);
	snprintf(s->what, sizeof(s->what), "reserve: '%s'", text);
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
		int rc = nodelist_select(s->nodes, s->what, NULL, &sel, err);

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
		rc = nodelist_select(s->nodes, s->what, &r->snap, &sel, err);
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
