/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "hugepages.h"
#include "meminfo.h"
#include "nodelist.h"
#include "pagetypeinfo.h"
#include "rootfs.h"
#include "textscan.h"
#include "zoneinfo.h"

static const char NODE_DIR[] = "sys/devices/system/node";

struct node *snapshot_node(const struct snapshot *snap, int id)
{
	unsigned lo = 0, hi = snap->nr_nodes;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (snap->nodes[mid].id == id)
			return &snap->nodes[mid];
		if (snap->nodes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct node *snapshot_add_node(struct snapshot *snap, int id)
{
	struct node *n, *nodes;
	unsigned pos;

	/* files list nodes in ascending order: appending is the common case */
	if (snap->nr_nodes && snap->nodes[snap->nr_nodes - 1].id == id)
		return &snap->nodes[snap->nr_nodes - 1];
	n = snapshot_node(snap, id);
	if (n)
		return n;
	if (snap->nr_nodes == snap->cap_nodes) {
		unsigned cap = snap->cap_nodes ? snap->cap_nodes * 2 : 8;

		nodes = realloc(snap->nodes, cap * sizeof(*nodes));
		if (!nodes)
			return NULL;
		snap->nodes = nodes;
		snap->cap_nodes = cap;
	}
	nodes = snap->nodes;
	for (pos = snap->nr_nodes; pos > 0 && nodes[pos - 1].id > id; pos--)
		;
	memmove(&nodes[pos + 1], &nodes[pos], (snap->nr_nodes - pos) * sizeof(*nodes));
	snap->nr_nodes++;
	memset(&nodes[pos], 0, sizeof(nodes[pos]));
	nodes[pos].id = id;
	return &nodes[pos];
}

struct zone *node_zone(const struct node *node, const char *name)
{
	unsigned i;

	for (i = 0; i < node->nr_zones; i++)
		if (strcmp(node->zones[i].name, name) == 0)
			return &node->zones[i];
	return NULL;
}

struct zone *node_add_zone(struct node *node, const char *name, size_t len)
{
	struct zone *zones;
	unsigned i;

	if (len >= BC_NAME_MAX)
		return NULL;
	for (i = 0; i < node->nr_zones; i++)
		if (strlen(node->zones[i].name) == len &&
		    memcmp(node->zones[i].name, name, len) == 0)
			return &node->zones[i];
	zones = realloc(node->zones, (node->nr_zones + 1) * sizeof(*zones));
	if (!zones)
		return NULL;
	node->zones = zones;
	memset(&zones[node->nr_zones], 0, sizeof(zones[0]));
	memcpy(zones[node->nr_zones].name, name, len);
	return &zones[node->nr_zones++];
}

static const struct hugepool *find_pool(const struct hugepool *p, unsigned n, uint64_t kb)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (p[i].size_kb == kb)
			return &p[i];
	return NULL;
}

const struct hugepool *node_pool(const struct node *node, uint64_t size_kb)
{
	return find_pool(node->pools, node->nr_pools, size_kb);
}

const struct hugepool *snapshot_pool(const struct snapshot *snap, uint64_t size_kb)
{
	return find_pool(snap->pools, snap->nr_pools, size_kb);
}

void snapshot_free(struct snapshot *snap)
{
	unsigned i;

	for (i = 0; i < snap->nr_nodes; i++) {
		free(snap->nodes[i].zones);
		free(snap->nodes[i].pools);
	}
	free(snap->nodes);
	free(snap->pools);
	free(snap->root);
	memset(snap, 0, sizeof(*snap));
}

typedef int (*parse_fn)(struct snapshot *, const char *, const char *, size_t,
			struct bc_error *);

/* Read rel under the root and hand it to parse. */
static int read_parse(struct snapshot *snap, const char *rel, parse_fn parse,
		      int *errnum, struct bc_error *err)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc;

	rc = rootfs_read(snap->root, rel, &buf, &len, path, errnum, err);
	if (rc < 0)
		return rc;
	rc = parse(snap, path, buf, len, err);
	free(buf);
	return rc;
}

