/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl status --format json` and `buddyctl estimate --format json`:
 * one object each, described field by field by man/schema/status.schema.json
 * and man/schema/estimate.schema.json. Fields are only ever added, never renamed.
 * Indices are integers in thousandths, exactly as the kernel computes them.
 */
#include "out_json.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "meminfo.h"
#include "metrics.h"
#include "plan.h"
#include "output.h"
#include "pagesize.h"

#define JSON_SCHEMA 1


/*
 * Arrays of numbers are most of the output on a big machine (3 per zone per
 * order); formatting them by hand is several times cheaper than fprintf.
 */
static void put_i64(FILE *f, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

static void u64_array(FILE *f, const uint64_t *v, unsigned n)
{
	unsigned i;

	putc_unlocked('[', f);
	for (i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', f);
		put_i64(f, (int64_t)v[i]);
	}
	putc_unlocked(']', f);
}

static void index_array(FILE *f, const struct zone *z, unsigned nr_orders,
			int (*fn)(const struct zone *, unsigned, unsigned))
{
	unsigned k;

	putc_unlocked('[', f);
	for (k = 0; k < nr_orders; k++) {
		if (k)
			putc_unlocked(',', f);
		put_i64(f, fn(z, nr_orders, k));
	}
	putc_unlocked(']', f);
}

static void pagetypes(FILE *f, const struct zone *z, unsigned nr_orders)
{
	unsigned t, k;

	fputs(",\"pagetypes\":[", f);
	for (t = 0; t < z->nr_types; t++) {
		const struct pagetype *pt = &z->types[t];

		fprintf(f, "%s{\"type\":", t ? "," : "");
		out_json_string(f, pt->name);
		fputs(",\"free_blocks\":", f);
		u64_array(f, pt->free, nr_orders);
		fputs(",\"at_least\":[", f);
		for (k = 0; k < nr_orders; k++) {
			if (k)
				putc_unlocked(',', f);
			fputs(pt->at_least[k] ? "true" : "false", f);
		}
		fprintf(f, "],\"pageblocks\":%" PRIu64 "}", pt->pageblocks);
	}
	fputc(']', f);
}

static void zone_obj(FILE *f, const struct snapshot *snap, const struct zone *z)
{
	unsigned ho = (unsigned)snap->hpage_order;

	fputs("{\"zone\":", f);
	out_json_string(f, z->name);
	fputs(",\"free_blocks\":", f);
	u64_array(f, z->free_blocks, snap->nr_orders);
	fprintf(f, ",\"free_pages\":%" PRIu64, z->free_pages);
	fputs(",\"unusable_index\":", f);
	index_array(f, z, snap->nr_orders, metrics_unusable_index);
	fputs(",\"fragmentation_index\":", f);
	index_array(f, z, snap->nr_orders, metrics_fragmentation_index);
	fprintf(f, ",\"largest_free_order\":%d", metrics_zone_largest_order(z, snap->nr_orders));
	fprintf(f, ",\"extfrag_percent\":%d", metrics_extfrag(z, snap->nr_orders, ho));
	if (!z->in_zoneinfo) {
		/* zoneinfo not read: unknown (the top-level "missing" says why) */
		fputs(",\"managed_pages\":null,\"present_pages\":null,\"spanned_pages\":null"
		      ",\"zoneinfo_free_pages\":null,\"watermarks\":null,\"protection\":null", f);
	} else {
		fprintf(f, ",\"managed_pages\":%" PRIu64 ",\"present_pages\":%" PRIu64
			",\"spanned_pages\":%" PRIu64 ",\"zoneinfo_free_pages\":%" PRIu64,
			z->managed, z->present, z->spanned, z->zi_free);
		fprintf(f, ",\"watermarks\":{\"min\":%" PRIu64 ",\"low\":%" PRIu64 ",\"high\":%" PRIu64 "}",
			z->min, z->low, z->high);
		fputs(",\"protection\":", f);
		u64_array(f, z->protection, z->nr_protection);
	}
	if (snap->has_pagetypeinfo)
		pagetypes(f, z, snap->nr_orders);
	fputc('}', f);
}

static void pool_obj(FILE *f, const struct hugepool *p, bool global, int64_t suitable)
{
	fprintf(f, "{\"size_kb\":%" PRIu64 ",\"total\":%" PRIu64 ",\"free\":%" PRIu64
		",\"surplus\":%" PRIu64, p->size_kb, p->nr, p->free, p->surplus);
	if (global)
		fprintf(f, ",\"reserved\":%" PRIu64 ",\"overcommit\":%" PRIu64 ",\"available\":%" PRIu64,
			p->resv, p->overcommit, p->free > p->resv ? p->free - p->resv : 0);
	else if (suitable >= 0)
		fprintf(f, ",\"buddy_ready\":%" PRId64, suitable);
	else
		fputs(",\"buddy_ready\":null", f);
	fputc('}', f);
}

static void meminfo_obj(FILE *f, const struct meminfo *mi)
{
	static const struct { enum meminfo_field fld; const char *key; } keys[] = {
		{ MI_MEM_TOTAL, "mem_total_kb" }, { MI_MEM_FREE, "mem_free_kb" },
		{ MI_ACTIVE_FILE, "active_file_kb" }, { MI_INACTIVE_FILE, "inactive_file_kb" },
		{ MI_FILE_PAGES, "file_pages_kb" }, { MI_DIRTY, "dirty_kb" },
		{ MI_WRITEBACK, "writeback_kb" }, { MI_SHMEM, "shmem_kb" },
		{ MI_SRECLAIMABLE, "slab_reclaimable_kb" }, { MI_SUNRECLAIM, "slab_unreclaimable_kb" },
		{ MI_MLOCKED, "mlocked_kb" },
	};
	unsigned i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (meminfo_has(mi, keys[i].fld))
			fprintf(f, ",\"%s\":%" PRIu64, keys[i].key, mi->v[keys[i].fld]);
}

/* check's finding of the node, with the field names of check's JSON findings[] */
static void check_obj(FILE *f, const struct node_check *c)
{
	fprintf(f, ",\"check\":{\"level\":\"%s\",\"order\":%d,\"unusable_index\":%d,"
		"\"fragmentation_index\":%d,\"free_blocks_at_order\":%" PRIu64 ",\"why\":",
		level_name(c->level), c->order, c->unusable, c->fragindex, c->blocks);
	out_json_string(f, c->why);
	fputc('}', f);
}

static void verdict_obj(FILE *f, const struct node_explain *x)
{
	unsigned i;

	fputs(",\"verdict\":{\"text\":", f);
	out_json_string(f, x->text);
	fputs(",\"sizes\":[", f);
	for (i = 0; i < x->nr_sizes; i++) {
		const struct size_verdict *v = &x->sizes[i];

		fprintf(f, "%s{\"size_kb\":%" PRIu64 ",\"order\":%d,\"hugepage\":%s,\"gigantic\":%s,"
			"\"judged\":%s,\"reach\":\"%s\",\"pages\":%" PRIu64 ",\"now\":%" PRIu64
			",\"after_compaction\":%" PRIu64 ",\"after_reclaim\":%" PRIu64 "}",
			i ? "," : "", v->size_kb, v->order, v->hugepage ? "true" : "false",
			v->gigantic ? "true" : "false", v->judged ? "true" : "false", reach_name(v->reach),
			v->pages, v->now, v->compact, v->reclaim);
	}
	fputs("]}", f);
}

static void node_obj(FILE *f, const struct snapshot *snap, const struct node *n,
		     const struct outopts *o)
{
	const struct node_explain *x = explain_node(o->explain, n->id);
	unsigned i, first = 1;
	int score = metrics_compaction_score(n, snap->nr_orders, (unsigned)snap->hpage_order);

	fprintf(f, "{\"node\":%d,\"has_memory\":%s,\"has_cpu\":%s", n->id,
		n->has_memory ? "true" : "false", n->has_cpu ? "true" : "false");
	fprintf(f, ",\"free_pages\":%" PRIu64, metrics_node_free_pages(n));
	fprintf(f, ",\"largest_free_order\":%d", metrics_node_largest_order(n, snap->nr_orders));
	if (score < 0)
		fputs(",\"compaction_score\":null", f);
	else
		fprintf(f, ",\"compaction_score\":%d", score);
	if (x) {
		fprintf(f, ",\"proactive_compaction\":%s",
			x->proactive == PROACTIVE_COMPACTING ? "true" :
			x->proactive == PROACTIVE_UNKNOWN ? "null" : "false");
		check_obj(f, &x->check);
		verdict_obj(f, x);
	}
	if (n->has_meminfo)
		meminfo_obj(f, &n->meminfo);
	fputs(",\"zones\":[", f);
	for (i = 0; i < n->nr_zones; i++) {
		if (!n->zones[i].in_buddyinfo)
			continue;
		if (!first)
			fputc(',', f);
		first = 0;
		fputs("\n  ", f);	/* a line per zone keeps diffs readable */
		zone_obj(f, snap, &n->zones[i]);
	}
	if (n->lost & LOST_POOLS) {
		fputs("],\"hugepages\":null}", f);
		return;
	}
	fputs("],\"hugepages\":[", f);
	for (i = 0; i < n->nr_pools; i++) {
		if (i)
			fputc(',', f);
		pool_obj(f, &n->pools[i], false, metrics_node_suitable(snap, n, n->pools[i].size_kb));
	}
	fputs("]}", f);
}

int status_json(FILE *f, const struct snapshot *snap, const struct outopts *o)
{
	char when[32];
	struct tm tm;
	unsigned i, first = 1;

	gmtime_r(&snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "{\"schema\":%d,\"version\":\"%s\",\"time\":\"%s\",\"time_unix\":%lld.%03ld,",
		JSON_SCHEMA, BUDDYCTL_VERSION, when, (long long)snap->taken.tv_sec,
		snap->taken.tv_nsec / 1000000);
	fputs("\"root\":", f);
	if (snap->root)
		out_json_string(f, snap->root);
	else
		fputs("null", f);	/* --buddyinfo: no tree */
	fputs(",\"capture\":", f);
	if (snap->capture)
		out_json_string(f, snap->capture);
	else
		fputs("null", f);
	fprintf(f, ",\"page_size\":%u,\"page_size_source\":\"%s\",\"page_size_evidence\":",
		snap->page_size, pagesize_source_name(snap->page_size_source));
	out_json_string(f, snap->page_size_evidence);
	fprintf(f, ",\"orders\":%u,\"hugepage_order\":%d,\"pageblock_order\":",
		snap->nr_orders, snap->hpage_order);
	if (snap->pageblock_order >= 0)
		fprintf(f, "%d", snap->pageblock_order);
	else
		fputs("null", f);
	fprintf(f, ",\"pagetypeinfo\":%s", snap->has_pagetypeinfo ? "true" : "false");
	fprintf(f, ",\"managed_from_present\":%s", snap->managed_from_present ? "true" : "false");
	if (snap->missing[IN_MEMINFO].file)
		fputs(",\"default_hugepage_kb\":null", f);
	else
		fprintf(f, ",\"default_hugepage_kb\":%" PRIu64, snap->default_hugepage_kb);
	out_json_missing(f, snap);
	if (snap->missing[IN_VMSTAT].file) {
		fputs(",\"vmstat\":null", f);
	} else {
		fputs(",\"vmstat\":{", f);
		for (i = 0; i < VM_NR_FIELDS; i++)
			if (snap->vmstat.seen & (1u << i))
				fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",", vmstat_name((enum vmstat_field)i),
					snap->vmstat.v[i]), first = 0;
		fputs("}", f);
	}
	if (o->explain) {
		const struct explain *ex = o->explain;

		if (ex->proactiveness < 0)
			fputs(",\"proactive_compaction\":null", f);
		else if (ex->proactiveness == 0)
			fputs(",\"proactive_compaction\":{\"proactiveness\":0,\"start_above\":null,\"stop_at\":null}", f);
		else
			fprintf(f, ",\"proactive_compaction\":{\"proactiveness\":%d,\"start_above\":%d,\"stop_at\":%d}",
				ex->proactiveness, ex->wmark_high, ex->wmark_low);
		fputs(",\"policy\":", f);
		out_json_string(f, ex->policy);
	}
	first = 1;
	if (snap->missing[IN_HUGEPAGES].file) {
		fputs(",\"hugepages\":null", f);
	} else {
		fputs(",\"hugepages\":[", f);
		for (i = 0; i < snap->nr_pools; i++) {
			if (i)
				fputc(',', f);
			pool_obj(f, &snap->pools[i], true, -1);
		}
		fputc(']', f);
	}
	fputs(",\"nodes\":[", f);
	for (i = 0; i < snap->nr_nodes; i++) {
		if (!out_node_selected(o, snap->nodes[i].id))
			continue;
		if (!first)
			fputc(',', f);
		first = 0;
		fputs("\n ", f);
		node_obj(f, snap, &snap->nodes[i], o);
	}
	fputs("]}\n", f);
	return ferror(f) ? -1 : 0;
}

static const char *const note_keys[] = {
	"no_pagetypeinfo", "gigantic", "no_node_meminfo", "not_in_buddy", "capped", "no_zoneinfo",
	"no_pool",
};

void estimate_json_one(FILE *f, const struct estimate *e)
{
	unsigned i, k = 0;

	char cap[24] = "null", fb[24] = "null", hb[24] = "null", pb[24] = "null";

	/* no zoneinfo: the capacity is unknown */
	if (!(e->notes & EST_NO_ZONEINFO))
		snprintf(cap, sizeof(cap), "%llu", (unsigned long long)e->capacity);
	/* check's free blocks and the other terms of "now": buddy sizes only */
	if (!e->gigantic) {
		snprintf(fb, sizeof(fb), "%llu", (unsigned long long)e->free_blocks);
		snprintf(hb, sizeof(hb), "%llu", (unsigned long long)e->held_blocks);
		snprintf(pb, sizeof(pb), "%llu", (unsigned long long)e->pcp_blocks);
	}
	fprintf(f, "{\"node\":%d,\"size_kb\":%llu,\"order\":%d,\"gigantic\":%s,\"pool\":%llu,"
		"\"now\":%llu,\"after_compaction\":%llu,\"after_reclaim\":%llu,\"capacity\":%s,"
		"\"free_kb\":%llu,\"pcp_kb\":%llu,\"ready_kb\":%llu,\"reserve_kb\":%llu,\"stuck_kb\":%llu,"
		"\"stuck_reclaimable_kb\":%llu,\"page_cache_kb\":%llu,\"slab_reclaimable_kb\":%llu,"
		"\"not_in_buddy_kb\":%llu,\"free_blocks_at_order\":%s,\"held_blocks\":%s,\"pcp_blocks\":%s,"
		"\"pageblocks_movable\":",
		e->node, (unsigned long long)e->size_kb, e->order, e->gigantic ? "true" : "false",
		(unsigned long long)e->pool, (unsigned long long)e->now,
		(unsigned long long)e->compact, (unsigned long long)e->reclaim,
		cap, (unsigned long long)e->free_kb,
		(unsigned long long)e->pcp_kb, (unsigned long long)e->ready_kb, (unsigned long long)e->reserve_kb,
		(unsigned long long)e->stuck_kb, (unsigned long long)e->stuck_reclaimable_kb,
		(unsigned long long)e->cache_kb, (unsigned long long)e->slab_kb,
		(unsigned long long)e->not_in_buddy_kb, fb, hb, pb);
	if (e->pageblocks_movable < 0)
		fputs("null", f);
	else
		fprintf(f, "%lld", (long long)e->pageblocks_movable);
	fprintf(f, ",\"pageblocks_unmovable\":%llu,\"notes\":[", (unsigned long long)e->pageblocks_unmovable);
	for (i = 0; i < sizeof(note_keys) / sizeof(note_keys[0]); i++)
		if (e->notes & (1u << i))
			fprintf(f, "%s\"%s\"", k++ ? "," : "", note_keys[i]);
	fputs("]}", f);
}

int estimate_json(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n)
{
	char when[40];
	struct tm tm;
	unsigned i;

	gmtime_r(&snap->taken.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "{\"schema\":1,\"command\":\"estimate\",\"version\":\"%s\",\"time\":\"%s\",\"root\":",
		BUDDYCTL_VERSION, when);
	out_json_string(f, snap->root);
	fprintf(f, ",\"page_size\":%u,\"pagetypeinfo\":%s,\"pagetypeinfo_error\":", snap->page_size,
		snap->has_pagetypeinfo ? "true" : "false");
	if (snap->has_pagetypeinfo || !snap->pagetypeinfo_why[0])
		fputs("null", f);
	else
		out_json_string(f, snap->pagetypeinfo_why);
	out_json_missing(f, snap);
	fprintf(f, ",\"not_in_buddy_kb\":%llu,\"estimates\":[",
		(unsigned long long)estimate_not_in_buddy_kb(snap));
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n " : "\n ", f);
		estimate_json_one(f, &e[i]);
	}
	fputs("]}\n", f);
	return ferror(f) ? -1 : 0;
}

/*
 * `buddyctl map --format json`: one object (man/schema/map.schema.json),
 * written as the map is read: every range of every node, then the node's
 * sums. A class count is always there, 0 or not.
 */
static void map_counts(FILE *f, const char *name, const uint64_t *v, unsigned n,
		       const char *(*label)(unsigned))
{
	unsigned i;

	fprintf(f, ",\"%s\":{", name);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", label(i));
		put_i64(f, (int64_t)v[i]);
	}
	putc_unlocked('}', f);
}

static const char *page_label(unsigned c)
{
	return page_class_name((enum page_class)c);
}

static const char *range_label(unsigned c)
{
	return range_class_name((enum range_class)c);
}

int map_json_begin(struct map_view *v)
{
	FILE *f = v->f;

	fprintf(f, "{\"schema\":%d,\"size_kb\":%llu,\"page_size\":%u,\"range_pages\":%llu,\"kernel\":",
		JSON_SCHEMA, (unsigned long long)v->size_kb, v->snap->page_size,
		(unsigned long long)v->range_pages);
	if (v->kernel[0])
		out_json_string(f, v->kernel);
	else
		fputs("null", f);
	fputs(",\"kpageflags\":", f);
	out_json_string(f, v->flags_path);
	fputs(",\"kpagecgroup\":", f);
	if (v->cgroup_path)
		out_json_string(f, v->cgroup_path);
	else
		fputs("null", f);
	fputs(",\"kpagecgroup_error\":", f);
	if (v->cgroup_path)
		fputs("null", f);
	else
		out_json_string(f, v->cgroup_why);
	fputs(",\"nodes\":[", f);
	return ferror(f) ? -1 : 0;
}

int map_json_node_begin(struct map_view *v, const struct pagemap_acc *a)
{
	FILE *f = v->f;
	unsigned k;

	fprintf(f, "%s\n{\"node\":%d,\"first_pfn\":%llu,\"end_pfn\":%llu,\"zones\":[", v->nodes > 1 ? "," : "",
		a->sum.node, (unsigned long long)a->span.start_pfn, (unsigned long long)a->span.end_pfn);
	for (k = 0; k < a->nr_zones; k++) {
		fprintf(f, "%s{\"zone\":", k ? "," : "");
		out_json_string(f, a->zones[k].name);
		fprintf(f, ",\"start_pfn\":%llu,\"end_pfn\":%llu,\"usable\":%s}",
			(unsigned long long)a->zones[k].start_pfn, (unsigned long long)a->zones[k].end_pfn,
			a->zones[k].usable ? "true" : "false");
	}
	fputs("],\"ranges\":[", f);
	v->ranges = 0;
	return ferror(f) ? -1 : 0;
}

/*
 * {"pfn":N,"zone":"Normal"|null,"class":"blocked","blocker":"slab"|null,
 *  "blockers":["slab",...],"pages":{...},"mlocked":N}
 */
void map_json_range(struct map_view *v, const struct map_range *m)
{
	FILE *f = v->f;
	const char *sep = "";
	unsigned c;

	fputs(v->ranges++ ? ",\n {\"pfn\":" : "\n {\"pfn\":", f);
	put_i64(f, (int64_t)m->rc->first_pfn);
	fputs(",\"zone\":", f);
	if (m->zone)
		out_json_string(f, m->zone->name);
	else
		fputs("null", f);
	fprintf(f, ",\"class\":\"%s\",\"blocker\":", range_class_name(m->cls));
	if (m->blocker < PC_NR)
		fprintf(f, "\"%s\"", page_class_name(m->blocker));
	else
		fputs("null", f);
	fputs(",\"blockers\":[", f);
	for (c = 0; c < PC_NR; c++)
		if (m->blockers & (1u << c)) {
			fprintf(f, "%s\"%s\"", sep, page_class_name((enum page_class)c));
			sep = ",";
		}
	putc_unlocked(']', f);
	sep = "";
	fputs(",\"pages\":{", f);
	for (c = 0; c < PC_NR; c++)
		if (m->rc->pages[c]) {
			fprintf(f, "%s\"%s\":", sep, page_class_name((enum page_class)c));
			put_i64(f, m->rc->pages[c]);
			sep = ",";
		}
	fputs("},\"mlocked\":", f);
	put_i64(f, m->rc->mlocked);
	putc_unlocked('}', f);
}

int map_json_node_end(struct map_view *v, const struct pagemap_summary *s, const char *verdict)
{
	FILE *f = v->f;

	fputs("]", f);
	map_counts(f, "ranges_by_class", s->ranges, RC_NR, range_label);
	map_counts(f, "blocked_by", s->blocked_by, PC_NR, page_label);
	map_counts(f, "ranges_holding", s->holding, PC_NR, page_label);
	map_counts(f, "pages", s->pages, PC_NR, page_label);
	fprintf(f, ",\"movable_to_move\":%llu,\"mlocked_to_move\":%llu,\"verdict\":",
		(unsigned long long)s->movable_to_move, (unsigned long long)s->mlocked);
	out_json_string(f, verdict);
	putc_unlocked('}', f);
	return ferror(f) ? -1 : 0;
}

int map_json_end(struct map_view *v)
{
	fputs("]}\n", v->f);
	return ferror(v->f) ? -1 : 0;
}
