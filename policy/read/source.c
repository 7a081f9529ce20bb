/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads one side of diff: a tree, a buddyinfo capture or a status JSON, telling which. */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"

const char *source_kind_name(enum source_kind k)
{
	static const char *const names[] = {
		[SRC_TREE] = "tree", [SRC_BUDDYINFO] = "buddyinfo", [SRC_STATUS_JSON] = "status-json",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* JSON begins with '{' after blanks; buddyinfo with "Node". */
static bool looks_like_json(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
			return buf[i] == '{';
	return false;
}

int source_read(const char *arg, const struct snap_opts *opts, struct source *src,
		struct bc_error *err)
{
	struct capture c;
	struct stat st;
	int rc;

	memset(src, 0, sizeof(*src));
	src->name = arg;
	if (strcmp(arg, "-") != 0) {
		if (stat(arg, &st) < 0)
			return bc_error_set(err, BC_ENOINPUT, "%s: %s", arg, strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			src->kind = SRC_TREE;
			return snapshot_read_opts(arg, opts, &src->snap, err);
		}
	}
	rc = capture_read(arg, &c, err);
	if (rc < 0)
		return rc;
	src->name = c.name;
	snprintf(src->skipped, sizeof(src->skipped), "%s", c.skipped);
	if (looks_like_json(c.buf, c.len)) {
		src->kind = SRC_STATUS_JSON;
		rc = snapshot_from_status_json(src->name, c.buf, c.len, &src->snap, &src->json, err);
	} else {
		src->kind = SRC_BUDDYINFO;
		rc = snapshot_from_capture(&c, opts, &src->snap, err);
	}
	capture_free(&c);
	return rc;
}

void source_free(struct source *src)
{
	snapshot_free(&src->snap);
	statusjson_info_free(&src->json);
	memset(src, 0, sizeof(*src));
}
