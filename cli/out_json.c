/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every JSON document buddyctl prints, through the one writer (jsonw.h):
 * `status`, `estimate`, the report of `check`, `plan`, `apply` and the
 * one-off actions, `diff` and `map`. Each is described field by field by its
 * schema, man/schema/{status,estimate,check,plan,diff,map}.schema.json, which
 * make check validates every output of every fixture tree against
 * (tests/json_schema_check.py). Fields are only ever added, never renamed.
 * Indices are integers in thousandths, exactly as the kernel computes them.
 */
#include "out_json.h"

#include <time.h>

#include "jsonw.h"
#include "meminfo.h"
#include "metrics.h"
#include "nodelist.h"
#include "pagesize.h"

#define JSON_SCHEMA 1

/* --- shared by several documents ------------------------------------------- */

/* "2026-11-27T18:33:45Z" */
static void utc_time(char *buf, size_t size, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * "missing": every file not read, with why and the figures it leaves
 * unknown (those fields are null or absent elsewhere).
 */
static void missing_json(struct jw *w, const struct snapshot *snap)
{
	char nodes[80];
	unsigned i, b;

	jw_array(w, "missing");
	for (i = 0; i < IN_NR; i++) {
		const struct snap_missing *m = &snap->missing[i];

		if (!m->file)
			continue;
		jw_object(w, NULL);
		jw_str(w, "file", m->file);
		if (m->nodes)
			nodelist_format(m->nodes, nodes, sizeof(nodes));
		jw_str(w, "nodes", m->nodes ? nodes : NULL);
		jw_str(w, "error", m->why);
		jw_array(w, "lost");
		for (b = 0; b < LOST_NR; b++)
			if (m->lost & (1u << b))
				jw_str(w, NULL, snapshot_lost_name(b));
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
}

/* --- status ------------------------------------------------------------------ */

typedef int (*index_fn)(const struct zone *, unsigned, unsigned);

static void index_array(struct jw *w, const char *key, const struct zone *z, unsigned nr_orders,
			index_fn fn)
{
	unsigned k;

	jw_array(w, key);
	for (k = 0; k < nr_orders; k++)
		jw_i64(w, NULL, fn(z, nr_orders, k));
	jw_end(w);
}

static void pagetypes_json(struct jw *w, const struct zone *z, unsigned nr_orders)
{
	unsigned t, k;

	jw_array(w, "pagetypes");
	for (t = 0; t < z->nr_types; t++) {
		const struct pagetype *pt = &z->types[t];

		jw_object(w, NULL);
		jw_str(w, "type", pt->name);
		jw_u64s(w, "free_blocks", pt->free, nr_orders);
		jw_array(w, "at_least");
		for (k = 0; k < nr_orders; k++)
			jw_bool(w, NULL, pt->at_least[k]);
		jw_end(w);
		jw_u64(w, "pageblocks", pt->pageblocks);
		jw_end(w);
	}
	jw_end(w);
}

/* What zoneinfo says of the zone: null when it was not read ("missing" says why). */
static void zoneinfo_json(struct jw *w, const struct zone *z)
{
	static const char *const keys[] = {
		"managed_pages", "present_pages", "spanned_pages", "zoneinfo_free_pages", "watermarks",
		"protection",
	};
	unsigned i;

	if (!z->in_zoneinfo) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			jw_null(w, keys[i]);
		return;
	}
	jw_u64(w, "managed_pages", z->managed);
	jw_u64(w, "present_pages", z->present);
	jw_u64(w, "spanned_pages", z->spanned);
	jw_u64(w, "zoneinfo_free_pages", z->zi_free);
	jw_object(w, "watermarks");
	jw_u64(w, "min", z->min);
	jw_u64(w, "low", z->low);
	jw_u64(w, "high", z->high);
	jw_end(w);
	jw_u64s(w, "protection", z->protection, z->nr_protection);
}

static void zone_json(struct jw *w, const struct snapshot *snap, const struct zone *z)
{
	unsigned ho = (unsigned)snap->hpage_order;

	jw_object(w, NULL);
	jw_str(w, "zone", z->name);
	jw_u64s(w, "free_blocks", z->free_blocks, snap->nr_orders);
	jw_u64(w, "free_pages", z->free_pages);
	index_array(w, "unusable_index", z, snap->nr_orders, metrics_unusable_index);
	index_array(w, "fragmentation_index", z, snap->nr_orders, metrics_fragmentation_index);
	jw_i64(w, "largest_free_order", metrics_zone_largest_order(z, snap->nr_orders));
	jw_i64(w, "extfrag_percent", metrics_extfrag(z, snap->nr_orders, ho));
	zoneinfo_json(w, z);
	if (snap->has_pagetypeinfo)
		pagetypes_json(w, z, snap->nr_orders);
	jw_end(w);
}

/* A hugepage pool: global (reserved, overcommit, available) or a node's (buddy_ready, -1: null). */
static void pool_json(struct jw *w, const struct hugepool *p, bool global, int64_t suitable)
{
	jw_object(w, NULL);
	jw_u64(w, "size_kb", p->size_kb);
	jw_u64(w, "total", p->nr);
	jw_u64(w, "free", p->free);
	jw_u64(w, "surplus", p->surplus);
	if (global) {
		jw_u64(w, "reserved", p->resv);
		jw_u64(w, "overcommit", p->overcommit);
		jw_u64(w, "available", p->free > p->resv ? p->free - p->resv : 0);
	} else {
		jw_opt_i64(w, "buddy_ready", suitable >= 0, suitable);
	}
	jw_end(w);
}

static void meminfo_json(struct jw *w, const struct meminfo *mi)
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
			jw_u64(w, keys[i].key, mi->v[keys[i].fld]);
}

