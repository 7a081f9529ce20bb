/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Standard error and the one log line of a run. The line is for a person
 * who greps a journal or a cron mail: what was judged (the nodes and pools
 * not within the policy), what was done and what it gained (pages obtained,
 * free blocks of the hugepage size, free memory), how long and how it
 * ended. The report on standard output has the details.
 */
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include <sys/stat.h>

#include "metrics.h"
#include "output.h"
#include "units.h"

static bool journal, quiet;

bool log_is_journal(const char *env, int fd)
{
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	/* "DEV:INO", both decimal (systemd.exec(5)); strtoull alone takes " -1" */
	if (!env || *env < '0' || *env > '9')
		return false;
	errno = 0;
	dev = strtoull(env, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	ino = strtoull(end + 1, &end, 10);
	if (errno || *end)
		return false;
	if (fstat(fd, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(void)
{
	journal = log_is_journal(getenv("JOURNAL_STREAM"), 2);
}

void log_set_quiet(bool q)
{
	quiet = q;
}

bool log_quiet(void)
{
	return quiet;
}

void log_print(int prio, const char *fmt, ...)
{
	/* 4 bytes an escape at most (output.h) */
	char buf[8192], line[4 * sizeof(buf)];
	size_t len;
	bool nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/*
	 * A message quotes paths, tokens and values that came from input: any
	 * control character in it is shown as an escape, a newline too, so that
	 * no input can colour the terminal or forge a line of the journal. Only
	 * the newline that ends the message is one. The tokens of policy/'s
	 * messages are escaped already (bc_token_escape()): a backslash stays.
	 */
	len = strlen(buf);
	nl = len && buf[len - 1] == '\n';
	if (nl)
		buf[len - 1] = '\0';
	out_escape(line, sizeof(line), buf, OUT_ESC_MSG);
	/* journald reads the priority of each line from its prefix */
	if (journal)
		fprintf(stderr, "<%d>%s%s", prio, line, nl ? "\n" : "");
	else
		fprintf(stderr, "%s%s", line, nl ? "\n" : "");
}

/* At most this many nodes or pools, then "and N more": a line, not a page. */
#define LOG_MAX_ITEMS 8

/* What was judged: the findings not ok, or how many were and that they are. */
static void judged(char *buf, size_t size, const struct report *r)
{
	unsigned i, nodes = 0, pools = 0, listed = 0, more = 0;
	char sz[16];

	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *f = &r->findings[i];

		nodes += f->kind == FINDING_FRAGMENTATION;
		pools += f->kind == FINDING_POOL;
		if (f->level == LEVEL_OK)
			continue;
		if (listed == LOG_MAX_ITEMS) {
			more++;
			continue;
		}
		str_append(buf, size, "%s", listed++ ? "; " : "");
		if (f->kind == FINDING_POOL) {
			size_label(sz, sizeof(sz), f->size_kb * 1024);
			str_append(buf, size, "%s pool node %d %" PRIu64 "/%" PRIu64 " %s%s", sz, f->node,
			    f->actual, f->target, level_name(f->level), f->mandatory ? " (mandatory)" : "");
		} else {
			size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << f->order);
			str_append(buf, size, "node %d %s at %s (%s)", f->node, level_name(f->level), sz, f->why);
		}
	}
	if (more)
		str_append(buf, size, "; and %u more", more);
	if (!listed)
		str_append(buf, size, "ok (%u node%s%s", nodes, nodes == 1 ? "" : "s", pools ? " and " : "");
	if (!listed && pools)
		str_append(buf, size, "%u pool%s", pools, pools == 1 ? "" : "s");
	if (!listed)
		str_append(buf, size, " within policy)");
}

/* Free blocks of the hugepage size (or larger) on node id (-1: all), or -1. */
static int64_t hp_blocks(const struct snapshot *s, int id)
{
	uint64_t kb;
	int64_t sum = 0, v;
	unsigned i;

	if (!s || s->hpage_order < 0)
		return -1;
	kb = ((uint64_t)s->page_size << s->hpage_order) / 1024;
	for (i = 0; i < s->nr_nodes; i++) {
		if (id >= 0 && s->nodes[i].id != id)
			continue;
		v = metrics_node_suitable(s, &s->nodes[i], kb);
		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

/* What one executed action did and gained. */
static void done(char *buf, size_t size, const struct report *r, unsigned i)
{
	const struct action *a = &r->plan->a[i];
	const struct action_result *res = &r->results[i];
	const char *st = res_status_name(res->status);
	char sz[16], label[200], h[16];

	switch (a->kind) {
	case ACT_RESERVE:
		size_label(sz, sizeof(sz), a->size_kb * 1024);
		str_append(buf, size, "%s pool ", sz);
		str_append(buf, size, a->node >= 0 ? "node %d" : "all nodes", a->node);
		str_append(buf, size, " %" PRIu64 " -> %" PRIu64 "/%" PRIu64 " (%+" PRId64 "%s", res->before,
		    res->after, a->target, (int64_t)res->after - (int64_t)res->before,
		    res->restored ? ", put back" : "");
		if (res->after < a->target)
			str_append(buf, size, ", %" PRIu64 " short", a->target - res->after);
		str_append(buf, size, ") %s", st);
		report_drops_skipped(label, sizeof(label), a);
		if (label[0])
			str_append(buf, size, " (%s)", label);
		break;
	case ACT_COMPACT_NODE:
	case ACT_COMPACT_ALL: {
		int node = a->kind == ACT_COMPACT_NODE ? a->node : -1;
		int64_t b = hp_blocks(r->before, node), f = hp_blocks(r->after, node);

		action_label(label, sizeof(label), a);
		str_append(buf, size, "%s %s", label, st);
		if (b >= 0 && f >= 0) {
			size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << r->before->hpage_order);
			str_append(buf, size, " (%s blocks %" PRId64 " -> %" PRId64 ")", sz, b, f);
		}
		break;
	}
	default: {
		action_label(label, sizeof(label), a);
		str_append(buf, size, "%s %s", label, st);
		if (r->after && r->after->meminfo.v[MI_MEM_FREE] && r->before->meminfo.v[MI_MEM_FREE]) {
			int64_t kb = (int64_t)r->after->meminfo.v[MI_MEM_FREE] -
				     (int64_t)r->before->meminfo.v[MI_MEM_FREE];

			out_human_bytes(h, sizeof(h), (uint64_t)(kb < 0 ? -kb : kb) * 1024);
			str_append(buf, size, " (MemFree %s%s)", kb < 0 ? "-" : "+", h);
		}
		break;
	}
	}
	if (res->error[0] && res->status != RES_DONE)
		str_append(buf, size, ": %.200s", res->error);
}

int log_run_line(char *buf, size_t size, const struct report *r)
{
	const struct plan *p = r->plan;
	char label[96];
	unsigned i;

	buf[0] = '\0';
	str_append(buf, size, "buddyctl %s: ", r->command);
	if (r->policy)
		judged(buf, size, r);
	if (p) {
		str_append(buf, size, "%s", r->policy ? ": " : "");
		if (!p->n)
			str_append(buf, size, "nothing to do");
		else if (!r->executed)
			str_append(buf, size, "%s", r->dry_run ? "dry run, would do: " : "");
		for (i = 0; i < p->n && i < LOG_MAX_ITEMS; i++) {
			str_append(buf, size, "%s", i ? ", " : "");
			if (r->executed) {
				done(buf, size, r, i);
			} else {
				action_label(label, sizeof(label), &p->a[i]);
				str_append(buf, size, "%s", label);
			}
		}
		if (p->n > LOG_MAX_ITEMS)
			str_append(buf, size, ", and %u more", p->n - LOG_MAX_ITEMS);
		if (r->executed)
			str_append(buf, size, "; %.1f s", r->total_ms / 1000);
	}
	str_append(buf, size, "%sexit %d", p && r->executed ? ", " : "; ", r->exit_code);
	/* check's reason repeats the findings above; apply's names what failed */
	if (p && r->exit_code && r->exit_reason && r->exit_reason[0])
		str_append(buf, size, ": %s", r->exit_reason);
	if (r->exit_code >= 2)
		return LOG_ERR;
	if (r->exit_code == 1)
		return LOG_WARNING;
	return r->executed && p && p->n ? LOG_NOTICE : LOG_INFO;
}

void log_run(const struct report *r)
{
	char line[4096];
	int prio = log_run_line(line, sizeof(line), r);

	if (quiet && !r->exit_code)
		return;
	/* the report went to standard output first: keep the order at a terminal */
	fflush(stdout);
	log_print(prio, "%s\n", line);
}
