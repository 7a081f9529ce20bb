/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "hugepages.h"
#include "meminfo.h"
#include "nodelist.h"
#include "pagesize.h"
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
	if (node->nr_zones >= BC_MAX_ZONES)
		return NULL;
	zones = realloc(node->zones, (node->nr_zones + 1) * sizeof(*zones));
	if (!zones)
		return NULL;
	node->zones = zones;
	memset(&zones[node->nr_zones], 0, sizeof(zones[0]));
	memcpy(zones[node->nr_zones].name, name, len);
	return &zones[node->nr_zones++];
}

struct zone *snapshot_zone(struct snapshot *snap, int id, const char *name, size_t len,
			   const char *path, unsigned lineno, int *rc, struct bc_error *err)
{
	struct node *node = snapshot_add_node(snap, id);
	struct zone *z;

	if (!node) {
		*rc = bc_error_set(err, BC_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	z = node_add_zone(node, name, len);
	if (!z && node->nr_zones >= BC_MAX_ZONES)
		*rc = bc_error_set(err, BC_EDATA, "%s:%u: more than %d zones on node %d", path, lineno,
				   BC_MAX_ZONES, id);
	else if (!z)
		*rc = bc_error_set(err, BC_ENOMEM, "%s: out of memory", path);
	return z;
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

/* What one node's sysfs directory says, read apart from the proc files. */
struct node_files {
	int id;
	bool has_memory, has_cpu, has_meminfo;
	struct meminfo meminfo;
	struct hugepool *pools;
};

/* The node set: sys/devices/system/node/{online,has_memory,has_cpu}. */
static int list_nodes(struct snapshot *snap, struct node_files **out, unsigned *count,
		      struct bc_error *err)
{
	struct bitmask *online = NULL, *mem = NULL, *cpu = NULL;
	struct node_files *nf = NULL;
	unsigned n = 0;
	int rc, id, max;

	rc = read_nodelist(snap, "online", true, &online, err);
	if (rc == 0)
		rc = read_nodelist(snap, "has_memory", true, &mem, err);
	if (rc == 0)
		rc = read_nodelist(snap, "has_cpu", false, &cpu, err);
	if (rc < 0)
		goto out;
	max = nodelist_max(online);
	nf = calloc((size_t)max + 1, sizeof(*nf));
	if (!nf && max >= 0) {
		rc = bc_error_set(err, BC_ENOMEM, "out of memory");
		goto out;
	}
	for (id = 0; id <= max; id++) {
		if (!in_mask(online, id))
			continue;
		nf[n].id = id;
		nf[n].has_memory = in_mask(mem, id);
		nf[n++].has_cpu = in_mask(cpu, id);
	}
	*out = nf;
	*count = n;
out:
	if (online)
		numa_bitmask_free(online);
	if (mem)
		numa_bitmask_free(mem);
	if (cpu)
		numa_bitmask_free(cpu);
	return rc;
}

/* nodeN/meminfo and nodeN/hugepages/... of one node. Thread-safe. */
static int read_node_files(const char *root, const struct snapshot *snap, struct node_files *nf,
			   struct bc_error *err)
{
	char rel[64], dirpath[PATH_MAX], path[PATH_MAX], *buf;
	size_t len;
	int fd, rc, errnum;

	snprintf(rel, sizeof(rel), "%s/node%d", NODE_DIR, nf->id);
	rc = rootfs_path(root, rel, dirpath, sizeof(dirpath), err);
	if (rc < 0)
		return rc;
	fd = rootfs_open_dir(root, rel);
	if (fd < 0) {
		if (!nf->has_memory && errno == ENOENT)
			return 0;
		return bc_error_set(err, BC_ENOINPUT, "%s: %s", dirpath, strerror(errno));
	}
	rc = rootfs_read_at(fd, dirpath, "meminfo", &buf, &len, path, &errnum, err);
	if (rc == 0) {
		rc = meminfo_parse(&nf->meminfo, nf->id, path, buf, len, err);
		free(buf);
		nf->has_meminfo = rc == 0;
	} else if (!nf->has_memory && errnum == ENOENT) {
		rc = 0;
	}
	if (rc == 0 && nf->has_memory)
		rc = hugepages_read_node(fd, dirpath, snap->pools, snap->nr_pools, &nf->pools, err);
	close(fd);
	return rc;
}

struct node_job {
	const char *root;
	const struct snapshot *snap;
	struct node_files *nf;
	unsigned from, to;
	unsigned failed_at;		/* index of the failing node, or to */
	int rc;
	struct bc_error err;
	pthread_t thread;
	bool started;			/* else run inline when joining */
};

static void *node_worker(void *arg)
{
	struct node_job *j = arg;
	unsigned i;

	j->failed_at = j->to;
	for (i = j->from; i < j->to; i++) {
		j->rc = read_node_files(j->root, j->snap, &j->nf[i], &j->err);
		if (j->rc < 0) {
			j->failed_at = i;
			break;
		}
	}
	return NULL;
}

/*
 * On a big machine most of the time goes into thousands of small sysfs
 * files (7 per node: 7,000 opens for 1024 nodes); they are read by worker
 * threads while the main thread parses the proc files. Below this many
 * nodes, threads cost more than they save.
 */
#define NODES_PER_THREAD_MIN 32
#define MAX_NODE_THREADS 4

static unsigned start_node_jobs(struct snapshot *snap, struct node_files *nf, unsigned n,
				struct node_job *jobs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned k, nj = n / NODES_PER_THREAD_MIN;

	if (nj > MAX_NODE_THREADS)
		nj = MAX_NODE_THREADS;
	if (cpus > 0 && nj > (unsigned)cpus)
		nj = (unsigned)cpus;
	if (nj == 0)
		nj = 1;
	for (k = 0; k < nj; k++) {
		jobs[k] = (struct node_job){ .root = snap->root, .snap = snap, .nf = nf,
					     .from = n * k / nj, .to = n * (k + 1) / nj };
		jobs[k].started = nj > 1 &&
				  pthread_create(&jobs[k].thread, NULL, node_worker, &jobs[k]) == 0;
	}
	return nj;
}

/* Join the workers; the first error in node order wins. */
static int finish_node_jobs(struct node_job *jobs, unsigned nj, struct bc_error *err)
{
	unsigned k;
	int rc = 0;

	for (k = 0; k < nj; k++) {
		if (jobs[k].started)
			pthread_join(jobs[k].thread, NULL);
		else
			node_worker(&jobs[k]);
	}
	for (k = 0; k < nj; k++)
		if (jobs[k].rc < 0 && rc == 0) {
			rc = jobs[k].rc;
			if (err)
				*err = jobs[k].err;
		}
	return rc;
}

/* The root as messages show it before "/proc/...": "" for the live "/". */
static const char *shown_root(const char *root)
{
	return rootfs_is_slash(root) ? "" : root;
}

/*
 * Move what the node files said into the snapshot; every node the proc
 * files mention must be online, and every online node is listed (CPU-only
 * ones without zones).
 */
static int merge_nodes(struct snapshot *snap, struct node_files *nf, unsigned n,
		       struct bc_error *err)
{
	unsigned i, k;

	for (i = 0; i < snap->nr_nodes; i++) {
		for (k = 0; k < n && nf[k].id != snap->nodes[i].id; k++)
			;
		if (k == n)
			return bc_error_set(err, BC_EDATA, "%s/%s/online: node %d has zones but is not online",
					    shown_root(snap->root), NODE_DIR, snap->nodes[i].id);
	}
	for (k = 0; k < n; k++) {
		struct node *node = snapshot_node(snap, nf[k].id);
		bool has_zones = false;

		for (i = 0; node && i < node->nr_zones; i++)
			has_zones |= node->zones[i].in_buddyinfo;
		/*
		 * N_MEMORY is set exactly for nodes with a populated zone, and
		 * buddyinfo prints every populated zone: the two must agree.
		 */
		if (nf[k].has_memory && !has_zones)
			return bc_error_set(err, BC_EDATA, "%s/%s/has_memory lists node %d, but %s/proc/buddyinfo has no zone of it: the files contradict each other",
					    shown_root(snap->root), NODE_DIR, nf[k].id, shown_root(snap->root));
		if (!nf[k].has_memory && has_zones)
			return bc_error_set(err, BC_EDATA, "%s/%s/has_memory does not list node %d, but %s/proc/buddyinfo has zones of it: the files contradict each other",
					    shown_root(snap->root), NODE_DIR, nf[k].id, shown_root(snap->root));
		node = snapshot_add_node(snap, nf[k].id);
		if (!node)
			return bc_error_set(err, BC_ENOMEM, "out of memory");
		node->has_memory = nf[k].has_memory;
		node->has_cpu = nf[k].has_cpu;
		node->meminfo = nf[k].meminfo;
		node->has_meminfo = nf[k].has_meminfo;
		if (nf[k].pools) {
			node->pools = nf[k].pools;
			node->nr_pools = snap->nr_pools;
			nf[k].pools = NULL;
		}
	}
	return 0;
}

static void free_node_files(struct node_files *nf, unsigned n)
{
	unsigned k;

	for (k = 0; k < n; k++)
		free(nf[k].pools);
	free(nf);
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

/* Does the kernel have nodeN/reclaim? Asked of the first node with memory. */
static void find_node_reclaim(struct snapshot *snap)
{
	char rel[96];
	unsigned i;
	int fd;

	for (i = 0; snap->numa_sysfs && i < snap->nr_nodes; i++) {
		if (!snap->nodes[i].has_memory)
			continue;
		snprintf(rel, sizeof(rel), "%s/node%d/reclaim", NODE_DIR, snap->nodes[i].id);
		fd = rootfs_open(snap->root, rel, O_PATH | O_CLOEXEC, 0);
		snap->node_reclaim = fd >= 0;
		if (fd >= 0)
			close(fd);
		return;
	}
}

int snapshot_read(const char *root, struct snapshot *snap, struct bc_error *err)
{
	return snapshot_read_opts(root, NULL, snap, err);
}

int snapshot_read_opts(const char *root, const struct snap_opts *opts, struct snapshot *snap,
		       struct bc_error *err)
{
	struct node_job jobs[MAX_NODE_THREADS];
	struct node_files *nf = NULL;
	struct bc_error werr = { 0 };
	unsigned nr_nf = 0, nj = 0, i;
	bool numa_sysfs;
	int rc, wrc = 0, errnum;

	memset(snap, 0, sizeof(*snap));
	snap->pageblock_order = -1;
	snap->hpage_order = -1;
	snap->root = strdup(root);
	if (!snap->root)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	clock_gettime(CLOCK_REALTIME, &snap->taken);

	/* the node set and the hugepage sizes first: the node files need both */
	numa_sysfs = snap->numa_sysfs = rootfs_is_dir(snap->root, NODE_DIR);
	rc = numa_sysfs ? list_nodes(snap, &nf, &nr_nf, err) : 0;
	if (rc == 0)
		rc = hugepages_read_global(snap, err);
	if (rc < 0)
		goto fail;
	if (nr_nf)
		nj = start_node_jobs(snap, nf, nr_nf, jobs);

	/* zoneinfo first: it lists every zone in kernel order */
	rc = read_parse(snap, "proc/zoneinfo", zoneinfo_parse, &errnum, err);
	if (rc == 0)
		rc = read_parse(snap, "proc/buddyinfo", buddyinfo_parse, &errnum, err);
	if (rc == 0) {
		rc = read_parse(snap, "proc/pagetypeinfo", pagetypeinfo_parse, &errnum, err);
		if (rc < 0 && errnum) {
			/* absent or root-only (mode 0400): say so, carry on */
			snprintf(snap->pagetypeinfo_why, sizeof(snap->pagetypeinfo_why),
				 "%s", strerror(errnum));
			snap->pagetypeinfo_errno = errnum;
			rc = 0;
		}
	}
	if (rc == 0 && snap->has_pagetypeinfo && snap->pagetypeinfo_orders != snap->nr_orders)
		rc = bc_error_set(err, BC_EDATA, "%s/proc/pagetypeinfo has %u orders, buddyinfo %u",
				  strcmp(root, "/") ? root : "", snap->pagetypeinfo_orders, snap->nr_orders);
	if (rc == 0)
		rc = read_parse(snap, "proc/meminfo", parse_meminfo_global, &errnum, err);
	if (rc == 0)
		rc = read_parse(snap, "proc/vmstat", parse_vmstat, &errnum, err);

	if (nj)
		wrc = finish_node_jobs(jobs, nj, &werr);
	if (rc < 0)
		goto fail;
	if (wrc < 0) {
		rc = wrc;
		if (err)
			*err = werr;
		goto fail;
	}
	if (meminfo_has(&snap->meminfo, MI_HUGEPAGESIZE))
		snap->default_hugepage_kb = snap->meminfo.v[MI_HUGEPAGESIZE];

	if (numa_sysfs) {
		rc = merge_nodes(snap, nf, nr_nf, err);
	} else {
		/* CONFIG_NUMA=n: the proc files name node 0 only; it holds the global pools */
		for (i = 0; i < snap->nr_nodes && rc == 0; i++) {
			struct node *n = &snap->nodes[i];

			n->has_memory = n->has_cpu = true;
			if (snap->nr_nodes == 1) {
				n->meminfo = snap->meminfo;
				n->has_meminfo = true;
			}
			if (snap->nr_pools) {
				n->pools = malloc(snap->nr_pools * sizeof(*n->pools));
				if (!n->pools)
					rc = bc_error_set(err, BC_ENOMEM, "out of memory");
				else
					memcpy(n->pools, snap->pools, snap->nr_pools * sizeof(*n->pools));
				n->nr_pools = n->pools ? snap->nr_pools : 0;
			}
		}
	}
	if (rc == 0)
		rc = check_consistency(snap, err);
	if (rc == 0)
		rc = pagesize_find(snap, opts ? opts->page_size : 0, err);
	if (rc < 0)
		goto fail;
	find_hpage_order(snap);
	find_node_reclaim(snap);
	free_node_files(nf, nr_nf);
	return 0;
fail:
	free_node_files(nf, nr_nf);
	snapshot_free(snap);
	return rc;
}
