/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `plan --kernel-cmdline`: the policy's hugepage targets as kernel
 * parameters (the rules and their kernel sources are in cmdline.h).
 */
#include "cmdline.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

static bool at_least(const struct kernel_version *kv, unsigned major, unsigned minor)
{
	if (!kv->major)
		return true;	/* unknown: assume a current kernel */
	return kv->major > major || (kv->major == major && kv->minor >= minor);
}

/* Append to buf; false when it did not fit. */
static bool put(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return false;
	*len += (size_t)n;
	return true;
}

static int by_node(const void *a, const void *b)
{
	const struct node_count *x = a, *y = b;

	return (x->node > y->node) - (x->node < y->node);
}

static int by_size_desc(const void *a, const void *b)
{
	const struct hp_target *const *x = a, *const *y = b;

	return ((*x)->size_kb < (*y)->size_kb) - ((*x)->size_kb > (*y)->size_kb);
}

/*
 * Are counts (sorted by node) what the kernel's round-robin gives for their
 * sum: one per memory node, in id order, lower ids taking the remainder?
 */
static bool round_robin(const struct snapshot *snap, const struct node_count *c, unsigned n,
			uint64_t sum)
{
	unsigned mem = policy_split_nodes(snap), i, k = 0;

	if (mem == 0)	/* no NUMA sysfs: node 0 is the machine */
		return n == 1 && c[0].node == 0;
	for (i = 0; i < snap->nr_nodes; i++) {
		if (!snap->nodes[i].has_memory)
			continue;
		if (k >= n || c[k].node != snap->nodes[i].id ||
		    c[k].count != policy_split_share(sum, mem, k))
			return false;
		k++;
	}
	return k == n;
}

/* The fragment did not fit in the caller's buffer: far longer than any kernel takes. */
static int too_long(const struct policy *pol, size_t size, struct bc_error *err)
{
	return bc_error_set(err, BC_ECONFIG,
			    "%s: the kernel parameters for its hugepage targets are longer than %zu bytes, more than any kernel command line holds: give pools as total = N, or reserve them at runtime (buddyctl-reserve.service)",
			    pol->path, size - 1);
}

/* Per-node counts as "hugepages=0:4,1:4", or their sum when the kernel takes no node ids. */
static int put_counts(const struct policy *pol, const struct hp_target *t, const char *sz,
		      const struct snapshot *snap, const struct kernel_version *kv, char *buf,
		      size_t size, size_t *len, struct bc_error *err)
{
	struct node_count *c = malloc(t->nr_counts * sizeof(*c));
	bool pernode = at_least(kv, 5, 16) && snap->numa_sysfs, ok = true;
	uint64_t sum = 0;
	unsigned i;
	int rc = 0;

	if (!c)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	memcpy(c, t->counts, t->nr_counts * sizeof(*c));
	qsort(c, t->nr_counts, sizeof(*c), by_node);
	for (i = 0; i < t->nr_counts; i++) {
		sum += c[i].count;
		/* 5.16-5.18 compare the id with the number of online nodes */
		if (!at_least(kv, 5, 19) && c[i].node >= (int)snap->nr_nodes)
			pernode = false;
	}
	if (pernode) {
		ok = put(buf, size, len, " hugepagesz=%s hugepages=", sz);
		for (i = 0; ok && i < t->nr_counts; i++)
			ok = put(buf, size, len, "%s%d:%llu", i ? "," : "", c[i].node,
				 (unsigned long long)c[i].count);
	} else if (round_robin(snap, c, t->nr_counts, sum)) {
		ok = put(buf, size, len, " hugepagesz=%s hugepages=%llu", sz, (unsigned long long)sum);
	} else if (!at_least(kv, 5, 16) || !snap->numa_sysfs) {
		rc = bc_error_set(err, BC_ECONFIG,
				  "%s:%u: [hugepages %s]: per-node counts on the kernel command line (hugepages=NODE:COUNT) need Linux 5.16; this kernel is %u.%u and would spread hugepages=%llu round-robin over the memory nodes instead",
				  pol->path, t->line, sz, kv->major, kv->minor, (unsigned long long)sum);
	} else {
		rc = bc_error_set(err, BC_ECONFIG,
				  "%s:%u: [hugepages %s]: node %d on the kernel command line needs Linux 5.19; %u.%u refuses a node id at or above the number of online nodes (%u)",
				  pol->path, t->line, sz, c[t->nr_counts - 1].node, kv->major, kv->minor,
				  snap->nr_nodes);
	}
	free(c);
	if (rc == 0 && !ok)
		rc = too_long(pol, size, err);
	return rc;
}

