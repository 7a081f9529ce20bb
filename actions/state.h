/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_STATE_H
#define BUDDYCTL_STATE_H

#include "errors.h"

/*
 * When each node was last remediated, for the policy's min_interval. The
 * file holds "node N EPOCH_SECONDS" lines and is one of buddyctl's own files
 * (ownfile.h): inside --root, never through a symlink, regular files only,
 * replaced atomically so that an interrupted run never leaves half of it.
 */

#define STATE_MAX_NODES 1024

/*
 * Fill last[0..STATE_MAX_NODES) (0 = never) from the file at path under
 * root. A missing file is no error. A bad file never stops a run: an entry
 * that is not "node N SECONDS" with N below STATE_MAX_NODES and SECONDS a
 * whole number of seconds not after now (plus a minute), and a file that
 * is not a regular file, are ignored and described in *warn (one line,
 * warn->msg[0] set; the contents are never quoted). 0, or -BC_ENOMEM.
 */
int state_load(const char *root, const char *path, double now, double *last,
	       struct bc_error *warn);

/* Write last[] (non-zero entries) to path under root. 0 or -BC_ECANTCREAT. */
int state_save(const char *root, const char *path, const double *last, struct bc_error *err);

#endif
