/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A capture as people paste it: capture_unpaste() (prompt lines, quoting,
 * CRLF, fences, blank lines), then the buddyinfo parser on what is left,
 * from the line the paste's text began at.
 */
#include <stdlib.h>
#include <string.h>

#include "buddyinfo.h"
#include "capture.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capture c = { .name = "fuzz", .first_line = 1 };
	struct snapshot s;
	struct bc_error e = { 0 };

	if (!(c.buf = malloc(size + 1)))
		return 0;
	memcpy(c.buf, data, size);
	c.buf[size] = '\0';
	c.len = size;
	if (capture_unpaste(&c, &e) < 0) {
		if (!e.msg[0])
			__builtin_trap();	/* every refusal carries a message */
		capture_free(&c);
		return 0;
	}
	/* only bytes are taken away, and what is said fits its buffer */
	if (c.len > size || c.buf[c.len] != '\0' || strlen(c.skipped) >= sizeof(c.skipped) || !c.first_line)
		__builtin_trap();
	memset(&s, 0, sizeof(s));
	if (buddyinfo_parse_from(&s, c.name, c.first_line, c.buf, c.len, &e) < 0 && !e.msg[0])
		__builtin_trap();
	snapshot_free(&s);
	capture_free(&c);
	return 0;
}
