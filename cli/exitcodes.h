/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_EXITCODES_H
#define BUDDYCTL_EXITCODES_H

/*
 * buddyctl's exit statuses: the one table, repeated in README.md and in
 * buddyctl(8) EXIT STATUS. Values above 63 follow sysexits.h.
 */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 64,	/* bad option, value or unknown node */
	EXIT_DATAERR = 65,	/* malformed kernel file */
	EXIT_NOINPUT = 66,	/* required kernel file missing or unreadable */
	EXIT_SOFTWARE = 70,	/* internal error, out of memory */
	EXIT_CANTCREAT = 73,	/* --output file cannot be written */
	EXIT_IOERR = 74,	/* read error */
};

#endif
