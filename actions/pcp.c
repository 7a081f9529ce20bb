/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm/stat_refresh (mode 0600): a write folds every CPU's counters into the
 * global ones and, on the way, decays each per-CPU free list toward its
 * floor (high_min), freeing the pages above it into the buddy allocator.
 * Pages on those lists are in neither buddyinfo nor MemFree
 * (KERNEL.md §9); after a large free they can be a GiB per
 * CPU, and they keep their neighbours from merging into 2M blocks. One
 * write takes a share, so it is repeated while MemFree grows.
 */
#include "pcp.h"

#include "kernel.h"
#include "snapshot.h"

#define DRAIN_MAX_WRITES 128

int pcp_drain_run(struct kctx *c, int *errnum, struct bc_error *err)
{
	uint64_t before = kw_meminfo_kb(c, MI_MEM_FREE), after;
	int rc = 0;

	for (unsigned i = 0; i < DRAIN_MAX_WRITES; i++) {
		rc = kw_trigger(c, KFILE_STAT_REFRESH, "1", errnum, err);
		if (rc < 0 || c->dry_run)
			break;
		after = kw_meminfo_kb(c, MI_MEM_FREE);
		if (after <= before)
			break;		/* nothing more came back */
		/* the step started within the budget; its repeats stop with it */
		if (kw_out_of_time(c))
			break;
		before = after;
	}
	return rc;
}
