/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy parser (inih underneath): any text, never a crash or a leak. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bc_error e;
	struct policy p;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';	/* policy text is a C string, as fgets hands it to inih */
	e.msg[0] = '\0';
	if (policy_load_string("fuzz", text, &p, &e) == 0)
		policy_free(&p);
	else if (!e.msg[0])
		__builtin_trap();
	free(text);
	return 0;
}