static int parse_meminfo_global(struct snapshot *snap, const char *path,
				const char *buf, size_t len, struct bc_error *err)
{
	return meminfo_parse(&snap->meminfo, -1, path, buf, len, err);
}

static int parse_vmstat(struct snapshot *snap, const char *path,
			const char *buf, size_t len, struct bc_error *err)
{
	return vmstat_parse(&snap->vmstat, path, buf, len, err);
}

/* Read a node list file into a mask; *mask stays NULL when optional and absent. */
static int read_nodelist(struct snapshot *snap, const char *name, bool required,
			 struct bitmask **mask, struct bc_error *err)
{
	char rel[64], path[PATH_MAX], *buf;
	size_t len;
	int rc, errnum;

	*mask = NULL;
	snprintf(rel, sizeof(rel), "%s/%s", NODE_DIR, name);
	rc = rootfs_read(snap->root, rel, &buf, &len, path, &errnum, err);
	if (rc < 0)
		return (!required && errnum == ENOENT) ? 0 : rc;
	rc = nodelist_parse(buf, len, path, BC_EDATA, mask, err);
	free(buf);
	return rc;
}

static bool in_mask(const struct bitmask *m, int id)
{
	return m && (unsigned)id < m->size && numa_bitmask_isbitset(m, (unsigned)id);
}

/*
 * Node set from sys/devices/system/node/{online,has_memory,has_cpu}: every
 * online node is listed, CPU-only ones without zones. Every node the proc
 * files mention must be online.
 */
static int read_nodes(struct snapshot *snap, struct bc_error *err)
{
	struct bitmask *online = NULL, *mem = NULL, *cpu = NULL;
	unsigned i;
	int rc, id, max;

	rc = read_nodelist(snap, "online", true, &online, err);
	if (rc == 0)
		rc = read_nodelist(snap, "has_memory", true, &mem, err);
	if (rc == 0)
		rc = read_nodelist(snap, "has_cpu", false, &cpu, err);
	if (rc < 0)
		goto out;
	for (i = 0; i < snap->nr_nodes; i++) {
		if (!in_mask(online, snap->nodes[i].id)) {
			rc = bc_error_set(err, BC_EDATA, "%s/%s/online: node %d has zones but is not online",
					  strcmp(snap->root, "/") ? snap->root : "", NODE_DIR, snap->nodes[i].id);
			goto out;
		}
	}
	max = nodelist_max(online);
	for (id = 0; id <= max; id++) {
		struct node *n;

		if (!in_mask(online, id))
			continue;
		n = snapshot_add_node(snap, id);
		if (!n) {
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
			goto out;
		}
		n->has_memory = in_mask(mem, id);
		n->has_cpu = in_mask(cpu, id);
	}
out:
	if (online)
		numa_bitmask_free(online);
	if (mem)
		numa_bitmask_free(mem);
	if (cpu)
		numa_bitmask_free(cpu);
	return rc;
}

static int read_node_meminfo(struct snapshot *snap, struct bc_error *err)
{
	char rel[96], path[PATH_MAX], *buf;
	unsigned i;
	size_t len;
	int rc, errnum;

	for (i = 0; i < snap->nr_nodes; i++) {
		struct node *n = &snap->nodes[i];
		char dirpath[PATH_MAX];
		int fd;

		snprintf(rel, sizeof(rel), "%s/node%d", NODE_DIR, n->id);
		if (rootfs_path(snap->root, rel, dirpath, sizeof(dirpath), err) < 0)
			return -BC_EUSAGE;
		fd = rootfs_open_dir(snap->root, rel);
		if (fd < 0) {
			if (!n->has_memory && errno == ENOENT)
				continue;
			return bc_error_set(err, BC_ENOINPUT, "%s: %s", dirpath, strerror(errno));
		}
		rc = rootfs_read_at(fd, dirpath, "meminfo", &buf, &len, path, &errnum, err);
		close(fd);
		if (rc < 0) {
			if (!n->has_memory && errnum == ENOENT)
				continue;
			return rc;
		}
		rc = meminfo_parse(&n->meminfo, n->id, path, buf, len, err);
		free(buf);
		if (rc < 0)
			return rc;
		n->has_meminfo = true;
	}
	return 0;
}

