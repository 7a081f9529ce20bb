/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl diff A B`: what changed between two snapshots, each a tree, a
 * buddyinfo capture or a status JSON file (policy/read/source.c). The
 * difference is snapshot_diff()'s, the words explain.c's; this file reads
 * the two sides and renders them as text; out_json.c renders them as JSON.
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
#include "output.h"
#include "report.h"
#include "source.h"
#include "units.h"

struct side {
	struct source src;
	struct explain ex;
	bool have_ex;
};

/* "(tree)", "(buddyinfo capture)", "(status JSON of 2026-11-27T18:33:45Z)". */
static void describe(char *buf, size_t size, const struct source *s)
{
	char t[4 * sizeof(s->json.time)];	/* "time" is the file's: escaped */

	switch (s->kind) {
	case SRC_TREE:
		snprintf(buf, size, "tree");
		break;
	case SRC_BUDDYINFO:
		snprintf(buf, size, "buddyinfo capture");
		break;
	default:
		if (s->json.time[0])
			snprintf(buf, size, "status JSON of %s", out_escape(t, sizeof(t), s->json.time, 0));
		else
			snprintf(buf, size, "status JSON");
		break;
	}
}

/* "0.817", or "-" on a side the zone or node is not on. */
static void idx(char *buf, size_t size, bool there, int v)
{
	if (there)
		out_thousandths(buf, size, v);
	else
		snprintf(buf, size, "-");
}

/* The change of an index in thousandths, signed: "+0.083", "-0.120". */
static void idx_change(char *buf, size_t size, int d)
{
	snprintf(buf, size, "%c%d.%03d", d < 0 ? '-' : '+', (d < 0 ? -d : d) / 1000, (d < 0 ? -d : d) % 1000);
}

static void check_words(char *buf, size_t size, const struct snapshot *snap,
			const struct node_explain *x)
{
	char sz[16], u[16];

	size_label(sz, sizeof(sz), (uint64_t)snap->page_size << x->check.order);
	out_thousandths(u, sizeof(u), x->check.unusable);
	snprintf(buf, size, "%s at %s, unusable %s", level_name(x->check.level), sz, u);
}

static void node_text(FILE *f, const struct snap_diff *d, const struct node_change *nc,
		      const struct side *b, const struct side *a)
{
	const struct node_explain *xb = nc->in_before ? explain_node(&b->ex, nc->node) : NULL;
	const struct node_explain *xa = nc->in_after ? explain_node(&a->ex, nc->node) : NULL;
	char wb[96], wa[96], lbl[16], ub[16], ua[16], fb[16], fa[16], ch[16];
	unsigned i;
	bool any = false;

	fprintf(f, "\nNode %d%s\n", nc->node,
		!nc->in_before ? ": appeared (only after)" : !nc->in_after ? ": disappeared (only before)" : "");
	if (xb)
		check_words(wb, sizeof(wb), &b->src.snap, xb);
	else
		snprintf(wb, sizeof(wb), "%s", nc->in_before ? "no memory (CPU-only node)" : "-");
	if (xa)
		check_words(wa, sizeof(wa), &a->src.snap, xa);
	else
		snprintf(wa, sizeof(wa), "%s", nc->in_after ? "no memory (CPU-only node)" : "-");
	if (xb && xa && xb->check.order == xa->check.order) {
		/* one order: "ok -> warn at 2M: unusable 0.592 -> 0.801 (+0.209)" */
		size_label(lbl, sizeof(lbl), (uint64_t)b->src.snap.page_size << xb->check.order);
		out_thousandths(ub, sizeof(ub), xb->check.unusable);
		out_thousandths(ua, sizeof(ua), xa->check.unusable);
		idx_change(ch, sizeof(ch), xa->check.unusable - xb->check.unusable);
		fprintf(f, "  check:    %s -> %s at %s: unusable %s -> %s (%s)\n", level_name(xb->check.level),
			level_name(xa->check.level), lbl, ub, ua, ch);
	} else {
		fprintf(f, "  check:    %s -> %s\n", wb, wa);
	}
	if (xb)
		out_wrap(f, "  before:  ", 12, xb->text);
	if (xa)
		out_wrap(f, "  after:   ", 12, xa->text);

	size_label(lbl, sizeof(lbl), (uint64_t)b->src.snap.page_size << d->hpage_order);
	for (i = nc->first_zone; i < nc->first_zone + nc->nr_zones; i++) {
		const struct zone_change *zc = &d->zones[i];
		char hu[40], hf[40];

		if (!any) {
			snprintf(hu, sizeof(hu), "unusable@%s", lbl);
			snprintf(hf, sizeof(hf), "fragidx@%s", lbl);
			fprintf(f, "\n  %-10s %-24s %s\n", "zone", hu, hf);
		}
		any = true;
		idx(ub, sizeof(ub), zc->before, zc->unusable_before);
		idx(ua, sizeof(ua), zc->after, zc->unusable_after);
		idx(fb, sizeof(fb), zc->before, zc->fragindex_before);
		idx(fa, sizeof(fa), zc->after, zc->fragindex_after);
		fprintf(f, "  %-10s %6s -> %6s %-7s %6s -> %6s\n", zc->name, ub, ua, "", fb, fa);
	}
	if (any) {
		fprintf(f, "\n  free blocks per order: before, after, change\n");
		report_zones_text(f, d, b->src.snap.page_size, nc->node, true);
	}
}

static int diff_text(FILE *f, const struct snap_diff *d, const struct side *b, const struct side *a)
{
	const struct snapshot *sb = &b->src.snap, *sa = &a->src.snap;
	char kb[160], ka[160], ps[16], hp[16];
	unsigned i;

	describe(kb, sizeof(kb), &b->src);
	describe(ka, sizeof(ka), &a->src);
	/* the names as given (a file name is anybody's): escaped */
	fputs("before: ", f);
	out_escape_put(f, b->src.name, 0);
	fprintf(f, " (%s)\nafter:  ", kb);
	out_escape_put(f, a->src.name, 0);
	fprintf(f, " (%s)\n", ka);
	size_label(ps, sizeof(ps), sb->page_size);
	size_label(hp, sizeof(hp), (uint64_t)sb->page_size << d->hpage_order);
	fprintf(f, "page size %s, %u orders, hugepage order %d (%s)", ps, d->nr_orders, d->hpage_order, hp);
	if (sa->hpage_order != d->hpage_order)
		fprintf(f, "; after's is %d: the zone indices are at before's", sa->hpage_order);
	fputs("\ncheck judges by the policy ", f);
	out_escape_put(f, b->ex.policy, 0);
	fputc('\n', f);
	for (i = 0; i < d->nr_nodes; i++)
		node_text(f, d, &d->nodes[i], b, a);
	return ferror(f) ? -1 : 0;
}

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

int cmd_diff(const struct diff_args *a, struct bc_error *err)
{
	struct side b = { 0 }, af = { 0 };
	struct snap_diff d = { 0 };
	static char obuf[256 << 10];
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
	if (rc == 0) {
		const struct diff_side sb = { &b.src, &b.ex }, sa = { &af.src, &af.ex };

		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
		rc = a->format == FMT_JSON ? diff_json(stdout, &d, &sb, &sa) : diff_text(stdout, &d, &b, &af);
		if (rc == 0 && fflush(stdout) != 0)
			rc = -1;
		if (rc < 0)
			rc = bc_error_set(err, BC_EIO, "standard output: %s", strerror(errno ? errno : EIO));
	}
	snap_diff_free(&d);
	if (b.have_ex)
		explain_free(&b.ex);
	if (af.have_ex)
		explain_free(&af.ex);
	source_free(&b.src);
	source_free(&af.src);
	return rc;
}
