/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `plan --kernel-cmdline`: the policy's hugepage targets as kernel
 * parameters (the rules and their kernel sources are in cmdline.h).
 */
#include "cmdline.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "plan.h"
#include "rootfs.h"

int kernel_version_parse(const char *text, struct kernel_version *v)
{
	unsigned long major, minor;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	major = strtoul(text, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	minor = strtoul(end + 1, &end, 10);
	if (major > 1000 || minor > 1000)
		return -1;
	v->major = (unsigned)major;
	v->minor = (unsigned)minor;
	return 0;
}

enum release_found kernel_release_read(const char *root, struct kernel_version *kv, char *text,
				       size_t size)
{
	enum release_found found = RELEASE_PARSED;
	struct bc_error e;
	char path[PATH_MAX], *buf;
	size_t len;
	int errnum;

	kv->major = kv->minor = 0;
	text[0] = '\0';
	if (rootfs_read(root, "proc/sys/kernel/osrelease", &buf, &len, path, &errnum, &e) < 0) {
		if (errnum == ENOENT)
			return RELEASE_MISSING;
		snprintf(text, size, "%s", errnum ? rootfs_strerror(errnum) : e.msg);
		return RELEASE_UNREADABLE;
	}
	if (kernel_version_parse(buf, kv) < 0 || !kv->major) {	/* 0.x: no Linux */
		kv->major = kv->minor = 0;
		found = RELEASE_UNPARSEABLE;
	}
	snprintf(text, size, "%.*s", (int)strcspn(buf, "\n"), buf);
	free(buf);
	return found;
}

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
	unsigned mem = plan_split_nodes(snap), i, k = 0;

	if (mem == 0)	/* no NUMA sysfs: node 0 is the machine */
		return n == 1 && c[0].node == 0;
	for (i = 0; i < snap->nr_nodes; i++) {
		if (!snap->nodes[i].has_memory)
			continue;
		if (k >= n || c[k].node != snap->nodes[i].id ||
		    c[k].count != plan_split_share(sum, mem, k))
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
	unsigned mem = plan_split_nodes(snap), i, k = 0;
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
				 (unsigned long long)plan_split_share(t->total, mem, k));
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

/*
 * COMMAND_LINE_SIZE per architecture, the kernel's buffer for the whole
 * command line with its NUL (arch/<arch>/include/asm/setup.h or
 * uapi/asm/setup.h, else include/uapi/asm-generic/setup.h's 512), keyed by
 * the names `uname -m` and distribution kernel releases use. s390 takes the
 * parameter area of its boot loaders, ARCH_COMMAND_LINE_SIZE 896 (the kernel
 * buffer is 4096, for loaders that pass more). arm64's has been 4096 in
 * some releases and is 2048 now: the smaller is the safe one.
 */
static const struct { const char *word, *arch; unsigned size; } line_sizes[] = {
	{ "x86_64", "x86_64", 2048 }, { "amd64", "x86_64", 2048 },
	{ "i386", "x86", 2048 }, { "i486", "x86", 2048 }, { "i586", "x86", 2048 },
	{ "i686", "x86", 2048 },
	{ "aarch64", "arm64", 2048 }, { "arm64", "arm64", 2048 },
	{ "ppc64le", "powerpc", 2048 }, { "ppc64el", "powerpc", 2048 }, { "ppc64", "powerpc", 2048 },
	{ "ppc", "powerpc", 2048 },
	{ "s390x", "s390", 896 }, { "s390", "s390", 896 },
	{ "riscv64", "riscv", 1024 },
	{ "armv7l", "arm", 1024 }, { "armv6l", "arm", 1024 }, { "armhf", "arm", 1024 },
	{ "armel", "arm", 1024 },
	{ "loongarch64", "loongarch", 4096 },
};

#define SMALLEST_LINE 896	/* s390's, the smallest in the table */

int cmdline_limit_for(const char *text, struct cmdline_limit *l)
{
	static const char sep[] = " \t\n.-+()#/";
	const char *p = text;
	size_t n, i;

	/* whole tokens only: "el9_3.aarch64+64k", "6.1.0-27-amd64", "x86_64" */
	while (*p) {
		p += strspn(p, sep);
		n = strcspn(p, sep);
		for (i = 0; n && i < sizeof(line_sizes) / sizeof(line_sizes[0]); i++) {
			if (strlen(line_sizes[i].word) != n || strncmp(p, line_sizes[i].word, n))
				continue;
			snprintf(l->arch, sizeof(l->arch), "%s", line_sizes[i].arch);
			l->size = line_sizes[i].size;
			l->assumed = false;
			return 0;
		}
		p += n;
	}
	return -1;
}

/* "Linux HOST RELEASE ...": a host name could be any word, even x86_64. */
static const char *after_hostname(const char *text)
{
	const char *p = text;

	if (strncmp(p, "Linux ", 6) != 0)
		return text;
	p += 6;
	p += strspn(p, " ");
	return p + strcspn(p, " \n");
}

void cmdline_limit_read(const char *root, struct cmdline_limit *l)
{
	/*
	 * The kernel's own word first (sysctl kernel.arch), then what a
	 * capture kept: sosreport's uname -a, and the release, which Fedora,
	 * RHEL, SUSE and Debian kernels end with their architecture.
	 */
	static const char *const files[] = {
		"proc/sys/kernel/arch", "sos_commands/kernel/uname_-a", "uname", "proc/sys/kernel/osrelease",
	};
	struct bc_error e;
	struct utsname u;
	char path[PATH_MAX], *buf;
	size_t len, i;
	int errnum, rc;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (i == 1 && rootfs_is_live(root) && uname(&u) == 0 && cmdline_limit_for(u.machine, l) == 0) {
			snprintf(l->source, sizeof(l->source), "uname(2)");
			return;
		}
		if (rootfs_read(root, files[i], &buf, &len, path, &errnum, &e) < 0)
			continue;
		rc = memchr(buf, '\0', len) ? -1 : cmdline_limit_for(after_hostname(buf), l);
		free(buf);
		if (rc == 0) {
			snprintf(l->source, sizeof(l->source), "%s", files[i]);
			return;
		}
	}
	l->size = SMALLEST_LINE;
	l->assumed = true;
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

/*
 * The hugepagesz= and hugepages= words of a line (not default_hugepagesz=),
 * space-separated into out; "" when none. A word starts the line or follows
 * a blank, a quote or the '=' of an assignment.
 */
static void hugepage_words(const char *line, char *out, size_t size)
{
	size_t i, n, len = 0;

	out[0] = '\0';
	for (i = 0; line[i]; i++) {
		if ((i && !strchr(" \t\"'=", line[i - 1])) ||
		    (strncmp(line + i, "hugepagesz=", 11) && strncmp(line + i, "hugepages=", 10)))
			continue;
		n = strcspn(line + i, " \t\"'");
		if (len + n + 2 > size)
			break;
		len += (size_t)snprintf(out + len, size - len, "%s%.*s", len ? " " : "", (int)n, line + i);
		i += n - 1;
	}
}

/* Each line of buf (file rel) that puts a hugepage word on the command line, to note(). */
static unsigned scan_grub_file(const char *rel, char *buf, void (*note)(const char *, unsigned, const char *, void *),
			       void *ctx)
{
	char *line = buf, *nl, words[256];
	unsigned nr = 1, found = 0;

	for (; line && *line; line = nl ? nl + 1 : NULL, nr++) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[strspn(line, " \t")] == '#')
			continue;
		hugepage_words(line, words, sizeof(words));
		if (!words[0])
			continue;
		note(rel, nr, words, ctx);
		found++;
	}
	return found;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

