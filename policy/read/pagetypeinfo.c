/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/pagetypeinfo, printed by pagetypeinfo_show() in mm/vmstat.c (mode
 * 0400: root only):
 *
 *   Page block order: 9
 *   Pages per block:  512
 *
 *   Free pages count per migrate type at order       0      1 ...     10 
 *   Node    0, zone      DMA, type    Unmovable      0      0 ...      0 
 *   Node    0, zone   Normal, type      Movable >100000  20 ...     70 
 *
 *   Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate 
 *   Node 0, zone      DMA            1            7            0            0            0 
 *
 * The free-list walk stops counting at 100000 and prints ">100000". An
 * optional "Number of mixed blocks" table (page_owner) has the shape of the
 * block table; it is checked and not kept.
 *
 * Kernels before 4.4 have a "Reserve" type (MIGRATE_RESERVE) and list
 * Reclaimable before Movable: types are taken by name, in the order given.
 * A capture may lack the headers (grep ^Node, a cut copy): a free line is
 * told from a block line by its "zone NAME, type", the orders are counted
 * on the first free line, a block line without its header names its types
 * after the zone's free lines (the kernel prints both in migratetype
 * order), and without "Page block order" nor "Pages per block" the
 * pageblock order is unknown.
 */
#include "pagetypeinfo.h"

#include <stdio.h>
#include <string.h>

#include "textscan.h"

enum section { SEC_HEADER, SEC_FREE, SEC_BLOCKS, SEC_MIXED };

struct ptstate {
	enum section sec;
	unsigned nr_orders;			/* from the "at order" header */
	char types[BC_MAX_MIGRATETYPES][BC_NAME_MAX];
	unsigned nr_types;			/* from the "Number of blocks" header */
	bool seen_order, seen_per_block;
	uint64_t per_block;
	bool orders_counted;			/* no order header: counted on a free line */
	uint64_t order;				/* "Page block order" */
};

static struct pagetype *find_type(struct zone *z, const char *name, size_t len)
{
	unsigned i;

	for (i = 0; i < z->nr_types; i++)
		if (tok_eq(name, len, z->types[i].name))
			return &z->types[i];
	return NULL;
}

/* A migrate type's name: short enough, and a name. 0 or -BC_EDATA. */
static int check_type_name(struct scan *s, const char *name, size_t len, struct bc_error *err)
{
	if (len >= BC_NAME_MAX)
		return scan_fail(s, name, len, "migrate type name too long", err);
	if (!scan_is_name(name, len))
		return scan_fail(s, name, len, "invalid migrate type name", err);
	return 0;
}

/* A new type of z, not yet counted in z->nr_types: NULL with *rc when there is no room. */
static struct pagetype *new_type(struct scan *s, struct zone *z, const char *name, size_t len, int *rc,
				 struct bc_error *err)
{
	struct pagetype *pt;

	if (z->nr_types == BC_MAX_MIGRATETYPES) {
		*rc = scan_fail(s, name, len, "more than 8 migrate types at", err);
		return NULL;
	}
	if (zone_alloc_types(z) < 0) {
		*rc = bc_error_set(err, BC_ENOMEM, "%s: out of memory", s->path);
		return NULL;
	}
	pt = &z->types[z->nr_types];
	memset(pt, 0, sizeof(*pt));
	memcpy(pt->name, name, len);
	return pt;
}

/* The free block counts of a free line into pt, one per order column; their number into *n. */
static int free_counts(struct scan *s, const struct ptstate *st, struct pagetype *pt, unsigned *n,
		       struct bc_error *err)
{
	const char *tok;
	size_t len;
	int rc;

	for (*n = 0; scan_token(s, &tok, &len); (*n)++) {
		if (st->nr_orders ? *n == st->nr_orders : *n == BC_MAX_ORDERS)
			return scan_fail(s, tok, len, st->nr_orders ? "more order columns than the header has, at"
					 : "more than 32 order columns at", err);
		if (len > 1 && tok[0] == '>') {
			pt->at_least[*n] = true;
			tok++;
			len--;
		}
		rc = scan_u64(s, tok, len, &pt->free[*n], err);
		if (rc < 0)
			return rc;
		if (pt->free[*n] > (BC_MAX_PAGES >> *n))
			return scan_fail(s, tok, len, "implausible free block count", err);
	}
	return 0;
}

/* n order columns: as many as the header's, or the first free line's (which sets them). */
static int check_columns(struct scan *s, struct ptstate *st, unsigned n, const char *tname, size_t tlen,
			 struct bc_error *err)
{
	char what[80];

