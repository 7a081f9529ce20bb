/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes and durations as people write them ("2M", "1G", "30s", "10m"), parsed and printed; no I/O. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_size_kb(const char *s, uint64_t *kb)
{
	char *end;
	unsigned long long v;
	uint64_t mul;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -1;
	if (!strcmp(end, "kB") || !strcmp(end, "K") || !strcmp(end, "k") || !strcmp(end, "KB"))
		mul = 1;
	else if (!strcmp(end, "M") || !strcmp(end, "MB"))
		mul = 1024;
	else if (!strcmp(end, "G") || !strcmp(end, "GB"))
		mul = 1024 * 1024;
	else if (!strcmp(end, "T") || !strcmp(end, "TB"))
		mul = 1024ULL * 1024 * 1024;
	else
		return -1;
	if (v > BC_MAX_KB / mul)
		return -1;
	*kb = v * mul;
	return 0;
}

/* The inverse of parse_size_kb(), for bytes: "2M", "1G", "64K", "512B". */
static const char size_units[] = "KMGTPE";
void size_label(char *buf, size_t size, uint64_t bytes)
{
	unsigned u = 0;

	if (bytes < 1024 || bytes % 1024) {
		snprintf(buf, size, "%lluB", (unsigned long long)bytes);
		return;
	}
	bytes /= 1024;
	while (bytes >= 1024 && bytes % 1024 == 0 && u + 1 < sizeof(size_units) - 1) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu%c", (unsigned long long)bytes, size_units[u]);
}

int parse_duration(const char *s, double *seconds)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || !isfinite(v) || v < 0)
		return -1;
	if (!*end || !strcmp(end, "s"))
		;
	else if (!strcmp(end, "ms"))
		v /= 1000;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		v *= 60;
	else if (!strcmp(end, "h"))
		v *= 3600;
	else
		return -1;
	if (v > DURATION_MAX_S)
		return -1;
	*seconds = v;
	return 0;
}
