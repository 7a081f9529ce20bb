/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of steps (policy/judge/steps.c), one step a line: its name and
 * "escalation" or "remediation" (a remediation may take it too), "none"
 * first. tests/steps_lists.sh compares every list of steps written
 * elsewhere (--help, the error messages, the completion, the man page, the
 * Ansible role) with it, so that none of them can drift from the table.
 */
#include <stdio.h>

#include "steps.h"

int main(void)
{
	int s;

	for (s = STEP_NONE; s < STEP_NR; s++)
		printf("%s %s\n", step_name((enum step)s),
		       step_info((enum step)s)->escalation_only ? "escalation" : "remediation");
	return ferror(stdout) ? 1 : 0;
}
