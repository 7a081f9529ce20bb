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

int map_read_sums(const char *root, const struct snapshot *snap, uint64_t size_kb,
		  const struct bitmask *sel, const struct pagemap_judge *j,
		  struct pagemap_summary *sums, unsigned *nr, struct bc_error *err)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct kernel_version kv = { 0 };
	const struct pagemap_span *span;
	const struct pagemap_sink *sink;
	bool movable = kpf_movable_gigantic(root);
	struct kpf_files files;
	char release[128];
	unsigned i;
	int rc;

	*nr = 0;
	kernel_release_read(root, &kv, release, sizeof(release));
	rc = kpf_open(root, &files, err);
	if (rc < 0)
		return rc;
	for (i = 0; rc == 0 && i < snap->nr_nodes; i++) {
		const struct node *nd = &snap->nodes[i];
		struct pagemap_summary *s = &sums[*nr];

		if (!nd->has_memory || (sel && !numa_bitmask_isbitset(sel, (unsigned)nd->id)))
			continue;
		rc = j->node(j->ctx, snap, nd, size_kb, &kv, movable, &span, &sink, err);
		if (rc == 0)
			rc = kpf_read(&files, span, cpus > 0 ? (unsigned)cpus : 1, sink, err);
		if (rc < 0)
			break;
		j->done(j->ctx, s);
		s->owners_read = span->cgroup_flags && files.cgroup_fd >= 0;
		cgroup_owner_paths(root, s->owners, s->nr_owners);
		(*nr)++;
	}
	kpf_close(&files);
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

void cgroup_owner_paths(const char *root, struct pagemap_owner *o, unsigned n)
{
	struct walk w = { .depth = 0 };
	struct dirent *d;
	struct stat st;
	unsigned left = n, i;
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
	while (w.depth && left && w.visited < CGROUP_WALK_MAX) {
		d = readdir(w.dir[w.depth - 1]);
		if (!d) {
			closedir(w.dir[--w.depth]);
			if (w.depth)
				w.path[w.len[w.depth - 1]] = '\0';
			continue;
		}
		if (d->d_name[0] == '.' || (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN))
			continue;
		if (fstatat(dirfd(w.dir[w.depth - 1]), d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		w.visited++;
		if (!walk_down(&w, d->d_name))
			continue;
		left = name_owner(o, n, (uint64_t)st.st_ino, w.path);
	}
	while (w.depth)
		closedir(w.dir[--w.depth]);
}
