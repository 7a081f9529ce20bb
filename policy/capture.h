/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CAPTURE_H
#define BUDDYCTL_CAPTURE_H

/*
 * One captured file given on the command line (status --buddyinfo FILE),
 * or standard input for "-": a paste, a pipe, a file, or a FIFO such as
 * <(ssh host cat /proc/buddyinfo).
 */

#include <stddef.h>

#include "errors.h"

/*
 * buddyinfo is about 100 bytes a zone: a 1024-node machine with six zones
 * and 14 orders of 21-digit counts is 2.1 MB. Anything larger than 8 MiB is
 * not a buddyinfo capture, and reading it is not allowed to go on unbounded.
 */
#define CAPTURE_MAX (8u << 20)

/*
 * Read file ("-": standard input) whole into a new NUL-terminated buffer,
 * at most CAPTURE_MAX bytes. *name gets what messages call it ("standard
 * input", or file). Returns 0, or -BC_ENOINPUT (cannot open, a directory),
 * -BC_EIO (read error), -BC_EDATA (larger than CAPTURE_MAX), -BC_ENOMEM,
 * with err naming it.
 */
int capture_read(const char *file, char **buf, size_t *len, const char **name,
		 struct bc_error *err);

#endif