/* check's finding of the node, with the field names of check's findings[] */
static void check_json(struct jw *w, const char *key, const struct node_check *c, bool why)
{
	jw_object(w, key);
	jw_str(w, "level", level_name(c->level));
	jw_i64(w, "order", c->order);
	jw_i64(w, "unusable_index", c->unusable);
	jw_i64(w, "fragmentation_index", c->fragindex);
	jw_u64(w, "free_blocks_at_order", c->blocks);
	if (why)
		jw_str(w, "why", c->why);
	jw_end(w);
}

static void size_verdict_json(struct jw *w, const struct size_verdict *v)
{
	jw_object(w, NULL);
	jw_u64(w, "size_kb", v->size_kb);
	jw_i64(w, "order", v->order);
	jw_bool(w, "hugepage", v->hugepage);
	jw_bool(w, "gigantic", v->gigantic);
	jw_bool(w, "judged", v->judged);
	jw_str(w, "reach", reach_name(v->reach));
	jw_u64(w, "pages", v->pages);
	jw_u64(w, "now", v->now);
	jw_u64(w, "after_compaction", v->compact);
	jw_u64(w, "after_reclaim", v->reclaim);
	jw_end(w);
}

/* What status adds to a node with memory: what check judges, and the verdict. */
static void judged_json(struct jw *w, const struct node_explain *x)
{
	unsigned i;

	if (x->proactive == PROACTIVE_UNKNOWN)
		jw_null(w, "proactive_compaction");
	else
		jw_bool(w, "proactive_compaction", x->proactive == PROACTIVE_COMPACTING);
	check_json(w, "check", &x->check, true);
	jw_object(w, "verdict");
	jw_str(w, "text", x->text);
	jw_array(w, "sizes");
	for (i = 0; i < x->nr_sizes; i++)
		size_verdict_json(w, &x->sizes[i]);
	jw_end(w);
	jw_end(w);
}

static void node_pools_json(struct jw *w, const struct snapshot *snap, const struct node *n)
{
	unsigned i;

	if (n->lost & LOST_POOLS) {
		jw_null(w, "hugepages");
		return;
	}
	jw_array(w, "hugepages");
	for (i = 0; i < n->nr_pools; i++)
		pool_json(w, &n->pools[i], false, metrics_node_suitable(snap, n, n->pools[i].size_kb));
	jw_end(w);
}

static void node_json(struct jw *w, const struct snapshot *snap, const struct node *n,
		      const struct outopts *o)
{
	const struct node_explain *x = explain_node(o->explain, n->id);
	int score = metrics_compaction_score(n, snap->nr_orders, (unsigned)snap->hpage_order);
	unsigned i;

	jw_object(w, NULL);
	jw_i64(w, "node", n->id);
	jw_bool(w, "has_memory", n->has_memory);
	jw_bool(w, "has_cpu", n->has_cpu);
	jw_u64(w, "free_pages", metrics_node_free_pages(n));
	jw_i64(w, "largest_free_order", metrics_node_largest_order(n, snap->nr_orders));
	jw_opt_i64(w, "compaction_score", score >= 0, score);
	if (x)
		judged_json(w, x);
	if (n->has_meminfo)
		meminfo_json(w, &n->meminfo);
	jw_lines(w, "zones");
	for (i = 0; i < n->nr_zones; i++)
		if (n->zones[i].in_buddyinfo)
			zone_json(w, snap, &n->zones[i]);
	jw_end(w);
	node_pools_json(w, snap, n);
	jw_end(w);
}

/* The /proc/vmstat counters read, by their kernel names; null when the file was not. */
static void vmstat_json(struct jw *w, const struct snapshot *snap)
{
	unsigned k;

	if (snap->missing[IN_VMSTAT].file) {
		jw_null(w, "vmstat");
		return;
	}
	jw_object(w, "vmstat");
	for (k = 0; k < VM_NR_FIELDS; k++)
		if (snap->vmstat.seen & (1u << k))
			jw_u64(w, vmstat_name((enum vmstat_field)k), snap->vmstat.v[k]);
	jw_end(w);
}

