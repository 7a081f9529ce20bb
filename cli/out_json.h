/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_JSON_H
#define BUDDYCTL_OUT_JSON_H

/*
 * Every JSON document: status, estimate, the report of a run, diff, map. Each
 * is one object followed by a newline, described by its schema in
 * man/schema/. Each returns 0, or -1 when writing to f failed.
 */

#include <stdio.h>

#include "diff.h"
#include "estimate.h"
#include "map_view.h"
#include "mapjudge.h"
#include "output.h"
#include "report.h"
#include "snapshot.h"

/* status (man/schema/status.schema.json). */
int status_json(FILE *f, const struct snapshot *snap, const struct outopts *o);

/* estimate: the n estimates e[] of snap (man/schema/estimate.schema.json). */
int estimate_json(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n);

/*
 * The report of check (man/schema/check.schema.json), or of plan, apply and
 * the one-off actions (man/schema/plan.schema.json).
 */
int report_json(FILE *f, const struct report *r);

/* diff: d, from side b to side a (man/schema/diff.schema.json). */
int diff_json(FILE *f, const struct snap_diff *d, const struct diff_side *b, const struct diff_side *a);

/*
 * map as JSON, in the order cli/cmd_map.c calls them: the header, per node
 * its zones, each range, its sums and verdict; the end. 0, or -1 when
 * writing failed.
 */
int map_json_begin(struct map_view *v);
int map_json_node_begin(struct map_view *v, const struct pagemap_acc *a);
void map_json_range(struct map_view *v, const struct map_range *m);
int map_json_node_end(struct map_view *v, const struct pagemap_summary *s, const char *verdict);
int map_json_end(struct map_view *v);

#endif
