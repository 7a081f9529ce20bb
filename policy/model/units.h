/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_UNITS_H
#define BUDDYCTL_UNITS_H

/*
 * The limits every stage checks its numbers against (orders, pages, kB,
 * nodes, zones, page sizes, durations), and the sizes and durations people
 * write ("2M", "1G", "30s"): pure helpers, no I/O.
 */

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/*
 * NR_PAGE_ORDERS is 9 to 14 on kernels in use today (ppc64 64K to arm64 64K)
 * and a kernel with more than 32 orders could not describe blocks of 2^32
 * pages; 32 keeps every shift in this program below 64 bits.
 */
#define BC_MAX_ORDERS 32
/* MAX_NR_ZONES is at most 6 (DMA DMA32 Normal HighMem Movable Device). */
#define BC_MAX_PROTECTION 8
/* MIGRATE_TYPES is at most 6 (Unmovable Movable Reclaimable HighAtomic CMA Isolate). */
#define BC_MAX_MIGRATETYPES 8
/*
 * Upper bound on any page count read from the kernel: 2^46 pages is 256 EiB
 * at 4 KiB. It keeps pages * 1000 (the kernel's index arithmetic) and
 * pages * page size (bytes, up to 256 KiB pages) inside 64 bits.
 */
#define BC_MAX_PAGES (1ULL << 46)
/* Likewise for kB values (meminfo): 2^50 kB is 1 EiB. */
#define BC_MAX_KB (1ULL << 50)
/* Zone and migrate type names are short kernel identifiers (%8s, %12s). */
#define BC_NAME_MAX 24

/* Largest node id accepted: MAX_NUMNODES is 1 << NODES_SHIFT, at most 1024. */
#define BC_MAX_NODE_ID 65535

/*
 * MAX_NR_ZONES is at most 6; a node with more zone names than this is not
 * kernel output, and hostile input must not grow the snapshot without bound.
 */
#define BC_MAX_ZONES 16
/*
 * Zones of all nodes together: a kernel prints at most MAX_NUMNODES (1024)
 * x MAX_NR_ZONES (6) = 6,144. 65,536 (one zone on each of the most nodes a
 * snapshot holds) bounds what a hostile 8 MiB capture or status JSON can
 * make buddyctl hold: a few hundred bytes a zone.
 */
#define BC_MAX_SNAPSHOT_ZONES 65536

/* Page sizes Linux uses: powers of two from 4 KiB (x86) to 256 KiB (hexagon). */
#define BC_PAGE_MIN 4096u
#define BC_PAGE_MAX 262144u

/*
 * The longest duration: a year and a day. It keeps every duration, in
 * whole seconds, inside the unsigned min_interval_s.
 */
#define DURATION_MAX_S (86400 * 366)
_Static_assert(DURATION_MAX_S <= UINT_MAX, "min_interval_s holds any duration");

/* "2M", "1G", "2048kB", "64K" -> kB. 0 or -1. */
int parse_size_kb(const char *s, uint64_t *kb);

/* Bytes as a size label: "2M", "1G", "64K" ("512B" when not whole kB). */
void size_label(char *buf, size_t size, uint64_t bytes);

/* "30s", "10m", "1h", "1.5" (seconds). 0 or -1. */
int parse_duration(const char *s, double *seconds);

#endif
