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
#include <time.h>
#include <unistd.h>

#include "snapshot.h"

#define SETTLE_STEP_MS	20	/* between two readings of SReclaimable */
#define SETTLE_MAX	50	/* readings: 1 s at most */

/* Until SReclaimable has not fallen for two readings in a row. */
static void slab_settle(const struct kctx *c)
{
	uint64_t prev = kw_meminfo_kb(c, MI_SRECLAIMABLE), now;
	unsigned still = 0;

	for (unsigned i = 0; i < SETTLE_MAX && still < 2 && !(c->stop && *c->stop); i++) {
		nanosleep(&(struct timespec){ .tv_nsec = SETTLE_STEP_MS * 1000000L }, NULL);
		now = kw_meminfo_kb(c, MI_SRECLAIMABLE);
		still = now < prev ? 0 : still + 1;
		prev = now;
	}
}

int dropcaches_run(struct kctx *c, int level, bool do_sync, int *errnum, struct bc_error *err)
{
	char v[4];
	int rc;

	if (do_sync && !c->dry_run)
		sync();
	snprintf(v, sizeof(v), "%d", level);
	rc = kw_trigger_retry(c, DROP_CACHES_PATH, v, errnum, err);
	if (rc == 0 && !c->dry_run && (level & 2))
		slab_settle(c);
	return rc;
}