/* vm.compaction_proactiveness and kcompactd's marks (null when off); null when unknown. */
static void proactive_json(struct jw *w, const struct explain *ex)
{
	if (ex->proactiveness < 0) {
		jw_null(w, "proactive_compaction");
		return;
	}
	jw_object(w, "proactive_compaction");
	jw_i64(w, "proactiveness", ex->proactiveness);
	jw_opt_i64(w, "start_above", ex->proactiveness > 0, ex->wmark_high);
	jw_opt_i64(w, "stop_at", ex->proactiveness > 0, ex->wmark_low);
	jw_end(w);
}

static void global_pools_json(struct jw *w, const struct snapshot *snap)
{
	unsigned i;

	if (snap->missing[IN_HUGEPAGES].file) {
		jw_null(w, "hugepages");
		return;
	}
	jw_array(w, "hugepages");
	for (i = 0; i < snap->nr_pools; i++)
		pool_json(w, &snap->pools[i], true, -1);
	jw_end(w);
}

/* What status says of the snapshot before its nodes: where it came from and how it was read. */
static void snapshot_head_json(struct jw *w, const struct snapshot *snap)
{
	char when[32];

	utc_time(when, sizeof(when), snap->taken.tv_sec);
	jw_u64(w, "schema", JSON_SCHEMA);
	jw_str(w, "version", BUDDYCTL_VERSION);
	jw_str(w, "time", when);
	jw_fixed(w, "time_unix", (double)snap->taken.tv_sec + (double)(snap->taken.tv_nsec / 1000000) / 1000, 3);
	jw_str(w, "root", snap->root);		/* --buddyinfo: no tree, null */
	jw_str(w, "capture", snap->capture);
	jw_u64(w, "page_size", snap->page_size);
	jw_str(w, "page_size_source", pagesize_source_name(snap->page_size_source));
	jw_str(w, "page_size_evidence", snap->page_size_evidence);
	jw_u64(w, "orders", snap->nr_orders);
	jw_i64(w, "hugepage_order", snap->hpage_order);
	jw_opt_i64(w, "pageblock_order", snap->pageblock_order >= 0, snap->pageblock_order);
	jw_bool(w, "pagetypeinfo", snap->has_pagetypeinfo);
	jw_bool(w, "managed_from_present", snap->managed_from_present);
	jw_opt_u64(w, "default_hugepage_kb", !snap->missing[IN_MEMINFO].file, snap->default_hugepage_kb);
	missing_json(w, snap);
	vmstat_json(w, snap);
}

int status_json(FILE *f, const struct snapshot *snap, const struct outopts *o)
{
	struct jw w;
	unsigned i;

	jw_init(&w, f);
	jw_object(&w, NULL);
	snapshot_head_json(&w, snap);
	if (o->explain) {
		proactive_json(&w, o->explain);
		jw_str(&w, "policy", o->explain->policy);
	}
	global_pools_json(&w, snap);
	jw_lines(&w, "nodes");
	for (i = 0; i < snap->nr_nodes; i++)
		if (out_node_selected(o, snap->nodes[i].id))
			node_json(&w, snap, &snap->nodes[i], o);
	jw_end(&w);
	jw_end(&w);
	return jw_done(&w);
}

/* --- estimate ------------------------------------------------------------------ */

static const char *const note_keys[] = {
	"no_pagetypeinfo", "gigantic", "no_node_meminfo", "not_in_buddy", "capped", "no_zoneinfo",
	"no_pool",
};

/* The figures in kB, then the terms of "now" (buddy sizes only) and the pageblocks. */
static void estimate_kb_json(struct jw *w, const struct estimate *e)
{
	jw_u64(w, "free_kb", e->free_kb);
	jw_u64(w, "pcp_kb", e->pcp_kb);
	jw_u64(w, "ready_kb", e->ready_kb);
	jw_u64(w, "reserve_kb", e->reserve_kb);
	jw_u64(w, "stuck_kb", e->stuck_kb);
	jw_u64(w, "stuck_reclaimable_kb", e->stuck_reclaimable_kb);
	jw_u64(w, "page_cache_kb", e->cache_kb);
	jw_u64(w, "slab_reclaimable_kb", e->slab_kb);
	jw_u64(w, "not_in_buddy_kb", e->not_in_buddy_kb);
	/* check's free blocks and the other terms of "now": buddy sizes only */
	jw_opt_u64(w, "free_blocks_at_order", !e->gigantic, e->free_blocks);
	jw_opt_u64(w, "held_blocks", !e->gigantic, e->held_blocks);
	jw_opt_u64(w, "pcp_blocks", !e->gigantic, e->pcp_blocks);
	jw_opt_i64(w, "pageblocks_movable", e->pageblocks_movable >= 0, e->pageblocks_movable);
	jw_u64(w, "pageblocks_unmovable", e->pageblocks_unmovable);
}

