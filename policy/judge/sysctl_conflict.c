/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finds the sysctl settings that size a pool the policy sizes too, and says so in words. */
#include "sysctl_conflict.h"

#include <stdio.h>

#include "units.h"

const struct hp_target *sysctl_hp_target(const struct policy *pol, uint64_t default_kb)
{
	unsigned i;

	for (i = 0; default_kb && i < pol->nr_targets; i++)
		if (pol->targets[i].size_kb == default_kb)
			return &pol->targets[i];
	return NULL;
}

unsigned sysctl_hp_conflicts(const struct sysctl_hp_set *set, const struct policy *pol,
			     uint64_t default_kb, struct sysctl_conflict out[SYSCTL_HP_NR])
{
	const struct hp_target *t = sysctl_hp_target(pol, default_kb);
	unsigned k, n = 0;
	char sz[24];

	if (!t)
		return 0;
	size_label(sz, sizeof(sz), t->size_kb * 1024);
	for (k = 0; k < SYSCTL_HP_NR; k++) {
		const struct sysctl_hp *h = sysctl_hp_effective(set, (enum sysctl_hp_key)k);

		if (!h)
			continue;
		out[n].setting = h;
		out[n].target = t;
		snprintf(out[n].text, sizeof(out[n].text),
			 "%s:%u sets %s = %s%s, and %.300s:%u sets the %s pool: each undoes the other (sysctl at boot and at every sysctl --system, buddyctl after it); keep one",
			 h->file, h->line, h->key, h->value, h->glob ? " (a pattern)" : "", pol->path, t->line, sz);
		n++;
	}
	return n;
}
