/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads the map's sums of every selected node through the judge's classifier, and names the cgroups they count. */
#include "mapread.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpageflags.h"
#include "release.h"
#include "rootfs.h"

/* What a node's read needs besides the node: the files, the kernel, the threads, the judge. */
struct sums_read {
	const char *root;
	const struct snapshot *snap;
	uint64_t size_kb;
	const struct pagemap_judge *j;
	struct kpf_files files;
	struct kernel_version kv;
	bool movable;
	unsigned threads;
};

/* Node nd's sums into *s, read and judged, its owners named. */
static int node_read(struct sums_read *x, const struct node *nd, struct pagemap_summary *s, struct bc_error *err)
{
	const struct pagemap_span *span;
	const struct pagemap_sink *sink;
	int rc = x->j->node(x->j->ctx, x->snap, nd, x->size_kb, &x->kv, x->movable, &span, &sink, err);

	if (rc == 0)
		rc = kpf_read(&x->files, span, x->threads, sink, err);
	if (rc < 0)
		return rc;
	x->j->done(x->j->ctx, s);
	s->owners_read = span->cgroup_flags && x->files.cgroup_fd >= 0;
	cgroup_owner_paths(x->root, s->owners, s->nr_owners);
	return 0;
}

int map_read_sums(const char *root, const struct snapshot *snap, uint64_t size_kb,
		  const struct bitmask *sel, const struct pagemap_judge *j,
		  struct pagemap_summary *sums, unsigned *nr, struct bc_error *err)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct sums_read x = { .root = root, .snap = snap, .size_kb = size_kb, .j = j,
			       .movable = kpf_movable_gigantic(root), .threads = cpus > 0 ? (unsigned)cpus : 1 };
	char release[128];
	unsigned i;
	int rc;

	*nr = 0;
	kernel_release_read(root, &x.kv, release, sizeof(release));
	rc = kpf_open(root, &x.files, err);
	for (i = 0; rc == 0 && i < snap->nr_nodes; i++) {
		const struct node *nd = &snap->nodes[i];

		if (!nd->has_memory || (sel && !numa_bitmask_isbitset(sel, (unsigned)nd->id)))
			continue;
		rc = node_read(&x, nd, &sums[*nr], err);
		if (rc == 0)
			(*nr)++;
	}
	kpf_close(&x.files);	/* kpf_open() leaves both at -1 when it fails */
	return rc;
}

/*
 * The memory controller's hierarchy under root, as an open directory: cgroup
 * v1 mounts it apart (sys/fs/cgroup/memory, with memory.usage_in_bytes), v2
 * at sys/fs/cgroup when its cgroup.controllers lists memory. Every v1
 * hierarchy's root has inode 1, so only the memory one is walked. -1: none.
 */
static int memory_hierarchy(const char *root)
{
	char path[PATH_MAX], *buf, *w, *save;
	size_t len;
	int errnum, fd;
	bool memory = false;

	fd = rootfs_open(root, "sys/fs/cgroup/memory/memory.usage_in_bytes", O_PATH, 0);
	if (fd >= 0) {
		close(fd);
		return rootfs_open(root, "sys/fs/cgroup/memory", O_RDONLY | O_DIRECTORY, 0);
	}
	if (rootfs_read(root, "sys/fs/cgroup/cgroup.controllers", &buf, &len, path, &errnum, NULL) < 0)
		return -1;
	for (w = strtok_r(buf, " \n", &save); w && !memory; w = strtok_r(NULL, " \n", &save))
		memory = !strcmp(w, "memory");
	free(buf);
	return memory ? rootfs_open(root, "sys/fs/cgroup", O_RDONLY | O_DIRECTORY, 0) : -1;
}

/* The owner with inode ino not yet named gets path; how many are still unnamed. */
static unsigned name_owner(struct pagemap_owner *o, unsigned n, uint64_t ino, const char *path)
{
	unsigned i, left = 0;

	for (i = 0; i < n; i++) {
		if (!o[i].path[0] && o[i].ino == ino)
			snprintf(o[i].path, sizeof(o[i].path), "%s", path);
		left += !o[i].path[0];
	}
	return left;
}

/* The walk's state: one open directory per level, the path down to it. */
struct walk {
	DIR *dir[CGROUP_WALK_DEPTH];
	size_t len[CGROUP_WALK_DEPTH];		/* of path at each level */
	unsigned depth, visited;
	char path[PATH_MAX];
};

/* Go down into the directory name below the current one; false when it cannot be opened or is too deep. */
static bool walk_down(struct walk *w, const char *name)
{
	size_t len = w->len[w->depth - 1];
	int fd;

	if (w->depth == CGROUP_WALK_DEPTH || len + 1 + strlen(name) >= sizeof(w->path))
		return false;
	fd = openat(dirfd(w->dir[w->depth - 1]), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	w->dir[w->depth] = fdopendir(fd);
	if (!w->dir[w->depth]) {
		close(fd);
		return false;
	}
	snprintf(w->path + len, sizeof(w->path) - len, "%s%s", len > 1 ? "/" : "", name);
	w->len[w->depth++] = strlen(w->path);
	return true;
}

/* Back up from a directory read to its end. */
static void walk_up(struct walk *w)
{
	closedir(w->dir[--w->depth]);
	if (w->depth)
		w->path[w->len[w->depth - 1]] = '\0';
}

/*
 * The next directory of the walk, depth first, gone down into (w->path
 * its path, *ino its inode): true, or false when the walk is over.
 */
static bool walk_next(struct walk *w, uint64_t *ino)
{
	struct dirent *d;
	struct stat st;

	while (w->depth && w->visited < CGROUP_WALK_MAX) {
		d = readdir(w->dir[w->depth - 1]);
		if (!d) {
			walk_up(w);
			continue;
		}
		if (d->d_name[0] == '.' || (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN))
			continue;
		if (fstatat(dirfd(w->dir[w->depth - 1]), d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		w->visited++;
		if (walk_down(w, d->d_name)) {
			*ino = (uint64_t)st.st_ino;
			return true;
		}
	}
	return false;
}

void cgroup_owner_paths(const char *root, struct pagemap_owner *o, unsigned n)
{
	struct walk w = { .depth = 0 };
	struct stat st;
	unsigned left = n, i;
	uint64_t ino;
	int fd;

	for (i = 0; i < n; i++)
		o[i].path[0] = '\0';
	if (!n || (fd = memory_hierarchy(root)) < 0)
		return;
	if (fstat(fd, &st) == 0)
		left = name_owner(o, n, (uint64_t)st.st_ino, "/");
	w.dir[0] = fdopendir(fd);
	if (!w.dir[0]) {
		close(fd);
		return;
	}
	strcpy(w.path, "/");
	w.len[0] = 1;
	w.depth = 1;
	while (left && walk_next(&w, &ino))
		left = name_owner(o, n, ino, w.path);
	while (w.depth)
		closedir(w.dir[--w.depth]);
}
