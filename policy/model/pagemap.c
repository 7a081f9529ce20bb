/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names of the map's page and range classes; a node's sums in a set of them. */
#include "pagemap.h"

static const char *const page_names[PC_NR] = {
	"free", "movable", "unknown", "pool", "slab", "pagetable", "reserved", "kernel",
	"hole", "offline", "other",
};

static const char *const page_words[PC_NR] = {
	"free pages", "movable pages", "flag-less pages (per-CPU free or kernel)", "hugetlb pages",
	"slab", "page tables", "reserved", "kernel pages", "holes or uninitialised memory",
	"offline pages", "other kernel pages",
};

static const char *const range_names[RC_NR] = {
	"free", "compactable", "maybe", "blocked", "pool", "outside",
};

const char *page_class_name(enum page_class c)
{
	return (unsigned)c < PC_NR ? page_names[c] : "?";
}

const char *page_class_words(enum page_class c)
{
	return (unsigned)c < PC_NR ? page_words[c] : "?";
}

const char *range_class_name(enum range_class c)
{
	return (unsigned)c < RC_NR ? range_names[c] : "?";
}

const struct pagemap_summary *pagemap_set_node(const struct pagemap_set *m, int node)
{
	unsigned i;

	for (i = 0; m && i < m->nr; i++)
		if (m->sums[i].node == node)
			return &m->sums[i];
	return NULL;
}
