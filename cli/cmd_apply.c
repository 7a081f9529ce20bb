/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl apply` and `buddyctl plan`: the policy judged under the lock,
 * with what the state file remembers (when nodes were last remediated, how
 * each pool's reservation ended), into a plan that is executed or printed.
 */
#include "cmd_apply.h"

#include <time.h>

#include "cmd_cmdline.h"
#include "evaluate.h"
#include "judge.h"
#include "state.h"

/*
 * After the lock: this run's start, which the state file records, and the
 * state file itself (not for a capture, another machine's). A bad state
 * file only warns: it must never block a reservation.
 */
static int load_state(struct act_run *r, struct bc_error *err)
{
	struct timespec wall = { 0 };
	struct bc_error w;
	int rc = 0;

	(void)err;
	clock_gettime(CLOCK_REALTIME, &wall);
	r->started = (double)wall.tv_sec;
	if (!r->a->buddyinfo) {
		rc = state_load(r->a->root, r->state_path, r->started, &r->st, &w);
		act_warn(w.msg);
	}
	return rc;
}

/* The findings and the plan, from the snapshot, the policy and the state. */
static int evaluate(struct act_run *r, struct bc_error *err)
{
	struct remembered mem = { .now = r->started, .last_remediated = r->st.last,
				  .nr_last = STATE_MAX_NODES, .pools = r->st.pools,
				  .nr_pools = r->st.nr_pools };
	int rc = policy_evaluate(&r->snap, &r->pol, &mem, &r->findings, &r->nr_findings, &r->plan, err);

	if (rc == 0 && r->a->pools_only)
		plan_pools_only(&r->plan, r->findings, r->nr_findings);
	return rc;
}

int cmd_apply(const struct act_args *a, struct bc_error *err)
{
	struct act_run r = { .a = a, .command = a->dry_run ? "plan" : "apply" };
	struct boot_doc boot = { 0 };
	int rc;

	rc = act_load_policy(&r, err);
	if (rc == 0)
		rc = act_begin(&r, err);
	if (rc == 0)
		rc = policy_validate(&r.pol, &r.snap, err);
	if (rc == 0)
		rc = load_state(&r, err);
	if (rc == 0)
		rc = evaluate(&r, err);
	if (rc == 0 && a->kernel_cmdline)
		rc = cmd_kernel_cmdline_doc(&r, &boot, err);
	if (rc == 0)
		rc = act_run_plan(&r, err);
	boot_doc_free(&boot);
	act_free(&r);
	return rc;
}
