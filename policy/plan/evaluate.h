/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_EVALUATE_H
#define BUDDYCTL_EVALUATE_H

/*
 * The policy's plan: the findings of policy_judge() (judge.h), then what
 * remedies them, then every hugepage target not yet met.
 */

#include "config.h"
#include "errors.h"
#include "judge.h"
#include "plan.h"
#include "snapshot.h"

/*
 * policy_judge(), then the plan: remediation for nodes at warn/crit
 * (honouring min_interval through mem->last_remediated[]; held back:
 * held_until), then every hugepage target not yet met, the largest size
 * first (leaving out the dropping steps mem->pools shows fruitless:
 * plan_reserve_node()); a pool above its count is left as it is unless
 * its section says `shrink = yes`. mem may be NULL (nothing remembered).
 * plan is made afresh but for its maps (plan->maps, nr_maps: the caller's,
 * zero or set), by which the gigantic pools are planned.
 * Returns 0, -BC_ECONFIG (a target above what a node could ever hold,
 * without `force = yes`: FILE:LINE named) or -BC_ENOMEM.
 */
int policy_evaluate(const struct snapshot *snap, const struct policy *pol,
		    const struct remembered *mem,
		    struct finding **findings, unsigned *nr_findings,
		    struct plan *plan, struct bc_error *err);

/*
 * apply --pools-only (the boot unit): keep only the plan's hugepage
 * reservations; fragmentation findings lose their remediation and say so.
 */
void plan_pools_only(struct plan *plan, struct finding *findings, unsigned nr_findings);

#endif
