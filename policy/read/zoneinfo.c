/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/zoneinfo, printed by zoneinfo_show_print() in mm/vmstat.c. Every
 * zone appears, populated or not (lowmem_reserve depends on all of them);
 * unpopulated ones stop after "protection:". Only the lines below are used,
 * the rest (per-node stats, zone counters, pagesets) is skipped:
 *
 *   Node 0, zone      DMA
 *     per-node stats
 *         nr_inactive_anon 404
 *     pages free     3840
 *           boost    0
 *           min      68
 *           low      85
 *           high     102
 *           promo    119
 *           spanned  4095
 *           present  3998
 *           managed  3840
 *           cma      0
 *           protection: (0, 3019, 3659, 3659, 3659)
 *     pagesets
 *       cpu: 0
 *                 count:    12
 *                 high:     0
 *     node_unreclaimable:  0
 *     start_pfn:           1
 *
 * "count:" of every CPU's pageset is summed: free pages on per-CPU lists,
 * in neither buddyinfo nor "pages free" until drained. "start_pfn:" with
 * "spanned" places the zone in physical memory (buddyctl map); an
 * unpopulated zone prints none, so it is kept only where it was seen.
 *
 * Older kernels (RHEL 6's 2.6.32, for one) print no "managed" line, and
 * put "protection:" after the zone counters; there node MemTotal is the
 * present pages. Without "managed" in any zone, managed is taken from
 * present and snap->managed_from_present says so; "managed" in some zones
 * only is no kernel's output.
 * Values are pages. Keys in pagesets carry a colon ("high:"), so the bare
 * "high" of the watermark block cannot be confused with them.
 */
#include "zoneinfo.h"

#include <stdio.h>
#include <string.h>

#include "textscan.h"

static const struct {
	const char *key;
	unsigned bit;
	size_t off;
} fields[] = {
	{ "min", ZI_SEEN_MIN, offsetof(struct zone, min) },
	{ "low", ZI_SEEN_LOW, offsetof(struct zone, low) },
	{ "high", ZI_SEEN_HIGH, offsetof(struct zone, high) },
	{ "spanned", ZI_SEEN_SPANNED, offsetof(struct zone, spanned) },
	{ "present", ZI_SEEN_PRESENT, offsetof(struct zone, present) },
	{ "managed", ZI_SEEN_MANAGED, offsetof(struct zone, managed) },
};

static const char *const seen_names[] = {
	"pages free", "min", "low", "high", "spanned", "present", "managed", "protection:",
};

static int set_field(struct scan *s, struct zone *z, unsigned bit, uint64_t *dst,
		     const char *key, struct bc_error *err)
{
	const char *tok;
	size_t len;
	int rc;

	if (z->seen & bit)
		return scan_fail(s, key, strlen(key), "duplicate field", err);
	rc = scan_next_u64(s, key, dst, err);
	if (rc < 0)
		return rc;
	if (*dst > BC_MAX_PAGES)
		return scan_fail(s, key, strlen(key), "implausible page count for", err);
	if (scan_token(s, &tok, &len))
		return scan_fail(s, tok, len, "unexpected text after the value", err);
	z->seen |= bit;
	return 0;
}

/*
 * One value of the protection list, tok: "(0," first, "3019," then, "3659)"
 * last (*closed set). 0 or -BC_EDATA.
 */
static int protection_value(struct scan *s, struct zone *z, const char *tok, size_t len, bool *closed,
			    struct bc_error *err)
{
	const char *num = tok;
	size_t nlen = len;
	int rc;

	if (z->nr_protection == 0) {
		if (num[0] != '(')
			return scan_fail(s, tok, len, "expected '(' to open the protection list, got", err);
		num++;
		nlen--;
	}
	if (!nlen || (num[nlen - 1] != ')' && num[nlen - 1] != ','))
		return scan_fail(s, tok, len, "expected ',' or ')' after a protection value, got", err);
	*closed = num[--nlen] == ')';
	if (z->nr_protection == BC_MAX_PROTECTION)
		return scan_fail(s, tok, len, "more than 8 protection values at", err);
	rc = scan_u64(s, num, nlen, &z->protection[z->nr_protection], err);
	if (rc == 0)
		z->nr_protection++;
	return rc;
}

/* "protection: (0, 3019, 3659, 3659, 3659)" */
static int parse_protection(struct scan *s, struct zone *z, struct bc_error *err)
{
	const char *tok;
	size_t len;
	bool closed = false;
	int rc;

	if (z->seen & ZI_SEEN_PROTECTION)
		return scan_fail(s, "protection:", 11, "duplicate field", err);
	while (!closed && scan_token(s, &tok, &len))
		if ((rc = protection_value(s, z, tok, len, &closed, err)) < 0)
			return rc;
	if (!closed)
		return scan_fail(s, NULL, 0, "protection list not closed with ')'", err);
	if (scan_token(s, &tok, &len))
		return scan_fail(s, tok, len, "unexpected text after the protection list", err);
	z->seen |= ZI_SEEN_PROTECTION;
	return 0;
}

static int check_complete(const char *path, int node, const struct zone *z,
			  struct bc_error *err)
{
	unsigned i;

	for (i = 0; i < sizeof(seen_names) / sizeof(seen_names[0]); i++)
		if (!(z->seen & (1u << i)) && (1u << i) != ZI_SEEN_MANAGED)
			return bc_error_set(err, BC_EDATA, "%s: node %d zone %s has no '%s' line",
					    path, node, z->name, seen_names[i]);
	return 0;
}

/* The zones of zoneinfo with a "managed" line and without; the first without. */
struct managed_count {
	unsigned with, without;
	const struct node *node;
	const struct zone *zone;
};

static void count_managed(const struct snapshot *snap, struct managed_count *c)
{
	unsigned i, k;

	for (i = 0; i < snap->nr_nodes; i++)
		for (k = 0; k < snap->nodes[i].nr_zones; k++) {
			const struct zone *z = &snap->nodes[i].zones[k];

			if (!z->in_zoneinfo)
				continue;
			if (z->seen & ZI_SEEN_MANAGED) {
				c->with++;
			} else if (c->without++ == 0) {
				c->node = &snap->nodes[i];
				c->zone = z;
			}
		}
}

/* "managed" in every zone, or in none (then present stands in); see above. */
static int managed_or_present(struct snapshot *snap, const char *path, struct bc_error *err)
{
	struct managed_count c = { 0 };
	unsigned i, k;

	count_managed(snap, &c);
	if (c.with && c.without)
		return bc_error_set(err, BC_EDATA, "%s: node %d zone %s has no 'managed' line, but other zones have one",
				    path, c.node->id, c.zone->name);
	if (!c.without)
		return 0;
	for (i = 0; i < snap->nr_nodes; i++)
		for (k = 0; k < snap->nodes[i].nr_zones; k++)
			snap->nodes[i].zones[k].managed = snap->nodes[i].zones[k].present;
	snap->managed_from_present = true;
	return 0;
}

static int parse_header(struct snapshot *snap, struct scan *s, struct zone **zone,
			int *node_id, struct bc_error *err)
{
	const char *zname, *tok;
	size_t zlen, len;
	int rc;

	rc = scan_node_zone(s, false, node_id, &zname, &zlen, err);
	if (rc < 0)
		return rc;
	if (scan_token(s, &tok, &len))
		return scan_fail(s, tok, len, "unexpected text after the zone name", err);
	*zone = snapshot_zone(snap, *node_id, zname, zlen, s->path, s->lineno, &rc, err);
	if (!*zone)
		return rc;
	if ((*zone)->in_zoneinfo) {
		char what[64];

		snprintf(what, sizeof(what), "duplicate section for node %d zone", *node_id);
		return scan_fail(s, zname, zlen, what, err);
	}
	(*zone)->in_zoneinfo = true;
	return 0;
}

/*
 * Most lines are counters (nr_*, numa_*, pagesets) and are skipped: look at
 * the first letter before tokenising. The lines used start with N(ode),
 * p(ages, protection:, present), m(in, managed), l(ow), h(igh), s(panned)
 * or c(ount:).
 */
static bool worth_a_look(const struct scan *s)
{
	const char *c = s->line;

	while (c < s->eol && (*c == ' ' || *c == '\t'))
		c++;
	return c >= s->eol || strchr("Npmlhsc", *c);
}

/* "count:" of a CPU's pageset: free pages on its per-CPU lists, summed. */
static int add_pcp(struct scan *s, struct zone *zone, struct bc_error *err)
{
	uint64_t v;
	int rc = scan_next_u64(s, "count:", &v, err);

	if (rc == 0 && v > BC_MAX_PAGES - zone->pcp)
		rc = scan_fail(s, "count:", 6, "implausible page count for", err);
	if (rc == 0)
		zone->pcp += v;
	return rc;
}

/* "start_pfn:", once: where the zone begins in physical memory (buddyctl map). */
static int set_start_pfn(struct scan *s, struct zone *zone, const char *tok, size_t tlen, struct bc_error *err)
{
	int rc;

	if (zone->has_start_pfn)
		return scan_fail(s, tok, tlen, "duplicate field", err);
	rc = scan_next_u64(s, "start_pfn:", &zone->start_pfn, err);
	if (rc == 0 && zone->start_pfn > BC_MAX_PAGES)
		return scan_fail(s, tok, tlen, "implausible page frame number for", err);
	if (rc == 0)
		zone->has_start_pfn = true;
	return rc;
}

/* A line of a zone's section that starts with tok: the field it sets, if any. */
static int zone_line(struct scan *s, struct zone *zone, const char *tok, size_t tlen, struct bc_error *err)
{
	unsigned i;

	if (tok_eq(tok, tlen, "pages")) {
		if (!scan_token(s, &tok, &tlen) || !tok_eq(tok, tlen, "free"))
			return 0;	/* not the line we want */
		return set_field(s, zone, ZI_SEEN_FREE, &zone->zi_free, "pages free", err);
	}
	if (tok_eq(tok, tlen, "protection:"))
		return parse_protection(s, zone, err);
	if (tok_eq(tok, tlen, "start_pfn:"))
		return set_start_pfn(s, zone, tok, tlen, err);
	if (tok_eq(tok, tlen, "count:"))
		return add_pcp(s, zone, err);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (tok_eq(tok, tlen, fields[i].key))
			return set_field(s, zone, fields[i].bit, (uint64_t *)((char *)zone + fields[i].off),
					 fields[i].key, err);
	return 0;
}

/* A "Node N, zone NAME" line: the section before it is whole, this one begins. */
static int next_section(struct snapshot *snap, struct scan *s, struct zone **zone, int *node_id,
			struct bc_error *err)
{
	int rc = *zone ? check_complete(s->path, *node_id, *zone, err) : 0;

	return rc < 0 ? rc : parse_header(snap, s, zone, node_id, err);
}

int zoneinfo_parse(struct snapshot *snap, const char *path,
		   const char *buf, size_t len, struct bc_error *err)
{
	struct zone *zone = NULL;
	int node_id = -1, rc;
	const char *tok;
	size_t tlen;
	struct scan s;

	scan_init(&s, path, buf, len);
	while ((rc = scan_next_line(&s, err)) > 0) {
		if (!worth_a_look(&s) || !scan_token(&s, &tok, &tlen))
			continue;
		if (tok_eq(tok, tlen, "Node"))
			rc = next_section(snap, &s, &zone, &node_id, err);
		else if (!zone)
			rc = scan_fail(&s, tok, tlen, "expected a 'Node N, zone NAME' line first, got", err);
		else
			rc = zone_line(&s, zone, tok, tlen, err);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (!zone)
		return bc_error_set(err, BC_EDATA, "%s: empty file, expected one section per zone", path);
	rc = check_complete(path, node_id, zone, err);
	if (rc == 0)
		rc = managed_or_present(snap, path, err);
	return rc;
}
