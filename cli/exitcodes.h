/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_EXITCODES_H
#define BUDDYCTL_EXITCODES_H

/*
 * buddyctl's exit statuses: the one table, repeated in buddyctl(8) EXIT
 * STATUS. Values above 63 follow sysexits.h.
 */
enum {
	EXIT_OK = 0,
	EXIT_PARTIAL = 1,	/* check: warn; apply: some hugepages short, or a node still over threshold */
	EXIT_FAILED = 2,	/* check: crit; apply: nothing obtained, or an action failed */
	EXIT_PLUGIN_UNKNOWN = 3,	/* check --format nagios: any error (the plugin's UNKNOWN) */
	EXIT_USAGE = 64,	/* bad option, value or unknown node */
	EXIT_DATAERR = 65,	/* malformed kernel file */
	EXIT_NOINPUT = 66,	/* required kernel file missing or unreadable */
	EXIT_SOFTWARE = 70,	/* internal error, out of memory */
	EXIT_CANTCREAT = 73,	/* --output file cannot be written */
	EXIT_IOERR = 74,	/* read error */
	EXIT_BUSY = 75,		/* another buddyctl holds the lock (EX_TEMPFAIL) */
	EXIT_NOPERM = 77,	/* an action of the plan is not permitted: nothing done */
	EXIT_CONFIG = 78,	/* bad policy file: nothing done */
	EXIT_INTERRUPTED = 130,	/* stopped by a signal (any): 128 + SIGINT, the shell's ^C */
};

#endif
