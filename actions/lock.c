/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ownfile.h"
#include "rootfs.h"

/* Empty, or a decimal pid and a newline: what this code writes. */
static bool holds_only_a_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	ssize_t i = 0;

	if (n < 0 || n == (ssize_t)sizeof(buf))
		return false;
	while (i < n && buf[i] >= '0' && buf[i] <= '9')
		i++;
	if (i < n && buf[i] == '\n')
		i++;
	return i == n;
}

/* Open (creating) the lock file; every refusal is one line naming it. */
static int open_lock(struct lock *l, struct bc_error *err)
{
	struct stat st;
	int fd;

	if (fstatat(l->dirfd, l->leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
		return bc_error_set(err, BC_EIO, "%s: lock file is %s, not a regular file: refused",
				    l->path, ownfile_type_name(st.st_mode));
	fd = openat(l->dirfd, l->leaf, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		/* an ordinary user: not permitted, as the writes would not be */
		return bc_error_set(err, BC_EPERM, "%s: cannot open the lock file: %s; nothing was done",
				    l->path, strerror(errno));
	if (fd < 0)
		return bc_error_set(err, BC_EIO, "%s: cannot open the lock file: %s", l->path,
				    rootfs_strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bc_error_set(err, BC_EIO, "%s: lock file is not a regular file: refused", l->path);
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		return bc_error_set(err, BC_EIO, "%s: lock file is owned by uid %u, not by this user: refused",
				    l->path, (unsigned)st.st_uid);
	}
	if (st.st_nlink != 1) {
		close(fd);
		return bc_error_set(err, BC_EIO, "%s: lock file has %lu links: refused",
				    l->path, (unsigned long)st.st_nlink);
	}
	if (!holds_only_a_pid(fd)) {
		close(fd);
		return bc_error_set(err, BC_EIO, "%s: holds something other than a process id, so it is not a buddyctl lock file: refused (not truncated)",
				    l->path);
	}
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	return fd;
}

/* Is fd still the file at the path? */
static bool still_at_path(const struct lock *l, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && fstatat(l->dirfd, l->leaf, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void write_pid(int fd)
{
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());

	/* the pid is a courtesy for the busy message; the lock is what counts */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n)
		return;
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int lock_acquire(struct lock *l, const char *root, const char *path, double wait_s,
		 volatile int *stop, struct bc_error *err)
{
	struct timespec t0;
	char pid[32];
	ssize_t n;
	int fd;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	/* ROOT/run may not exist in a captured tree */
	l->dirfd = rootfs_parent(root, path, true, BC_EIO, l->leaf, l->path, err);
	if (l->dirfd < 0)
		return l->dirfd;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		fd = open_lock(l, err);
		if (fd < 0)
			break;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (still_at_path(l, fd)) {
				write_pid(fd);
				l->fd = fd;
				return 0;
			}
			/* removed or replaced between open and flock: the new one counts */
			close(fd);
			continue;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(fd);
			fd = bc_error_set(err, BC_EIO, "%s: flock: %s", l->path, strerror(e));
			break;
		}
		if (stop && *stop) {
			close(fd);
			fd = bc_error_set(err, BC_EINTR, "%s: interrupted while waiting for the lock; nothing was done",
					  l->path);
			break;
		}
		if (since(&t0) >= wait_s) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			fd = bc_error_set(err, BC_EBUSY, "%s: another buddyctl (pid %s) is running; waited %.1f s",
					  l->path, pid[0] ? pid : "?", wait_s);
			break;
		}
		close(fd);
		usleep(50000);
	}
	close(l->dirfd);
	l->dirfd = -1;
	return fd;
}

int lock_still_held(struct lock *l, struct bc_error *err)
{
	struct bc_error e;
	int fd;

	if (l->fd < 0 || still_at_path(l, l->fd))
		return 0;
	fd = open_lock(l, &e);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && still_at_path(l, fd)) {
		write_pid(fd);
		close(l->fd);
		l->fd = fd;
		l->retaken = true;
		return 0;
	}
	if (fd >= 0)
		close(fd);
	return bc_error_set(err, BC_EBUSY, "%s: the lock file was removed or replaced while this buddyctl held it, and it could not be taken again: stopped before the next write so that two never run at once",
			    l->path);
}

void lock_release(struct lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->fd = l->dirfd = -1;
}