/* total = N: "hugepages=N", or the policy's split per node where round-robin might differ. */
static int put_total(const struct policy *pol, const struct hp_target *t, const char *sz,
		     const struct snapshot *snap, const struct kernel_version *kv, char *buf, size_t size,
		     size_t *len, struct bc_error *err)
{
	unsigned mem = policy_split_nodes(snap), i, k = 0;
	bool ok;

	/*
	 * Round-robin from the lowest id is the policy's split, but since Linux
	 * 6.9 boot-time allocation runs in parallel threads and the remainder
	 * may land on other nodes: give it per node where it is not even.
	 */
	if (mem <= 1 || t->total % mem == 0 || !at_least(kv, 5, 16) ||
	    (!at_least(kv, 5, 19) && snap->nodes[snap->nr_nodes - 1].id >= (int)snap->nr_nodes)) {
		ok = put(buf, size, len, " hugepagesz=%s hugepages=%llu", sz, (unsigned long long)t->total);
	} else {
		ok = put(buf, size, len, " hugepagesz=%s hugepages=", sz);
		for (i = 0; ok && i < snap->nr_nodes; i++) {
			if (!snap->nodes[i].has_memory)
				continue;
			ok = put(buf, size, len, "%s%d:%llu", k ? "," : "", snap->nodes[i].id,
				 (unsigned long long)policy_split_share(t->total, mem, k));
			k++;
		}
	}
	if (!ok)
		return too_long(pol, size, err);
	return 0;
}

/*
 * Does the target reserve a page? A size whose counts are all 0 would be
 * "hugepages=0", which the pool is at boot anyway: it is left out.
 */
static bool reserves_some(const struct hp_target *t)
{
	unsigned i;

	if (t->has_total)
		return t->total > 0;
	for (i = 0; i < t->nr_counts; i++)
		if (t->counts[i].count)
			return true;
	return false;
}

int cmdline_build(const struct policy *pol, const struct snapshot *snap,
		  const struct kernel_version *kv, char *buf, size_t size, struct bc_error *err)
{
	const struct hp_target **t;
	size_t len = 0;
	unsigned i, n;
	int rc = 0;

	if (size)
		buf[0] = '\0';
	if (!pol->nr_targets)
		return 0;	/* nothing to reserve: an empty fragment */
	t = malloc(pol->nr_targets * sizeof(*t));
	if (!t)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = n = 0; i < pol->nr_targets; i++)
		if (reserves_some(&pol->targets[i]))
			t[n++] = &pol->targets[i];
	qsort(t, n, sizeof(*t), by_size_desc);
	for (i = 0; i < n && rc == 0; i++) {
		char sz[24];

		size_label(sz, sizeof(sz), t[i]->size_kb * 1024);
		if (!snapshot_pool(snap, t[i]->size_kb))
			rc = bc_error_set(err, BC_ECONFIG,
					  "%s:%u: [hugepages %s]: this machine offers no %llu kB hugepages (no hugepages-%llukB in sys/kernel/mm/hugepages); the kernel ignores hugepagesz=%s and the hugepages= after it",
					  pol->path, t[i]->line, sz, (unsigned long long)t[i]->size_kb,
					  (unsigned long long)t[i]->size_kb, sz);
		else if (t[i]->has_total)
			rc = put_total(pol, t[i], sz, snap, kv, buf, size, &len, err);
		else
			rc = put_counts(pol, t[i], sz, snap, kv, buf, size, &len, err);
	}
	free(t);
	if (rc < 0) {
		buf[0] = '\0';
		return rc;
	}
	/* every part starts with a blank: drop the first */
	if (len)
		memmove(buf, buf + 1, len);
	return 0;
}

int cmdline_check_length(const struct policy *pol, size_t len, const struct cmdline_limit *l,
			 struct bc_error *err)
{
	char arch[160];

