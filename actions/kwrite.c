/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one layer that writes kernel files: read first, skip no-ops, check, read back. */
#include "kwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "meminfo.h"
#include "snapshot.h"
#include "rootfs.h"

#include "lock.h"
#include "rootfs.h"
#include "textscan.h"

bool kw_transient(int e)
{
	return e == EBUSY || e == EAGAIN || e == ENOMEM || e == EINTR;
}

int kw_read_u64(const struct kctx *c, const char *rel, uint64_t *v, struct bc_error *err)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc, errnum;

	rc = rootfs_read(c->root, rel, &buf, &len, path, &errnum, err);
	if (rc < 0)
		return rc;
	rc = parse_page_count(path, buf, len, v, err);
	free(buf);
	return rc;
}

static struct kfault *fault_for(struct kctx *c, const char *path)
{
	unsigned i;

	for (i = 0; i < c->nr_faults; i++) {
		struct kfault *f = &c->faults[i];

		if (strstr(path, f->match) && (!f->times || f->hits < f->times)) {
			f->hits++;
			return f;
		}
	}
	return NULL;
}

static struct kwrite_rec *log_add(struct kctx *c, const char *path, const char *value)
{
	struct kwrite_rec *r = realloc(c->log, (c->nr_log + 1) * sizeof(*r));

	if (!r)
		return NULL;
	c->log = r;
	r = &c->log[c->nr_log++];
	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(r->value, sizeof(r->value), "%s", value);
	r->dry_run = c->dry_run;
	return r;
}

/*
 * open, write, close: every step checked. 0 or the errno. The value goes
 * out with a newline, as `echo` sends it; O_TRUNC is what a shell's ">"
 * does (sysfs and procfs ignore it; a fixture tree's regular file needs it).
 */
static int do_write(struct kctx *c, const char *rel, const char *value, struct kfault *f)
{
	char line[40];
	size_t len;
	ssize_t n;
	int fd, e;

	if (f && f->errnum)
		return f->errnum;
	len = (size_t)snprintf(line, sizeof(line), "%s\n", value);
	/*
	 * Under --root the file must be inside the tree (no symlink out of it)
	 * and a regular file: O_NONBLOCK so that a FIFO there cannot block
	 * (sysfs and procfs ignore it).
	 */
	fd = rootfs_open(c->root, rel, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	if (!rootfs_is_slash(c->root)) {
		struct stat st;

		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return EMEDIUMTYPE;
		}
	}
	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR && !(c->stop && *c->stop));
	e = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) < 0 && !e)
		e = errno;
	return e;
}

static int write_error(int e, const char *path, const char *value, struct bc_error *err)
{
	/* EINTR only reaches here when a signal asked the run to stop */
	enum bc_err_kind kind = (e == EACCES || e == EPERM || e == EROFS) ? BC_EPERM :
				e == EINTR ? BC_EINTR : BC_EIO;

	return bc_error_set(err, kind, "%s: writing '%s': %s", path, value, rootfs_strerror(e));
}

/* The write itself, timed and logged in r, with any injected fault. 0 or -kind. */
static int logged_write(struct kctx *c, const char *rel, const char *path, const char *value,
			struct kwrite_rec *r, struct kfault *f, int *errnum, struct bc_error *err)
{
	double t0 = clock_mono_s();
	int e = do_write(c, rel, value, f);

	r->ms = (clock_mono_s() - t0) * 1000;
	r->errnum = e;
	if (!e)
		return 0;
	*errnum = e;
	return write_error(e, path, value, err);
}

