/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OWNFILE_H
#define BUDDYCTL_OWNFILE_H

/*
 * The files buddyctl itself writes, as root and often unattended: the state
 * file and `status --output` (the lock file is in lock.c, on the same
 * rules). Each is found with rootfs_parent() under the root it is given
 * (the state under --root is inside the tree; --output is given "/": the
 * path as typed); it is never reached through a symlink, must be a regular
 * file when it exists, and is never opened in a way that could block (a
 * FIFO).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "errors.h"

#include "rootfs.h"

/* "a directory", "a FIFO", "a symbolic link", ... for messages (rootfs.h's). */
static inline const char *ownfile_type_name(mode_t mode)
{
	return rootfs_type_name(mode);
}

/*
 * Read the whole file (at most max bytes; more is -kind). Returns 0 with a
 * new NUL-terminated *buf, 1 when the file (or its directory) does not
 * exist, or -kind with err naming the file and why it was refused.
 */
int ownfile_read(const char *root, const char *path, size_t max, enum bc_err_kind kind,
		 char **buf, size_t *len, struct bc_error *err);

/*
 * Replace the file atomically with what render() writes: a new temporary
 * file beside it (O_EXCL, mode 0644), fsync, rename over the file, fsync the
 * directory. A target that exists and is not a regular file (a symlink, a
 * device such as /dev/null, a FIFO, a directory) is refused and left alone.
 * A SIGINT, SIGTERM or SIGHUP that would end the process meanwhile removes
 * the temporary file first. make_dirs creates missing directories.
 * 0 or -kind with err.
 */
int ownfile_replace(const char *root, const char *path, bool make_dirs, enum bc_err_kind kind,
		    int (*render)(FILE *, void *), void *ctx, struct bc_error *err);

#endif
