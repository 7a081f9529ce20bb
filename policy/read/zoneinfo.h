/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ZONEINFO_H
#define BUDDYCTL_ZONEINFO_H

/* Parsing /proc/zoneinfo: the watermarks, sizes and per-CPU free pages of every zone. */

#include <stddef.h>

#include "snapshot.h"

/*
 * Parse /proc/zoneinfo text into snap: for every zone (populated or not) the
 * free pages, watermarks min/low/high, spanned/present/managed and the
 * protection array. Every zone must carry all of them, but managed, which
 * older kernels lack in every zone: then present stands in for it and
 * snap->managed_from_present is set.
 * Returns 0 or -BC_EDATA / -BC_ENOMEM with err filled.
 */
int zoneinfo_parse(struct snapshot *snap, const char *path,
		   const char *buf, size_t len, struct bc_error *err);

#endif
