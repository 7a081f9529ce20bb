/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMDLINE_H
#define BUDDYCTL_CMDLINE_H

/*
 * The kernel command-line fragment equivalent to the policy's hugepage
 * targets (`plan --kernel-cmdline`): "hugepagesz=1G hugepages=0:4,1:4
 * hugepagesz=2M hugepages=2048". The rules are the kernel's
 * (hugepages_setup() and hugepagesz_setup() in mm/hugetlb.c,
 * KERNEL.md §7):
 *  - every hugepages= follows its own hugepagesz=; a hugepages= first or on
 *    its own would mean the default size, so the fragment never gives one
 *    bare, and never default_hugepagesz= (that changes what
 *    /proc/sys/vm/nr_hugepages and meminfo's HugePages_* mean);
 *  - each size once (a second hugepagesz= of a size is ignored), largest
 *    first; gigantic sizes are taken from memblock as their hugepages= is
 *    parsed, the others later, so the order of sizes changes nothing else;
 *  - `total = N` is "hugepages=N": the kernel spreads it round-robin over the
 *    memory nodes from the lowest id, which is the policy's split (lower ids
 *    take the remainder);
 *  - `count = NODE:N,...` is the per-node form "hugepages=0:4,1:4", which
 *    the kernel parses from Linux 5.16; before 5.19 it refuses a node id at or
 *    above the number of online nodes (it compared with nr_online_nodes until
 *    Peng Liu's 2022 fixes to b5389086ad7b, which stable kernels may carry
 *    earlier: the fragment does not count on them), so sparse ids need 5.19.
 *    An architecture that cannot allocate per node at boot logs "HugeTLB:
 *    architecture can't support node specific alloc" and ignores the
 *    parameter: that is not known from /sys. Where the per-node form cannot
 *    be used, counts
 *    that are the round-robin split of their sum become that sum, others are
 *    an error: the kernel would log "HugeTLB: Invalid hugepages parameter"
 *    and clear the values;
 *  - a size the machine does not offer is an error: the kernel ignores an
 *    unsupported hugepagesz= ("HugeTLB: unsupported hugepagesz=") and the
 *    hugepages= after it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "errors.h"
#include "kernel.h"
#include "snapshot.h"

/*
 * Build the fragment for pol's [hugepages SIZE] targets on the machine of
 * snap, running kernel kv, into buf (no trailing newline). Returns 0, or
 * -BC_ECONFIG naming the policy file and line when a target cannot be put on
 * the command line (a size the machine does not offer, per-node counts this
 * kernel cannot parse, a fragment longer than size - 1 bytes). A policy
 * that reserves nothing (no [hugepages] section, or only counts of 0) gives
 * an empty fragment: targets of 0 pages are left out.
 */
int cmdline_build(const struct policy *pol, const struct snapshot *snap,
		  const struct kernel_version *kv, char *buf, size_t size, struct bc_error *err);

/*
 * Does a fragment of len bytes fit on the command line, by itself? The rest
 * of the line needs room too: that is for the caller to say. 0, or
 * -BC_ECONFIG naming the policy and the limit.
 */
int cmdline_check_length(const struct policy *pol, size_t len, const struct cmdline_limit *l,
			 struct bc_error *err);

/*
 * Write the drop-in for fragment ("" when the policy reserves nothing) to f:
 * POSIX sh that grub-mkconfig sources, dropping every hugepagesz= and
 * hugepages= from GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT and
 * appending fragment to GRUB_CMDLINE_LINUX. The same fragment and policy
 * give the same text. 0, or -1 on a write error.
 */
int cmdline_grub_dropin(FILE *f, const char *fragment, const char *policy_path);

#endif
