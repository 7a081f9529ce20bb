/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_SNAPSHOT_READ_H
#define BUDDYCTL_SNAPSHOT_READ_H

/*
 * Reading a snapshot (snapshot.h) from a root directory, a buddyinfo
 * capture or a status JSON: every file under the root handed to its parser,
 * what could not be read noted with what it takes away, the page size and
 * the hugepage order worked out last.
 */

#include <stddef.h>

#include "errors.h"
#include "snapshot.h"

/* How to read a snapshot, beyond the root. */
struct snap_opts {
	unsigned page_size;		/* --page-size in bytes; 0: work it out (pagesize.h) */
};

/*
 * Read every file under root into a new snapshot. Returns 0, or -kind with
 * err filled; on error nothing is allocated. opts may be NULL.
 */
int snapshot_read_opts(const char *root, const struct snap_opts *opts, struct snapshot *snap,
		       struct bc_error *err);
int snapshot_read(const char *root, struct snapshot *snap, struct bc_error *err);

struct capture;

/*
 * A snapshot of a single buddyinfo capture, file or "-" for standard input
 * (capture.h): every other input missing, the page size from --page-size
 * or assumed. Returns 0 or -kind with err filled.
 */
int snapshot_read_capture(const char *file, const struct snap_opts *opts, struct snapshot *snap,
			  struct bc_error *err);

/*
 * The same from a capture already read (capture_read()); c->name is kept
 * as snap->capture: it must outlive snap.
 */
int snapshot_from_capture(const struct capture *c, const struct snap_opts *opts,
			  struct snapshot *snap, struct bc_error *err);

struct statusjson_info;

/*
 * A snapshot from buddyctl's own status JSON in buf[len] (statusjson.h):
 * the page size, orders and hugepage order it records, the nodes and zones
 * with their free blocks and, where recorded, zoneinfo fields; everything
 * else missing ("not in a status JSON file"). info gets what the file says
 * beyond that (free info->verdicts). Returns 0 or -kind with err filled.
 */
int snapshot_from_status_json(const char *name, const char *buf, size_t len, struct snapshot *snap,
			      struct statusjson_info *info, struct bc_error *err);

#endif
