/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_NAGIOS_H
#define BUDDYCTL_OUT_NAGIOS_H

/* check as a Nagios, Icinga or Sensu plugin. */

#include <stdio.h>

#include "report.h"

/*
 * check for Nagios, Icinga and Sensu: the status line
 * "BUDDYCTL OK|WARNING|CRITICAL - ..." with performance data after '|',
 * then one line per finding. 0, or -1 when writing failed.
 */
int report_nagios(FILE *f, const struct report *r);

/*
 * The plugin's line for an error: "BUDDYCTL UNKNOWN - why", why escaped so
 * that it holds no '|' and no line break. 0, or -1 when writing failed.
 */
int report_nagios_unknown(FILE *f, const char *why);

#endif