	if (!st->nr_orders && n) {
		st->nr_orders = n;	/* no header: the first free line's columns */
		st->orders_counted = true;
	}
	if (n == st->nr_orders)
		return 0;
	snprintf(what, sizeof(what), "%u order columns where the %s has %u, for type",
		 n, st->orders_counted ? "first free line" : "header", st->nr_orders);
	return scan_fail(s, tname, tlen, what, err);
}

/* "type NAME" after the zone of a free line: the name into *tname. */
static int line_type(struct scan *s, const char *zname, size_t zlen, const char **tname, size_t *tlen,
		     struct bc_error *err)
{
	const char *tok;
	size_t len;

	if (!scan_token(s, &tok, &len) || !tok_eq(tok, len, "type"))
		return scan_fail(s, zname, zlen, "expected 'type' after zone", err);
	if (!scan_token(s, tname, tlen))
		return scan_fail(s, NULL, 0, "missing migrate type name", err);
	return check_type_name(s, *tname, *tlen, err);
}

/* "Node    0, zone      DMA, type    Unmovable      0 ..." */
static int parse_free_line(struct snapshot *snap, struct scan *s, struct ptstate *st,
			   struct bc_error *err)
{
	const char *zname, *tname;
	size_t zlen, tlen;
	struct pagetype *pt;
	struct zone *z;
	unsigned n;
	int id, rc;

	rc = scan_node_zone(s, true, &id, &zname, &zlen, err);
	if (rc < 0)
		return rc;
	if ((rc = line_type(s, zname, zlen, &tname, &tlen, err)) < 0)
		return rc;
	z = snapshot_zone(snap, id, zname, zlen, s->path, s->lineno, &rc, err);
	if (!z)
		return rc;
	if (find_type(z, tname, tlen))
		return scan_fail(s, tname, tlen, "duplicate line for migrate type", err);
	if (!(pt = new_type(s, z, tname, tlen, &rc, err)))
		return rc;
	rc = free_counts(s, st, pt, &n, err);
	if (rc == 0)
		rc = check_columns(s, st, n, tname, tlen, err);
	if (rc == 0)
		z->nr_types++;
	return rc;
}

/*
 * Block counts of a zone without their header ("Number of blocks type"):
 * the zone's free lines name the types, one count per type, in that order.
 */
static int parse_headless_blocks(struct scan *s, struct zone *z, const char *zname, size_t zlen,
				 struct bc_error *err)
{
	const char *tok;
	size_t len;
	unsigned n = 0;
	int rc;

	if (!z->nr_types)
		return scan_fail(s, zname, zlen, "block counts without a 'Number of blocks type' header or free lines to name their types, for zone", err);
	while (scan_token(s, &tok, &len)) {
		if (n == z->nr_types)
			return scan_fail(s, tok, len, "more block counts than the zone has free lines (types), at", err);
		if (z->types[n].seen_pageblocks)
			return scan_fail(s, zname, zlen, "duplicate block counts for zone", err);
		rc = scan_u64(s, tok, len, &z->types[n].pageblocks, err);
		if (rc < 0)
			return rc;
		z->types[n++].seen_pageblocks = true;
	}
	if (n != z->nr_types)
		return scan_fail(s, zname, zlen, "fewer block counts than the zone has free lines (types), for zone", err);
	return 0;
}

/* The block count v of the header's type name in z (a type without a free line is added). */
static int store_blocks(struct scan *s, struct zone *z, const char *name, uint64_t v, const char *zname,
			size_t zlen, struct bc_error *err)
{
	struct pagetype *pt = find_type(z, name, strlen(name));
	int rc;

	if (!pt) {
		/* a type with no free-list line: keep its block count */
		if (!(pt = new_type(s, z, name, strlen(name), &rc, err)))
			return rc;
		z->nr_types++;
	}
	if (pt->seen_pageblocks)
		return scan_fail(s, zname, zlen, "duplicate block counts for zone", err);
	pt->pageblocks = v;
	pt->seen_pageblocks = true;
	return 0;
}

/* The block counts of a line under the header, one per type it names (those of the mixed table checked only). */
static int block_counts(struct scan *s, const struct ptstate *st, struct zone *z, const char *zname,
			size_t zlen, struct bc_error *err)
{
	const char *tok;
	size_t len;
	uint64_t v;
	unsigned n;
	int rc;

	for (n = 0; scan_token(s, &tok, &len); n++) {
		if (n == st->nr_types)
			return scan_fail(s, tok, len, "more block counts than the header has types, at", err);
		rc = scan_u64(s, tok, len, &v, err);
		if (rc == 0 && st->sec == SEC_BLOCKS)
			rc = store_blocks(s, z, st->types[n], v, zname, zlen, err);
		if (rc < 0)
			return rc;
	}
	if (n != st->nr_types)
		return scan_fail(s, zname, zlen, "fewer block counts than the header has types, for zone", err);
	return 0;
}

