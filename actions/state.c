/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int state_load(const char *path, double *last, struct bc_error *err)
{
	char line[128];
	unsigned lineno = 0;
	FILE *f;

	memset(last, 0, STATE_MAX_NODES * sizeof(*last));
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : bc_error_set(err, BC_EIO, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		int node;
		double t;
		char extra;

		lineno++;
		if (sscanf(line, "node %d %lf %c", &node, &t, &extra) != 2 || node < 0 ||
		    node >= STATE_MAX_NODES || t < 0) {
			fclose(f);
			return bc_error_set(err, BC_EDATA, "%s:%u: not a 'node N SECONDS' line (delete the file to reset)",
					    path, lineno);
		}
		last[node] = t;
	}
	fclose(f);
	return 0;
}

int state_save(const char *path, const double *last, struct bc_error *err)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, i, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return bc_error_set(err, BC_ECANTCREAT, "%s: path too long", path);
	/* /var/lib/buddyctl on a fresh install: make the directory (one level) */
	{
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				return bc_error_set(err, BC_ECANTCREAT, "%s: cannot create directory: %s",
						    dir, strerror(errno));
		}
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return bc_error_set(err, BC_ECANTCREAT, "%s: %s", path, strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		e = errno;
		close(fd);
		unlink(tmp);
		return bc_error_set(err, BC_ECANTCREAT, "%s: %s", tmp, strerror(e));
	}
	fchmod(fd, 0644);
	for (i = 0; i < STATE_MAX_NODES; i++)
		if (last[i] > 0)
			fprintf(f, "node %d %.0f\n", i, last[i]);
	e = 0;
	if (fflush(f) != 0 || fsync(fd) != 0)
		e = errno ? errno : EIO;
	if (fclose(f) != 0 && !e)
		e = errno ? errno : EIO;
	if (!e && rename(tmp, path) == 0)
		return 0;
	if (!e)
		e = errno;
	unlink(tmp);
	return bc_error_set(err, BC_ECANTCREAT, "%s: write failed: %s", path, strerror(e));
}
