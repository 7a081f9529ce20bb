/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc/sys/vm/drop_caches: mode 0200, 1..4 upstream (4 only silences the log
 * line, so it is never written). Only clean, unmapped pages go: sync first.
 * Every write is logged by the kernel ("drop_caches: 1"). The page cache is
 * gone when the write returns; the dentries and inodes of a slab drop are
 * freed after an RCU grace period (seen in the guests: tests/vm/README.md),
 * so after one the run waits until SReclaimable stops falling, for the
 * report and for the reservation that follows.
 */
#include "dropcaches.h"

#include <stdio.h>
#include <unistd.h>

#include "kernel.h"

int dropcaches_run(struct kctx *c, int level, bool do_sync, int *errnum, struct bc_error *err)
{
	char v[4];
	int rc;

	if (do_sync && !c->dry_run)
		sync();
	snprintf(v, sizeof(v), "%d", level);
	rc = kw_trigger_retry(c, KFILE_DROP_CACHES, v, errnum, err);
	if (rc == 0 && !c->dry_run && (level & 2))
		kw_slab_settle(c);
	return rc;
}
