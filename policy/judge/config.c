/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buddyctl.conf, parsed with inih through ini_parse_stream() and a reader
 * that counts lines, so that every error, also the ones found after
 * parsing, names its line. The reader also refuses or cleans what inih
 * would silently get wrong (CR, NUL, BOM, inline '#' comments), and checks
 * section headers, which inih does not show the handler. Sections:
 *
 *   [fragmentation]  order, warn_/crit_unusable, warn_/crit_fragindex,
 *                    warn_/crit_min_blocks
 *   [remediate]      warn, crit (step lists), sync
 *   [node N]         any key of [fragmentation] and [remediate] for node N
 *   [hugepages SIZE] count or total, on_short, rounds, keep, force, mandatory,
 *                    allow_drop_caches, shrink
 *   [run]            time_budget, min_interval, state_file, lock_file, lock_wait
 *
 * Each section once; warn_ thresholds no further than their crit_ twins.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "units.h"

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
/*
 * inih keeps 49 characters of a section name (its MAX_SECTION is 50) and
 * hands the handler the cut name: check_section() refuses longer names, so
 * that both see the same section. The longest real one is about 20.
 */
#define SECTION_NAME_MAX 49

/* A section header met, to refuse the same section given twice. */
struct section {
	char id[SECTION_NAME_MAX + 1];	/* "run", "node 3", "hugepages 2048": one per section */
	char shown[BC_TOKEN_MAX];	/* the name as written, escaped */
	unsigned line;
	uint64_t hp_kb;			/* of a [hugepages SIZE], else 0 */
};

struct pstate {
	struct policy *p;
	const char *name;
	unsigned line;
	const char *text;		/* ini_parse_string-style reader */
	FILE *f;
	struct bc_error *err;
	int failed;
	unsigned fail_line;
	/* duplicate detection: "section\0key" of every key met */
	char seen[MAX_SEEN * 2][96];
	unsigned nr_seen;
	struct section *sections;	/* every header, in file order */
	unsigned nr_sections;
};

/*
 * Record the first error only (inih calls on after one). Strings from the
 * file are escaped by the caller: fail() does it for its two arguments.
 */
