/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int lock_acquire(const char *path, double wait_s, volatile int *stop, struct bc_error *err)
{
	struct timespec t0, t;
	char pid[32] = "";
	ssize_t n;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return bc_error_set(err, BC_EIO, "%s: cannot open the lock file: %s", path, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return bc_error_set(err, BC_EIO, "%s: flock: %s", path, strerror(errno));
		}
		if (stop && *stop) {
			close(fd);
			return bc_error_set(err, BC_EINTR, "%s: interrupted while waiting for the lock; nothing was done",
					    path);
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 >= wait_s) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			return bc_error_set(err, BC_EBUSY, "%s: another buddyctl (pid %s) is running; waited %.1f s",
					    path, pid[0] ? pid : "?", wait_s);
		}
		usleep(50000);
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n) {
		/* the pid is a courtesy for the busy message; the lock is what counts */
	}
	return fd;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
