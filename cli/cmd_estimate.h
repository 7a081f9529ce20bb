/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_ESTIMATE_H
#define BUDDYCTL_CMD_ESTIMATE_H

#include <stdio.h>

#include "errors.h"
#include "estimate.h"
#include "output.h"
#include "cmd_status.h"

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

/* Renderers: 0, or -1 when writing to f failed. */
int estimate_text(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n);
int estimate_json(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n);
/* One estimate as a JSON object (also inside the report). */
void estimate_json_one(FILE *f, const struct estimate *e);

#endif
