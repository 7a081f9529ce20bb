/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names of an action's result statuses, as the reports print them. */
#include "result.h"

static const char *const res_names[] = {
	[RES_PLANNED] = "planned", [RES_DONE] = "done", [RES_SKIPPED] = "skipped",
	[RES_PARTIAL] = "partial", [RES_FAILED] = "failed", [RES_INTERRUPTED] = "interrupted",
};

const char *res_status_name(enum res_status s)
{
	return res_names[s];
}
