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

int cmd_estimate(const struct status_args *a, char **args, int nr_args, struct bc_error *err)
{
	struct outopts o = { 0 };
	struct bitmask *sel = NULL;
	struct estimate *e = NULL;
	struct snapshot snap;
	uint64_t *sizes = NULL;
	unsigned nr_sizes = 0, n = 0, i;
	int rc;

	if (a->nodes && (rc = nodelist_select(a->nodes, "--node", NULL, &sel, err)) < 0)
		return rc;
	sizes = calloc((size_t)nr_args + BC_MAX_ORDERS + 1, sizeof(*sizes));
	if (!sizes) {
		rc = bc_error_set(err, BC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < (unsigned)nr_args; i++) {
		unsigned j;

		if (parse_size_kb(args[i], &sizes[nr_sizes]) < 0) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: bad size '%s' (2M, 1G, 2048kB)", args[i]);
			goto out;
		}
		for (j = 0; j < nr_sizes && sizes[j] != sizes[nr_sizes]; j++)
			;
		if (j == nr_sizes)
			nr_sizes++;
	}
	rc = cli_snapshot(a->root, a->buddyinfo, a->page_size, &snap, err);
	if (rc < 0)
		goto out;
	if (sel) {
		/* the nodes' existence, now that the machine is read */
		numa_bitmask_free(sel);
		sel = NULL;
		if ((rc = nodelist_select(a->nodes, "--node", &snap, &sel, err)) < 0)
			goto out_snap;
	}
	for (i = 0; i < (unsigned)nr_args; i++) {
		uint64_t kb;

		if (parse_size_kb(args[i], &kb) == 0 && metrics_size_order(&snap, kb) < 0) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: %s is not a power-of-two multiple of the %u-byte page",
					  args[i], snap.page_size);
			goto out_snap;
		}
	}
	if (!nr_args) {
		/* every size the kernel offers */
		for (i = 0; i < snap.nr_pools && nr_sizes < BC_MAX_ORDERS; i++)
			sizes[nr_sizes++] = snap.pools[i].size_kb;
		if (!nr_sizes && snap.missing[IN_HUGEPAGES].file) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: the hugepage sizes are unknown (%s not read: %s); name a SIZE",
					  snap.missing[IN_HUGEPAGES].file, snap.missing[IN_HUGEPAGES].why);
			goto out_snap;
		}
		if (!nr_sizes) {
			rc = bc_error_set(err, BC_EUSAGE, "estimate: this kernel offers no hugepages; name a SIZE");
			goto out_snap;
		}
	}
	o.nodes = sel;
	rc = estimate_all(&snap, sizes, nr_sizes, &o, &e, &n, err);
	if (rc == 0)
		rc = cli_estimates_from_map(a->root, &snap, e, n, err);
	if (rc == 0) {
		rc = a->format == FMT_JSON ? estimate_json(stdout, &snap, e, n)
					   : estimate_text(stdout, &snap, e, n);
		if (rc < 0 || fflush(stdout) != 0)
			rc = bc_error_set(err, BC_EIO, "standard output: %s", strerror(errno ? errno : EIO));
	}
	free(e);
out_snap:
	snapshot_free(&snap);
out:
	free(sizes);
	if (sel)
		numa_bitmask_free(sel);
	return rc;
}
