/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_ESTIMATE_H
#define BUDDYCTL_CMD_ESTIMATE_H

/* `buddyctl estimate`: the command, and the estimates of every memory node for each size. */

#include <stdint.h>

#include "cmd_status.h"
#include "errors.h"
#include "estimate.h"
#include "output.h"
#include "snapshot.h"

/*
 * `buddyctl estimate [SIZE...]` (args: the sizes; none: every size the
 * kernel offers). Honours a->root, a->format (text, json), a->nodes.
 * 0 or -kind with err filled.
 */
int cmd_estimate(const struct status_args *a, char **args, int nr_args, struct bc_error *err);

/*
 * The estimates of every memory node (selected by o, if given) for each
 * size, node by node: *out (free() it) gets *nr_out entries.
 */
int estimate_all(const struct snapshot *snap, const uint64_t *sizes, unsigned nr_sizes,
		 const struct outopts *o, struct estimate **out, unsigned *nr_out,
		 struct bc_error *err);

#endif
