/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_TEXT_H
#define BUDDYCTL_OUT_TEXT_H

/* status and estimate for people, within 80 columns. */

#include <stdio.h>

#include "estimate.h"
#include "output.h"
#include "snapshot.h"

/* status as text. 0, or -1 when writing to f failed. */
int status_text(FILE *f, const struct snapshot *snap, const struct outopts *o);

/*
 * estimate as text: a table of the n estimates e[] of snap, then how each
 * figure was derived. 0, or -1 when writing to f failed.
 */
int estimate_text(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n);

#endif
