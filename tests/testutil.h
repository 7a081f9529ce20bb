/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_TESTUTIL_H
#define BUDDYCTL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>	/* program_invocation_name (glibc, _GNU_SOURCE) */

/*
 * Skip the running test, saying why: the reason is printed, and when
 * BUDDYCTL_CHECKDIR names a folder (make check sets it) a line
 * "SUITE<TAB>TEST<TAB>REASON" is appended to its file "skips", from which
 * make check's summary counts the skips by reason. cmocka reports the
 * test as SKIPPED, never as passed. A test that calls skip() without this
 * has no reason, and the summary refuses it (tests/check-summary.sh).
 */
#define skip_because(...) skip_because_(__func__, __VA_ARGS__)
static inline void skip_because_(const char *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void skip_because_(const char *test, const char *fmt, ...)
{
	const char *dir = getenv("BUDDYCTL_CHECKDIR");
	char why[512], logp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	print_message("SKIP: %s\n", why);
	if (dir && *dir) {
		FILE *f;

		snprintf(logp, sizeof(logp), "%s/skips", dir);
		f = fopen(logp, "ae");
		if (!f)
			fail_msg("%s: cannot record the skip: %s", logp, strerror(errno));
		fprintf(f, "%s\t%s\t%s\n", program_invocation_name, test, why);
		fclose(f);
	}
	skip();
}

/* Fail with both strings shown unless needle occurs in hay. */
#define assert_contains(hay, needle)                                            \
	do {                                                                    \
		const char *h_ = (hay), *n_ = (needle);                         \
		if (!strstr(h_, n_))                                            \
			fail_msg("expected \"%s\" in \"%s\"", n_, h_);          \
	} while (0)

/* Directory of the fixture trees, relative to the top of the project. */
#define FIXTURES "tests/fixtures"

/*
 * BUDDYCTL_LIVE=0 in the environment: the tests must not change the
 * running machine (hugepage pools, compaction, cache drops, a debugfs
 * mount). They skip, saying so. CI leaves it unset: everything runs, and
 * every pool is put back.
 */
static inline int live_writes_allowed(void)
{
	const char *v = getenv("BUDDYCTL_LIVE");

	return !v || strcmp(v, "0") != 0;
}

/* Read fd to its end into buf (NUL-terminated, at most size - 1 bytes). */
static inline void test_drain(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size && (r = read(fd, buf + n, size - n - 1)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

/* Write text to rel under the test's tree, or fail the test. */
static inline void tree_put(const char *tree, const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "w");
	if (!f)
		fail_msg("%s: cannot write", path);
	fputs(text, f);
	fclose(f);
}

#endif
