/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The estimate of a gigantic size from its node's map (estmap.h). Per node,
 * in ranges of R pages, with F free ranges, C compactable, M maybe:
 *
 *   room     = free pages outside the free ranges - min watermarks
 *   fit      = min(C, room / R)               compactable ranges with room
 *   maybe    = min(M, (room - fit R) / R)     maybe ranges with room
 *   now      = pool + F
 *   compact  = now + fit  (and maybe, apart)
 *   reclaim  = compact
 *
 * A compactable range holds only free and movable pages (and, from 7.0,
 * smaller hugetlb pages that move too), so its movable and free pages
 * together are R: clearing it needs R pages of free memory, its own and
 * others for the copies. Counted this way, the 1.5 GiB of mlocked pages
 * the guests put in one node's range fitted in the 1.2 GiB left elsewhere
 * on the node and the range was granted; 767 2M ranges full of mlocked
 * pages did not fit, and were not granted (KERNEL.md §14).
 */
#include "estmap.h"

#include <stdio.h>
#include <string.h>

#include "mapjudge.h"

void estimate_map_fit(const struct pagemap_summary *s, uint64_t reserve_pages, uint64_t *fit,
		      uint64_t *maybe, uint64_t *room)
{
	uint64_t r = s->range_pages, in_free = s->ranges[RC_FREE] * r, left;

	*room = s->pages[PC_FREE] > in_free ? s->pages[PC_FREE] - in_free : 0;
	left = *room > reserve_pages ? *room - reserve_pages : 0;
	*fit = r ? left / r : 0;
	if (*fit > s->ranges[RC_COMPACTABLE])
		*fit = s->ranges[RC_COMPACTABLE];
	left -= *fit * r;
	*maybe = r ? left / r : 0;
	if (*maybe > s->ranges[RC_MAYBE])
		*maybe = s->ranges[RC_MAYBE];
}

void estimate_from_map(struct estimate *e, const struct pagemap_summary *s, unsigned page_size)
{
	uint64_t page_kb = page_size / 1024 ? page_size / 1024 : 1;

	estimate_map_fit(s, e->reserve_kb / page_kb, &e->fit, &e->maybe, &e->room_pages);
	e->from_map = true;
	e->no_map_why[0] = '\0';
	e->map = *s;
	e->now = e->pool + s->ranges[RC_FREE];
	e->compact = e->now + e->fit;
	/* no range is counted as cleared by reclaim: its slab stays (estmap.h) */
	e->reclaim = e->compact;
	/* the free lists' caveats no longer shape a figure */
	e->notes &= ~(unsigned)(EST_GIGANTIC | EST_NO_PAGETYPEINFO | EST_CAPPED | EST_NO_NODE_MEMINFO |
				EST_NO_MAP);
	e->notes |= EST_FROM_MAP;
	pagemap_why(e->why, sizeof(e->why), s, e->size_kb, e->fit, e->maybe);
}

void estimate_without_map(struct estimate *e, const char *why)
{
	e->from_map = false;
	snprintf(e->no_map_why, sizeof(e->no_map_why), "%.300s", why);
	e->notes |= EST_NO_MAP;
}
