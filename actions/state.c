/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ownfile.h"
#include "rootfs.h"

/*
 * 1024 lines of "node 1023 1795460000\n" are 21 KiB; a file many times
 * larger is not ours.
 */
#define STATE_MAX_BYTES (256u << 10)

/* A strict decimal of at most maxdigits digits; the cursor moves past it. */
static int decimal(const char **p, unsigned maxdigits, unsigned long long *v)
{
	const char *q = *p;
	unsigned n = 0;

	*v = 0;
	while (*q >= '0' && *q <= '9' && n < maxdigits) {
		*v = *v * 10 + (unsigned long long)(*q++ - '0');
		n++;
	}
	if (!n || (*q >= '0' && *q <= '9'))
		return -1;
	*p = q;
	return 0;
}

/* One line; NULL when good, else why it is ignored. */
static const char *parse_entry(const char *line, double now, unsigned *node, double *t)
{
	unsigned long long id, secs;
	const char *p = line;

	if (strncmp(p, "node ", 5))
		return "not a 'node N SECONDS' line";
	p += 5;
	if (decimal(&p, 12, &id) < 0 || *p++ != ' ')
		return "not a 'node N SECONDS' line";
	/* 12 digits: up to the year 33658; inf, nan and 1e300 are no digits */
	if (decimal(&p, 12, &secs) < 0 || *p)
		return "not a 'node N SECONDS' line (whole seconds since 1970)";
	if (id >= STATE_MAX_NODES)
		return "node id out of range";
	if (secs == 0)
		return "time 0";
	if ((double)secs > now + 60)
		return "time in the future (was the clock wrong?)";
	*node = (unsigned)id;
	*t = (double)secs;
	return NULL;
}

int state_load(const char *root, const char *path, double now, double *last,
	       struct bc_error *warn)
{
	char shown[PATH_MAX];
	const char *why = NULL;
	unsigned lineno = 0, bad = 0, first_bad = 0;
	char *buf, *line, *nl;
	size_t len;
	int rc;

	memset(last, 0, STATE_MAX_NODES * sizeof(*last));
	warn->msg[0] = '\0';
	rc = ownfile_read(root, path, STATE_MAX_BYTES, BC_EDATA, &buf, &len, warn);
	if (rc == 1) {
		warn->msg[0] = '\0';	/* no file, or not even its directory: never remediated */
		return 0;
	}
	if (rc == -BC_ENOMEM)
		return rc;
	if (rc < 0) {
		/* refused (a directory, a FIFO, a symlink...): run as if it were empty */
		size_t n = strlen(warn->msg);

		snprintf(warn->msg + n, sizeof(warn->msg) - n, "; state file ignored");
		return 0;
	}
	for (line = buf; line < buf + len; line = nl + 1) {
		const char *w;
		unsigned node;
		double t;

		lineno++;
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (!nl)
			nl = buf + len;
		*nl = '\0';
		if (memchr(line, '\0', (size_t)(nl - line)) || memchr(line, '\r', (size_t)(nl - line)))
			w = "not a 'node N SECONDS' line";
		else
			w = parse_entry(line, now, &node, &t);
		if (w) {
			if (!bad++) {
				why = w;
				first_bad = lineno;
			}
			continue;
		}
		last[node] = t;
	}
	free(buf);
	if (bad)
		snprintf(warn->msg, sizeof(warn->msg),
			 "%.300s:%u: %s: entry ignored%s (%u in all)",
			 rootfs_own_path(root, path, shown) == 0 ? shown : path, first_bad, why, bad > 1 ? ", and later bad ones" : "", bad);
	return 0;
}

static int render(FILE *f, void *ctx)
{
	const double *last = ctx;
	int i;

	for (i = 0; i < STATE_MAX_NODES; i++)
		if (last[i] > 0)
			fprintf(f, "node %d %.0f\n", i, last[i]);
	return ferror(f) ? -1 : 0;
}

int state_save(const char *root, const char *path, const double *last, struct bc_error *err)
{
	/* /var/lib/buddyctl on a fresh install, ROOT/var/lib/buddyctl in a tree: made */
	return ownfile_replace(root, path, true, BC_ECANTCREAT, render, (void *)last, err);
}
