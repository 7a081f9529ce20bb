/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_SNAPSHOT_H
#define BUDDYCTL_SNAPSHOT_H

/*
 * struct snapshot: everything buddyctl knows about memory at one moment,
 * read from one root directory (/ on a live system, a fixture tree in tests).
 * The readers fill it; metrics.c derives numbers from it; nothing else
 * changes it. Counts are kept as the kernel prints them (pages or blocks);
 * sizes in kB are named *_kb.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "errors.h"
#include "units.h"

struct pagetype {
	char name[BC_NAME_MAX];
	uint64_t free[BC_MAX_ORDERS];		/* free blocks of this type */
	bool at_least[BC_MAX_ORDERS];		/* printed as ">100000" */
	uint64_t pageblocks;			/* "Number of blocks type" */
	bool seen_pageblocks;
};

struct zone {
	char name[BC_NAME_MAX];

	/* /proc/buddyinfo: present only for populated zones */
	bool in_buddyinfo;
	uint64_t free_blocks[BC_MAX_ORDERS];
	uint64_t free_pages;			/* sum of free_blocks[k] << k */

	/* /proc/zoneinfo (pages) */
	bool in_zoneinfo;
	uint64_t zi_free, min, low, high, spanned, present, managed;
	uint64_t pcp;				/* free on per-CPU lists, all CPUs */
	uint64_t start_pfn;			/* first page frame of the span (the map) */
	bool has_start_pfn;			/* "start_pfn:" seen (absent from unpopulated zones) */
	uint64_t protection[BC_MAX_PROTECTION];
	unsigned nr_protection;
	unsigned seen;				/* ZI_SEEN_* bits */

	/*
	 * /proc/pagetypeinfo, when readable: BC_MAX_MIGRATETYPES entries
	 * (zone_alloc_types()), else NULL. Not in the zone itself: 2.6 KB a
	 * zone that a capture or a status JSON never fills.
	 */
	struct pagetype *types;
	unsigned nr_types;
};

enum {
	ZI_SEEN_FREE = 1u << 0,
	ZI_SEEN_MIN = 1u << 1,
	ZI_SEEN_LOW = 1u << 2,
	ZI_SEEN_HIGH = 1u << 3,
	ZI_SEEN_SPANNED = 1u << 4,
	ZI_SEEN_PRESENT = 1u << 5,
	ZI_SEEN_MANAGED = 1u << 6,
	ZI_SEEN_PROTECTION = 1u << 7,
	ZI_SEEN_ALL = (1u << 8) - 1,
};

/* Fields of /proc/meminfo and nodeN/meminfo buddyctl uses, in kB. */
enum meminfo_field {
	MI_MEM_TOTAL, MI_MEM_FREE, MI_MEM_AVAILABLE, MI_MEM_USED,
	MI_ACTIVE_FILE, MI_INACTIVE_FILE, MI_FILE_PAGES, MI_CACHED,
	MI_DIRTY, MI_WRITEBACK, MI_SHMEM, MI_MLOCKED, MI_UNEVICTABLE,
	MI_KRECLAIMABLE, MI_SRECLAIMABLE, MI_SUNRECLAIM,
	MI_ANON_HUGE, MI_HUGEPAGESIZE, MI_HUGETLB,
	MI_HP_TOTAL, MI_HP_FREE, MI_HP_RSVD, MI_HP_SURP,	/* counts, not kB */
	MI_CMA_TOTAL, MI_CMA_FREE,	/* there only when the kernel has CONFIG_CMA */
	MI_NR_FIELDS
};

struct meminfo {
	uint64_t v[MI_NR_FIELDS];
	uint32_t seen;				/* bit per enum meminfo_field */
};

/* True when field f was present. */
static inline bool meminfo_has(const struct meminfo *mi, enum meminfo_field f)
{
	return mi->seen & (1u << f);
}

/* MemTotal and MemFree, which a node's totals are made of, were both present. */
static inline bool meminfo_has_totals(const struct meminfo *mi)
{
	return meminfo_has(mi, MI_MEM_TOTAL) && meminfo_has(mi, MI_MEM_FREE);
}

