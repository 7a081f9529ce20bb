/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_LOCK_H
#define BUDDYCTL_LOCK_H

#include "errors.h"

/*
 * One executing buddyctl at a time: an advisory flock(2) on path, waited for
 * up to wait_s seconds (0: not at all). The holder's pid is written into the
 * file for the "busy" message. A set *stop (SIGINT/SIGTERM; may be NULL) ends
 * the wait. Returns an fd to keep open, or -BC_EBUSY / -BC_EINTR / -BC_EIO
 * with err filled.
 */
int lock_acquire(const char *path, double wait_s, volatile int *stop, struct bc_error *err);

void lock_release(int fd);

#endif
