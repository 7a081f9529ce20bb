/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hugepage pool's sysctl keys by name, and which assignment of one is written last; no I/O. */
#include "sysctl_hp.h"

static const char *const hp_names[SYSCTL_HP_NR] = {
	[SYSCTL_NR_HUGEPAGES] = "vm.nr_hugepages",
	[SYSCTL_NR_HUGEPAGES_MEMPOLICY] = "vm.nr_hugepages_mempolicy",
};

const char *sysctl_hp_name(enum sysctl_hp_key k)
{
	return k < SYSCTL_HP_NR ? hp_names[k] : "?";
}

const struct sysctl_hp *sysctl_hp_effective(const struct sysctl_hp_set *set, enum sysctl_hp_key key)
{
	const struct sysctl_hp *h = &set->by_name[key];

	if (!h->seen) {
		if (set->excluded[key])
			return NULL;
		h = &set->by_glob[key];
	}
	return h->seen && h->value[0] ? h : NULL;
}
