/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "buddyinfo.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s;
	struct bc_error e;

	memset(&s, 0, sizeof(s));
	if (buddyinfo_parse(&s, "fuzz", (const char *)data, size, &e) < 0 && !e.msg[0])
		__builtin_trap();	/* every rejection must carry a message */
	snapshot_free(&s);
	return 0;
}
