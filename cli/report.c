/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report of a run (check, plan, apply, a one-off action) as text; the
 * JSON is in cli/out_json.c. A reservation's steps are printed as the plan
 * carries them.
 */
#include "report.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "meminfo.h"
#include "output.h"
#include "sysctl_conflict.h"
#include "units.h"

/*
 * pre, s, post: s is a message made here that may quote input (a path, a
 * value read back, a policy line), so it is escaped as a message is
 * (out_escape(), backslashes kept: the tokens in it are escaped already).
 */
static void text_line(FILE *f, const char *pre, const char *s, const char *post)
{
	fputs(pre, f);
	out_escape_put(f, s, OUT_ESC_MSG);
	fputs(post, f);
}

void report_drops_skipped(char *buf, size_t size, const struct action *a)
{
	char until[32];
	struct tm tm;
	time_t t = (time_t)a->drops_until;
	unsigned i;

	buf[0] = '\0';
	if (a->kind != ACT_RESERVE || !a->drops_skipped.n)
		return;
	if (!gmtime_r(&t, &tm) || !strftime(until, sizeof(until), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(until, sizeof(until), "%.0f", a->drops_until);
	for (i = 0; i < a->drops_skipped.n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "",
			 step_name(a->drops_skipped.s[i]));
	snprintf(buf + strlen(buf), size - strlen(buf), " left out until %s (no gain last time)", until);
}

/* Step i of a reservation's plan (short_only: of the rounds while short), its warning under it. */
static void plan_step_text(FILE *f, const struct plan_step *x, unsigned i, bool short_only)
{
	fprintf(f, "      %s%u. %s%s (/%s): %s", short_only ? "  " : "", i + 1, x->what,
		x->then_write ? ", then write" : "", x->file, x->cost);
	if (x->expect >= 0)
		fprintf(f, "; estimate: up to %lld", (long long)x->expect);
	fputc('\n', f);
	if (x->warning[0])
		out_wrap(f, short_only ? "           warning:" : "         warning:", 20, x->warning);
}

/* The steps of a reserve action as the plan carries them, numbered, the rounds' indented. */
static void plan_steps_text(FILE *f, const struct action *a)
{
	bool rounds_said = false;
	unsigned i;

	for (i = 0; i < a->nr_steps; i++) {
		const struct plan_step *x = &a->steps[i];
		bool short_only = x->when == WHEN_SHORT;

		if (short_only && !rounds_said) {
			fprintf(f, "      while short: up to %u round%s%s, each of:\n", a->rounds,
				a->rounds == 1 ? "" : "s",
				a->chosen ? ", ending with a round that gains nothing or at the estimate after reclaim"
					  : "");
			rounds_said = true;
		}
		plan_step_text(f, x, i, short_only);
	}
	if (a->not_planned[0])
		text_line(f, "      not planned: ", a->not_planned, "\n");
}

/* Under a short gigantic pool of check: what its node's map shows is in the way. */
static void short_pool_why(FILE *f, const struct report *r, const struct finding *x)
{
	unsigned i;

	for (i = 0; x->kind == FINDING_POOL && i < r->nr_short_pools; i++)
		if (r->short_pools[i].node == x->node && r->short_pools[i].size_kb == x->size_kb)
			out_wrap(f, "                why:", 21, r->short_pools[i].why);
}

static void findings_text(FILE *f, const struct report *r)
{
	unsigned i;

	if (!r->nr_findings)
		return;
	fprintf(f, "Findings\n");
	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];
		const char *lvl = x->kind == FINDING_POOL && x->unknown ? "?" : level_name(x->level);
		bool color = r->color && !(x->kind == FINDING_POOL && x->unknown);
		char sz[16];

		/* the level padded to 4 columns outside its colour */
		fprintf(f, "  node %-3d %s%s%s%*s  ", x->node, out_level_sgr(color, x->level), lvl,
			out_sgr_end(color), 4 - (int)strlen(lvl), "");
		if (x->kind == FINDING_POOL) {
			size_label(sz, sizeof(sz), x->size_kb * 1024);
			fprintf(f, "%s pool: ", sz);
		} else {
			size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << x->order);
			fprintf(f, "at %s: unusable %d.%03d, %llu free %s blocks%s", sz, x->unusable / 1000,
				x->unusable % 1000, (unsigned long long)x->blocks, sz, x->why[0] ? "; " : "");
		}
		out_escape_put(f, x->why, 0);
		fputc('\n', f);
		short_pool_why(f, r, x);
	}
	fputc('\n', f);
}

