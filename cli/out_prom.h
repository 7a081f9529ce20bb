/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_PROM_H
#define BUDDYCTL_OUT_PROM_H

/* status and check in the Prometheus text format. */

#include <stdio.h>

#include "map_view.h"
#include "mapjudge.h"
#include "output.h"
#include "report.h"
#include "snapshot.h"

/* status for Prometheus. 0, or -1 when writing to f failed. */
int status_prometheus(FILE *f, const struct snapshot *snap, const struct outopts *o);

/*
 * check for Prometheus: each policy pool's target and shortfall, beside
 * status' buddyctl_hugepages. 0, or -1 when writing failed.
 */
int report_prometheus(FILE *f, const struct report *r);

/*
 * map for Prometheus: the sums s[nr] of the nodes read, per class. 0, or -1
 * when writing failed.
 */
int map_prometheus(struct map_view *v, const struct pagemap_summary *s, unsigned nr);

#endif
