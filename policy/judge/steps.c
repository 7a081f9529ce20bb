/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of steps: their names, what each does and how a plan says it,
 * and step lists parsed from the policy's text.
 */
#include "steps.h"

#include <stdio.h>
#include <string.h>

#include "strbuf.h"

static const struct step_info step_table[STEP_NR] = {
	[STEP_NONE] = { "none", "nothing: the empty list", NULL, NULL },
	[STEP_RETRY] = { "retry", "write the pool size again (escalation only)",
			 "write @target again", "rewrite", true },
	[STEP_COMPACT_NODE] = { "compact-node",
				"compact the node: nodeN/compact (vm/compact_memory for a global pool)",
				"compact @node", "compact @node" },
	[STEP_COMPACT_ALL] = { "compact-all", "compact every node: vm/compact_memory",
			       "compact all nodes", "compact all nodes" },
	[STEP_DROP_PAGECACHE] = { "drop-pagecache",
				  "sync, then drop the clean page cache of every node: vm/drop_caches = 1",
				  "drop clean page cache on every node@sync",
				  "drop page cache of all nodes@sync" },
	[STEP_DROP_SLAB] = { "drop-slab", "drop reclaimable slab objects: vm/drop_caches = 2",
			     "drop reclaimable slab on every node", "drop reclaimable slab of all nodes" },
	[STEP_DROP_ALL] = { "drop-all", "sync, then drop page cache and slab: vm/drop_caches = 3",
			    "drop clean page cache and reclaimable slab on every node@sync",
			    "drop page cache and slab of all nodes@sync" },
	[STEP_RECLAIM_NODE] = { "reclaim-node",
				"reclaim the shortfall on the pool's node only: nodeN/reclaim (escalation only)",
				"reclaim what is short, less what compaction can use, on @node only",
				"reclaim the shortfall on @node", true },
	[STEP_REWRITE_BURST] = { "rewrite-burst",
				 "write the target until 64 writes in a row gain nothing (escalation only)",
				 "write @target again until 64 writes in a row gain nothing",
				 "rewrite until 64 writes gain nothing", true },
	[STEP_DRAIN_PCP] = { "drain-pcp",
			     "give the per-CPU free lists back to buddy: vm/stat_refresh (escalation only)",
			     "give the per-CPU free lists back to the buddy allocator",
			     "drain per-CPU lists", true },
};

const struct step_info *step_info(enum step s)
{
	return (unsigned)s < STEP_NR ? &step_table[s] : NULL;
}

const char *step_name(enum step s)
{
	return (unsigned)s < STEP_NR ? step_table[s].name : "?";
}

const char *step_write_words(bool room)
{
	return room ? "write what compaction made room for, up to @target" : "write @target";
}

/* The text of the placeholder at p ("@node", "@sync", "@target") and its *len; "@" if none. */
static const char *placeholder(const char *p, const struct step_args *args, const char *target,
			       size_t *len)
{
	if (!strncmp(p, "@node", 5)) {
		*len = 5;
		return args->node;
	}
	if (!strncmp(p, "@sync", 5)) {
		*len = 5;
		return args->sync ? " (sync first)" : "";
	}
	*len = strncmp(p, "@target", 7) ? 1 : 7;
	return *len == 7 ? target : "@";
}

void step_words(char *buf, size_t size, const char *words, const struct step_args *args)
{
	const char *p = words;
	char target[24];
	size_t len;

	snprintf(target, sizeof(target), "%llu", (unsigned long long)args->target);
	buf[0] = '\0';
	while (*p) {
		len = strcspn(p, "@");
		str_append(buf, size, "%.*s", (int)len, p);
		p += len;
		if (*p) {
			str_append(buf, size, "%s", placeholder(p, args, target, &len));
			p += len;
		}
	}
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
