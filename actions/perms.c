/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks before the first write that every write of the plan is permitted. */
#include "perms.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "execute.h"
#include "kernel.h"
#include "rootfs.h"

/* Append f to files[] unless it is there already. */
static unsigned add_file(char files[][160], unsigned n, const char *f)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!strcmp(files[i], f))
			return n;
	snprintf(files[n], 160, "%s", f);
	return n + 1;
}

unsigned action_files(const struct action *a, char files[][160])
{
	char path[160];
	unsigned n = 0, i;

	switch (a->kind) {
	case ACT_COMPACT_NODE:
		kfile_compact(files[n++], 160, a->node);
		break;
	case ACT_COMPACT_ALL:
		kfile_compact(files[n++], 160, -1);
		break;
	case ACT_DROP_CACHES:
		snprintf(files[n++], 160, "%s", KFILE_DROP_CACHES);
		break;
	case ACT_RESERVE:
		kfile_nr_hugepages(files[n++], 160, a->node, a->size_kb);
		if (a->compact_first) {
			kfile_compact(path, sizeof(path), a->node);
			n = add_file(files, n, path);
		}
		for (i = 0; i < a->ladder.n; i++) {
			enum step s = a->ladder.s[i];

			if (s == STEP_COMPACT_NODE || s == STEP_COMPACT_ALL) {
				kfile_compact(path, sizeof(path), s == STEP_COMPACT_NODE ? a->node : -1);
				n = add_file(files, n, path);
			} else if (s == STEP_DROP_PAGECACHE || s == STEP_DROP_SLAB || s == STEP_DROP_ALL) {
				n = add_file(files, n, KFILE_DROP_CACHES);
			} else if (s == STEP_DRAIN_PCP) {
				n = add_file(files, n, KFILE_STAT_REFRESH);
			} else if (s == STEP_RECLAIM_NODE && a->node >= 0) {
				kfile_reclaim(path, sizeof(path), a->node);
				n = add_file(files, n, path);
			}
		}
		break;
	}
	return n;
}

/*
 * What id `inside` of this user namespace is outside it, from
 * /proc/self/{uid,gid}_map ("0 0 4294967295" outside any namespace, "0
 * 1000 1" in a rootless one). -1 when unmapped; inside itself when the
 * kernel has no user namespaces (no map file).
 */
static long long map_out(const char *map, unsigned long inside)
{
	unsigned long in, out, len;
	long long r = -1;
	FILE *f = fopen(map, "re");

	if (!f)
		return (long long)inside;
	while (fscanf(f, "%lu %lu %lu", &in, &out, &len) == 3)
		if (inside >= in && inside - in < len)
			r = (long long)(out + (inside - in));
	fclose(f);
	return r;
}

/* Is global id 0 mapped into this namespace (so capabilities here reach root-owned files)? */
static bool zero_mapped(const char *map)
{
	unsigned long in, out, len;
	bool r = false;
	FILE *f = fopen(map, "re");

	if (!f)
		return true;
	while (fscanf(f, "%lu %lu %lu", &in, &out, &len) == 3)
		if (out == 0 && len >= 1)
			r = true;
	fclose(f);
	return r;
}

static bool have_dac_override(void)
{
	if (capng_get_caps_process() < 0)
		return false;
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) == 1;
}

/*
 * Who the kernel sees. /proc/sys files compare the euid with
 * GLOBAL_ROOT_UID (capabilities do not count). sysfs files are root:root:
 * uid 0 of the initial namespace owns them, or CAP_DAC_OVERRIDE counts
 * when uid and gid 0 of the initial namespace are mapped into ours
 * (capable_wrt_inode_uidgid()); root of a rootless namespace has neither.
 */
struct creds {
	bool global_root;	/* euid is uid 0 of the initial user namespace */
	bool dac_override;	/* CAP_DAC_OVERRIDE that applies to root-owned files */
	long long euid_out;	/* what our euid is outside, -1 unmapped */
};

static void get_creds(struct creds *c)
{
	c->euid_out = map_out("/proc/self/uid_map", geteuid());
	c->global_root = c->euid_out == 0;
	c->dac_override = have_dac_override() && zero_mapped("/proc/self/uid_map") &&
			  zero_mapped("/proc/self/gid_map");
}

/* "uid 0 here is uid 65534 outside this user namespace" or "". */
static const char *userns_note(const struct creds *c, char *buf, size_t size)
{
	if (geteuid() == 0 && !c->global_root) {
		if (c->euid_out < 0)
			snprintf(buf, size, "; uid 0 here is unmapped outside this user namespace");
		else
			snprintf(buf, size, "; uid 0 here is uid %lld outside this user namespace", c->euid_out);
	} else {
		buf[0] = '\0';
	}
	return buf;
}

