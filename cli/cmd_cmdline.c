/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `buddyctl plan --kernel-cmdline [--grub]`: the fragment of the kernel
 * command line that reserves the policy's hugepage targets at boot
 * (policy/plan/cmdline.c builds it) on standard output, how to install it
 * on standard error, and with --grub GRUB's drop-in written under the root.
 */
#include "cmd_cmdline.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "evaluate.h"
#include "grub.h"
#include "kernel.h"
#include "output.h"
#include "ownfile.h"
#include "release.h"
#include "remedy.h"
#include "rootfs.h"

/* A fragment longer than this is longer than any kernel's line: refused without more ado. */
#define CMDLINE_BUILD_MAX 65536

/* A hugepage word already in GRUB's files: a note on stderr. */
static void grub_conflict(const char *file, unsigned line, const char *word, void *ctx)
{
	char f[4 * PATH_MAX], w[4 * 256];
	bool one = !strchr(word, ' ');

	(void)ctx;
	/* a file name and words from files: escaped */
	fprintf(stderr, "# %s:%u sets %s: the drop-in takes %s off the kernel command line (remove %s there, to keep one place)\n",
		out_escape(f, sizeof(f), file, 0), line, out_escape(w, sizeof(w), word, 0),
		one ? "it" : "them", one ? "it" : "them");
}

/*
 * What else the kernel takes and its traps, a comment each line (stderr,
 * the drop-in): "# offer WORDS" or "# not offered: OPTION=", its rule and
 * why (not), then "# warning: TEXT". Escaped: a default_hugepagesz= value
 * is the file's.
 */
static void advice_text(FILE *f, const struct boot_advice *adv)
{
	char text[4 * 480];
	unsigned i;

	for (i = 0; i < REMEDY_NR; i++) {
		const struct remedy *m = &adv->remedies[i];

		if (i == REMEDY_HUGEPAGES && !m->offered)
			continue;	/* said already: nothing to put on the line */
		if (m->offered)
			fprintf(f, "# offer %s\n", i == REMEDY_HUGEPAGES ? "the line above" : m->words);
		else
			fprintf(f, "# not offered: %s=\n", m->option);
		fprintf(f, "#   rule: %s\n#   %s %s\n", m->rule, m->offered ? "why:" : "why not:", m->why);
	}
	for (i = 0; i < adv->nr_warnings; i++)
		fprintf(f, "# warning: %s\n", out_escape(text, sizeof(text), adv->warnings[i].text, 0));
}

struct dropin {
	const struct boot_doc *doc;
	const char *policy;
};

/* The drop-in, then the same advice as on standard error, as comments. */
static int render_dropin(FILE *f, void *ctx)
{
	const struct dropin *d = ctx;

	if (cmdline_grub_dropin(f, d->doc->line, d->policy) < 0)
		return -1;
	if (d->doc->line[0]) {
		fprintf(f, "\n# what else this kernel takes, as buddyctl plan --kernel-cmdline said:\n");
		advice_text(f, &d->doc->adv);
	}
	return ferror(f) ? -1 : 0;
}

/*
 * --grub: (re)write the drop-in under the root, atomically, by the rules of
 * buddyctl's own files; only where GRUB's /etc/default/grub is.
 */
static int write_grub_dropin(const struct act_args *a, const struct boot_doc *doc, const char *policy,
			     struct bc_error *err)
{
	struct dropin d = { .doc = doc, .policy = policy };
	int fd = rootfs_open(a->root, "etc/default/grub", O_PATH, 0);

	if (fd < 0)
		return bc_error_set(err, BC_ENOINPUT, "%s/etc/default/grub: %s: --grub writes a drop-in for GRUB's settings (Debian, Ubuntu), and there are none",
				    rootfs_is_slash(a->root) ? "" : a->root, rootfs_strerror(errno));
	close(fd);
	return ownfile_replace(a->root, GRUB_DROPIN, true, BC_ECANTCREAT, render_dropin, &d, err);
}

/* Which kernel the fragment is for: "# for Linux 6.1.0, from POLICY", or why it is unknown. */
static void release_note(const struct boot_doc *fr, const char *path)
{
	char shown[4 * 80];

	/* the release is the file's: escaped */
	out_escape(shown, sizeof(shown), fr->release, 0);
	if (fr->found == RELEASE_PARSED)
		fprintf(stderr, "# for Linux %s, from %s\n", shown, path);
	else
		fprintf(stderr, "# kernel release unknown (%s%s%s): the per-node form (Linux 5.16, ids as sparse as here from 5.19) was assumed\n",
			fr->found == RELEASE_UNPARSEABLE ? "proc/sys/kernel/osrelease is unparseable: '" :
			fr->found == RELEASE_UNREADABLE ? "proc/sys/kernel/osrelease: " :
			"no proc/sys/kernel/osrelease", shown, fr->found == RELEASE_UNPARSEABLE ? "'" : "");
}

