/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CLOCK_H
#define BUDDYCTL_CLOCK_H

/* The one clock of time budgets, deadlines and timings. */

/*
 * CLOCK_MONOTONIC in seconds: deadlines and the time an action took, which
 * a change of the wall clock (NTP, date -s) must not stretch or cut.
 */
double clock_mono_s(void);

#endif