unsigned cmdline_grub_conflicts(const char *root, void (*note)(const char *, unsigned, const char *, void *),
				void *ctx)
{
	char path[PATH_MAX], rel[PATH_MAX], *buf, **names = NULL;
	struct bc_error e;
	struct dirent *d;
	unsigned found = 0, n = 0, i;
	size_t len;
	int errnum, fd;
	DIR *dir;

	if (rootfs_read(root, "etc/default/grub", &buf, &len, path, &errnum, &e) == 0) {
		found += scan_grub_file("/etc/default/grub", buf, note, ctx);
		free(buf);
	}
	fd = rootfs_open(root, "etc/default/grub.d", O_RDONLY | O_DIRECTORY, 0);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return found;
	}
	/* in the order grub-mkconfig sources them */
	while ((d = readdir(dir))) {
		size_t l = strlen(d->d_name);
		char **more;

		if (l < 5 || strcmp(d->d_name + l - 4, ".cfg") || !strcmp(d->d_name, strrchr(GRUB_DROPIN, '/') + 1))
			continue;
		more = realloc(names, (n + 1) * sizeof(*names));
		if (!more || !(more[n] = strdup(d->d_name))) {
			names = more ? more : names;
			break;
		}
		names = more;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "etc/default/grub.d/%s", names[i]);
		if (rootfs_read(root, rel, &buf, &len, path, &errnum, &e) == 0) {
			snprintf(rel, sizeof(rel), "/etc/default/grub.d/%s", names[i]);
			found += scan_grub_file(rel, buf, note, ctx);
			free(buf);
		}
		free(names[i]);
	}
	free(names);
	return found;
}
