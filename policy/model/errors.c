/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fills a struct bc_error (a kind and a one-line message) and escapes tokens for it. */
#include "errors.h"

#include <stdarg.h>
#include <stdio.h>

int bc_error_set(struct bc_error *err, enum bc_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->kind = kind;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -(int)kind;
}

void bc_token_escape(char out[BC_TOKEN_MAX], const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0, shown = len > 40 ? 40 : len;

	for (i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (shown < len) {
		out[o++] = '.';
		out[o++] = '.';
		out[o++] = '.';
	}
	out[o] = '\0';
}
