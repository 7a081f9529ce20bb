/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm/stat_refresh (mode 0600): a write folds every CPU's counters into the
 * global ones and, on the way, decays each per-CPU free list toward its
 * floor (high_min), freeing the pages above it into the buddy allocator.
 * Pages on those lists are in neither buddyinfo nor MemFree
 * (kernel-interfaces.md §1, §7); after a large free they can be a GiB per
 * CPU, and they keep their neighbours from merging into 2M blocks. One
 * write takes a share, so it is repeated while MemFree grows.
 */
#include "pcp.h"

#include <limits.h>
#include <stdlib.h>

#include "meminfo.h"
#include "rootfs.h"

#define DRAIN_MAX_WRITES 128

/* MemFree in kB from proc/meminfo, or 0 when it cannot be read. */
static uint64_t memfree_kb(const struct kctx *c)
{
	struct meminfo mi = { 0 };
	struct bc_error err;
	char path[PATH_MAX], *buf;
	size_t len;
	int errnum;

	if (rootfs_read(c->root, "proc/meminfo", &buf, &len, path, &errnum, &err) < 0)
		return 0;
	if (meminfo_parse(&mi, -1, path, buf, len, &err) < 0)
		mi.v[MI_MEM_FREE] = 0;
	free(buf);
	return mi.v[MI_MEM_FREE];
}

int pcp_drain_run(struct kctx *c, int *errnum, struct bc_error *err)
{
	uint64_t before = memfree_kb(c), after;
	int rc = 0;

	for (unsigned i = 0; i < DRAIN_MAX_WRITES; i++) {
		rc = kw_trigger(c, STAT_REFRESH_PATH, "1", errnum, err);
		if (rc < 0 || c->dry_run)
			break;
		after = memfree_kb(c);
		if (after <= before)
			break;		/* nothing more came back */
		before = after;
	}
	return rc;
}
