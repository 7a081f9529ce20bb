/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_KERNEL_H
#define BUDDYCTL_KERNEL_H

/*
 * What buddyctl knows of the kernel besides its memory, as plain data: its
 * release and its architecture's command-line size (read/release.h reads
 * them, plan/cmdline.h plans by them), the GRUB drop-in that carries the
 * command line's hugepage words, and the files buddyctl writes (kernel.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A kernel release as major.minor; 0.0 when unknown (the per-node form is assumed). */
struct kernel_version {
	unsigned major, minor;
};

/*
 * How long the kernel command line may be on the machine of a tree: the
 * architecture's COMMAND_LINE_SIZE (the line with its NUL), and where the
 * architecture was read.
 */
struct cmdline_limit {
	char arch[16];		/* "x86_64", "arm64", "powerpc", ...; "" when unknown */
	char source[48];	/* "proc/sys/kernel/arch", "uname(2)", ... */
	unsigned size;		/* COMMAND_LINE_SIZE: at most size - 1 characters */
	bool assumed;		/* architecture unknown: the smallest size known */
};

/*
 * What the running kernel was booted with, as far as plan/remedy.h needs it
 * (read/release.h reads it): hugepage words on its command line and its
 * CPUs.
 */
struct kernel_boot {
	bool cmdline_read;		/* proc/cmdline was read */
	char default_size[24];		/* the value of default_hugepagesz= on it, "" when none */
	bool hugetlb_cma;		/* hugetlb_cma= is on it */
	unsigned nr_cpus;		/* sys/devices/system/cpu/online; 0 when unknown */
};

/* The drop-in `plan --kernel-cmdline --grub` writes, under the root. */
#define GRUB_DROPIN "/etc/default/grub.d/zz-buddyctl.cfg"

/*
 * The files buddyctl writes, relative to the root, named here once:
 * actions/ writes them, the plan shows them (plan --dry-run, reserve
 * --dry-run), the permission check looks at them.
 */
#define KFILE_COMPACT_MEMORY "proc/sys/vm/compact_memory"	/* compact every node */
#define KFILE_DROP_CACHES "proc/sys/vm/drop_caches"
#define KFILE_STAT_REFRESH "proc/sys/vm/stat_refresh"		/* drain the per-CPU lists */

/* nodeN/compact, or with node < 0 every node's vm/compact_memory. */
void kfile_compact(char *buf, size_t size, int node);

/* nodeN/reclaim (Linux 6.18 and later). */
void kfile_reclaim(char *buf, size_t size, int node);

/* The nr_hugepages of size_kb pages on node, or with node < 0 the global one. */
void kfile_nr_hugepages(char *buf, size_t size, int node, uint64_t size_kb);

#endif
