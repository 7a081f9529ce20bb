/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads every kernel file under a root, a capture or a status JSON into a snapshot. */
#include "snapshot_read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "capture.h"
#include "hugepages.h"
#include "meminfo.h"
#include "nodelist.h"
#include "pagesize.h"
#include "pagetypeinfo.h"
#include "rootfs.h"
#include "statusjson.h"
#include "textscan.h"
#include "units.h"
#include "zoneinfo.h"

#define NODE_DIR_S "sys/devices/system/node"
static const char NODE_DIR[] = NODE_DIR_S;

/* Why an input was not read, besides errno values (missing()'s errnum). */
enum { WHY_CAPTURE = -1, WHY_STATUS_JSON = -2, WHY_NO_TOTALS = -3 };

/* Note input in as not read, with why (errnum, or WHY_*) and what it takes away. */
static void missing(struct snapshot *snap, enum snap_input in, const char *file, int errnum,
		    unsigned lost)
{
	struct snap_missing *m = &snap->missing[in];

	if (!m->file) {
		m->file = file;
		snprintf(m->why, sizeof(m->why), "%s", errnum == WHY_CAPTURE ? "not in a buddyinfo capture"
			 : errnum == WHY_STATUS_JSON ? "not in a status JSON file"
			 : errnum == WHY_NO_TOTALS ? "no MemTotal or MemFree line"
			 : rootfs_strerror(errnum ? errnum : ENOENT));
	}
	m->lost |= lost;
	snap->lost |= lost;
}

