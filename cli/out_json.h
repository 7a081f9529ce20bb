/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OUT_JSON_H
#define BUDDYCTL_OUT_JSON_H

/* The JSON documents of status and estimate. */

#include <stdio.h>

#include "estimate.h"
#include "output.h"
#include "snapshot.h"

/* status as JSON. 0, or -1 when writing to f failed. */
int status_json(FILE *f, const struct snapshot *snap, const struct outopts *o);

/* estimate as JSON: the n estimates e[] of snap. 0, or -1 when writing to f failed. */
int estimate_json(FILE *f, const struct snapshot *snap, const struct estimate *e, unsigned n);

/* One estimate as a JSON object (also inside the report). */
void estimate_json_one(FILE *f, const struct estimate *e);

#endif
