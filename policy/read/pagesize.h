/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PAGESIZE_H
#define BUDDYCTL_PAGESIZE_H

/*
 * The base page size of the machine a snapshot came from. buddyinfo counts
 * blocks of pages and zoneinfo counts pages, so every size buddyctl prints
 * depends on it; a captured tree does not state it. pagesize_find() takes
 * the best evidence the tree holds, in this order (buddyctl(8) repeats it):
 *
 *   1. --page-size                                         "option"
 *   2. sysconf(_SC_PAGESIZE), when the root is the live /   "sysconf"
 *   3. KernelPageSize in a captured proc/self/smaps or
 *      proc/PID/smaps (the smallest one: the base page)     "smaps"
 *   4. a hugepage size with the number of orders: THP
 *      hpage_pmd_size, else meminfo Hugepagesize            "hugepagesize"
 *   5. node MemTotal over the node's managed pages, the
 *      nearest of 4K, 16K, 64K within a factor of 1.25     "meminfo"
 *   6. the architecture in a uname capture                 "uname"
 *   7. 4K, the page size of most machines                  "default"
 *      (the evidence first names a uname capture that is there but
 *      names no architecture buddyctl knows, with its first line)
 *
 * Never a refusal: a tree a real kernel wrote always has a page size, and
 * the output says where it came from.
 */

#include "snapshot.h"

enum page_size_source {
	PS_OPTION, PS_SYSCONF, PS_SMAPS, PS_HUGEPAGESIZE, PS_MEMINFO, PS_UNAME, PS_DEFAULT,
};

/* The JSON name of a source: "option", "sysconf", ... */
const char *pagesize_source_name(enum page_size_source s);

/*
 * Parse a page size as given to --page-size: "4K", "16K", "64K", "64kB" or
 * bytes ("65536"). 0 and *bytes, or -1 when it is not a page size.
 */
int pagesize_parse(const char *s, unsigned *bytes);

/*
 * Set snap->page_size, page_size_source and page_size_evidence from the
 * evidence above; given is --page-size in bytes, or 0. Needs nr_orders, the
 * zones, node and global meminfo read. Returns 0, or -BC_EDATA when a
 * captured smaps is malformed (a bad KernelPageSize line, named).
 */
int pagesize_find(struct snapshot *snap, unsigned given, struct bc_error *err);

#endif