/* The same for node id's copy of a per-node file. 0 or -BC_ENOMEM. */
static int missing_node(struct snapshot *snap, enum snap_input in, const char *file, int id,
			int errnum, unsigned lost, struct bc_error *err)
{
	struct snap_missing *m = &snap->missing[in];

	if (!m->nodes && !(m->nodes = numa_bitmask_alloc(BC_MAX_NODE_ID + 1)))
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	missing(snap, in, file, errnum, lost);
	numa_bitmask_setbit(m->nodes, (unsigned)id);
	return 0;
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

/* The same for a file that may be missing: noted, with what it takes away. */
static int read_optional(struct snapshot *snap, const char *rel, parse_fn parse,
			 enum snap_input in, unsigned lost, struct bc_error *err)
{
	int errnum, rc = read_parse(snap, rel, parse, &errnum, err);

	if (rc != -BC_ENOINPUT)
		return rc;
	missing(snap, in, rel, errnum, lost);
	return 0;
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

/*
 * Read a node list file into a mask. Absent or unreadable: *mask NULL and
 * *errnum says why (every one of them is optional: a capture may lack it).
 */
static int read_nodelist(struct snapshot *snap, const char *name, struct bitmask **mask,
			 int *errnum, struct bc_error *err)
{
	char rel[64], path[PATH_MAX], *buf;
	size_t len;
	int rc;

	*mask = NULL;
	snprintf(rel, sizeof(rel), "%s/%s", NODE_DIR, name);
	rc = rootfs_read(snap->root, rel, &buf, &len, path, errnum, err);
	if (rc < 0)
		return rc == -BC_ENOINPUT ? 0 : rc;
	*errnum = 0;
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
	bool mem_known;			/* has_memory from has_memory, else from buddyinfo */
	bool cpu_known;			/* has_cpu from has_cpu or nodeN/cpulist */
	bool pools_read;		/* nodeN/hugepages read (or none to read) */
	int meminfo_errnum, pools_errnum;	/* why not, when not read */
	struct meminfo meminfo;
	struct hugepool *pools;
};

/* The id of a directory named nodeN (no sign, no leading zero, in range), or -1. */
static long node_dir_id(const char *name)
{
	unsigned long id;
	char *end;

	if (strncmp(name, "node", 4) || name[4] < '0' || name[4] > '9')
		return -1;
	id = strtoul(name + 4, &end, 10);
	if (*end || id > BC_MAX_NODE_ID || (id != 0 && name[4] == '0'))
		return -1;
	return (long)id;
}

/* The nodeN directories under sys/devices/system/node, when online is missing. */
static int scan_node_dirs(struct snapshot *snap, struct bitmask **out, struct bc_error *err)
{
	struct bitmask *m;
	struct dirent *de;
	DIR *d;
	long id;
	int fd;

	*out = NULL;
	fd = rootfs_open_dir(snap->root, NODE_DIR);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	m = numa_bitmask_alloc(BC_MAX_NODE_ID + 1);
	if (!m) {
		closedir(d);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	while ((de = readdir(d)) != NULL)
		if ((id = node_dir_id(de->d_name)) >= 0)
			numa_bitmask_setbit(m, (unsigned)id);
	closedir(d);
	*out = m;
	return 0;
}

/* The node lists of sysfs; NULL where a list was not read (errnum: why). */
struct node_lists {
	struct bitmask *online, *mem, *cpu;
	struct bitmask *dirs;		/* the nodeN directories, without online */
	int e_online, e_mem, e_cpu;
};

static void node_lists_free(struct node_lists *l)
{
	if (l->online)
		numa_bitmask_free(l->online);
	if (l->mem)
		numa_bitmask_free(l->mem);
	if (l->cpu)
		numa_bitmask_free(l->cpu);
	if (l->dirs)
		numa_bitmask_free(l->dirs);
}

/* online, has_memory, has_cpu (each noted when missing), and without online the nodeN directories. */
static int read_node_lists(struct snapshot *snap, struct node_lists *l, struct bc_error *err)
{
	int rc;

	rc = read_nodelist(snap, "online", &l->online, &l->e_online, err);
	if (rc == 0)
		rc = read_nodelist(snap, "has_memory", &l->mem, &l->e_mem, err);
	if (rc == 0)
		rc = read_nodelist(snap, "has_cpu", &l->cpu, &l->e_cpu, err);
	if (rc == 0 && !l->online)
		rc = scan_node_dirs(snap, &l->dirs, err);
	if (rc < 0)
		return rc;
	if (!l->online)
		missing(snap, IN_NODE_ONLINE, NODE_DIR_S "/online", l->e_online, 0);
	if (!l->mem)
		missing(snap, IN_NODE_HAS_MEMORY, NODE_DIR_S "/has_memory", l->e_mem, 0);
	if (!l->cpu)
		missing(snap, IN_NODE_HAS_CPU, NODE_DIR_S "/has_cpu", l->e_cpu, 0);
	return 0;
}

/*
 * The node set: sys/devices/system/node/{online,has_memory,has_cpu}. A
 * capture may hold none of them (a sosreport copies the nodeN files only):
 * then the nodeN directories are the online nodes, buddyinfo says which
 * have memory, and nodeN/cpulist which have CPUs.
 */
static int list_nodes(struct snapshot *snap, struct node_files **out, unsigned *count,
		      struct bc_error *err)
{
	struct node_lists l = { 0 };
	const struct bitmask *nodes;
	struct node_files *nf;
	unsigned n = 0;
	int rc, id, max;

	rc = read_node_lists(snap, &l, err);
	nodes = l.online ? l.online : l.dirs;
	max = nodes ? nodelist_max(nodes) : -1;
	nf = rc < 0 ? NULL : calloc((size_t)(max + 1) + 1, sizeof(*nf));
	if (rc == 0 && !nf)
		rc = bc_error_set(err, BC_ENOMEM, "out of memory");
	for (id = 0; rc == 0 && id <= max; id++) {
		if (!in_mask(nodes, id))
			continue;
		nf[n].id = id;
		nf[n].mem_known = l.mem != NULL;
		nf[n].has_memory = in_mask(l.mem, id);
		nf[n].cpu_known = l.cpu != NULL;
		nf[n++].has_cpu = in_mask(l.cpu, id);
	}
	if (rc == 0) {
		*out = nf;
		*count = n;
	}
	node_lists_free(&l);
	return rc;
}

/* A node's directory, open: its fd and its path (for messages). */
struct node_dir {
	const char *root;
	int fd;
	char path[PATH_MAX];
};

/* nodeN/meminfo; missing: noted in nf, no error. */
static int read_node_meminfo(const struct node_dir *d, struct node_files *nf, struct bc_error *err)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc, errnum;

	rc = rootfs_read_at(d->root, d->fd, d->path, "meminfo", &buf, &len, path, &errnum, err);
	if (rc == -BC_ENOINPUT) {
		nf->meminfo_errnum = errnum;
		return 0;
	}
	if (rc < 0)
		return rc;
	rc = meminfo_parse(&nf->meminfo, nf->id, path, buf, len, err);
	free(buf);
	/* without MemTotal or MemFree the node's totals are unknown, no more */
	nf->has_meminfo = rc == 0 && meminfo_has_totals(&nf->meminfo);
	if (rc == 0 && !nf->has_meminfo)
		nf->meminfo_errnum = WHY_NO_TOTALS;
	return rc;
}

/* nodeN/cpulist, where has_cpu was not read: whether the node has CPUs. */
static int read_node_cpulist(const struct node_dir *d, struct node_files *nf, struct bc_error *err)
{
	char path[PATH_MAX], *buf;
	struct bitmask *cpus = NULL;
	size_t len;
	int rc, errnum;

	rc = rootfs_read_at(d->root, d->fd, d->path, "cpulist", &buf, &len, path, &errnum, err);
	if (rc < 0)
		return rc == -BC_ENOINPUT ? 0 : rc;
	/* a CPU list has the node list's syntax */
	rc = nodelist_parse(buf, len, path, BC_EDATA, &cpus, err);
	free(buf);
	if (rc == 0) {
		nf->cpu_known = true;
		nf->has_cpu = nodelist_max(cpus) >= 0;
		numa_bitmask_free(cpus);
	}
	return rc;
}

/* nodeN/hugepages/...; missing: noted in nf, no error. */
static int read_node_pools(const struct node_dir *d, const struct snapshot *snap, struct node_files *nf,
			   struct bc_error *err)
{
	int errnum, rc;

	rc = hugepages_read_node(d->root, d->fd, d->path, snap->pools, snap->nr_pools, &nf->pools, &errnum, err);
	if (rc == -BC_ENOINPUT) {
		nf->pools_errnum = errnum;
		return 0;
	}
	nf->pools_read = rc == 0;
	return rc;
}

/*
 * nodeN/meminfo, nodeN/hugepages/... (and without has_cpu nodeN/cpulist) of
 * one node. A file that is not there is noted, not an error: the node's
 * totals or pools are then unknown. Thread-safe.
 */
static int read_node_files(const char *root, const struct snapshot *snap, struct node_files *nf,
			   struct bc_error *err)
{
	struct node_dir d = { .root = root };
	char rel[64];
	int rc;

	snprintf(rel, sizeof(rel), "%s/node%d", NODE_DIR, nf->id);
	rc = rootfs_path(root, rel, d.path, sizeof(d.path), err);
	if (rc < 0)
		return rc;
	d.fd = rootfs_open_dir(root, rel);
	if (d.fd < 0) {
		nf->meminfo_errnum = nf->pools_errnum = errno;
		return 0;
	}
	rc = read_node_meminfo(&d, nf, err);
	if (rc == 0 && !nf->cpu_known)
		rc = read_node_cpulist(&d, nf, err);
	if (rc == 0 && (nf->has_memory || !nf->mem_known))
		rc = read_node_pools(&d, snap, nf, err);
	close(d.fd);
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

static bool node_has_zones(const struct node *node)
{
	unsigned i;

	for (i = 0; node && i < node->nr_zones; i++)
		if (node->zones[i].in_buddyinfo)
			return true;
	return false;
}

#define NODE_MEMINFO NODE_DIR_S "/nodeN/meminfo"
#define NODE_HUGEPAGES NODE_DIR_S "/nodeN/hugepages"

/*
 * A node of the proc files without its sysfs directory (only when online
 * was not read: then the proc files are what says a node is online).
 */
static int merge_dirless(struct snapshot *snap, struct node *node, struct bc_error *err)
{
	int rc = 0;

	node->has_memory = node_has_zones(node);
	missing(snap, IN_NODE_HAS_CPU, NODE_DIR_S "/has_cpu", ENOENT, LOST_CPUS);
	if (!node->has_memory)
		return 0;
	node->lost |= LOST_TOTALS | LOST_POOLS;
	rc = missing_node(snap, IN_NODE_MEMINFO, NODE_MEMINFO, node->id, ENOENT, LOST_TOTALS, err);
	if (rc == 0 && snap->nr_pools)
		rc = missing_node(snap, IN_NODE_HUGEPAGES, NODE_HUGEPAGES, node->id, ENOENT, LOST_POOLS, err);
	return rc;
}

/* The node files of id in nf[n], which list_nodes() filled in id order; NULL: none. */
static const struct node_files *find_node_files(const struct node_files *nf, unsigned n, int id)
{
	unsigned lo = 0, hi = n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (nf[mid].id == id)
			return &nf[mid];
		if (nf[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Every node of the proc files is online: with online read, one that is
 * not is an error; without, the proc files say it is (merge_dirless()).
 */
static int merge_proc_nodes(struct snapshot *snap, const struct node_files *nf, unsigned n,
			    struct bc_error *err)
{
	bool online_known = !snap->missing[IN_NODE_ONLINE].file;
	unsigned i;
	int rc;

	for (i = 0; i < snap->nr_nodes; i++) {
		if (find_node_files(nf, n, snap->nodes[i].id))
			continue;
		if (online_known)
			return bc_error_set(err, BC_EDATA, "%s/%s/online: node %d has zones but is not online",
					    shown_root(snap->root), NODE_DIR, snap->nodes[i].id);
		if ((rc = merge_dirless(snap, &snap->nodes[i], err)) < 0)
			return rc;
	}
	return 0;
}

/*
 * N_MEMORY is set exactly for nodes with a populated zone, and buddyinfo
 * prints every populated zone: has_memory and buddyinfo must agree.
 */
static int memory_agrees(const struct snapshot *snap, const struct node_files *nf, bool has_zones,
			 struct bc_error *err)
{
	if (!nf->mem_known || nf->has_memory == has_zones)
		return 0;
	return bc_error_set(err, BC_EDATA, "%s/%s/has_memory %s node %d, but %s/proc/buddyinfo %s: the files contradict each other",
			    shown_root(snap->root), NODE_DIR, nf->has_memory ? "lists" : "does not list", nf->id,
			    shown_root(snap->root), nf->has_memory ? "has no zone of it" : "has zones of it");
}

/* A node's pools from its files (taken from nf), or noted as unknown. */
static int merge_pools(struct snapshot *snap, struct node *node, struct node_files *nf,
		       struct bc_error *err)
{
	if (snap->missing[IN_HUGEPAGES].file) {
		node->lost |= LOST_POOLS;
		return 0;
	}
	if (nf->pools_read) {
		node->pools = nf->pools;
		node->nr_pools = nf->pools ? snap->nr_pools : 0;
		nf->pools = NULL;
		return 0;
	}
	node->lost |= LOST_POOLS;
	return missing_node(snap, IN_NODE_HUGEPAGES, NODE_HUGEPAGES, node->id, nf->pools_errnum, LOST_POOLS, err);
}

/* One online node, with or without zones, into the snapshot with what its files said. */
static int merge_node(struct snapshot *snap, struct node_files *nf, struct bc_error *err)
{
	struct node *node = snapshot_node(snap, nf->id);
	bool has_zones = node_has_zones(node);
	int rc;

	if ((rc = memory_agrees(snap, nf, has_zones, err)) < 0)
		return rc;
	node = snapshot_add_node(snap, nf->id);
	if (!node)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	node->has_memory = nf->mem_known ? nf->has_memory : has_zones;
	node->has_cpu = nf->has_cpu;
	if (!nf->cpu_known)
		missing(snap, IN_NODE_HAS_CPU, NODE_DIR_S "/has_cpu", ENOENT, LOST_CPUS);
	node->meminfo = nf->meminfo;
	node->has_meminfo = nf->has_meminfo;
	if (!node->has_memory)
		return 0;	/* a CPU-only node: MemTotal 0, no pools */
	if (!node->has_meminfo) {
		node->lost |= LOST_TOTALS;
		rc = missing_node(snap, IN_NODE_MEMINFO, NODE_MEMINFO, node->id, nf->meminfo_errnum,
				  LOST_TOTALS, err);
		if (rc < 0)
			return rc;
	}
	return merge_pools(snap, node, nf, err);
}

/*
 * Move what the node files said into the snapshot; every node the proc
 * files mention must be online, and every online node is listed (CPU-only
 * ones without zones). What could not be read is noted per node.
 */
static int merge_nodes(struct snapshot *snap, struct node_files *nf, unsigned n,
		       struct bc_error *err)
{
	unsigned k;
	int rc = merge_proc_nodes(snap, nf, n, err);

	for (k = 0; rc == 0 && k < n; k++)
		rc = merge_node(snap, &nf[k], err);
	return rc;
}

/* Without NUMA, node 0 is the machine: its totals are meminfo's, its pools the global ones. */
static int merge_machine_node(struct snapshot *snap, struct node *n, struct bc_error *err)
{
	n->has_memory = n->has_cpu = true;
	if (!snap->missing[IN_MEMINFO].file && meminfo_has_totals(&snap->meminfo)) {
		n->meminfo = snap->meminfo;
		n->has_meminfo = true;
	} else {
		if (!snap->missing[IN_MEMINFO].file)
			missing(snap, IN_MEMINFO, "proc/meminfo", WHY_NO_TOTALS, LOST_TOTALS);
		n->lost |= LOST_TOTALS;
	}
	if (snap->missing[IN_HUGEPAGES].file)
		n->lost |= LOST_POOLS;
	if (!snap->nr_pools)
		return 0;
	n->pools = malloc(snap->nr_pools * sizeof(*n->pools));
	if (!n->pools)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	memcpy(n->pools, snap->pools, snap->nr_pools * sizeof(*n->pools));
	n->nr_pools = snap->nr_pools;
	return 0;
}

/*
 * No sys/devices/system/node: a kernel without NUMA (CONFIG_NUMA=n), whose
 * proc files name node 0 only, which is the machine and holds the global
 * pools. A tree whose proc files name other nodes is a capture without the
 * directory: their totals, pools and CPUs are unknown.
 */
static int merge_no_numa(struct snapshot *snap, bool capture, struct bc_error *err)
{
	/* a lone buddyinfo capture says nothing of NUMA either way */
	bool numa = capture || snap->nr_nodes > 1 || (snap->nr_nodes == 1 && snap->nodes[0].id != 0);
	unsigned i;
	int rc = 0;

	if (numa)
		missing(snap, IN_NODE_DIR, NODE_DIR, ENOENT,
			LOST_TOTALS | LOST_POOLS | LOST_CPUS | LOST_CPU_ONLY_NODES);
	for (i = 0; rc == 0 && i < snap->nr_nodes; i++) {
		struct node *n = &snap->nodes[i];

		if (!numa) {
			rc = merge_machine_node(snap, n, err);
			continue;
		}
		n->has_memory = node_has_zones(n);
		n->lost |= n->has_memory ? LOST_TOTALS | LOST_POOLS : 0;
	}
	return rc;
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

/* THP's PMD order (sys/kernel/mm/transparent_hugepage/hpage_pmd_size), or -1. */
static int thp_order(const struct snapshot *snap)
{
	char path[PATH_MAX], *buf;
	uint64_t bytes;
	size_t len;
	int errnum, o;

	if (!snap->root || rootfs_read(snap->root, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
				       &buf, &len, path, &errnum, NULL) < 0)
		return -1;
	if (parse_single_u64(path, buf, len, &bytes, NULL) < 0 || bytes % snap->page_size != 0)
		o = -1;
	else
		o = ilog2_exact(bytes / snap->page_size);
	free(buf);
	return o;
}

/*
 * Without THP: the pageblock order, else the default hugepage size's. A
 * tree without meminfo does not say whether there is hugetlb: then THP's
 * order, the PMD's (HPAGE_PMD_ORDER = log2(page size / 8): 9 with 4K
 * pages), which most kernels have. -1: none of them.
 */
static int fallback_order(const struct snapshot *snap)
{
	int o;

	if (snap->pageblock_order >= 0)
		return snap->pageblock_order;
	if (snap->default_hugepage_kb && (o = ilog2_exact(snap->default_hugepage_kb * 1024 / snap->page_size)) >= 0)
		return o;
	if (snap->missing[IN_MEMINFO].file && (o = ilog2_exact(snap->page_size / 8)) >= 0 &&
	    o < (int)snap->nr_orders)
		return o;
	return -1;
}

/*
 * COMPACTION_HPAGE_ORDER: the PMD order where THP exists (hpage_pmd_size),
 * else the pageblock order, else the default hugepage size.
 */
static void find_hpage_order(struct snapshot *snap)
{
	snap->hpage_order = thp_order(snap);
	if (snap->hpage_order < 0)
		snap->hpage_order = fallback_order(snap);
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

			if (z->in_buddyinfo && !z->in_zoneinfo && !snap->missing[IN_ZONEINFO].file)
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

/*
 * Does the kernel have nodeN/reclaim (asked of the first node with memory)
 * and vm/stat_refresh?
 */
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
		break;
	}
	fd = rootfs_open(snap->root, "proc/sys/vm/stat_refresh", O_PATH | O_CLOEXEC, 0);
	snap->stat_refresh = fd >= 0;
	if (fd >= 0)
		close(fd);
}

int snapshot_read(const char *root, struct snapshot *snap, struct bc_error *err)
{
	return snapshot_read_opts(root, NULL, snap, err);
}

/* An empty snapshot, taken now: no order known yet. */
static void snap_begin(struct snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	snap->pageblock_order = -1;
	snap->hpage_order = -1;
	clock_gettime(CLOCK_REALTIME, &snap->taken);
}

/* The global pools; a pool file missing: no pool of any size is known. *errnum: why not. */
static int read_global_pools(struct snapshot *snap, int *errnum, struct bc_error *err)
{
	int rc = hugepages_read_global(snap, errnum, err);

	if (rc != -BC_ENOINPUT)
		return rc;
	free(snap->pools);
	snap->pools = NULL;
	snap->nr_pools = 0;
	missing(snap, IN_HUGEPAGES, "sys/kernel/mm/hugepages", *errnum, LOST_POOLS);
	return 0;
}

/* proc/pagetypeinfo: absent or root-only (mode 0400) is said, and the run carries on. */
static int read_pagetypeinfo(struct snapshot *snap, struct bc_error *err)
{
	int errnum, rc = read_parse(snap, "proc/pagetypeinfo", pagetypeinfo_parse, &errnum, err);

	if (rc < 0 && errnum) {
		snprintf(snap->pagetypeinfo_why, sizeof(snap->pagetypeinfo_why), "%s", strerror(errnum));
		snap->pagetypeinfo_errno = errnum;
		missing(snap, IN_PAGETYPEINFO, "proc/pagetypeinfo", errnum, LOST_PAGEBLOCKS);
		return 0;
	}
	if (rc == 0 && snap->has_pagetypeinfo && snap->pagetypeinfo_orders != snap->nr_orders)
		return bc_error_set(err, BC_EDATA, "%s/proc/pagetypeinfo has %u orders, buddyinfo %u",
				    strcmp(snap->root, "/") ? snap->root : "", snap->pagetypeinfo_orders,
				    snap->nr_orders);
	return rc;
}

/* The proc files: zoneinfo first (it lists every zone in kernel order), then the others. */
static int read_proc_files(struct snapshot *snap, struct bc_error *err)
{
	int errnum, rc;

	rc = read_optional(snap, "proc/zoneinfo", zoneinfo_parse, IN_ZONEINFO,
			   LOST_WATERMARKS | LOST_ZONE_SIZES | LOST_PCP | LOST_SCORE, err);
	if (rc == 0)
		rc = read_parse(snap, "proc/buddyinfo", buddyinfo_parse, &errnum, err);
	if (rc == 0)
		rc = read_pagetypeinfo(snap, err);
	if (rc == 0)
		rc = read_optional(snap, "proc/meminfo", parse_meminfo_global, IN_MEMINFO,
				   LOST_HUGEPAGESIZE, err);
	if (rc == 0)
		rc = read_optional(snap, "proc/vmstat", parse_vmstat, IN_VMSTAT, LOST_VMSTAT, err);
	return rc;
}

/*
 * The default size from meminfo. No hugepages directory: a kernel without
 * hugetlb has no Hugepagesize in meminfo either; with one, or without
 * meminfo, the tree lacks it.
 */
static void default_hugepages(struct snapshot *snap, int hp_errnum)
{
	if (meminfo_has(&snap->meminfo, MI_HUGEPAGESIZE))
		snap->default_hugepage_kb = snap->meminfo.v[MI_HUGEPAGESIZE];
	if (hp_errnum == ENOENT && !snap->missing[IN_HUGEPAGES].file &&
	    (snap->missing[IN_MEMINFO].file || snap->default_hugepage_kb))
		missing(snap, IN_HUGEPAGES, "sys/kernel/mm/hugepages", ENOENT, LOST_POOLS);
}

/* The nodes, checked, the page size and what follows from them. */
static int finish_tree(struct snapshot *snap, const struct snap_opts *opts, struct node_files *nf,
		       unsigned nr_nf, struct bc_error *err)
{
	int rc;

	snapshot_sort_nodes(snap);
	rc = snap->numa_sysfs ? merge_nodes(snap, nf, nr_nf, err) : merge_no_numa(snap, false, err);
	snapshot_sort_nodes(snap);
	if (rc == 0)
		rc = check_consistency(snap, err);
	if (rc == 0)
		rc = pagesize_find(snap, opts ? opts->page_size : 0, err);
	if (rc < 0)
		return rc;
	find_hpage_order(snap);
	find_node_reclaim(snap);
	return 0;
}

/* The root must be a directory: a root that is not there is one message, not one per file. */
static int root_there(const char *root, struct bc_error *err)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return bc_error_set(err, BC_ENOINPUT, "%s: %s", root, strerror(errno));
	close(fd);
	return 0;
}

/* The proc files, while workers read the node files nf[nr_nf]: the first error of either. */
static int read_files(struct snapshot *snap, struct node_files *nf, unsigned nr_nf, struct bc_error *err)
{
	struct node_job jobs[MAX_NODE_THREADS];
	struct bc_error werr = { 0 };
	unsigned nj = nr_nf ? start_node_jobs(snap, nf, nr_nf, jobs) : 0;
	int rc = read_proc_files(snap, err), wrc = 0;

	if (nj)
		wrc = finish_node_jobs(jobs, nj, &werr);
	if (rc == 0 && wrc < 0) {
		rc = wrc;
		if (err)
			*err = werr;
	}
	return rc;
}

int snapshot_read_opts(const char *root, const struct snap_opts *opts, struct snapshot *snap,
		       struct bc_error *err)
{
	struct node_files *nf = NULL;
	unsigned nr_nf = 0;
	int rc, hp_errnum = 0;

	snap_begin(snap);
	snap->root = strdup(root);
	if (!snap->root)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	rc = root_there(root, err);
	/* the node set and the hugepage sizes first: the node files need both */
	snap->numa_sysfs = rc == 0 && rootfs_is_dir(snap->root, NODE_DIR);
	if (rc == 0 && snap->numa_sysfs)
		rc = list_nodes(snap, &nf, &nr_nf, err);
	if (rc == 0)
		rc = read_global_pools(snap, &hp_errnum, err);
	if (rc == 0)
		rc = read_files(snap, nf, nr_nf, err);
	if (rc == 0) {
		default_hugepages(snap, hp_errnum);
		rc = finish_tree(snap, opts, nf, nr_nf, err);
	}
	free_node_files(nf, nr_nf);
	if (rc < 0)
		snapshot_free(snap);
	return rc;
}

int snapshot_from_capture(const struct capture *c, const struct snap_opts *opts,
			  struct snapshot *snap, struct bc_error *err)
{
	int rc;

	snap_begin(snap);
	snap->capture = c->name;
	rc = buddyinfo_parse_from(snap, c->name, c->first_line, c->buf, c->len, err);
	if (rc < 0)
		goto fail;
	/* the rest of a machine, as a tree holding buddyinfo alone would have it */
	missing(snap, IN_ZONEINFO, "proc/zoneinfo", WHY_CAPTURE, LOST_WATERMARKS | LOST_ZONE_SIZES | LOST_PCP | LOST_SCORE);
	missing(snap, IN_PAGETYPEINFO, "proc/pagetypeinfo", WHY_CAPTURE, LOST_PAGEBLOCKS);
	snprintf(snap->pagetypeinfo_why, sizeof(snap->pagetypeinfo_why), "%s", snap->missing[IN_PAGETYPEINFO].why);
	missing(snap, IN_MEMINFO, "proc/meminfo", WHY_CAPTURE, LOST_HUGEPAGESIZE);
	missing(snap, IN_VMSTAT, "proc/vmstat", WHY_CAPTURE, LOST_VMSTAT);
	missing(snap, IN_HUGEPAGES, "sys/kernel/mm/hugepages", WHY_CAPTURE, LOST_POOLS);
	rc = merge_no_numa(snap, true, err);
	/*
	 * A kernel without NUMA prints node 0 alone: a capture with other
	 * nodes comes from one with per-node files (compaction, pools).
	 */
	snap->numa_sysfs = snap->nr_nodes > 1 || (snap->nr_nodes == 1 && snap->nodes[0].id != 0);
	if (rc == 0) {
		/* why the node directory is missing: it was never in a capture */
		snprintf(snap->missing[IN_NODE_DIR].why, sizeof(snap->missing[IN_NODE_DIR].why), "%s",
			 snap->missing[IN_ZONEINFO].why);
		rc = pagesize_find(snap, opts ? opts->page_size : 0, err);
	}
	if (rc < 0)
		goto fail;
	find_hpage_order(snap);
	return 0;
fail:
	snapshot_free(snap);
	return rc;
}

int snapshot_read_capture(const char *file, const struct snap_opts *opts, struct snapshot *snap,
			  struct bc_error *err)
{
	struct capture c;
	int rc;

	memset(snap, 0, sizeof(*snap));
	rc = capture_read(file, &c, err);
	if (rc < 0)
		return rc;
	rc = snapshot_from_capture(&c, opts, snap, err);
	capture_free(&c);
	return rc;
}

int snapshot_from_status_json(const char *name, const char *buf, size_t len, struct snapshot *snap,
			      struct statusjson_info *info, struct bc_error *err)
{
	unsigned i, k;
	bool zoneinfo = true;
	int rc;

	memset(snap, 0, sizeof(*snap));
	snap->pageblock_order = -1;
	clock_gettime(CLOCK_REALTIME, &snap->taken);
	snap->capture = name;
	snap->page_size_source = PS_DEFAULT;
	rc = statusjson_parse(snap, info, name, buf, len, err);
	if (rc < 0)
		goto fail;
	snprintf(snap->page_size_evidence, sizeof(snap->page_size_evidence), "page_size of %.120s", name);
	for (i = 0; i < snap->nr_nodes; i++) {
		struct node *n = &snap->nodes[i];

		for (k = 0; k < n->nr_zones; k++)
			zoneinfo &= n->zones[k].in_zoneinfo;
		/* status JSON keeps no node meminfo, pools or per-CPU pages for diff to read */
		n->lost |= n->has_memory ? LOST_TOTALS | LOST_POOLS : 0;
	}
	/* what this snapshot does not hold: as if a tree lacked the files */
	if (!zoneinfo)
		missing(snap, IN_ZONEINFO, "proc/zoneinfo", WHY_STATUS_JSON, LOST_WATERMARKS | LOST_ZONE_SIZES | LOST_SCORE);
	missing(snap, IN_ZONEINFO, "proc/zoneinfo", WHY_STATUS_JSON, LOST_PCP);
	missing(snap, IN_PAGETYPEINFO, "proc/pagetypeinfo", WHY_STATUS_JSON, LOST_PAGEBLOCKS);
	snprintf(snap->pagetypeinfo_why, sizeof(snap->pagetypeinfo_why), "%s", snap->missing[IN_PAGETYPEINFO].why);
	missing(snap, IN_MEMINFO, "proc/meminfo", WHY_STATUS_JSON, LOST_HUGEPAGESIZE);
	missing(snap, IN_VMSTAT, "proc/vmstat", WHY_STATUS_JSON, LOST_VMSTAT);
	missing(snap, IN_HUGEPAGES, "sys/kernel/mm/hugepages", WHY_STATUS_JSON, LOST_POOLS);
	missing(snap, IN_NODE_DIR, NODE_DIR, -2, LOST_TOTALS | LOST_POOLS | LOST_CPUS | LOST_CPU_ONLY_NODES);
	return 0;
fail:
	statusjson_info_free(info);
	snapshot_free(snap);
	return rc;
}
