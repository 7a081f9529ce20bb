/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_JSON_H
#define BUDDYCTL_OUT_JSON_H

/* The JSON documents of status, estimate and map. */

#include <stdio.h>

#include "estimate.h"
#include "mapjudge.h"
#include "output.h"
#include "snapshot.h"

/* status as JSON. 0, or -1 when writing to f failed. */
int status_json(FILE *f, const struct snapshot *snap, const struct outopts *o);

/* estimate as JSON: the n estimates e[] of snap. 0, or -1 when writing to f failed. */
int estimate_json(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n);

/* One estimate as a JSON object (also inside the report). */
void estimate_json_one(FILE *f, const struct estimate *e);

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