/* Why this file cannot be written, or NULL when it can. */
static const char *why_not(const char *root, bool live, const struct creds *cr, const char *rel,
			   char *buf, size_t size)
{
	struct statvfs vfs;
	struct stat st;
	char note[96];
	int fd, ok;

	/* opened as the write will open it: inside the root, not through a symlink */
	fd = rootfs_open(root, rel, O_PATH | O_NOFOLLOW, 0);
	if (fd < 0)
		return errno == ENOENT ? "no such file (not offered by this kernel)" : rootfs_strerror(errno);
	if (fstat(fd, &st) < 0) {
		snprintf(buf, size, "%s", strerror(errno));
		close(fd);
		return buf;
	}
	if (S_ISLNK(st.st_mode)) {
		close(fd);
		return rootfs_strerror(ELOOP);
	}
	/* procfs and sysfs files are regular; a FIFO in a tree would block the write */
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return rootfs_strerror(EMEDIUMTYPE);
	}
	if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		close(fd);
		return "read-only file system (a container's /proc/sys or /sys?)";
	}
	if (!live) {
		ok = faccessat(fd, "", W_OK, AT_EMPTY_PATH | AT_EACCESS);
		close(fd);
		if (ok == 0)
			return NULL;
		snprintf(buf, size, "%s", strerror(errno));
		return buf;
	}
	close(fd);
	if (!strncmp(rel, "proc/sys/", 9)) {
		if (cr->global_root)
			return NULL;
		snprintf(buf, size, "needs uid 0 of the initial user namespace (capabilities do not help for /proc/sys)%s",
			 userns_note(cr, note, sizeof(note)));
		return buf;
	}
	if (cr->global_root || cr->dac_override)
		return NULL;
	snprintf(buf, size, "needs uid 0 of the initial user namespace, or CAP_DAC_OVERRIDE%s",
		 userns_note(cr, note, sizeof(note)));
	return buf;
}

/* The refused files of one plan, grouped by reason in the message. */
struct refusals {
	char path[ACTION_MAX_FILES][PATH_MAX];
	char why[ACTION_MAX_FILES][200];
	unsigned n;
};

static void refuse(struct refusals *r, const char *path, const char *why)
{
	unsigned i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->path[i], path))
			return;
	if (r->n == ACTION_MAX_FILES)
		return;
	snprintf(r->path[r->n], PATH_MAX, "%s", path);
	snprintf(r->why[r->n++], sizeof(r->why[0]), "%s", why);
}

int perms_check(const char *root, const struct plan *plan, struct bc_error *err)
{
	bool live = rootfs_is_live(root);
	char files[ACTION_MAX_FILES][160], path[PATH_MAX], list[1024] = "", buf[200], tail[96];
	unsigned i, k, n, bad = 0;
	struct refusals ref = { .n = 0 };
	bool done[ACTION_MAX_FILES] = { false };
	size_t len;
	struct creds cr;

	get_creds(&cr);
	for (i = 0; i < plan->n; i++) {
		bool this_bad = false;

		n = action_files(&plan->a[i], files);
		for (k = 0; k < n; k++) {
			const char *why;

			if (rootfs_path(root, files[k], path, sizeof(path), NULL) < 0)
				continue;
			why = why_not(root, live, &cr, files[k], buf, sizeof(buf));
			if (!why)
				continue;
			refuse(&ref, path, why);
			this_bad = true;
		}
		bad += this_bad;
	}
	if (!bad)
		return 0;
	/* "A, B: reason; C: other reason", each reason once */
	for (i = 0; i < ref.n; i++) {
		if (done[i])
			continue;
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%.200s", len ? "; " : "", ref.path[i]);
		for (k = i + 1; k < ref.n; k++) {
			if (done[k] || strcmp(ref.why[k], ref.why[i]))
				continue;
			len = strlen(list);
			snprintf(list + len, sizeof(list) - len, ", %.200s", ref.path[k]);
			done[k] = true;
		}
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, ": %s", ref.why[i]);
	}
	/* the count and "nothing was done" always fit: the list gives way */
	snprintf(tail, sizeof(tail), " (%u of %u actions cannot run; nothing was done)", bad, plan->n);
	return bc_error_set(err, BC_EPERM, "%.*s%s", (int)(sizeof(err->msg) - 1 - strlen(tail)), list, tail);
}
