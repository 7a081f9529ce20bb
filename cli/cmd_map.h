/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_MAP_H
#define BUDDYCTL_CMD_MAP_H

/* `buddyctl map`: every aligned range of a size, per node, and what is in it. */

#include <stdint.h>

#include "cmd_status.h"
#include "errors.h"
#include "pagemap.h"
#include "snapshot.h"

struct bitmask;

/*
 * `buddyctl map [--size SIZE]`: size is --size as typed, or NULL (the
 * largest hugepage size). Honours a->root, a->format (text, json,
 * prometheus), a->nodes, a->color, a->page_size. 0, or -kind with err
 * filled: -BC_EPERM without root, -BC_ENOINPUT without kpageflags,
 * -BC_EDATA for a file cut short.
 */
int cmd_map(const struct status_args *a, const char *size, struct bc_error *err);

/*
 * The map's sums (model/pagemap.h) of each memory node of snap selected by
 * sel (NULL: every one) for ranges of size_kb, read from root's kpageflags
 * without rendering: for estimate and the reports. sums must hold
 * snap->nr_nodes entries; *nr gets how many were filled, in node order.
 * 0, or -kind as cmd_map() (-BC_EPERM without root, -BC_ENOINPUT without
 * kpageflags: the caller falls back to what it had).
 */
int map_read_sums(const char *root, const struct snapshot *snap, uint64_t size_kb,
		  const struct bitmask *sel, struct pagemap_summary *sums, unsigned *nr,
		  struct bc_error *err);

#endif
