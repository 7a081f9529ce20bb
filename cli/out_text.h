/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_TEXT_H
#define BUDDYCTL_OUT_TEXT_H

/* status, estimate, diff and map for people, within 80 columns. */

#include <stdio.h>

#include "diff.h"
#include "estimate.h"
#include "map_view.h"
#include "mapjudge.h"
#include "output.h"
#include "snapshot.h"

/* status as text. 0, or -1 when writing to f failed. */
int status_text(FILE *f, const struct snapshot *snap, const struct outopts *o);

/*
 * estimate as text: a table of the n estimates e[] of snap, then how each
 * figure was derived. 0, or -1 when writing to f failed.
 */
int estimate_text(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n);

/*
 * map as text (cli/cmd_map.c calls them in this order): the header and the
 * legend; per node its line, each range's character, its sums and verdict;
 * the end. 0, or -1 when writing failed.
 */
int map_text_begin(struct map_view *v);
int map_text_node_begin(struct map_view *v, const struct pagemap_acc *a);
void map_text_range(struct map_view *v, const struct map_range *m);
int map_text_node_end(struct map_view *v, const struct pagemap_summary *s, const char *verdict);
int map_text_end(struct map_view *v);

/*
 * diff as text: the two sides, then per node check's level and index, the
 * verdicts, the zones' indices and their free blocks per order, before and
 * after. 0, or -1 when writing to f failed.
 */
int diff_text(FILE *f, const struct snap_diff *d, const struct diff_side *b, const struct diff_side *a);

#endif