static void steps_text(FILE *f, const struct action *a, const struct action_result *res)
{
	char sz[16], note[160];
	unsigned k;

	size_label(sz, sizeof(sz), a->size_kb * 1024);
	for (k = 0; k < res->nr_steps; k++) {
		const struct step_result *s = &res->steps[k];

		note[0] = '\0';
		if (s->step == STEP_RECLAIM_NODE)
			snprintf(note, sizeof(note), "  asked %llu MiB%s", (unsigned long long)s->asked_kb / 1024,
				 s->errnum == EAGAIN ? ", got less" : "");
		if (s->errnum && !(s->step == STEP_RECLAIM_NODE && s->errnum == EAGAIN))
			snprintf(note + strlen(note), sizeof(note) - strlen(note), "  %s", strerror(s->errnum));
		if (s->map_had >= 0)
			snprintf(note + strlen(note), sizeof(note) - strlen(note), "  map: %lld ranges%s",
				 (long long)s->map_had, s->map_stop ? ", none cleared: stopped" : "");
		fprintf(f, "       %s %-15s %+6lld -> %6llu x %s  %8.1f ms%s\n",
			s->first ? "first" : "then ", step_name(s->step),
			(long long)s->gain, (unsigned long long)s->obtained, sz, s->ms, note);
	}
}

uint64_t report_granted(const struct action_result *res)
{
	uint64_t got = res->restored ? res->granted : res->after;

	return got > res->before ? got - res->before : 0;
}

/* How a reservation's estimate was made, after its figures: " (from the map, +2 maybe)", " (upper bounds)", "". */
static const char *estimate_source_words(const struct action *a, char *buf, size_t size)
{
	if (a->est.from_map && a->est.maybe)
		snprintf(buf, size, " (from the map; +%llu maybe)", (unsigned long long)a->est.maybe);
	else
		snprintf(buf, size, "%s", a->est.from_map ? " (from the map)" : a->est.gigantic ? " (upper bounds)" : "");
	return buf;
}

/* Under a reservation's row: its estimate, and why it is short where its map says. */
static void estimate_lines(FILE *f, const struct action *a, const struct action_result *res, uint64_t shortfall)
{
	char src[48];

	fprintf(f, "                         estimate: %llu now, %llu after compaction, %llu after reclaim%s\n",
		(unsigned long long)a->est.now, (unsigned long long)a->est.compact,
		(unsigned long long)a->est.reclaim, estimate_source_words(a, src, sizeof(src)));
	if (shortfall && a->est.from_map)
		out_wrap(f, "                         why:", 30, res->why[0] ? res->why : a->est.why);
}

/* A reservation's row of the Hugepages table, with its estimate under it. */
static void hugepages_row(FILE *f, const struct action *a, const struct action_result *res)
{
	char sz[16], node[8], small[16];
	uint64_t shortfall = res->after < a->target ? a->target - res->after : 0;

	size_label(sz, sizeof(sz), a->size_kb * 1024);
	snprintf(node, sizeof(node), a->node >= 0 ? "%d" : "all", a->node);
	if (a->target < res->before) {
		/* pages given back: nothing obtained, nothing to estimate */
		fprintf(f, "               %4s %5s %10llu %8llu %9s %8s  (%llu freed)\n", node, sz,
			(unsigned long long)a->target, (unsigned long long)res->before, "-", "-",
			(unsigned long long)(res->before - res->after));
		return;
	}
	fprintf(f, "               %4s %5s %10llu %8llu %9llu %8llu", node, sz,
		(unsigned long long)a->target, (unsigned long long)res->before,
		(unsigned long long)res->after, (unsigned long long)shortfall);
	if (res->restored)
		fprintf(f, "  (granted %llu, all put back: %s)",
			(unsigned long long)report_granted(res), a->judged ? "keep = no" : "--restore");
	fputc('\n', f);
	if (a->have_est)
		estimate_lines(f, a, res, shortfall);
	if (res->revised) {
		out_human_bytes(small, sizeof(small), res->rev_small_kb * 1024);
		fprintf(f, "                         after the first compaction: %llu now, %llu after reclaim (%s free stayed in smaller blocks)\n",
			(unsigned long long)res->rev_now, (unsigned long long)res->rev_reclaim, small);
	}
}

