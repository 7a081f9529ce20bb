/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_HUGEPAGES_H
#define BUDDYCTL_HUGEPAGES_H

/* Reading the hugepage pools, global and per node, under sys/kernel/mm/hugepages. */

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/*
 * Parse a hugepage directory name, "hugepages-<kB>kB" (hugetlb_add_hstate()),
 * into its size. Returns 0, or -1 when the name is not one.
 */
int hugepages_dirname_kb(const char *name, uint64_t *size_kb);

/*
 * Read every hugepage size under sys/kernel/mm/hugepages (sizes are
 * discovered, never assumed) and its global counts into snap->pools, sorted
 * by size. No hugepages directory: 0, no pools and *errnum ENOENT (a kernel
 * without hugetlb, or a tree without the directory; the caller decides).
 * Returns 0 or -kind with err filled; -BC_ENOINPUT with *errnum when a file
 * is missing or unreadable.
 */
int hugepages_read_global(struct snapshot *snap, int *errnum, struct bc_error *err);

/*
 * Read one node's nr/free/surplus of every size in sizes[] from
 * hugepages/hugepages-<kB>kB/ below the node directory nodefd, opened under
 * root (nodepath for messages), into a new array *pools. Thread-safe. 0 or -kind; -BC_ENOINPUT
 * with *errnum when a file is missing or unreadable.
 */
int hugepages_read_node(const char *root, int nodefd, const char *nodepath, const struct hugepool *sizes,
			unsigned nr_sizes, struct hugepool **pools, int *errnum, struct bc_error *err);

#endif