static int ilog2_exact(uint64_t v)
{
	int o = 0;

	if (v == 0 || (v & (v - 1)))
		return -1;
	while (v > 1) {
		v >>= 1;
		o++;
	}
	return o;
}

/*
 * The page size of the machine the tree came from. On the live system it is
 * the running kernel's. For other trees it follows from node meminfo, which
 * prints managed pages in kB: MemTotal kB / sum of the zones' managed pages.
 */
static int find_page_size(struct snapshot *snap, struct bc_error *err)
{
	unsigned i, k;

	if (rootfs_is_live(snap->root)) {
		snap->page_size = (unsigned)sysconf(_SC_PAGESIZE);
		return 0;
	}
	for (i = 0; i <= snap->nr_nodes; i++) {
		uint64_t managed = 0, kb;
		const struct node *n;
		int id = -1;

		if (i < snap->nr_nodes) {
			n = &snap->nodes[i];
			if (!n->has_meminfo)
				continue;
			for (k = 0; k < n->nr_zones; k++)
				managed += n->zones[k].managed;
			kb = n->meminfo.v[MI_MEM_TOTAL];
			id = n->id;
		} else {
			/* no node meminfo (CONFIG_NUMA=n): MemTotal is totalram_pages */
			for (n = snap->nodes; n < snap->nodes + snap->nr_nodes; n++)
				for (k = 0; k < n->nr_zones; k++)
					managed += n->zones[k].managed;
			kb = snap->meminfo.v[MI_MEM_TOTAL];
		}
		if (managed == 0)
			continue;
		if (kb % managed == 0 && ilog2_exact(kb / managed) >= 0 && kb / managed <= 1024) {
			snap->page_size = (unsigned)(kb / managed) * 1024;
			return 0;
		}
		if (id < 0)
			return bc_error_set(err, BC_EDATA,
					    "meminfo: MemTotal %llu kB is not a power-of-two multiple of %llu managed pages: cannot work out the page size",
					    (unsigned long long)kb, (unsigned long long)managed);
		return bc_error_set(err, BC_EDATA,
				    "node %d: MemTotal %llu kB is not a power-of-two multiple of %llu managed pages: cannot work out the page size",
				    id, (unsigned long long)kb, (unsigned long long)managed);
	}
	return bc_error_set(err, BC_EDATA, "%s: no node with both meminfo and managed pages: cannot work out the page size",
			    snap->root);
}

/*
 * COMPACTION_HPAGE_ORDER: the PMD order where THP exists (hpage_pmd_size),
 * else the pageblock order, else the default hugepage size.
 */
static void find_hpage_order(struct snapshot *snap)
{
	char path[PATH_MAX], *buf;
	uint64_t bytes;
	size_t len;
	int errnum, o;

	snap->hpage_order = -1;
	if (rootfs_read(snap->root, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			&buf, &len, path, &errnum, NULL) == 0) {
		if (parse_single_u64(path, buf, len, &bytes, NULL) == 0 &&
		    (o = ilog2_exact(bytes / snap->page_size)) >= 0 &&
		    bytes % snap->page_size == 0)
			snap->hpage_order = o;
		free(buf);
	}
	if (snap->hpage_order < 0 && snap->pageblock_order >= 0)
		snap->hpage_order = snap->pageblock_order;
	if (snap->hpage_order < 0 && snap->default_hugepage_kb &&
	    (o = ilog2_exact(snap->default_hugepage_kb * 1024 / snap->page_size)) >= 0)
		snap->hpage_order = o;
	/* without hugetlb the kernel's pageblock_order is MAX_PAGE_ORDER */
	if (snap->hpage_order < 0 || snap->hpage_order >= (int)snap->nr_orders)
		snap->hpage_order = (int)snap->nr_orders - 1;
}

