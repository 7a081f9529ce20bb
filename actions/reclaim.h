/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_RECLAIM_H
#define BUDDYCTL_RECLAIM_H

/* Reclaiming memory on one node only through nodeN/reclaim. */

#include <stdint.h>

#include "kwrite.h"

/*
 * Reclaim kb of memory on one node only (nodeN/reclaim: kfile_reclaim() in
 * kernel.h), the way memory pressure would:
 * clean page cache first, and reclaimable slab (no swap: swappiness=0).
 * EAGAIN means "less than asked", not failure: read meminfo to see what
 * went. kb 0 writes nothing. 0 or -kind; *errnum gets the errno (EAGAIN included).
 */
int reclaim_run(struct kctx *c, int node, uint64_t kb, int *errnum, struct bc_error *err);

#endif
