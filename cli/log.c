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

#include "output.h"
#include "units.h"

static bool journal, quiet;

/* "DEV:INO", both decimal (systemd.exec(5)); strtoull alone takes " -1". */
static bool parse_dev_ino(const char *env, unsigned long long *dev, unsigned long long *ino)
{
	char *end;

	if (!env || *env < '0' || *env > '9')
		return false;
	errno = 0;
	*dev = strtoull(env, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	*ino = strtoull(end + 1, &end, 10);
	return !errno && !*end;
}

bool log_is_journal(const char *env, int fd)
{
	unsigned long long dev, ino;
	struct stat st;

	if (!parse_dev_ino(env, &dev, &ino) || fstat(fd, &st) < 0)
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

/* One finding not ok: "2M pool node 0 3/10 warn", "node 1 crit at 2M (...)". */
static void judged_one(char *buf, size_t size, const struct report *r, const struct finding *f)
{
	char sz[16];

	if (f->kind == FINDING_POOL) {
		size_label(sz, sizeof(sz), f->size_kb * 1024);
		str_append(buf, size, "%s pool node %d %" PRIu64 "/%" PRIu64 " %s%s", sz, f->node,
		    f->actual, f->target, level_name(f->level), f->mandatory ? " (mandatory)" : "");
	} else {
		size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << f->order);
		str_append(buf, size, "node %d %s at %s (%s)", f->node, level_name(f->level), sz, f->why);
	}
}

/* Every finding ok: "ok (2 nodes and 1 pool within policy)". */
static void all_ok(char *buf, size_t size, unsigned nodes, unsigned pools)
{
	str_append(buf, size, "ok (%u node%s%s", nodes, nodes == 1 ? "" : "s", pools ? " and " : "");
	if (pools)
		str_append(buf, size, "%u pool%s", pools, pools == 1 ? "" : "s");
	str_append(buf, size, " within policy)");
}

/* What was judged: the findings not ok, or how many were and that they are. */
static void judged(char *buf, size_t size, const struct report *r)
{
	unsigned i, nodes = 0, pools = 0, listed = 0, more = 0;

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
		judged_one(buf, size, r, f);
	}
	if (more)
		str_append(buf, size, "; and %u more", more);
	if (!listed)
		all_ok(buf, size, nodes, pools);
}

/*
 * What a compaction of node (-1: every node) gained, from the diff of the
 * run: " (2M blocks 7637 -> 7640)"; nothing without one.
 */
static void blocks_gained(char *buf, size_t size, const struct report *r, int node)
{
	const struct snap_diff *d = r->diff;
	const struct node_change *nc = d && node >= 0 ? snap_diff_node(d, node) : NULL;
	uint64_t b = nc ? nc->blocks_before : 0, f = nc ? nc->blocks_after : 0;
	char sz[16];

	if (!d || !d->blocks_known)
		return;
	if (node < 0) {
		b = d->blocks_before;
		f = d->blocks_after;
	}
	size_label(sz, sizeof(sz), (uint64_t)r->before->page_size << d->hpage_order);
	str_append(buf, size, " (%s blocks %" PRIu64 " -> %" PRIu64 ")", sz, b, f);
}

/* What a reservation did: "2M pool node 0 64 -> 100/100 (+36) done". */
static void reserved(char *buf, size_t size, const struct action *a, const struct action_result *res)
{
	char sz[16], skipped[200];

	size_label(sz, sizeof(sz), a->size_kb * 1024);
	str_append(buf, size, "%s pool ", sz);
	str_append(buf, size, a->node >= 0 ? "node %d" : "all nodes", a->node);
	str_append(buf, size, " %" PRIu64 " -> %" PRIu64 "/%" PRIu64 " (%+" PRId64 "%s", res->before,
	    res->after, a->target, (int64_t)res->after - (int64_t)res->before,
	    res->restored ? ", put back" : "");
	if (res->after < a->target)
		str_append(buf, size, ", %" PRIu64 " short", a->target - res->after);
	str_append(buf, size, ") %s", res_status_name(res->status));
	report_drops_skipped(skipped, sizeof(skipped), a);
	if (skipped[0])
		str_append(buf, size, " (%s)", skipped);
}

/* How MemFree moved over the run, after a drop of caches: " (MemFree +1.2G)". */
static void memfree_moved(char *buf, size_t size, const struct report *r)
{
	char h[16];
	int64_t kb;

	if (!r->after || !r->after->meminfo.v[MI_MEM_FREE] || !r->before->meminfo.v[MI_MEM_FREE])
		return;
	kb = (int64_t)r->after->meminfo.v[MI_MEM_FREE] - (int64_t)r->before->meminfo.v[MI_MEM_FREE];
	out_human_bytes(h, sizeof(h), (uint64_t)(kb < 0 ? -kb : kb) * 1024);
	str_append(buf, size, " (MemFree %s%s)", kb < 0 ? "-" : "+", h);
}

/* What one executed action did and gained. */
static void done(char *buf, size_t size, const struct report *r, unsigned i)
{
	const struct action *a = &r->plan->a[i];
	const struct action_result *res = &r->results[i];
	char label[200];

	if (a->kind == ACT_RESERVE) {
		reserved(buf, size, a, res);
	} else {
		action_label(label, sizeof(label), a);
		str_append(buf, size, "%s %s", label, res_status_name(res->status));
		if (a->kind == ACT_DROP_CACHES)
			memfree_moved(buf, size, r);
		else
			blocks_gained(buf, size, r, a->kind == ACT_COMPACT_NODE ? a->node : -1);
	}
	if (res->error[0] && res->status != RES_DONE)
		str_append(buf, size, ": %.200s", res->error);
}

/* The plan's actions, or what each did: "dry run, would do: compact node 0, ..." */
static void actions(char *buf, size_t size, const struct report *r)
{
	const struct plan *p = r->plan;
	char label[96];
	unsigned i;

	str_append(buf, size, "%s", r->policy ? ": " : "");
	if (!p->n)
		str_append(buf, size, "nothing to do");
	else if (!r->executed)
		str_append(buf, size, "%s", r->dry_run ? "dry run, would do: " : "");
	for (i = 0; i < p->n && i < LOG_MAX_ITEMS; i++) {
		str_append(buf, size, "%s", i ? ", " : "");
		if (r->executed) {
			done(buf, size, r, i);
			continue;
		}
		action_label(label, sizeof(label), &p->a[i]);
		str_append(buf, size, "%s", label);
	}
	if (p->n > LOG_MAX_ITEMS)
		str_append(buf, size, ", and %u more", p->n - LOG_MAX_ITEMS);
	if (r->executed)
		str_append(buf, size, "; %.1f s", r->total_ms / 1000);
}

/* The line's priority: by the exit status; a run that did something is a notice. */
static int priority(const struct report *r)
{
	if (r->exit_code >= 2)
		return LOG_ERR;
	if (r->exit_code == 1)
		return LOG_WARNING;
	return r->executed && r->plan && r->plan->n ? LOG_NOTICE : LOG_INFO;
}

int log_run_line(char *buf, size_t size, const struct report *r)
{
	const struct plan *p = r->plan;

	buf[0] = '\0';
	str_append(buf, size, "buddyctl %s: ", r->command);
	if (r->policy)
		judged(buf, size, r);
	if (p)
		actions(buf, size, r);
	str_append(buf, size, "%sexit %d", p && r->executed ? ", " : "; ", r->exit_code);
	/* check's reason repeats the findings above; apply's names what failed */
	if (p && r->exit_code && r->exit_reason && r->exit_reason[0])
		str_append(buf, size, ": %s", r->exit_reason);
	return priority(r);
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