static void hugepages_text(FILE *f, const struct report *r)
{
	const struct plan *p = r->plan;
	bool any = false;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		if (p->a[i].kind != ACT_RESERVE)
			continue;
		if (!any)
			fprintf(f, "\nHugepages      node  size  requested   before  obtained    short\n");
		any = true;
		hugepages_row(f, &p->a[i], &r->results[i]);
	}
}

/* A change in kB for people: "+1.2G", "-350M", "0". */
static void signed_kb(char *buf, size_t size, int64_t kb)
{
	char h[16];

	out_human_bytes(h, sizeof(h), (uint64_t)(kb < 0 ? -kb : kb) * 1024);
	snprintf(buf, size, "%s%s", kb < 0 ? "-" : kb > 0 ? "+" : "", h);
}

/* Printed width of v (with its sign when sign is set). */
static unsigned width_i64(int64_t v, bool sign)
{
	char buf[24];

	return (unsigned)snprintf(buf, sizeof(buf), sign ? "%+lld" : "%lld", (long long)v);
}

/* The width of a zone block's columns: its widest order label or figure. */
static unsigned column_width(const struct zone_change *zc, unsigned nr_orders, unsigned page_size)
{
	unsigned w = 1, k;
	char lbl[16];

	for (k = 0; k < nr_orders; k++) {
		size_label(lbl, sizeof(lbl), (uint64_t)page_size << k);
		w = w > strlen(lbl) ? w : (unsigned)strlen(lbl);
		if (zc->before)
			w = w > width_i64((int64_t)zc->before->free_blocks[k], false) ? w :
			    width_i64((int64_t)zc->before->free_blocks[k], false);
		if (zc->after)
			w = w > width_i64((int64_t)zc->after->free_blocks[k], false) ? w :
			    width_i64((int64_t)zc->after->free_blocks[k], false);
		w = w > width_i64(zc->change[k], true) ? w : width_i64(zc->change[k], true);
	}
	return w;
}

/* One row of a zone's block: label, then orders from..to-1 (side NULL: "-"). */
static void zone_row(FILE *f, const char *label, const struct zone_change *zc, int which,
		     unsigned from, unsigned to, unsigned w)
{
	const struct zone *z = which < 0 ? zc->before : zc->after;
	unsigned k;

	fprintf(f, "    %-6s", label);
	for (k = from; k < to; k++) {
		if (which == 0 && zc->change[k])
			fprintf(f, " %+*lld", (int)w, (long long)zc->change[k]);
		else if (which == 0)
			fprintf(f, " %*s", (int)w, "0");
		else if (!z)
			fprintf(f, " %*s", (int)w, "-");
		else
			fprintf(f, " %*llu", (int)w, (unsigned long long)z->free_blocks[k]);
	}
	fputc('\n', f);
}

/*
 * One zone's free blocks per order, before, after and the change:
 *
 *   node 0 Normal
 *                  4K      8K     16K ...
 *     before    48713   31806   20117 ...
 *     after     48700   31806   20120 ...
 *     change      -13      +0      +3 ...
 *
 * The columns are as wide as the widest figure, and the orders are split
 * over as many blocks of rows as it takes to stay within 79 columns (14
 * orders of 7-digit counts take two).
 */
static void zone_block(FILE *f, const struct zone_change *zc, unsigned nr_orders, unsigned page_size)
{
	unsigned w = column_width(zc, nr_orders, page_size), k, per, chunks, from;
	char lbl[16];

	per = (79 - 10) / (w + 1);
	chunks = (nr_orders + per - 1) / per;
	per = (nr_orders + chunks - 1) / chunks;	/* blocks of even length */
	fprintf(f, "  node %d %s%s\n", zc->node, zc->name,
		!zc->before ? " (appeared: only after)" : !zc->after ? " (disappeared: only before)" : "");
	for (from = 0; from < nr_orders; from += per) {
		unsigned to = from + per < nr_orders ? from + per : nr_orders;

		fprintf(f, "    %-6s", "");
		for (k = from; k < to; k++) {
			size_label(lbl, sizeof(lbl), (uint64_t)page_size << k);
			fprintf(f, " %*s", (int)w, lbl);
		}
		fputc('\n', f);
		zone_row(f, "before", zc, -1, from, to, w);
		zone_row(f, "after", zc, 1, from, to, w);
		zone_row(f, "change", zc, 0, from, to, w);
	}
}

