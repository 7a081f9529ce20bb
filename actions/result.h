/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_RESULT_H
#define BUDDYCTL_RESULT_H

/*
 * What executing an action did, as plain data: its status and, for a
 * reservation, each escalation step's time and gain. The executor
 * (execute.h, reserve.h) fills it, the report and the state file read it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "steps.h"

enum res_status { RES_PLANNED, RES_DONE, RES_SKIPPED, RES_PARTIAL, RES_FAILED, RES_INTERRUPTED };

const char *res_status_name(enum res_status s);

#define MAX_STEP_RESULTS 64

struct step_result {
	enum step step;
	double ms;		/* the step and the rewrite after it */
	uint64_t obtained;	/* pool read back after the step */
	int64_t gain;		/* pages gained by this step */
	int errnum;
	bool wrote;		/* nr_hugepages was written after it */
	uint64_t asked_kb;	/* reclaim-node: what was asked to be reclaimed */
	bool first;		/* before the first write */
	/*
	 * a gigantic pool planned from its map: the node's ranges that are
	 * pages or can become ones (pagemap_had()) in the map read again
	 * after the step, -1 when it was not read; map_stop: no more than
	 * before it, so the escalation stopped there, without a write
	 */
	int64_t map_had;
	bool map_stop;
};

struct action_result {
	enum res_status status;
	double ms;
	uint64_t before, after;	/* ACT_RESERVE: pool before and read back after */
	struct step_result steps[MAX_STEP_RESULTS];
	unsigned nr_steps;
	bool restored;		/* short grant given back (keep = no): after is before again */
	uint64_t granted;	/* restored: the pool as the kernel had granted it, before it went back */
	/*
	 * reserve of a buddy size with an estimate: the estimate again, from a
	 * snapshot read right after the run's first compaction of the node
	 * (estimate_revise(), estimate.h, says why it is the better one)
	 */
	bool revised;
	uint64_t rev_now;	/* pages buddy could hand out then, with the pool */
	uint64_t rev_reclaim;	/* rev_now + what reclaim could still add */
	uint64_t rev_small_kb;	/* free in blocks smaller than the page then */
	/*
	 * a gigantic pool planned from its map that ended short: why, from
	 * the map read again at the end (pagemap_why()); "" when not read
	 */
	char why[768];
	char error[512];
};

#endif
