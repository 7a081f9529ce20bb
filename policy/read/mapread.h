/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_MAPREAD_H
#define BUDDYCTL_MAPREAD_H

/*
 * The map's sums of every selected memory node for one size, read from
 * root's kpageflags (and kpagecgroup) without rendering: for the estimate,
 * the reports and the executor's look after a step. Which page and range is
 * what is the judge's (a struct pagemap_judge, judge/mapjudge.h's
 * pagemap_judging): this stage only reads and hands on.
 */

#include <stdint.h>

#include "errors.h"
#include "pagemap.h"
#include "snapshot.h"

struct bitmask;

/*
 * The sums of ranges of size_kb of each memory node of snap selected by sel
 * (NULL: every one), classified by j, into sums (snap->nr_nodes entries);
 * *nr gets how many, in node order. The cgroups the sums name as owners get
 * their paths (cgroup_owner_paths()), and owners_read says whether
 * kpagecgroup was there to read them. 0, or -kind with err filled:
 * -BC_EPERM without root, -BC_ENOINPUT without kpageflags, -BC_EDATA for a
 * file cut short or a zone without start_pfn, what the judge refuses.
 */
int map_read_sums(const char *root, const struct snapshot *snap, uint64_t size_kb,
		  const struct bitmask *sel, const struct pagemap_judge *j,
		  struct pagemap_summary *sums, unsigned *nr, struct bc_error *err);

/*
 * The paths of the memory cgroups o[0..n) by their kpagecgroup inode, in
 * the memory controller's hierarchy under root ("/" for its root, else
 * "/a/b"); "" where none has the inode. The walk stops once every inode is
 * found, and visits at most CGROUP_WALK_MAX directories, CGROUP_WALK_DEPTH
 * deep: bounded in time and memory whatever the machine runs.
 */
void cgroup_owner_paths(const char *root, struct pagemap_owner *o, unsigned n);

#define CGROUP_WALK_MAX 65536
#define CGROUP_WALK_DEPTH 32

#endif
