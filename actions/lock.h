/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_LOCK_H
#define BUDDYCTL_LOCK_H

#include "errors.h"

/*
 * One executing buddyctl at a time: an advisory flock(2) on path, waited for
 * up to wait_s seconds (0: not at all). The holder's pid is written into the
 * file for the "busy" message. Returns an fd to keep open, or -BC_EBUSY /
 * -BC_EIO with err filled.
 */
int lock_acquire(const char *path, double wait_s, struct bc_error *err);

void lock_release(int fd);

#endif