static int fail_at(struct pstate *st, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct pstate *st, unsigned line, const char *fmt, ...)
{
	char msg[2 * BC_TOKEN_MAX + 160];
	va_list ap;

	if (st->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bc_error_set(st->err, BC_ECONFIG, "%s:%u: %s", st->name, line, msg);
	st->failed = 1;
	st->fail_line = line;
	return 0;
}

/* An error at the current line; a and b may come from the file. */
static int fail(struct pstate *st, const char *fmt, const char *a, const char *b)
{
	char ea[BC_TOKEN_MAX], eb[BC_TOKEN_MAX];

	bc_token_escape(ea, a, strlen(a));
	bc_token_escape(eb, b, strlen(b));
	return fail_at(st, st->line, fmt, ea, eb);
}

/* An unknown step: the error names it and the steps the list may hold (steps_names()). */
static int fail_step(struct pstate *st, const char *what, const char *bad, bool remediation)
{
	char ebad[BC_TOKEN_MAX], names[256];

	bc_token_escape(ebad, bad, strlen(bad));
	steps_names(names, sizeof(names), remediation);
	return fail_at(st, st->line, "%s '%s' (%s)", what, ebad, names);
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
	t->keep = true;	/* no on_short: the planner chooses the ladder */
	return t;
}

/* warn_/crit_unusable, warn_/crit_fragindex: a ratio or 'off'. 1, 0 (failed), -1: not one of them. */
static int ratio_key(struct pstate *st, struct thresholds *th, const char *key, const char *val)
{
	struct { const char *k; int *dst; enum th_key tk; } ratios[] = {
		{ "warn_unusable", &th->warn_unusable, THK_WARN_UNUSABLE },
		{ "crit_unusable", &th->crit_unusable, THK_CRIT_UNUSABLE },
		{ "warn_fragindex", &th->warn_fragindex, THK_WARN_FRAGINDEX },
		{ "crit_fragindex", &th->crit_fragindex, THK_CRIT_FRAGINDEX },
	};
	unsigned i;

	for (i = 0; i < 4 && strcmp(key, ratios[i].k); i++)
		;
	if (i == 4)
		return -1;
	if (!strcmp(val, "off"))
		*ratios[i].dst = -1;
	else if (parse_ratio(val, ratios[i].dst) < 0)
		return fail(st, "%s: '%s' is not a ratio from 0 to 1 (or 'off')", key, val);
	th->line[ratios[i].tk] = st->line;	/* for the warn/crit check */
	return 1;
}

/* warn_min_blocks, crit_min_blocks: a count or 'off'. */
static int min_blocks_key(struct pstate *st, struct thresholds *th, const char *key, const char *val)
{
	int64_t *dst = key[0] == 'w' ? &th->warn_min_blocks : &th->crit_min_blocks;
	uint64_t v;

	if (!strcmp(val, "off"))
		*dst = -1;
	else if (parse_count(val, &v) < 0)
		return fail(st, "%s: '%s' is not a count (or 'off')", key, val);
	else
		*dst = (int64_t)v;	/* v <= BC_MAX_PAGES */
	th->line[key[0] == 'w' ? THK_WARN_MIN_BLOCKS : THK_CRIT_MIN_BLOCKS] = st->line;
	return 1;
}

/* order: 'auto', an order, or a size resolved against the page size later. */
static int order_key(struct pstate *st, struct thresholds *th, const char *val)
{
	uint64_t v;

	th->line[THK_ORDER] = st->line;
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

/* Keys of [fragmentation] and [remediate], shared with [node N]. */
static int threshold_key(struct pstate *st, struct thresholds *th, const char *key,
			 const char *val)
{
	int rc = ratio_key(st, th, key, val);

	if (rc >= 0)
		return rc;
	if (!strcmp(key, "warn_min_blocks") || !strcmp(key, "crit_min_blocks"))
		return min_blocks_key(st, th, key, val);
	if (!strcmp(key, "order"))
		return order_key(st, th, val);
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
		return fail_step(st, "unknown remediation step", bad, true);
	for (unsigned i = 0; i < dst->n; i++)
		if (step_info(dst->s[i])->escalation_only)
			return fail(st, "%s: '%s' is a hugepage escalation step, not a remediation", key,
				    step_name(dst->s[i]));
	return 1;
}

/*
 * The largest pool of one size: BC_MAX_KB, so that a count times the page
 * size (and times 1024, in bytes) cannot overflow further on.
 */
static int pool_fits(struct pstate *st, const struct hp_target *t, const char *key, uint64_t pages)
{
	if (pages <= BC_MAX_KB / t->size_kb)
		return 1;
	return fail_at(st, st->line, "%s: %llu pages of %llu kB is more memory than any machine has",
		       key, (unsigned long long)pages, (unsigned long long)t->size_kb);
}

/* NODE: of a NODE:COUNT at *p into *node; *p moves past the ':'. 1, or 0 when it failed. */
static int pair_node(struct pstate *st, const char **p, const char *pair, unsigned long *node)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return fail(st, "count: expected NODE:COUNT, got '%s'%s", pair, "");
	errno = 0;
	*node = strtoul(*p, &end, 10);
	if (errno || *end != ':' || *node > BC_MAX_NODE_ID)
		return fail(st, "count: expected NODE:COUNT, got '%s'%s", pair, "");
	*p = end + 1;
	return 1;
}

/* COUNT of a NODE:COUNT at *p into *cnt, a pool that fits; *p moves past it. 1, or 0 when it failed. */
static int pair_count(struct pstate *st, const struct hp_target *t, const char **p, const char *pair,
		      unsigned long long *cnt)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return fail(st, "count: expected a count after ':' in '%s'%s", pair, "");
	errno = 0;
	*cnt = strtoull(*p, &end, 10);
	if (errno || *cnt > BC_MAX_PAGES || (*end && *end != ',' && *end != ' '))
		return fail(st, "count: bad count in '%s'%s", pair, "");
	if (!pool_fits(st, t, "count", *cnt))
		return 0;
	*p = end;
	return 1;
}

/* node's count, given once. 1, or 0 when it failed. */
static int add_count(struct pstate *st, struct hp_target *t, unsigned long node, unsigned long long cnt)
{
	struct node_count *nc;
	char num[16];

	for (unsigned i = 0; i < t->nr_counts; i++) {
		snprintf(num, sizeof(num), "%lu", node);
		if (t->counts[i].node == (int)node)
			return fail(st, "count: node %s given twice%s", num, "");
	}
	nc = realloc(t->counts, (t->nr_counts + 1) * sizeof(*nc));
	if (!nc)
		return fail(st, "out of memory%s%s", "", "");
	t->counts = nc;
	t->counts[t->nr_counts].node = (int)node;	/* node <= BC_MAX_NODE_ID */
	t->counts[t->nr_counts++].count = cnt;
	return 1;
}

static int parse_counts(struct pstate *st, struct hp_target *t, const char *val)
{
	const char *p = val;
	unsigned long node = 0;
	unsigned long long cnt = 0;

	free(t->counts);
	t->counts = NULL;
	t->nr_counts = 0;
	for (;;) {
		char pair[48];	/* for messages; over 40 bytes shows as cut */
		size_t len;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		len = strcspn(p, ", ");
		snprintf(pair, sizeof(pair), "%.*s", (int)(len < sizeof(pair) ? len : sizeof(pair) - 1), p);
		if (!pair_node(st, &p, pair, &node) || !pair_count(st, t, &p, pair, &cnt) ||
		    !add_count(st, t, node, cnt))
			return 0;
	}
	if (!t->nr_counts)
		return fail(st, "count: no NODE:COUNT pairs in '%s'%s", val, "");
	return 1;
}

