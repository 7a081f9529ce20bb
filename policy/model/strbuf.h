/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_STRBUF_H
#define BUDDYCTL_STRBUF_H

/* Appending printf-style text to a fixed buffer. */

#include <stddef.h>

/*
 * Append printf-style text to the NUL-terminated string in buf (size bytes
 * in all), cut at the end of the buffer; a full buffer is left as it is.
 * For the one-line reasons and log lines built piece by piece.
 */
void str_append(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
