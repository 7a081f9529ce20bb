/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ROOTFS_H
#define BUDDYCTL_ROOTFS_H

/* Opening and reading files under one root directory. */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

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
 * Under a root other than "/" (a captured tree) the files follow the rules
 * of the files buddyctl writes: only a regular file is read, and what is
 * not one (a device, a FIFO, a directory, a socket) is refused before it is
 * opened: -BC_EDATA, *errnum EMEDIUMTYPE. Under "/" procfs and sysfs
 * attributes are read as they are.
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
 * rootfs_read() of the sysfs attribute name (may contain '/') below dirfd,
 * which rootfs_open_dir() opened under root; dirpath is the directory's full
 * path, for messages and *path.
 */
int rootfs_read_at(const char *root, int dirfd, const char *dirpath, const char *name, char **buf,
		   size_t *len, char *path, int *errnum, struct bc_error *err);

/*
 * Every open below a root other than "/" stays inside it: openat2() with
 * RESOLVE_BENEATH (a symlink inside the tree is followed, one that leads out
 * of it, an absolute one or ".." is not: EXDEV), or where the kernel lacks
 * openat2() (before 5.6, or a seccomp filter), rootfs_openat_walk(). With
 * root "/" the path is opened as it is. Returns an fd or -1 with errno;
 * O_CLOEXEC is always added.
 */
bool rootfs_is_slash(const char *root);
int rootfs_open(const char *root, const char *rel, int flags, mode_t mode);
int rootfs_openat(int dirfd, const char *rel, int flags, mode_t mode);

/*
 * The fallback: one component at a time with O_NOFOLLOW, so every symlink
 * is refused (ELOOP) and ".." is EXDEV. Exposed for tests.
 */
int rootfs_openat_walk(int dirfd, const char *rel, int flags, mode_t mode);

/*
 * strerror() that says what EXDEV and ELOOP mean for the opens above, and
 * for two codes of buddyctl's own: ENOLINK (a directory on the way is a
 * dangling symlink) and EMEDIUMTYPE (a FIFO or device where a kernel file
 * should be, in a tree).
 */
const char *rootfs_strerror(int errnum);

/* "a block device", "a FIFO", "a directory", ... of a stat mode, for messages. */
const char *rootfs_type_name(mode_t mode);

/*
 * Open rel below dirfd (rootfs_openat(): never out of the tree) with flags
 * (O_RDONLY, O_NOFOLLOW for no symlink as the last component) only when it
 * is a regular file: looked at through O_PATH before it is opened, so that
 * a device is never opened and a FIFO never waited on, and again after, so
 * that a swap in between is caught. O_NONBLOCK and O_CLOEXEC are added.
 * Returns an fd, or -1 with errno: EMEDIUMTYPE when it is not a regular
 * file (st says what it is), else the open's.
 */
int rootfs_open_regular(int dirfd, const char *rel, int flags, struct stat *st);

/*
 * The directory holding a file buddyctl writes (lock, state, --output) and
 * the file's name in it. With root "/" path is used as given (relative to
 * the working directory when relative). With another root, path names a
 * place inside it: "/run/buddyctl.lock" and "run/buddyctl.lock" are both
 * ROOT/run/buddyctl.lock, and no symlink or ".." is followed on the way.
 * make_dirs creates missing directories (0755). Returns an O_PATH directory
 * fd, or -kind with err naming shown (the full path, PATH_MAX bytes).
 */
int rootfs_own_path(const char *root, const char *path, char *shown);	/* shown only; 0/-1 */
int rootfs_parent(const char *root, const char *path, bool make_dirs, enum bc_err_kind kind,
		  char leaf[NAME_MAX + 1], char *shown, struct bc_error *err);

/* 1 if the directory exists under root, 0 if not. */
int rootfs_is_dir(const char *root, const char *rel);

/* True when root names the running system's own root directory. */
int rootfs_is_live(const char *root);

#endif
