/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "meminfo.h"
#include "output.h"

#define REPORT_SCHEMA 1

static const char *kind_name(enum action_kind k)
{
	static const char *const n[] = { "compact_node", "compact_all", "drop_caches", "reserve" };

	return n[k];
}

void action_label(char *buf, size_t size, const struct action *a)
{
	char sz[16], where[32];
	static const char *const drop[] = { "", "page cache", "slab", "page cache and slab" };

	switch (a->kind) {
	case ACT_COMPACT_NODE:
		snprintf(buf, size, "compact node %d", a->node);
		break;
	case ACT_COMPACT_ALL:
		snprintf(buf, size, "compact all nodes");
		break;
	case ACT_DROP_CACHES:
		snprintf(buf, size, "drop %s%s", drop[a->drop_level & 3], a->sync ? " (sync first)" : "");
		break;
	case ACT_RESERVE:
		size_label(sz, sizeof(sz), a->size_kb * 1024);
		if (a->node >= 0)
			snprintf(where, sizeof(where), "node %d", a->node);
		else
			snprintf(where, sizeof(where), "all nodes");
		snprintf(buf, size, "reserve %s on %s: %llu -> %llu", sz, where,
			 (unsigned long long)a->current, (unsigned long long)a->target);
		break;
	}
}

/*
 * What a short reservation may still do, every step with its reach:
 * "up to 3 rounds of: rewrite, compact node 0, drop page cache of all
 * nodes (sync first), compact node 0". "" when it cannot fall short.
 */
static void ladder_text(char *buf, size_t size, const struct action *a, bool sync)
{
	size_t len;
	unsigned i;

	buf[0] = '\0';
	if (a->kind != ACT_RESERVE || a->target <= a->current || !a->ladder.n || !a->rounds)
		return;
	snprintf(buf, size, "up to %u round%s of:", a->rounds, a->rounds > 1 ? "s" : "");
	for (i = 0; i < a->ladder.n; i++) {
		char step[80];

		switch (a->ladder.s[i]) {
		case STEP_COMPACT_NODE:
			if (a->node >= 0)
				snprintf(step, sizeof(step), "compact node %d", a->node);
			else
				snprintf(step, sizeof(step), "compact all nodes");
			break;
		case STEP_COMPACT_ALL:
			snprintf(step, sizeof(step), "compact all nodes");
			break;
		case STEP_DROP_PAGECACHE:
			snprintf(step, sizeof(step), "drop page cache of all nodes%s", sync ? " (sync first)" : "");
			break;
		case STEP_DROP_SLAB:
			snprintf(step, sizeof(step), "drop reclaimable slab of all nodes");
			break;
		case STEP_DROP_ALL:
			snprintf(step, sizeof(step), "drop page cache and slab of all nodes%s",
				 sync ? " (sync first)" : "");
			break;
		default:
			snprintf(step, sizeof(step), "rewrite");
			break;
		}
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s %s", i ? "," : "", step);
	}
}

static void findings_text(FILE *f, const struct report *r)
{
	unsigned i;

	if (!r->nr_findings)
		return;
	fprintf(f, "Findings\n");
	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];
		char sz[16];

		if (x->kind == FINDING_POOL) {
			size_label(sz, sizeof(sz), x->size_kb * 1024);
			fprintf(f, "  node %-3d %-4s  %s pool: %s\n", x->node, level_name(x->level), sz, x->why);
			continue;
		}
		size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << x->order);
		fprintf(f, "  node %-3d %-4s  at %s: unusable %d.%03d, %llu free %s blocks%s%s\n", x->node,
			level_name(x->level), sz, x->unusable / 1000, x->unusable % 1000,
			(unsigned long long)x->blocks, sz, x->why[0] ? "; " : "", x->why);
	}
	fputc('\n', f);
}

static void steps_text(FILE *f, const struct action_result *res, uint64_t size_kb)
{
	char sz[16];
	unsigned k;

	size_label(sz, sizeof(sz), size_kb * 1024);
	for (k = 0; k < res->nr_steps; k++) {
		const struct step_result *s = &res->steps[k];

		fprintf(f, "       then %-15s %+6lld -> %6llu x %s  %8.1f ms%s%s\n", step_name(s->step),
			(long long)s->gain, (unsigned long long)s->obtained, sz, s->ms,
			s->errnum ? "  " : "", s->errnum ? strerror(s->errnum) : "");
	}
}

