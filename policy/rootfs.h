/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ROOTFS_H
#define BUDDYCTL_ROOTFS_H

#include <stddef.h>

#include "errors.h"

/*
 * Every path to /proc and /sys is built here, from one root ("/" on the live
 * system, a fixture tree in tests). rel never starts with '/'.
 */

/* Join root and rel into out (PATH_MAX); -BC_EUSAGE when too long. */
int rootfs_path(const char *root, const char *rel, char *out, size_t size,
		struct bc_error *err);

/*
 * Read a whole file under root into a new NUL-terminated buffer. *path gets
 * the full path for messages (a buffer of PATH_MAX). A missing or unreadable
 * file is -BC_ENOINPUT, other failures -BC_EIO; *errnum gets errno or 0.
 */
int rootfs_read(const char *root, const char *rel, char **buf, size_t *len,
		char *path, int *errnum, struct bc_error *err);

/*
 * Open a sysfs directory under root once, to read many files in it with
 * rootfs_read_at(): a path walk of two components instead of ten per file.
 * Returns an fd, or -1 with errno.
 */
int rootfs_open_dir(const char *root, const char *rel);

/*
 * rootfs_read() of the sysfs attribute name (may contain '/') below dirfd;
 * dirpath is the directory's full path, for messages and *path.
 */
int rootfs_read_at(int dirfd, const char *dirpath, const char *name, char **buf,
		   size_t *len, char *path, int *errnum, struct bc_error *err);

/* 1 if the directory exists under root, 0 if not. */
int rootfs_is_dir(const char *root, const char *rel);

/* True when root names the running system's own root directory. */
int rootfs_is_live(const char *root);

#endif
