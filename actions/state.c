/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads and writes the state file: last remediations and the pools' last outcomes. */
#include "state.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ownfile.h"
#include "rootfs.h"
#include "strbuf.h"

/*
 * 1024 lines of "node 1023 1795460000\n" are 21 KiB; a pool line with all
 * four steps is at most about 250 bytes, 2048 of them 500 KiB. A file many
 * times larger is not ours.
 */
#define STATE_MAX_BYTES (1u << 20)

#define NODE_FORM "not a 'node N SECONDS' line"
#define POOL_FORM "not a 'pool SIZE_KB NODE STARTED ASKED GOT FREE_KB RUNS STEP:ASKED_KB:GAINED...' line"

/* A strict decimal of at most maxdigits digits; the cursor moves past it. */
static int decimal(const char **p, unsigned maxdigits, unsigned long long *v)
{
	const char *q = *p;
	unsigned n = 0;

	*v = 0;
	while (*q >= '0' && *q <= '9' && n < maxdigits) {
		*v = *v * 10 + (unsigned long long)(*q++ - '0');
		n++;
	}
	if (!n || (*q >= '0' && *q <= '9'))
		return -1;
	*p = q;
	return 0;
}

/* A decimal of at most maxdigits digits, then sep; the cursor moves past both. */
static int field(const char **p, unsigned maxdigits, char sep, unsigned long long *v)
{
	if (decimal(p, maxdigits, v) < 0 || **p != sep)
		return -1;
	if (sep)
		(*p)++;
	return 0;
}

/* When something happened: NULL when good, else why not. */
static const char *check_time(unsigned long long secs, double now)
{
	if (secs == 0)
		return "time 0";
	if ((double)secs > now + 60)
		return "time in the future (was the clock wrong?)";
	return NULL;
}

/* One "node N SECONDS" line; NULL when good, else why it is ignored. */
static const char *parse_node(const char *line, double now, unsigned *node, double *t)
{
	unsigned long long id, secs;
	const char *p = line + 5, *why;

	if (decimal(&p, 12, &id) < 0 || *p++ != ' ')
		return NODE_FORM;
	/* 12 digits: up to the year 33658; inf, nan and 1e300 are no digits */
	if (decimal(&p, 12, &secs) < 0 || *p)
		return NODE_FORM " (whole seconds since 1970)";
	if (id >= STATE_MAX_NODES)
		return "node id out of range";
	if ((why = check_time(secs, now)))
		return why;
	*node = (unsigned)id;
	*t = (double)secs;
	return NULL;
}

/* The step the name at *p (up to colon) is: one dropping step, or why not. */
static const char *step_named(const char *p, const char *colon, enum step *step)
{
	char name[24], bad[24];
	struct steps s;

	if (!colon || colon == p || (size_t)(colon - p) >= sizeof(name))
		return POOL_FORM;
	memcpy(name, p, (size_t)(colon - p));
	name[colon - p] = '\0';
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz-") != strlen(name) ||
	    steps_parse(name, &s, bad, sizeof(bad)) < 0 || s.n != 1)
		return POOL_FORM " (unknown step)";
	if (!plan_step_reclaims(s.s[0]))
		return "a step that drops no cache";
	*step = s.s[0];
	return NULL;
}

/* "reclaim-node:4194304:0": one dropping step, not given before in the line. */
static const char *parse_step(const char **p, struct pool_outcome *o)
{
	const char *colon = strchr(*p, ':'), *why;
	unsigned long long kb, gained;
	enum step step;
	unsigned i;

	if ((why = step_named(*p, colon, &step)))
		return why;
	for (i = 0; i < o->nr_steps; i++)
		if (o->steps[i].step == step)
			return "a step given twice";
	*p = colon + 1;
	/* 19 digits stay below 2^64; pages of a pool are below 2^46 */
	if (field(p, 19, ':', &kb) < 0 || decimal(p, 15, &gained) < 0 || (**p && **p != ' '))
		return POOL_FORM;
	if (o->nr_steps == OUTCOME_MAX_STEPS)
		return "too many steps";
	o->steps[o->nr_steps++] = (struct outcome_step){ .step = step, .asked_kb = kb, .gained = gained };
	return NULL;
}

/* The pool's node, a number or '-' for the global pool (o->node -1). */
static const char *pool_node(const char **p, struct pool_outcome *o)
{
	unsigned long long node;

	if ((*p)[0] == '-' && (*p)[1] == ' ') {
		o->node = -1;
		*p += 2;
		return NULL;
	}
	if (field(p, 12, ' ', &node) < 0)
		return POOL_FORM;
	if (node >= STATE_MAX_NODES)
		return "node id out of range";
	o->node = (int)node;
	return NULL;
}

