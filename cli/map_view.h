/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_MAP_VIEW_H
#define BUDDYCTL_MAP_VIEW_H

/* The state `map`'s renderers share while the map is read: data only. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jsonw.h"
#include "snapshot.h"

/*
 * What the map's renderers share while the map is read (cli/cmd_map.c):
 * the text picture's column, the JSON document. The ranges come one by one,
 * node by node, in page frame order; nothing of a node is kept but its sums.
 */
struct map_view {
	FILE *f;
	const struct snapshot *snap;
	uint64_t size_kb, range_pages;
	bool color;
	const char *kernel;		/* the release as read, "" when unknown */
	const char *flags_path;		/* as read */
	const char *cgroup_path;	/* NULL: kpagecgroup not read, cgroup_why says why */
	const char *cgroup_why;
	unsigned col;			/* text: ranges on the current row */
	const char *sgr;		/* text: the colour in force on the row, NULL: none */
	unsigned nodes;			/* nodes begun */
	uint64_t ranges;		/* JSON: ranges of the current node written */
	struct jw jw;			/* JSON: the document being written */
};

#endif
