/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A line and token cursor over a kernel file in memory, for every parser in read/. */
#include "textscan.h"

#include <string.h>

#include "units.h"

void scan_init(struct scan *s, const char *path, const char *buf, size_t len)
{
	s->path = path;
	s->next = buf;
	s->end = buf + len;
	s->line = s->eol = s->p = buf;
	s->lineno = 0;
	/* one pass over the whole buffer instead of two per line */
	s->nul = memchr(buf, '\0', len);
	s->cr = memchr(buf, '\r', len);
	s->allow_unterminated = s->unterminated = false;
}

int scan_next_line(struct scan *s, struct bc_error *err)
{
	const char *nl, *bad;
	size_t n;

	if (s->next >= s->end)
		return 0;
	s->lineno++;
	n = (size_t)(s->end - s->next);
	nl = memchr(s->next, '\n', n);
	s->line = s->p = s->next;
	s->eol = nl ? nl : s->end;
	s->next = nl ? nl + 1 : s->end;
	bad = s->nul;
	if (bad && bad >= s->line && bad < s->eol)
		return bc_error_set(err, BC_EDATA, "%s:%u: NUL byte at column %zu",
				    s->path, s->lineno, (size_t)(bad - s->line) + 1);
	bad = s->cr;
	if (bad && bad >= s->line && bad < s->eol)
		return bc_error_set(err, BC_EDATA, "%s:%u: carriage return at column %zu (CRLF line ends are not kernel output)",
				    s->path, s->lineno, (size_t)(bad - s->line) + 1);
	s->unterminated = !nl;
	if (!nl && !s->allow_unterminated)
		return bc_error_set(err, BC_EDATA, "%s:%u: truncated last line (no newline at end of file)",
				    s->path, s->lineno);
	return 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool scan_token(struct scan *s, const char **tok, size_t *len)
{
	const char *p = s->p;

	while (p < s->eol && is_blank(*p))
		p++;
	if (p == s->eol) {
		s->p = p;
		return false;
	}
	*tok = p;
	while (p < s->eol && !is_blank(*p))
		p++;
	*len = (size_t)(p - *tok);
	s->p = p;
	return true;
}

int scan_fail(struct scan *s, const char *tok, size_t len, const char *what,
	      struct bc_error *err)
{
	char esc[BC_TOKEN_MAX];

	if (!tok)
		return bc_error_set(err, BC_EDATA, "%s:%u: %s", s->path, s->lineno, what);
	bc_token_escape(esc, tok, len);
	return bc_error_set(err, BC_EDATA, "%s:%u: %s '%s'", s->path, s->lineno, what, esc);
}

static int parse_u64(const char *tok, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)tok[i] - '0';

		if (d > 9)
			return -1;
		if (v > (UINT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int scan_u64(struct scan *s, const char *tok, size_t len, uint64_t *out,
	     struct bc_error *err)
{
	switch (parse_u64(tok, len, out)) {
	case 0:
		return 0;
	case -2:
		return scan_fail(s, tok, len, "number does not fit in 64 bits", err);
	default:
		return scan_fail(s, tok, len, "expected a non-negative integer, got", err);
	}
}

int scan_next_u64(struct scan *s, const char *what, uint64_t *out,
		  struct bc_error *err)
{
	const char *tok;
	size_t len;

	if (!scan_token(s, &tok, &len))
		return scan_fail(s, what, strlen(what), "missing value after", err);
	return scan_u64(s, tok, len, out, err);
}



int parse_single_u64(const char *path, const char *buf, size_t len,
		     uint64_t *out, struct bc_error *err)
{
	struct scan s;
	const char *tok;
	size_t tlen;
	int rc;

	scan_init(&s, path, buf, len);
	rc = scan_next_line(&s, err);
	if (rc < 0)
		return rc;
	if (rc == 0 || !scan_token(&s, &tok, &tlen))
		return bc_error_set(err, BC_EDATA, "%s: empty file, expected a number", path);
	rc = scan_u64(&s, tok, tlen, out, err);
	if (rc < 0)
		return rc;
	if (scan_token(&s, &tok, &tlen))
		return scan_fail(&s, tok, tlen, "unexpected text after the number", err);
	rc = scan_next_line(&s, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return bc_error_set(err, BC_EDATA, "%s:2: unexpected second line", path);
	return 0;
}

bool scan_is_name(const char *tok, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tok[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return len > 0;
}

int scan_node_zone(struct scan *s, bool zone_comma, int *node,
		   const char **zone, size_t *zlen, struct bc_error *err)
{
	const char *tok;
	size_t len;
	uint64_t id;
	int rc;

	if (!scan_token(s, &tok, &len))
		return scan_fail(s, NULL, 0, "missing node id after 'Node'", err);
	if (len < 2 || tok[len - 1] != ',')
		return scan_fail(s, tok, len, "expected a node id followed by ',', got", err);
	rc = scan_u64(s, tok, len - 1, &id, err);
	if (rc < 0)
		return rc;
	if (id > BC_MAX_NODE_ID)
		return scan_fail(s, tok, len - 1, "node id out of range", err);
	if (!scan_token(s, &tok, &len))
		return scan_fail(s, NULL, 0, "missing 'zone' keyword", err);
	if (!tok_eq(tok, len, "zone"))
		return scan_fail(s, tok, len, "expected 'zone', got", err);
	if (!scan_token(s, &tok, &len))
		return scan_fail(s, NULL, 0, "missing zone name", err);
	if (zone_comma) {
		if (len < 2 || tok[len - 1] != ',')
			return scan_fail(s, tok, len, "expected a zone name followed by ',', got", err);
		len--;
	}
	if (len >= BC_NAME_MAX)
		return scan_fail(s, tok, len, "zone name too long", err);
	if (!scan_is_name(tok, len))
		return scan_fail(s, tok, len, "invalid zone name", err);
	*node = (int)id;
	*zone = tok;
	*zlen = len;
	return 0;
}

int parse_page_count(const char *path, const char *buf, size_t len, uint64_t *out,
		     struct bc_error *err)
{
	int rc = parse_single_u64(path, buf, len, out, err);

	if (rc == 0 && *out > BC_MAX_PAGES)
		return bc_error_set(err, BC_EDATA, "%s:1: %llu is not a plausible page count (more than 2^46)",
				    path, (unsigned long long)*out);
	return rc;
}
