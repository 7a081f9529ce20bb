/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc/sys/vm/compact_memory: mode 0200, proc_dointvec; any value but 1 is
 * EINVAL on recent kernels. sys/devices/system/node/nodeN/compact: mode
 * 0200, the value is ignored, always returns the count. Both run
 * compact_node() in the writer's context: the write returns when done.
 */
#include "compact.h"

#include "kernel.h"

int compact_run(struct kctx *c, int node, int *errnum, struct bc_error *err)
{
	char rel[96];

	kfile_compact(rel, sizeof(rel), node);
	return kw_trigger_retry(c, rel, "1", errnum, err);
}
