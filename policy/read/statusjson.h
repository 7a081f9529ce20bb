/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_STATUSJSON_H
#define BUDDYCTL_STATUSJSON_H

/*
 * Reading back buddyctl's own `status --format json` (schema 1), for
 * `buddyctl diff`. Only what diff uses is taken: page_size, orders,
 * hugepage_order, time, and per node its id, has_memory, has_cpu, the
 * verdict text and the zones with their free blocks and, when not null,
 * their zoneinfo fields. Every other member is skipped, but the whole text
 * must be JSON: a reader for this one layout, not a JSON library.
 */

#include <stddef.h>

#include "snapshot.h"

/* The verdict text is explain.h's node_explain.text: at most 1023 bytes. */
#define STATUSJSON_VERDICT_MAX 1024

struct recorded_verdict {
	int node;
	char *text;				/* allocated to fit; a reader may take it */
};

/* What a status JSON file says beyond the snapshot. */
struct statusjson_info {
	char time[32];				/* "time" as written, "" when absent */
	struct recorded_verdict *verdicts;	/* nodes with a verdict, in file order */
	unsigned nr_verdicts;
	unsigned cap_verdicts;			/* allocated entries of verdicts[] */
};

/* Free info's verdicts (their texts too, those not taken). */
void statusjson_info_free(struct statusjson_info *info);

/*
 * Limits that keep hostile input bounded: nesting deeper than this is not
 * buddyctl's (its status JSON nests 5 deep), and a key or name longer than
 * the longest buddyctl writes is not one of its keys.
 */
#define STATUSJSON_MAX_DEPTH 32

/*
 * Parse buf[len] (name for messages) into snap, which must be zeroed with
 * no node yet: sets page_size, page_size_source, nr_orders, hpage_order,
 * the nodes and their zones (in_buddyinfo, free_blocks, free_pages, and
 * in_zoneinfo with the zoneinfo fields when they are not null). info gets
 * the recorded time and verdicts (statusjson_info_free()). Returns 0, or
 * -BC_EDATA with err "NAME: byte N: what" (N counts from 1), or -BC_ENOMEM.
 */
int statusjson_parse(struct snapshot *snap, struct statusjson_info *info, const char *name,
		     const char *buf, size_t len, struct bc_error *err);

#endif