/* "Node 0, zone      DMA            1            7 ..." */
static int parse_blocks_line(struct snapshot *snap, struct scan *s, struct ptstate *st,
			     struct bc_error *err)
{
	const char *zname;
	size_t zlen;
	struct zone *z;
	int id, rc;

	rc = scan_node_zone(s, false, &id, &zname, &zlen, err);
	if (rc < 0)
		return rc;
	z = snapshot_zone(snap, id, zname, zlen, s->path, s->lineno, &rc, err);
	if (!z)
		return rc;
	if (st->sec != SEC_BLOCKS && st->sec != SEC_MIXED)
		return parse_headless_blocks(s, z, zname, zlen, err);
	return block_counts(s, st, z, zname, zlen, err);
}

static int parse_order_header(struct scan *s, struct ptstate *st, struct bc_error *err)
{
	const char *tok;
	size_t len;
	uint64_t v;
	int rc;

	unsigned n = 0;

	/* "Free pages count per migrate type at order       0      1 ..." (once per node) */
	while (scan_token(s, &tok, &len) && !tok_eq(tok, len, "order"))
		;
	while (scan_token(s, &tok, &len)) {
		rc = scan_u64(s, tok, len, &v, err);
		if (rc < 0)
			return rc;
		if (v != n)
			return scan_fail(s, tok, len, "order numbers out of sequence at", err);
		if (n == BC_MAX_ORDERS)
			return scan_fail(s, tok, len, "more than 32 orders at", err);
		n++;
	}
	if (n == 0)
		return scan_fail(s, NULL, 0, "no order numbers in the free pages header", err);
	if (st->nr_orders && n != st->nr_orders)
		return scan_fail(s, NULL, 0, "free pages header has a different number of orders than the first node's", err);
	st->nr_orders = n;
	st->sec = SEC_FREE;
	return 0;
}

/* The type names of a header into st->types (not kept for the mixed table): their number, or -kind. */
static int type_names(struct scan *s, struct ptstate *st, bool mixed, struct bc_error *err)
{
	const char *tok;
	size_t len;
	int n, rc;

	for (n = 0; scan_token(s, &tok, &len); n++) {
		if (n == BC_MAX_MIGRATETYPES)
			return scan_fail(s, tok, len, "more than 8 migrate types at", err);
		if ((rc = check_type_name(s, tok, len, err)) < 0)
			return rc;
		if (!mixed) {
			memcpy(st->types[n], tok, len);
			st->types[n][len] = '\0';
		}
	}
	return n;
}

static int parse_types_header(struct scan *s, struct ptstate *st, bool mixed,
			      struct bc_error *err)
{
	const char *tok;
	size_t len;
	int n;

	/* "Number of blocks type     Unmovable ..." / "Number of mixed blocks    Unmovable ..." */
	while (scan_token(s, &tok, &len) && !tok_eq(tok, len, mixed ? "blocks" : "type"))
		;
	if ((n = type_names(s, st, mixed, err)) < 0)
		return n;
	if (n == 0)
		return scan_fail(s, NULL, 0, "no migrate type names in the header", err);
	if (mixed && (unsigned)n != st->nr_types)
		return scan_fail(s, NULL, 0, "mixed blocks header has a different number of types", err);
	st->nr_types = (unsigned)n;
	st->sec = mixed ? SEC_MIXED : SEC_BLOCKS;
	return 0;
}

/*
 * "Page block order: 9" / "Pages per block:  512". pagetypeinfo_show() runs
 * once per memory node, so the headers repeat; they must agree.
 */
static int parse_header_value(struct scan *s, const char *word, uint64_t *v,
			      bool *seen, struct bc_error *err)
{
	const char *tok;
	size_t len;
	uint64_t x;
	int rc;

	while (scan_token(s, &tok, &len) && !tok_eq(tok, len, word))
		;
	rc = scan_next_u64(s, word, &x, err);
	if (rc < 0)
		return rc;
	if (*seen && x != *v)
		return scan_fail(s, word, strlen(word), "header value differs from the first node's, after", err);
	*seen = true;
	*v = x;
	return 0;
}

