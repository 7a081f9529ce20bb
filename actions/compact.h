/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_COMPACT_H
#define BUDDYCTL_COMPACT_H

/* Compaction through the kernel: one node's nodeN/compact, or vm/compact_memory. */

#include <stddef.h>

#include "kwrite.h"

/*
 * Compact one node (sys/devices/system/node/nodeN/compact) or, with node
 * < 0, every node (proc/sys/vm/compact_memory). Synchronous: returns when
 * the kernel is done. 0 or -kind; *errnum gets the errno.
 */
/* The file compact_run() writes for node (< 0: every node), relative to the root. */
void compact_path(char *buf, size_t size, int node);

int compact_run(struct kctx *c, int node, int *errnum, struct bc_error *err);

#endif
