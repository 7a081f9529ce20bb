/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl reserve SIZE:COUNT[@NODES]...`: hugepage pools set from the
 * command line, each spec's syntax checked before the lock, each pool once,
 * escalated when short by --ladder or by the steps chosen from the estimate.
 */
#include "cmd_reserve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodelist.h"
#include "plan.h"
#include "steps.h"
#include "units.h"

/* One SIZE:COUNT[@NODES] of `reserve`, its syntax checked before the lock. */
struct spec {
	const char *text;
	uint64_t kb;
	uint64_t count;
	const char *nodes;	/* after '@', or NULL: split over memory nodes */
	char buf[128];
	char what[144];		/* "reserve: 'TEXT'", for the messages on its nodes */
};

/* COUNT of a spec, a number whose pages stay within any machine's memory: 0 or -BC_EUSAGE. */
static int parse_count(struct spec *s, const char *count, struct bc_error *err)
{
	char *end;

	errno = 0;
	if (count[0] < '0' || count[0] > '9' || (s->count = strtoull(count, &end, 10), *end) || errno)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad count '%s'", s->text, count);
	/* count x size must stay a sane amount of memory (and inside 64 bits) */
	if (s->count > BC_MAX_KB / s->kb)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': %llu pages of %llu kB is more memory than any machine has",
				    s->text, (unsigned long long)s->count, (unsigned long long)s->kb);
	return 0;
}

static int parse_spec(const char *text, struct spec *s, struct bc_error *err)
{
	char *colon, *at;

	s->text = text;
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
	s->nodes = at ? at + 1 : NULL;
	if (parse_size_kb(s->buf, &s->kb) < 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': bad size '%s' (2M, 1G, 2048kB)", text, s->buf);
	if (parse_count(s, colon + 1, err) < 0)
		return -BC_EUSAGE;
	/* the node list's syntax now; whether the nodes exist, under the lock */
	return s->nodes ? nodelist_check(s->nodes, s->what, err) : 0;
}

/* The planned reserve of this size and node, if any, and which spec made it. */
static int already_set(const struct plan *p, const int *spec_of, uint64_t kb, int node)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].kind == ACT_RESERVE && p->a[i].size_kb == kb && p->a[i].node == node)
			return spec_of[i];
	return -1;
}

/* The actions of one spec, each pool once across all specs. */
static int add_spec(struct act_run *r, const struct spec *specs, int si, const struct steps *ladder,
		    int *spec_of, struct bc_error *err)
{
	const struct act_args *a = r->a;
	const struct spec *s = &specs[si];
	/* no --rounds: 3 over a --ladder, or as many as the chosen escalation takes */
	int rounds = a->rounds;
	unsigned first = r->plan.n, i;
	struct bitmask *sel = NULL;
	char why[160];
	struct reserve_req rq = { .size_kb = s->kb, .ladder = a->ladder ? ladder : NULL, .rounds = rounds,
				  .allow_drop = a->allow_drop_caches,
				  .keep = !a->restore, .force = a->force, .why = why,
				  .where = why + 9, .force_hint = "--force", .kind = BC_EUSAGE };
	unsigned id;
	int rc = 0, prev;

	if (!snapshot_pool(&r->snap, s->kb))
		return bc_error_set(err, BC_EUSAGE, "reserve: '%s': this kernel offers no %llu kB hugepages",
				    s->text, (unsigned long long)s->kb);
	snprintf(why, sizeof(why), "buddyctl reserve %s", s->text);
	if (!s->nodes) {
		rc = plan_reserve_split(&r->plan, &r->snap, &rq, s->count, err);
	} else {
		rc = nodelist_select(s->nodes, s->what, &r->snap, &sel, err);
		for (id = 0; rc == 0 && id < sel->size; id++)
			if (numa_bitmask_isbitset(sel, id))
				rc = plan_reserve_node(&r->plan, &r->snap, &rq, (int)id, s->count, err);
		if (sel)
			numa_bitmask_free(sel);
	}
	for (i = first; rc == 0 && i < r->plan.n; i++) {
		const struct action *x = &r->plan.a[i];
		char where[24];

		spec_of[i] = si;
		/* the same pool twice, also through aliases (2048kB and 2M) or a split */
		prev = already_set(&r->plan, spec_of, x->size_kb, x->node);
		if (prev >= 0 && prev != si) {
			snprintf(where, sizeof(where), x->node >= 0 ? "node %d" : "the machine", x->node);
			rc = bc_error_set(err, BC_EUSAGE, "reserve: '%s' sets the %llu kB pool of %s again, after '%s'",
					  s->text, (unsigned long long)x->size_kb, where, specs[prev].text);
		}
	}
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
static int parse_specs(const struct act_args *a, struct spec *specs, struct bc_error *err)
{
	int i, rc = 0;

	for (i = 0; i < a->nr_specs && rc == 0; i++)
		rc = parse_spec(a->specs[i], &specs[i], err);
	return rc;
}

/* The actions of every spec, under the lock; spec_of[] says which spec made each. */
static int add_specs(struct act_run *r, const struct spec *specs, const struct steps *ladder,
		     struct bc_error *err)
{
	int *spec_of = NULL;
	int i, rc = 0;

	for (i = 0; i < r->a->nr_specs && rc == 0; i++) {
		int *grown = realloc(spec_of, (r->plan.n + r->snap.nr_nodes + 1) * sizeof(*spec_of));

		if (!grown) {
			rc = bc_error_set(err, BC_ENOMEM, "out of memory");
			break;
		}
		spec_of = grown;
		rc = add_spec(r, specs, i, ladder, spec_of, err);
	}
	free(spec_of);
	return rc;
}

int cmd_reserve(const struct act_args *a, struct bc_error *err)
{
	struct act_run r = { .a = a, .command = "reserve",
			 .plan = { .time_budget_s = a->time_budget >= 0 ? a->time_budget : 60,
				   .sync = !a->no_sync } };
	struct steps ladder = { .n = 0 };
	struct spec *specs;
	int rc;

	if (a->nr_specs == 0)
		return bc_error_set(err, BC_EUSAGE, "reserve: no SIZE:COUNT[@NODES] given");
	rc = parse_ladder(a->ladder, &ladder, err);
	if (rc < 0)
		return rc;
	specs = calloc((size_t)a->nr_specs, sizeof(*specs));
	if (!specs)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	rc = parse_specs(a, specs, err);
	if (rc == 0)
		rc = act_begin(&r, err);
	if (rc == 0)
		rc = add_specs(&r, specs, &ladder, err);
	if (rc == 0)
		rc = act_run_plan(&r, err);
	free(specs);
	act_free(&r);
	return rc;
}
