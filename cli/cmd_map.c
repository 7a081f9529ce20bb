/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl map`: per node, every aligned range of one size and what is in
 * it, from /proc/kpageflags (and kpagecgroup), streamed node by node into
 * the renderer. Read-only: no lock, no write.
 */
#include "cmd_map.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "kpageflags.h"
#include "load.h"
#include "map_view.h"
#include "mapjudge.h"
#include "nodelist.h"
#include "out_json.h"
#include "out_prom.h"
#include "out_text.h"
#include "ownfile.h"
#include "release.h"
#include "units.h"

/* A progress line on a terminal once a map has taken this long. */
#define PROGRESS_AFTER_S 1.0

/* Hugepage sizes mapped in one run: the kernel offers at most four (arm64 with 4K pages). */
#define MAP_MAX_SIZES 8

struct map_run {
	struct map_view v;
	enum out_format format;
	double t0;			/* clock_mono_s() when the map began */
	int node;			/* being read */
	double shown_at;		/* when the progress line was last written */
	bool progress_shown;
	bool tty;
};

static int each_range(void *ctx, const struct map_range *m)
{
	struct map_run *r = ctx;

	if (r->format == FMT_TEXT)
		map_text_range(&r->v, m);
	else if (r->format == FMT_JSON)
		map_json_range(&r->v, m);
	return 0;
}

/* "buddyctl map: node 0: 12.0 of 24.0 GiB read" on standard error, rewritten in place. */
static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct map_run *r = ctx;
	double gib = (double)r->v.snap->page_size / (1024.0 * 1024 * 1024), t;

	if (!r->tty || (t = clock_mono_s() - r->t0) < PROGRESS_AFTER_S || t - r->shown_at < 0.1)
		return;
	r->shown_at = t;
	fprintf(stderr, "\rbuddyctl map: node %d: %.1f of %.1f GiB read\033[K", r->node,
		(double)done * gib, (double)total * gib);
	r->progress_shown = true;
}

/*
 * The size: --size, else the largest hugepage size the kernel offers (the
 * gigantic one, where users hurt most), else the THP size.
 */
static int map_size(const struct snapshot *snap, const char *arg, uint64_t *kb, struct bc_error *err)
{
	if (arg) {
		if (parse_size_kb(arg, kb) < 0)
			return bc_error_set(err, BC_EUSAGE, "--size: bad size '%s' (2M, 1G, 2048kB)", arg);
		return 0;
	}
	if (snap->nr_pools) {
		*kb = snap->pools[snap->nr_pools - 1].size_kb;
		return 0;
	}
	if (snap->hpage_order >= 0) {
		*kb = ((uint64_t)snap->page_size << snap->hpage_order) / 1024;
		return 0;
	}
	return bc_error_set(err, BC_EUSAGE, "map: no hugepage size is known for this machine: give --size");
}

static int node_begin(struct map_run *r, const struct pagemap_acc *a)
{
	r->v.nodes++;
	if (r->format == FMT_TEXT)
		return map_text_node_begin(&r->v, a);
	if (r->format == FMT_JSON)
		return map_json_node_begin(&r->v, a);
	return 0;
}

static int node_end(struct map_run *r, const struct pagemap_summary *s)
{
	char verdict[512];

	pagemap_verdict(verdict, sizeof(verdict), s, r->v.size_kb);
	if (r->format == FMT_TEXT)
		return map_text_node_end(&r->v, s, verdict);
	if (r->format == FMT_JSON)
		return map_json_node_end(&r->v, s, verdict);
	return 0;
}

/* Read and render each selected node with memory; the sums into sums[]. */
static int map_nodes(struct map_run *r, const struct kpf_files *files, const struct pagemap_rules *rules,
		     const struct bitmask *sel, struct pagemap_summary *sums, unsigned *nr,
		     struct bc_error *err)
{
	const struct snapshot *snap = r->v.snap;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct pagemap_acc *a;
	unsigned i;
	int rc = 0;

	a = malloc(sizeof(*a));
	if (!a)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	*nr = 0;
	for (i = 0; i < snap->nr_nodes && rc == 0; i++) {
		const struct node *nd = &snap->nodes[i];

		if (!nd->has_memory || (sel && !numa_bitmask_isbitset(sel, (unsigned)nd->id)))
			continue;
		rc = pagemap_acc_init(a, rules, nd, each_range, r, err);
		if (rc < 0)
			break;
		a->progress = show_progress;
		r->node = nd->id;
		if ((rc = node_begin(r, a)) < 0)
			break;
		rc = kpf_read(files, &a->span, cpus > 0 ? (unsigned)cpus : 1, &a->sink, err);
		if (rc == 0)
			rc = node_end(r, &a->sum);
		sums[(*nr)++] = a->sum;
	}
	free(a);
	return rc;
}

/* A tree's file cut short is said before anything is written (the live file has no size). */
static int files_cover(const struct snapshot *snap, const struct kpf_files *files,
		       const struct pagemap_rules *rules, const struct bitmask *sel, struct bc_error *err)
{
	struct pagemap_acc *a = malloc(sizeof(*a));
	unsigned i;
	int rc = 0;

	if (!a)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = 0; i < snap->nr_nodes && rc == 0; i++) {
		const struct node *nd = &snap->nodes[i];

		if (!nd->has_memory || (sel && !numa_bitmask_isbitset(sel, (unsigned)nd->id)))
			continue;
		rc = pagemap_acc_init(a, rules, nd, NULL, NULL, err);
		if (rc == 0)
			rc = kpf_covers(files, a->span.need_end_pfn, err);
	}
	free(a);
	return rc;
}

/* The picture or the JSON of one size: ranges streamed as they are read. */
static int render_ranges(struct map_run *r, const struct kpf_files *files, const struct pagemap_rules *rules,
			 const struct bitmask *sel, struct bc_error *err)
{
	struct pagemap_summary *sums;
	unsigned nr = 0;
	int rc;

	sums = calloc(r->v.snap->nr_nodes + 1, sizeof(*sums));
	if (!sums)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	/* a failed write shows in ferror(), which the caller looks at */
	if (r->format == FMT_TEXT)
		map_text_begin(&r->v);
	else
		map_json_begin(&r->v);
	rc = map_nodes(r, files, rules, sel, sums, &nr, err);
	if (rc == 0 && r->format == FMT_TEXT)
		map_text_end(&r->v);
	else if (rc == 0)
		map_json_end(&r->v);
	free(sums);
	return rc;
}

/*
 * Prometheus: every size read in turn, then each family once with the
 * series of every size (sums[k * (nodes + 1)...] for size k).
 */
static int render_counts(struct map_run *r, const struct kpf_files *files, const struct pagemap_rules *rules,
			 unsigned nr_sizes, const struct bitmask *sel, struct bc_error *err)
{
	size_t stride = r->v.snap->nr_nodes + 1;
	struct pagemap_summary *sums;
	struct map_sums ms[MAP_MAX_SIZES];
	unsigned k;
	int rc = 0;

	sums = calloc(stride * nr_sizes, sizeof(*sums));
	if (!sums)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (k = 0; k < nr_sizes && rc == 0; k++) {
		r->v.size_kb = rules[k].size_kb;
		ms[k].size_kb = rules[k].size_kb;
		ms[k].s = &sums[k * stride];
		rc = map_nodes(r, files, &rules[k], sel, &sums[k * stride], &ms[k].nr, err);
	}
	if (rc == 0)
		map_prometheus(r->v.f, ms, nr_sizes, &r->v.snap->taken, clock_mono_s() - r->t0);
	free(sums);
	return rc;
}

/*
 * Everything read from the files goes out on r->v.f: 0, or -kind with err
 * for what could not be read. A failed write is the caller's to see
 * (ferror()); the files are checked before anything is written.
 */
static int render_all(struct map_run *r, const struct kpf_files *files, const struct pagemap_rules *rules,
		      unsigned nr_sizes, const struct bitmask *sel, struct bc_error *err)
{
	unsigned k;
	int rc = 0;

	for (k = 0; k < nr_sizes && rc == 0; k++)
		rc = files_cover(r->v.snap, files, &rules[k], sel, err);
	if (rc < 0)
		return rc;
	if (r->format == FMT_PROMETHEUS)
		rc = render_counts(r, files, rules, nr_sizes, sel, err);
	else
		rc = render_ranges(r, files, rules, sel, err);
	if (r->progress_shown)
		fputs("\r\033[K", stderr);
	return rc;
}

/* --output: what reading said, apart from a failed write (ownfile_replace()'s to say). */
struct map_output {
	struct map_run *r;
	const struct kpf_files *files;
	const struct pagemap_rules *rules;
	unsigned nr_sizes;
	const struct bitmask *sel;
	int rc;
	struct bc_error err;
};

static int render_output(FILE *f, void *ctx)
{
	struct map_output *o = ctx;

	o->r->v.f = f;
	o->rc = render_all(o->r, o->files, o->rules, o->nr_sizes, o->sel, &o->err);
	if (o->rc < 0)
		return o->rc;
	return ferror(f) ? -1 : 0;
}

/* Render to standard output, or atomically to --output (the path as typed, as status'). */
static int render_to(const struct status_args *a, struct map_run *r, const struct kpf_files *files,
		     const struct pagemap_rules *rules, unsigned nr_sizes, const struct bitmask *sel,
		     struct bc_error *err)
{
	struct map_output o = { r, files, rules, nr_sizes, sel, 0, { 0 } };
	int rc;

	if (a->output) {
		rc = ownfile_replace("/", a->output, false, BC_ECANTCREAT, render_output, &o, err);
		if (rc < 0 && o.rc < 0) {	/* the file was left as it was: say why reading failed */
			*err = o.err;
			rc = o.rc;
		}
		return rc;
	}
	r->v.f = stdout;
	errno = 0;
	rc = render_all(r, files, rules, nr_sizes, sel, err);
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		rc = bc_error_set(err, BC_EIO, "standard output: %s", strerror(errno ? errno : EIO));
	return rc;
}

int map_read_sums(const char *root, const struct snapshot *snap, uint64_t size_kb,
		  const struct bitmask *sel, struct pagemap_summary *sums, unsigned *nr,
		  struct bc_error *err)
{
	struct map_run r = { .format = FMT_NAGIOS };	/* no renderer: the sums only */
	struct kernel_version kv = { 0 };
	struct pagemap_rules rules;
	struct kpf_files files;
	char release[128];
	int rc;

	*nr = 0;
	kernel_release_read(root, &kv, release, sizeof(release));
	rc = pagemap_rules_init(&rules, snap, size_kb, &kv, kpf_movable_gigantic(root), err);
	if (rc == 0)
		rc = kpf_open(root, &files, err);
	if (rc < 0)
		return rc;
	r.v.snap = snap;
	r.v.size_kb = size_kb;
	rc = map_nodes(&r, &files, &rules, sel, sums, nr, err);
	kpf_close(&files);
	return rc;
}

/*
 * The sizes to map into sizes[]: --size; else, for Prometheus, every
 * hugepage size the kernel offers (the metrics timer's file has them all);
 * else the one map_size() picks.
 */
static int map_sizes(const struct snapshot *snap, const char *arg, enum out_format format,
		     uint64_t sizes[MAP_MAX_SIZES], unsigned *nr, struct bc_error *err)
{
	unsigned i;

	*nr = 0;
	if (!arg && format == FMT_PROMETHEUS && snap->nr_pools) {
		for (i = 0; i < snap->nr_pools && i < MAP_MAX_SIZES; i++)
			sizes[(*nr)++] = snap->pools[i].size_kb;
		return 0;
	}
	*nr = 1;
	return map_size(snap, arg, &sizes[0], err);
}

int cmd_map(const struct status_args *a, const char *size, struct bc_error *err)
{
	struct map_run r = { .format = a->format };
	struct pagemap_rules rules[MAP_MAX_SIZES];
	uint64_t sizes[MAP_MAX_SIZES];
	struct kernel_version kv = { 0 };
	struct bitmask *sel = NULL;
	struct kpf_files files;
	struct snapshot snap;
	char release[128];
	unsigned nr_sizes = 0, k;
	bool movable;
	int rc;

	if (a->nodes && (rc = nodelist_select(a->nodes, "--node", NULL, &sel, err)) < 0)
		return rc;
	rc = cli_snapshot(a->root, NULL, a->page_size, &snap, err);
	if (rc < 0)
		goto out;
	if (sel) {
		numa_bitmask_free(sel);
		sel = NULL;
		if ((rc = nodelist_select(a->nodes, "--node", &snap, &sel, err)) < 0)
			goto out_snap;
	}
	rc = map_sizes(&snap, size, a->format, sizes, &nr_sizes, err);
	if (rc == 0 && kernel_release_read(a->root, &kv, release, sizeof(release)) != RELEASE_PARSED)
		release[0] = '\0';
	movable = kpf_movable_gigantic(a->root);
	for (k = 0; k < nr_sizes && rc == 0; k++)
		rc = pagemap_rules_init(&rules[k], &snap, sizes[k], &kv, movable, err);
	if (rc < 0)
		goto out_snap;
	rc = kpf_open(a->root, &files, err);
	if (rc < 0)
		goto out_snap;
	r.v.snap = &snap;
	r.v.size_kb = rules[0].size_kb;
	r.v.range_pages = rules[0].range_pages;
	r.v.color = a->format == FMT_TEXT && out_color(a->color, a->output ? -1 : STDOUT_FILENO);
	r.v.kernel = release;
	r.v.flags_path = files.flags_path;
	r.v.cgroup_path = files.cgroup_fd >= 0 ? files.cgroup_path : NULL;
	r.v.cgroup_why = files.cgroup_why;
	r.tty = isatty(STDERR_FILENO);
	r.t0 = clock_mono_s();
	rc = render_to(a, &r, &files, rules, nr_sizes, sel, err);
	kpf_close(&files);
out_snap:
	snapshot_free(&snap);
out:
	if (sel)
		numa_bitmask_free(sel);
	return rc;
}
