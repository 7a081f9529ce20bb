/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_ERRORS_H
#define BUDDYCTL_ERRORS_H

/* Error kinds and the one-line message every function below cli/ returns with one. */

#include <stddef.h>

/*
 * Error kinds. Functions below cli/ return 0 or a negative kind and fill a
 * struct bc_error with a one-line message; cli/ maps the kind to an exit
 * status (cli/exitcodes.h) and prints the message.
 */
enum bc_err_kind {
	BC_OK = 0,
	BC_EDATA = 1,     /* kernel file present but malformed */
	BC_ENOINPUT = 2,  /* a required file or directory is missing */
	BC_EIO = 3,       /* read/write failure other than the above */
	BC_EUSAGE = 4,    /* bad command-line value */
	BC_ECANTCREAT = 5,/* cannot create an output file */
	BC_ENOMEM = 6,
	BC_ECONFIG = 7,    /* bad policy file */
	BC_EPERM = 8,      /* an action of the plan is not permitted */
	BC_EBUSY = 9,      /* another apply holds the lock */
	BC_EINTR = 10,     /* interrupted by SIGINT/SIGTERM */
};

/* One message per failure: "FILE:LINE: what 'token'" without "buddyctl: ". */
struct bc_error {
	enum bc_err_kind kind;
	char msg[512];		/* longest: path (<=256 shown) + escaped token (<=64) */
};

/* Fill err (if not NULL) and return -kind. */
int bc_error_set(struct bc_error *err, enum bc_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Copy at most len bytes of s into out as a printable, quoted-safe token:
 * non-printable bytes become \xNN, and tokens longer than 40 bytes are cut
 * with "...". out must hold BC_TOKEN_MAX bytes.
 */
#define BC_TOKEN_MAX 176
void bc_token_escape(char out[BC_TOKEN_MAX], const char *s, size_t len);

#endif
