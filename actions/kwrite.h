/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_KWRITE_H
#define BUDDYCTL_KWRITE_H

/*
 * The one layer every kernel write goes through. It reads the current value
 * first and skips a no-op write, writes, checks write(2) and close(2), and
 * reads back: the kernel grants hugepages silently short, so the read-back
 * is the truth. In dry-run mode it opens nothing for writing, ever.
 * Tests inject faults here: an errno for the write, or a short grant.
 */

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"

struct kfault {
	const char *match;	/* substring of the path it applies to */
	int errnum;		/* fail the write with this errno (0: no) */
	int64_t grant_max;	/* a number write grants at most this (-1: no cap) */
	unsigned times;		/* apply to this many writes, then stop (0: always) */
	unsigned hits;
};

/* One write as it happened, for reports and the dry-run proof. */
struct kwrite_rec {
	char path[256];
	char value[32];
	bool dry_run;
	bool skipped;		/* current value already equal */
	int errnum;		/* 0 on success */
	double ms;
};

struct lock;

struct kctx {
	const char *root;
	bool dry_run;
	struct kfault *faults;
	unsigned nr_faults;
	struct kwrite_rec *log;	/* every write attempted or planned */
	unsigned nr_log;
	volatile int *stop;	/* the signal that stopped the run (0: none): no new write starts */
	struct lock *lock;	/* held while executing: checked before each write */
	/*
	 * The end of the run's time budget (CLOCK_MONOTONIC seconds, 0: none):
	 * once past it, no retry, wait or repeated write inside a step starts
	 * (kw_out_of_time()); the write under way is not cut short.
	 */
	double deadline;
	char lock_lost[512];	/* why the run stopped when the lock was lost, or "" */
};

/* True for errors worth a retry within the time budget. */
bool kw_transient(int errnum);

/* One field of proc/meminfo under the root, in kB (MI_* of snapshot.h); 0 when unreadable. */
uint64_t kw_meminfo_kb(const struct kctx *c, int field);

/*
 * After slab was dropped or reclaimed: the kernel frees dentries and inodes
 * after an RCU grace period, after the write returned. Wait until
 * SReclaimable has not fallen for two readings 20 ms apart (at most 1 s, or
 * until a signal or the end of the time budget), so that what follows (the
 * second snapshot, the next write's room) sees that memory.
 */
void kw_slab_settle(const struct kctx *c);

/* Read a single-number file under the root. 0 or -kind. */
int kw_read_u64(const struct kctx *c, const char *rel, uint64_t *v, struct bc_error *err);

/*
 * Set a number file (nr_hugepages): read, skip if equal, write, read back.
 * *after gets the value read back (the value before in dry-run).
 * Returns 0, or -BC_EIO / -BC_EPERM with err naming file, value and strerror;
 * *errnum gets the errno (0 when none).
 */
int kw_set_u64(struct kctx *c, const char *rel, uint64_t value, uint64_t *before,
	       uint64_t *after, int *errnum, struct bc_error *err);

/*
 * Write to a write-only trigger file (compact, compact_memory, drop_caches:
 * mode 0200, nothing to read before or after). 0 or -kind, *errnum as above;
 * -BC_EINTR without writing once the run was stopped (kw_stopped()).
 */
int kw_trigger(struct kctx *c, const char *rel, const char *value, int *errnum,
	       struct bc_error *err);

/*
 * kw_trigger(), retried on transient errors (EBUSY, EAGAIN, ENOMEM, EINTR)
 * for up to a second, and not past the end of the time budget: compaction
 * and drop_caches have no budget of their own.
 */
int kw_trigger_retry(struct kctx *c, const char *rel, const char *value, int *errnum,
		     struct bc_error *err);

/*
 * True once a signal asked the run to stop, or the lock file was
 * removed while held and could not be taken again (c->lock_lost says so):
 * start no new write.
 */
bool kw_stopped(struct kctx *c);

/* True once the time budget is spent (c->deadline passed). */
bool kw_out_of_time(const struct kctx *c);

void kw_free(struct kctx *c);

#endif
