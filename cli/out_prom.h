/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_PROM_H
#define BUDDYCTL_OUT_PROM_H

/* status and check in the Prometheus text format. */

#include <stdint.h>
#include <stdio.h>
#include <time.h>

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

/* The map's sums of the nodes read (s[nr]) at one size. */
struct map_sums {
	uint64_t size_kb;
	const struct pagemap_summary *s;
	unsigned nr;
};

/*
 * map for Prometheus: per class the sums of each size in ms[nr_sizes], when
 * the reading began (taken, Unix time) and how long it took. 0, or -1 when
 * writing failed.
 */
int map_prometheus(FILE *f, const struct map_sums *ms, unsigned nr_sizes, const struct timespec *taken,
		   double seconds);

#endif
