/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl status --format prometheus`: the text exposition format, for
 * node_exporter's textfile collector. Base units (bytes, ratios 0..1),
 * labels node, zone, order, size (bytes). Each family is written whole,
 * HELP and TYPE first. The HELP lines are the metrics' documentation.
 * `check --format prometheus` adds what the policy asks of each pool.
 */
#include "out_prom.h"

#include <inttypes.h>
#include <stddef.h>

#include "meminfo.h"
#include "metrics.h"
#include "output.h"
#include "report.h"

static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP buddyctl_%s %s\n# TYPE buddyctl_%s gauge\n", name, help, name);
}

/* thousandths -> ratio with exactly three decimals, as the kernel prints */
static void ratio(FILE *f, int v)
{
	fprintf(f, "%s%d.%03d\n", v < 0 ? "-" : "", (v < 0 ? -v : v) / 1000, (v < 0 ? -v : v) % 1000);
}

/*
 * A label value as the exposition format has it: \\, \" and \n escaped
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), so that no
 * name can end the label or the sample line. The parsers take only
 * [A-Za-z0-9_-] for zone and migrate type names; this holds whatever
 * they take.
 */
static void label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* {node="N",zone="NAME" -- the labels of every zone series, left open. */
static void zone_labels(FILE *f, const struct node *n, const struct zone *z)
{
	fprintf(f, "{node=\"%d\",zone=\"", n->id);
	label_value(f, z->name);
	fputc('"', f);
}

typedef void (*zone_fn)(FILE *f, const struct snapshot *snap, const struct node *n,
			const struct zone *z);

static void each_zone(FILE *f, const struct snapshot *snap, const struct outopts *o, zone_fn fn)
{
	unsigned i, k;

	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];

		if (!out_node_selected(o, n->id))
			continue;
		for (k = 0; k < n->nr_zones; k++)
			if (n->zones[k].in_buddyinfo)
				fn(f, snap, n, &n->zones[k]);
	}
}

static void z_free_blocks(FILE *f, const struct snapshot *snap, const struct node *n,
			  const struct zone *z)
{
	unsigned k;

	for (k = 0; k < snap->nr_orders; k++) {
		fputs("buddyctl_free_blocks", f);
		zone_labels(f, n, z);
		fprintf(f, ",order=\"%u\"} %" PRIu64 "\n", k, z->free_blocks[k]);
	}
}

static void z_unusable(FILE *f, const struct snapshot *snap, const struct node *n,
		       const struct zone *z)
{
	unsigned k;

	for (k = 0; k < snap->nr_orders; k++) {
		fputs("buddyctl_unusable_free_ratio", f);
		zone_labels(f, n, z);
		fprintf(f, ",order=\"%u\"} ", k);
		ratio(f, metrics_unusable_index(z, snap->nr_orders, k));
	}
}

static void z_fragidx(FILE *f, const struct snapshot *snap, const struct node *n,
		      const struct zone *z)
{
	unsigned k;

	for (k = 0; k < snap->nr_orders; k++) {
		fputs("buddyctl_fragmentation_index", f);
		zone_labels(f, n, z);
		fprintf(f, ",order=\"%u\"} ", k);
		ratio(f, metrics_fragmentation_index(z, snap->nr_orders, k));
	}
}

static void z_free_bytes(FILE *f, const struct snapshot *snap, const struct node *n,
			 const struct zone *z)
{
	fputs("buddyctl_zone_free_bytes", f);
	zone_labels(f, n, z);
	fprintf(f, "} %" PRIu64 "\n", z->free_pages * snap->page_size);
}

static void z_managed(FILE *f, const struct snapshot *snap, const struct node *n,
		      const struct zone *z)
{
	if (!z->in_zoneinfo)
		return;		/* zoneinfo not read: no series */
	fputs("buddyctl_zone_managed_bytes", f);
	zone_labels(f, n, z);
	fprintf(f, "} %" PRIu64 "\n", z->managed * snap->page_size);
}

static void z_wmark(FILE *f, const struct snapshot *snap, const struct node *n,
		    const struct zone *z)
{
	const char *lvl[] = { "min", "low", "high" };
	uint64_t v[] = { z->min, z->low, z->high };
	unsigned i;

	if (!z->in_zoneinfo)
		return;		/* no watermarks known */
	for (i = 0; i < 3; i++) {
		fputs("buddyctl_zone_watermark_bytes", f);
		zone_labels(f, n, z);
		fprintf(f, ",level=\"%s\"} %" PRIu64 "\n", lvl[i], v[i] * snap->page_size);
	}
}

static void z_pageblocks(FILE *f, const struct snapshot *snap, const struct node *n,
			 const struct zone *z)
{
	unsigned t;

	(void)snap;
	for (t = 0; t < z->nr_types; t++) {
		fputs("buddyctl_pageblocks", f);
		zone_labels(f, n, z);
		fputs(",type=\"", f);
		label_value(f, z->types[t].name);
		fprintf(f, "\"} %" PRIu64 "\n", z->types[t].pageblocks);
	}
}

typedef void (*node_fn)(FILE *f, const struct snapshot *snap, const struct node *n);

static void each_node(FILE *f, const struct snapshot *snap, const struct outopts *o, node_fn fn)
{
	unsigned i;

	for (i = 0; i < snap->nr_nodes; i++)
		if (out_node_selected(o, snap->nodes[i].id) && snap->nodes[i].has_memory)
			fn(f, snap, &snap->nodes[i]);
}

static void n_largest(FILE *f, const struct snapshot *snap, const struct node *n)
{
	int o = metrics_node_largest_order(n, snap->nr_orders);

	fprintf(f, "buddyctl_node_largest_free_block_bytes{node=\"%d\"} %" PRIu64 "\n", n->id,
		o < 0 ? 0 : (uint64_t)snap->page_size << o);
}

static void n_score(FILE *f, const struct snapshot *snap, const struct node *n)
{
	int s = metrics_compaction_score(n, snap->nr_orders, (unsigned)snap->hpage_order);

	if (s < 0)
		return;		/* present pages unknown: no series */
	fprintf(f, "buddyctl_node_compaction_score_ratio{node=\"%d\"} %d.%02d\n", n->id,
		s / 100, s % 100);
}

static void node_unusable(FILE *f, const struct snapshot *snap, const struct outopts *o)
{
	unsigned i;

	for (i = 0; o->explain && i < snap->nr_nodes; i++) {
		const struct node_explain *x = explain_node(o->explain, snap->nodes[i].id);

		if (!x || !out_node_selected(o, x->node))
			continue;
		fprintf(f, "buddyctl_node_unusable_free_ratio{node=\"%d\",order=\"%d\"} ", x->node,
			x->check.order);
		ratio(f, x->check.unusable);
	}
}

static void n_memtotal(FILE *f, const struct snapshot *snap, const struct node *n)
{
	(void)snap;
	if (n->has_meminfo)
		fprintf(f, "buddyctl_node_memory_total_bytes{node=\"%d\"} %" PRIu64 "\n", n->id,
			n->meminfo.v[MI_MEM_TOTAL] * 1024);
}

static void pools(FILE *f, const struct snapshot *snap, const struct outopts *o,
		  const char *metric, int what)
{
	unsigned i, k;

	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];

		if (!out_node_selected(o, n->id))
			continue;
		for (k = 0; k < n->nr_pools; k++) {
			const struct hugepool *p = &n->pools[k];
			int64_t v;

			switch (what) {
			case 0: v = (int64_t)p->nr; break;
			case 1: v = (int64_t)p->free; break;
			case 2: v = (int64_t)p->surplus; break;
			default: v = metrics_node_suitable(snap, n, p->size_kb); break;
			}
			if (v < 0)
				continue;	/* gigantic: buddy never hands these out */
			fprintf(f, "buddyctl_%s{node=\"%d\",size=\"%" PRIu64 "\"} %" PRId64 "\n",
				metric, n->id, p->size_kb * 1024, v);
		}
	}
}

static void timestamp(FILE *f, const struct snapshot *snap)
{
	family(f, "snapshot_timestamp_seconds", "When the snapshot was taken (Unix time): a file no longer rewritten shows as this value growing old.");
	fprintf(f, "buddyctl_snapshot_timestamp_seconds %lld.%03ld\n", (long long)snap->taken.tv_sec,
		snap->taken.tv_nsec / 1000000);
}

/*
 * What check judges, from policy_judge()'s findings (status and check):
 * each node's level, each policy pool's target, shortfall, whether it is
 * mandatory and what it holds above its target, with the labels of buddyctl_hugepages to join on. The
 * families are written even when empty (a policy without pools), so that
 * their names are always there. index: also the node-wide index (check;
 * status writes it from the explanation, before).
 */
static void judged(FILE *f, const struct finding *fs, unsigned n, const struct outopts *o,
		   bool index)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "node_unusable_free_ratio", "Unusable free space index of the node's free lists taken together, at the order check judges the node at, 0..1." },
		{ "node_level", "What check judges the node to be: 0 ok, 1 warn, 2 crit." },
		{ "hugepages_target", "Hugepages the policy asks of the node's pool ([hugepages SIZE] count, or its share of total)." },
		{ "hugepages_short", "Hugepages the node's pool lacks of its policy target, 0 when met; absent when the pool was not read." },
		{ "hugepages_mandatory", "1 when the policy marks the pool mandatory (short is crit), else 0." },
		{ "hugepages_above", "Hugepages the node's pool holds above its policy target, 0 when at or below; left as they are (the target is a floor) unless the section says shrink = yes; absent when the pool was not read." },
	};
	unsigned k, i;

	for (k = index ? 0 : 1; k < sizeof(fam) / sizeof(fam[0]); k++) {
		family(f, fam[k].name, fam[k].help);
		for (i = 0; i < n; i++) {
			const struct finding *x = &fs[i];

			if (o && !out_node_selected(o, x->node))
				continue;
			if ((k <= 1) != (x->kind == FINDING_FRAGMENTATION))
				continue;
			if (k == 0) {
				fprintf(f, "buddyctl_node_unusable_free_ratio{node=\"%d\",order=\"%d\"} ",
					x->node, x->order);
				ratio(f, x->unusable);
				continue;
			}
			if (k == 1) {
				fprintf(f, "buddyctl_node_level{node=\"%d\"} %d\n", x->node, (int)x->level);
				continue;
			}
			if ((k == 3 || k == 5) && x->unknown)
				continue;
			fprintf(f, "buddyctl_%s{node=\"%d\",size=\"%" PRIu64 "\"} %" PRIu64 "\n", fam[k].name,
				x->node, x->size_kb * 1024,
				k == 2 ? x->target : k == 3 ? x->shortfall : k == 4 ? (uint64_t)x->mandatory
				: x->actual > x->target ? x->actual - x->target : 0);
		}
	}
}

int status_prometheus(FILE *f, const struct snapshot *snap, const struct outopts *o)
{
	family(f, "free_blocks", "Free blocks of 2^order pages (/proc/buddyinfo).");
	each_zone(f, snap, o, z_free_blocks);
	family(f, "unusable_free_ratio", "Unusable free space index at this order, 0..1 (kernel extfrag/unusable_index).");
	each_zone(f, snap, o, z_unusable);
	family(f, "fragmentation_index", "Fragmentation index at this order, -1 (would succeed) or 0..1 (kernel extfrag/extfrag_index).");
	each_zone(f, snap, o, z_fragidx);
	family(f, "zone_free_bytes", "Free memory in the zone's buddy lists.");
	each_zone(f, snap, o, z_free_bytes);
	family(f, "zone_managed_bytes", "Memory managed by the buddy allocator in the zone; zones with zoneinfo only.");
	each_zone(f, snap, o, z_managed);
	family(f, "zone_watermark_bytes", "Zone watermarks (/proc/zoneinfo min, low, high); zones with zoneinfo only.");
	each_zone(f, snap, o, z_wmark);
	if (snap->has_pagetypeinfo) {
		family(f, "pageblocks", "Pageblocks per migrate type (/proc/pagetypeinfo).");
		each_zone(f, snap, o, z_pageblocks);
	}
	family(f, "node_memory_total_bytes", "Memory managed on the node (nodeN/meminfo MemTotal).");
	each_node(f, snap, o, n_memtotal);
	family(f, "node_largest_free_block_bytes", "Largest free block on the node, 0 when none.");
	each_node(f, snap, o, n_largest);
	family(f, "node_compaction_score_ratio", "Proactive compaction fragmentation score of the node, 0..1.");
	each_node(f, snap, o, n_score);
	if (o->explain) {
		family(f, "node_unusable_free_ratio", "Unusable free space index of the node's free lists taken together, at the order check judges the node at, 0..1.");
		node_unusable(f, snap, o);
		if (o->explain->proactiveness >= 0) {
			family(f, "compaction_proactiveness", "vm.compaction_proactiveness, 0..100; 0: kcompactd never compacts proactively; absent when its file is.");
			fprintf(f, "buddyctl_compaction_proactiveness %d\n", o->explain->proactiveness);
		}
		if (o->explain->wmark_high >= 0) {
			family(f, "compaction_proactive_start_ratio", "Compaction score above which kcompactd compacts a node proactively, 0..1 (as buddyctl_node_compaction_score_ratio); absent when proactiveness is 0 or unknown.");
			fprintf(f, "buddyctl_compaction_proactive_start_ratio %d.%02d\n",
				o->explain->wmark_high / 100, o->explain->wmark_high % 100);
		}
	}
	family(f, "hugepages", "Hugepages in the node's pool (nr_hugepages, includes surplus); the label size is the hugepage size in bytes.");
	pools(f, snap, o, "hugepages", 0);
	family(f, "hugepages_free", "Free hugepages in the node's pool.");
	pools(f, snap, o, "hugepages_free", 1);
	family(f, "hugepages_surplus", "Surplus hugepages in the node's pool.");
	pools(f, snap, o, "hugepages_surplus", 2);
	family(f, "hugepages_buddy_ready", "Free blocks of this size or larger in the node's buddy free lists, counted in blocks of this size (check's free blocks; not estimate's now); absent for gigantic sizes.");
	pools(f, snap, o, "hugepages_buddy_ready", 3);
	judged(f, o->findings, o->nr_findings, o, false);
	family(f, "page_size_bytes", "Base page size.");
	fprintf(f, "buddyctl_page_size_bytes %u\n", snap->page_size);
	family(f, "pagetypeinfo_available", "1 when /proc/pagetypeinfo could be read.");
	fprintf(f, "buddyctl_pagetypeinfo_available %d\n", snap->has_pagetypeinfo);
	timestamp(f, snap);
	return ferror(f) ? -1 : 0;
}

int report_prometheus(FILE *f, const struct report *r)
{
	judged(f, r->findings, r->nr_findings, NULL, true);
	timestamp(f, r->before);
	return ferror(f) ? -1 : 0;
}

/*
 * `buddyctl map --format prometheus`: per node and size the ranges of each
 * class, the blocked ones by what blocks them first, and the pages of each
 * class. Labels node, size (bytes), class or blocker. A family's series of
 * every size follow its one # TYPE line: the text format allows no second.
 */
static void map_family(FILE *f, const char *name, const char *help, const char *label,
		       const struct map_sums *ms, unsigned nr_sizes, size_t off,
		       unsigned n, const char *(*word)(unsigned))
{
	unsigned k, i, c;

	family(f, name, help);
	for (k = 0; k < nr_sizes; k++)
		for (i = 0; i < ms[k].nr; i++)
			for (c = 0; c < n; c++)
				fprintf(f, "buddyctl_%s{node=\"%d\",size=\"%llu\",%s=\"%s\"} %llu\n", name,
					ms[k].s[i].node, (unsigned long long)ms[k].size_kb * 1024, label, word(c),
					(unsigned long long)((const uint64_t *)((const char *)&ms[k].s[i] + off))[c]);
}

static const char *range_word(unsigned c)
{
	return range_class_name((enum range_class)c);
}

static const char *page_word(unsigned c)
{
	return page_class_name((enum page_class)c);
}

int map_prometheus(FILE *f, const struct map_sums *ms, unsigned nr_sizes, const struct timespec *taken,
		   double seconds)
{
	map_family(f, "map_ranges", "Aligned ranges of the size on the node by class: free, compactable (free and movable pages only), maybe (flag-less pages besides), blocked, pool (hugetlb already), outside (crosses a zone or in one the size never comes from); buddyctl map.",
		   "class", ms, nr_sizes, offsetof(struct pagemap_summary, ranges), RC_NR, range_word);
	map_family(f, "map_blocked_ranges", "Blocked ranges of the size on the node by the first of what blocks them (hole, reserved, offline, other, kernel, pagetable, pool, slab).",
		   "blocker", ms, nr_sizes, offsetof(struct pagemap_summary, blocked_by), PC_NR, page_word);
	map_family(f, "map_pages", "Pages by class in the node's ranges of the size, those outside left out.",
		   "class", ms, nr_sizes, offsetof(struct pagemap_summary, pages), PC_NR, page_word);
	/* its own names: node_exporter refuses a metric that two files hold (status' file has the snapshot's) */
	family(f, "map_timestamp_seconds", "When the map was read (Unix time): the age of the file.");
	fprintf(f, "buddyctl_map_timestamp_seconds %lld.%03ld\n", (long long)taken->tv_sec, taken->tv_nsec / 1000000);
	family(f, "map_duration_seconds", "How long reading the map took, every size and node (mostly the kernel's time in kpageflags).");
	fprintf(f, "buddyctl_map_duration_seconds %.3f\n", seconds);
	return ferror(f) ? -1 : 0;
}
