/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl reserve SIZE:COUNT[@NODES]...`: hugepage pools set from the
 * command line, each spec's syntax checked before the lock; the pools are
 * planned under it (plan_reserve_specs(): each pool once), escalated when
 * short by --ladder or by the steps chosen from the estimate.
 */
#include "cmd_reserve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodelist.h"
#include "plan.h"
#include "reservation.h"
#include "steps.h"
#include "units.h"

/* One SIZE:COUNT[@NODES] of `reserve`, its syntax checked before the lock. */
struct spec {
	char buf[128];
	char what[144];		/* "reserve: 'TEXT'", for the messages on its nodes */
	struct bitmask *nodes;	/* @NODES parsed, NULL: none (freed by free_specs()) */
};

/* COUNT of a spec, a number whose pages stay within any machine's memory: 0 or -BC_EUSAGE. */
static int parse_count(struct reserve_spec *r, const char *count, struct bc_error *err)
{
	char *end;

	errno = 0;
	if (count[0] < '0' || count[0] > '9' || (r->count = strtoull(count, &end, 10), *end) || errno)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad count '%s'", r->text, count);
	/* count x size must stay a sane amount of memory (and inside 64 bits) */
	if (r->count > BC_MAX_KB / r->size_kb)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': %llu pages of %llu kB is more memory than any machine has",
				    r->text, (unsigned long long)r->count, (unsigned long long)r->size_kb);
	return 0;
}

/* The syntax of one spec into *r (its node list parsed, not yet looked up: s->nodes to free). */
static int parse_spec(const char *text, struct spec *s, struct reserve_spec *r, struct bc_error *err)
{
	char *colon, *at;
	int rc;

	r->text = text;
	r->what = s->what;
	if (strlen(text) >= sizeof(s->buf))
		return bc_error_set(err, BC_EUSAGE, "reserve: spec too long");
	strcpy(s->buf, text);
	snprintf(s->what, sizeof(s->what), "reserve: '%s'", text);
	colon = strchr(s->buf, ':');
	if (!colon)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s' is not SIZE:COUNT[@NODES]", text);
	*colon = '\0';
	at = strchr(colon + 1, '@');
	if (at)
		*at = '\0';
	if (parse_size_kb(s->buf, &r->size_kb) < 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad size '%s' (2M, 1G, 2048kB)", text, s->buf);
	if (parse_count(r, colon + 1, err) < 0)
		return -BC_EUSAGE;
	if (!at)
		return 0;
	/* the node list's syntax now; whether the nodes exist, under the lock (plan_reserve_specs()) */
	rc = nodelist_select(at + 1, s->what, NULL, &s->nodes, err);
	r->nodes = s->nodes;
	return rc;
}

/* --ladder STEPS, or no ladder: 0, or -BC_EUSAGE naming the unknown step and the known ones. */
static int parse_ladder(const char *text, struct steps *ladder, struct bc_error *err)
{
	char bad[48], names[256];

	if (!text || steps_parse(text, ladder, bad, sizeof(bad)) == 0)
		return 0;
	steps_names(names, sizeof(names), false);
	return bc_error_set(err, BC_EUSAGE, "--ladder: unknown step '%s' (%s)", bad, names);
}

/* The syntax of every spec, before the lock: a usage error comes first. */
static int parse_specs(const struct act_args *a, struct spec *specs, struct reserve_spec *rs,
		       struct bc_error *err)
{
	int i, rc = 0;

	for (i = 0; i < a->nr_specs && rc == 0; i++)
		rc = parse_spec(a->specs[i], &specs[i], &rs[i], err);
	return rc;
}

static void free_specs(struct spec *specs, struct reserve_spec *rs, int n)
{
	int i;

	for (i = 0; specs && i < n; i++)
		if (specs[i].nodes)
			numa_bitmask_free(specs[i].nodes);
	free(rs);
	free(specs);
}

/* reserve's specs and the escalation they share, to plan them (again, with the maps). */
struct reserve_make {
	const struct reserve_req *rq;
	const struct reserve_spec *rs;
	unsigned n;
};

static int reserve_plan(struct act_run *r, void *ctx, struct bc_error *err)
{
	const struct reserve_make *m = ctx;

	return plan_reserve_specs(&r->plan, &r->snap, m->rq, m->rs, m->n, err);
}

int cmd_reserve(const struct act_args *a, struct bc_error *err)
{
	struct act_run r = { .a = a, .command = "reserve",
			     .plan = { .time_budget_s = a->time_budget >= 0 ? a->time_budget : 60,
				       .sync = !a->no_sync } };
	struct steps ladder = { .n = 0 };
	/* no --rounds: 3 over a --ladder, or as many as the chosen escalation takes */
	struct reserve_req rq = { .ladder = a->ladder ? &ladder : NULL, .rounds = a->rounds,
				  .allow_drop = a->allow_drop_caches, .keep = !a->restore, .force = a->force,
				  .force_hint = "--force", .kind = BC_EUSAGE };
	struct reserve_make make = { .rq = &rq, .n = (unsigned)a->nr_specs };
	struct reserve_spec *rs;
	struct spec *specs;
	int rc;

	if (a->nr_specs == 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: no SIZE:COUNT[@NODES] given");
	rc = parse_ladder(a->ladder, &ladder, err);
	if (rc < 0)
		return rc;
	specs = calloc((size_t)a->nr_specs, sizeof(*specs));
	rs = calloc((size_t)a->nr_specs, sizeof(*rs));
	if (!specs || !rs) {
		free_specs(specs, rs, 0);
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	}
	rc = parse_specs(a, specs, rs, err);
	if (rc == 0)
		rc = act_begin(&r, err);
	make.rs = rs;
	if (rc == 0)
		rc = act_plan_with_maps(&r, reserve_plan, &make, err);
	if (rc == 0)
		rc = act_run_plan(&r, err);
	free_specs(specs, rs, a->nr_specs);
	act_free(&r);
	return rc;
}
