/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc/sys/vm/drop_caches: mode 0200, 1..4 upstream (4 only silences the log
 * line, so it is never written). Only clean, unmapped pages go: sync first.
 * Synchronous; every write is logged by the kernel ("drop_caches: 1").
 */
#include "dropcaches.h"

#include <stdio.h>
#include <unistd.h>

int dropcaches_run(struct kctx *c, int level, bool do_sync, int *errnum, struct bc_error *err)
{
	char v[4];

	if (do_sync && !c->dry_run)
		sync();
	snprintf(v, sizeof(v), "%d", level);
	return kw_trigger_retry(c, DROP_CACHES_PATH, v, errnum, err);
}
