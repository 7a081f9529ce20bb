/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/buddyinfo, printed by frag_show_print() in mm/vmstat.c:
 *
 *   Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 
 *   Node 0, zone    DMA32      2      2      4      2      5      4      3      3      4      2    752 
 *   Node 0, zone   Normal    471    229    297    564    411    264    161     84     42     21     70 
 *
 * "Node %d, zone %8s " then "%6lu " per order: free blocks of 2^order pages.
 * The number of columns is NR_PAGE_ORDERS (9 to 14 in the wild), so it is
 * counted, and must be the same on every line. Fields wider than 6 digits
 * push the columns right, so the line is split on blanks, not on columns.
 *
 * A capture pasted or piped in may lose its last newline. That last line is
 * taken when it is whole: as many columns as the lines before it, or, when
 * it is the only line, ending in the blank the kernel prints after every
 * count. Anything else there is a line cut short, and an error.
 */
#include "buddyinfo.h"

#include <stdio.h>
#include <string.h>

#include "textscan.h"


static int parse_line(struct snapshot *snap, struct scan *s, unsigned *nr_orders,
		      struct bc_error *err)
{
	uint64_t blocks[BC_MAX_ORDERS], pages = 0;
	const char *tok, *zname;
	size_t len, zlen;
	unsigned n = 0;
	struct zone *zone;
	int id, rc;

	if (!scan_token(s, &tok, &len))
		return scan_fail(s, NULL, 0, "empty line", err);
	if (!tok_eq(tok, len, "Node"))
		return scan_fail(s, tok, len, "expected 'Node', got", err);
	rc = scan_node_zone(s, false, &id, &zname, &zlen, err);
	if (rc < 0)
		return rc;

	while (scan_token(s, &tok, &len)) {
		if (n == BC_MAX_ORDERS)
			return scan_fail(s, tok, len, "more than 32 order columns at", err);
		rc = scan_u64(s, tok, len, &blocks[n], err);
		if (rc < 0)
			return rc;
		if (blocks[n] > (BC_MAX_PAGES >> n) ||
		    pages + (blocks[n] << n) > BC_MAX_PAGES)
			return scan_fail(s, tok, len, "implausible free block count", err);
		pages += blocks[n] << n;
		n++;
	}
	if (n == 0)
		return scan_fail(s, zname, zlen, "no free block counts for zone", err);
	if (*nr_orders == 0) {
		*nr_orders = n;
	} else if (n != *nr_orders) {
		char what[96];

		snprintf(what, sizeof(what),
			 "%u order columns where earlier lines have %u, for zone", n, *nr_orders);
		return scan_fail(s, zname, zlen, what, err);
	}

	zone = snapshot_zone(snap, id, zname, zlen, s->path, s->lineno, &rc, err);
	if (!zone)
		return rc;
	if (zone->in_buddyinfo) {
		char what[64];

		snprintf(what, sizeof(what), "duplicate line for node %d zone", id);
		return scan_fail(s, zname, zlen, what, err);
	}
	zone->in_buddyinfo = true;
	memcpy(zone->free_blocks, blocks, n * sizeof(blocks[0]));
	zone->free_pages = pages;
	return 0;
}

/* "%6lu " leaves a blank after every count: a whole line ends in one. */
static bool ends_in_blank(const struct scan *s)
{
	return s->eol > s->line && (s->eol[-1] == ' ' || s->eol[-1] == '\t');
}

int buddyinfo_parse(struct snapshot *snap, const char *path,
		    const char *buf, size_t len, struct bc_error *err)
{
	return buddyinfo_parse_from(snap, path, 1, buf, len, err);
}

int buddyinfo_parse_from(struct snapshot *snap, const char *path, unsigned first_line,
			 const char *buf, size_t len, struct bc_error *err)
{
	unsigned nr_orders = 0;
	struct scan s;
	int rc;

	scan_init(&s, path, buf, len);
	s.lineno = first_line ? first_line - 1 : 0;
	s.allow_unterminated = true;
	while ((rc = scan_next_line(&s, err)) > 0) {
		unsigned before = nr_orders;

		rc = parse_line(snap, &s, &nr_orders, err);
		if (s.unterminated && rc < 0 && err) {
			/* say that the line was cut, then what is wrong with it */
			char why[sizeof(err->msg)];
			int n = snprintf(why, sizeof(why), "%s:%u: ", path, s.lineno);

			snprintf(why, sizeof(why), "%s", err->msg + (strncmp(err->msg, why, (size_t)n) ? 0 : n));
			return bc_error_set(err, BC_EDATA, "%s:%u: truncated last line (no newline at end of file): %s",
					    path, s.lineno, why);
		}
		if (s.unterminated && rc == 0 && before == 0 && !ends_in_blank(&s))
			return bc_error_set(err, BC_EDATA, "%s:%u: truncated last line (no newline at end of file, and no blank after its last count)",
					    path, s.lineno);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (nr_orders == 0)
		return bc_error_set(err, BC_EDATA, "%s: empty file, expected one line per populated zone", path);
	snap->nr_orders = nr_orders;
	snapshot_sort_nodes(snap);
	return 0;
}
