/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl check --format nagios`: the monitoring-plugin output that
 * Nagios, Icinga, Naemon and Sensu run checks by
 * (https://www.monitoring-plugins.org/doc/guidelines.html):
 *
 *   BUDDYCTL WARNING - node 0 at 2M: unusable index 0.761 >= warn 0.700 | node0_unusable=0.761;0.700;0.900;0;1 ...
 *   node 0 warn at 2M: unusable 0.761, 812 free 2M blocks; unusable index 0.761 >= warn 0.700
 *   ...
 *
 * The first line is the state and the findings that are not ok, then '|'
 * and the performance data of every node and pool judged; one line per
 * finding follows. The exit status is check's: 0 OK, 1 WARNING,
 * 2 CRITICAL; on any error cli/main.c prints report_nagios_unknown()'s
 * "BUDDYCTL UNKNOWN - why" and exits 3.
 *
 * The plugin API reads the first '|' of any line as the start of
 * performance data: text that came from input (a finding's reason, the
 * policy's path, an error quoting a token of a kernel file) is escaped,
 * a line break as \n and '|' as \x7c (out_escape()).
 */
#include "out_nagios.h"

#include <inttypes.h>

#include "output.h"
#include "report.h"
#include "units.h"

/* What the plugin API must not see in text: a control character or a '|'. */
#define NAGIOS_ESC (OUT_ESC_PIPE)

static const char *state_name(enum level l)
{
	return l == LEVEL_CRIT ? "CRITICAL" : l == LEVEL_WARN ? "WARNING" : "OK";
}

/* A threshold in thousandths, or nothing when it is not used (-1). */
static void th(FILE *f, const char *pre, int v)
{
	fputc(';', f);
	if (v >= 0)
		fprintf(f, "%s%d.%03d", pre, v / 1000, v % 1000);
}

static void th_min(FILE *f, int64_t v)
{
	fputc(';', f);
	if (v >= 0)
		fprintf(f, "%" PRId64 ":", v);	/* alert below v */
}

static void thousandths(FILE *f, int v)
{
	fprintf(f, "%s%d.%03d", v < 0 ? "-" : "", (v < 0 ? -v : v) / 1000, (v < 0 ? -v : v) % 1000);
}

/* The summary of the first line: what is at level l. */
static unsigned summary(FILE *f, const struct report *r, enum level l, unsigned n)
{
	unsigned i;
	char sz[16];

	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];

		if (x->level != l)
			continue;
		fputs(n++ ? "; " : "", f);
		if (x->kind == FINDING_POOL) {
			size_label(sz, sizeof(sz), x->size_kb * 1024);
			fprintf(f, "%s pool node %d %" PRIu64 "/%" PRIu64 "%s", sz, x->node, x->actual,
				x->target, x->mandatory ? " (mandatory)" : "");
		} else {
			size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << x->order);
			fprintf(f, "node %d at %s: ", x->node, sz);
			out_escape_put(f, x->why, NAGIOS_ESC);
		}
	}
	return n;
}

static void perfdata(FILE *f, const struct report *r)
{
	unsigned i;
	char sz[16];

	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];

		if (x->kind == FINDING_POOL) {
			size_label(sz, sizeof(sz), x->size_kb * 1024);
			fprintf(f, " node%d_pool_%s=", x->node, sz);
			if (x->unknown)
				fputc('U', f);	/* not read: undetermined */
			else
				fprintf(f, "%" PRIu64, x->actual);
			/* short is below the target: warn, or crit when mandatory */
			fprintf(f, x->mandatory ? ";;%" PRIu64 ":;0" : ";%" PRIu64 ":;;0", x->target);
			continue;
		}
		fprintf(f, " node%d_unusable=", x->node);
		thousandths(f, x->unusable);
		th(f, "", x->th.warn_unusable);
		th(f, "", x->th.crit_unusable);
		fprintf(f, ";0;1 node%d_fragindex=", x->node);
		thousandths(f, x->fragindex);
		/* -1 means "would succeed": only the upper end alerts */
		th(f, "~:", x->th.warn_fragindex);
		th(f, "~:", x->th.crit_fragindex);
		fprintf(f, ";-1;1 node%d_blocks=%" PRIu64, x->node, x->blocks);
		th_min(f, x->th.warn_min_blocks);
		th_min(f, x->th.crit_min_blocks);
		fputs(";0", f);
	}
}

int report_nagios(FILE *f, const struct report *r)
{
	enum level l = findings_level(r->findings, r->nr_findings);
	unsigned i, n, nodes = 0, pools = 0, unread = 0;
	char sz[16];

	fprintf(f, "BUDDYCTL %s - ", state_name(l));
	if (l > LEVEL_OK) {
		n = summary(f, r, LEVEL_CRIT, 0);
		summary(f, r, LEVEL_WARN, n);
	} else {
		for (i = 0; i < r->nr_findings; i++) {
			nodes += r->findings[i].kind == FINDING_FRAGMENTATION;
			pools += r->findings[i].kind == FINDING_POOL;
			unread += r->findings[i].unknown;
		}
		fprintf(f, "%u node%s", nodes, nodes == 1 ? "" : "s");
		if (pools)
			fprintf(f, " and %u pool%s", pools, pools == 1 ? "" : "s");
		fputs(" within policy", f);
		if (unread)
			fprintf(f, " (%u pool%s not read)", unread, unread == 1 ? "" : "s");
	}
	fputs(" |", f);
	perfdata(f, r);
	fputc('\n', f);
	/* long output: every finding */
	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];

		if (x->kind == FINDING_POOL) {
			size_label(sz, sizeof(sz), x->size_kb * 1024);
			fprintf(f, "node %d %s %s pool: ", x->node, x->unknown ? "?" : level_name(x->level), sz);
		} else {
			size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << x->order);
			fprintf(f, "node %d %s at %s: unusable %d.%03d, %" PRIu64 " free %s blocks%s", x->node,
				level_name(x->level), sz, x->unusable / 1000, x->unusable % 1000, x->blocks, sz,
				x->why[0] ? "; " : "");
		}
		out_escape_put(f, x->why, NAGIOS_ESC);
		fputc('\n', f);
	}
	if (r->policy) {
		fputs("policy ", f);
		out_escape_put(f, r->policy, NAGIOS_ESC);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

int report_nagios_unknown(FILE *f, const char *why)
{
	/* an error message: its tokens are escaped already, a backslash stays */
	fputs("BUDDYCTL UNKNOWN - ", f);
	out_escape_put(f, why, NAGIOS_ESC | OUT_ESC_MSG);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}
