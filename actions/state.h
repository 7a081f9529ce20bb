/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_STATE_H
#define BUDDYCTL_STATE_H

#include "errors.h"

/*
 * When each node was last remediated, for the policy's min_interval. The
 * file holds "node N EPOCH_SECONDS" lines; it is replaced atomically
 * (temporary file + rename) so an interrupted run never leaves half of it.
 */

#define STATE_MAX_NODES 1024

/* Fill last[0..STATE_MAX_NODES) (0 = never). A missing file is not an error. */
int state_load(const char *path, double *last, struct bc_error *err);

/* Write last[] (non-zero entries) to path. 0 or -BC_ECANTCREAT. */
int state_save(const char *path, const double *last, struct bc_error *err);

#endif
