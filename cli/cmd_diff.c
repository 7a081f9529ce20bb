/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl diff A B`: what changed between two snapshots, each a tree, a
 * buddyinfo capture or a status JSON file (policy/read/source.c). The
 * difference is snapshot_diff()'s, the words explain.c's; this file reads
 * the two sides, and out_text.c or out_json.c prints them.
 */
#include "cmd_diff.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "explain.h"
#include "load.h"
#include "log.h"
#include "out_json.h"
#include "out_text.h"
#include "output.h"
#include "source.h"
#include "units.h"

struct side {
	struct source src;
	struct explain ex;
	bool have_ex;
};

/* One side: read it, and explain its nodes under the policy. */
static int cmp_verdict(const void *a, const void *b)
{
	const struct recorded_verdict *x = a, *y = b;

	return (x->node > y->node) - (x->node < y->node);
}

/*
 * Explain every node of src under pol (explain_build()). The verdict of a
 * status JSON file is the one it recorded, which status worked out from the
 * whole tree (pagetypeinfo, node meminfo, pools, per-CPU pages), none of
 * which the file keeps for a second reading; the figure check judges is
 * worked out again from the free blocks, under pol, on every side alike.
 * The recorded texts move from src into ex. 0, or -BC_ENOMEM.
 */
static int explain_source(struct source *src, const struct policy *pol, struct explain *ex,
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

static int side_read(const char *arg, const struct diff_args *a, struct side *s, struct bc_error *err)
{
	struct policy pol;
	int rc;

	rc = source_read(arg, &(struct snap_opts){ .page_size = a->page_size }, &s->src, err);
	/* what the paste held beyond the text, also before an error in what was left */
	if (s->src.skipped[0])
		log_print(LOG_NOTICE, "buddyctl: %s: %s\n", s->src.name, s->src.skipped);
	if (rc < 0)
		return rc;
	if ((rc = status_policy(a->config, &s->src.snap, &pol, err)) < 0)
		return rc;
	rc = explain_source(&s->src, &pol, &s->ex, err);
	policy_free(&pol);
	s->have_ex = rc == 0;
	return rc;
}

/* d on standard output, as text or JSON. 0, or -BC_EIO with err filled. */
static int print_diff(const struct diff_args *a, const struct snap_diff *d, const struct side *b,
		      const struct side *af, struct bc_error *err)
{
	const struct diff_side sb = { &b->src, &b->ex }, sa = { &af->src, &af->ex };
	static char obuf[256 << 10];
	int rc;

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	rc = a->format == FMT_JSON ? diff_json(stdout, d, &sb, &sa) : diff_text(stdout, d, &sb, &sa);
	if (rc == 0 && fflush(stdout) != 0)
		rc = -1;
	if (rc < 0)
		return bc_error_set(err, BC_EIO, "standard output: %s", strerror(errno ? errno : EIO));
	return 0;
}

int cmd_diff(const struct diff_args *a, struct bc_error *err)
{
	struct side b = { 0 }, af = { 0 };
	struct snap_diff d = { 0 };
	int rc;

	if (!strcmp(a->before, "-") && !strcmp(a->after, "-"))
		return bc_error_set(err, BC_EUSAGE, "diff: standard input ('-') can be one side only");
	rc = side_read(a->before, a, &b, err);
	if (rc == 0)
		rc = side_read(a->after, a, &af, err);
	if (rc == 0)
		rc = snapshot_comparable(&b.src.snap, b.src.name, &af.src.snap, af.src.name, err);
	if (rc == 0)
		rc = snapshot_diff(&b.src.snap, &af.src.snap, &d, err);
	if (rc == 0)
		rc = print_diff(a, &d, &b, &af, err);
	snap_diff_free(&d);
	if (b.have_ex)
		explain_free(&b.ex);
	if (af.have_ex)
		explain_free(&af.ex);
	source_free(&b.src);
	source_free(&af.src);
	return rc;
}