static void estimate_json_one(struct jw *w, const char *key, const struct estimate *e)
{
	unsigned i;

	jw_object(w, key);
	jw_i64(w, "node", e->node);
	jw_u64(w, "size_kb", e->size_kb);
	jw_i64(w, "order", e->order);
	jw_bool(w, "gigantic", e->gigantic);
	jw_u64(w, "pool", e->pool);
	jw_u64(w, "now", e->now);
	jw_u64(w, "after_compaction", e->compact);
	jw_u64(w, "after_reclaim", e->reclaim);
	/* no zoneinfo: the capacity is unknown */
	jw_opt_u64(w, "capacity", !(e->notes & EST_NO_ZONEINFO), e->capacity);
	estimate_kb_json(w, e);
	jw_array(w, "notes");
	for (i = 0; i < sizeof(note_keys) / sizeof(note_keys[0]); i++)
		if (e->notes & (1u << i))
			jw_str(w, NULL, note_keys[i]);
	jw_end(w);
	jw_end(w);
}

int estimate_json(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n)
{
	char when[32];
	struct jw w;
	unsigned i;

	utc_time(when, sizeof(when), snap->taken.tv_sec);
	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_u64(&w, "schema", JSON_SCHEMA);
	jw_str(&w, "command", "estimate");
	jw_str(&w, "version", BUDDYCTL_VERSION);
	jw_str(&w, "time", when);
	jw_str(&w, "root", snap->root);		/* --buddyinfo: no tree, null */
	jw_u64(&w, "page_size", snap->page_size);
	jw_bool(&w, "pagetypeinfo", snap->has_pagetypeinfo);
	jw_str_or_null(&w, "pagetypeinfo_error", snap->has_pagetypeinfo ? NULL : snap->pagetypeinfo_why);
	missing_json(&w, snap);
	jw_u64(&w, "not_in_buddy_kb", estimate_not_in_buddy_kb(snap));
	jw_lines(&w, "estimates");
	for (i = 0; i < n; i++)
		estimate_json_one(&w, NULL, &e[i]);
	jw_end(&w);
	jw_end(&w);
	return jw_done(&w);
}

/* --- the report of check, plan, apply and the one-off actions ------------------- */

static const char *kind_name(enum action_kind k)
{
	static const char *const n[] = { "compact_node", "compact_all", "drop_caches", "reserve" };

	return n[k];
}

/* What the run warns about besides its findings: sysctl files that fight the policy. */
static void warnings_json(struct jw *w, const struct report *r)
{
	unsigned i;

	jw_array(w, "warnings");
	for (i = 0; i < r->nr_sysctl_conflicts; i++) {
		const struct sysctl_conflict *c = &r->sysctl_conflicts[i];

		jw_object(w, NULL);
		jw_str(w, "kind", "sysctl");
		jw_str(w, "file", c->setting->file);
		jw_u64(w, "line", c->setting->line);
		jw_str(w, "key", c->setting->key);
		jw_str(w, "value", c->setting->value);
		jw_u64(w, "size_kb", c->target->size_kb);
		jw_u64(w, "policy_line", c->target->line);
		jw_str(w, "text", c->text);
		jw_end(w);
	}
	jw_end(w);
}

/* Pools apart: findings[] stays one object per node, as schema 1 promised. */
static void findings_json(struct jw *w, const struct report *r)
{
	unsigned i;

	jw_lines(w, "findings");
	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];

		if (x->kind != FINDING_FRAGMENTATION)
			continue;
		jw_object(w, NULL);
		jw_i64(w, "node", x->node);
		jw_str(w, "level", level_name(x->level));
		jw_i64(w, "order", x->order);
		jw_i64(w, "unusable_index", x->unusable);
		jw_i64(w, "fragmentation_index", x->fragindex);
		jw_u64(w, "free_blocks_at_order", x->blocks);
		jw_bool(w, "remediated", x->remediated);
		jw_str(w, "why", x->why);
		jw_end(w);
	}
	jw_end(w);
}

