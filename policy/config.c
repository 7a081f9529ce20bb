/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buddyctl.conf, parsed with inih through ini_parse_stream() and a reader
 * that counts lines, so that every error, also the ones found after
 * parsing, names its line. Sections:
 *
 *   [fragmentation]  order, warn_/crit_unusable, warn_/crit_fragindex,
 *                    warn_/crit_min_blocks
 *   [remediate]      warn, crit (step lists), sync
 *   [node N]         any key of [fragmentation] and [remediate] for node N
 *   [hugepages SIZE] count or total, on_short, rounds, keep
 *   [run]            time_budget, min_interval, state_file, lock_file, lock_wait
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "metrics.h"
#include "textscan.h"

static const char *const step_names[STEP_NR] = {
	[STEP_NONE] = "none",
	[STEP_RETRY] = "retry",
	[STEP_COMPACT_NODE] = "compact-node",
	[STEP_COMPACT_ALL] = "compact-all",
	[STEP_DROP_PAGECACHE] = "drop-pagecache",
	[STEP_DROP_SLAB] = "drop-slab",
	[STEP_DROP_ALL] = "drop-all",
};

const char *step_name(enum step s)
{
	return s < STEP_NR ? step_names[s] : "?";
}

int steps_parse(const char *text, struct steps *out, char *bad, size_t badsize)
{
	const char *p = text;

	out->n = 0;
	while (*p) {
		const char *start, *end;
		size_t len;
		int s, found = -1;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		len = (size_t)(end - start);
		for (s = 0; s < STEP_NR; s++)
			if (strlen(step_names[s]) == len && !memcmp(step_names[s], start, len))
				found = s;
		if (found < 0 || out->n == MAX_STEPS) {
			snprintf(bad, badsize, "%.*s", (int)(len > 40 ? 40 : len), start);
			return -1;
		}
		if (found != STEP_NONE)
			out->s[out->n++] = (enum step)found;
	}
	return 0;
}

int parse_size_kb(const char *s, uint64_t *kb)
{
	char *end;
	unsigned long long v;
	uint64_t mul;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -1;
	if (!strcmp(end, "kB") || !strcmp(end, "K") || !strcmp(end, "k") || !strcmp(end, "KB"))
		mul = 1;
	else if (!strcmp(end, "M") || !strcmp(end, "MB"))
		mul = 1024;
	else if (!strcmp(end, "G") || !strcmp(end, "GB"))
		mul = 1024 * 1024;
	else if (!strcmp(end, "T") || !strcmp(end, "TB"))
		mul = 1024ULL * 1024 * 1024;
	else
		return -1;
	if (v > BC_MAX_KB / mul)
		return -1;
	*kb = v * mul;
	return 0;
}

int parse_duration(const char *s, double *seconds)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || !isfinite(v) || v < 0)
		return -1;
	if (!*end || !strcmp(end, "s"))
		;
	else if (!strcmp(end, "ms"))
		v /= 1000;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		v *= 60;
	else if (!strcmp(end, "h"))
		v *= 3600;
	else
		return -1;
	if (v > 86400.0 * 366)
		return -1;
	*seconds = v;
	return 0;
}

/* A ratio 0..1 ("0.7"), kept in thousandths as the kernel's indices are. */
static int parse_ratio(const char *s, int *thousandths)
{
	char *end;
	double v;

	if (!*s || (!isdigit((unsigned char)*s) && *s != '.'))
		return -1;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v < 0 || v > 1)
		return -1;
	*thousandths = (int)lround(v * 1000);
	return 0;
}

static int parse_count(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > BC_MAX_PAGES)
		return -1;
	*v = x;
	return 0;
}

static int parse_bool(const char *s, bool *b)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "on"))
		*b = true;
	else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "off"))
		*b = false;
	else
		return -1;
	return 0;
}

void policy_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->th = (struct thresholds){ .order = -1, .warn_unusable = 700, .crit_unusable = 900,
				     .warn_fragindex = -1, .crit_fragindex = -1,
				     .warn_min_blocks = -1, .crit_min_blocks = -1 };
	p->crit.s[0] = STEP_COMPACT_NODE;
	p->crit.n = 1;
	p->sync = true;
	p->time_budget_s = 60;
	p->min_interval_s = 600;
	snprintf(p->state_file, sizeof(p->state_file), "/var/lib/buddyctl/state");
	snprintf(p->lock_file, sizeof(p->lock_file), "/run/buddyctl.lock");
	p->lock_wait_s = 0;
}

