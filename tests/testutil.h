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
