/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc/sys/vm/compact_memory: mode 0200, proc_dointvec; any value but 1 is
 * EINVAL on recent kernels. sys/devices/system/node/nodeN/compact: mode
 * 0200, the value is ignored, always returns the count. Both run
 * compact_node() in the writer's context: the write returns when done.
 */
#include "compact.h"

#include <stdio.h>

void compact_path(char *buf, size_t size, int node)
{
	if (node < 0)
		snprintf(buf, size, "proc/sys/vm/compact_memory");
	else
		snprintf(buf, size, "sys/devices/system/node/node%d/compact", node);
}

int compact_run(struct kctx *c, int node, int *errnum, struct bc_error *err)
{
	char rel[96];

	compact_path(rel, sizeof(rel), node);
	return kw_trigger_retry(c, rel, "1", errnum, err);
}
