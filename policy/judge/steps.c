/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of steps: their names, what each does, and step lists parsed from the policy's text. */
#include "steps.h"

#include <stdio.h>
#include <string.h>

static const struct step_info step_table[STEP_NR] = {
	[STEP_NONE] = { "none", "nothing: the empty list" },
	[STEP_RETRY] = { "retry", "write the pool size again (escalation only)", true },
	[STEP_COMPACT_NODE] = { "compact-node",
				"compact the node: nodeN/compact (vm/compact_memory for a global pool)" },
	[STEP_COMPACT_ALL] = { "compact-all", "compact every node: vm/compact_memory" },
	[STEP_DROP_PAGECACHE] = { "drop-pagecache",
				  "sync, then drop the clean page cache of every node: vm/drop_caches = 1" },
	[STEP_DROP_SLAB] = { "drop-slab", "drop reclaimable slab objects: vm/drop_caches = 2" },
	[STEP_DROP_ALL] = { "drop-all", "sync, then drop page cache and slab: vm/drop_caches = 3" },
	[STEP_RECLAIM_NODE] = { "reclaim-node",
				"reclaim the shortfall on the pool's node only: nodeN/reclaim (escalation only)", true },
	[STEP_REWRITE_BURST] = { "rewrite-burst",
				 "write the target until 64 writes in a row gain nothing (escalation only)", true },
	[STEP_DRAIN_PCP] = { "drain-pcp",
			     "give the per-CPU free lists back to buddy: vm/stat_refresh (escalation only)", true },
};

const struct step_info *step_info(enum step s)
{
	return (unsigned)s < STEP_NR ? &step_table[s] : NULL;
}

const char *step_name(enum step s)
{
	return (unsigned)s < STEP_NR ? step_table[s].name : "?";
}

void steps_names(char *buf, size_t size, bool remediation)
{
	size_t len = 0;
	int s;

	buf[0] = '\0';
	for (s = remediation ? STEP_NONE : STEP_NONE + 1; s < STEP_NR && len < size; s++)
		if (!remediation || !step_table[s].escalation_only)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", step_table[s].name);
}

/* The step named by the len bytes at name, or -1. */
static int step_by_name(const char *name, size_t len)
{
	int s, found = -1;

	for (s = 0; s < STEP_NR; s++)
		if (strlen(step_table[s].name) == len && !memcmp(step_table[s].name, name, len))
			found = s;
	return found;
}

/* The next word of a list at *p (commas and blanks around it skipped) into *start, its length; 0: none left. */
static size_t next_word(const char **p, const char **start)
{
	const char *end;

	while (**p == ' ' || **p == '\t' || **p == ',')
		(*p)++;
	*start = *p;
	while (**p && **p != ',')
		(*p)++;
	for (end = *p; end > *start && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	return (size_t)(end - *start);
}

int steps_parse(const char *text, struct steps *out, char *bad, size_t badsize)
{
	const char *p = text, *start;
	size_t len;
	int found;

	out->n = 0;
	while ((len = next_word(&p, &start)) > 0) {
		found = step_by_name(start, len);
		if (found < 0 || out->n == MAX_STEPS) {
			/* all of it that fits, so that a cut token shows as cut */
			snprintf(bad, badsize, "%.*s", (int)(len < badsize ? len : badsize - 1), start);
			return -1;
		}
		if (found != STEP_NONE)
			out->s[out->n++] = (enum step)found;
	}
	return 0;
}
