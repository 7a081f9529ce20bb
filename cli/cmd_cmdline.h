/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_CMD_CMDLINE_H
#define BUDDYCTL_CMD_CMDLINE_H

/* `buddyctl plan --kernel-cmdline [--grub]`: the policy's hugepage targets as kernel parameters. */

#include "act.h"
#include "errors.h"
#include "kernel.h"
#include "release.h"
#include "remedy.h"
#include "report.h"

/* The fragment, the kernel it is for and what else that kernel takes. */
struct boot_doc {
	char *line;			/* the fragment (cmdline.h) */
	struct cmdline_limit lim;	/* the architecture's command line */
	enum release_found found;	/* the kernel release the form was chosen for */
	char release[80];
	struct kernel_boot boot;	/* what the running kernel was booted with */
	struct boot_advice adv;		/* remedy.h */
	struct boot_report rep;		/* the above, for the JSON report */
};

/*
 * The policy's hugepage targets as kernel parameters on stdout (one line,
 * nothing else; nothing when the policy reserves nothing), how to install
 * them on stderr; with --grub also GRUB's drop-in. Returns 0 when it ran,
 * or -kind with err filled.
 */
int cmd_kernel_cmdline(const struct act_args *a, struct bc_error *err);

/*
 * The fragment and the advice for r's policy and snapshot into d, and
 * r->boot pointing at them (plan --kernel-cmdline --format json puts them
 * in the plan's report). 0, or -kind with err filled when the policy cannot
 * be said on this kernel's command line. boot_doc_free() d either way.
 */
int cmd_kernel_cmdline_doc(struct act_run *r, struct boot_doc *d, struct bc_error *err);
void boot_doc_free(struct boot_doc *d);

#endif
