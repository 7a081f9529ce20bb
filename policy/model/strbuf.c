/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Appends printf-style text to a fixed buffer, cut at its end. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void str_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}
