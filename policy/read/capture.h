/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CAPTURE_H
#define BUDDYCTL_CAPTURE_H

/*
 * One captured file given on the command line (--buddyinfo FILE, a side of
 * diff), or standard input for "-": a paste, a pipe, a file, or a FIFO such
 * as <(ssh host cat /proc/buddyinfo).
 *
 * A capture is what people paste, and a paste carries more than the
 * kernel's text: the prompt and the command above it, the line ends of the
 * machine it went through, mail quoting. capture_read() takes that away in
 * this one place (capture_unpaste()), before any parser sees the text; the
 * parsers stay as strict as they are for the files of a tree (--root, a
 * tree given to diff), which are never unpasted.
 */

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

/*
 * buddyinfo is about 100 bytes a zone: a 1024-node machine with six zones
 * and 14 orders of 21-digit counts is 2.1 MB. Anything larger than 8 MiB is
 * not a buddyinfo capture, and reading it is not allowed to go on unbounded.
 */
#define CAPTURE_MAX (8u << 20)

struct capture {
	const char *name;	/* for messages: "standard input", or the file as given */
	char *buf;		/* the text as the kernel printed it, NUL-terminated */
	size_t len;
	unsigned first_line;	/* the input's line number of buf's first line (from 1) */
	/*
	 * What capture_unpaste() took away, for one line on standard error:
	 * "skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo') and 1
	 * trailing blank line; removed carriage returns and '> ' quoting".
	 * "" when the text was the kernel's as it is.
	 */
	char skipped[512];
};

/*
 * Read file ("-": standard input) whole, at most CAPTURE_MAX bytes, and
 * unpaste it into c (free with capture_free()). A file must be a regular
 * file or a pipe (a FIFO, <(...)); a device, a socket or a directory is
 * refused before it is opened. Standard input may be anything but a
 * directory or a block device (a terminal, a pipe, a file). Returns 0, or
 * -BC_ENOINPUT (cannot open, a directory, not a file), -BC_EIO (read
 * error), -BC_EDATA (larger than CAPTURE_MAX, or quoting that mixes
 * depths), -BC_ENOMEM, with err naming it.
 */
int capture_read(const char *file, struct capture *c, struct bc_error *err);

/*
 * Turn the paste in c->buf[c->len] into the kernel's text, in place, and
 * say in c->skipped what was taken away; c->name names it in messages.
 * Taken away:
 *   - a UTF-8 byte order mark at the start;
 *   - the carriage return of every CRLF line end;
 *   - mail quoting: the '>' marks before every line (with the blanks
 *     between and after them), as many on every line that holds text;
 *   - non-breaking spaces (U+00A0, from web pages and chat), made blanks;
 *   - before the text: blank lines, code fences (``` ~~~ {code}
 *     {noformat}) and one shell prompt followed by its command ("$ cat
 *     /proc/buddyinfo", "root@host:~# ...", "[user@host ~]$ ...");
 *   - after the text: blank lines, code fences and a shell prompt without
 *     a command (the next prompt, copied with the output).
 * Left for the parser: a blank line inside the text, a second prompt, a
 * carriage return not ending a line. Refused here: quoting whose depth
 * differs between lines that hold text (lines of different messages).
 * 0, or -BC_EDATA with err "NAME:LINE: ...".
 */
int capture_unpaste(struct capture *c, struct bc_error *err);

void capture_free(struct capture *c);

#endif
