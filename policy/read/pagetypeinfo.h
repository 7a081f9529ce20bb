/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PAGETYPEINFO_H
#define BUDDYCTL_PAGETYPEINFO_H

/* Parsing /proc/pagetypeinfo: free blocks and pageblocks by migrate type. */

#include <stddef.h>

#include "snapshot.h"

/*
 * Parse /proc/pagetypeinfo text into snap: pageblock_order, and per zone the
 * free blocks per migrate type and order (">100000" kept as at_least) and the
 * pageblocks per migrate type. Sets snap->has_pagetypeinfo.
 * Returns 0 or -BC_EDATA / -BC_ENOMEM with err filled.
 */
int pagetypeinfo_parse(struct snapshot *snap, const char *path,
		       const char *buf, size_t len, struct bc_error *err);

#endif
