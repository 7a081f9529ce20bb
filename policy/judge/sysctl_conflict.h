/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_SYSCTL_CONFLICT_H
#define BUDDYCTL_SYSCTL_CONFLICT_H

/*
 * A sysctl setting (sysctl_hp.h) that sizes the pool a policy target sizes
 * too: at boot and at every `sysctl --system` the file's value is written,
 * then the policy's, each undoing the other. check and plan warn about it.
 */

#include <stdint.h>

#include "config.h"
#include "sysctl_hp.h"

/* A sysctl setting and a policy target that size the same pool. */
struct sysctl_conflict {
	const struct sysctl_hp *setting;
	const struct hp_target *target;
	char text[1280];	/* "FILE:LINE sets KEY = VALUE, and POLICY:LINE sets the 2M pool: ..." */
};

/*
 * The target of pol that sizes the pool the keys size, the one of the
 * default hugepage size default_kb (0: unknown), or NULL: then no sysctl
 * file can conflict, and none need be read.
 */
const struct hp_target *sysctl_hp_target(const struct policy *pol, uint64_t default_kb);

/*
 * The conflicts of set with pol's targets, default_kb being the default
 * hugepage size (0: unknown, then none): one per key that sets the pool of
 * a size the policy also sets, into out. Returns how many.
 */
unsigned sysctl_hp_conflicts(const struct sysctl_hp_set *set, const struct policy *pol,
			     uint64_t default_kb, struct sysctl_conflict out[SYSCTL_HP_NR]);

#endif