/* /proc/vmstat counters buddyctl reports or watches move. */
enum vmstat_field {
	VM_NR_FREE_PAGES,
	VM_COMPACT_MIGRATE_SCANNED, VM_COMPACT_FREE_SCANNED, VM_COMPACT_ISOLATED,
	VM_COMPACT_STALL, VM_COMPACT_FAIL, VM_COMPACT_SUCCESS,
	VM_COMPACT_DAEMON_WAKE, VM_PGMIGRATE_SUCCESS, VM_PGMIGRATE_FAIL,
	VM_DROP_PAGECACHE, VM_DROP_SLAB,
	VM_HTLB_BUDDY_ALLOC_SUCCESS, VM_HTLB_BUDDY_ALLOC_FAIL,
	/* direct reclaim stalls, per zone type of the allocation (Linux 4.10+; "allocstall" before) */
	VM_ALLOCSTALL, VM_ALLOCSTALL_DMA, VM_ALLOCSTALL_DMA32, VM_ALLOCSTALL_NORMAL,
	VM_ALLOCSTALL_HIGH, VM_ALLOCSTALL_MOVABLE, VM_ALLOCSTALL_DEVICE,
	VM_THP_FAULT_FALLBACK,
	VM_NR_FIELDS
};

struct vmstat {
	uint64_t v[VM_NR_FIELDS];
	uint32_t seen;
};
_Static_assert(VM_NR_FIELDS <= 32, "struct vmstat.seen has a bit per field");

/*
 * What a file buddyctl could not read takes away: bits of snap->lost,
 * node->lost and snap_missing.lost. Only /proc/buddyinfo is required;
 * every other file is read when it is there, and the output says which
 * figures its absence leaves unknown.
 */
enum snap_lost {
	LOST_WATERMARKS = 1u << 0,	/* zoneinfo: min, low, high, protection */
	LOST_ZONE_SIZES = 1u << 1,	/* zoneinfo: managed, present, spanned */
	LOST_PCP = 1u << 2,		/* zoneinfo: free pages on per-CPU lists */
	LOST_SCORE = 1u << 3,		/* the compaction score (zones weighted by present pages) */
	LOST_PAGEBLOCKS = 1u << 4,	/* pagetypeinfo: migrate types and pageblocks */
	LOST_POOLS = 1u << 5,		/* hugepage pools */
	LOST_TOTALS = 1u << 6,		/* node meminfo: MemTotal, MemFree, cache, slab */
	LOST_VMSTAT = 1u << 7,		/* /proc/vmstat counters */
	LOST_HUGEPAGESIZE = 1u << 8,	/* meminfo: the default hugepage size */
	LOST_CPU_ONLY_NODES = 1u << 9,	/* online nodes without memory */
	LOST_CPUS = 1u << 10,		/* which nodes have CPUs */
};
#define LOST_NR 11

/* The JSON name of lost figure bit i ("watermarks", ...) and its words for people. */
const char *snapshot_lost_name(unsigned i);
const char *snapshot_lost_words(unsigned i);

/* The inputs that may be missing; index of snapshot.missing[]. */
enum snap_input {
	IN_ZONEINFO, IN_PAGETYPEINFO, IN_MEMINFO, IN_VMSTAT, IN_HUGEPAGES,
	IN_NODE_DIR, IN_NODE_ONLINE, IN_NODE_HAS_MEMORY, IN_NODE_HAS_CPU,
	IN_NODE_MEMINFO, IN_NODE_HUGEPAGES,
	IN_NR
};

struct bitmask;

/* One input that was not read. */
struct snap_missing {
	const char *file;	/* under the root, "proc/zoneinfo"; NULL: it was read */
	struct bitmask *nodes;	/* per-node files: the nodes whose file is missing */
	char why[64];		/* why not, for the first of them: strerror() */
	unsigned lost;		/* enum snap_lost */
};

/* One hugepage size, globally or on one node. */
struct hugepool {
	uint64_t size_kb;
	uint64_t nr;		/* nr_hugepages: includes surplus */
	uint64_t free;
	uint64_t surplus;
	uint64_t resv;		/* global only */
	uint64_t overcommit;	/* global only */
};

struct node {
	int id;
	bool has_memory;
	bool has_cpu;
	struct zone *zones;
	unsigned nr_zones;
	struct meminfo meminfo;		/* nodeN/meminfo */
	bool has_meminfo;
	struct hugepool *pools;		/* sorted by size */
	unsigned nr_pools;
	unsigned lost;			/* enum snap_lost: LOST_TOTALS, LOST_POOLS of this node */
};

struct snapshot {
	char *root;			/* as given, "/" for the live system; NULL for a capture */
	const char *capture;		/* status --buddyinfo: the file ("standard input"), else NULL */
	struct timespec taken;		/* CLOCK_REALTIME when reading began */