void policy_free(struct policy *p)
{
	unsigned i;

	for (i = 0; i < p->nr_targets; i++)
		free(p->targets[i].counts);
	free(p->targets);
	free(p->nodes);
	p->targets = NULL;
	p->nodes = NULL;
	p->nr_targets = p->nr_nodes = 0;
}

/* --- parsing state ------------------------------------------------------ */

#define MAX_SEEN 64

struct pstate {
	struct policy *p;
	const char *name;
	unsigned line;
	bool too_long;
	const char *text;		/* ini_parse_string-style reader */
	FILE *f;
	struct bc_error *err;
	int failed;
	unsigned fail_line;
	/* duplicate detection: "section\0key" of every key met */
	char seen[MAX_SEEN * 2][96];
	unsigned nr_seen;
};

static int fail(struct pstate *st, const char *fmt, const char *a, const char *b)
{
	char msg[320];

	if (st->failed)
		return 0;
	snprintf(msg, sizeof(msg), fmt, a, b);
	bc_error_set(st->err, BC_ECONFIG, "%s:%u: %s", st->name, st->line, msg);
	st->failed = 1;
	st->fail_line = st->line;
	return 0;
}

static struct node_policy *node_section(struct pstate *st, int node)
{
	struct policy *p = st->p;
	struct node_policy *np;
	unsigned i;

	for (i = 0; i < p->nr_nodes; i++)
		if (p->nodes[i].node == node)
			return &p->nodes[i];
	np = realloc(p->nodes, (p->nr_nodes + 1) * sizeof(*np));
	if (!np)
		return NULL;
	p->nodes = np;
	np = &p->nodes[p->nr_nodes++];
	memset(np, 0, sizeof(*np));
	np->node = node;
	np->line = st->line;
	np->th = (struct thresholds){ .order = TH_INHERIT, .warn_unusable = TH_INHERIT,
				      .crit_unusable = TH_INHERIT, .warn_fragindex = TH_INHERIT,
				      .crit_fragindex = TH_INHERIT, .warn_min_blocks = TH_INHERIT,
				      .crit_min_blocks = TH_INHERIT };
	return np;
}

static struct hp_target *target_section(struct pstate *st, uint64_t kb)
{
	struct policy *p = st->p;
	struct hp_target *t;
	unsigned i;

	for (i = 0; i < p->nr_targets; i++)
		if (p->targets[i].size_kb == kb)
			return &p->targets[i];
	t = realloc(p->targets, (p->nr_targets + 1) * sizeof(*t));
	if (!t)
		return NULL;
	p->targets = t;
	t = &p->targets[p->nr_targets++];
	memset(t, 0, sizeof(*t));
	t->size_kb = kb;
	t->line = st->line;
	t->rounds = 3;
	t->keep = true;
	t->ladder.s[0] = STEP_RETRY;
	t->ladder.s[1] = STEP_COMPACT_NODE;
	t->ladder.s[2] = STEP_DROP_PAGECACHE;
	t->ladder.s[3] = STEP_COMPACT_NODE;
	t->ladder.n = 4;
	return t;
}

