/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The helpers every renderer shares: colour, escaping, wrapping, sizes and labels. */
#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nodelist.h"
#include "units.h"

bool out_color(int when, int fd)
{
	const char *no = getenv("NO_COLOR");

	if (when >= 0)
		return when > 0;
	return fd >= 0 && isatty(fd) && !(no && *no);
}

const char *out_level_sgr(bool color, enum level l)
{
	if (!color)
		return "";
	return l == LEVEL_CRIT ? "\033[1;31m" : l == LEVEL_WARN ? "\033[1;33m" : "\033[32m";
}

const char *out_sgr_end(bool color)
{
	return color ? "\033[0m" : "";
}

/*
 * The length of the UTF-8 character that lead byte c starts (2 to 4), with
 * its bits in *bits and the least code point of that length in *min (less
 * is an overlong form); 0 when c starts none.
 */
static unsigned utf8_lead(uint32_t c, uint32_t *bits, uint32_t *min)
{
	if (c >= 0xc2 && c <= 0xdf) {
		*bits = c & 0x1f, *min = 0x80;
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		*bits = c & 0x0f, *min = 0x800;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		*bits = c & 0x07, *min = 0x10000;
		return 4;
	}
	return 0;
}

unsigned out_utf8_char(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = s[0], min;
	unsigned n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	n = utf8_lead(s[0], &c, &min);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (!n || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool out_char_acts(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* The escape of ASCII character c for people in e, or "" when it is shown as it is. */
static void escape_ascii(uint32_t c, unsigned flags, char e[12])
{
	if (c == '\n' || c == '\r' || c == '\t')
		snprintf(e, 12, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
	else if (c == '\\' && !(flags & OUT_ESC_MSG))
		snprintf(e, 12, "\\\\");
	else if (c == '|' && (flags & OUT_ESC_PIPE))
		snprintf(e, 12, "\\x7c");
	else if (c < 0x20 || c == 0x7f)
		snprintf(e, 12, "\\x%02x", (unsigned)c);
}

/*
 * The character at s for people: its escape in e, or "" when its bytes are
 * shown as they are. Returns how many bytes of s it is.
 */
static unsigned escape_char(const char *s, unsigned flags, char e[12])
{
	uint32_t c;
	unsigned n = out_utf8_char(s, &c);

	e[0] = '\0';
	if (!n)
		snprintf(e, 12, "\\x%02x", (unsigned char)*s);
	else if (c < 0x80)
		escape_ascii(c, flags, e);
	else if (out_char_acts(c))
		snprintf(e, 12, "\\u%04x", (unsigned)c);
	return n ? n : 1;
}

char *out_escape(char *buf, size_t size, const char *s, unsigned flags)
{
	size_t len = 0, plen;
	const char *piece;
	char e[12];
	unsigned n;

	for (; *s; s += n) {
		n = escape_char(s, flags, e);
		piece = e[0] ? e : s;
		plen = e[0] ? strlen(e) : n;
		if (len + plen >= size)
			break;
		memcpy(buf + len, piece, plen);
		len += plen;
	}
	buf[len] = '\0';
	return buf;
}

void out_escape_put(FILE *f, const char *s, unsigned flags)
{
	char e[12];
	unsigned n;

	for (; *s; s += n) {
		n = escape_char(s, flags, e);
		if (e[0])
			fputs(e, f);
		else
			fwrite(s, 1, n, f);
	}
}

bool out_node_selected(const struct outopts *o, int id)
{
	if (!o->nodes)
		return true;
	return (unsigned)id < o->nodes->size && numa_bitmask_isbitset(o->nodes, (unsigned)id);
}

static const char units[] = "KMGTPE";

void out_human_bytes(char *buf, size_t size, uint64_t bytes)
{
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu", (unsigned long long)bytes);
		return;
	}
	while (v >= 1024 && u + 1 < (int)sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, size, "%.1f%c", v, units[u]);
	else
		snprintf(buf, size, "%.0f%c", v, units[u]);
}

void out_thousandths(char *buf, size_t size, int v)
{
	/*
	 * Exactly the kernel's "%d.%03d" with index / 1000, index % 1000, so
	 * that -250 prints "0.-250" as debugfs would.
	 */
	snprintf(buf, size, "%d.%03d", v / 1000, v % 1000);
}

void out_wrap(FILE *f, const char *lead, unsigned indent, const char *text)
{
	/* the longest text wrapped is a verdict (1023 bytes): 4 bytes an escape at most */
	char esc[4096 + 1];
	unsigned col = (unsigned)fprintf(f, "%s", lead);
	const char *w = out_escape(esc, sizeof(esc), text, 0);

	while (*w) {
		size_t len = strcspn(w, " ");

		if (col > indent && col + 1 + len > 79) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, len, f);
		col += (unsigned)len;
		w += len;
		while (*w == ' ')
			w++;
	}
	fputc('\n', f);
}

static unsigned first_missing(const struct snapshot *snap)
{
	unsigned i;

	for (i = 0; i < IN_NR; i++)
		if (snap->missing[i].file && i != IN_PAGETYPEINFO)
			return i;
	return IN_NR;
}

/* ": no A, B or C": the figures of lost (bits of enum snap_lost). */
static void lost_words(FILE *f, unsigned lost)
{
	unsigned b, k, nr;

	for (b = 0, nr = 0; b < LOST_NR; b++)
		nr += !!(lost & (1u << b));
	for (b = 0, k = 0; b < LOST_NR; b++)
		if (lost & (1u << b))
			fprintf(f, "%s%s", k++ == 0 ? ": no " : k == nr ? " or " : ", ", snapshot_lost_words(b));
}

/* The files that were not read, and the figures they leave unknown. */
void out_text_missing(FILE *f, const struct snapshot *snap)
{
	char nodes[80];
	unsigned i;

	for (i = 0; i < IN_NR; i++) {
		const struct snap_missing *m = &snap->missing[i];

		if (!m->file || i == IN_PAGETYPEINFO)	/* its own line above */
			continue;
		nodelist_format(m->nodes, nodes, sizeof(nodes));
		fprintf(f, "%snot read: %s%s%s (", i == first_missing(snap) ? "\n" : "", m->file,
			!m->nodes ? "" : strpbrk(nodes, ",-") ? " of nodes " : " of node ", nodes);
		out_escape_put(f, m->why, 0);
		fputc(')', f);
		lost_words(f, m->lost);
		fputc('\n', f);
	}
}

void action_label(char *buf, size_t size, const struct action *a)
{
	char sz[16], where[32];
	static const char *const drop[] = { "", "page cache", "slab", "page cache and slab" };

	switch (a->kind) {
	case ACT_COMPACT_NODE:
		snprintf(buf, size, "compact node %d", a->node);
		break;
	case ACT_COMPACT_ALL:
		snprintf(buf, size, "compact all nodes");
		break;
	case ACT_DROP_CACHES:
		snprintf(buf, size, "drop %s%s", drop[a->drop_level & 3], a->sync ? " (sync first)" : "");
		break;
	case ACT_RESERVE:
		size_label(sz, sizeof(sz), a->size_kb * 1024);
		if (a->node >= 0)
			snprintf(where, sizeof(where), "node %d", a->node);
		else
			snprintf(where, sizeof(where), "all nodes");
		snprintf(buf, size, "reserve %s on %s: %llu -> %llu", sz, where,
			 (unsigned long long)a->current, (unsigned long long)a->target);
		break;
	}
}
