/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PCP_H
#define BUDDYCTL_PCP_H

/* Draining the per-CPU free lists back to the buddy allocator (vm/stat_refresh). */

#include "kwrite.h"

/*
 * Give the pages on the per-CPU free lists back to the buddy allocator,
 * where they can merge into blocks: write 1 to vm/stat_refresh
 * (KFILE_STAT_REFRESH in kernel.h; every CPU
 * decays its lists toward their floor, high_min) until MemFree stops
 * growing, at most 128 times, and not again once the time budget is spent
 * (kw_out_of_time()). 0 or -kind; *errnum gets the errno.
 */
int pcp_drain_run(struct kctx *c, int *errnum, struct bc_error *err);

#endif
