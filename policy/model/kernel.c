/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel files buddyctl writes, named once: actions/ writes them, the plan shows them. */
#include "kernel.h"

#include <stdio.h>

void kfile_compact(char *buf, size_t size, int node)
{
	if (node < 0)
		snprintf(buf, size, "%s", KFILE_COMPACT_MEMORY);
	else
		snprintf(buf, size, "sys/devices/system/node/node%d/compact", node);
}

void kfile_reclaim(char *buf, size_t size, int node)
{
	snprintf(buf, size, "sys/devices/system/node/node%d/reclaim", node);
}

void kfile_nr_hugepages(char *buf, size_t size, int node, uint64_t size_kb)
{
	if (node >= 0)
		snprintf(buf, size, "sys/devices/system/node/node%d/hugepages/hugepages-%llukB/nr_hugepages",
			 node, (unsigned long long)size_kb);
	else
		snprintf(buf, size, "sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages",
			 (unsigned long long)size_kb);
}