/* When the run started, what it asked and got, the free memory and the fruitless runs. */
static const char *pool_figures(const char **p, double now, struct pool_outcome *o)
{
	unsigned long long started, asked, got, free_kb, runs;
	const char *why;

	if (field(p, 12, ' ', &started) < 0 || field(p, 15, ' ', &asked) < 0 ||
	    field(p, 15, ' ', &got) < 0 || field(p, 19, ' ', &free_kb) < 0 ||
	    decimal(p, 3, &runs) < 0)
		return POOL_FORM;
	if ((why = check_time(started, now)))
		return why;
	o->started = (double)started;
	o->asked = asked;
	o->got = got;
	o->free_kb = free_kb;
	o->fruitless = (unsigned)runs;
	return NULL;
}

/* One "pool ..." line; NULL when good, else why it is ignored. */
static const char *parse_pool(const char *line, double now, struct pool_outcome *o)
{
	unsigned long long size_kb;
	const char *p = line + 5, *why;

	memset(o, 0, sizeof(*o));
	if (field(&p, 12, ' ', &size_kb) < 0 || !size_kb)
		return POOL_FORM;
	if ((why = pool_node(&p, o)) || (why = pool_figures(&p, now, o)))
		return why;
	o->size_kb = size_kb;
	while (*p == ' ') {
		p++;
		if ((why = parse_step(&p, o)))
			return why;
	}
	return *p ? POOL_FORM : NULL;
}

const struct pool_outcome *state_pool(const struct state *st, uint64_t size_kb, int node)
{
	unsigned i;

	for (i = 0; i < st->nr_pools; i++)
		if (st->pools[i].size_kb == size_kb && st->pools[i].node == node)
			return &st->pools[i];
	return NULL;
}

int state_set_pool(struct state *st, const struct pool_outcome *o)
{
	struct pool_outcome *slot = (struct pool_outcome *)state_pool(st, o->size_kb, o->node), *grown;
	unsigned i;

	if (!slot && st->nr_pools == STATE_MAX_POOLS) {
		for (slot = &st->pools[0], i = 1; i < st->nr_pools; i++)
			if (st->pools[i].started < slot->started)
				slot = &st->pools[i];
	}
	if (!slot) {
		grown = realloc(st->pools, (st->nr_pools + 1) * sizeof(*grown));
		if (!grown)
			return -BC_ENOMEM;
		st->pools = grown;
		slot = &st->pools[st->nr_pools++];
	}
	*slot = *o;
	return 0;
}

void state_free(struct state *st)
{
	free(st->pools);
	st->pools = NULL;
	st->nr_pools = 0;
}

/* One line into st; NULL when good, else why it is ignored. -BC_ENOMEM in *rc. */
static const char *parse_line(const char *line, size_t len, double now, struct state *st, int *rc)
{
	struct pool_outcome o;
	const char *why;
	unsigned node;
	double t;

	if (memchr(line, '\0', len) || memchr(line, '\r', len))
		return NODE_FORM;
	if (!strncmp(line, "node ", 5)) {
		if ((why = parse_node(line, now, &node, &t)))
			return why;
		st->last[node] = t;
		return NULL;
	}
	if (strncmp(line, "pool ", 5))
		return NODE_FORM;
	if ((why = parse_pool(line, now, &o)))
		return why;
	if (!state_pool(st, o.size_kb, o.node) && st->nr_pools == STATE_MAX_POOLS)
		return "more pools than buddyctl keeps";
	*rc = state_set_pool(st, &o);
	return NULL;
}

/* The lines of the file into st; the first bad one and how many there are into *bad. -BC_ENOMEM or 0. */
struct bad_lines {
	unsigned n, first;
	const char *why;
};

static int parse_lines(char *buf, size_t len, double now, struct state *st, struct bad_lines *bad)
{
	unsigned lineno = 0;
	char *line, *nl;
	int rc = 0;

	for (line = buf; line < buf + len && rc == 0; line = nl + 1) {
		const char *w;

		lineno++;
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (!nl)
			nl = buf + len;
		*nl = '\0';
		w = parse_line(line, (size_t)(nl - line), now, st, &rc);
		if (w && !bad->n++) {
			bad->why = w;
			bad->first = lineno;
		}
	}
	return rc;
}

int state_load(const char *root, const char *path, double now, struct state *st,
	       struct bc_error *warn)
{
	char shown[PATH_MAX];
	struct bad_lines bad = { 0 };
	char *buf;
	size_t len;
	int rc;

	memset(st, 0, sizeof(*st));
	warn->msg[0] = '\0';
	rc = ownfile_read(root, path, STATE_MAX_BYTES, BC_EDATA, &buf, &len, warn);
	if (rc == 1) {
		warn->msg[0] = '\0';	/* no file, or not even its directory: never remediated */
		return 0;
	}
	if (rc == -BC_ENOMEM)
		return rc;
	if (rc < 0) {
		/* refused (a directory, a FIFO, a symlink...): run as if it were empty */
		str_append(warn->msg, sizeof(warn->msg), "; state file ignored");
		return 0;
	}
	rc = parse_lines(buf, len, now, st, &bad);
	free(buf);
	if (rc < 0) {
		state_free(st);
		return rc;
	}
	if (bad.n)
		snprintf(warn->msg, sizeof(warn->msg),
			 "%.300s:%u: %s: entry ignored%s (%u in all)",
			 rootfs_own_path(root, path, shown) == 0 ? shown : path, bad.first, bad.why,
			 bad.n > 1 ? ", and later bad ones" : "", bad.n);
	return 0;
}