/* Is zc shown: all of them (diff), or apply's: in both snapshots and changed. */
static bool zone_shown(const struct zone_change *zc, bool all)
{
	return all || (zc->changed && zc->before && zc->after);
}

void report_zones_text(FILE *f, const struct snap_diff *d, unsigned page_size, int node, bool all)
{
	const struct node_change *nc = node >= 0 ? snap_diff_node(d, node) : NULL;
	unsigned i = nc ? nc->first_zone : 0, end = nc ? nc->first_zone + nc->nr_zones : d->nr_zones;

	/* one node: its zones only, not every zone of the diff (diff asks for each node) */
	if (node >= 0 && !nc)
		return;
	for (; i < end; i++) {
		const struct zone_change *zc = &d->zones[i];

		if (!zone_shown(zc, all))
			continue;
		zone_block(f, zc, d->nr_orders, page_size);
	}
}

/* What the actions cost in cache, and what they freed: per node, after less before. */
static void memory_text(FILE *f, const struct snap_diff *d)
{
	char fr[24], fi[24], sl[24];
	unsigned i, n = 0;

	for (i = 0; i < d->nr_nodes; i++) {
		const struct node_change *nc = &d->nodes[i];

		if (!nc->known || (!nc->free_kb && !nc->file_kb && !nc->slab_kb))
			continue;
		if (!n++)
			fprintf(f, "\nMemory per node, after less before\n");
		signed_kb(fr, sizeof(fr), nc->free_kb);
		signed_kb(fi, sizeof(fi), nc->file_kb);
		signed_kb(sl, sizeof(sl), nc->slab_kb);
		fprintf(f, "  node %-3d free %7s, page cache %7s, reclaimable slab %7s\n", nc->node, fr,
			fi, sl);
	}
}

/* "Kernel counters moved: compact_stall +1, ..." (the free pages are in the table above). */
static void counters_text(FILE *f, const struct snap_diff *d)
{
	unsigned i = 0, k;

	fprintf(f, "\nKernel counters moved:");
	for (k = 0; k < VM_NR_FIELDS; k++) {
		if (k == VM_NR_FREE_PAGES || !(d->vmstat_seen & (1u << k)) || !d->vmstat[k])
			continue;
		fprintf(f, "%s %s %+lld", i++ ? "," : "", vmstat_name((enum vmstat_field)k),
			(long long)d->vmstat[k]);
	}
	fprintf(f, "%s\n", i ? "" : " none");
}

static void diff_text(FILE *f, const struct report *r)
{
	const struct snap_diff *d = r->diff;
	unsigned i;

	/* the header only above a zone: a static tree's apply changes none */
	for (i = 0; i < d->nr_zones && !zone_shown(&d->zones[i], false); i++)
		;
	if (i < d->nr_zones) {
		fprintf(f, "\nFree blocks per order: before, after, change (zones that changed)\n");
		report_zones_text(f, d, r->before->page_size, -1, false);
	}
	memory_text(f, d);
	counters_text(f, d);
}

/*
 * check and plan of a capture (--buddyinfo): another machine's free blocks
 * alone. What it cannot tell is said, not guessed.
 */
static void capture_text(FILE *f, const struct report *r, const char *lead)
{
	char text[700];

	if (!r->before || !r->before->capture)
		return;
	snprintf(text, sizeof(text), "a buddyinfo capture (%.256s): only its free blocks are known.%s",
		 r->before->capture, !r->plan ? "" :
		 " The plan is what apply would do on that machine by them alone: nothing is written"
		 " here, no hugepage pool is planned (no pool is in a capture), and min_interval is not"
		 " applied (that machine's state file is not here).");
	fputs(lead, f);
	out_wrap(f, "Note:", 6, text);
	out_text_missing(f, r->before);
	fputs(r->plan ? "" : "\n", f);
}

