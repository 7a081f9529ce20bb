/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_MAP_H
#define BUDDYCTL_CMD_MAP_H

/* `buddyctl map`: every aligned range of a size, per node, and what is in it. */

#include "cmd_status.h"
#include "errors.h"

/*
 * `buddyctl map [--size SIZE]`: size is --size as typed, or NULL (the
 * largest hugepage size). Honours a->root, a->format (text, json,
 * prometheus), a->nodes, a->color, a->page_size. 0, or -kind with err
 * filled: -BC_EPERM without root, -BC_ENOINPUT without kpageflags,
 * -BC_EDATA for a file cut short.
 */
int cmd_map(const struct status_args *a, const char *size, struct bc_error *err);

#endif