/* Keys of [fragmentation] and [remediate], shared with [node N]. */
static int threshold_key(struct pstate *st, struct thresholds *th, const char *key,
			 const char *val)
{
	struct { const char *k; int *dst; } ratios[] = {
		{ "warn_unusable", &th->warn_unusable }, { "crit_unusable", &th->crit_unusable },
		{ "warn_fragindex", &th->warn_fragindex }, { "crit_fragindex", &th->crit_fragindex },
	};
	uint64_t v;
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (strcmp(key, ratios[i].k))
			continue;
		if (!strcmp(val, "off")) {
			*ratios[i].dst = -1;
			return 1;
		}
		if (parse_ratio(val, ratios[i].dst) < 0)
			return fail(st, "%s: '%s' is not a ratio from 0 to 1 (or 'off')", key, val);
		return 1;
	}
	if (!strcmp(key, "warn_min_blocks") || !strcmp(key, "crit_min_blocks")) {
		int64_t *dst = key[0] == 'w' ? &th->warn_min_blocks : &th->crit_min_blocks;

		if (!strcmp(val, "off")) {
			*dst = -1;
			return 1;
		}
		if (parse_count(val, &v) < 0)
			return fail(st, "%s: '%s' is not a count (or 'off')", key, val);
		*dst = (int64_t)v;
		return 1;
	}
	if (!strcmp(key, "order")) {
		if (!strcmp(val, "auto")) {
			th->order = -1;
			th->order_kb = 0;
			return 1;
		}
		if (parse_count(val, &v) == 0 && v < BC_MAX_ORDERS) {
			th->order = (int)v;
			th->order_kb = 0;
			return 1;
		}
		if (parse_size_kb(val, &v) == 0) {
			th->order = -1;
			th->order_kb = v;	/* resolved against the page size later */
			return 1;
		}
		return fail(st, "order: '%s' is not an order (0-31), a size (2M) or 'auto'%s", val, "");
	}
	return -1;
}

static int remedy_key(struct pstate *st, struct steps *warn, struct steps *crit,
		      bool *warn_set, bool *crit_set, const char *key, const char *val)
{
	char bad[48];
	struct steps *dst;

	if (!strcmp(key, "warn")) {
		dst = warn;
		if (warn_set)
			*warn_set = true;
	} else if (!strcmp(key, "crit")) {
		dst = crit;
		if (crit_set)
			*crit_set = true;
	} else {
		return -1;
	}
	if (steps_parse(val, dst, bad, sizeof(bad)) < 0)
		return fail(st, "unknown remediation step '%s' (none, compact-node, compact-all, drop-pagecache, drop-slab, drop-all)%s",
			    bad, "");
	for (unsigned i = 0; i < dst->n; i++)
		if (dst->s[i] == STEP_RETRY)
			return fail(st, "%s: 'retry' is a hugepage escalation step, not a remediation%s", key, "");
	return 1;
}

static int parse_counts(struct pstate *st, struct hp_target *t, const char *val)
{
	const char *p = val;

	free(t->counts);
	t->counts = NULL;
	t->nr_counts = 0;
	while (*p) {
		char *end;
		unsigned long node;
		unsigned long long cnt;
		struct node_count *nc;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		if (!isdigit((unsigned char)*p))
			return fail(st, "count: expected NODE:COUNT, got '%s'%s", p, "");
		node = strtoul(p, &end, 10);
		if (*end != ':' || node > BC_MAX_NODE_ID)
			return fail(st, "count: expected NODE:COUNT, got '%s'%s", p, "");
		p = end + 1;
		if (!isdigit((unsigned char)*p))
			return fail(st, "count: expected a count after ':' in '%s'%s", val, "");
		cnt = strtoull(p, &end, 10);
		if (cnt > BC_MAX_PAGES || (*end && *end != ',' && *end != ' '))
			return fail(st, "count: bad count in '%s'%s", val, "");
		p = end;
		for (unsigned i = 0; i < t->nr_counts; i++) {
			char num[16];

			snprintf(num, sizeof(num), "%lu", node);
			if (t->counts[i].node == (int)node)
				return fail(st, "count: node %s given twice in '%s'", num, val);
		}
		nc = realloc(t->counts, (t->nr_counts + 1) * sizeof(*nc));
		if (!nc)
			return fail(st, "out of memory%s%s", "", "");
		t->counts = nc;
		t->counts[t->nr_counts].node = (int)node;
		t->counts[t->nr_counts++].count = cnt;
	}
	if (!t->nr_counts)
		return fail(st, "count: no NODE:COUNT pairs in '%s'%s", val, "");
	return 1;
}

