/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl estimate [SIZE...]`: per node and hugepage size, how many pages
 * can be had now, after compaction and after reclaim, and how each figure
 * was derived (policy/judge/estimate.c; gigantic sizes from the map where
 * it can be read, policy/judge/estmap.c). Read-only: no lock, no write.
 */
#include "cmd_estimate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "estimate.h"
#include "load.h"
#include "loadmap.h"
#include "metrics.h"
#include "nodelist.h"
#include "out_json.h"
#include "out_text.h"
#include "output.h"
#include "snapshot.h"
#include "units.h"

int estimate_all(const struct snapshot *snap, const uint64_t *sizes, unsigned nr_sizes,
		 const struct outopts *o, struct estimate **out, unsigned *nr_out,
		 struct bc_error *err)
{
	struct estimate *e;
	unsigned i, s, n = 0;

	e = calloc((size_t)snap->nr_nodes * (nr_sizes ? nr_sizes : 1) + 1, sizeof(*e));
	if (!e)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *nd = &snap->nodes[i];

		if (!nd->has_memory || (o && !out_node_selected(o, nd->id)))
			continue;
		for (s = 0; s < nr_sizes; s++)
			if (estimate_node(snap, nd, sizes[s], &e[n]) == 0)
				n++;
	}
	*out = e;
	*nr_out = n;
	return 0;
}

/*
 * The sizes named, each once (2M and 2048kB are one), into sizes: their
 * number, or -BC_EUSAGE for a word that is no size.
 */
static int parse_sizes(char **args, int nr_args, uint64_t *sizes, struct bc_error *err)
{
	unsigned nr_sizes = 0, i, j;

	for (i = 0; i < (unsigned)nr_args; i++) {
		if (parse_size_kb(args[i], &sizes[nr_sizes]) < 0)
			return bc_error_set(err, BC_EUSAGE, "estimate: bad size '%s' (2M, 1G, 2048kB)", args[i]);
		for (j = 0; j < nr_sizes && sizes[j] != sizes[nr_sizes]; j++)
			;
		if (j == nr_sizes)
			nr_sizes++;
	}
	return (int)nr_sizes;
}

/* Each size named is a power-of-two multiple of the machine's page (as written in the message). */
static int check_sizes(const struct snapshot *snap, char **args, int nr_args, struct bc_error *err)
{
	uint64_t kb;
	int i;

	for (i = 0; i < nr_args; i++)
		if (parse_size_kb(args[i], &kb) == 0 && metrics_size_order(snap, kb) < 0)
			return bc_error_set(err, BC_EUSAGE, "estimate: %s is not a power-of-two multiple of the %u-byte page",
					    args[i], snap->page_size);
	return 0;
}

/* No size named: every size the kernel offers, into sizes; their number, or -BC_EUSAGE when there is none. */
static int offered_sizes(const struct snapshot *snap, uint64_t *sizes, struct bc_error *err)
{
	unsigned n = 0, i;

	for (i = 0; i < snap->nr_pools && n < BC_MAX_ORDERS; i++)
		sizes[n++] = snap->pools[i].size_kb;
	if (!n && snap->missing[IN_HUGEPAGES].file)
		return bc_error_set(err, BC_EUSAGE, "estimate: the hugepage sizes are unknown (%s not read: %s); name a SIZE",
				    snap->missing[IN_HUGEPAGES].file, snap->missing[IN_HUGEPAGES].why);
	if (!n)
		return bc_error_set(err, BC_EUSAGE, "estimate: this kernel offers no hugepages; name a SIZE");
	return (int)n;
}

/* The estimates of the sizes on the nodes selected, printed. */
static int print_estimates(const struct status_args *a, const struct snapshot *snap, const uint64_t *sizes,
			   unsigned nr_sizes, struct bitmask *sel, struct bc_error *err)
{
	struct outopts o = { .nodes = sel };
	struct estimate *e = NULL;
	unsigned n = 0;
	int rc = estimate_all(snap, sizes, nr_sizes, &o, &e, &n, err);

	if (rc == 0)
		rc = cli_estimates_from_map(a->root, snap, e, n, err);
	if (rc == 0) {
		rc = a->format == FMT_JSON ? estimate_json(stdout, snap, e, n)
					   : estimate_text(stdout, snap, e, n);
		if (rc < 0 || fflush(stdout) != 0)
			rc = bc_error_set(err, BC_EIO, "standard output: %s", strerror(errno ? errno : EIO));
	}
	free(e);
	return rc;
}

/* With the machine read: the nodes selected (*sel), the sizes checked or found. */
static int estimate_snapshot(const struct status_args *a, char **args, int nr_args, const struct snapshot *snap,
			     uint64_t *sizes, int nr_sizes, struct bc_error *err)
{
	struct bitmask *sel = NULL;
	int rc = 0;

	/* the nodes' existence, now that the machine is read */
	if (a->nodes)
		rc = nodelist_select(a->nodes, "--node", snap, &sel, err);
	if (rc == 0)
		rc = check_sizes(snap, args, nr_args, err);
	if (rc == 0 && !nr_args)
		rc = nr_sizes = offered_sizes(snap, sizes, err);
	if (rc >= 0)
		rc = print_estimates(a, snap, sizes, (unsigned)nr_sizes, sel, err);
	if (sel)
		numa_bitmask_free(sel);
	return rc;
}

int cmd_estimate(const struct status_args *a, char **args, int nr_args, struct bc_error *err)
{
	struct snapshot snap;
	uint64_t *sizes;
	int rc, nr_sizes;

	/* the syntax of --node and the sizes first: a usage error before the machine is read */
	if (a->nodes && (rc = nodelist_check(a->nodes, "--node", err)) < 0)
		return rc;
	sizes = calloc((size_t)nr_args + BC_MAX_ORDERS + 1, sizeof(*sizes));
	if (!sizes)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	rc = nr_sizes = parse_sizes(args, nr_args, sizes, err);
	if (rc >= 0)
		rc = cli_snapshot(a->root, a->buddyinfo, a->page_size, &snap, err);
	if (rc >= 0) {
		rc = estimate_snapshot(a, args, nr_args, &snap, sizes, nr_sizes, err);
		snapshot_free(&snap);
	}
	free(sizes);
	return rc;
}
