/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_SYSCTL_HP_H
#define BUDDYCTL_SYSCTL_HP_H

/*
 * The sysctl settings that size a hugepage pool at boot, as plain data
 * (read/sysctl.h reads them, judge/sysctl_conflict.h judges them against the
 * policy): vm.nr_hugepages and vm.nr_hugepages_mempolicy in the files
 * systemd-sysctl.service applies (sysctl.d(5)) and /etc/sysctl.conf (procps'
 * `sysctl --system` reads it last). Both set the global pool of the default hugepage size (meminfo's
 * Hugepagesize). A policy that sets that size's pool too fights them: at
 * boot and at every `sysctl --system` the file's value is written, then the
 * policy's, each undoing the other. check and plan warn about it.
 *
 * vm.nr_overcommit_hugepages is not such a setting: it caps the surplus
 * pages hugetlbfs may allocate on demand beyond the pool and free when
 * unused; it never sizes the persistent pool a policy sets, and a policy's
 * write never changes it.
 */

#include <stdbool.h>

#include "errors.h"

/* The keys that size the default hugepage size's global pool. */
enum sysctl_hp_key {
	SYSCTL_NR_HUGEPAGES,		/* vm.nr_hugepages */
	SYSCTL_NR_HUGEPAGES_MEMPOLICY,	/* vm.nr_hugepages_mempolicy */
	SYSCTL_HP_NR
};

/* The name of a key as sysctl.d(5) writes it: "vm.nr_hugepages". */
const char *sysctl_hp_name(enum sysctl_hp_key k);

/* Where a key is set: the assignment that is written last, so that stays. */
struct sysctl_hp {
	bool seen;
	bool glob;			/* set by a pattern (vm.nr_huge*), not by name */
	char file[320];			/* as shown: under root, control bytes as \xNN */
	unsigned line;
	char key[BC_TOKEN_MAX];		/* as written, escaped ("vm/nr_hugepages") */
	char value[BC_TOKEN_MAX];	/* as written, escaped; "" writes nothing */
};

struct sysctl_hp_set {
	struct sysctl_hp by_name[SYSCTL_HP_NR];	/* the last assignment by name */
	struct sysctl_hp by_glob[SYSCTL_HP_NR];	/* the last one by a matching pattern */
	bool excluded[SYSCTL_HP_NR];		/* "-vm.nr_hugepages": no pattern sets it */
	char unread[512];	/* files that could not be read, "; "-separated; "" when none */
};

/*
 * The assignment of key that is written last at boot, or NULL when none is
 * (or its value is empty, which writes nothing): by name, else by a pattern
 * unless an exclusion names it (sysctl.d(5)).
 */
const struct sysctl_hp *sysctl_hp_effective(const struct sysctl_hp_set *set, enum sysctl_hp_key key);

#endif