/* Does this "Node" line name a type ("zone NAME, type")? The cursor stays. */
static bool is_free_line(const struct scan *s)
{
	struct scan peek = *s;
	const char *tok;
	size_t len;

	if (!scan_token(&peek, &tok, &len) || !scan_token(&peek, &tok, &len) ||
	    !scan_token(&peek, &tok, &len))
		return false;
	if (len > 1 && tok[len - 1] == ',')
		return true;
	/* "zone DMA type ...": a free line that lost its comma, refused as such */
	return scan_token(&peek, &tok, &len) && tok_eq(tok, len, "type");
}

/* "Node ...": "zone DMA, type ...": a free line; "zone DMA 1 ...": block counts. */
static int parse_node_line(struct snapshot *snap, struct scan *s, struct ptstate *st, struct bc_error *err)
{
	if (!is_free_line(s))
		return parse_blocks_line(snap, s, st, err);
	if (st->sec != SEC_FREE && st->sec != SEC_HEADER)
		st->sec = SEC_FREE;	/* the next node's, its header lost */
	return parse_free_line(snap, s, st, err);
}

/* "Number of blocks type ..." or "Number of mixed blocks ..."; tok is "Number". */
static int parse_number_line(struct scan *s, struct ptstate *st, const char *tok, size_t tlen,
			     struct bc_error *err)
{
	const char *t2;
	size_t t2len;

	if (!scan_token(s, &t2, &t2len) || !tok_eq(t2, t2len, "of") || !scan_token(s, &t2, &t2len))
		return scan_fail(s, tok, tlen, "unrecognised line starting with", err);
	return parse_types_header(s, st, tok_eq(t2, t2len, "mixed"), err);
}

/* A line, by its first word tok. */
static int parse_line(struct snapshot *snap, struct scan *s, struct ptstate *st, const char *tok,
		      size_t tlen, struct bc_error *err)
{
	if (tok_eq(tok, tlen, "Node"))
		return parse_node_line(snap, s, st, err);
	if (tok_eq(tok, tlen, "Page"))
		return parse_header_value(s, "order:", &st->order, &st->seen_order, err);
	if (tok_eq(tok, tlen, "Pages"))
		return parse_header_value(s, "block:", &st->per_block, &st->seen_per_block, err);
	if (tok_eq(tok, tlen, "Free"))
		return parse_order_header(s, st, err);
	if (tok_eq(tok, tlen, "Number"))
		return parse_number_line(s, st, tok, tlen, err);
	return scan_fail(s, tok, tlen, "unrecognised line starting with", err);
}

/* Without "Page block order": the order of "Pages per block", when it is a power of two. */
static void order_from_per_block(struct ptstate *st)
{
	if (!st->seen_per_block || !st->per_block || (st->per_block & (st->per_block - 1)))
		return;
	for (st->order = 0, st->seen_order = true; (1ULL << st->order) < st->per_block; st->order++)
		;
}

/*
 * The pageblock order: "Page block order", else worked out from "Pages per
 * block"; the two must agree; neither: unknown (-1).
 */
static int pageblock_order(const char *path, struct ptstate *st, int *order, struct bc_error *err)
{
	if (!st->seen_order)
		order_from_per_block(st);
	if (st->seen_order &&
	    (st->order >= BC_MAX_ORDERS + 8 || (st->seen_per_block && st->per_block != (1ULL << st->order))))
		return bc_error_set(err, BC_EDATA, "%s: page block order %llu does not match %llu pages per block",
				    path, (unsigned long long)st->order, (unsigned long long)st->per_block);
	*order = st->seen_order ? (int)st->order : -1;
	return 0;
}

int pagetypeinfo_parse(struct snapshot *snap, const char *path,
		       const char *buf, size_t len, struct bc_error *err)
{
	struct ptstate st = { .sec = SEC_HEADER };
	const char *tok;
	size_t tlen;
	struct scan s;
	int rc, order;

	scan_init(&s, path, buf, len);
	while ((rc = scan_next_line(&s, err)) > 0) {
		if (!scan_token(&s, &tok, &tlen))
			continue;			/* blank separator */
		if ((rc = parse_line(snap, &s, &st, tok, tlen, err)) < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (st.nr_orders == 0)
		return bc_error_set(err, BC_EDATA, "%s: no free pages table", path);
	if ((rc = pageblock_order(path, &st, &order, err)) < 0)
		return rc;
	snap->pageblock_order = order;
	snap->pagetypeinfo_orders = st.nr_orders;
	snap->has_pagetypeinfo = true;
	return 0;
}
