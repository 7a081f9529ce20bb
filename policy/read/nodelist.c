/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parses and prints node lists in the kernel's list format ("0,2-3"). */
#include "nodelist.h"

#include <stdio.h>
#include <string.h>

#include "textscan.h"
#include "units.h"

static int read_id(const char **p, const char *end, unsigned long *id)
{
	unsigned long v = 0;
	const char *q = *p;

	if (q == end || *q < '0' || *q > '9')
		return -1;
	while (q < end && *q >= '0' && *q <= '9') {
		v = v * 10 + (unsigned long)(*q - '0');
		if (v > BC_MAX_NODE_ID)
			return -1;
		q++;
	}
	*p = q;
	*id = v;
	return 0;
}

/*
 * One element of a list at *p: "N" or "LO-HI" (lo <= hi), then a ',' that
 * is not the last byte, or the end. 0, or -1 when it is not.
 */
static int read_range(const char **p, const char *end, unsigned long *lo, unsigned long *hi)
{
	if (read_id(p, end, lo) < 0)
		return -1;
	*hi = *lo;
	if (*p < end && **p == '-') {
		(*p)++;
		if (read_id(p, end, hi) < 0 || *hi < *lo)
			return -1;
	}
	if (*p < end && **p != ',')
		return -1;
	return *p + 1 == end ? -1 : 0;	/* a trailing comma */
}

/* The largest id of the list (sizing its mask), or -1 when it is not a list. */
static long list_max(const char *s, const char *end)
{
	unsigned long lo, hi, max = 0;
	const char *p;

	for (p = s; p < end; p++) {
		if (read_range(&p, end, &lo, &hi) < 0)
			return -1;
		if (hi > max)
			max = hi;
	}
	return (long)max;
}

int nodelist_parse(const char *s, size_t len, const char *what, int kind,
		   struct bitmask **out, struct bc_error *err)
{
	const char *p, *end = s + len;
	unsigned long lo, hi, i;
	struct bitmask *mask;
	char esc[BC_TOKEN_MAX];
	long max;

	if (len && s[len - 1] == '\n')
		end--;
	/* two passes: find the largest id to size the mask, then set bits */
	max = list_max(s, end);
	if (max >= 0) {
		mask = numa_bitmask_alloc((unsigned)max + 1);
		if (!mask)
			return bc_error_set(err, BC_ENOMEM, "%s: out of memory", what);
		for (p = s; p < end; p++) {
			read_range(&p, end, &lo, &hi);
			for (i = lo; i <= hi; i++)
				numa_bitmask_setbit(mask, (unsigned)i);
		}
		*out = mask;
		return 0;
	}
	bc_token_escape(esc, s, (size_t)(end - s));
	return bc_error_set(err, (enum bc_err_kind)kind, "%s: invalid node list '%s'", what, esc);
}

void nodelist_format(const struct bitmask *mask, char *buf, size_t size)
{
	unsigned long i, lo;
	size_t off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; mask && i < mask->size; i++) {
		if (!numa_bitmask_isbitset(mask, (unsigned)i))
			continue;
		for (lo = i; i + 1 < mask->size && numa_bitmask_isbitset(mask, (unsigned)(i + 1)); i++)
			;
		n = lo == i ? snprintf(buf + off, size - off, "%s%lu", off ? "," : "", lo)
			    : snprintf(buf + off, size - off, "%s%lu-%lu", off ? "," : "", lo, i);
		if (n < 0 || (size_t)n >= size - off) {
			/* cut: end in "..." where it still fits */
			if (size >= 4)
				strcpy(buf + (off + 4 <= size ? off : size - 4), "...");
			return;
		}
		off += (size_t)n;
	}
}

int nodelist_min(const struct bitmask *mask)
{
	unsigned long i;

	for (i = 0; i < mask->size; i++)
		if (numa_bitmask_isbitset(mask, (unsigned)i))
			return (int)i;
	return -1;
}

int nodelist_max(const struct bitmask *mask)
{
	long i;

	for (i = (long)mask->size - 1; i >= 0; i--)
		if (numa_bitmask_isbitset(mask, (unsigned)i))
			return (int)i;
	return -1;
}

int nodelist_select(const char *list, const char *what, const struct snapshot *snap,
		    struct bitmask **out, struct bc_error *err)
{
	int rc;

	if (!*list)
		return bc_error_set(err, BC_EUSAGE, "%s: empty node list", what);
	rc = nodelist_parse(list, strlen(list), what, BC_EUSAGE, out, err);
	if (rc < 0 || !snap)
		return rc;
	rc = snapshot_nodes_usable(snap, *out, what, err);
	if (rc < 0) {
		numa_bitmask_free(*out);
		*out = NULL;
	}
	return rc;
}

int nodelist_check(const char *list, const char *what, struct bc_error *err)
{
	struct bitmask *sel = NULL;
	int rc = nodelist_select(list, what, NULL, &sel, err);

	if (sel)
		numa_bitmask_free(sel);
	return rc;
}
