/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run that check, plan, apply and the one-off actions share
 * (cli/cmd_*.c hold each command's own part). Each follows the one data
 * flow, and everything that judges runs under the lock:
 *
 *   [lock] -> snapshot -> evaluate (or the plan from the command line) ->
 *   plan -> [permission check, execute] -> snapshot -> diff -> report
 *
 * A dry run (plan, --dry-run) takes no lock and writes nothing. check only
 * judges: snapshot -> findings -> report, with no lock and no plan. A lock
 * refused for lack of permission is reported after the permission check of
 * a plan made without it, which is never executed (struct act_run).
 */
#include "act.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "exitcodes.h"
#include "load.h"
#include "lock.h"
#include "log.h"
#include "nodelist.h"
#include "out_nagios.h"
#include "out_prom.h"
#include "out_json.h"
#include "output.h"
#include "perms.h"
#include "plan.h"
#include "reservation.h"
#include "report.h"
#include "rootfs.h"
#include "snapshot.h"
#include "snapshot_read.h"
#include "state.h"
#include "strbuf.h"
#include "sysctl.h"
#include "sysctl_conflict.h"

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

void act_warn(const char *msg)
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
/* The report in the format asked for; text is r with the colours of --color. */
static int render_report(const struct act_args *a, const struct report *r, const struct report *text)
{
	switch (a->format) {
	case FMT_JSON:
		return report_json(stdout, r);
	case FMT_PROMETHEUS:
		return report_prometheus(stdout, r);
	case FMT_NAGIOS:
		return report_nagios(stdout, r);
	default:
		return log_quiet() ? 0 : report_text(stdout, text);
	}
}

int act_print_report(const struct act_args *a, const struct report *r, struct bc_error *err)
{
	struct report text = *r;
	int rc, e = 0;

	text.color = out_color(a->color, STDOUT_FILENO);
	errno = 0;
	rc = render_report(a, r, &text);
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

/*
 * The action whose result asks for the highest exit status (p->n when none
 * asks for more than 0), that status in *code, and how many actions a
 * signal left undone.
 */
static unsigned worst_action(const struct plan *p, const struct action_result *res, int *code,
			     unsigned *interrupted)
{
	unsigned i, worst = p->n;
	int k;

	*code = EXIT_OK;
	*interrupted = 0;
	for (i = 0; i < p->n; i++) {
		if (res[i].status == RES_INTERRUPTED)
			(*interrupted)++;
		k = result_code(&p->a[i], &res[i]);
		if (k > *code) {
			*code = k;
			worst = i;
		}
	}
	return worst;
}

/* "interrupted by SIGTERM: 2 of 3 actions not carried out". */
static void interrupted_why(const struct kctx *c, unsigned interrupted, unsigned n, struct outcome *o)
{
	const char *name = c->stop && *c->stop > 0 ? sigabbrev_np(*c->stop) : NULL;

	o->code = EXIT_INTERRUPTED;
	snprintf(o->why, sizeof(o->why), "interrupted by %s%s: %u of %u actions not carried out",
		 name ? "SIG" : "a signal", name ? name : "", interrupted, n);
}

/* Why an action failed or came short: its label, then the error or what the kernel granted. */
static void action_why(const struct action *a, const struct action_result *r, int code, struct outcome *o)
{
	char label[96];

	o->code = code;
	action_label(label, sizeof(label), a);
	if (a->kind == ACT_RESERVE && !r->error[0])
		reserve_why(a, r, label, o->why, sizeof(o->why));
	else
		snprintf(o->why, sizeof(o->why), "%s: %.480s", label, r->error);
}

void act_outcome(const struct plan *p, const struct action_result *res,
			 const struct kctx *c, const struct finding *still, struct outcome *o)
{
	unsigned interrupted, worst;
	int code;

	worst = worst_action(p, res, &code, &interrupted);
	if (c->lock_lost[0]) {
		o->code = EXIT_BUSY;
		snprintf(o->why, sizeof(o->why), "%s", c->lock_lost);
	} else if (interrupted) {
		interrupted_why(c, interrupted, p->n, o);
	} else if (worst < p->n) {
		action_why(&p->a[worst], &res[worst], code, o);
	} else if (still) {
		o->code = EXIT_PARTIAL;
		snprintf(o->why, sizeof(o->why), "node %d is still %s after remediation: %s", still->node,
			 level_name(still->level), still->why);
	} else {
		o->code = EXIT_OK;
		o->why[0] = '\0';
	}
}

/* The most severe node whose remediation min_interval holds back, and how many are. */
static const struct finding *most_held_back(const struct finding *f, unsigned n, unsigned *held)
{
	const struct finding *first = NULL;
	unsigned i;

	*held = 0;
	for (i = 0; i < n; i++) {
		if (f[i].kind != FINDING_FRAGMENTATION || f[i].held_until <= 0 || f[i].level == LEVEL_OK)
			continue;
		(*held)++;
		if (!first || f[i].level > first->level)
			first = &f[i];
	}
	return first;
}

/* "2026-05-01 12:00:00 UTC", or the seconds since the epoch where that cannot be said. */
static void utc_time(char *buf, size_t size, double t)
{
	time_t secs = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&secs, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%.0f", t);
}

void act_held_back(const struct finding *f, unsigned n, struct outcome *o)
{
	const struct finding *first;
	unsigned held;
	char until[32];

	if (o->code != EXIT_OK)
		return;
	first = most_held_back(f, n, &held);
	if (!first)
		return;
	utc_time(until, sizeof(until), first->held_until);
	o->code = EXIT_PARTIAL;
	snprintf(o->why, sizeof(o->why), "node %d is %s, its remediation held back by min_interval until %s",
		 first->node, level_name(first->level), until);
	if (held > 1)
		str_append(o->why, sizeof(o->why), " (and %u more node%s held back)", held - 1, held > 2 ? "s" : "");
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

void act_free(struct act_run *r)
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

static int require_files(const struct act_run *r, struct bc_error *err)
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

int act_begin(struct act_run *r, struct bc_error *err)
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
/* The nodes whose remediation completed, at the time this run started: whether any. */
static bool record_nodes(struct act_run *r, const struct action_result *res)
{
	bool any = false;
	unsigned i;

	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->remediated && remedy_completed(f, res) && f->node < STATE_MAX_NODES) {
			r->st.last[f->node] = r->started;
			any = true;
		}
	}
	return any;
}

/* How each policy target's reservation ended (state_outcome()): whether any is recorded. */
static bool record_pools(struct act_run *r, const struct action_result *res, const struct snapshot *after)
{
	struct pool_outcome o;
	bool any = false;
	unsigned i;

	for (i = 0; i < r->plan.n; i++) {
		const struct action *a = &r->plan.a[i];

		if (a->kind != ACT_RESERVE || !a->judged ||
		    !state_outcome(a, &res[i], r->started, plan_free_kb(after ? after : &r->snap, a->node),
				   state_pool(&r->st, a->size_kb, a->node), &o))
			continue;
		if (state_set_pool(&r->st, &o) < 0) {
			act_warn("out of memory: a pool's outcome is not recorded");
			continue;
		}
		any = true;
	}
	return any;
}

static void record_remediated(struct act_run *r, const struct action_result *res,
			      const struct snapshot *after)
{
	struct bc_error e;
	bool nodes = record_nodes(r, res);

	if ((record_pools(r, res, after) || nodes) && state_save(r->a->root, r->state_path, &r->st, &e) < 0)
		act_warn(e.msg);
}

/* A node the plan remediated that is still over its threshold, judged on after. */
static bool still_over(struct act_run *r, const struct snapshot *after, struct finding *out,
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
void act_sysctl_warnings(struct act_run *r, struct report *rep)
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
		act_warn(r->conflicts[i].text);
	if (r->sysctl.unread[0] && !log_quiet())
		log_print(LOG_NOTICE, "buddyctl: note: sysctl files not read, so not compared with the policy: %s\n",
			  r->sysctl.unread);
}

/*
 * Not permitted to take the lock: first whether the actions themselves are
 * permitted (they need root, as a rule), then the lock. The plan was made
 * without the lock and is not executed.
 */
static int refused(struct act_run *r, struct bc_error *err)
{
	if (r->plan.n && perms_check(r->a->root, &r->plan, err) < 0)
		return -BC_EPERM;
	*err = r->lock_why;
	return -BC_EPERM;
}

/*
 * A plan that is not executed (a dry run, nothing to do, a capture's):
 * printed, with whether the real run could write (here, not of a capture);
 * apply's exit status says which remediation min_interval held back.
 */
static int report_unexecuted(struct act_run *r, struct report *rep, struct bc_error *err)
{
	const struct act_args *a = r->a;
	struct bc_error perm = { 0 };
	struct outcome o = { .code = EXIT_OK };
	int rc;

	if (r->plan.n && !a->buddyinfo && perms_check(a->root, &r->plan, &perm) < 0)
		rep->not_permitted = perm.msg;
	if (!a->dry_run)
		act_held_back(r->findings, r->nr_findings, &o);
	rep->exit_code = o.code;
	rep->exit_reason = o.why;
	rc = act_print_report(a, rep, err);
	return rc < 0 ? rc : o.code;
}

/* The machine after the actions, and what the run learns from it. */
struct after {
	struct snapshot snap;
	bool have;			/* snap was read */
	struct finding still;		/* a remediated node still over its threshold */
	bool over;			/* still is one */
	struct snap_diff diff;		/* before -> after */
	bool have_diff;
};

/*
 * The second snapshot (the writes happened: they are reported even if it
 * cannot be read), a remediated node still over its threshold, and into
 * the state file what completed (unless the lock was lost).
 */
static void read_after(struct act_run *r, const struct kctx *c, const struct action_result *results,
		       struct after *aft, struct bc_error *err)
{
	aft->have = snapshot_read(r->a->root, &aft->snap, err) == 0;
	if (!aft->have)
		log_print(LOG_WARNING, "buddyctl: after the actions: %s (no before/after comparison)\n", err->msg);
	if (!r->have_pol)
		return;
	if (aft->have)
		aft->over = still_over(r, &aft->snap, &aft->still, err);
	if (!c->lock_lost[0])
		record_remediated(r, results, aft->have ? &aft->snap : NULL);
}

static void after_free(struct after *aft)
{
	snap_diff_free(&aft->diff);
	if (aft->have)
		snapshot_free(&aft->snap);
}

/* Execute the plan, read the machine again, report: the exit status or -kind. */
static int execute_and_report(struct act_run *r, struct report *rep, double t0, struct bc_error *err)
{
	struct kctx c = { .root = r->a->root, .stop = (volatile int *)&stop_flag,
			  .lock = r->locked ? &r->lock : NULL };
	struct action_result *results;
	struct after aft = { .have = false };
	struct outcome o;
	int rc;

	rc = perms_check(r->a->root, &r->plan, err);
	if (rc < 0)
		return rc;
	results = calloc(r->plan.n, sizeof(*results));
	if (!results)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	execute_plan(&c, &r->plan, results);
	if (r->lock.retaken)
		log_print(LOG_WARNING, "buddyctl: warning: %s: the lock file was removed while held; it was taken again\n",
			r->lock.path);
	read_after(r, &c, results, &aft, err);
	act_outcome(&r->plan, results, &c, aft.over ? &aft.still : NULL, &o);
	act_held_back(r->findings, r->nr_findings, &o);
	rep->executed = true;
	rep->after = aft.have ? &aft.snap : NULL;
	/* the difference, computed once for whichever renderer */
	if (aft.have && snapshot_diff(&r->snap, &aft.snap, &aft.diff, err) == 0)
		rep->diff = &aft.diff;
	rep->results = results;
	rep->total_ms = (clock_mono_s() - t0) * 1000;
	rep->exit_code = o.code;
	rep->exit_reason = o.why;
	rc = act_print_report(r->a, rep, err);
	after_free(&aft);
	free(results);
	kw_free(&c);
	return rc < 0 ? rc : o.code;
}

int act_run_plan(struct act_run *r, struct bc_error *err)
{
	const struct act_args *a = r->a;
	struct report rep = { .command = r->command, .dry_run = a->dry_run, .before = &r->snap,
			      .findings = r->findings, .nr_findings = r->nr_findings, .plan = &r->plan,
			      .policy = r->have_pol ? r->pol.path : NULL, .boot = r->boot };
	double t0 = clock_mono_s();

	if (r->lock_refused)
		return refused(r, err);
	if (r->have_pol)
		act_sysctl_warnings(r, &rep);
	if (a->dry_run || !r->plan.n || a->buddyinfo)
		return report_unexecuted(r, &rep, err);
	return execute_and_report(r, &rep, t0, err);
}

int act_load_policy(struct act_run *r, struct bc_error *err)
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

int act_policy_and_snapshot(struct act_run *r, struct bc_error *err)
{
	int rc = act_load_policy(r, err);

	if (rc == 0) {
		rc = cli_snapshot(r->a->root, r->a->buddyinfo, r->a->page_size, &r->snap, err);
		r->have_snap = rc == 0;
	}
	return rc;
}

