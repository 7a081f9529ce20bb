/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The largest kernel file read is zoneinfo: about 3 KiB per zone plus 100
 * bytes per CPU per zone, so a few MiB on a 1024-node machine. 256 MiB is
 * far beyond that and still bounds a runaway or hostile file.
 */
#define MAX_FILE (256u << 20)

int rootfs_path(const char *root, const char *rel, char *out, size_t size,
		struct bc_error *err)
{
	size_t rl = strlen(root);
	int n;

	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl == 1 && root[0] == '/')
		rl = 0;
	n = snprintf(out, size, "%.*s/%s", (int)rl, root, rel);
	if (n < 0 || (size_t)n >= size)
		return bc_error_set(err, BC_EUSAGE, "%s/%s: path too long", root, rel);
	return 0;
}

/* Read fd to the end (or after one short read) into a new buffer; closes fd. */
static int read_fd(int fd, const char *path, bool one_read, char **buf, size_t *len,
		   int *errnum, struct bc_error *err)
{
	size_t cap = 16384, n = 0;
	char *b, *nb;
	ssize_t r;
	int rc;

	b = malloc(cap);
	if (!b) {
		close(fd);
		return bc_error_set(err, BC_ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		if (cap - n < 4096) {
			if (cap >= MAX_FILE) {
				free(b);
				close(fd);
				return bc_error_set(err, BC_EDATA, "%s: larger than %u MiB", path, MAX_FILE >> 20);
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				close(fd);
				return bc_error_set(err, BC_ENOMEM, "%s: out of memory", path);
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*errnum = errno;
			rc = bc_error_set(err, errno == EACCES || errno == EPERM ? BC_ENOINPUT : BC_EIO,
					  "%s: read: %s", path, strerror(errno));
			free(b);
			close(fd);
			return rc;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (one_read && n < cap - 1)
			break;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static int open_error(const char *path, int *errnum, struct bc_error *err)
{
	*errnum = errno;
	return bc_error_set(err, (errno == ENOENT || errno == EACCES || errno == EPERM ||
				  errno == ENOTDIR) ? BC_ENOINPUT : BC_EIO,
			    "%s: %s", path, strerror(errno));
}

int rootfs_read(const char *root, const char *rel, char **buf, size_t *len,
		char *path, int *errnum, struct bc_error *err)
{
	/*
	 * A sysfs attribute is produced whole by its show() method (at most a
	 * page) and handed out by the first read; a short read there is the end,
	 * which saves a read per file (7,000 files on a 1024-node machine).
	 * procfs seq_files may return short reads mid-file: read those to EOF.
	 */
	bool one_read = strncmp(rel, "sys/", 4) == 0;
	int fd, rc;

	*errnum = 0;
	rc = rootfs_path(root, rel, path, PATH_MAX, err);
	if (rc < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return open_error(path, errnum, err);
	return read_fd(fd, path, one_read, buf, len, errnum, err);
}

int rootfs_open_dir(const char *root, const char *rel)
{
	char path[PATH_MAX];

	if (rootfs_path(root, rel, path, sizeof(path), NULL) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int rootfs_read_at(int dirfd, const char *dirpath, const char *name, char **buf,
		   size_t *len, char *path, int *errnum, struct bc_error *err)
{
	int fd;

	*errnum = 0;
	snprintf(path, PATH_MAX, "%s/%s", dirpath, name);
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return open_error(path, errnum, err);
	return read_fd(fd, path, true, buf, len, errnum, err);
}

int rootfs_is_dir(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	if (rootfs_path(root, rel, path, sizeof(path), NULL) < 0)
		return 0;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int rootfs_is_live(const char *root)
{
	struct stat a, b;

	if (stat(root, &a) < 0 || stat("/", &b) < 0)
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}