static void hugepages_text(FILE *f, const struct report *r)
{
	const struct plan *p = r->plan;
	bool any = false;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		const struct action *a = &p->a[i];
		const struct action_result *res = &r->results[i];
		char sz[16], node[8];
		uint64_t shortfall = res->after < a->target ? a->target - res->after : 0;

		if (a->kind != ACT_RESERVE)
			continue;
		if (!any)
			fprintf(f, "\nHugepages      node  size  requested   before  obtained    short\n");
		any = true;
		size_label(sz, sizeof(sz), a->size_kb * 1024);
		snprintf(node, sizeof(node), a->node >= 0 ? "%d" : "all", a->node);
		fprintf(f, "               %4s %5s %10llu %8llu %9llu %8llu%s\n", node, sz,
			(unsigned long long)a->target, (unsigned long long)res->before,
			(unsigned long long)res->after, (unsigned long long)shortfall,
			res->restored ? "  (restored: keep = no)" : "");
	}
}

static void diff_text(FILE *f, const struct report *r)
{
	const struct snapshot *b = r->before, *a = r->after;
	unsigned i, z, k;

	fprintf(f, "\nFree blocks per order: before, after, change (zones that changed)\n");
	for (i = 0; i < b->nr_nodes; i++) {
		const struct node *nb = &b->nodes[i];
		const struct node *na = snapshot_node(a, nb->id);

		for (z = 0; na && z < nb->nr_zones; z++) {
			const struct zone *zb = &nb->zones[z];
			const struct zone *za = node_zone(na, zb->name);
			char lbl[16];

			if (!zb->in_buddyinfo || !za ||
			    !memcmp(zb->free_blocks, za->free_blocks, b->nr_orders * sizeof(zb->free_blocks[0])))
				continue;
			fprintf(f, "  node %d %-8s", nb->id, zb->name);
			for (k = 0; k < b->nr_orders; k++) {
				size_label(lbl, sizeof(lbl), (uint64_t)b->page_size << k);
				fprintf(f, " %5s", lbl);
			}
			fprintf(f, "\n  %-15s", "  before");
			for (k = 0; k < b->nr_orders; k++)
				fprintf(f, " %5llu", (unsigned long long)zb->free_blocks[k]);
			fprintf(f, "\n  %-15s", "  after");
			for (k = 0; k < b->nr_orders; k++)
				fprintf(f, " %5llu", (unsigned long long)za->free_blocks[k]);
			fprintf(f, "\n  %-15s", "  change");
			for (k = 0; k < b->nr_orders; k++)
				fprintf(f, " %+5lld", (long long)za->free_blocks[k] - (long long)zb->free_blocks[k]);
			fputc('\n', f);
		}
	}
	fprintf(f, "\nKernel counters moved:");
	for (k = 0, i = 0; k < VM_NR_FIELDS; k++) {
		long long d = (long long)a->vmstat.v[k] - (long long)b->vmstat.v[k];

		if (k == VM_NR_FREE_PAGES || !d)
			continue;
		fprintf(f, "%s %s %+lld", i++ ? "," : "", vmstat_name((enum vmstat_field)k), d);
	}
	fprintf(f, "%s\n", i ? "" : " none");
}

