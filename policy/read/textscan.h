/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_TEXTSCAN_H
#define BUDDYCTL_TEXTSCAN_H

/*
 * A line and token cursor over a whole kernel file held in memory, shared by
 * every parser in policy/. It knows the file name and the line number so that
 * every error can name both, and it rejects what a kernel never prints: NUL
 * bytes, carriage returns and a last line without its newline (a truncated
 * read or a hand-edited file).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "errors.h"

struct scan {
	const char *path;	/* for messages only */
	const char *next;	/* start of the next line */
	const char *end;
	const char *line;	/* current line, without its '\n' */
	const char *eol;
	const char *p;		/* token cursor inside the current line */
	unsigned lineno;
	const char *nul, *cr;	/* first NUL and CR of the buffer, or NULL */
	bool allow_unterminated;	/* a last line without '\n' is handed out ... */
	bool unterminated;		/* ... and the current line is that one */
};

void scan_init(struct scan *s, const char *path, const char *buf, size_t len);

/*
 * Move to the next line: 1 when there is one, 0 at the end, -kind on error.
 * A last line without its newline is an error, unless allow_unterminated
 * was set: then it is handed out with unterminated set, for the parser to
 * decide whether it is whole.
 */
int scan_next_line(struct scan *s, struct bc_error *err);

/* Next blank-separated token of the current line; false at the end of it. */
bool scan_token(struct scan *s, const char **tok, size_t *len);

/* Strict unsigned decimal (no sign, no blanks, fits in 64 bits). */
int scan_u64(struct scan *s, const char *tok, size_t len, uint64_t *out,
	     struct bc_error *err);

/* Read the next token as a strict u64; "what" names it if it is missing. */
int scan_next_u64(struct scan *s, const char *what, uint64_t *out,
		  struct bc_error *err);

/* "PATH:LINE: WHAT 'TOKEN'" as a BC_EDATA error; tok may be NULL. */
int scan_fail(struct scan *s, const char *tok, size_t len, const char *what,
	      struct bc_error *err);

/*
 * Compare a token with a literal. Inline, and rejecting on the first byte:
 * the parsers call it for every line of a zoneinfo of several MiB.
 */
static inline bool tok_eq(const char *tok, size_t len, const char *lit)
{
	return len && tok[0] == lit[0] && strncmp(tok, lit, len) == 0 && lit[len] == '\0';
}

/*
 * parse_single_u64() of a page count (nr_hugepages and its kin): above
 * BC_MAX_PAGES it is no kernel's, and would overflow pages x size later.
 */
int parse_page_count(const char *path, const char *buf, size_t len, uint64_t *out,
		     struct bc_error *err);

/* Parse a whole file that holds one unsigned number and a newline. */
int parse_single_u64(const char *path, const char *buf, size_t len,
		     uint64_t *out, struct bc_error *err);



/*
 * Parse the "Node %d, zone %8s" prefix that buddyinfo, zoneinfo and
 * pagetypeinfo lines share. With zone_comma the zone name must end in ','
 * (pagetypeinfo's "zone      DMA, type ..."), which is then dropped.
 * The "Node" keyword must already have been consumed by the caller.
 */
int scan_node_zone(struct scan *s, bool zone_comma, int *node,
		   const char **zone, size_t *zlen, struct bc_error *err);

/*
 * Zone and migrate type names are C identifiers in the kernel (zone_names[],
 * migratetype_names[]); anything else is not kernel output. Checking this
 * once here keeps every output format free of quoting problems.
 */
bool scan_is_name(const char *tok, size_t len);

#endif