/* "Exit status N: reason", after lead, when the status is not 0 and says why. */
static void exit_line(FILE *f, const struct report *r, const char *lead)
{
	if (!r->exit_code || !r->exit_reason || !r->exit_reason[0])
		return;
	fprintf(f, "%sExit status %d: ", lead, r->exit_code);
	text_line(f, "", r->exit_reason, "\n");
}

/* One action of a plan: its label, why, what it should do, and a reservation's steps. */
static void planned_text(FILE *f, const struct plan *p, unsigned i)
{
	const struct action *a = &p->a[i];
	char label[96];

	action_label(label, sizeof(label), a);
	fprintf(f, "  %2u. %s\n", i + 1, label);
	text_line(f, "      why:    ", a->reason, "\n");
	text_line(f, "      expect: ", a->expect, "\n");
	if (a->boot_recommended)
		text_line(f, "      note:   boot-time reservation recommended: buddyctl plan --kernel-cmdline (",
			  a->boot_why, ")\n");
	if (a->kind == ACT_RESERVE && a->have_est && a->est.from_map && a->target > a->est.compact)
		out_wrap(f, "      short: ", 14, a->est.why);
	if (a->kind == ACT_RESERVE)
		plan_steps_text(f, a);
}

/* What would be done (plan, a dry run, apply with nothing to do), and why. */
static void plan_text(FILE *f, const struct report *r)
{
	const struct plan *p = r->plan;
	unsigned i;

	fprintf(f, "Plan%s\n", r->dry_run ? " (dry run: nothing is written)" : "");
	if (!p->n)
		fprintf(f, "  nothing to do\n");
	for (i = 0; i < p->n; i++)
		planned_text(f, p, i);
	if (r->not_permitted && p->n) {
		/* the command whose real run would be refused: `plan` is apply's dry run */
		fprintf(f, "\nNote: as this user, %s would be refused (exit status 77): ",
			strcmp(r->command, "plan") ? r->command : "apply");
		text_line(f, "", r->not_permitted, "\n");
	}
	capture_text(f, r, "\n");
	/* apply with nothing to do: a node held back ends 1, and says why */
	exit_line(f, r, "\n");
}

/* What was done: each action with its status and time, a reservation's steps. */
static void actions_text(FILE *f, const struct report *r)
{
	const struct plan *p = r->plan;
	char label[96], skipped[200];
	unsigned i;

	fprintf(f, "Actions\n");
	if (!p->n)
		fprintf(f, "  nothing to do\n");
	for (i = 0; i < p->n; i++) {
		const struct action_result *res = &r->results[i];

		action_label(label, sizeof(label), &p->a[i]);
		fprintf(f, "  %2u. %-44s %-11s %9.1f ms\n", i + 1, label, res_status_name(res->status), res->ms);
		if (res->error[0])
			text_line(f, "      error: ", res->error, "\n");
		report_drops_skipped(skipped, sizeof(skipped), &p->a[i]);
		if (skipped[0])
			fprintf(f, "      %s\n", skipped);
		if (p->a[i].kind == ACT_RESERVE)
			steps_text(f, &p->a[i], res);
	}
}

/* "Total 3.5 ms, exit status 1: reason" */
static void total_line(FILE *f, const struct report *r)
{
	bool why = r->exit_reason && r->exit_reason[0];

	fprintf(f, "\nTotal %.1f ms, exit status %d", r->total_ms, r->exit_code);
	text_line(f, why ? ": " : "", why ? r->exit_reason : "", "\n");
}

int report_text(FILE *f, const struct report *r)
{
	if (r->policy) {
		fputs("Policy ", f);
		out_escape_put(f, r->policy, 0);
		fputs("\n\n", f);
	}
	findings_text(f, r);
	if (!r->plan) {
		capture_text(f, r, "");
		/* check: a non-zero status always ends with its reason */
		exit_line(f, r, "");
		return ferror(f) ? -1 : 0;
	}
	if (!r->executed) {
		plan_text(f, r);
		return ferror(f) ? -1 : 0;
	}
	actions_text(f, r);
	hugepages_text(f, r);
	if (r->diff)
		diff_text(f, r);
	total_line(f, r);
	return ferror(f) ? -1 : 0;
}
