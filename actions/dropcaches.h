/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_DROPCACHES_H
#define BUDDYCTL_DROPCACHES_H

/* Dropping clean caches through vm/drop_caches, sync(2) first where asked. */

#include <stdbool.h>

#include "kwrite.h"

/*
 * Drop clean caches through vm/drop_caches (KFILE_DROP_CACHES in kernel.h):
 * level 1 page cache, 2 reclaimable slab, 3 both; with do_sync, sync(2)
 * first so that more pages are clean (never in dry-run). 0 or -kind;
 * *errnum gets the errno.
 */
int dropcaches_run(struct kctx *c, int level, bool do_sync, int *errnum, struct bc_error *err);

#endif