/* A pool that was not read has no level and no count. */
static void pool_findings_json(struct jw *w, const struct report *r)
{
	unsigned i;

	jw_lines(w, "pool_findings");
	for (i = 0; i < r->nr_findings; i++) {
		const struct finding *x = &r->findings[i];

		if (x->kind != FINDING_POOL)
			continue;
		jw_object(w, NULL);
		jw_i64(w, "node", x->node);
		jw_u64(w, "size_kb", x->size_kb);
		jw_str(w, "level", x->unknown ? "unknown" : level_name(x->level));
		jw_u64(w, "target", x->target);
		jw_opt_u64(w, "actual", !x->unknown, x->actual);
		jw_opt_u64(w, "shortfall", !x->unknown, x->shortfall);
		jw_bool(w, "mandatory", x->mandatory);
		jw_bool(w, "shrink", x->shrink);
		jw_str(w, "why", x->why);
		jw_end(w);
	}
	jw_end(w);
}

static void planned_step_json(struct jw *w, const struct plan_step *d)
{
	char path[200];

	snprintf(path, sizeof(path), "/%s", d->file);
	jw_object(w, NULL);
	jw_str(w, "step", d->step == STEP_NONE ? "write" : step_name(d->step));
	jw_str(w, "when", d->when == WHEN_FIRST ? "first" : d->when == WHEN_SHORT ? "short" : "always");
	jw_bool(w, "then_write", d->then_write);
	jw_str(w, "writes", path);
	jw_u64(w, "drops_kb", d->drops_kb);
	jw_str(w, "cost", d->cost);
	jw_opt_i64(w, "expect", d->expect >= 0, d->expect);
	jw_end(w);
}

/* The steps a reservation may take (as the plan carries them), those left out and why, and its estimate. */
static void plan_steps_json(struct jw *w, const struct action *a)
{
	unsigned i;

	jw_bool(w, "chosen", a->chosen);
	jw_array(w, "planned_steps");
	for (i = 0; i < a->nr_steps; i++)
		planned_step_json(w, &a->steps[i]);
	jw_end(w);
	jw_str_or_null(w, "not_planned", a->not_planned);
	jw_array(w, "skipped_steps");
	for (i = 0; i < a->drops_skipped.n; i++)
		jw_str(w, NULL, step_name(a->drops_skipped.s[i]));
	jw_end(w);
	if (a->drops_skipped.n)
		jw_fixed(w, "skipped_until", a->drops_until, 0);
	else
		jw_null(w, "skipped_until");
	jw_bool(w, "unreachable", a->unreachable);
	if (a->have_est)
		estimate_json_one(w, "estimate", &a->est);
	else
		jw_null(w, "estimate");
}

/* What a planned reservation asks, and how it escalates when short. */
static void reserve_plan_json(struct jw *w, const struct action *a)
{
	unsigned k;

	jw_u64(w, "size_kb", a->size_kb);
	jw_u64(w, "requested", a->target);
	jw_u64(w, "planned_from", a->current);
	jw_bool(w, "keep", a->keep);
	jw_u64(w, "rounds", a->rounds);
	jw_array(w, "ladder");
	for (k = 0; k < a->ladder.n; k++)
		jw_str(w, NULL, step_name(a->ladder.s[k]));
	jw_end(w);
	jw_str_or_null(w, "if_short", a->if_short);
	plan_steps_json(w, a);
	jw_bool(w, "boot_time_recommended", a->boot_recommended);
	jw_str(w, "boot_time_why", a->boot_recommended ? a->boot_why : NULL);
}

static void step_result_json(struct jw *w, const struct step_result *s)
{
	jw_object(w, NULL);
	jw_str(w, "step", step_name(s->step));
	jw_fixed(w, "ms", s->ms, 3);
	jw_i64(w, "gain", s->gain);
	jw_u64(w, "obtained", s->obtained);
	jw_i64(w, "errno", s->errnum);
	jw_bool(w, "first", s->first);
	jw_bool(w, "wrote", s->wrote);
	jw_u64(w, "asked_kb", s->asked_kb);
	jw_end(w);
}

/* What a reservation that ran got, step by step. */
static void reserve_result_json(struct jw *w, const struct action *a, const struct action_result *res)
{
	unsigned k;

	jw_u64(w, "before", res->before);
	jw_u64(w, "obtained", res->after);
	jw_u64(w, "shortfall", res->after < a->target ? a->target - res->after : 0);
	jw_bool(w, "restored", res->restored);
	jw_u64(w, "granted", report_granted(res));
	jw_array(w, "steps");
	for (k = 0; k < res->nr_steps; k++)
		step_result_json(w, &res->steps[k]);
	jw_end(w);
	if (!res->revised) {
		jw_null(w, "estimate_after_compaction");
		return;
	}
	jw_object(w, "estimate_after_compaction");
	jw_u64(w, "now", res->rev_now);
	jw_u64(w, "after_reclaim", res->rev_reclaim);
	jw_u64(w, "free_small_kb", res->rev_small_kb);
	jw_end(w);
}