/* total: a count, not with 'count'. */
static int total_key(struct pstate *st, struct hp_target *t, const char *val)
{
	uint64_t v;

	if (t->nr_counts)
		return fail(st, "total: 'count' is already set for this size; use one of them%s%s", "", "");
	if (parse_count(val, &v) < 0)
		return fail(st, "total: '%s' is not a count%s", val, "");
	if (!pool_fits(st, t, "total", v))
		return 0;
	t->has_total = true;
	t->total = v;
	return 1;
}

/* The yes/no keys of [hugepages SIZE]. 1, 0 (failed), -1: not one of them. */
static int target_bool_key(struct pstate *st, struct hp_target *t, const char *key, const char *val)
{
	struct { const char *k; bool *dst; } bools[] = {
		{ "keep", &t->keep },
		{ "force", &t->force },		/* the planner's check that a count fits the node, waived */
		{ "mandatory", &t->mandatory },	/* a short pool is crit, not warn */
		/* whole-machine drop_caches in the escalation buddyctl chooses */
		{ "allow_drop_caches", &t->allow_drop_caches },
		/* a pool above its count is freed down to it (else the count is a floor) */
		{ "shrink", &t->shrink },
	};
	unsigned i;

	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		if (strcmp(key, bools[i].k))
			continue;
		if (parse_bool(val, bools[i].dst) < 0)
			return fail(st, "%s: '%s' is not yes or no", key, val);
		return 1;
	}
	return -1;
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
	if (!strcmp(key, "total"))
		return total_key(st, t, val);
	if (!strcmp(key, "on_short")) {
		if (steps_parse(val, &t->ladder, bad, sizeof(bad)) < 0)
			return fail_step(st, "on_short: unknown step", bad, false);
		t->ladder_given = true;
		return 1;
	}
	if (!strcmp(key, "rounds")) {
		if (parse_count(val, &v) < 0 || v > 100)
			return fail(st, "rounds: '%s' is not a number from 0 to 100%s", val, "");
		t->rounds = (unsigned)v;
		t->rounds_given = true;
		return 1;
	}
	return target_bool_key(st, t, key, val);
}

/* time_budget, min_interval, lock_wait: a duration. */
static int duration_key(struct pstate *st, const char *key, const char *val)
{
	struct policy *p = st->p;
	double d;

	if (parse_duration(val, &d) < 0)
		return fail(st, "%s: '%s' is not a duration (30s, 10m, 1h)", key, val);
	if (key[0] == 't')
		p->time_budget_s = d;
	else if (key[1] == 'i')
		p->min_interval_s = (unsigned)d;	/* d <= DURATION_MAX_S (units.h) */
	else
		p->lock_wait_s = d;
	return 1;
}

static int run_key(struct pstate *st, const char *key, const char *val)
{
	struct policy *p = st->p;

	if (!strcmp(key, "time_budget") || !strcmp(key, "min_interval") || !strcmp(key, "lock_wait"))
		return duration_key(st, key, val);
	if (!strcmp(key, "state_file") || !strcmp(key, "lock_file")) {
		char *dst = key[0] == 's' ? p->state_file : p->lock_file;

		if (val[0] != '/' || strlen(val) >= PATH_MAX)
			return fail(st, "%s: '%s' is not an absolute path", key, val);
		strcpy(dst, val);
		return 1;
	}
	return -1;
}

/* Each key once per section: 1, or 0 (failed) for one given twice. */
static int key_once(struct pstate *st, const char *section, const char *key)
{
	char id[96];

	snprintf(id, sizeof(id), "%s]%s", section, key);
	for (unsigned i = 0; i < st->nr_seen; i++)
		if (!strcmp(st->seen[i], id))
			return fail(st, "duplicate key '%s' in [%s]", key, section);
	/* a policy needs a few dozen keys; past this many, say so rather than miss a duplicate */
	if (st->nr_seen == sizeof(st->seen) / sizeof(st->seen[0]))
		return fail(st, "more than %s keys in one file%s", "128", "");
	strcpy(st->seen[st->nr_seen++], id);
	return 1;
}

static int remediate_key(struct pstate *st, const char *key, const char *val)
{
	struct policy *p = st->p;

	if (strcmp(key, "sync"))
		return remedy_key(st, &p->warn, &p->crit, NULL, NULL, key, val);
	return parse_bool(val, &p->sync) < 0 ? fail(st, "sync: '%s' is not yes or no%s", val, "") : 1;
}

