/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_RUNBIN_H
#define BUDDYCTL_RUNBIN_H

/*
 * Running the buddyctl binary from a cmocka test, as a user would: fork,
 * exec $BUDDYCTL (./buddyctl by default) with NO_COLOR=1, wait. Shared by
 * the suites that test the command line through the binary (test_cli,
 * test_diff, test_live_actions). Every failure here fails the running test.
 */
#include <sys/types.h>

/* What a run() left behind. */
struct run {
	int status;		/* exit status; 128 + N when signal N ended it */
	char out[1 << 20];	/* standard output, NUL-terminated, cut at the size */
	char err[8192];		/* standard error, the same */
};

/*
 * Knobs for the next run() only; each goes back to its default after it.
 * run_stdout: -1 captured into out (default), -2 closed, else this fd.
 * run_stdin: a file to read, or NULL (inherited from the test).
 * run_journal: JOURNAL_STREAM of the child: 0 unset, 1 the device and inode
 *   of its standard error (as systemd sets it), 2 the same device and
 *   another inode (inherited from a parent whose stderr was the journal).
 * run_timeout_s: 0 waits for ever (default); else the child is killed and
 *   the test fails after that many seconds (a case that hangs on a FIFO or
 *   in an endless loop fails alone instead of stopping the suite).
 */
extern int run_stdout;
extern const char *run_stdin;
extern int run_journal;
extern unsigned run_timeout_s;

/* The binary under test: $BUDDYCTL, or ./buddyctl. */
const char *buddyctl_bin(void);

/*
 * Fork; the child runs buddyctl with args (NULL-terminated, at most 30),
 * stdout to out (-1: closed) and stderr to err, stdin and JOURNAL_STREAM
 * as run_stdin and run_journal say (start() leaves them set). Returns the
 * child's pid.
 */
pid_t start(const char *const *args, int out, int err);

/* Run buddyctl with args (NULL-terminated) to its end; stdout and stderr captured into r. */
void run(struct run *r, const char *const *args);

/* Wait for pid; its exit status, 128 + N when signal N ended it. */
int wait_status(pid_t pid);

/* Return once pid has the file at path open (it waits on its lock); fail after 10 s. */
void wait_until_open(pid_t pid, const char *path);

#endif
