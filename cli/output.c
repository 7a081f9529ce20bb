/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "output.h"



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