/* A key of [node N]: a threshold or a remediation for node N. */
static int node_key(struct pstate *st, const char *section, const char *key, const char *val)
{
	struct node_policy *np;
	unsigned long n;
	char *end;
	int rc;

	n = strtoul(section + 5, &end, 10);
	if (!isdigit((unsigned char)section[5]) || *end || n > BC_MAX_NODE_ID)
		return fail(st, "bad section [%s]: expected [node N]%s", section, "");
	np = node_section(st, (int)n);
	if (!np)
		return fail(st, "out of memory%s%s", "", "");
	rc = threshold_key(st, &np->th, key, val);
	if (rc < 0)
		rc = remedy_key(st, &np->warn, &np->crit, &np->warn_set, &np->crit_set, key, val);
	return rc;
}

static int hugepages_key(struct pstate *st, const char *section, const char *key, const char *val)
{
	struct hp_target *t;
	uint64_t kb;

	if (parse_size_kb(section + 10, &kb) < 0)
		return fail(st, "bad section [%s]: expected [hugepages SIZE] with SIZE like 2M or 1G%s",
			    section, "");
	t = target_section(st, kb);
	if (!t)
		return fail(st, "out of memory%s%s", "", "");
	return target_key(st, t, key, val);
}

/* A key of a section: 1, 0 (failed), or -1 for a key the section does not have. */
static int section_key(struct pstate *st, const char *section, const char *key, const char *val)
{
	if (!strcmp(section, "fragmentation"))
		return threshold_key(st, &st->p->th, key, val);
	if (!strcmp(section, "remediate"))
		return remediate_key(st, key, val);
	if (!strcmp(section, "run"))
		return run_key(st, key, val);
	if (!strncmp(section, "node ", 5))
		return node_key(st, section, key, val);
	if (!strncmp(section, "hugepages ", 10))
		return hugepages_key(st, section, key, val);
	return fail(st, "unknown section [%s]%s", section, "");
}

static int handler(void *user, const char *section, const char *key, const char *val)
{
	struct pstate *st = user;
	int rc;

	if (st->failed || !key_once(st, section, key))
		return 0;
	rc = section_key(st, section, key, val);
	if (rc < 0)
		return fail(st, "unknown key '%s' in [%s]", key, section);
	return rc;
}

/* The end of a section: at the next header, or at the end of the file. */
static void section_end(struct pstate *st)
{
	const struct section *sec;
	unsigned i;

	if (!st->nr_sections)
		return;
	sec = &st->sections[st->nr_sections - 1];
	if (!sec->hp_kb)
		return;
	/* each section is given once: a target of its size came from its keys */
	for (i = 0; i < st->p->nr_targets; i++)
		if (st->p->targets[i].size_kb == sec->hp_kb)
			return;
	/* a pool section with its count commented out would reserve nothing, silently */
	fail_at(st, sec->line, "[%s] sets neither 'count' nor 'total'", sec->shown);
}

/*
 * Section headers, checked as read. inih calls the handler only for keys,
 * so a section without keys (all of it commented out, or a typo) would
 * pass unseen; inih also ignores what follows ']', and merges a section
 * given twice, under any of its names ([hugepages 2M], [hugepages 2048kB]),
 * the later key winning. Node sections are recorded here, with the
 * header's line, whether they have keys or not.
 */
/*
 * The name between '[' (at p) and ']' (at end) into name: 0, or -1 (failed)
 * for one too long or text after the ']'.
 */
static int section_name(struct pstate *st, const char *p, const char *end, char name[SECTION_NAME_MAX + 1])
{
	size_t len = (size_t)(end - p - 1), kept = len < SECTION_NAME_MAX + 1 ? len : SECTION_NAME_MAX;
	char shown[BC_TOKEN_MAX];
	const char *rest;

	memcpy(name, p + 1, kept);
	name[kept] = '\0';
	if (len > SECTION_NAME_MAX) {
		bc_token_escape(shown, name, strlen(name));
		fail_at(st, st->line, "section name [%s] is longer than %d characters", shown, SECTION_NAME_MAX);
		return -1;
	}
	for (rest = end + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest) {
		fail(st, "text '%s' after [%s] (only a comment may follow a header)", rest, name);
		return -1;
	}
	return 0;
}

/* [node N]'s N into *n: 0, or -1 (failed). */
static int section_node(struct pstate *st, const char *name, unsigned long *n)
{
	char *e;

	errno = 0;
	*n = strtoul(name + 5, &e, 10);
	if (!isdigit((unsigned char)name[5]) || *e || errno || *n > BC_MAX_NODE_ID) {
		fail(st, "bad section [%s]: expected [node N]%s", name, "");
		return -1;
	}
	return 0;
}

/*
 * The section's id (one per section, whatever its spelling: "hugepages
 * 2048" for [hugepages 2M]), and for [node N] its node (*node >= 0): 0, or
 * -1 (failed) for a section buddyctl does not have.
 */
