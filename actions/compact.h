/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_COMPACT_H
#define BUDDYCTL_COMPACT_H

/* Compaction through the kernel: one node's nodeN/compact, or vm/compact_memory. */

#include "kwrite.h"

/*
 * Compact one node (sys/devices/system/node/nodeN/compact) or, with node
 * < 0, every node (proc/sys/vm/compact_memory): kfile_compact() in
 * kernel.h. Synchronous: returns when the kernel is done. 0 or -kind;
 * *errnum gets the errno.
 */
int compact_run(struct kctx *c, int node, int *errnum, struct bc_error *err);

#endif
