/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buddyctl's own status JSON (cli/out_json.c), read back. A shortened
 * sample, one line per node and per zone as status writes it:
 *
 *   {"schema":1,"version":"0.1.0","time":"2026-11-27T18:33:45Z",...,
 *    "page_size":4096,...,"orders":11,"hugepage_order":9,...,"nodes":[
 *    {"node":0,"has_memory":true,"has_cpu":true,...,"verdict":{"text":"...",
 *     "sizes":[...]},...,"zones":[
 *     {"zone":"DMA","free_blocks":[0,0,0,0,0,0,0,0,1,1,3],...,
 *      "managed_pages":3840,"present_pages":3998,"spanned_pages":4095,
 *      "zoneinfo_free_pages":3840,"watermarks":{"min":10,"low":13,"high":16},
 *      "protection":[0,1903,23865,23865,23865]},
 *     ...],"hugepages":[...]}]}
 *
 * The members may come in any order (jq -S sorts them: "nodes" before
 * "orders"), so the counts per zone are checked against "orders" at the
 * end. Every value is walked, also those skipped, so that a file cut short
 * or broken anywhere is refused, with the byte where it goes wrong.
 */
#include "statusjson.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagesize.h"
#include "textscan.h"
#include "units.h"

struct jp {
	const char *name;
	const char *buf, *p, *end;
	unsigned depth;
	struct bc_error *err;
};

/* "NAME: byte N: what, got X": N counts from 1, X is what stands there. */
static int jfail_at(struct jp *j, const char *at, const char *what)
{
	char got[32];

	if (at >= j->end)
		snprintf(got, sizeof(got), "the end of the file");
	else if (*at > 0x20 && *at < 0x7f)
		snprintf(got, sizeof(got), "'%c'", *at);
	else
		snprintf(got, sizeof(got), "byte 0x%02x", (unsigned char)*at);
	return bc_error_set(j->err, BC_EDATA, "%s: byte %zu: %s, got %s", j->name,
			    (size_t)(at - j->buf) + 1, what, got);
}

static int jfail(struct jp *j, const char *what)
{
	return jfail_at(j, j->p, what);
}

