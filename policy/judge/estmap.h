/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ESTMAP_H
#define BUDDYCTL_ESTMAP_H

/*
 * The estimate of a gigantic size from the map of its node (KERNEL.md
 * §14, "The estimate from the map"), in place of the free lists' upper
 * bounds: pages come from aligned ranges, and the map says which ranges
 * are free, which compaction can clear and what blocks the rest.
 */

#include <stdint.h>

#include "estimate.h"
#include "pagemap.h"

/*
 * The fit rule: of the map's compactable and maybe ranges, how many there
 * is room to clear. Clearing a range moves its movable pages into free
 * memory outside it, so each range cleared takes a range's worth of free
 * memory (its own free pages and room elsewhere for the rest) out of the
 * free pages outside the free ranges (which become pages themselves),
 * less reserve_pages (the min watermarks the copies leave). The
 * compactable ranges are counted first; a maybe range's flag-less pages
 * are counted as taken, not free. *room gets the free pages there were.
 */
void estimate_map_fit(const struct pagemap_summary *s, uint64_t reserve_pages, uint64_t *fit,
		      uint64_t *maybe, uint64_t *room);

/*
 * e (of a gigantic size, from estimate_node()) from its node's map s:
 * now = the pool + the free ranges; after compaction = now + the
 * compactable ranges with room (maybe: the maybe ranges with room, apart);
 * after reclaim = after compaction: no range is counted as cleared by
 * reclaim (a drop leaves the slab pages that hold live objects: in the
 * guests, 17-20 in the one range it would have cleared). The why line too.
 */
void estimate_from_map(struct estimate *e, const struct pagemap_summary *s, unsigned page_size);

/* e of a gigantic size keeps the free lists' bounds: there is no map, because why. */
void estimate_without_map(struct estimate *e, const char *why);

#endif