static void action_json(struct jw *w, const struct report *r, unsigned i)
{
	const struct action *a = &r->plan->a[i];
	const struct action_result *res = r->executed ? &r->results[i] : NULL;

	jw_object(w, NULL);
	jw_str(w, "kind", kind_name(a->kind));
	jw_i64(w, "node", a->node);
	if (a->kind == ACT_RESERVE)
		reserve_plan_json(w, a);
	if (a->kind == ACT_DROP_CACHES) {
		jw_i64(w, "drop_level", a->drop_level);
		jw_bool(w, "sync", a->sync);
	}
	jw_str(w, "reason", a->reason);
	jw_str(w, "expect", a->expect);
	if (res) {
		jw_str(w, "status", res_status_name(res->status));
		jw_fixed(w, "ms", res->ms, 3);
		if (a->kind == ACT_RESERVE)
			reserve_result_json(w, a, res);
		jw_str_or_null(w, "error", res->error);
	}
	jw_end(w);
}

/* The members "before","after","change" of a zone_change (a side it is not on: null). */
static void zone_change_json(struct jw *w, const struct zone_change *zc, unsigned nr_orders)
{
	unsigned k;

	if (zc->before)
		jw_u64s(w, "before", zc->before->free_blocks, nr_orders);
	else
		jw_null(w, "before");
	if (zc->after)
		jw_u64s(w, "after", zc->after->free_blocks, nr_orders);
	else
		jw_null(w, "after");
	jw_array(w, "change");
	for (k = 0; k < nr_orders; k++)
		jw_i64(w, NULL, zc->change[k]);
	jw_end(w);
}

/* The zones of both snapshots, before, after and the change. */
static void zone_changes_json(struct jw *w, const struct snap_diff *d)
{
	unsigned i;

	jw_lines(w, "zones");
	for (i = 0; d && i < d->nr_zones; i++) {
		if (!d->zones[i].before || !d->zones[i].after)	/* a zone of one snapshot only: not apply's */
			continue;
		jw_object(w, NULL);
		jw_i64(w, "node", d->zones[i].node);
		jw_str(w, "zone", d->zones[i].name);
		zone_change_json(w, &d->zones[i], d->nr_orders);
		jw_end(w);
	}
	jw_end(w);
}

/* Free memory, page cache and reclaimable slab per node, after less before. */
static void memory_change_json(struct jw *w, const struct snap_diff *d)
{
	unsigned i;

	jw_array(w, "memory_change");
	for (i = 0; d && i < d->nr_nodes; i++) {
		const struct node_change *nc = &d->nodes[i];

		if (!nc->known)
			continue;
		jw_object(w, NULL);
		jw_i64(w, "node", nc->node);
		jw_i64(w, "free_kb", nc->free_kb);
		jw_i64(w, "file_kb", nc->file_kb);
		jw_i64(w, "slab_reclaimable_kb", nc->slab_kb);
		jw_end(w);
	}
	jw_end(w);
}

/* The change of every vmstat counter read in both snapshots, also when 0. */
static void vmstat_change_json(struct jw *w, const struct snap_diff *d)
{
	unsigned k;

	jw_object(w, "vmstat_change");
	for (k = 0; d && k < VM_NR_FIELDS; k++)
		if (d->vmstat_seen & (1u << k))
			jw_i64(w, vmstat_name((enum vmstat_field)k), d->vmstat[k]);
	jw_end(w);
}

