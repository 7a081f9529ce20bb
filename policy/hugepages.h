/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_HUGEPAGES_H
#define BUDDYCTL_HUGEPAGES_H

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
 * discovered, never assumed) into snap->pools, and each memory node's
 * nodeN/hugepages counts into node->pools. No hugepages directory means a
 * kernel without hugetlb: no pools, not an error.
 * Returns 0 or -kind with err filled.
 */
int hugepages_read(struct snapshot *snap, bool numa_sysfs, struct bc_error *err);

#endif