static int target_key(struct pstate *st, struct hp_target *t, const char *key, const char *val)
{
	char bad[48];
	uint64_t v;

	if (!strcmp(key, "count")) {
		if (t->has_total)
			return fail(st, "count: 'total' is already set for this size; use one of them%s%s", "", "");
		return parse_counts(st, t, val);
	}
	if (!strcmp(key, "total")) {
		if (t->nr_counts)
			return fail(st, "total: 'count' is already set for this size; use one of them%s%s", "", "");
		if (parse_count(val, &v) < 0)
			return fail(st, "total: '%s' is not a count%s", val, "");
		t->has_total = true;
		t->total = v;
		return 1;
	}
	if (!strcmp(key, "on_short")) {
		if (steps_parse(val, &t->ladder, bad, sizeof(bad)) < 0)
			return fail(st, "on_short: unknown step '%s' (retry, compact-node, compact-all, drop-pagecache, drop-slab, drop-all)%s",
				    bad, "");
		return 1;
	}
	if (!strcmp(key, "rounds")) {
		if (parse_count(val, &v) < 0 || v > 100)
			return fail(st, "rounds: '%s' is not a number from 0 to 100%s", val, "");
		t->rounds = (unsigned)v;
		return 1;
	}
	if (!strcmp(key, "keep")) {
		if (parse_bool(val, &t->keep) < 0)
			return fail(st, "keep: '%s' is not yes or no%s", val, "");
		return 1;
	}
	return -1;
}

static int run_key(struct pstate *st, const char *key, const char *val)
{
	struct policy *p = st->p;
	double d;

	if (!strcmp(key, "time_budget") || !strcmp(key, "min_interval") || !strcmp(key, "lock_wait")) {
		if (parse_duration(val, &d) < 0)
			return fail(st, "%s: '%s' is not a duration (30s, 10m, 1h)", key, val);
		if (key[0] == 't')
			p->time_budget_s = d;
		else if (key[1] == 'i')
			p->min_interval_s = (unsigned)d;
		else
			p->lock_wait_s = d;
		return 1;
	}
	if (!strcmp(key, "state_file") || !strcmp(key, "lock_file")) {
		char *dst = key[0] == 's' ? p->state_file : p->lock_file;

		if (val[0] != '/' || strlen(val) >= PATH_MAX)
			return fail(st, "%s: '%s' is not an absolute path", key, val);
		strcpy(dst, val);
		return 1;
	}
	return -1;
}

static int handler(void *user, const char *section, const char *key, const char *val)
{
	struct pstate *st = user;
	struct policy *p = st->p;
	char id[96];
	unsigned long n;
	uint64_t kb;
	char *end;
	int rc = -1;

	if (st->failed)
		return 0;
	if (st->too_long)
		return fail(st, "line longer than %s characters%s", "199", "");
	snprintf(id, sizeof(id), "%s]%s", section, key);
	for (unsigned i = 0; i < st->nr_seen; i++)
		if (!strcmp(st->seen[i], id))
			return fail(st, "duplicate key '%s' in [%s]", key, section);
	/* a policy needs a few dozen keys; past this many, say so rather than miss a duplicate */
	if (st->nr_seen == sizeof(st->seen) / sizeof(st->seen[0]))
		return fail(st, "more than %s keys in one file%s", "128", "");
	strcpy(st->seen[st->nr_seen++], id);

	if (!strcmp(section, "fragmentation")) {
		rc = threshold_key(st, &p->th, key, val);
	} else if (!strcmp(section, "remediate")) {
		if (!strcmp(key, "sync")) {
			rc = parse_bool(val, &p->sync) < 0 ? fail(st, "sync: '%s' is not yes or no%s", val, "") : 1;
		} else {
			rc = remedy_key(st, &p->warn, &p->crit, NULL, NULL, key, val);
		}
	} else if (!strcmp(section, "run")) {
		rc = run_key(st, key, val);
	} else if (!strncmp(section, "node ", 5)) {
		struct node_policy *np;

		n = strtoul(section + 5, &end, 10);
		if (!isdigit((unsigned char)section[5]) || *end || n > BC_MAX_NODE_ID)
			return fail(st, "bad section [%s]: expected [node N]%s", section, "");
		np = node_section(st, (int)n);
		if (!np)
			return fail(st, "out of memory%s%s", "", "");
		rc = threshold_key(st, &np->th, key, val);
		if (rc < 0)
			rc = remedy_key(st, &np->warn, &np->crit, &np->warn_set, &np->crit_set, key, val);
	} else if (!strncmp(section, "hugepages ", 10)) {
		struct hp_target *t;

		if (parse_size_kb(section + 10, &kb) < 0)
			return fail(st, "bad section [%s]: expected [hugepages SIZE] with SIZE like 2M or 1G%s",
				    section, "");
		t = target_section(st, kb);
		if (!t)
			return fail(st, "out of memory%s%s", "", "");
		rc = target_key(st, t, key, val);
	} else {
		return fail(st, "unknown section [%s]%s", section, "");
	}
	if (rc < 0)
		return fail(st, "unknown key '%s' in [%s]", key, section);
	return rc;
}

