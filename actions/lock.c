/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lock that lets one executing buddyctl run at a time. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
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

/* What must hold of an existing lock file before it is opened, and again after. */
static int check_lock_stat(const struct lock *l, const struct stat *st, struct bc_error *err)
{
	if (!S_ISREG(st->st_mode))
		return bc_error_set(err, BC_EIO, "%.256s: lock file is %s, not a regular file: refused",
				    l->path, ownfile_type_name(st->st_mode));
	/* an ordinary user meets root's file: not permitted, as the writes would not be */
	if (st->st_uid != geteuid() && geteuid() != 0)
		return bc_error_set(err, BC_EPERM, "%.256s: lock file is owned by uid %u, not by this user: refused; nothing was done",
				    l->path, (unsigned)st->st_uid);
	/* root meets a file another user planted there */
	if (st->st_uid != geteuid())
		return bc_error_set(err, BC_EIO, "%.256s: lock file is owned by uid %u, not by this user: refused",
				    l->path, (unsigned)st->st_uid);
	if (st->st_nlink != 1)
		return bc_error_set(err, BC_EIO, "%.256s: lock file has %lu links: refused",
				    l->path, (unsigned long)st->st_nlink);
	return 0;
}

/*
 * Open the lock file, creating it (only when it does not exist, with
 * exclusive), and check it. Every refusal is one line naming it.
 */
static int open_lock(struct lock *l, bool exclusive, struct bc_error *err)
{
	struct stat st;
	int fd, rc;

	/*
	 * Look before opening: a FIFO or device must not even be opened, and
	 * another user's file in a sticky directory is refused for what it is
	 * (fs.protected_regular would otherwise make the open fail EACCES).
	 */
	if (fstatat(l->dirfd, l->leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (rc = check_lock_stat(l, &st, err)) < 0)
		return rc;
	fd = openat(l->dirfd, l->leaf, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
		    (exclusive ? O_EXCL : 0), 0644);
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		/* an ordinary user: not permitted, as the writes would not be */
		return bc_error_set(err, BC_EPERM, "%.256s: cannot open the lock file: %s; nothing was done",
				    l->path, strerror(errno));
	if (fd < 0)
		return bc_error_set(err, errno == EEXIST ? BC_EBUSY : BC_EIO,
				    "%.256s: cannot open the lock file: %s", l->path, rootfs_strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = bc_error_set(err, BC_EIO, "%.256s: %s", l->path, strerror(errno));
		close(fd);
		return rc;
	}
	rc = check_lock_stat(l, &st, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	if (!holds_only_a_pid(fd)) {
		close(fd);
		return bc_error_set(err, BC_EIO, "%.256s: holds something other than a process id, so it is not a buddyctl lock file: refused (not truncated)",
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

int lock_acquire(struct lock *l, const char *root, const char *path, double wait_s,
		 volatile int *stop, struct bc_error *err)
{
	double t0;
	char pid[32];
	ssize_t n;
	int fd;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	/* ROOT/run may not exist in a captured tree */
	l->dirfd = rootfs_parent(root, path, true, BC_EIO, l->leaf, l->path, err);
	if (l->dirfd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS)) {
		/* an ordinary user who may not make the lock's directory: 77, as the writes */
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof(err->msg) - len, "; nothing was done");
		err->kind = BC_EPERM;
		return -BC_EPERM;
	}
	if (l->dirfd < 0)
		return l->dirfd;
	t0 = clock_mono_s();
	fd = open_lock(l, false, err);
	while (fd >= 0) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (still_at_path(l, fd)) {
				write_pid(fd);
				l->fd = fd;
				return 0;
			}
			/* removed or replaced between open and flock: the new one counts */
			close(fd);
			fd = open_lock(l, false, err);
			continue;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(fd);
			fd = bc_error_set(err, BC_EIO, "%.256s: flock: %s", l->path, strerror(e));
			break;
		}
		if (stop && *stop) {
			close(fd);
			fd = bc_error_set(err, BC_EINTR, "%.256s: interrupted while waiting for the lock; nothing was done",
					  l->path);
			break;
		}
		if (clock_mono_s() - t0 >= wait_s) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			fd = bc_error_set(err, BC_EBUSY, "%.256s: another buddyctl (pid %s) is running; waited %.1f s",
					  l->path, pid[0] ? pid : "?", wait_s);
			break;
		}
		usleep(50000);
		/* waiting on the file at the path, whatever the holder does with it */
		if (!still_at_path(l, fd)) {
			close(fd);
			fd = open_lock(l, false, err);
		}
	}
	close(l->dirfd);
	l->dirfd = -1;
	return fd;
}

int lock_still_held(struct lock *l, struct bc_error *err)
{
	struct stat st;
	struct bc_error e;
	int fd = -1;

	if (l->fd < 0 || still_at_path(l, l->fd))
		return 0;
	/*
	 * Removed while held. Take a new one only by creating it: a file
	 * that is there already was made by another buddyctl, which may have
	 * run meanwhile (or still runs): then this run must stop.
	 */
	if (fstatat(l->dirfd, l->leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
		fd = open_lock(l, true, &e);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && still_at_path(l, fd)) {
			write_pid(fd);
			close(l->fd);
			l->fd = fd;
			l->retaken = true;
			return 0;
		}
	}
	if (fd >= 0)
		close(fd);
	return bc_error_set(err, BC_EBUSY, "%.256s: the lock file was removed or replaced while this buddyctl held it, and another one may have run meanwhile: stopped before the next write so that two never run at once",
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