/* What a consistent tree guarantees; each failure names the files involved. */
static int check_consistency(struct snapshot *snap, struct bc_error *err)
{
	unsigned i, k, t;

	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];

		for (k = 0; k < n->nr_zones; k++) {
			const struct zone *z = &n->zones[k];

			if (z->in_buddyinfo && !z->in_zoneinfo)
				return bc_error_set(err, BC_EDATA, "node %d zone %s is in buddyinfo but not in zoneinfo",
						    n->id, z->name);
			if (z->nr_types && !z->in_buddyinfo)
				return bc_error_set(err, BC_EDATA, "node %d zone %s is in pagetypeinfo but not in buddyinfo",
						    n->id, z->name);
			for (t = 0; t < z->nr_types; t++)
				if (z->types[t].pageblocks > BC_MAX_PAGES)
					return bc_error_set(err, BC_EDATA, "node %d zone %s: implausible pageblock count",
							    n->id, z->name);
		}
	}
	return 0;
}

int snapshot_read(const char *root, struct snapshot *snap, struct bc_error *err)
{
	bool numa_sysfs;
	int rc, errnum;

	memset(snap, 0, sizeof(*snap));
	snap->pageblock_order = -1;
	snap->hpage_order = -1;
	snap->root = strdup(root);
	if (!snap->root)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	clock_gettime(CLOCK_REALTIME, &snap->taken);

	/* zoneinfo first: it lists every zone in kernel order */
	rc = read_parse(snap, "proc/zoneinfo", zoneinfo_parse, &errnum, err);
	if (rc == 0)
		rc = read_parse(snap, "proc/buddyinfo", buddyinfo_parse, &errnum, err);
	if (rc < 0)
		goto fail;

	rc = read_parse(snap, "proc/pagetypeinfo", pagetypeinfo_parse, &errnum, err);
	if (rc < 0 && errnum) {
		/* absent or root-only (mode 0400): say so, carry on */
		snprintf(snap->pagetypeinfo_why, sizeof(snap->pagetypeinfo_why),
			 "%s", strerror(errnum));
		snap->pagetypeinfo_errno = errnum;
		rc = 0;
	}
	if (rc < 0)
		goto fail;
	if (snap->has_pagetypeinfo && snap->pagetypeinfo_orders != snap->nr_orders) {
		rc = bc_error_set(err, BC_EDATA, "%s/proc/pagetypeinfo has %u orders, buddyinfo %u",
				  strcmp(root, "/") ? root : "", snap->pagetypeinfo_orders, snap->nr_orders);
		goto fail;
	}

	rc = read_parse(snap, "proc/meminfo", parse_meminfo_global, &errnum, err);
	if (rc == 0)
		rc = read_parse(snap, "proc/vmstat", parse_vmstat, &errnum, err);
	if (rc < 0)
		goto fail;
	if (meminfo_has(&snap->meminfo, MI_HUGEPAGESIZE))
		snap->default_hugepage_kb = snap->meminfo.v[MI_HUGEPAGESIZE];

	numa_sysfs = rootfs_is_dir(snap->root, NODE_DIR);
	if (numa_sysfs) {
		rc = read_nodes(snap, err);
		if (rc == 0)
			rc = read_node_meminfo(snap, err);
	} else {
		/* CONFIG_NUMA=n: the proc files name node 0 only */
		unsigned i;

		for (i = 0; i < snap->nr_nodes; i++) {
			snap->nodes[i].has_memory = snap->nodes[i].has_cpu = true;
			if (snap->nr_nodes == 1) {
				snap->nodes[i].meminfo = snap->meminfo;
				snap->nodes[i].has_meminfo = true;
			}
		}
	}
	if (rc == 0)
		rc = check_consistency(snap, err);
	if (rc == 0)
		rc = hugepages_read(snap, numa_sysfs, err);
	if (rc == 0)
		rc = find_page_size(snap, err);
	if (rc < 0)
		goto fail;
	find_hpage_order(snap);
	return 0;
fail:
	snapshot_free(snap);
	return rc;
}
