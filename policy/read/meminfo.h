/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_MEMINFO_H
#define BUDDYCTL_MEMINFO_H

/* Parsing /proc/meminfo, a node's meminfo and /proc/vmstat. */

#include <stddef.h>

#include "snapshot.h"

/*
 * Parse /proc/meminfo (node < 0) or /sys/devices/system/node/nodeN/meminfo
 * (every line must start "Node N ") into mi. Fields buddyctl does not use
 * are skipped; the ones it uses must be well formed and appear once, and
 * may be missing (mi->seen). Returns 0 or -BC_EDATA with err filled.
 */
int meminfo_parse(struct meminfo *mi, int node, const char *path,
		  const char *buf, size_t len, struct bc_error *err);

/*
 * Parse /proc/vmstat ("name value" lines) into vs; unknown counters are
 * skipped, and none is required (vs->seen). Returns 0 or -BC_EDATA with
 * err filled.
 */
int vmstat_parse(struct vmstat *vs, const char *path,
		 const char *buf, size_t len, struct bc_error *err);

/* The /proc/vmstat name of a counter. */
const char *vmstat_name(enum vmstat_field f);

#endif
