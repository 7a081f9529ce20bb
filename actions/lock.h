/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_LOCK_H
#define BUDDYCTL_LOCK_H

/* The lock file, an advisory flock(2) that lets one executing buddyctl run at a time. */

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "errors.h"

/*
 * One executing buddyctl at a time: an advisory flock(2) on a lock file,
 * one of buddyctl's own files (ownfile.h): inside --root, created (mode
 * 0644) or opened without following a symlink and without blocking, a
 * regular file with one link, owned by this user, holding nothing but a
 * process id. Anything else at the path is refused, never truncated.
 * After flock() the file must still be the one at the path (a holder may
 * have removed it meanwhile), else it is opened again.
 */
struct lock {
	int fd;				/* the locked file, -1 when not held */
	int dirfd;			/* its directory (O_PATH) */
	char leaf[NAME_MAX + 1];
	char path[PATH_MAX];		/* for messages */
	dev_t dev;
	ino_t ino;
	bool retaken;			/* removed while held and taken again */
};

/*
 * Take the lock at path under root, waiting up to wait_s seconds (0: not
 * at all); a set *stop (a signal; may be NULL) ends the wait. The
 * holder's pid is written into the file for the "busy" message.
 * 0, or -BC_EBUSY / -BC_EINTR / -BC_EIO with err filled.
 */
int lock_acquire(struct lock *l, const char *root, const char *path, double wait_s,
		 volatile int *stop, struct bc_error *err);

/*
 * Before each write: is the file we hold still the one at the path? If it
 * was removed or replaced, a second buddyctl could lock the new file and
 * run beside this one: take the new one if free (l->retaken), else
 * -BC_EBUSY, and the run must stop. 0 when still held.
 */
int lock_still_held(struct lock *l, struct bc_error *err);

void lock_release(struct lock *l);

#endif