static int render(FILE *f, void *ctx)
{
	const struct state *st = ctx;
	unsigned i, k;

	for (i = 0; i < STATE_MAX_NODES; i++)
		if (st->last[i] > 0)
			fprintf(f, "node %u %.0f\n", i, st->last[i]);
	for (i = 0; i < st->nr_pools; i++) {
		const struct pool_outcome *o = &st->pools[i];

		fprintf(f, "pool %llu ", (unsigned long long)o->size_kb);
		if (o->node >= 0)
			fprintf(f, "%d", o->node);
		else
			fputc('-', f);
		fprintf(f, " %.0f %llu %llu %llu %u", o->started, (unsigned long long)o->asked,
			(unsigned long long)o->got, (unsigned long long)o->free_kb, o->fruitless);
		for (k = 0; k < o->nr_steps; k++)
			fprintf(f, " %s:%llu:%llu", step_name(o->steps[k].step),
				(unsigned long long)o->steps[k].asked_kb, (unsigned long long)o->steps[k].gained);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

int state_save(const char *root, const char *path, const struct state *st, struct bc_error *err)
{
	/* /var/lib/buddyctl on a fresh install, ROOT/var/lib/buddyctl in a tree: made */
	return ownfile_replace(root, path, true, BC_ECANTCREAT, render, (void *)st, err);
}

/*
 * The pool right after the run's first write: what the first escalation
 * step found (its pool before it), or what the run ended with when no step
 * followed and nothing was put back; -1 when unknown.
 */
static int64_t after_first_write(const struct action_result *r)
{
	unsigned k;

	for (k = 0; k < r->nr_steps; k++)
		if (!r->steps[k].first)
			/* a step that did not write gained 0 and found the pool as it was */
			return (int64_t)r->steps[k].obtained - r->steps[k].gain;
	return r->restored ? -1 : (int64_t)r->after;
}

/*
 * What the pool gained with the first write at or after step i; -1 when
 * no write followed (the budget ran out).
 */
static int64_t gain_of(const struct action_result *r, unsigned i)
{
	int64_t first;
	unsigned k;

	if (r->steps[i].first) {
		/* a reclaim before the first compaction: the first write follows both */
		first = after_first_write(r);
		return first < 0 ? -1 : first > (int64_t)r->before ? first - (int64_t)r->before : 0;
	}
	for (k = i; k < r->nr_steps; k++)
		if (r->steps[k].wrote)
			return r->steps[k].gain > 0 ? r->steps[k].gain : 0;
	return -1;
}

/*
 * Does the run say anything of its steps? Not when interrupted, nor when
 * its write failed; nor when steps were left out: the run that took them,
 * and what they gained then, still count.
 */
static bool outcome_tells(const struct action *a, const struct action_result *r)
{
	if (a->kind != ACT_RESERVE || r->error[0] ||
	    (r->status != RES_DONE && r->status != RES_PARTIAL && r->status != RES_FAILED))
		return false;
	return !a->drops_skipped.n;
}

/* A dropping step's request and gain g, added to its entry in out (one per step): false when there is no room. */
static bool add_step_gain(struct pool_outcome *out, const struct step_result *s, int64_t g)
{
	unsigned k;

	for (k = 0; k < out->nr_steps && out->steps[k].step != s->step; k++)
		;
	if (k == out->nr_steps) {
		if (k == OUTCOME_MAX_STEPS)
			return false;
		out->steps[out->nr_steps++].step = s->step;
	}
	out->steps[k].asked_kb += s->asked_kb;
	out->steps[k].gained += (uint64_t)g;
	return true;
}

/*
 * The runs in a row whose dropping steps gained nothing, asking the same:
 * 0 when they gained (or none ran), one more than before when not.
 */
static unsigned fruitless_runs(const struct pool_outcome *out, uint64_t gained, const struct pool_outcome *prev,
			       uint64_t asked)
{
	if (!out->nr_steps || gained)
		return 0;
	/* 999: the most the file keeps; the wait stops doubling long before */
	return prev && prev->fruitless && prev->asked == asked && prev->fruitless < 999 ? prev->fruitless + 1 : 1;
}

bool state_outcome(const struct action *a, const struct action_result *r, double started,
		   uint64_t free_kb, const struct pool_outcome *prev, struct pool_outcome *o)
{
	struct pool_outcome out = { .size_kb = a->size_kb, .node = a->node, .started = started,
				    .asked = a->target, .got = r->after, .free_kb = free_kb };
	uint64_t gained = 0;
	unsigned i;

	if (!outcome_tells(a, r))
		return false;
	for (i = 0; i < r->nr_steps; i++) {
		const struct step_result *s = &r->steps[i];
		int64_t g;

		if (plan_step_reclaims(s->step) && (g = gain_of(r, i)) >= 0 && add_step_gain(&out, s, g))
			gained += (uint64_t)g;
	}
	out.fruitless = fruitless_runs(&out, gained, prev, a->target);
	*o = out;
	return true;
}