static int section_id(struct pstate *st, const char *name, struct section *sec, long *node)
{
	unsigned long n;

	*node = -1;
	if (!strcmp(name, "fragmentation") || !strcmp(name, "remediate") || !strcmp(name, "run")) {
		snprintf(sec->id, sizeof(sec->id), "%s", name);
	} else if (!strncmp(name, "node ", 5)) {
		if (section_node(st, name, &n) < 0)
			return -1;
		snprintf(sec->id, sizeof(sec->id), "node %lu", n);
		*node = (long)n;
	} else if (!strncmp(name, "hugepages ", 10)) {
		if (parse_size_kb(name + 10, &sec->hp_kb) < 0) {
			fail(st, "bad section [%s]: expected [hugepages SIZE] with SIZE like 2M or 1G%s", name, "");
			return -1;
		}
		snprintf(sec->id, sizeof(sec->id), "hugepages %llu", (unsigned long long)sec->hp_kb);
	} else {
		fail(st, "unknown section [%s]%s", name, "");
		return -1;
	}
	return 0;
}

/* The section met, given once; a [node N] without keys still names a node that must exist. */
static void add_section(struct pstate *st, const struct section *sec, long node)
{
	struct section *secs;
	unsigned i;

	for (i = 0; i < st->nr_sections; i++) {
		if (strcmp(st->sections[i].id, sec->id))
			continue;
		fail_at(st, st->line, "[%s] repeats [%s] of line %u (give each section once)",
			sec->shown, st->sections[i].shown, st->sections[i].line);
		return;
	}
	secs = realloc(st->sections, (st->nr_sections + 1) * sizeof(*secs));
	if (!secs) {
		fail(st, "out of memory%s%s", "", "");
		return;
	}
	st->sections = secs;
	st->sections[st->nr_sections++] = *sec;
	if (node >= 0 && !node_section(st, (int)node))
		fail(st, "out of memory%s%s", "", "");
}

static void check_section(struct pstate *st, const char *line)
{
	const char *p = line, *end;
	char name[SECTION_NAME_MAX + 1];
	struct section sec = { .line = st->line };
	long node;

	while (isspace((unsigned char)*p))	/* as inih's lskip() */
		p++;
	if (*p != '[' || !(end = strchr(p, ']')))
		return;		/* not a header: inih says what is wrong */
	section_end(st);
	if (section_name(st, p, end, name) < 0 || section_id(st, name, &sec, &node) < 0)
		return;
	bc_token_escape(sec.shown, name, strlen(name));
	add_section(st, &sec, node);
}

/* The next byte of the policy, or EOF. */
static int next_byte(struct pstate *st)
{
	if (st->f)
		return getc(st->f);
	return *st->text ? (unsigned char)*st->text++ : EOF;
}

/*
 * Inline comments: from a '#' or ';' that follows a blank to the end of
 * the line. inih knows only ';' and would take "/var/lib/x # note" for a
 * path; cut here, neither inih nor check_section() sees the comment.
 */
