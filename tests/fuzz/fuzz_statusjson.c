/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "snapshot_read.h"
#include "statusjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct statusjson_info info;
	struct snapshot s;
	struct bc_error e;

	memset(&s, 0, sizeof(s));
	e.msg[0] = '\0';
	if (snapshot_from_status_json("fuzz", (const char *)data, size, &s, &info, &e) < 0) {
		if (!e.msg[0])
			__builtin_trap();	/* every rejection must carry a message */
		return 0;
	}
	statusjson_info_free(&info);
	snapshot_free(&s);
	return 0;
}
