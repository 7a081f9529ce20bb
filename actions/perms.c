/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "perms.h"

#include <cap-ng.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "execute.h"
#include "reserve.h"
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
	char node_compact[96];
	unsigned n = 0, i;

	switch (a->kind) {
	case ACT_COMPACT_NODE:
		snprintf(files[n++], 160, "sys/devices/system/node/node%d/compact", a->node);
		break;
	case ACT_COMPACT_ALL:
		snprintf(files[n++], 160, "proc/sys/vm/compact_memory");
		break;
	case ACT_DROP_CACHES:
		snprintf(files[n++], 160, "proc/sys/vm/drop_caches");
		break;
	case ACT_RESERVE:
		reserve_path(files[n++], 160, a->node, a->size_kb);
		snprintf(node_compact, sizeof(node_compact), "sys/devices/system/node/node%d/compact", a->node);
		for (i = 0; i < a->ladder.n; i++) {
			enum step s = a->ladder.s[i];

			if (s == STEP_COMPACT_NODE && a->node >= 0)
				n = add_file(files, n, node_compact);
			else if (s == STEP_COMPACT_NODE || s == STEP_COMPACT_ALL)
				n = add_file(files, n, "proc/sys/vm/compact_memory");
			else if (s == STEP_DROP_PAGECACHE || s == STEP_DROP_SLAB || s == STEP_DROP_ALL)
				n = add_file(files, n, "proc/sys/vm/drop_caches");
		}
		break;
	}
	return n;
}

/*
 * The kernel compares the euid with GLOBAL_ROOT_UID: our uid 0 must be uid 0
 * of the initial user namespace. /proc/self/uid_map says what uid 0 maps to
 * ("0 0 4294967295" outside any namespace; "0 1000 1" in a rootless one).
 */
static bool initial_userns_root(void)
{
	unsigned long inside, outside, len;
	FILE *f;
	bool ok = false;

	if (geteuid() != 0)
		return false;
	f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return true;	/* no user namespaces: plain root */
	while (fscanf(f, "%lu %lu %lu", &inside, &outside, &len) == 3)
		if (inside == 0 && len >= 1)
			ok = outside == 0;
	fclose(f);
	return ok;
}

static bool have_dac_override(void)
{
	if (capng_get_caps_process() < 0)
		return false;
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) == 1;
}

/* Why this file cannot be written, or NULL when it can. */
static const char *why_not(const char *root, bool live, const char *rel, const char *path)
{
	struct statvfs vfs;

	if (access(path, F_OK) != 0)
		return errno == ENOENT ? "no such file (not offered by this kernel)" : strerror(errno);
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return "read-only file system (a container's /proc/sys or /sys?)";
	if (!live)
		return access(path, W_OK) == 0 ? NULL : strerror(errno);
	if (!strncmp(rel, "proc/sys/", 9)) {
		if (!initial_userns_root())
			return "needs uid 0 in the initial user namespace (capabilities do not help for /proc/sys)";
		return NULL;
	}
	if (geteuid() != 0 && !have_dac_override())
		return "needs uid 0 or CAP_DAC_OVERRIDE";
	(void)root;
	return NULL;
}

int perms_check(const char *root, const struct plan *plan, struct bc_error *err)
{
	bool live = rootfs_is_live(root);
	char files[ACTION_MAX_FILES][160], path[PATH_MAX], list[400] = "";
	unsigned i, k, n, bad = 0, named = 0;

	for (i = 0; i < plan->n; i++) {
		bool this_bad = false;

		n = action_files(&plan->a[i], files);
		for (k = 0; k < n; k++) {
			const char *why;

			if (rootfs_path(root, files[k], path, sizeof(path), NULL) < 0)
				continue;
			why = why_not(root, live, files[k], path);
			if (!why)
				continue;
			/* name each file once, the first three of them */
			if (!strstr(list, path) && named < 3) {
				size_t len = strlen(list);

				snprintf(list + len, sizeof(list) - len, "%s%.200s: %s", named ? "; " : "", path, why);
				named++;
			}
			this_bad = true;
		}
		bad += this_bad;
	}
	if (!bad)
		return 0;
	return bc_error_set(err, BC_EPERM, "%s (%u of %u actions cannot run; nothing was done)",
			    list, bad, plan->n);
}
