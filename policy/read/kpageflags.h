/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_KPAGEFLAGS_H
#define BUDDYCTL_KPAGEFLAGS_H

/*
 * Reading /proc/kpageflags and /proc/kpagecgroup (one 64-bit word per page
 * frame, at offset pfn * 8; root only, mode 0400) streamed: each thread
 * preads disjoint stretches into a buffer of its own and hands the words to
 * a struct pagemap_sink (model/pagemap.h), range by range. Memory is a few
 * buffers per thread whatever the machine's size (KERNEL.md §14).
 * /proc/kpagecount is not read: it is the map count, which no class needs,
 * and reading it costs as much as kpageflags.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "pagemap.h"

struct kpf_files {
	int flags_fd;
	int cgroup_fd;			/* -1: not read (cgroup_why says why) */
	bool tree;			/* under a root other than /: the sizes are the files' */
	uint64_t flags_size, cgroup_size;	/* tree only, bytes */
	char flags_path[PATH_MAX];	/* as messages show them */
	char cgroup_path[PATH_MAX];
	char cgroup_why[64];
};

/*
 * Open root's proc/kpageflags and, when it is there, proc/kpagecgroup.
 * -BC_EPERM when the kernel refuses (not root), -BC_ENOINPUT when
 * kpageflags is missing, -BC_EDATA when a tree's file is no whole number of
 * words or not a regular file; err names the file and the offset.
 */
int kpf_open(const char *root, struct kpf_files *f, struct bc_error *err);
void kpf_close(struct kpf_files *f);

/*
 * Read the ranges of sp with up to threads threads (at least 1), handing
 * them to sink. 0, or -kind with err filled: -BC_EDATA for a file that ends
 * before sp->need_end_pfn or in the middle of a word (the file and the
 * offset named), -BC_EIO for a failed read, what sink->range() returned.
 */
int kpf_read(const struct kpf_files *f, const struct pagemap_span *sp, unsigned threads,
	     const struct pagemap_sink *sink, struct bc_error *err);

/*
 * A tree's kpageflags reaches need_end_pfn: 0, or -BC_EDATA as kpf_read()
 * would say it. Checked before anything is written out; the live file has
 * no size to look at (0, always).
 */
int kpf_covers(const struct kpf_files *f, uint64_t need_end_pfn, struct bc_error *err);

/*
 * vm.movable_gigantic_pages under root is set (7.3 and later): gigantic
 * pages may then come from ZONE_MOVABLE. False when absent or unreadable.
 */
bool kpf_movable_gigantic(const char *root);

#endif