int report_text(FILE *f, const struct report *r)
{
	const struct plan *p = r->plan;
	char label[96];
	unsigned i;

	if (r->policy)
		fprintf(f, "Policy %s\n\n", r->policy);
	findings_text(f, r);
	if (!p) {
		/* check: a non-zero status always ends with its reason */
		if (r->exit_code && r->exit_reason && r->exit_reason[0])
			fprintf(f, "Exit status %d: %s\n", r->exit_code, r->exit_reason);
		return ferror(f) ? -1 : 0;
	}
	if (!r->executed) {
		fprintf(f, "Plan%s\n", r->dry_run ? " (dry run: nothing is written)" : "");
		if (!p->n)
			fprintf(f, "  nothing to do\n");
		for (i = 0; i < p->n; i++) {
			char ladder[512];

			action_label(label, sizeof(label), &p->a[i]);
			fprintf(f, "  %2u. %s\n      why:    %s\n      expect: %s\n", i + 1, label,
				p->a[i].reason, p->a[i].expect);
			ladder_text(ladder, sizeof(ladder), &p->a[i], p->sync);
			if (ladder[0])
				fprintf(f, "      if short: %s\n", ladder);
		}
		if (r->not_permitted && p->n)
			fprintf(f, "\nNote: as this user, apply would do nothing: %s\n", r->not_permitted);
		return ferror(f) ? -1 : 0;
	}
	fprintf(f, "Actions\n");
	if (!p->n)
		fprintf(f, "  nothing to do\n");
	for (i = 0; i < p->n; i++) {
		const struct action_result *res = &r->results[i];

		action_label(label, sizeof(label), &p->a[i]);
		fprintf(f, "  %2u. %-44s %-11s %9.1f ms\n", i + 1, label, res_status_name(res->status), res->ms);
		if (res->error[0])
			fprintf(f, "      error: %s\n", res->error);
		if (p->a[i].kind == ACT_RESERVE)
			steps_text(f, res, p->a[i].size_kb);
	}
	hugepages_text(f, r);
	if (r->after)
		diff_text(f, r);
	fprintf(f, "\nTotal %.1f ms, exit status %d%s%s\n", r->total_ms, r->exit_code,
		r->exit_reason && r->exit_reason[0] ? ": " : "", r->exit_reason ? r->exit_reason : "");
	return ferror(f) ? -1 : 0;
}

static void u64s(FILE *f, const uint64_t *v, unsigned n)
{
	unsigned k;

	fputc('[', f);
	for (k = 0; k < n; k++)
		fprintf(f, "%s%" PRIu64, k ? "," : "", v[k]);
	fputc(']', f);
}


