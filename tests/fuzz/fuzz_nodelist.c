/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fuzz.h"
#include "nodelist.h"
#include "textscan.h"
#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bitmask *m = NULL;
	struct bc_error e;

	e.msg[0] = '\0';
	if (nodelist_parse((const char *)data, size, "fuzz", BC_EDATA, &m, &e) < 0) {
		if (!e.msg[0])
			__builtin_trap();
		return 0;
	}
	if (nodelist_max(m) > BC_MAX_NODE_ID)
		__builtin_trap();
	numa_bitmask_free(m);
	return 0;
}
