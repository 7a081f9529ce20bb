/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_LOG_H
#define BUDDYCTL_LOG_H

/*
 * Standard error: warnings, errors and the one log line of a run. When
 * standard error is the journal (systemd's JOURNAL_STREAM names fd 2), each
 * line starts with its syslog priority, "<3>" to "<6>" (sd-daemon(3)), so
 * that journalctl shows levels; at a terminal, into a file or a pipe it
 * does not. Priorities are <syslog.h>'s LOG_ERR, LOG_WARNING, LOG_NOTICE
 * and LOG_INFO.
 */

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "report.h"

/*
 * Is fd the journal stream that env (JOURNAL_STREAM's value, "DEV:INO" in
 * decimal) names? True only when fstat(fd) has exactly that device and
 * inode: a variable inherited by a child whose standard error went
 * elsewhere does not count. Exposed for tests.
 */
bool log_is_journal(const char *env, int fd);

/* Once, early in main(): look at JOURNAL_STREAM and fd 2. */
void log_init(void);

/* --quiet: the log line of a run only when its exit status is not 0. */
void log_set_quiet(bool quiet);
bool log_quiet(void);

/*
 * printf one line to standard error, prefixed with "<prio>" when standard
 * error is the journal. The message is one line: every control character
 * in it, a newline too, is written as an escape (out_escape(), a backslash
 * left as it is), except a newline that ends it. Two lines are two calls.
 */
void log_print(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The log line of a run of check, apply, reserve, compact or drop-caches
 * (no newline): "buddyctl apply: <what was judged>: <what was done, what
 * it gained>; <seconds> s, exit <status>[: <why>]". Returns its priority:
 * LOG_ERR for exit status 2 and above, LOG_WARNING for 1, LOG_NOTICE for 0
 * after something was written, else LOG_INFO.
 */
int log_run_line(char *buf, size_t size, const struct report *r);

/* The log line of r onto standard error, unless --quiet and exit status 0. */
void log_run(const struct report *r);

#endif
