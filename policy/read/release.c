/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads the running kernel's release, architecture and boot command line under a root, and parses their text. */
#include "release.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

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

/*
 * The value of word NAME= in a command line ("console=ttyS0 quiet
 * default_hugepagesz=1G"), into out; false when it is not there. Words are
 * separated by blanks; quotes are not special here: hugepage words never
 * carry any.
 */
static bool cmdline_word(const char *line, const char *name, char *out, size_t size)
{
	size_t n = strlen(name), w;
	const char *p = line;

	for (; *p; p += w) {
		p += strspn(p, " \t\n");
		w = strcspn(p, " \t\n");
		if (w > n && !strncmp(p, name, n) && p[n] == '=') {
			snprintf(out, size, "%.*s", (int)(w - n - 1), p + n + 1);
			return true;
		}
	}
	return false;
}

/* One "N" or "N-M" of a CPU list at *s, its CPUs into *n; false when it is not one. */
static bool cpu_range(const char **s, unsigned long *n)
{
	unsigned long lo, hi;
	char *end;

	if (**s < '0' || **s > '9')
		return false;
	lo = hi = strtoul(*s, &end, 10);
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return false;
		hi = strtoul(end + 1, &end, 10);
	}
	if (hi < lo || hi >= 1u << 20)
		return false;
	*n += hi - lo + 1;
	*s = end;
	return true;
}

/* CPUs in a list such as "0-3,8\n" (sys/devices/system/cpu/online); 0 when it is not one. */
static unsigned cpulist_count(const char *s)
{
	unsigned long n = 0;

	while (*s && *s != '\n') {
		if (!cpu_range(&s, &n) || n > 1u << 20)
			return 0;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return 0;
	}
	return (unsigned)n;
}

void kernel_boot_read(const char *root, struct kernel_boot *b)
{
	struct bc_error e;
	char path[PATH_MAX], *buf, val[24];
	size_t len;
	int errnum;

	memset(b, 0, sizeof(*b));
	if (rootfs_read(root, "proc/cmdline", &buf, &len, path, &errnum, &e) == 0) {
		if (!memchr(buf, '\0', len)) {
			b->cmdline_read = true;
			if (cmdline_word(buf, "default_hugepagesz", val, sizeof(val)))
				snprintf(b->default_size, sizeof(b->default_size), "%s", val);
			b->hugetlb_cma = cmdline_word(buf, "hugetlb_cma", val, sizeof(val));
		}
		free(buf);
	}
	if (rootfs_read(root, "sys/devices/system/cpu/online", &buf, &len, path, &errnum, &e) == 0) {
		if (!memchr(buf, '\0', len))
			b->nr_cpus = cpulist_count(buf);
		free(buf);
	}
}