/*
 * inih calls the handler only for keys, so a section without keys (all of
 * it commented out, or a typo) would pass unseen: check headers as read.
 */
static void check_section(struct pstate *st, const char *line)
{
	const char *p = line, *end;
	char name[64];
	uint64_t kb;
	size_t len;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '[' || !(end = strchr(p, ']')))
		return;
	len = (size_t)(end - p - 1);
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, p + 1, len);
	name[len] = '\0';
	if (!strcmp(name, "fragmentation") || !strcmp(name, "remediate") || !strcmp(name, "run"))
		return;
	if (!strncmp(name, "node ", 5)) {
		char *e;
		unsigned long n = strtoul(name + 5, &e, 10);

		if (!isdigit((unsigned char)name[5]) || *e || n > BC_MAX_NODE_ID)
			fail(st, "bad section [%s]: expected [node N]%s", name, "");
		return;
	}
	if (!strncmp(name, "hugepages ", 10)) {
		if (parse_size_kb(name + 10, &kb) < 0)
			fail(st, "bad section [%s]: expected [hugepages SIZE] with SIZE like 2M or 1G%s",
			     name, "");
		return;
	}
	fail(st, "unknown section [%s]%s", name, "");
}

/* ini_reader: one line at a time, counting, so messages can name the line. */
static char *reader(char *buf, int num, void *stream)
{
	struct pstate *st = stream;
	size_t len;

	if (st->f) {
		if (!fgets(buf, num, st->f))
			return NULL;
	} else {
		const char *nl;

		if (!*st->text)
			return NULL;
		nl = strchr(st->text, '\n');
		len = nl ? (size_t)(nl - st->text) + 1 : strlen(st->text);
		if (len > (size_t)num - 1)
			len = (size_t)num - 1;
		memcpy(buf, st->text, len);
		buf[len] = '\0';
		st->text += len;
	}
	len = strlen(buf);
	if (len && buf[len - 1] == '\n') {
		st->line++;
	} else if (st->f ? !feof(st->f) : *st->text != '\0') {
		st->too_long = true;	/* the rest would come back as a new line */
		st->line++;
	} else {
		st->line++;
	}
	if (memchr(buf, '\r', len))
		buf[strcspn(buf, "\r")] = '\0';
	check_section(st, buf);
	return buf;
}

static int parse(struct pstate *st)
{
	int rc = ini_parse_stream(reader, st, handler, st);

	/* inih goes on after a syntax error: report whichever came first */
	if (st->failed && !(rc > 0 && (unsigned)rc < st->fail_line))
		return -BC_ECONFIG;
	if (rc == -2)
		return bc_error_set(st->err, BC_ENOMEM, "%s: out of memory", st->name);
	if (rc > 0)
		return bc_error_set(st->err, BC_ECONFIG, "%s:%d: not a 'key = value' line or a [section]",
				    st->name, rc);
	if (st->too_long)
		return bc_error_set(st->err, BC_ECONFIG, "%s:%u: line longer than 199 characters",
				    st->name, st->line);
	return 0;
}

int policy_load_string(const char *name, const char *text, struct policy *p,
		       struct bc_error *err)
{
	struct pstate *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	policy_defaults(p);
	snprintf(p->path, sizeof(p->path), "%s", name);
	st->p = p;
	st->name = name;
	st->text = text;
	st->err = err;
	rc = parse(st);
	free(st);
	if (rc < 0)
		policy_free(p);
	return rc;
}

