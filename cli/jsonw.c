/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one JSON writer of every document buddyctl prints: commas, nesting, escapes. */
#include "jsonw.h"

#include "output.h"

void jw_init(struct jw *w, FILE *f)
{
	*w = (struct jw){ .f = f };
}

int jw_done(struct jw *w)
{
	putc_unlocked('\n', w->f);
	return ferror(w->f) || w->misused || w->depth ? -1 : 0;
}

/*
 * What comes before a value: the comma after the one before it, the line
 * break of an array of lines, and the key inside an object.
 */
static void before_value(struct jw *w, const char *key)
{
	if (w->depth > 0 && w->depth <= JW_MAX_DEPTH) {
		struct jw_open *o = &w->open[w->depth - 1];

		if (o->any)
			putc_unlocked(',', w->f);
		o->any = true;
		if (o->lines)
			fprintf(w->f, "\n%*s", (int)w->lines, "");
	}
	if (key) {
		putc_unlocked('"', w->f);
		fputs(key, w->f);	/* the program's own names: nothing to escape */
		fputs("\":", w->f);
	}
}

static void open_value(struct jw *w, const char *key, char open, char close, bool lines)
{
	before_value(w, key);
	putc_unlocked(open, w->f);
	if (w->depth < JW_MAX_DEPTH)
		w->open[w->depth] = (struct jw_open){ .close = close, .lines = lines };
	else
		w->misused = true;
	w->depth++;
	w->lines += lines;
}

void jw_object(struct jw *w, const char *key)
{
	open_value(w, key, '{', '}', false);
}

void jw_array(struct jw *w, const char *key)
{
	open_value(w, key, '[', ']', false);
}

void jw_lines(struct jw *w, const char *key)
{
	open_value(w, key, '[', ']', true);
}

void jw_end(struct jw *w)
{
	if (!w->depth || w->depth > JW_MAX_DEPTH) {
		w->misused = true;
		w->depth -= w->depth > 0;
		return;
	}
	w->depth--;
	w->lines -= w->open[w->depth].lines;
	putc_unlocked(w->open[w->depth].close, w->f);
}

static void put_str(FILE *f, const char *s)
{
	uint32_t c;
	unsigned n;

	putc_unlocked('"', f);
	for (; *s; s += n) {
		n = out_utf8_char(s, &c);
		if (!n) {
			fputs("\\ufffd", f);	/* not UTF-8: the replacement character */
			n = 1;
		} else if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked((int)c, f);
		} else if (out_char_acts(c)) {
			fprintf(f, "\\u%04x", (unsigned)c);
		} else {
			fwrite_unlocked(s, 1, n, f);
		}
	}
	putc_unlocked('"', f);
}

void jw_str(struct jw *w, const char *key, const char *s)
{
	if (!s) {
		jw_null(w, key);
		return;
	}
	before_value(w, key);
	put_str(w->f, s);
}

void jw_str_or_null(struct jw *w, const char *key, const char *s)
{
	jw_str(w, key, s && s[0] ? s : NULL);
}

/*
 * Numbers are most of a big machine's status (3 arrays per zone, an entry
 * per order): formatting them by hand is several times cheaper than printf.
 */
static void put_u64(FILE *f, uint64_t u, bool minus)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (minus)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

void jw_i64(struct jw *w, const char *key, int64_t v)
{
	before_value(w, key);
	put_u64(w->f, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	before_value(w, key);
	put_u64(w->f, v, false);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	before_value(w, key);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *key)
{
	before_value(w, key);
	fputs("null", w->f);
}

void jw_fixed(struct jw *w, const char *key, double v, unsigned decimals)
{
	before_value(w, key);
	fprintf(w->f, "%.*f", (int)decimals, v);
}

void jw_opt_i64(struct jw *w, const char *key, bool known, int64_t v)
{
	if (known)
		jw_i64(w, key, v);
	else
		jw_null(w, key);
}

void jw_opt_u64(struct jw *w, const char *key, bool known, uint64_t v)
{
	if (known)
		jw_u64(w, key, v);
	else
		jw_null(w, key);
}

void jw_u64s(struct jw *w, const char *key, const uint64_t *v, unsigned n)
{
	unsigned i;

	jw_array(w, key);
	for (i = 0; i < n; i++)
		jw_u64(w, NULL, v[i]);
	jw_end(w);
}
