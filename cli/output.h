/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUTPUT_H
#define BUDDYCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"	/* size_label() */

#include <numa.h>

#include "explain.h"
#include "snapshot.h"

/* What a renderer needs besides the snapshot. */
struct outopts {
	const struct bitmask *nodes;	/* selected nodes; NULL = all */
	bool color;			/* ANSI colour in text output */
	const struct explain *explain;	/* each node in words; NULL: none */
	const struct finding *findings;	/* policy_judge()'s, for what check judges */
	unsigned nr_findings;
};

bool out_node_selected(const struct outopts *o, int id);

/* An amount of memory for people: "3.5G", "390M", "272K", "0". */
void out_human_bytes(char *buf, size_t size, uint64_t bytes);

/* Thousandths as the kernel prints them in debugfs: "%d.%03d". */
void out_thousandths(char *buf, size_t size, int v);

/*
 * lead, then the words of text, wrapped at 79 columns: every line after the
 * first indented by indent. lead may hold ANSI colour (not counted right:
 * keep it to a short word).
 */
void out_wrap(FILE *f, const char *lead, unsigned indent, const char *text);

/* A JSON string: quotes, backslashes and control characters escaped. */
void out_json_string(FILE *f, const char *s);

/*
 * The files a snapshot could not read, with the figures they leave unknown:
 * as "not read: FILE (why): no ..." lines (a blank line first), and as the
 * JSON member ,"missing":[{"file","nodes","error","lost"}].
 */
void out_text_missing(FILE *f, const struct snapshot *snap);
void out_json_missing(FILE *f, const struct snapshot *snap);

/* The renderers. Each returns 0, or -1 when writing to f failed. */
int status_text(FILE *f, const struct snapshot *snap, const struct outopts *o);
int status_json(FILE *f, const struct snapshot *snap, const struct outopts *o);
int status_prometheus(FILE *f, const struct snapshot *snap, const struct outopts *o);

#endif