/* A message about a value that is JSON but not what status writes (no "got"). */
static int jbad(struct jp *j, const char *at, const char *fmt, const char *arg)
{
	char what[200];

	snprintf(what, sizeof(what), fmt, arg);
	return bc_error_set(j->err, BC_EDATA, "%s: byte %zu: %s", j->name, (size_t)(at - j->buf) + 1,
			    what);
}

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* After whitespace, c is next: take it. */
static bool take(struct jp *j, char c)
{
	ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static int hex4(struct jp *j, unsigned *v)
{
	unsigned i;

	*v = 0;
	for (i = 0; i < 4; i++, j->p++) {
		char c = j->p < j->end ? *j->p : 0;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return jfail(j, "expected four hex digits after \\u");
	}
	return 0;
}

/* Append byte c to out[cap] at *n; past cap, only *trunc is set. */
static void put(char *out, size_t cap, size_t *n, bool *trunc, char c)
{
	if (out && *n + 1 < cap)
		out[(*n)++] = c;
	else
		*trunc = true;
}

/* Code point u as UTF-8 into out (put()). */
static void put_utf8(char *out, size_t cap, size_t *n, bool *trunc, unsigned u)
{
	if (u < 0x80) {
		put(out, cap, n, trunc, (char)u);
	} else if (u < 0x800) {
		put(out, cap, n, trunc, (char)(0xc0 | (u >> 6)));
		put(out, cap, n, trunc, (char)(0x80 | (u & 0x3f)));
	} else if (u < 0x10000) {
		put(out, cap, n, trunc, (char)(0xe0 | (u >> 12)));
		put(out, cap, n, trunc, (char)(0x80 | ((u >> 6) & 0x3f)));
		put(out, cap, n, trunc, (char)(0x80 | (u & 0x3f)));
	} else {
		put(out, cap, n, trunc, (char)(0xf0 | (u >> 18)));
		put(out, cap, n, trunc, (char)(0x80 | ((u >> 12) & 0x3f)));
		put(out, cap, n, trunc, (char)(0x80 | ((u >> 6) & 0x3f)));
		put(out, cap, n, trunc, (char)(0x80 | (u & 0x3f)));
	}
}

/* The low half of a surrogate pair, j->p after the high one's digits: the code point into *u. */
static int low_surrogate(struct jp *j, const char *at, unsigned *u)
{
	unsigned lo;
	int rc;

	if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
		return jbad(j, at, "lone UTF-16 surrogate in a string%s", "");
	j->p += 2;
	if ((rc = hex4(j, &lo)) < 0)
		return rc;
	if (lo < 0xdc00 || lo >= 0xe000)
		return jbad(j, at, "lone UTF-16 surrogate in a string%s", "");
	*u = 0x10000 + ((*u - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/*
 * The code point of a \u escape, j->p after the 'u' (at: its backslash):
 * a surrogate pair (\uD83D\uDE00) is one; a lone surrogate and NUL are
 * refused.
 */
static int junicode(struct jp *j, const char *at, unsigned *u)
{
	int rc;

	if ((rc = hex4(j, u)) < 0)
		return rc;
	if (*u >= 0xd800 && *u < 0xdc00)
		rc = low_surrogate(j, at, u);
	else if (*u >= 0xdc00 && *u < 0xe000)
		rc = jbad(j, at, "lone UTF-16 surrogate in a string%s", "");
	if (rc == 0 && *u == 0)
		rc = jbad(j, at, "NUL (\\u0000) in a string%s", "");
	return rc;
}

/* An escape, j->p after its backslash, into out (put()). */
static int jescape(struct jp *j, char *out, size_t cap, size_t *n, bool *trunc)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char c = j->p < j->end ? *j->p : 0;
	const char *k = c ? strchr(from, c) : NULL;
	unsigned u;
	int rc;

	if (k) {
		put(out, cap, n, trunc, to[k - from]);
		j->p++;
		return 0;
	}
	if (c != 'u')
		return jfail(j, "unknown escape in a string");
	j->p++;
	if ((rc = junicode(j, j->p - 2, &u)) < 0)
		return rc;
	put_utf8(out, cap, n, trunc, u);
	return 0;
}

/*
 * A string at j->p (after whitespace) into out[cap] (NUL-terminated, may be
 * NULL to skip it). *trunc: it did not fit. \u escapes become UTF-8;
 * a NUL (\u0000) is refused: no name or text of buddyctl holds one.
 */
static int jstring(struct jp *j, char *out, size_t cap, bool *trunc)
{
	size_t n = 0;
	int rc;

	*trunc = false;
	if (!take(j, '"'))
		return jfail(j, "expected a string");
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;

		if (c < 0x20)
			return jfail_at(j, j->p - 1, "control character in a string");
		if (c != '\\')
			put(out, cap, &n, trunc, (char)c);
		else if ((rc = jescape(j, out, cap, &n, trunc)) < 0)
			return rc;
	}
	if (j->p >= j->end)
		return jfail(j, "unterminated string");
	j->p++;
	if (out && cap)
		out[n] = '\0';	/* put() kept n below cap */
	return 0;
}

/* A digit at j->p. */
static bool digit(const struct jp *j)
{
	return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

/* The digits of an integer part into *u (*big: past 64 bits). */
static void int_digits(struct jp *j, uint64_t *u, bool *big)
{
	if (*j->p == '0') {
		j->p++;
		return;
	}
	for (; digit(j); j->p++) {
		unsigned d = (unsigned)(*j->p - '0');

		if (*u > (UINT64_MAX - d) / 10)
			*big = true;
		else
			*u = *u * 10 + d;
	}
}

/* The digits of a fraction or an exponent: at least one (else what is the error). */
static int more_digits(struct jp *j, const char *what)
{
	if (!digit(j))
		return jfail(j, what);
	while (digit(j))
		j->p++;
	return 0;
}

/* A fraction and an exponent, if there: *integer is false when either is. */
static int fraction_exponent(struct jp *j, bool *integer)
{
	int rc;

	if (j->p < j->end && *j->p == '.') {
		*integer = false;
		j->p++;
		if ((rc = more_digits(j, "expected a digit after '.'")) < 0)
			return rc;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		*integer = false;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		return more_digits(j, "expected a digit in the exponent");
	}
	return 0;
}

/* -u (neg) or u into *v when it lies from min to max; else the error, at start. */
static int in_range(struct jp *j, const char *start, bool neg, uint64_t u, bool big, int64_t *v,
		    int64_t min, int64_t max)
{
	char range[64];

	if (!big && u <= (uint64_t)INT64_MAX) {
		int64_t x = neg ? -(int64_t)u : (int64_t)u;

		if (x >= min && x <= max) {
			*v = x;
			return 0;
		}
	}
	snprintf(range, sizeof(range), "%lld to %lld", (long long)min, (long long)max);
	return jbad(j, start, "number out of range (%s)", range);
}

/*
 * A JSON number (RFC 8259 grammar). With v, it must be an integer from
 * min to max; without, it is only walked over.
 */
static int jnumber(struct jp *j, int64_t *v, int64_t min, int64_t max)
{
	bool neg = false, integer = true, big = false;
	const char *start;
	uint64_t u = 0;
	int rc;

	ws(j);
	start = j->p;
	if (j->p < j->end && *j->p == '-') {
		neg = true;
		j->p++;
	}
	if (!digit(j))
		return jfail(j, "expected a number");
	int_digits(j, &u, &big);
	if ((rc = fraction_exponent(j, &integer)) < 0)
		return rc;
	if (!v)
		return 0;
	if (!integer)
		return jbad(j, start, "expected an integer%s", "");
	return in_range(j, start, neg, u, big, v, min, max);
}

static int jliteral(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	ws(j);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return jfail(j, "expected a value");
	j->p += n;
	return 0;
}

/* The value at j->p is null: take it. */
static bool jnull(struct jp *j)
{
	ws(j);
	if (j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
		j->p += 4;
		return true;
	}
	return false;
}

static int jbool(struct jp *j, bool *v)
{
	ws(j);
	if (j->end - j->p >= 4 && !memcmp(j->p, "true", 4)) {
		j->p += 4;
		*v = true;
		return 0;
	}
	if (j->end - j->p >= 5 && !memcmp(j->p, "false", 5)) {
		j->p += 5;
		*v = false;
		return 0;
	}
	return jfail(j, "expected true or false");
}

/*
 * Walk an object or array: each member's key (objects) then value goes to
 * fn, which reads the value or skips it. Nesting is bounded.
 */
typedef int (*member_fn)(struct jp *j, const char *key, bool key_long, void *ctx);

static int jskip(struct jp *j);

/*
 * The opening of an object or array (what: "expected an object"), one
 * level deeper: 1 when it closes at once (the level left again), 0 when
 * members follow, or the error.
 */
static int jopen(struct jp *j, char open, char close, const char *what)
{
	if (!take(j, open))
		return jfail(j, what);
	if (++j->depth > STATUSJSON_MAX_DEPTH)
		return jfail(j, "nested too deep for a status JSON file");
	if (!take(j, close))
		return 0;
	j->depth--;
	return 1;
}

static int jobject(struct jp *j, member_fn fn, void *ctx)
{
	char key[64];
	bool key_long;
	int rc = jopen(j, '{', '}', "expected an object");

	if (rc != 0)
		return rc < 0 ? rc : 0;
	for (;;) {
		if ((rc = jstring(j, key, sizeof(key), &key_long)) < 0)
			return rc;
		if (!take(j, ':'))
			return jfail(j, "expected ':' after a key");
		rc = fn ? fn(j, key, key_long, ctx) : jskip(j);
		if (rc < 0)
			return rc;
		if (take(j, ','))
			continue;
		if (take(j, '}'))
			break;
		return jfail(j, "expected ',' or '}' after a member");
	}
	j->depth--;
	return 0;
}

typedef int (*element_fn)(struct jp *j, unsigned index, void *ctx);

static int jarray(struct jp *j, element_fn fn, void *ctx)
{
	unsigned i = 0;
	int rc = jopen(j, '[', ']', "expected an array");

	if (rc != 0)
		return rc < 0 ? rc : 0;
	for (;; i++) {
		rc = fn ? fn(j, i, ctx) : jskip(j);
		if (rc < 0)
			return rc;
		if (take(j, ','))
			continue;
		if (take(j, ']'))
			break;
		return jfail(j, "expected ',' or ']' after an element");
	}
	j->depth--;
	return 0;
}

static int jskip(struct jp *j)
{
	bool trunc;

	ws(j);
	if (j->p >= j->end)
		return jfail(j, "expected a value");
	switch (*j->p) {
	case '{':
		return jobject(j, NULL, NULL);
	case '[':
		return jarray(j, NULL, NULL);
	case '"':
		return jstring(j, NULL, 0, &trunc);
	case 't':
		return jliteral(j, "true");
	case 'f':
		return jliteral(j, "false");
	case 'n':
		return jliteral(j, "null");
	default:
		return jnumber(j, NULL, 0, 0);
	}
}

/* --- the layout of status JSON ------------------------------------------- */

/* A zone as read, before its node's id is known. */
struct jzone {
	const char *at;			/* its opening brace, for messages */
	char name[BC_NAME_MAX];
	bool has_name;
	uint64_t free_blocks[BC_MAX_ORDERS];
	unsigned nr_orders;		/* free_blocks entries read */
	bool has_blocks;
	/* zoneinfo fields: each known (not null) or not */
	uint64_t managed, present, spanned, zi_free, min, low, high;
	unsigned seen;			/* ZI_SEEN_* */
	uint64_t protection[BC_MAX_PROTECTION];
	unsigned nr_protection;
};

struct jnode {
	const char *at;
	int64_t id;
	bool has_id, has_memory, has_memory_seen, has_cpu;
	struct jzone zones[BC_MAX_ZONES];
	unsigned nr_zones;
	char verdict[STATUSJSON_VERDICT_MAX];
	bool has_verdict;
};

struct jtop {
	struct snapshot *snap;
	struct statusjson_info *info;
	struct jnode *node;		/* the node being read (heap: it is ~20 KB) */
	const char *orders_at;
	int64_t schema, page_size, orders, hpage_order;
	unsigned seen;			/* bits of the members below */
	unsigned zone_orders;		/* free_blocks entries of the zones so far, 0: none yet */
	const char *zone_orders_at;	/* the first zone's */
	uint64_t count_max;		/* free_blocks[] element being read: its bound */
};

enum { J_SCHEMA = 1, J_PAGE_SIZE = 2, J_ORDERS = 4, J_HPAGE = 8, J_NODES = 16 };

static int u64_elem(struct jp *j, unsigned i, uint64_t *v, unsigned max, uint64_t bound)
{
	int64_t x;
	int rc;

	ws(j);
	if (i >= max)
		return jbad(j, j->p, "more entries than buddyctl writes%s", "");
	if ((rc = jnumber(j, &x, 0, (int64_t)bound)) < 0)
		return rc;
	v[i] = (uint64_t)x;
	return 0;
}

static int blocks_elem(struct jp *j, unsigned i, void *ctx)
{
	struct jzone *z = ctx;
	int rc;

	ws(j);
	if (i >= BC_MAX_ORDERS)
		return jbad(j, j->p, "more than 32 free block counts%s", "");
	/* as buddyinfo's parser: no count of 2^46 pages or more */
	rc = u64_elem(j, i, z->free_blocks, BC_MAX_ORDERS, BC_MAX_PAGES >> i);
	if (rc == 0)
		z->nr_orders = i + 1;
	return rc;
}

static int prot_elem(struct jp *j, unsigned i, void *ctx)
{
	struct jzone *z = ctx;
	int rc = u64_elem(j, i, z->protection, BC_MAX_PROTECTION, BC_MAX_PAGES);

	if (rc == 0)
		z->nr_protection = i + 1;
	return rc;
}

/* A page count or null: *seen gets bit when it is a count. */
static int pages_or_null(struct jp *j, uint64_t *v, unsigned *seen, unsigned bit)
{
	int64_t x;
	int rc;

	if (jnull(j))
		return 0;
	if ((rc = jnumber(j, &x, 0, (int64_t)BC_MAX_PAGES)) < 0)
		return rc;
	*v = (uint64_t)x;
	*seen |= bit;
	return 0;
}

static int wmark_member(struct jp *j, const char *key, bool key_long, void *ctx)
{
	struct jzone *z = ctx;

	if (!key_long && !strcmp(key, "min"))
		return pages_or_null(j, &z->min, &z->seen, ZI_SEEN_MIN);
	if (!key_long && !strcmp(key, "low"))
		return pages_or_null(j, &z->low, &z->seen, ZI_SEEN_LOW);
	if (!key_long && !strcmp(key, "high"))
		return pages_or_null(j, &z->high, &z->seen, ZI_SEEN_HIGH);
	return jskip(j);
}

/* The zone's page counts of zoneinfo, each a count or null. */
static const struct {
	const char *key;
	size_t field;		/* its uint64_t in struct jzone */
	unsigned bit;		/* ZI_SEEN_* */
} zone_pages[] = {
	{ "managed_pages", offsetof(struct jzone, managed), ZI_SEEN_MANAGED },
	{ "present_pages", offsetof(struct jzone, present), ZI_SEEN_PRESENT },
	{ "spanned_pages", offsetof(struct jzone, spanned), ZI_SEEN_SPANNED },
	{ "zoneinfo_free_pages", offsetof(struct jzone, zi_free), ZI_SEEN_FREE },
};

static int zone_name(struct jp *j, struct jzone *z, const char *at)
{
	bool trunc;
	int rc;

	if ((rc = jstring(j, z->name, sizeof(z->name), &trunc)) < 0)
		return rc;
	if (trunc || !z->name[0] || !scan_is_name(z->name, strlen(z->name)))
		return jbad(j, at, "not a zone name%s", "");
	z->has_name = true;
	return 0;
}

static int zone_protection(struct jp *j, struct jzone *z)
{
	int rc;

	if (jnull(j))
		return 0;
	z->nr_protection = 0;
	if ((rc = jarray(j, prot_elem, z)) < 0)
		return rc;
	z->seen |= ZI_SEEN_PROTECTION;
	return 0;
}

static int zone_member(struct jp *j, const char *key, bool key_long, void *ctx)
{
	struct jzone *z = ctx;
	const char *at;
	unsigned i;

	if (key_long)
		return jskip(j);
	ws(j);
	at = j->p;
	if (!strcmp(key, "zone"))
		return zone_name(j, z, at);
	if (!strcmp(key, "free_blocks")) {
		if (z->has_blocks)
			return jbad(j, at, "\"free_blocks\" given twice%s", "");
		z->has_blocks = true;
		return jarray(j, blocks_elem, z);
	}
	for (i = 0; i < sizeof(zone_pages) / sizeof(zone_pages[0]); i++)
		if (!strcmp(key, zone_pages[i].key))
			return pages_or_null(j, (uint64_t *)((char *)z + zone_pages[i].field), &z->seen,
					     zone_pages[i].bit);
	if (!strcmp(key, "watermarks"))
		return jnull(j) ? 0 : jobject(j, wmark_member, z);
	if (!strcmp(key, "protection"))
		return zone_protection(j, z);
	return jskip(j);
}

static int zone_elem(struct jp *j, unsigned i, void *ctx)
{
	struct jtop *t = ctx;
	struct jnode *n = t->node;
	struct jzone *z;
	unsigned k;
	int rc;

	(void)i;
	ws(j);
	if (n->nr_zones == BC_MAX_ZONES)
		return jbad(j, j->p, "more than 16 zones in a node%s", "");
	z = &n->zones[n->nr_zones];
	memset(z, 0, sizeof(*z));
	z->at = j->p;
	if ((rc = jobject(j, zone_member, z)) < 0)
		return rc;
	if (!z->has_name)
		return jbad(j, z->at, "a zone without \"zone\" (its name)%s", "");
	if (!z->has_blocks || !z->nr_orders)
		return jbad(j, z->at, "zone '%s' has no \"free_blocks\"", z->name);
	for (k = 0; k < n->nr_zones; k++)
		if (!strcmp(n->zones[k].name, z->name))
			return jbad(j, z->at, "zone '%s' given twice in one node", z->name);
	if (!t->zone_orders) {
		t->zone_orders = z->nr_orders;
		t->zone_orders_at = z->at;
	} else if (z->nr_orders != t->zone_orders) {
		char what[128];

		snprintf(what, sizeof(what), "zone '%s' has %u free block counts where the first zone has %u",
			 z->name, z->nr_orders, t->zone_orders);
		return jbad(j, z->at, "%s", what);
	}
	n->nr_zones++;
	return 0;
}

static int verdict_member(struct jp *j, const char *key, bool key_long, void *ctx)
{
	struct jnode *n = ctx;
	const char *at;
	bool trunc;
	int rc;

	if (key_long || strcmp(key, "text"))
		return jskip(j);
	if (jnull(j))
		return 0;
	ws(j);
	at = j->p;
	if ((rc = jstring(j, n->verdict, sizeof(n->verdict), &trunc)) < 0)
		return rc;
	if (trunc)
		return jbad(j, at, "verdict text longer than buddyctl writes (%s bytes at most)", "1023");
	n->has_verdict = true;
	return 0;
}

static int node_member(struct jp *j, const char *key, bool key_long, void *ctx)
{
	struct jtop *t = ctx;
	struct jnode *n = t->node;

	if (key_long)
		return jskip(j);
	if (!strcmp(key, "node")) {
		n->has_id = true;
		return jnumber(j, &n->id, 0, BC_MAX_NODE_ID);
	}
	if (!strcmp(key, "has_memory")) {
		n->has_memory_seen = true;
		return jbool(j, &n->has_memory);
	}
	if (!strcmp(key, "has_cpu"))
		return jbool(j, &n->has_cpu);
	if (!strcmp(key, "zones")) {
		n->nr_zones = 0;
		return jarray(j, zone_elem, t);
	}
	if (!strcmp(key, "verdict"))
		return jnull(j) ? 0 : jobject(j, verdict_member, n);
	return jskip(j);
}

/* The node just read can be added: it has an id, given once, and the zones fit. */
static int node_fits(struct jp *j, const struct jtop *t, const struct jnode *n)
{
	char num[16];

	if (!n->has_id)
		return jbad(j, n->at, "a node without \"node\" (its id)%s", "");
	if (snapshot_node(t->snap, (int)n->id)) {
		snprintf(num, sizeof(num), "%d", (int)n->id);
		return jbad(j, n->at, "node %s given twice", num);
	}
	if (t->snap->nr_zones + n->nr_zones > BC_MAX_SNAPSHOT_ZONES) {
		snprintf(num, sizeof(num), "%d", BC_MAX_SNAPSHOT_ZONES);
		return jbad(j, n->at, "more than %s zones in all: no kernel has that many", num);
	}
	return 0;
}

/* A zone as read into the snapshot's z: its free blocks, and its zoneinfo when whole. */
static int copy_zone(struct jp *j, const struct jzone *jz, struct zone *z)
{
	unsigned o;

	z->in_buddyinfo = true;
	memcpy(z->free_blocks, jz->free_blocks, sizeof(z->free_blocks));
	for (o = 0; o < jz->nr_orders; o++) {
		if (z->free_pages + (jz->free_blocks[o] << o) > BC_MAX_PAGES)
			return jbad(j, jz->at, "zone '%s': implausible free block counts", jz->name);
		z->free_pages += jz->free_blocks[o] << o;
	}
	/* a zone with zoneinfo has all of its fields; else none is trusted */
	if ((jz->seen & (ZI_SEEN_ALL & ~ZI_SEEN_PROTECTION)) != (ZI_SEEN_ALL & ~ZI_SEEN_PROTECTION))
		return 0;
	z->in_zoneinfo = true;
	z->seen = jz->seen;
	z->managed = jz->managed;
	z->present = jz->present;
	z->spanned = jz->spanned;
	z->zi_free = jz->zi_free;
	z->min = jz->min;
	z->low = jz->low;
	z->high = jz->high;
	memcpy(z->protection, jz->protection, sizeof(z->protection));
	z->nr_protection = jz->nr_protection;
	return 0;
}

/* The node's verdict text, kept for diff (statusjson_info). */
static int keep_verdict(struct jp *j, struct statusjson_info *in, const struct jnode *n)
{
	struct recorded_verdict *v;

	/* doubled, not grown by one: 65,536 nodes are 65,536 verdicts */
	if (in->nr_verdicts == in->cap_verdicts) {
		unsigned cap = in->cap_verdicts ? in->cap_verdicts * 2 : 64;

		v = realloc(in->verdicts, cap * sizeof(*v));
		if (!v)
			return bc_error_set(j->err, BC_ENOMEM, "out of memory");
		in->verdicts = v;
		in->cap_verdicts = cap;
	}
	v = &in->verdicts[in->nr_verdicts];
	v->node = (int)n->id;
	if (!(v->text = strdup(n->verdict)))
		return bc_error_set(j->err, BC_ENOMEM, "out of memory");
	in->nr_verdicts++;
	return 0;
}

/* The node just read, into the snapshot. */
static int add_node(struct jp *j, struct jtop *t)
{
	struct jnode *n = t->node;
	struct node *sn;
	unsigned k;
	int rc;

	if ((rc = node_fits(j, t, n)) < 0)
		return rc;
	if (!(sn = snapshot_add_node(t->snap, (int)n->id)))
		return bc_error_set(j->err, BC_ENOMEM, "out of memory");
	t->snap->nr_zones += n->nr_zones;
	for (k = 0; k < n->nr_zones; k++) {
		const struct jzone *jz = &n->zones[k];
		struct zone *z = node_add_zone(sn, jz->name, strlen(jz->name));

		if (!z)
			return bc_error_set(j->err, BC_ENOMEM, "out of memory");
		if ((rc = copy_zone(j, jz, z)) < 0)
			return rc;
	}
	sn->has_memory = n->has_memory_seen ? n->has_memory : n->nr_zones > 0;
	sn->has_cpu = n->has_cpu;
	return n->has_verdict ? keep_verdict(j, t->info, n) : 0;
}

static int node_elem(struct jp *j, unsigned i, void *ctx)
{
	struct jtop *t = ctx;
	int rc;

	(void)i;
	ws(j);
	memset(t->node, 0, sizeof(*t->node));
	t->node->at = j->p;
	if ((rc = jobject(j, node_member, t)) < 0)
		return rc;
	return add_node(j, t);
}

/* "command": the JSON of estimate, check, plan, apply or a one-off command, never status's. */
static int top_command(struct jp *j, struct jtop *t, const char *at)
{
	char s[64];
	bool trunc;
	int rc;

	(void)t;
	if ((rc = jstring(j, s, sizeof(s), &trunc)) < 0)
		return rc;
	return jbad(j, at, "not status JSON: the JSON of '%s'", s);
}

static int top_time(struct jp *j, struct jtop *t, const char *at)
{
	bool trunc;
	int rc;

	if (jnull(j))
		return 0;
	if ((rc = jstring(j, t->info->time, sizeof(t->info->time), &trunc)) < 0)
		return rc;
	if (trunc)
		return jbad(j, at, "\"time\" is not a time as status writes it%s", "");
	return 0;
}

static int top_schema(struct jp *j, struct jtop *t, const char *at)
{
	char s[32];
	int rc = jnumber(j, &t->schema, 0, INT32_MAX);

	if (rc == 0 && t->schema != 1) {
		snprintf(s, sizeof(s), "%lld", (long long)t->schema);
		return jbad(j, at, "schema %s: this buddyctl reads schema 1", s);
	}
	return rc;
}

static int top_page_size(struct jp *j, struct jtop *t, const char *at)
{
	int rc = jnumber(j, &t->page_size, BC_PAGE_MIN, BC_PAGE_MAX);

	if (rc == 0 && (t->page_size & (t->page_size - 1)))
		return jbad(j, at, "page_size is not a power of two%s", "");
	return rc;
}

/* "page_size_source": kept when it names one (an unknown one is no error). */
static int top_page_size_source(struct jp *j, struct jtop *t, const char *at)
{
	char s[64];
	bool trunc;
	unsigned k;
	int rc;

	(void)at;
	if ((rc = jstring(j, s, sizeof(s), &trunc)) < 0)
		return rc;
	for (k = PS_OPTION; k <= PS_DEFAULT; k++)
		if (!strcmp(s, pagesize_source_name((enum page_size_source)k)))
			t->snap->page_size_source = k;
	return 0;
}

static int top_orders(struct jp *j, struct jtop *t, const char *at)
{
	t->orders_at = at;
	return jnumber(j, &t->orders, 1, BC_MAX_ORDERS);
}

static int top_hpage_order(struct jp *j, struct jtop *t, const char *at)
{
	(void)at;
	return jnumber(j, &t->hpage_order, 0, BC_MAX_ORDERS - 1);
}

/* "nodes": read once only, since each node read is added to the snapshot. */
static int top_nodes(struct jp *j, struct jtop *t, const char *at)
{
	if (t->seen & J_NODES)
		return jbad(j, at, "\"nodes\" given twice%s", "");
	return jarray(j, node_elem, t);
}

/* The members of the top object that are read; bit: those given at most once. */
static const struct {
	const char *key;
	unsigned bit;
	int (*read)(struct jp *j, struct jtop *t, const char *at);
} top_members[] = {
	{ "command", 0, top_command },
	{ "time", 0, top_time },
	{ "schema", J_SCHEMA, top_schema },
	{ "page_size", J_PAGE_SIZE, top_page_size },
	{ "page_size_source", 0, top_page_size_source },
	{ "orders", J_ORDERS, top_orders },
	{ "hugepage_order", J_HPAGE, top_hpage_order },
	{ "nodes", J_NODES, top_nodes },
};

static int top_member(struct jp *j, const char *key, bool key_long, void *ctx)
{
	struct jtop *t = ctx;
	const char *at;
	unsigned i;
	int rc;

	for (i = 0; !key_long && i < sizeof(top_members) / sizeof(top_members[0]); i++)
		if (!strcmp(key, top_members[i].key))
			break;
	if (key_long || i == sizeof(top_members) / sizeof(top_members[0]))
		return jskip(j);
	ws(j);
	at = j->p;
	rc = top_members[i].read(j, t, at);
	if (rc == 0 && (t->seen & top_members[i].bit))
		return jbad(j, at, "\"%s\" given twice", key);
	t->seen |= top_members[i].bit;
	return rc;
}

/* What the whole file must have: the members of status JSON, orders that agree. */
static int check_top(struct jp *j, const struct jtop *t)
{
	static const struct { unsigned bit; const char *key; } need[] = {
		{ J_SCHEMA, "schema" }, { J_PAGE_SIZE, "page_size" }, { J_ORDERS, "orders" },
		{ J_HPAGE, "hugepage_order" }, { J_NODES, "nodes" },
	};
	char what[96];
	unsigned i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(t->seen & need[i].bit))
			return bc_error_set(j->err, BC_EDATA, "%s: no \"%s\": not status JSON of buddyctl", j->name,
					    need[i].key);
	if (t->zone_orders && t->zone_orders != (unsigned)t->orders) {
		snprintf(what, sizeof(what), "the zones have %u free block counts, \"orders\" is %lld",
			 t->zone_orders, (long long)t->orders);
		return jbad(j, t->zone_orders_at, "%s", what);
	}
	if (t->hpage_order >= t->orders)
		return bc_error_set(j->err, BC_EDATA, "%s: hugepage_order %lld is not below orders %lld", j->name,
				    (long long)t->hpage_order, (long long)t->orders);
	return 0;
}

int statusjson_parse(struct snapshot *snap, struct statusjson_info *info, const char *name,
		     const char *buf, size_t len, struct bc_error *err)
{
	struct jp j = { .name = name, .buf = buf, .p = buf, .end = buf + len, .err = err };
	struct jtop t = { .snap = snap, .info = info };
	int rc;

	memset(info, 0, sizeof(*info));
	t.node = malloc(sizeof(*t.node));
	if (!t.node)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	rc = jobject(&j, top_member, &t);
	free(t.node);
	if (rc == 0) {
		ws(&j);
		if (j.p < j.end)
			rc = jfail(&j, "text after the JSON object");
	}
	if (rc == 0)
		rc = check_top(&j, &t);
	if (rc < 0) {
		statusjson_info_free(info);
		return rc;
	}
	snap->page_size = (unsigned)t.page_size;
	snap->nr_orders = (unsigned)t.orders;
	snap->hpage_order = (int)t.hpage_order;
	snapshot_sort_nodes(snap);
	return 0;
}

void statusjson_info_free(struct statusjson_info *info)
{
	unsigned i;

	for (i = 0; i < info->nr_verdicts; i++)
		free(info->verdicts[i].text);
	free(info->verdicts);
	info->verdicts = NULL;
	info->nr_verdicts = info->cap_verdicts = 0;
}