static void strip_comment(char *line)
{
	char *c;

	for (c = line; *c; c++) {
		if ((*c == '#' || *c == ';') && c > line && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
	}
}

/*
 * ini_reader: one line at a time, counting, so messages can name the line.
 * A line is read to its end however long it is, so that the next line is
 * counted as the next; with getc(), as fgets() cannot tell a NUL in the
 * line from its end. Refused, because inih would silently take part of the
 * line for all of it: a NUL, a CR ("0.5\r7" was read as 0.5, and a file
 * with CR line ends as its first line), a line longer than inih's buffer
 * (the rest came back as a line of its own).
 */
struct line_read {
	size_t len;
	bool nul, cr, too_long;
	bool eof;		/* nothing left to read */
};

/* The next line into buf (max bytes and a NUL), and what is wrong with it. */
static void read_line(struct pstate *st, char *buf, size_t max, struct line_read *r)
{
	int c;

	*r = (struct line_read){ .len = 0 };
	while ((c = next_byte(st)) != EOF && c != '\n') {
		r->nul |= c == '\0';
		r->cr |= c == '\r';
		if (r->len < max)
			buf[r->len++] = (char)c;
		else
			r->too_long = true;
	}
	r->eof = c == EOF && !r->len;
	buf[r->len] = '\0';
}

/* What a line may not hold: 0, or -1 with the first error recorded. */
static int line_refused(struct pstate *st, const struct line_read *r, size_t max)
{
	if (r->nul)
		fail(st, "NUL byte in line%s%s", "", "");
	else if (r->cr)
		fail(st, "carriage return in line (save the file with Unix line ends)%s%s", "", "");
	else if (r->too_long)
		fail_at(st, st->line, "line longer than %zu characters", max);
	return st->failed ? -1 : 0;
}

static char *reader(char *buf, int num, void *stream)
{
	struct pstate *st = stream;
	size_t max = (size_t)num - 1;
	struct line_read r;

	if (st->failed)
		return NULL;	/* the first error is the one reported */
	read_line(st, buf, max, &r);
	if (r.eof)
		return NULL;
	st->line++;
	if (line_refused(st, &r, max) < 0)
		return NULL;
	/*
	 * A UTF-8 BOM: inih drops it as well, but only after check_section()
	 * has missed the header behind it.
	 */
	if (st->line == 1 && r.len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		memmove(buf, buf + 3, r.len - 2);
	strip_comment(buf);
	check_section(st, buf);
	return st->failed ? NULL : buf;
}

/* --- warn_ against crit_ ------------------------------------------------ */

/* Where the value a node is judged with comes from, for messages. */
enum th_origin { TH_FROM_DEFAULT, TH_FROM_FRAGMENTATION, TH_FROM_SECTION };

/*
 * The pairs: a warn_ beyond its crit_ could never be reported, the node
 * going from ok to crit. Ratios are crossed at or above their value, free
 * blocks below it: there warn must not be below crit.
 */
static const struct {
	const char *warn, *crit;
	enum th_key kw, kc;
	bool below;
} th_pairs[] = {
	{ "warn_unusable", "crit_unusable", THK_WARN_UNUSABLE, THK_CRIT_UNUSABLE, false },
	{ "warn_fragindex", "crit_fragindex", THK_WARN_FRAGINDEX, THK_CRIT_FRAGINDEX, false },
	{ "warn_min_blocks", "crit_min_blocks", THK_WARN_MIN_BLOCKS, THK_CRIT_MIN_BLOCKS, true },
};

static int64_t th_value(const struct thresholds *th, enum th_key k)
{
	switch (k) {
	case THK_WARN_UNUSABLE:
		return th->warn_unusable;
	case THK_CRIT_UNUSABLE:
		return th->crit_unusable;
	case THK_WARN_FRAGINDEX:
		return th->warn_fragindex;
	case THK_CRIT_FRAGINDEX:
		return th->crit_fragindex;
	case THK_WARN_MIN_BLOCKS:
		return th->warn_min_blocks;
	case THK_CRIT_MIN_BLOCKS:
		return th->crit_min_blocks;
	default:
		return th->order;
	}
}

/*
 * The value of key k that th (a [node N], or the defaults: th == def) is
 * judged with, where it comes from, and its line in th (0: not set there).
 */
static int64_t th_effective(const struct thresholds *th, const struct thresholds *def,
			    enum th_key k, enum th_origin *from, unsigned *line)
{
	*line = th->line[k];
	if (th != def && th_value(th, k) == TH_INHERIT) {
		*from = def->line[k] ? TH_FROM_FRAGMENTATION : TH_FROM_DEFAULT;
		return th_value(def, k);
	}
	*from = *line ? TH_FROM_SECTION : TH_FROM_DEFAULT;
	return th_value(th, k);
}

/* "the default warn_unusable 0.700", "crit_min_blocks 4 of [fragmentation]" */
static void th_describe(char *buf, size_t size, const char *key, int64_t v, bool blocks,
			enum th_origin from)
{
	char num[24];

	if (blocks)
		snprintf(num, sizeof(num), "%lld", (long long)v);
	else
		snprintf(num, sizeof(num), "%.3f", (double)v / 1000);
	snprintf(buf, size, "%s%s %s%s", from == TH_FROM_DEFAULT ? "the default " : "", key, num,
		 from == TH_FROM_FRAGMENTATION ? " of [fragmentation]" : "");
}

/*
 * Pair i of th: 0 when consistent, else the line to blame (the later key
 * of the pair that th sets) with msg filled.
 */
static unsigned th_pair_check(const struct thresholds *th, const struct thresholds *def,
			      unsigned i, char *msg, size_t size)
{
	char ws[64], cs[64];
	enum th_origin fw, fc;
	unsigned lw, lc;
	bool below = th_pairs[i].below;
	int64_t w = th_effective(th, def, th_pairs[i].kw, &fw, &lw);
	int64_t c = th_effective(th, def, th_pairs[i].kc, &fc, &lc);

	if (!lw && !lc)
		return 0;	/* all inherited: judged with the defaults */
	if (w < 0 || c < 0 || (below ? w >= c : w <= c))
		return 0;
	th_describe(ws, sizeof(ws), th_pairs[i].warn, w, below, fw);
	th_describe(cs, sizeof(cs), th_pairs[i].crit, c, below, fc);
	snprintf(msg, size, "%s is %s %s (%s)", ws, below ? "below" : "above", cs,
		 below ? "fewer free blocks is worse: warn must not be below crit"
		       : "warn must not exceed crit");
	return lw > lc ? lw : lc;
}

/*
 * After the whole file, as a [fragmentation] after a [node N] changes what
 * the node inherits: the defaults and every node, the earliest line first.
 */
static void check_thresholds(struct pstate *st)
{
	const struct policy *p = st->p;
	char msg[256], first[300] = "";
	unsigned i, k, line, at = 0;

	for (i = 0; i <= p->nr_nodes; i++) {
		const struct thresholds *th = i < p->nr_nodes ? &p->nodes[i].th : &p->th;

		for (k = 0; k < sizeof(th_pairs) / sizeof(th_pairs[0]); k++) {
			line = th_pair_check(th, &p->th, k, msg, sizeof(msg));
			if (!line || (at && at < line))
				continue;
			at = line;
			if (i < p->nr_nodes)
				snprintf(first, sizeof(first), "[node %d]: %s", p->nodes[i].node, msg);
			else
				snprintf(first, sizeof(first), "%s", msg);
		}
	}
	if (at)
		fail_at(st, at, "%s", first);
}

static int parse(struct pstate *st)
{
	int rc = ini_parse_stream(reader, st, handler, st);

	if (rc >= 0)
		section_end(st);	/* the last section ends with the file */
	if (rc == 0 && !st->failed)
		check_thresholds(st);
	free(st->sections);
	st->sections = NULL;
	st->nr_sections = 0;
	/* inih goes on after a syntax error: report whichever came first */
	if (st->failed && !(rc > 0 && (unsigned)rc < st->fail_line))
		return -BC_ECONFIG;
	if (rc == -2)
		return bc_error_set(st->err, BC_ENOMEM, "%s: out of memory", st->name);
	if (rc > 0)
		return bc_error_set(st->err, BC_ECONFIG, "%s:%d: not a 'key = value' line or a [section]",
				    st->name, rc);
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

/* What st_mode is, for the message that refuses it. */
static const char *not_regular(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	return S_ISCHR(mode) || S_ISBLK(mode) ? "a device" : "not a file";
}

/*
 * The policy file, open for reading: a regular file (a symlink is fine:
 * /etc/buddyctl/buddyctl.conf is often one, managed by configuration
 * tools; the policy is only read). 0 and *f, or -kind.
 */
static int open_policy(const char *path, FILE **f, struct bc_error *err)
{
	struct stat sb;
	int fd, rc, flags;

	/* O_NONBLOCK: a FIFO given as -c must fail at once, not wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return bc_error_set(err, errno == ENOENT || errno == EACCES ? BC_ENOINPUT : BC_EIO,
				    "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0) {
		rc = bc_error_set(err, BC_EIO, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return bc_error_set(err, BC_ECONFIG, "%s: %s, not a regular file", path, not_regular(sb.st_mode));
	}
	/* a regular file is then read as usual */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 || !(*f = fdopen(fd, "r"))) {
		rc = bc_error_set(err, BC_EIO, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	return 0;
}

int policy_load(const char *path, struct policy *p, struct bc_error *err)
{
	struct pstate *st;
	FILE *f;
	int rc;

	rc = open_policy(path, &f, err);
	if (rc < 0)
		return rc;
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

/* [fragmentation] order: a buddy order of this machine. */
static int validate_order(const struct policy *p, const struct snapshot *snap, struct bc_error *err)
{
	int o = resolve_order(&p->th, snap);

	if (p->th.order_kb && (o < 0 || o >= (int)snap->nr_orders))
		return bc_error_set(err, BC_ECONFIG, "%s: [fragmentation] order: %llu kB is not a buddy order on this machine (orders 0-%u)",
				    p->path, (unsigned long long)p->th.order_kb, snap->nr_orders - 1);
	if (!p->th.order_kb && o >= (int)snap->nr_orders)
		return bc_error_set(err, BC_ECONFIG, "%s: [fragmentation] order: %d is beyond the largest order %u",
				    p->path, o, snap->nr_orders - 1);
	return 0;
}

/* A [node N]: a node of this machine with memory, its order one of the machine's. */
static int validate_node(const struct policy *p, const struct node_policy *np, const struct snapshot *snap,
			 struct bc_error *err)
{
	const struct node *n = snapshot_node(snap, np->node);
	int o;

	if (!n || !n->has_memory)
		return bc_error_set(err, BC_ECONFIG, "%s:%u: [node %d]: %s", p->path, np->line, np->node,
				    n ? "node has no memory" : "no such node on this machine");
	if (np->th.order == TH_INHERIT)
		return 0;
	o = resolve_order(&np->th, snap);
	if ((np->th.order_kb && o < 0) || o >= (int)snap->nr_orders)
		return bc_error_set(err, BC_ECONFIG, "%s:%u: [node %d] order is not a buddy order on this machine (0-%u)",
				    p->path, np->line, np->node, snap->nr_orders - 1);
	return 0;
}

/* A [hugepages SIZE]: a size this kernel offers, a count or total, nodes of this machine with memory. */
static int validate_target(const struct policy *p, const struct hp_target *t, const struct snapshot *snap,
			   struct bc_error *err)
{
	unsigned k;

	/* a tree without the pools: the sizes cannot be checked */
	if (!snapshot_pool(snap, t->size_kb) && !snap->missing[IN_HUGEPAGES].file)
		return bc_error_set(err, BC_ECONFIG, "%s:%u: [hugepages %llukB]: this kernel offers no %llu kB pages",
				    p->path, t->line, (unsigned long long)t->size_kb, (unsigned long long)t->size_kb);
	if (!t->nr_counts && !t->has_total)
		return bc_error_set(err, BC_ECONFIG, "%s:%u: [hugepages %llukB]: neither 'count' nor 'total' is set",
				    p->path, t->line, (unsigned long long)t->size_kb);
	for (k = 0; k < t->nr_counts; k++) {
		const struct node *n = snapshot_node(snap, t->counts[k].node);

		if (!n || !n->has_memory)
			return bc_error_set(err, BC_ECONFIG, "%s:%u: count: node %d %s", p->path, t->line,
					    t->counts[k].node, n ? "has no memory" : "does not exist on this machine");
	}
	return 0;
}

int policy_validate(const struct policy *p, const struct snapshot *snap,
		    struct bc_error *err)
{
	unsigned i;
	int rc = validate_order(p, snap, err);

	for (i = 0; rc == 0 && i < p->nr_nodes; i++)
		rc = validate_node(p, &p->nodes[i], snap, err);
	for (i = 0; rc == 0 && i < p->nr_targets; i++)
		rc = validate_target(p, &p->targets[i], snap, err);
	return rc;
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

static int pick(int node_v, int def)
{
	return node_v == TH_INHERIT ? def : node_v;
}

static int64_t pick64(int64_t node_v, int64_t def)
{
	return node_v == TH_INHERIT ? def : node_v;
}

void policy_for_node(const struct policy *pol, int node, struct thresholds *th,
		     const struct steps **warn, const struct steps **crit)
{
	unsigned i;

	*th = pol->th;
	*warn = &pol->warn;
	*crit = &pol->crit;
	for (i = 0; i < pol->nr_nodes; i++) {
		const struct node_policy *np = &pol->nodes[i];

		if (np->node != node)
			continue;
		th->warn_unusable = pick(np->th.warn_unusable, th->warn_unusable);
		th->crit_unusable = pick(np->th.crit_unusable, th->crit_unusable);
		th->warn_fragindex = pick(np->th.warn_fragindex, th->warn_fragindex);
		th->crit_fragindex = pick(np->th.crit_fragindex, th->crit_fragindex);
		th->warn_min_blocks = pick64(np->th.warn_min_blocks, th->warn_min_blocks);
		th->crit_min_blocks = pick64(np->th.crit_min_blocks, th->crit_min_blocks);
		if (np->warn_set)
			*warn = &np->warn;
		if (np->crit_set)
			*crit = &np->crit;
	}
}

/*
 * The policy's pools in the order they are reserved at run time: the
 * largest size first, as the kernel command line does (gigantic pages are
 * taken from memblock as their hugepages= is parsed, the others later),
 * whatever order the sections are written in: a 2M pool reserved first
 * would take the free ranges a 1G page needs. The target after prev (NULL:
 * the first), or NULL after the last; each size has one section.
 */
const struct hp_target *policy_next_target(const struct policy *pol, const struct hp_target *prev)
{
	const struct hp_target *best = NULL;
	unsigned i;

	for (i = 0; i < pol->nr_targets; i++) {
		const struct hp_target *t = &pol->targets[i];

		if (prev && t->size_kb >= prev->size_kb)
			continue;
		if (!best || t->size_kb > best->size_kb)
			best = t;
	}
	return best;
}

/* The memory nodes a total is split over; 0: it all goes to the global pool. */
unsigned policy_split_nodes(const struct snapshot *snap)
{
	unsigned i, mem = 0;

	if (!snap->numa_sysfs)
		return 0;
	for (i = 0; i < snap->nr_nodes; i++)
		mem += snap->nodes[i].has_memory;
	return mem;
}

/* The share of the k-th of mem memory nodes, in id order: lower ids take the remainder. */
uint64_t policy_split_share(uint64_t total, unsigned mem, unsigned k)
{
	return total / mem + (k < total % mem ? 1 : 0);
}

/*
 * A timer whose period equals min_interval starts each run a little early
 * or late: systemd fires a timer anywhere within its AccuracySec= (1min in
 * buddyctl-remediate.timer) when other timers' wake-ups are batched with
 * it, and a run that waited for the lock (--wait 30s) records a later
 * start. Without slack every other tick would be held back; a tenth of
 * min_interval, at most 60 s, covers that and keeps a longer min_interval
 * what it says.
 */
#define INTERVAL_SLACK_MAX_S 60.0

double policy_interval_slack_s(unsigned min_interval_s)
{
	return min_interval_s / 10.0 < INTERVAL_SLACK_MAX_S ? min_interval_s / 10.0 : INTERVAL_SLACK_MAX_S;
}

bool policy_interval_passed(unsigned min_interval_s, double interval_s, double then, double now)
{
	return now - then >= interval_s - policy_interval_slack_s(min_interval_s);
}