/* plan --kernel-cmdline: the fragment, the kernel, each option offered or not, the traps. */
static void boot_json(struct jw *w, const struct boot_report *b)
{
	unsigned i;

	jw_object(w, "kernel_cmdline");
	jw_str(w, "fragment", b->fragment);
	jw_str(w, "kernel_release", b->release);
	jw_str_or_null(w, "arch", b->lim->assumed ? NULL : b->lim->arch);
	jw_u64(w, "line_limit", b->lim->size - 1);
	jw_u64(w, "fragment_bytes", strlen(b->fragment));
	jw_array(w, "remedies");
	for (i = 0; i < REMEDY_NR; i++) {
		const struct remedy *m = &b->adv->remedies[i];

		jw_object(w, NULL);
		jw_str(w, "option", m->option);
		jw_bool(w, "offered", m->offered);
		jw_str_or_null(w, "words", m->words);
		jw_str_or_null(w, "replaces", m->replaces);
		jw_str(w, "rule", m->rule);
		jw_str(w, "why", m->why);
		jw_end(w);
	}
	jw_end(w);
	jw_array(w, "warnings");
	for (i = 0; i < b->adv->nr_warnings; i++) {
		jw_object(w, NULL);
		jw_str(w, "code", b->adv->warnings[i].code);
		jw_str(w, "text", b->adv->warnings[i].text);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

int report_json(FILE *f, const struct report *r)
{
	struct jw w;
	unsigned i;

	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_u64(&w, "schema", JSON_SCHEMA);
	jw_str(&w, "command", r->command);
	jw_bool(&w, "dry_run", r->dry_run);
	jw_bool(&w, "executed", r->executed);
	jw_str(&w, "policy", r->policy);
	jw_str(&w, "not_permitted", r->not_permitted);
	warnings_json(&w, r);
	/* check and plan of a capture only: its name, and what it cannot tell */
	if (r->before && r->before->capture) {
		jw_str(&w, "capture", r->before->capture);
		missing_json(&w, r->before);
	}
	findings_json(&w, r);
	pool_findings_json(&w, r);
	jw_lines(&w, "actions");
	for (i = 0; r->plan && i < r->plan->n; i++)
		action_json(&w, r, i);
	jw_end(&w);
	zone_changes_json(&w, r->diff);
	memory_change_json(&w, r->diff);
	vmstat_change_json(&w, r->diff);
	jw_fixed(&w, "total_ms", r->total_ms, 3);
	jw_i64(&w, "exit", r->exit_code);
	jw_str_or_null(&w, "exit_reason", r->exit_reason);
	if (r->boot)
		boot_json(&w, r->boot);
	jw_end(&w);
	return jw_done(&w);
}

/* --- diff ---------------------------------------------------------------------- */

static void source_json(struct jw *w, const char *key, const struct diff_side *s)
{
	const struct source *src = s->src;

	jw_object(w, key);
	jw_str(w, "source", src->name);
	jw_str(w, "kind", source_kind_name(src->kind));
	jw_str_or_null(w, "time", src->kind == SRC_STATUS_JSON ? src->json.time : NULL);
	jw_i64(w, "hugepage_order", src->snap.hpage_order);
	jw_end(w);
}

/* {"before","after"} of an index, null on a side without the zone */
static void pair_json(struct jw *w, const char *key, bool hb, int vb, bool ha, int va)
{
	jw_object(w, key);
	jw_opt_i64(w, "before", hb, vb);
	jw_opt_i64(w, "after", ha, va);
	jw_end(w);
}

static void diff_zone_json(struct jw *w, const struct zone_change *zc, unsigned nr_orders)
{
	jw_object(w, NULL);
	jw_str(w, "zone", zc->name);
	jw_bool(w, "in_before", zc->before);
	jw_bool(w, "in_after", zc->after);
	zone_change_json(w, zc, nr_orders);
	pair_json(w, "unusable_index", zc->before, zc->unusable_before, zc->after, zc->unusable_after);
	pair_json(w, "fragmentation_index", zc->before, zc->fragindex_before, zc->after, zc->fragindex_after);
	jw_end(w);
}

/* check's figures of a side ({"level",...} without why), or null. */
static void side_check_json(struct jw *w, const char *key, const struct node_explain *x)
{
	if (x)
		check_json(w, key, &x->check, false);
	else
		jw_null(w, key);
}

static void diff_node_json(struct jw *w, const struct snap_diff *d, const struct node_change *nc,
			   const struct diff_side *b, const struct diff_side *a)
{
	const struct node_explain *xb = nc->in_before ? explain_node(b->ex, nc->node) : NULL;
	const struct node_explain *xa = nc->in_after ? explain_node(a->ex, nc->node) : NULL;
	unsigned k;

	jw_object(w, NULL);
	jw_i64(w, "node", nc->node);
	jw_bool(w, "in_before", nc->in_before);
	jw_bool(w, "in_after", nc->in_after);
	jw_object(w, "check");
	side_check_json(w, "before", xb);
	side_check_json(w, "after", xa);
	jw_end(w);
	jw_object(w, "verdict");
	jw_str(w, "before", xb ? xb->text : NULL);
	jw_str(w, "after", xa ? xa->text : NULL);
	jw_end(w);
	jw_lines(w, "zones");
	for (k = nc->first_zone; k < nc->first_zone + nc->nr_zones; k++)
		diff_zone_json(w, &d->zones[k], d->nr_orders);
	jw_end(w);
	jw_end(w);
}

int diff_json(FILE *f, const struct snap_diff *d, const struct diff_side *b, const struct diff_side *a)
{
	struct jw w;
	unsigned i;

	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_u64(&w, "schema", JSON_SCHEMA);
	jw_str(&w, "command", "diff");
	jw_str(&w, "version", BUDDYCTL_VERSION);
	source_json(&w, "before", b);
	source_json(&w, "after", a);
	jw_u64(&w, "page_size", b->src->snap.page_size);
	jw_u64(&w, "orders", d->nr_orders);
	jw_i64(&w, "hugepage_order", d->hpage_order);
	jw_str(&w, "policy", b->ex->policy);
	jw_lines(&w, "nodes");
	for (i = 0; i < d->nr_nodes; i++)
		diff_node_json(&w, d, &d->nodes[i], b, a);
	jw_end(&w);
	jw_end(&w);
	return jw_done(&w);
}

/*
 * `buddyctl map --format json`: one object (man/schema/map.schema.json),
 * written as the map is read: every range of every node, then the node's
 * sums. A class count is always there, 0 or not.
 */
static void map_counts(struct jw *w, const char *name, const uint64_t *v, unsigned n,
		       const char *(*label)(unsigned))
{
	unsigned i;

	jw_object(w, name);
	for (i = 0; i < n; i++)
		jw_u64(w, label(i), v[i]);
	jw_end(w);
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
	struct jw *w = &v->jw;
	char when[32];

	utc_time(when, sizeof(when), v->snap->taken.tv_sec);
	jw_init(w, v->f);
	jw_object(w, NULL);
	/* the keys every document starts with, as estimate's (no --buddyinfo here: root is a tree) */
	jw_u64(w, "schema", JSON_SCHEMA);
	jw_str(w, "command", "map");
	jw_str(w, "version", BUDDYCTL_VERSION);
	jw_str(w, "time", when);
	jw_str(w, "root", v->snap->root);
	jw_u64(w, "size_kb", v->size_kb);
	jw_u64(w, "page_size", v->snap->page_size);
	jw_u64(w, "range_pages", v->range_pages);
	jw_str_or_null(w, "kernel", v->kernel);
	jw_str(w, "kpageflags", v->flags_path);
	jw_str(w, "kpagecgroup", v->cgroup_path);
	jw_str(w, "kpagecgroup_error", v->cgroup_path ? NULL : v->cgroup_why);
	jw_lines(w, "nodes");
	return ferror(v->f) ? -1 : 0;
}

int map_json_node_begin(struct map_view *v, const struct pagemap_acc *a)
{
	struct jw *w = &v->jw;
	unsigned k;

	jw_object(w, NULL);
	jw_i64(w, "node", a->sum.node);
	jw_u64(w, "first_pfn", a->span.start_pfn);
	jw_u64(w, "end_pfn", a->span.end_pfn);
	jw_array(w, "zones");
	for (k = 0; k < a->nr_zones; k++) {
		jw_object(w, NULL);
		jw_str(w, "zone", a->zones[k].name);
		jw_u64(w, "start_pfn", a->zones[k].start_pfn);
		jw_u64(w, "end_pfn", a->zones[k].end_pfn);
		jw_bool(w, "usable", a->zones[k].usable);
		jw_end(w);
	}
	jw_end(w);
	jw_lines(w, "ranges");
	v->ranges = 0;
	return ferror(v->f) ? -1 : 0;
}

/*
 * {"pfn":N,"zone":"Normal"|null,"class":"blocked","blocker":"slab"|null,
 *  "blockers":["slab",...],"pages":{...},"mlocked":N}
 */
void map_json_range(struct map_view *v, const struct map_range *m)
{
	struct jw *w = &v->jw;
	unsigned c;

	v->ranges++;
	jw_object(w, NULL);
	jw_u64(w, "pfn", m->rc->first_pfn);
	jw_str(w, "zone", m->zone ? m->zone->name : NULL);
	jw_str(w, "class", range_class_name(m->cls));
	jw_str(w, "blocker", m->blocker < PC_NR ? page_class_name(m->blocker) : NULL);
	jw_array(w, "blockers");
	for (c = 0; c < PC_NR; c++)
		if (m->blockers & (1u << c))
			jw_str(w, NULL, page_class_name((enum page_class)c));
	jw_end(w);
	jw_object(w, "pages");
	for (c = 0; c < PC_NR; c++)
		if (m->rc->pages[c])
			jw_u64(w, page_class_name((enum page_class)c), m->rc->pages[c]);
	jw_end(w);
	jw_u64(w, "mlocked", m->rc->mlocked);
	jw_end(w);
}

int map_json_node_end(struct map_view *v, const struct pagemap_summary *s, const char *verdict)
{
	struct jw *w = &v->jw;

	jw_end(w);	/* ranges */
	map_counts(w, "ranges_by_class", s->ranges, RC_NR, range_label);
	map_counts(w, "blocked_by", s->blocked_by, PC_NR, page_label);
	map_counts(w, "ranges_holding", s->holding, PC_NR, page_label);
	map_counts(w, "pages", s->pages, PC_NR, page_label);
	jw_u64(w, "movable_to_move", s->movable_to_move);
	jw_u64(w, "mlocked_to_move", s->mlocked);
	jw_str(w, "verdict", verdict);
	jw_end(w);	/* the node */
	return ferror(v->f) ? -1 : 0;
}

int map_json_end(struct map_view *v)
{
	jw_end(&v->jw);	/* nodes */
	jw_end(&v->jw);
	return jw_done(&v->jw);
}
