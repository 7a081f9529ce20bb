/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hugepage pools (mm/hugetlb_sysfs.c):
 *   sys/kernel/mm/hugepages/hugepages-2048kB/{nr,free,resv,surplus,nr_overcommit}_hugepages
 *   sys/devices/system/node/node0/hugepages/hugepages-2048kB/{nr,free,surplus}_hugepages
 * Each file holds one number and a newline. nr_hugepages includes surplus.
 */
#include "hugepages.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rootfs.h"
#include "textscan.h"

int hugepages_dirname_kb(const char *name, uint64_t *size_kb)
{
	const char *p;
	uint64_t v = 0;

	if (strncmp(name, "hugepages-", 10) != 0)
		return -1;
	p = name + 10;
	if (*p < '1' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (strcmp(p, "kB") != 0 || v > BC_MAX_KB)
		return -1;
	*size_kb = v;
	return 0;
}

static int read_u64_at(int dirfd, const char *dirpath, const char *name, uint64_t *v,
		       struct bc_error *err)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc, errnum;

	rc = rootfs_read_at(dirfd, dirpath, name, &buf, &len, path, &errnum, err);
	if (rc < 0)
		return rc;
	rc = parse_single_u64(path, buf, len, v, err);
	free(buf);
	return rc;
}

static int cmp_pool(const void *a, const void *b)
{
	const struct hugepool *x = a, *y = b;

	return x->size_kb < y->size_kb ? -1 : x->size_kb > y->size_kb;
}

/* The pool files of one size, in the directory rel (global or a node's). */
static int read_pool(const char *root, const char *rel, struct hugepool *p,
		     bool global, struct bc_error *err)
{
	static const char *const gnames[] = { "nr_hugepages", "free_hugepages", "surplus_hugepages",
					      "resv_hugepages", "nr_overcommit_hugepages" };
	uint64_t *dst[] = { &p->nr, &p->free, &p->surplus, &p->resv, &p->overcommit };
	char dirpath[PATH_MAX], name[96];
	unsigned i;
	int rc, fd;

	rc = rootfs_path(root, rel, dirpath, sizeof(dirpath), err);
	if (rc < 0)
		return rc;
	fd = rootfs_open_dir(root, rel);
	if (fd < 0)
		return bc_error_set(err, BC_ENOINPUT, "%s: %s", dirpath, strerror(errno));
	for (i = 0, rc = 0; i < (global ? 5u : 3u) && rc == 0; i++) {
		snprintf(name, sizeof(name), "hugepages-%llukB/%s", (unsigned long long)p->size_kb,
			 gnames[i]);
		rc = read_u64_at(fd, dirpath, name, dst[i], err);
	}
	close(fd);
	return rc;
}

int hugepages_read(struct snapshot *snap, bool numa_sysfs, struct bc_error *err)
{
	static const char gdir[] = "sys/kernel/mm/hugepages";
	struct hugepool *pools = NULL, *np;
	char path[PATH_MAX], rel[PATH_MAX];
	unsigned n = 0, i, k;
	struct dirent *de;
	uint64_t kb;
	DIR *d;
	int rc;

	rc = rootfs_path(snap->root, gdir, path, sizeof(path), err);
	if (rc < 0)
		return rc;
	d = opendir(path);
	if (!d)
		return 0;	/* CONFIG_HUGETLBFS=n */
	while ((de = readdir(d)) != NULL) {
		if (hugepages_dirname_kb(de->d_name, &kb) < 0)
			continue;
		np = realloc(pools, (n + 1) * sizeof(*pools));
		if (!np) {
			closedir(d);
			free(pools);
			return bc_error_set(err, BC_ENOMEM, "%s: out of memory", path);
		}
		pools = np;
		memset(&pools[n], 0, sizeof(pools[n]));
		pools[n++].size_kb = kb;
	}
	closedir(d);
	if (n == 0)
		return 0;
	qsort(pools, n, sizeof(*pools), cmp_pool);
	snap->pools = pools;
	snap->nr_pools = n;
	for (i = 0; i < n; i++) {
		rc = read_pool(snap->root, gdir, &pools[i], true, err);
		if (rc < 0)
			return rc;
	}

	for (k = 0; k < snap->nr_nodes; k++) {
		struct node *node = &snap->nodes[k];

		if (!node->has_memory)
			continue;
		node->pools = calloc(n, sizeof(*node->pools));
		if (!node->pools)
			return bc_error_set(err, BC_ENOMEM, "out of memory");
		node->nr_pools = n;
		for (i = 0; i < n; i++) {
			node->pools[i].size_kb = pools[i].size_kb;
			if (!numa_sysfs) {
				/* CONFIG_NUMA=n: the one node holds the global pool */
				node->pools[i] = pools[i];
				continue;
			}
			snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/hugepages", node->id);
			rc = read_pool(snap->root, rel, &node->pools[i], false, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}
