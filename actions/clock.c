/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one monotonic clock of the actions and the runs: deadlines, budgets, timings. */
#include "clock.h"

#include <time.h>

double clock_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
