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

/*
 * Open path under root for reading: no symlink, only a regular file, looked
 * at before it is opened. The fd, 1 when there is no such file, or -kind.
 */
static int open_own(const char *root, const char *path, enum bc_err_kind kind, char *shown, int *fd,
		    struct bc_error *err)
{
	char leaf[NAME_MAX + 1];
	struct stat st = { 0 };
	int dirfd, e;

	dirfd = rootfs_parent(root, path, false, kind, leaf, shown, err);
	if (dirfd < 0)
		return errno == ENOENT ? 1 : dirfd;
	*fd = rootfs_open_regular(dirfd, leaf, O_RDONLY | O_NOFOLLOW, &st);
	e = errno;
	close(dirfd);
	if (*fd >= 0)
		return 0;
	if (e == ENOENT)
		return 1;
	if (e == EMEDIUMTYPE)
		return bc_error_set(err, kind, "%.256s: %s, not a regular file", shown, rootfs_type_name(st.st_mode));
	return bc_error_set(err, kind, "%.256s: %s", shown, rootfs_strerror(e));
}

/* Read fd (closed here), at most max bytes, into b (max + 1 bytes): its length, or -kind. */
static int read_own(int fd, char *b, size_t max, const char *shown, enum bc_err_kind kind, size_t *len,
		    struct bc_error *err)
{
	size_t n = 0;
	ssize_t r;
	int e;

	while (n <= max && (r = read(fd, b + n, max + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			close(fd);
			return bc_error_set(err, kind, "%.256s: read: %s", shown, strerror(e));
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > max)
		return bc_error_set(err, kind, "%.256s: larger than %zu bytes", shown, max);
	*len = n;
	return 0;
}

int ownfile_read(const char *root, const char *path, size_t max, enum bc_err_kind kind,
		 char **buf, size_t *len, struct bc_error *err)
{
	char shown[PATH_MAX], *b;
	int fd = -1, rc;

	rc = open_own(root, path, kind, shown, &fd, err);
	if (rc != 0)
		return rc;
	b = malloc(max + 1);
	if (!b) {
		close(fd);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	rc = read_own(fd, b, max, shown, kind, len, err);
	if (rc < 0) {
		free(b);
		return rc;
	}
	b[*len] = '\0';
	*buf = b;
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

/* Something other than a regular file at leaf (a symlink, a device): -kind, not replaced; else 0. */
static int not_regular(int dirfd, const char *leaf, const char *shown, enum bc_err_kind kind,
		       struct bc_error *err)
{
	struct stat st;

	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISREG(st.st_mode))
		return 0;
	return bc_error_set(err, kind, "%.256s: exists and is %s, not a regular file: not replaced",
			    shown, rootfs_type_name(st.st_mode));
}

/* The contents into the temporary file fd (closed here), on disk: 0, or the errno. */
static int write_tmp(int fd, int (*render)(FILE *, void *), void *ctx)
{
	FILE *f;
	int e, rc;

	/* mode 0644 whatever the umask: a textfile collector reads it as another user */
	if (fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		return e;
	}
	errno = 0;
	rc = render(f, ctx);
	if (rc < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		e = errno ? errno : EIO;
		fclose(f);
		return e;
	}
	return fclose(f) != 0 ? (errno ? errno : EIO) : 0;
}

/* The temporary file renamed over leaf, made durable: 0, or the errno. */
static int rename_into_place(int dirfd, const char *leaf)
{
	sigset_t saved;
	int e = 0, d;

	block_fatal(true, &saved);
	if (renameat(dirfd, tmp_name, dirfd, leaf) == 0)
		tmp_armed = 0;
	else
		e = errno;
	block_fatal(false, &saved);
	if (e)
		return e;
	/* make the rename durable: fsync the directory (best effort) */
	d = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d >= 0) {
		fsync(d);
		close(d);
	}
	return 0;
}

int ownfile_replace(const char *root, const char *path, bool make_dirs, enum bc_err_kind kind,
		    int (*render)(FILE *, void *), void *ctx, struct bc_error *err)
{
	char leaf[NAME_MAX + 1], shown[PATH_MAX];
	struct sigaction old[NR_FATAL];
	bool armed[NR_FATAL];
	int dirfd, fd, e, rc;

	dirfd = rootfs_parent(root, path, make_dirs, kind, leaf, shown, err);
	if (dirfd < 0)
		return dirfd;
	if ((rc = not_regular(dirfd, leaf, shown, kind, err)) < 0) {
		close(dirfd);
		return rc;
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
	e = write_tmp(fd, render, ctx);
	/* the last look before the rename: still no symlink or device there */
	if (!e && (rc = not_regular(dirfd, leaf, shown, kind, err)) < 0) {
		unlinkat(dirfd, tmp_name, 0);
		tmp_armed = 0;
		disarm_cleanup(old, armed);
		close(dirfd);
		return rc;
	}
	if (!e)
		e = rename_into_place(dirfd, leaf);
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
