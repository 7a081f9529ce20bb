/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_LOADMAP_H
#define BUDDYCTL_LOADMAP_H

/*
 * The map for estimate, check, plan, apply and reserve: read for a gigantic
 * size where it can be (root, kpageflags, not a capture), or why not; and
 * the estimates made from it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "estimate.h"
#include "judge.h"
#include "pagemap.h"
#include "plan.h"
#include "snapshot.h"

struct bitmask;

/*
 * The map of size_kb for the memory nodes of snap selected by sel (NULL:
 * every one) into m (cli_map_free() it), with the cgroups that own charged
 * pages in blocked ranges. No map is no error: m->nr 0 and m->why says why
 * (a capture, not root, no kpageflags, a file cut short). -BC_ENOMEM only.
 */
int cli_map_read(const char *root, const struct snapshot *snap, uint64_t size_kb,
		 const struct bitmask *sel, struct pagemap_set *m, struct bc_error *err);
void cli_map_free(struct pagemap_set *m);

/*
 * The gigantic estimates among e[0..n) from their node's map, each size's
 * map read once for the nodes estimated; without one they keep the free
 * lists' bounds and say why. -BC_ENOMEM only.
 */
int cli_estimates_from_map(const char *root, const struct snapshot *snap, struct estimate *e,
			   unsigned n, struct bc_error *err);

/*
 * check: the estimate, from the map, of each gigantic pool that falls
 * short (f[0..n)): *out (free() it) gets *nr_out, in the findings' order;
 * pools without a map are left out. -BC_ENOMEM only.
 */
int cli_short_pools_map(const char *root, const struct snapshot *snap, const struct finding *f,
			unsigned n, struct estimate **out, unsigned *nr_out, struct bc_error *err);

/*
 * The maps the plan's gigantic reservations need, and those that reclaim
 * on the node before the first compaction: one set per size, read for
 * those nodes, into *sets (cli_maps_free() them); *nr 0 when p has
 * none. The plan is then made again with them (struct plan's maps).
 * -BC_ENOMEM only.
 */
int cli_plan_maps(const char *root, const struct snapshot *snap, const struct plan *p,
		  struct pagemap_set **sets, unsigned *nr, struct bc_error *err);
void cli_maps_free(struct pagemap_set *sets, unsigned nr);

#endif
