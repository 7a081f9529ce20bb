/* SPDX-License-Identifier: GPL-2.0-or-later */
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

static int cmp_verdict(const void *a, const void *b)
{
	const struct recorded_verdict *x = a, *y = b;

	return (x->node > y->node) - (x->node < y->node);
}

int source_explain(struct source *src, const struct policy *pol, struct explain *ex,
		   struct bc_error *err)
{
	struct recorded_verdict *v;
	unsigned i, k;
	int rc;

	/* the verdict's words need no vm.compaction_proactiveness: unknown */
	rc = explain_build(&src->snap, pol, -1, ex, err);
	if (rc < 0 || src->kind != SRC_STATUS_JSON)
		return rc;
	/* both in node order (a node is in the file once): one pass */
	v = src->json.verdicts;
	qsort(v, src->json.nr_verdicts, sizeof(*v), cmp_verdict);
	for (i = 0, k = 0; i < ex->nr_nodes; i++) {
		while (k < src->json.nr_verdicts && v[k].node < ex->nodes[i].node)
			k++;
		if (k == src->json.nr_verdicts || v[k].node != ex->nodes[i].node)
			continue;
		/* the recorded words replace the worked-out ones: taken, not copied */
		free(ex->nodes[i].text);
		ex->nodes[i].text = v[k].text;
		v[k].text = NULL;
	}
	return 0;
}

void source_free(struct source *src)
{
	snapshot_free(&src->snap);
	statusjson_info_free(&src->json);
	memset(src, 0, sizeof(*src));
}
