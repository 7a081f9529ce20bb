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
#include <stdbool.h>
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

/*
 * Pool counts are pages, bounded like every page count; the overcommit
 * limit is a limit, and "unlimited" is commonly written as a huge number.
 */
static int read_u64_at(const char *root, int dirfd, const char *dirpath, const char *name, bool pages, uint64_t *v,
		       int *errnum, struct bc_error *err)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc;

	rc = rootfs_read_at(root, dirfd, dirpath, name, &buf, &len, path, errnum, err);
	if (rc < 0)
		return rc;
	rc = pages ? parse_page_count(path, buf, len, v, err) : parse_single_u64(path, buf, len, v, err);
	free(buf);
	return rc;
}

static int cmp_pool(const void *a, const void *b)
{
	const struct hugepool *x = a, *y = b;

	return x->size_kb < y->size_kb ? -1 : x->size_kb > y->size_kb;
}

static const char *const pool_files[] = { "nr_hugepages", "free_hugepages", "surplus_hugepages",
					  "resv_hugepages", "nr_overcommit_hugepages" };

/* The first nfiles pool files of size p->size_kb below dirfd (prefix: "" or "hugepages/"). */
static int read_pool_at(const char *root, int dirfd, const char *dirpath, const char *prefix, struct hugepool *p,
			unsigned nfiles, int *errnum, struct bc_error *err)
{
	uint64_t *dst[] = { &p->nr, &p->free, &p->surplus, &p->resv, &p->overcommit };
	char name[128];
	unsigned i;
	int rc = 0;

	for (i = 0; i < nfiles && rc == 0; i++) {
		snprintf(name, sizeof(name), "%shugepages-%llukB/%s", prefix,
			 (unsigned long long)p->size_kb, pool_files[i]);
		rc = read_u64_at(root, dirfd, dirpath, name, dst[i] != &p->overcommit, dst[i], errnum, err);
	}
	return rc;
}

int hugepages_read_global(struct snapshot *snap, int *errnum, struct bc_error *err)
{
	static const char gdir[] = "sys/kernel/mm/hugepages";
	struct hugepool *pools = NULL, *np;
	char path[PATH_MAX];
	unsigned n = 0, i;
	struct dirent *de;
	uint64_t kb;
	DIR *d;
	int rc, fd;

	*errnum = 0;
	rc = rootfs_path(snap->root, gdir, path, sizeof(path), err);
	if (rc < 0)
		return rc;
	fd = rootfs_open_dir(snap->root, gdir);
	if (fd < 0 && errno == ENOENT) {
		*errnum = ENOENT;	/* CONFIG_HUGETLBFS=n, or not captured */
		return 0;
	}
	if (fd < 0 || !(d = fdopendir(fd))) {
		*errnum = errno;
		rc = bc_error_set(err, BC_ENOINPUT, "%s: %s", path, rootfs_strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
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
	fd = dup(dirfd(d));
	closedir(d);
	if (n == 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	qsort(pools, n, sizeof(*pools), cmp_pool);
	snap->pools = pools;
	snap->nr_pools = n;
	if (fd < 0)
		return bc_error_set(err, BC_EIO, "%s: %s", path, strerror(errno));
	for (i = 0, rc = 0; i < n && rc == 0; i++)
		rc = read_pool_at(snap->root, fd, path, "", &pools[i], 5, errnum, err);
	close(fd);
	return rc;
}

int hugepages_read_node(const char *root, int nodefd, const char *nodepath, const struct hugepool *sizes,
			unsigned nr_sizes, struct hugepool **pools, int *errnum, struct bc_error *err)
{
	struct hugepool *p;
	unsigned i;
	int rc = 0;

	*pools = NULL;
	if (!nr_sizes)
		return 0;
	p = calloc(nr_sizes, sizeof(*p));
	if (!p)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = 0; i < nr_sizes && rc == 0; i++) {
		p[i].size_kb = sizes[i].size_kb;
		rc = read_pool_at(root, nodefd, nodepath, "hugepages/", &p[i], 3, errnum, err);
	}
	if (rc < 0) {
		free(p);
		return rc;
	}
	*pools = p;
	return 0;
}
