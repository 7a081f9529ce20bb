/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and replacing buddyctl's own files under the root, never through a symlink. */
#include "ownfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rootfs.h"

int ownfile_read(const char *root, const char *path, size_t max, enum bc_err_kind kind,
		 char **buf, size_t *len, struct bc_error *err)
{
	char leaf[NAME_MAX + 1], shown[PATH_MAX], *b;
	struct stat st = { 0 };
	size_t n = 0;
	ssize_t r;
	int dirfd, fd, e;

	dirfd = rootfs_parent(root, path, false, kind, leaf, shown, err);
	if (dirfd < 0)
		return errno == ENOENT ? 1 : dirfd;
	/* no symlink, only a regular file: looked at before it is opened */
	fd = rootfs_open_regular(dirfd, leaf, O_RDONLY | O_NOFOLLOW, &st);
	e = errno;
	close(dirfd);
	if (fd < 0 && e == ENOENT)
		return 1;
	if (fd < 0 && e == EMEDIUMTYPE)
		return bc_error_set(err, kind, "%.256s: %s, not a regular file", shown,
				    rootfs_type_name(st.st_mode));
	if (fd < 0)
		return bc_error_set(err, kind, "%.256s: %s", shown, rootfs_strerror(e));
	b = malloc(max + 1);
	if (!b) {
		close(fd);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	while (n <= max && (r = read(fd, b + n, max + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			free(b);
			close(fd);
			return bc_error_set(err, kind, "%.256s: read: %s", shown, strerror(e));
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		return bc_error_set(err, kind, "%.256s: larger than %zu bytes", shown, max);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/*
 * The temporary file of a replace under way, for the signal handler: a
 * signal that ends the process removes it, then ends the process as it
 * would have (SA_RESETHAND restores the default before raise()).
 */
static volatile sig_atomic_t tmp_armed;
static int tmp_dirfd = -1;
static char tmp_name[NAME_MAX + 1];
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NR_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static void remove_tmp_and_die(int sig)
{
	int e = errno;

	if (tmp_armed)
		unlinkat(tmp_dirfd, tmp_name, 0);
	errno = e;
	raise(sig);
}

/* Catch the fatal signals that nobody else handles; old[] to put back. */
static void arm_cleanup(struct sigaction *old, bool *armed)
{
	struct sigaction sa = { .sa_handler = remove_tmp_and_die, .sa_flags = SA_RESETHAND };
	unsigned i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NR_FATAL; i++) {
		armed[i] = sigaction(fatal_signals[i], NULL, &old[i]) == 0 &&
			   old[i].sa_handler == SIG_DFL &&
			   sigaction(fatal_signals[i], &sa, NULL) == 0;
	}
}

static void disarm_cleanup(const struct sigaction *old, const bool *armed)
{
	unsigned i;

	for (i = 0; i < NR_FATAL; i++)
		if (armed[i])
			sigaction(fatal_signals[i], &old[i], NULL);
}

/* Block the fatal signals around steps that must not be cut in two. */
static void block_fatal(bool block, sigset_t *saved)
{
	sigset_t set;
	unsigned i;

	if (!block) {
		sigprocmask(SIG_SETMASK, saved, NULL);
		return;
	}
	sigemptyset(&set);
	for (i = 0; i < NR_FATAL; i++)
		sigaddset(&set, fatal_signals[i]);
	sigprocmask(SIG_BLOCK, &set, saved);
}

/* Create leaf.tmp.XXXXXX beside the target, O_EXCL; its name in tmp_name. */
static int create_tmp(int dirfd, const char *leaf)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct timespec ts;
	uint64_t x;
	sigset_t saved;
	int i, k, fd = -1;

	if (strlen(leaf) + 11 > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec * 2654435761u ^ (uint64_t)getpid() << 20 ^ (uint64_t)ts.tv_sec;
	for (i = 0; i < 100 && fd < 0; i++) {
		char name[NAME_MAX + 1];
		size_t n = (size_t)snprintf(name, sizeof(name), "%s.tmp.", leaf);

		for (k = 0; k < 6; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			name[n + (size_t)k] = chars[(x >> 33) % (sizeof(chars) - 1)];
		}
		name[n + 6] = '\0';
		/* the name is armed for the handler in the same breath as it is created */
		block_fatal(true, &saved);
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0) {
			memcpy(tmp_name, name, sizeof(name));
			tmp_dirfd = dirfd;
			tmp_armed = 1;
		}
		block_fatal(false, &saved);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	return fd;
}

int ownfile_replace(const char *root, const char *path, bool make_dirs, enum bc_err_kind kind,
		    int (*render)(FILE *, void *), void *ctx, struct bc_error *err)
{
	char leaf[NAME_MAX + 1], shown[PATH_MAX];
	struct sigaction old[NR_FATAL];
	bool armed[NR_FATAL];
	sigset_t saved;
	struct stat st;
	FILE *f = NULL;
	int dirfd, fd, e = 0, rc;

	dirfd = rootfs_parent(root, path, make_dirs, kind, leaf, shown, err);
	if (dirfd < 0)
		return dirfd;
	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		close(dirfd);
		return bc_error_set(err, kind, "%.256s: exists and is %s, not a regular file: not replaced",
				    shown, rootfs_type_name(st.st_mode));
	}
	arm_cleanup(old, armed);
	fd = create_tmp(dirfd, leaf);
	if (fd < 0) {
		e = errno;
		disarm_cleanup(old, armed);
		close(dirfd);
		return bc_error_set(err, kind, "%.256s: cannot create a temporary file beside it: %s",
				    shown, strerror(e));
	}
	/* mode 0644 whatever the umask: a textfile collector reads it as another user */
	if (fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		goto out;
	}
	errno = 0;
	rc = render(f, ctx);
	if (rc < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		e = errno ? errno : EIO;
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		e = errno ? errno : EIO;
		goto out;
	}
	/* the last look before the rename: still no symlink or device there */
	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		unlinkat(dirfd, tmp_name, 0);
		tmp_armed = 0;
		disarm_cleanup(old, armed);
		close(dirfd);
		return bc_error_set(err, kind, "%.256s: exists and is %s, not a regular file: not replaced",
				    shown, rootfs_type_name(st.st_mode));
	}
	block_fatal(true, &saved);
	if (renameat(dirfd, tmp_name, dirfd, leaf) == 0)
		tmp_armed = 0;
	else
		e = errno;
	block_fatal(false, &saved);
	if (!e) {
		/* make the rename durable: fsync the directory (best effort) */
		int d = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (d >= 0) {
			fsync(d);
			close(d);
		}
	}
out:
	if (tmp_armed) {
		unlinkat(dirfd, tmp_name, 0);
		tmp_armed = 0;
	}
	disarm_cleanup(old, armed);
	close(dirfd);
	if (!e)
		return 0;
	return bc_error_set(err, kind, "%.256s: write failed: %s", shown, strerror(e));
}