	unsigned page_size;		/* bytes */
	unsigned page_size_source;	/* enum page_size_source (pagesize.h) */
	char page_size_evidence[320];	/* what it was worked out from, for people */
	unsigned nr_orders;		/* buddyinfo columns (NR_PAGE_ORDERS) */
	int pageblock_order;		/* from pagetypeinfo, -1 when unknown */
	int hpage_order;		/* COMPACTION_HPAGE_ORDER, -1 when unknown */

	bool managed_from_present;	/* zoneinfo had no "managed": present stands in */
	bool has_pagetypeinfo;
	unsigned pagetypeinfo_orders;	/* its order columns, must be nr_orders */
	char pagetypeinfo_why[96];	/* why not, when !has_pagetypeinfo */
	int pagetypeinfo_errno;

	/*
	 * sys/devices/system/node exists. Without it (CONFIG_NUMA=n) there
	 * are no per-node files to write: node 0 is the machine, compacted
	 * through vm/compact_memory, its pools the global ones.
	 */
	bool numa_sysfs;
	/*
	 * nodeN/reclaim exists (Linux 6.18 and later): reclaim can be done on
	 * one node, sized. Without it, only drop_caches (every node).
	 */
	bool node_reclaim;
	/*
	 * vm/stat_refresh exists (Linux 4.4 and later): the per-CPU free
	 * lists can be given back to the buddy allocator (drain-pcp).
	 */
	bool stat_refresh;

	struct node *nodes;		/* sorted by id */
	unsigned nr_nodes;
	unsigned cap_nodes;		/* allocated entries of nodes[] */
	/*
	 * While parsers add nodes out of id order: slot + 1 in nodes[] of
	 * every id (0: none), and nodes[] unsorted until snapshot_sort_nodes().
	 * NULL otherwise, and always once a snapshot is read.
	 */
	unsigned *node_slot;
	unsigned nr_zones;		/* of every node, at most BC_MAX_SNAPSHOT_ZONES */

	struct meminfo meminfo;		/* /proc/meminfo */
	struct vmstat vmstat;
	struct hugepool *pools;		/* global, sorted by size */
	unsigned nr_pools;
	uint64_t default_hugepage_kb;	/* 0 when hugetlb is not configured */

	struct snap_missing missing[IN_NR];	/* by enum snap_input */
	unsigned lost;			/* enum snap_lost: the union of missing[].lost */
};

/*
 * The first input missing among those in mask (bits 1u << enum snap_input),
 * or NULL. For the commands that write: they need what they need.
 */
const struct snap_missing *snapshot_first_missing(const struct snapshot *snap, unsigned mask);

void snapshot_free(struct snapshot *snap);

/* Lookups; NULL when absent. */
struct node *snapshot_node(const struct snapshot *snap, int id);

/*
 * Every node set in mask exists in snap and has memory: 0, or -BC_EUSAGE
 * with err naming what ("--node", "reserve: '2M:1@4'") and the first node
 * that does not.
 */
int snapshot_nodes_usable(const struct snapshot *snap, const struct bitmask *mask, const char *what,
			  struct bc_error *err);
struct zone *node_zone(const struct node *node, const char *name);
const struct hugepool *node_pool(const struct node *node, uint64_t size_kb);
const struct hugepool *snapshot_pool(const struct snapshot *snap, uint64_t size_kb);

/*
 * Find or add a node / zone while parsing; NULL when out of memory. A node
 * with an id below the last one's is appended and found through
 * snap->node_slot, in constant time either way: a parser that may add
 * nodes out of order calls snapshot_sort_nodes() when it is done, which
 * sorts nodes[] by id again (and moves them: no struct node * survives it).
 */
struct node *snapshot_add_node(struct snapshot *snap, int id);
void snapshot_sort_nodes(struct snapshot *snap);
struct zone *node_add_zone(struct node *node, const char *name, size_t len);
/* z->types for a parser to fill, allocated on first use: 0, or -1 out of memory. */
int zone_alloc_types(struct zone *z);

/*
 * Node id's zone name[len] for a parser at path:lineno, added if new.
 * NULL with *rc and err set (-BC_ENOMEM, or -BC_EDATA past BC_MAX_ZONES
 * on the node or BC_MAX_SNAPSHOT_ZONES in all).
 */
struct zone *snapshot_zone(struct snapshot *snap, int id, const char *name, size_t len,
			   const char *path, unsigned lineno, int *rc, struct bc_error *err);

#endif
