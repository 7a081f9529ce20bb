/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "output.h"

#include <string.h>

#include "nodelist.h"



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

void out_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
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
	unsigned col = (unsigned)fprintf(f, "%s", lead);
	const char *w = text;

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

/* The files that were not read, and the figures they leave unknown. */
void out_text_missing(FILE *f, const struct snapshot *snap)
{
	char nodes[80];
	unsigned i, b, k, nr;

	for (i = 0; i < IN_NR; i++) {
		const struct snap_missing *m = &snap->missing[i];

		if (!m->file || i == IN_PAGETYPEINFO)	/* its own line above */
			continue;
		nodelist_format(m->nodes, nodes, sizeof(nodes));
		fprintf(f, "%snot read: %s%s%s (%s)", i == first_missing(snap) ? "\n" : "", m->file,
			!m->nodes ? "" : strpbrk(nodes, ",-") ? " of nodes " : " of node ", nodes, m->why);
		for (b = 0, nr = 0; b < LOST_NR; b++)
			nr += !!(m->lost & (1u << b));
		for (b = 0, k = 0; b < LOST_NR; b++)
			if (m->lost & (1u << b))
				fprintf(f, "%s%s", k++ == 0 ? ": no " : k == nr ? " or " : ", ",
					snapshot_lost_words(b));
		fputc('\n', f);
	}
}

/*
 * "missing": every file not read, with why and the figures it leaves
 * unknown (those fields are null or absent below).
 */
void out_json_missing(FILE *f, const struct snapshot *snap)
{
	char nodes[80];
	unsigned i, b, k, n = 0;

	fputs(",\"missing\":[", f);
	for (i = 0; i < IN_NR; i++) {
		const struct snap_missing *m = &snap->missing[i];

		if (!m->file)
			continue;
		fputs(n++ ? ",{\"file\":" : "{\"file\":", f);
		out_json_string(f, m->file);
		fputs(",\"nodes\":", f);
		if (m->nodes) {
			nodelist_format(m->nodes, nodes, sizeof(nodes));
			out_json_string(f, nodes);
		} else {
			fputs("null", f);
		}
		fputs(",\"error\":", f);
		out_json_string(f, m->why);
		fputs(",\"lost\":[", f);
		for (b = 0, k = 0; b < LOST_NR; b++)
			if (m->lost & (1u << b))
				fprintf(f, "%s\"%s\"", k++ ? "," : "", snapshot_lost_name(b));
		fputs("]}", f);
	}
	fputc(']', f);
}
