/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUTPUT_H
#define BUDDYCTL_OUTPUT_H

/* The helpers every renderer shares: colour, escaping, wrapping, sizes and labels. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <numa.h>

#include "explain.h"
#include "judge.h"
#include "plan.h"
#include "snapshot.h"
#include "source.h"

/* The formats of output: --format. */
enum out_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_NAGIOS };

/* What a renderer needs besides the snapshot. */
struct outopts {
	const struct bitmask *nodes;	/* selected nodes; NULL = all */
	bool color;			/* ANSI colour in text output */
	const struct explain *explain;	/* each node in words; NULL: none */
	const struct finding *findings;	/* policy_judge()'s, for what check judges */
	unsigned nr_findings;
};

bool out_node_selected(const struct outopts *o, int id);

/* One side of `diff`: what was read (a tree, a capture, a status JSON), and its nodes in words. */
struct diff_side {
	const struct source *src;
	const struct explain *ex;
};

/*
 * --color WHEN (-1 auto, 0 never, 1 always) for text written to fd (-1: a
 * file): auto is colour on a terminal unless NO_COLOR is set and not empty
 * (https://no-color.org).
 */
bool out_color(int when, int fd);

/*
 * The ANSI SGR that colours a level (bold red crit, bold yellow warn, green
 * ok) and the one that ends it; both "" when color is off.
 */
const char *out_level_sgr(bool color, enum level l);
const char *out_sgr_end(bool color);

/* An amount of memory for people: "3.5G", "390M", "272K", "0". */
void out_human_bytes(char *buf, size_t size, uint64_t bytes);

/* Thousandths as the kernel prints them in debugfs: "%d.%03d". */
void out_thousandths(char *buf, size_t size, int v);

/*
 * lead, then the words of text, wrapped at 79 columns: every line after the
 * first indented by indent. lead may hold ANSI colour (not counted right:
 * keep it to a short word); text is escaped (out_escape()).
 */
void out_wrap(FILE *f, const char *lead, unsigned indent, const char *text);

/*
 * Text that came from input -- a capture, a status JSON, a file of a tree, a
 * policy, a path -- shown to people (a terminal, a log line, a monitoring
 * system): every character that would act instead of being shown is written
 * as an escape, so that no input can move the cursor, colour, retitle or
 * clear a terminal, forge a line or reorder what is shown:
 *
 *   \n \r \t      newline, carriage return, tab
 *   \xNN          any other C0 control, DEL, or a byte that is not UTF-8
 *   \uNNNN        a C1 control (U+0080-U+009F), a bidirectional mark,
 *                 embedding, override or isolate (U+061C, U+200E, U+200F,
 *                 U+202A-U+202E, U+2066-U+2069), U+2028 and U+2029
 *   \\            a backslash, so that every escape is unambiguous
 *
 * Printable ASCII and well-formed UTF-8 are written as they are.
 */
#define OUT_ESC_PIPE 1u	/* '|' too, as \x7c: a monitoring plugin's line ends at its first '|' */
#define OUT_ESC_MSG 2u	/* a backslash as it is: a message whose tokens are escaped already */

/*
 * s escaped into buf (size > 0, always NUL-terminated; cut before an escape
 * that does not fit). Returns buf.
 */
char *out_escape(char *buf, size_t size, const char *s, unsigned flags);

/* s escaped onto f. */
void out_escape_put(FILE *f, const char *s, unsigned flags);

/*
 * The UTF-8 character at s: its length (1 to 4) and code point in *cp, or 0
 * when s does not start with one (a stray continuation byte, an overlong
 * form, a surrogate, above U+10FFFF, or cut short: the NUL ends it).
 */
unsigned out_utf8_char(const char *s, uint32_t *cp);

/*
 * Does code point c act rather than show: a C0 or C1 control, DEL, a
 * bidirectional control that reorders the text around it ("Trojan Source",
 * CVE-2021-42574), or a line or paragraph separator? Such characters are
 * escaped for people (out_escape()) and in JSON strings (jw_str()).
 */
bool out_char_acts(uint32_t c);

/*
 * The files a snapshot could not read, with the figures they leave unknown:
 * as "not read: FILE (why): no ..." lines (a blank line first).
 */
void out_text_missing(FILE *f, const struct snapshot *snap);


/* Short label of an action: "compact node 0", "reserve 2M on node 1: 0 -> 512". */
void action_label(char *buf, size_t size, const struct action *a);

#endif