int report_json(FILE *f, const struct report *r)
{
	const struct plan *p = r->plan;
	unsigned i, k, z, first;

	fprintf(f, "{\"schema\":%d,\"command\":\"%s\",\"dry_run\":%s,\"executed\":%s,\"policy\":",
		REPORT_SCHEMA, r->command, r->dry_run ? "true" : "false", r->executed ? "true" : "false");
	if (r->policy)
		out_json_string(f, r->policy);
	else
		fputs("null", f);
	fputs(",\"not_permitted\":", f);
	if (r->not_permitted)
		out_json_string(f, r->not_permitted);
	else
		fputs("null", f);
	/* pools apart: findings[] stays one object per node, as schema 1 promised */
	fputs(",\"findings\":[", f);
	for (i = 0, first = 1; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];

		if (x->kind != FINDING_FRAGMENTATION)
			continue;
		fprintf(f, "%s\n {\"node\":%d,\"level\":\"%s\",\"order\":%d,\"unusable_index\":%d,"
			"\"fragmentation_index\":%d,\"free_blocks_at_order\":%" PRIu64 ",\"remediated\":%s,\"why\":",
			first ? "" : ",", x->node, level_name(x->level), x->order, x->unusable, x->fragindex,
			x->blocks, x->remediated ? "true" : "false");
		first = 0;
		out_json_string(f, x->why);
		fputc('}', f);
	}
	fputs("],\"pool_findings\":[", f);
	for (i = 0, first = 1; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];

		if (x->kind != FINDING_POOL)
			continue;
		fprintf(f, "%s\n {\"node\":%d,\"size_kb\":%" PRIu64 ",\"level\":\"%s\",\"target\":%" PRIu64
			",\"actual\":%" PRIu64 ",\"shortfall\":%" PRIu64 ",\"mandatory\":%s,\"why\":",
			first ? "" : ",", x->node, x->size_kb, level_name(x->level), x->target, x->actual,
			x->shortfall, x->mandatory ? "true" : "false");
		first = 0;
		out_json_string(f, x->why);
		fputc('}', f);
	}
	fputs("],\"actions\":[", f);
	for (i = 0; p && i < p->n; i++) {
		const struct action *a = &p->a[i];

		fprintf(f, "%s\n {\"kind\":\"%s\",\"node\":%d", i ? "," : "", kind_name(a->kind), a->node);
		if (a->kind == ACT_RESERVE) {
			char ladder[512];

			fprintf(f, ",\"size_kb\":%" PRIu64 ",\"requested\":%" PRIu64 ",\"planned_from\":%" PRIu64
				",\"keep\":%s,\"rounds\":%u,\"ladder\":[", a->size_kb, a->target, a->current,
				a->keep ? "true" : "false", a->rounds);
			for (k = 0; k < a->ladder.n; k++)
				fprintf(f, "%s\"%s\"", k ? "," : "", step_name(a->ladder.s[k]));
			ladder_text(ladder, sizeof(ladder), a, p->sync);
			fputs("],\"if_short\":", f);
			if (ladder[0])
				out_json_string(f, ladder);
			else
				fputs("null", f);
		}
		if (a->kind == ACT_DROP_CACHES)
			fprintf(f, ",\"drop_level\":%d,\"sync\":%s", a->drop_level, a->sync ? "true" : "false");
		fputs(",\"reason\":", f);
		out_json_string(f, a->reason);
		fputs(",\"expect\":", f);
		out_json_string(f, a->expect);
		if (r->executed) {
			const struct action_result *res = &r->results[i];

			fprintf(f, ",\"status\":\"%s\",\"ms\":%.3f", res_status_name(res->status), res->ms);
			if (a->kind == ACT_RESERVE) {
				fprintf(f, ",\"before\":%" PRIu64 ",\"obtained\":%" PRIu64 ",\"shortfall\":%" PRIu64
					",\"restored\":%s,\"steps\":[", res->before, res->after,
					res->after < a->target ? a->target - res->after : 0,
					res->restored ? "true" : "false");
				for (k = 0; k < res->nr_steps; k++)
					fprintf(f, "%s{\"step\":\"%s\",\"ms\":%.3f,\"gain\":%" PRId64 ",\"obtained\":%" PRIu64
						",\"errno\":%d}", k ? "," : "", step_name(res->steps[k].step),
						res->steps[k].ms, res->steps[k].gain, res->steps[k].obtained,
						res->steps[k].errnum);
				fputc(']', f);
			}
			fputs(",\"error\":", f);
			if (res->error[0])
				out_json_string(f, res->error);
			else
				fputs("null", f);
		}
		fputc('}', f);
	}
	fputs("],\"zones\":[", f);
	first = 1;
	for (i = 0; r->after && i < r->before->nr_nodes; i++) {
		const struct node *nb = &r->before->nodes[i], *na = snapshot_node(r->after, nb->id);

		for (z = 0; na && z < nb->nr_zones; z++) {
			const struct zone *zb = &nb->zones[z], *za = node_zone(na, zb->name);
			unsigned n = r->before->nr_orders;

			if (!zb->in_buddyinfo || !za)
				continue;
			fprintf(f, "%s\n {\"node\":%d,\"zone\":\"%s\",\"before\":", first ? "" : ",", nb->id, zb->name);
			first = 0;
			u64s(f, zb->free_blocks, n);
			fputs(",\"after\":", f);
			u64s(f, za->free_blocks, n);
			fputs(",\"change\":[", f);
			for (k = 0; k < n; k++)
				fprintf(f, "%s%lld", k ? "," : "", (long long)za->free_blocks[k] - (long long)zb->free_blocks[k]);
			fputs("]}", f);
		}
	}
	fputs("],\"vmstat_change\":{", f);
	first = 1;
	for (k = 0; r->after && k < VM_NR_FIELDS; k++) {
		if (!(r->before->vmstat.seen & (1u << k)))
			continue;
		fprintf(f, "%s\"%s\":%lld", first ? "" : ",", vmstat_name((enum vmstat_field)k),
			(long long)r->after->vmstat.v[k] - (long long)r->before->vmstat.v[k]);
		first = 0;
	}
	fprintf(f, "},\"total_ms\":%.3f,\"exit\":%d,\"exit_reason\":", r->total_ms, r->exit_code);
	if (r->exit_reason && r->exit_reason[0])
		out_json_string(f, r->exit_reason);
	else
		fputs("null", f);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}
