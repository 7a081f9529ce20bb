/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_NODELIST_H
#define BUDDYCTL_NODELIST_H

/* Node lists in the kernel's list format ("0,2-3") as libnuma masks. */

#include <stddef.h>

#include <numa.h>

#include "errors.h"
#include "snapshot.h"

/*
 * Parse a node list in the kernel's list format ("0", "0,2-3", "" for an
 * empty set), as in /sys/devices/system/node/online and as given to --node,
 * into a new libnuma bitmask. A trailing newline is allowed.
 *
 * libnuma's numa_parse_nodestring() cannot be used here: it checks every id
 * against the nodes of the running kernel, while buddyctl also reads trees
 * of other machines (--root). The mask type is libnuma's.
 *
 * what names the source in messages ("--node", a file path).
 * Returns 0 and *out, or -BC_EDATA (-BC_EUSAGE if usage) with err filled.
 */
int nodelist_parse(const char *s, size_t len, const char *what, int kind,
		   struct bitmask **out, struct bc_error *err);

/*
 * mask in the kernel's list format ("0,2-3,6") into buf; a list too long
 * for it ends in "...".
 */
void nodelist_format(const struct bitmask *mask, char *buf, size_t size);

/* Lowest id set in mask, or -1 when it is empty. */
int nodelist_min(const struct bitmask *mask);

/* Highest id set in mask, or -1 when it is empty. */
int nodelist_max(const struct bitmask *mask);

/*
 * A node list given on the command line, named what in messages ("--node",
 * "reserve: '2M:1@4'"): an empty list is refused, its syntax checked and,
 * with snap, that every node in it exists and has memory. 0 and *out (to
 * free with numa_bitmask_free()), or -BC_EUSAGE with err naming the node.
 */
int nodelist_select(const char *list, const char *what, const struct snapshot *snap,
		    struct bitmask **out, struct bc_error *err);

/*
 * The syntax of a node list given on the command line, before the machine
 * is read (nodelist_select() without a snapshot, the mask freed). 0 or
 * -BC_EUSAGE with err filled.
 */
int nodelist_check(const char *list, const char *what, struct bc_error *err);

#endif
