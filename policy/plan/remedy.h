/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_REMEDY_H
#define BUDDYCTL_REMEDY_H

/*
 * What `plan --kernel-cmdline` offers at the next boot beside the fragment
 * of cmdline.h, for the running kernel, each with its version rule and why
 * (KERNEL.md §7 has the rules and what QEMU guests showed):
 *  - hugepages: the fragment itself (hugepagesz=1G hugepages=0:4,1:4);
 *  - hugetlb_cma: for gigantic pools that must grow and shrink at runtime,
 *    memory set aside at boot for movable pages, from which a runtime write
 *    of nr_hugepages takes gigantic pages and to which it gives them back.
 *    Linux 5.7 (in total), 5.16 (per node, hugetlb_cma=0:4G,1:4G); only a
 *    kernel with CONFIG_CMA takes it, and only such a kernel has CmaTotal
 *    in /proc/meminfo. The kernel skips boot-time gigantic pages while it
 *    is set: it is offered in place of the fragment's gigantic words, never
 *    beside them;
 *  - hugepage_alloc_threads: Linux 6.15, non-gigantic pages only, where
 *    the fragment asks for many of them at boot;
 * and warns of the traps: a gigantic default_hugepagesz= on the running
 * command line, hugetlb_cma= there (boot-time gigantic pages skipped),
 * kernels that take a node's gigantic boot pages from another node, and a
 * fragment that takes more than half of the command line.
 */

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "kernel.h"
#include "snapshot.h"

enum remedy_option { REMEDY_HUGEPAGES, REMEDY_HUGETLB_CMA, REMEDY_ALLOC_THREADS, REMEDY_NR };

/* One option of the kernel command line, offered or not, with its rule and why. */
struct remedy {
	const char *option;	/* "hugepages", "hugetlb_cma", "hugepage_alloc_threads" */
	bool offered;
	char words[256];	/* for the command line; "" when not offered */
	char replaces[256];	/* hugetlb_cma: the fragment's words it takes the place of; else "" */
	const char *rule;	/* which releases take it, one line */
	char why[480];		/* why it helps here, or why it is not offered */
};

#define REMEDY_MAX_WARNINGS 4

/* A trap of the boot: a code for scripts and one line for people. */
struct boot_warning {
	const char *code;	/* "default-hugepagesz", "hugetlb-cma-set", "gigantic-node-fallback", "line-length" */
	char text[480];
};

struct boot_advice {
	struct remedy remedies[REMEDY_NR];	/* by enum remedy_option */
	struct boot_warning warnings[REMEDY_MAX_WARNINGS];
	unsigned nr_warnings;
};

/*
 * The advice for pol's targets on the machine of snap, running kernel kv
 * (0.0: unknown, taken as a current one) booted as boot says, whose
 * fragment (cmdline_build()) is fragment and whose command line holds
 * lim->size - 1 bytes. The text of the file's words (default_hugepagesz=)
 * is quoted as read: escape it before it is shown.
 */
void remedy_advise(const struct policy *pol, const struct snapshot *snap, const struct kernel_version *kv,
		   const struct kernel_boot *boot, const char *fragment, const struct cmdline_limit *lim,
		   struct boot_advice *adv);

#endif
