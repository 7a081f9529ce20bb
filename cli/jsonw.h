/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_JSONW_H
#define BUDDYCTL_JSONW_H

/*
 * The one JSON writer of every document buddyctl prints (cli/out_json.c).
 * It puts the commas, the colons and the quotes, escapes the strings, and
 * keeps track of what is open; a caller says only what comes next:
 *
 *	struct jw w;
 *
 *	jw_init(&w, f);
 *	jw_object(&w, NULL);		{
 *	jw_u64(&w, "schema", 1);	"schema":1
 *	jw_lines(&w, "nodes");		,"nodes":[
 *	jw_object(&w, NULL);		\n {
 *	jw_str(&w, "zone", "DMA");	"zone":"DMA"
 *	jw_end(&w);			}
 *	jw_end(&w);			]
 *	jw_end(&w);			}
 *	return jw_done(&w);		\n, and 0 or -1
 *
 * A value takes its key inside an object and NULL inside an array. Every
 * element of an array opened with jw_lines() starts a line, indented by as
 * many spaces as there are such arrays open (a node per line, and a zone
 * per line under it, keep a diff of two documents readable); every other
 * value follows the one before it on the same line.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The deepest nesting of any document (status: 8). */
#define JW_MAX_DEPTH 16

/* An object or array open. */
struct jw_open {
	char close;			/* '}' or ']' */
	bool any;			/* a value was written in it: the next one needs a comma */
	bool lines;			/* opened with jw_lines() */
};

struct jw {
	FILE *f;
	unsigned depth;			/* objects and arrays open */
	unsigned lines;			/* of them, arrays opened with jw_lines() */
	bool misused;			/* too deep, or an end without a beginning */
	struct jw_open open[JW_MAX_DEPTH];
};

/* Start a document on f. */
void jw_init(struct jw *w, FILE *f);

/*
 * The newline that ends a document. 0, or -1 when writing to f failed or
 * the objects and arrays opened were not all ended.
 */
int jw_done(struct jw *w);

/* Open an object, an array, an array of one element per line; close the innermost. */
void jw_object(struct jw *w, const char *key);
void jw_array(struct jw *w, const char *key);
void jw_lines(struct jw *w, const char *key);
void jw_end(struct jw *w);

/*
 * A string: quotes and backslashes escaped, control characters (C0, DEL,
 * C1) and the characters out_escape() escapes (bidirectional marks, U+2028,
 * U+2029) as \uNNNN, and a byte that is not UTF-8 as U+FFFD (JSON text is
 * UTF-8: RFC 8259, section 8.1). s NULL: null.
 */
void jw_str(struct jw *w, const char *key, const char *s);

/* A string, or null when s is NULL or "" (a message that is not there). */
void jw_str_or_null(struct jw *w, const char *key, const char *s);

void jw_i64(struct jw *w, const char *key, int64_t v);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);

/* v with a fixed number of decimals ("%.3f" for 3), as printf rounds it. */
void jw_fixed(struct jw *w, const char *key, double v, unsigned decimals);

/* v, or null when it is not known. */
void jw_opt_i64(struct jw *w, const char *key, bool known, int64_t v);
void jw_opt_u64(struct jw *w, const char *key, bool known, uint64_t v);

/* An array of the n numbers of v, on one line. */
void jw_u64s(struct jw *w, const char *key, const uint64_t *v, unsigned n);

#endif
