/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_REPORT_H
#define BUDDYCTL_REPORT_H

/*
 * The report of a run (check, plan, apply, a one-off action) as text, and
 * what a reservation's steps are as both the text and the JSON
 * (cli/out_json.c) print them.
 */

#include <stdio.h>

#include "diff.h"
#include "execute.h"
#include "plan.h"
#include "remedy.h"
#include "snapshot.h"
#include "sysctl_conflict.h"

/*
 * plan --kernel-cmdline --format json: the fragment, the kernel it is for
 * and what else that kernel takes (cli/cmd_cmdline.c fills it).
 */
struct boot_report {
	const char *fragment;
	const char *release;		/* proc/sys/kernel/osrelease, NULL when unknown */
	const struct cmdline_limit *lim;
	const struct boot_advice *adv;
};

/* Everything one check/plan/apply/one-off run has to say. */
struct report {
	const char *command;		/* "check", "plan", "apply", "compact", ... */
	bool dry_run;
	bool executed;			/* results[] and after are valid */
	const struct snapshot *before;
	const struct snapshot *after;	/* NULL unless executed */
	const struct snap_diff *diff;	/* before -> after, NULL unless both */
	const struct finding *findings;	/* check/plan/apply from a policy */
	unsigned nr_findings;
	const struct plan *plan;
	const struct action_result *results;
	double total_ms;
	int exit_code;
	const char *exit_reason;	/* why exit_code is not 0, one line ("" or NULL when 0) */
	const char *policy;		/* path of the policy, NULL for one-off commands */
	const char *not_permitted;	/* dry run: why apply would stop (NULL: it would not) */
	bool color;			/* text: the findings' levels in colour (--color) */
	/* sysctl files that size a pool the policy sizes too (JSON "warnings") */
	const struct sysctl_conflict *sysctl_conflicts;
	unsigned nr_sysctl_conflicts;
	const struct boot_report *boot;	/* plan --kernel-cmdline --format json, else NULL */
};


/*
 * The dropping steps a reservation left out because they gained nothing
 * last time: "reclaim-node left out until 2026-05-01 12:00:00 UTC (no gain
 * last time)"; "" when none. For the report and the log line.
 */
void report_drops_skipped(char *buf, size_t size, const struct action *a);

/* People: findings, the plan (with reasons and expected effects) or what was
 * done (status, timings, escalation steps with their gains), hugepages
 * requested/before/obtained/short, free blocks before/after/change. */
int report_text(FILE *f, const struct report *r);

/*
 * The free blocks per order of the zones in d, before, after and the change,
 * a block of rows per zone within 80 columns: node < 0 every node, else that
 * one; all: every zone (diff), else only the zones in both snapshots that
 * changed (apply's report).
 */
void report_zones_text(FILE *f, const struct snap_diff *d, unsigned page_size, int node, bool all);

/* Pages the kernel granted a reservation, kept or (restored) put back; 0 for a release. */
uint64_t report_granted(const struct action_result *res);

#endif
