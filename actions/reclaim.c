/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sys/devices/system/node/nodeN/reclaim (mode 0200, Linux 6.18 and later):
 * "SIZE [swappiness=N]" reclaims on that node only, like cgroup v2's
 * memory.reclaim, so it can be sized to a shortfall and leaves the other
 * nodes' caches alone (KERNEL.md §8). It also shrinks slab in
 * proportion: on the development VM, asking for 200M took 117M of page
 * cache and 161M of dentries. Synchronous for the page cache, EAGAIN when it
 * got less; the dentries go after an RCU grace period (kw_slab_settle()).
 */
#include "reclaim.h"

#include <errno.h>
#include <stdio.h>

#include "kernel.h"

int reclaim_run(struct kctx *c, int node, uint64_t kb, int *errnum, struct bc_error *err)
{
	char rel[96], v[48];
	int rc;

	*errnum = 0;
	if (!kb)
		return 0;	/* nothing to reclaim: no write */
	kfile_reclaim(rel, sizeof(rel), node);
	/* swappiness=0: file pages and slab, never anonymous memory into swap */
	snprintf(v, sizeof(v), "%lluK swappiness=0", (unsigned long long)kb);
	rc = kw_trigger(c, rel, v, errnum, err);
	if (rc < 0 && *errnum == EAGAIN)
		rc = 0;		/* less than asked: what went shows in meminfo */
	if (rc == 0 && !c->dry_run)
		kw_slab_settle(c);
	return rc;
}
