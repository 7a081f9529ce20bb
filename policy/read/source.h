/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_SOURCE_H
#define BUDDYCTL_SOURCE_H

/*
 * What `buddyctl diff` compares: either side is a captured tree (a
 * directory, read as --root reads it), buddyctl's own status JSON (a file
 * whose first non-blank character is '{') or a single buddyinfo capture
 * (any other file); "-" is standard input, a JSON or a buddyinfo capture.
 */

#include "errors.h"
#include "snapshot.h"
#include "snapshot_read.h"
#include "statusjson.h"

enum source_kind { SRC_TREE, SRC_BUDDYINFO, SRC_STATUS_JSON };

struct source {
	enum source_kind kind;
	const char *name;		/* for messages and output: the argument, or "standard input" */
	struct snapshot snap;
	struct statusjson_info json;	/* SRC_STATUS_JSON: its time and recorded verdicts */
	/* a file or "-": what its paste held beyond the text (capture.h), "" for none */
	char skipped[512];
};

/* "tree", "buddyinfo", "status-json". */
const char *source_kind_name(enum source_kind k);

/*
 * Read arg into src, telling its kind as above; opts (--page-size) applies
 * to trees and buddyinfo captures, a status JSON file says its page size.
 * A file or "-" is unpasted first (capture_read()), and src->skipped says
 * what that took away, also when the text then fails to parse.
 * Returns 0, or -BC_ENOINPUT (not there, unreadable), -BC_EDATA
 * (malformed: the file and line or byte named), -BC_EIO, -BC_ENOMEM.
 */
int source_read(const char *arg, const struct snap_opts *opts, struct source *src,
		struct bc_error *err);

void source_free(struct source *src);

#endif
