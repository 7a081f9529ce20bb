/* SPDX-License-Identifier: GPL-2.0-or-later */
/* meminfo (global and per node), vmstat and single-value files. */
#include <string.h>

#include "fuzz.h"
#include "meminfo.h"
#include "textscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	struct bc_error e;
	struct meminfo mi;
	struct vmstat vs;
	uint64_t v;

	e.msg[0] = '\0';
	if (meminfo_parse(&mi, -1, "fuzz", b, size, &e) < 0 && !e.msg[0])
		__builtin_trap();
	e.msg[0] = '\0';
	if (meminfo_parse(&mi, 0, "fuzz", b, size, &e) < 0 && !e.msg[0])
		__builtin_trap();
	e.msg[0] = '\0';
	if (vmstat_parse(&vs, "fuzz", b, size, &e) < 0 && !e.msg[0])
		__builtin_trap();
	e.msg[0] = '\0';
	if (parse_single_u64("fuzz", b, size, &v, &e) < 0 && !e.msg[0])
		__builtin_trap();
	return 0;
}
