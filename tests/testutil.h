/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_TESTUTIL_H
#define BUDDYCTL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

#endif