	if (len < l->size)
		return 0;
	if (l->assumed)
		snprintf(arch, sizeof(arch), "an unknown architecture's kernel command line holds at most %u (the smallest limit known, s390's)",
			 l->size - 1);
	else
		snprintf(arch, sizeof(arch), "the %s kernel command line holds at most %u", l->arch, l->size - 1);
	return bc_error_set(err, BC_ECONFIG,
			    "%s: the kernel parameters for its hugepage targets take %zu bytes; %s (COMMAND_LINE_SIZE %u, with the rest of the line): give pools as total = N where the split is even, or reserve them at runtime (buddyctl-reserve.service)",
			    pol->path, len, arch, l->size);
}

/*
 * The drop-in sourced by grub-mkconfig (Debian's, Ubuntu's: after
 * /etc/default/grub, /etc/default/grub.d/\*.cfg in glob order, "zz-" last).
 * POSIX sh, as dash and bash run it under set -e: it drops every
 * hugepagesz= and hugepages= word from GRUB_CMDLINE_LINUX and
 * GRUB_CMDLINE_LINUX_DEFAULT, wherever they were set, then appends the
 * fragment to GRUB_CMDLINE_LINUX. Its text depends only on the fragment
 * and the policy's name, so writing it again changes nothing.
 */
int cmdline_grub_dropin(FILE *f, const char *fragment, const char *policy_path)
{
	char shown[160];
	size_t i;

	/* the policy's name goes into a comment: nothing in it may end the line */
	snprintf(shown, sizeof(shown), "%s", policy_path);
	for (i = 0; shown[i]; i++)
		if (iscntrl((unsigned char)shown[i]))
			shown[i] = '?';
	fprintf(f, "# " GRUB_DROPIN ": the hugepage pools of the buddyctl policy\n"
		   "# %s on the kernel command line. Written by\n"
		   "# `buddyctl plan --kernel-cmdline --grub`, which rewrites it whole: do not\n"
		   "# edit it; run that again after changing the policy, then update-grub.\n"
		   "#\n"
		   "# grub-mkconfig (update-grub) sources it after /etc/default/grub and the\n"
		   "# other files here (zz- sorts last). It takes every hugepagesz= and\n"
		   "# hugepages= out of GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT and\n"
		   "# puts the policy's at the end of GRUB_CMDLINE_LINUX: the kernel ignores a\n"
		   "# size given twice, so each must be given once.\n"
		   "\n"
		   "# the words of $1 but hugepagesz= and hugepages=, into buddyctl_kept\n"
		   "buddyctl_drop() {\n"
		   "\tbuddyctl_kept=\n"
		   "\tfor buddyctl_word in $1; do\n"
		   "\t\tcase $buddyctl_word in\n"
		   "\t\thugepagesz=*|hugepages=*) ;;\n"
		   "\t\t*) buddyctl_kept=\"${buddyctl_kept:+$buddyctl_kept }$buddyctl_word\" ;;\n"
		   "\t\tesac\n"
		   "\tdone\n"
		   "}\n"
		   "\n"
		   "# split into words without expanding a * or ? in them\n"
		   "case $- in *f*) buddyctl_noglob=yes ;; *) buddyctl_noglob= ;; esac\n"
		   "set -f\n"
		   "buddyctl_drop \"$GRUB_CMDLINE_LINUX_DEFAULT\"\n"
		   "GRUB_CMDLINE_LINUX_DEFAULT=$buddyctl_kept\n"
		   "buddyctl_drop \"$GRUB_CMDLINE_LINUX\"\n", shown);
	if (fragment[0])
		fprintf(f, "GRUB_CMDLINE_LINUX=\"$buddyctl_kept${buddyctl_kept:+ }%s\"\n", fragment);
	else
		fprintf(f, "# the policy reserves nothing at boot\nGRUB_CMDLINE_LINUX=$buddyctl_kept\n");
	fprintf(f, "[ -n \"$buddyctl_noglob\" ] || set +f\n"
		   "unset buddyctl_kept buddyctl_word buddyctl_noglob\n"
		   "unset -f buddyctl_drop\n");
	return ferror(f) ? -1 : 0;
}