int policy_load(const char *path, struct policy *p, struct bc_error *err)
{
	struct pstate *st;
	FILE *f = fopen(path, "re");
	struct stat sb;
	int rc;

	if (!f)
		return bc_error_set(err, errno == ENOENT || errno == EACCES ? BC_ENOINPUT : BC_EIO,
				    "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && !S_ISREG(sb.st_mode)) {
		fclose(f);
		return bc_error_set(err, BC_ECONFIG, "%s: not a regular file", path);
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		fclose(f);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	policy_defaults(p);
	snprintf(p->path, sizeof(p->path), "%s", path);
	st->p = p;
	st->name = path;
	st->f = f;
	st->err = err;
	rc = parse(st);
	fclose(f);
	free(st);
	if (rc < 0)
		policy_free(p);
	return rc;
}

/* The order a threshold set judges at, on this machine. */
static int resolve_order(const struct thresholds *th, const struct snapshot *snap)
{
	if (th->order_kb)
		return metrics_size_order(snap, th->order_kb);
	return th->order;
}

int policy_validate(const struct policy *p, const struct snapshot *snap,
		    struct bc_error *err)
{
	unsigned i, k;
	int o;

	o = resolve_order(&p->th, snap);
	if (p->th.order_kb && (o < 0 || o >= (int)snap->nr_orders))
		return bc_error_set(err, BC_ECONFIG, "%s: [fragmentation] order: %llu kB is not a buddy order on this machine (orders 0-%u)",
				    p->path, (unsigned long long)p->th.order_kb, snap->nr_orders - 1);
	if (!p->th.order_kb && o >= (int)snap->nr_orders)
		return bc_error_set(err, BC_ECONFIG, "%s: [fragmentation] order: %d is beyond the largest order %u",
				    p->path, o, snap->nr_orders - 1);
	for (i = 0; i < p->nr_nodes; i++) {
		const struct node_policy *np = &p->nodes[i];
		const struct node *n = snapshot_node(snap, np->node);

		if (!n || !n->has_memory)
			return bc_error_set(err, BC_ECONFIG, "%s:%u: [node %d]: %s", p->path, np->line, np->node,
					    n ? "node has no memory" : "no such node on this machine");
		if (np->th.order != TH_INHERIT) {
			o = resolve_order(&np->th, snap);
			if ((np->th.order_kb && o < 0) || o >= (int)snap->nr_orders)
				return bc_error_set(err, BC_ECONFIG, "%s:%u: [node %d] order is not a buddy order on this machine (0-%u)",
						    p->path, np->line, np->node, snap->nr_orders - 1);
		}
	}
	for (i = 0; i < p->nr_targets; i++) {
		const struct hp_target *t = &p->targets[i];

		if (!snapshot_pool(snap, t->size_kb))
			return bc_error_set(err, BC_ECONFIG, "%s:%u: [hugepages %llukB]: this kernel offers no %llu kB pages",
					    p->path, t->line, (unsigned long long)t->size_kb,
					    (unsigned long long)t->size_kb);
		if (!t->nr_counts && !t->has_total)
			return bc_error_set(err, BC_ECONFIG, "%s:%u: [hugepages %llukB]: neither 'count' nor 'total' is set",
					    p->path, t->line, (unsigned long long)t->size_kb);
		for (k = 0; k < t->nr_counts; k++) {
			const struct node *n = snapshot_node(snap, t->counts[k].node);

			if (!n || !n->has_memory)
				return bc_error_set(err, BC_ECONFIG, "%s:%u: count: node %d %s", p->path, t->line,
						    t->counts[k].node, n ? "has no memory" : "does not exist on this machine");
		}
	}
	return 0;
}

int policy_node_order(const struct policy *p, const struct snapshot *snap, int node)
{
	const struct thresholds *th = &p->th;
	unsigned i, k;
	int o;

	for (i = 0; i < p->nr_nodes; i++)
		if (p->nodes[i].node == node && p->nodes[i].th.order != TH_INHERIT)
			th = &p->nodes[i].th;
	o = resolve_order(th, snap);
	if (o >= 0)
		return o;
	/* auto: the smallest hugepage size the buddy allocator can serve */
	for (k = 0; k < snap->nr_pools; k++) {
		o = metrics_size_order(snap, snap->pools[k].size_kb);
		if (o >= 0 && o < (int)snap->nr_orders)
			return o;
	}
	return snap->hpage_order;
}
