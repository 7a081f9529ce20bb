/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_BUDDYINFO_H
#define BUDDYCTL_BUDDYINFO_H

/* Parsing /proc/buddyinfo: the free blocks of every zone, by order. */

#include <stddef.h>

#include "snapshot.h"

/*
 * Parse /proc/buddyinfo text into snap: sets snap->nr_orders and, for every
 * line, the zone's free_blocks[], free_pages and in_buddyinfo (nodes and
 * zones are added as met). path is used in messages only.
 * Returns 0 or -BC_EDATA / -BC_ENOMEM with err filled.
 */
int buddyinfo_parse(struct snapshot *snap, const char *path,
		    const char *buf, size_t len, struct bc_error *err);

/*
 * The same for a capture whose first line was line first_line of what was
 * given (capture.h: lines before the kernel's text were skipped), so that
 * messages name the line as the user sees it.
 */
int buddyinfo_parse_from(struct snapshot *snap, const char *path, unsigned first_line,
			 const char *buf, size_t len, struct bc_error *err);

#endif