int kw_set_u64(struct kctx *c, const char *rel, uint64_t value, uint64_t *before,
	       uint64_t *after, int *errnum, struct bc_error *err)
{
	char path[PATH_MAX], val[32];
	struct kwrite_rec *r;
	struct kfault *f;
	int rc, e;

	*errnum = 0;
	rc = rootfs_path(c->root, rel, path, sizeof(path), err);
	if (rc < 0)
		return rc;
	rc = kw_read_u64(c, rel, before, err);
	if (rc < 0)
		return rc;
	*after = *before;
	snprintf(val, sizeof(val), "%llu", (unsigned long long)value);
	r = log_add(c, path, val);
	if (!r)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	if (*before == value) {
		r->skipped = true;
		return 0;
	}
	if (c->dry_run)
		return 0;
	f = fault_for(c, path);
	rc = logged_write(c, rel, path, val, r, f, errnum, err);
	if (rc < 0)
		return rc;
	if (f && f->grant_max >= 0 && (uint64_t)f->grant_max < value) {
		/* fault injection: the kernel allocated fewer than asked */
		char cap[32];

		snprintf(cap, sizeof(cap), "%lld", (long long)f->grant_max);
		e = do_write(c, rel, cap, NULL);
		if (e)
			return write_error(e, path, cap, err);
	}
	return kw_read_u64(c, rel, after, err);
}

int kw_trigger(struct kctx *c, const char *rel, const char *value, int *errnum,
	       struct bc_error *err)
{
	char path[PATH_MAX];
	struct kwrite_rec *r;
	int rc;

	*errnum = 0;
	rc = rootfs_path(c->root, rel, path, sizeof(path), err);
	if (rc < 0)
		return rc;
	/* e.g. a SIGTERM during the sync(2) before drop_caches */
	if (!c->dry_run && kw_stopped(c))
		return bc_error_set(err, BC_EINTR, "%s: not written: the run was stopped", path);
	r = log_add(c, path, value);
	if (!r)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	if (c->dry_run)
		return 0;
	return logged_write(c, rel, path, value, r, fault_for(c, path), errnum, err);
}

bool kw_stopped(struct kctx *c)
{
	struct bc_error e;

	if (c->stop && *c->stop)
		return true;
	if (!c->lock_lost[0] && c->lock && lock_still_held(c->lock, &e) < 0)
		snprintf(c->lock_lost, sizeof(c->lock_lost), "%s", e.msg);
	return c->lock_lost[0] != '\0';
}

bool kw_out_of_time(const struct kctx *c)
{
	return c->deadline > 0 && clock_mono_s() >= c->deadline;
}

int kw_trigger_retry(struct kctx *c, const char *rel, const char *value, int *errnum,
		     struct bc_error *err)
{
	double give_up = clock_mono_s() + 1;
	int rc;

	for (;;) {
		rc = kw_trigger(c, rel, value, errnum, err);
		if (rc == 0 || !kw_transient(*errnum) || kw_stopped(c) || clock_mono_s() > give_up ||
		    kw_out_of_time(c))
			return rc;
		usleep(100000);
	}
}

void kw_free(struct kctx *c)
{
	free(c->log);
	c->log = NULL;
	c->nr_log = 0;
}

uint64_t kw_meminfo_kb(const struct kctx *c, int field)
{
	struct meminfo mi = { 0 };
	struct bc_error err;
	char path[PATH_MAX], *buf;
	size_t len;
	int errnum;

	if (rootfs_read(c->root, "proc/meminfo", &buf, &len, path, &errnum, &err) < 0)
		return 0;
	if (meminfo_parse(&mi, -1, path, buf, len, &err) < 0)
		mi.v[field] = 0;
	free(buf);
	return mi.v[field];
}

#define SETTLE_STEP_MS	20	/* between two readings of SReclaimable */
#define SETTLE_MAX	50	/* readings: 1 s at most */

void kw_slab_settle(const struct kctx *c)
{
	uint64_t prev = kw_meminfo_kb(c, MI_SRECLAIMABLE), now;
	unsigned still = 0;

	for (unsigned i = 0; i < SETTLE_MAX && still < 2 && !(c->stop && *c->stop) && !kw_out_of_time(c);
	     i++) {
		nanosleep(&(struct timespec){ .tv_nsec = SETTLE_STEP_MS * 1000000L }, NULL);
		now = kw_meminfo_kb(c, MI_SRECLAIMABLE);
		still = now < prev ? 0 : still + 1;
		prev = now;
	}
}
