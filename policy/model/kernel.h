/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_KERNEL_H
#define BUDDYCTL_KERNEL_H

/*
 * What buddyctl knows of the kernel besides its memory, as plain data: its
 * release and its architecture's command-line size (read/release.h reads
 * them, plan/cmdline.h plans by them), and the GRUB drop-in that carries
 * the command line's hugepage words.
 */

#include <stdbool.h>

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

/* The drop-in `plan --kernel-cmdline --grub` writes, under the root. */
#define GRUB_DROPIN "/etc/default/grub.d/zz-buddyctl.cfg"

#endif