/* How much of the architecture's command line the fragment takes, or that there is none. */
static void length_note(const struct boot_doc *fr, const char *path)
{
	const struct cmdline_limit *lim = &fr->lim;
	size_t len = strlen(fr->line);

	if (!len) {
		fprintf(stderr, "# %s reserves no hugepages: nothing to put on the kernel command line\n", path);
		return;
	}
	if (lim->assumed)
		fprintf(stderr, "# architecture unknown (no proc/sys/kernel/arch, no uname capture): the smallest command line known was assumed, %u bytes\n",
			lim->size - 1);
	fprintf(stderr, "# the fragment takes %zu of the %u bytes of the %s kernel command line%s%s%s\n", len,
		lim->size - 1, lim->assumed ? "unknown architecture's" : lim->arch,
		lim->source[0] ? " (" : "", lim->source, lim->source[0] ? ")" : "");
}

/* What to do with the fragment: update-grub after --grub, or how to put it there. */
static void install_note(const struct act_args *a, size_t len)
{
	if (a->grub) {
		fprintf(stderr, "# wrote %s%s: run update-grub, then reboot\n",
			rootfs_is_slash(a->root) ? "" : a->root, GRUB_DROPIN);
		cmdline_grub_conflicts(a->root, grub_conflict, NULL);
	} else if (len) {
		fprintf(stderr, "# to reserve at boot with GRUB: buddyctl plan --kernel-cmdline --grub, then update-grub, reboot\n"
				"# elsewhere: replace any hugepagesz=/hugepages= already on the command line: the kernel ignores a size given twice\n");
	}
	if (len)
		fprintf(stderr, "# pages of a size other than the default need a hugetlbfs mount of that size (dev-hugepages1G.mount)\n");
}

/* How to install the fragment, on stderr: stdout stays the fragment. */
static void cmdline_notes(const struct act_args *a, const struct boot_doc *fr, const struct policy *pol)
{
	char path[4 * PATH_MAX];

	/* the path is the user's: escaped */
	out_escape(path, sizeof(path), pol->path, 0);
	release_note(fr, path);
	length_note(fr, path);
	if (fr->line[0])
		advice_text(stderr, &fr->adv);
	install_note(a, strlen(fr->line));
}

int cmd_kernel_cmdline_doc(struct act_run *r, struct boot_doc *d, struct bc_error *err)
{
	struct kernel_version kv;
	int rc;

	d->found = RELEASE_MISSING;
	d->line = malloc(CMDLINE_BUILD_MAX);
	if (!d->line)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	d->found = kernel_release_read(r->a->root, &kv, d->release, sizeof(d->release));
	rc = cmdline_build(&r->pol, &r->snap, &kv, d->line, CMDLINE_BUILD_MAX, err);
	/* the nodes the counts name must exist (sizes were checked above) */
	if (rc == 0)
		rc = policy_validate(&r->pol, &r->snap, err);
	if (rc == 0) {
		cmdline_limit_read(r->a->root, &d->lim);
		rc = cmdline_check_length(&r->pol, strlen(d->line), &d->lim, err);
	}
	if (rc < 0)
		return rc;
	kernel_boot_read(r->a->root, &d->boot);
	remedy_advise(&r->pol, &r->snap, &kv, &d->boot, d->line, &d->lim, &d->adv);
	d->rep = (struct boot_report){ .fragment = d->line, .lim = &d->lim, .adv = &d->adv,
				       .release = d->found == RELEASE_PARSED ? d->release : NULL };
	r->boot = &d->rep;
	return 0;
}

void boot_doc_free(struct boot_doc *d)
{
	free(d->line);
	d->line = NULL;
}

/* The fragment on standard output, one line; nothing when there is none. */
static int print_fragment(const char *line, struct bc_error *err)
{
	if (!line[0])
		return 0;
	printf("%s\n", line);
	if (fflush(stdout) != 0 || ferror(stdout))
		return bc_error_set(err, BC_EIO, "standard output: write failed: %s", strerror(errno ? errno : EIO));
	return 0;
}

/*
 * The policy's targets are judged as for plan (policy_evaluate(), without
 * maps or memory): a count a node could never hold is refused here too
 * (exit 78, unless force = yes), as the JSON form, which is plan's report,
 * refuses it; at boot such a pool would take the node's memory.
 */
static int targets_possible(struct act_run *r, struct bc_error *err)
{
	struct finding *fs = NULL;
	struct plan p = { 0 };
	unsigned n = 0;
	int rc = policy_evaluate(&r->snap, &r->pol, NULL, &fs, &n, &p, err);

	if (rc == 0)
		plan_free(&p);
	free(fs);
	return rc;
}

int cmd_kernel_cmdline(const struct act_args *a, struct bc_error *err)
{
	struct act_run r = { .a = a, .command = "plan" };
	struct boot_doc fr = { 0 };
	int rc;

	rc = act_policy_and_snapshot(&r, err);
	if (rc == 0)
		rc = cmd_kernel_cmdline_doc(&r, &fr, err);
	if (rc == 0)
		rc = targets_possible(&r, err);
	if (rc == 0 && a->grub)
		rc = write_grub_dropin(a, &fr, r.pol.path, err);
	if (rc == 0)
		rc = print_fragment(fr.line, err);
	if (rc == 0)
		cmdline_notes(a, &fr, &r.pol);
	boot_doc_free(&fr);
	act_free(&r);
	return rc;
}
