/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The page size of the machine a tree came from (pagesize.h has the order
 * of the evidence). The captures it reads besides the kernel files:
 *
 *   proc/self/smaps       KernelPageSize:        4 kB      (fs/proc/task_mmu.c)
 *   sos_commands/kernel/uname_-a, uname (sosreport's top-level link),
 *   proc/version, proc/sys/kernel/osrelease
 *       Linux host 5.14.0-362.el9.aarch64+64k #1 SMP ... aarch64 aarch64 aarch64 GNU/Linux
 */
#include "pagesize.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meminfo.h"
#include "rootfs.h"
#include "textscan.h"
#include "units.h"

static const char *const source_names[] = {
	[PS_OPTION] = "option", [PS_SYSCONF] = "sysconf", [PS_SMAPS] = "smaps",
	[PS_HUGEPAGESIZE] = "hugepagesize", [PS_MEMINFO] = "meminfo", [PS_UNAME] = "uname",
	[PS_DEFAULT] = "default",
};

const char *pagesize_source_name(enum page_size_source s)
{
	return (unsigned)s < sizeof(source_names) / sizeof(source_names[0]) ? source_names[s] : "?";
}

static bool is_page_size(uint64_t bytes)
{
	return bytes >= BC_PAGE_MIN && bytes <= BC_PAGE_MAX && !(bytes & (bytes - 1));
}

int pagesize_parse(const char *s, unsigned *bytes)
{
	uint64_t v = 0, kb;
	const char *p = s;

	if (*p >= '0' && *p <= '9' && p[strspn(p, "0123456789")] == '\0') {
		/* plain bytes; more than 7 digits is no page size anyway */
		if (strlen(p) > 7)
			return -1;
		for (; *p; p++)
			v = v * 10 + (uint64_t)(*p - '0');
	} else if (parse_size_kb(s, &kb) == 0 && kb <= BC_PAGE_MAX / 1024) {
		v = kb * 1024;
	}
	if (!is_page_size(v))
		return -1;
	*bytes = (unsigned)v;
	return 0;
}

static void set(struct snapshot *snap, unsigned bytes, enum page_size_source src, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set(struct snapshot *snap, unsigned bytes, enum page_size_source src, const char *fmt, ...)
{
	va_list ap;

	snap->page_size = bytes;
	snap->page_size_source = src;
	va_start(ap, fmt);
	vsnprintf(snap->page_size_evidence, sizeof(snap->page_size_evidence), fmt, ap);
	va_end(ap);
}

/*
 * One "KernelPageSize:    4 kB" line (p to its newline nl, line lineno) into
 * *v: a power of two, 4 kB or more. 0 or -BC_EDATA.
 */
static int kernel_page_line(const char *path, const char *p, const char *nl, unsigned lineno, uint64_t *v,
			    struct bc_error *err)
{
	static const char key[] = "KernelPageSize:";
	struct scan s;
	const char *tok;
	size_t tlen;
	char what[64];
	int rc;

	scan_init(&s, path, p, (size_t)(nl - p) + 1);
	s.lineno = lineno - 1;
	if ((rc = scan_next_line(&s, err)) < 0)
		return rc;
	scan_token(&s, &tok, &tlen);
	rc = scan_next_u64(&s, key, v, err);
	if (rc < 0)
		return rc;
	if (!scan_token(&s, &tok, &tlen) || !tok_eq(tok, tlen, "kB"))
		return scan_fail(&s, key, sizeof(key) - 1, "expected 'kB' after the value of", err);
	/* a base page or a hugepage: a power of two, 4 kB or more */
	if (*v >= BC_PAGE_MIN / 1024 && *v <= BC_MAX_KB && !(*v & (*v - 1)))
		return 0;
	snprintf(what, sizeof(what), "%llu kB is not a page size, in", (unsigned long long)*v);
	return scan_fail(&s, key, sizeof(key) - 1, what, err);
}

/*
 * The smallest KernelPageSize in one smaps: the base page (hugetlb
 * mappings say their hugepage size). 1 and *kb when found, 0 when the file
 * has none, -BC_EDATA for a line that is no kernel's. Lines are taken one
 * by one and only complete ones: a capture may be cut anywhere.
 */
static int smaps_kernel_page_kb(const char *path, const char *buf, size_t len, uint64_t *kb,
				unsigned *at, struct bc_error *err)
{
	static const char key[] = "KernelPageSize:";
	const char *p = buf, *end = buf + len, *nl;
	unsigned lineno = 0;
	int found = 0, rc;
	uint64_t v;

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		lineno++;
		if ((size_t)(nl - p) < sizeof(key) - 1 || memcmp(p, key, sizeof(key) - 1) != 0)
			continue;
		if ((rc = kernel_page_line(path, p, nl, lineno, &v, err)) < 0)
			return rc;
		if (!found || v < *kb) {
			*kb = v;
			*at = lineno;
		}
		found = 1;
	}
	/* the smallest is the base page: a hugepage alone is no evidence */
	return found && *kb * 1024 <= BC_PAGE_MAX;
}

/* A smaps under proc/ to try: "self" first, then process ids, lowest first. */
static int cmp_pid(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * At most this many smaps files are opened: a capture holds one or a few,
 * and a tree with a full /proc copy must not cost a read per process.
 */
#define SMAPS_TRIES 16

/* The process id a directory of proc/ is named after, or 0. */
static long pid_of(const char *name)
{
	char *end;
	long pid = strtol(name, &end, 10);

	return name[0] >= '1' && name[0] <= '9' && !*end && pid > 0 ? pid : 0;
}

/* The smaps to try into pids: "self" (-1) first, then process ids under proc/, lowest first. */
static unsigned smaps_pids(const struct snapshot *snap, long pids[SMAPS_TRIES])
{
	long found[256], pid;
	unsigned n = 0, nf = 0, i;
	struct dirent *de;
	DIR *d;
	int fd;

	pids[n++] = -1;	/* self */
	fd = rootfs_open_dir(snap->root, "proc");
	if (fd < 0)
		return n;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return n;
	}
	while ((de = readdir(d)) != NULL && nf < sizeof(found) / sizeof(found[0]))
		if ((pid = pid_of(de->d_name)) > 0)
			found[nf++] = pid;
	closedir(d);
	qsort(found, nf, sizeof(found[0]), cmp_pid);
	for (i = 0; i < nf && n < SMAPS_TRIES; i++)
		pids[n++] = found[i];
	return n;
}

/* The page size from one process's smaps: 1 when it told, 0 when not, -BC_EDATA. */
static int from_one_smaps(struct snapshot *snap, long pid, struct bc_error *err)
{
	char rel[48], path[PATH_MAX], *buf;
	unsigned line = 0;
	uint64_t kb = 0;
	size_t len;
	int rc, errnum;

	if (pid < 0)
		snprintf(rel, sizeof(rel), "proc/self/smaps");
	else
		snprintf(rel, sizeof(rel), "proc/%ld/smaps", pid);
	if (rootfs_read(snap->root, rel, &buf, &len, path, &errnum, NULL) < 0)
		return 0;
	rc = smaps_kernel_page_kb(path, buf, len, &kb, &line, err);
	free(buf);
	if (rc > 0)
		set(snap, (unsigned)kb * 1024, PS_SMAPS, "%s:%u: KernelPageSize %llu kB", rel, line,
		    (unsigned long long)kb);
	return rc;
}

static int from_smaps(struct snapshot *snap, struct bc_error *err)
{
	long pids[SMAPS_TRIES];
	unsigned n = smaps_pids(snap, pids), i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = from_one_smaps(snap, pids[i], err);
	return rc;
}

/*
 * A hugepage size says the page size where the page tables make it: the
 * PMD size is P * P / 8 with 8-byte entries (2M for 4K, 32M for 16K, 512M
 * for 64K pages: x86-64, arm64), and on ppc64 (hash) the hugepage is the
 * largest buddy block (16M: 13 orders of 4K, 9 of 64K). Where the kernel's
 * defaults hold, the largest block is that hugepage or twice it; a size
 * that fits one candidate only is taken. A 1G default (default_hugepagesz=
 * 1G), ppc64 radix's 2M with 64K pages, s390's 1M, or a kernel built with
 * more orders (2M with 14 orders) fit none, and the next evidence decides.
 */
static unsigned page_for_hugepage(uint64_t hp, unsigned nr_orders)
{
	static const unsigned cand[] = { 4096, 16384, 65536 };
	unsigned i, found = 0, nr = 0;

	if (!hp || !nr_orders || nr_orders > BC_MAX_ORDERS)
		return 0;
	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		uint64_t p = cand[i], top = p << (nr_orders - 1);

		if ((hp == p * p / 8 || hp == top) && (top == hp || top == 2 * hp)) {
			found = cand[i];
			nr++;
		}
	}
	return nr == 1 ? found : 0;
}

/* THP's PMD size first: Hugepagesize is only the default, which a boot option changes. */
static int from_hugepage(struct snapshot *snap)
{
	char path[PATH_MAX], *buf, lbl[16];
	uint64_t bytes;
	unsigned p = 0;
	size_t len;
	int errnum;

	if (rootfs_read(snap->root, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			&buf, &len, path, &errnum, NULL) == 0) {
		if (parse_single_u64(path, buf, len, &bytes, NULL) == 0)
			p = page_for_hugepage(bytes, snap->nr_orders);
		free(buf);
		if (p) {
			size_label(lbl, sizeof(lbl), bytes);
			set(snap, p, PS_HUGEPAGESIZE, "THP hpage_pmd_size %s with %u orders", lbl,
			    snap->nr_orders);
			return 1;
		}
	}
	if (snap->default_hugepage_kb &&
	    (p = page_for_hugepage(snap->default_hugepage_kb * 1024, snap->nr_orders))) {
		size_label(lbl, sizeof(lbl), snap->default_hugepage_kb * 1024);
		set(snap, p, PS_HUGEPAGESIZE, "proc/meminfo Hugepagesize %s with %u orders",
		    lbl, snap->nr_orders);
		return 1;
	}
	return 0;
}

/*
 * MemTotal of a node is its zones' managed pages (si_meminfo_node()), so
 * kB / pages is the page size in kB. Not always exactly: zoneinfo and node
 * meminfo are read at different moments, and managed moves with deferred
 * struct-page init, memory hot-add and balloons; with managed taken from
 * present (old kernels) the reserved memory is in it. So the nearest of
 * 4K, 16K and 64K is taken when MemTotal is within a factor of 1.25 of it
 * (they are a factor of 4 apart), and every node that can vote must agree.
 */
static unsigned page_for_total(uint64_t kb, uint64_t pages)
{
	static const unsigned cand[] = { 4096, 16384, 65536 };
	double r;
	unsigned i;

	if (!kb || !pages)
		return 0;
	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		r = (double)kb * 1024.0 / ((double)pages * cand[i]);
		if (r >= 0.8 && r <= 1.25)
			return cand[i];
	}
	return 0;
}

static uint64_t managed_of(const struct node *n, bool *zoneinfo)
{
	uint64_t sum = 0;
	unsigned k;

	for (k = 0; k < n->nr_zones; k++) {
		if (n->zones[k].in_zoneinfo) {
			sum += n->zones[k].managed;
			*zoneinfo = true;
		}
	}
	return sum;
}

/* The page size MemTotal votes for, and what it came from. */
struct total_vote {
	unsigned page;		/* 0: no vote */
	uint64_t kb, pages;
	int id;			/* the node, or -1 for proc/meminfo */
	bool conflict;		/* nodes voted apart */
	bool zoneinfo;		/* some zone's managed pages are known */
	uint64_t all;		/* every zone's managed pages */
};

/* Every node with its meminfo votes; the first vote is kept, any other says whether they agree. */
static void node_votes(const struct snapshot *snap, struct total_vote *v)
{
	unsigned i, p;

	for (i = 0; i < snap->nr_nodes; i++) {
		const struct node *n = &snap->nodes[i];
		uint64_t m = managed_of(n, &v->zoneinfo);

		v->all += m;
		if (!n->has_meminfo || !meminfo_has(&n->meminfo, MI_MEM_TOTAL) || !snap->numa_sysfs)
			continue;
		p = page_for_total(n->meminfo.v[MI_MEM_TOTAL], m);
		if (!p)
			continue;
		if (v->page && p != v->page)
			v->conflict = true;
		if (!v->page) {
			v->page = p;
			v->kb = n->meminfo.v[MI_MEM_TOTAL];
			v->pages = m;
			v->id = n->id;
		}
	}
}

/* No NUMA sysfs: MemTotal is totalram_pages, every zone's managed pages; it votes where no node did. */
static void machine_vote(const struct snapshot *snap, struct total_vote *v)
{
	if (v->page || v->conflict || !v->zoneinfo || !meminfo_has(&snap->meminfo, MI_MEM_TOTAL) || snap->numa_sysfs)
		return;
	v->page = page_for_total(snap->meminfo.v[MI_MEM_TOTAL], v->all);
	v->kb = snap->meminfo.v[MI_MEM_TOTAL];
	v->pages = v->all;
}

static int from_meminfo(struct snapshot *snap)
{
	struct total_vote v = { .id = -1 };
	const char *approx;

	node_votes(snap, &v);
	machine_vote(snap, &v);
	if (!v.page || v.conflict)
		return 0;
	approx = v.kb * 1024 == v.pages * v.page ? "=" : "~";
	if (v.id >= 0)
		set(snap, v.page, PS_MEMINFO, "node %d MemTotal %llu kB %s %llu %s pages x %u kB", v.id,
		    (unsigned long long)v.kb, approx, (unsigned long long)v.pages,
		    snap->managed_from_present ? "present" : "managed", v.page / 1024);
	else
		set(snap, v.page, PS_MEMINFO, "proc/meminfo MemTotal %llu kB %s %llu %s pages x %u kB",
		    (unsigned long long)v.kb, approx, (unsigned long long)v.pages,
		    snap->managed_from_present ? "present" : "managed", v.page / 1024);
	return 1;
}

/*
 * Does the text hold word as a whole token (split at blanks and . - + ( ) #
 * /)? With prefix, a token may go on after '_' ("el8_6" is "el8").
 */
static bool has_word(const char *text, const char *word, bool prefix)
{
	static const char sep[] = " \t\n.-+()#/";
	const char *p = text;
	size_t wl = strlen(word);

	while (*p) {
		size_t n;

		p += strspn(p, sep);
		n = strcspn(p, sep);
		if ((n == wl || (prefix && n > wl && p[wl] == '_')) && strncasecmp(p, word, wl) == 0)
			return true;
		p += n;
	}
	return false;
}

/*
 * Architectures and their usual page size. arm64's kernel default is 4K;
 * kernels built for 16K or 64K say so in their release (RHEL's "+64k",
 * Ubuntu's "-64k"), and RHEL 7 and 8 built aarch64 with 64K. ppc64 builds
 * use 64K (the kernel's default for Book3S-64).
 */
static unsigned page_for_uname(const char *text, char *arch, size_t size)
{
	static const struct { const char *word; unsigned page; } archs[] = {
		{ "x86_64", 4096 }, { "amd64", 4096 },
		{ "aarch64", 0 }, { "arm64", 0 },
		{ "ppc64le", 65536 }, { "ppc64el", 65536 }, { "powerpc64le", 65536 }, { "ppc64", 65536 },
		{ "powerpc64", 65536 },
		{ "s390x", 4096 }, { "riscv64", 4096 }, { "i686", 4096 }, { "i386", 4096 },
		{ "armv7l", 4096 }, { "armhf", 4096 },
		{ "loongarch64", 16384 }, { "sparc64", 8192 }, { "alpha", 8192 },
	};
	unsigned i;

	for (i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
		if (!has_word(text, archs[i].word, false))
			continue;
		snprintf(arch, size, "%s", archs[i].word);
		if (archs[i].page)
			return archs[i].page;
		if (has_word(text, "64k", false))
			return 65536;
		if (has_word(text, "16k", false))
			return 16384;
		if (has_word(text, "el7", true) || has_word(text, "el8", true))
			return 65536;
		return 4096;
	}
	return 0;
}

/* uname -a: "Linux HOST RELEASE ...": the host name could be any word. */
static const char *skip_hostname(const char *text)
{
	const char *p = text;

	if (strncmp(p, "Linux ", 6) != 0 || strncmp(p, "Linux version ", 14) == 0)
		return text;
	p += 6;
	p += strspn(p, " ");
	p += strcspn(p, " \n");
	return p;
}

/*
 * The architecture in the first uname capture that names one. *unknown:
 * the first that is there but names none, with its first line (as read:
 * escaped where it is shown), so that the default says why it was no
 * evidence; "" when there is none.
 */
static int from_uname(struct snapshot *snap, char *unknown, size_t size)
{
	static const char *const files[] = {
		"sos_commands/kernel/uname_-a", "uname", "proc/version", "proc/sys/kernel/osrelease",
	};
	char path[PATH_MAX], arch[24], first[128], *buf;
	unsigned i, p;
	size_t len;
	int errnum;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (rootfs_read(snap->root, files[i], &buf, &len, path, &errnum, NULL) < 0)
			continue;
		if (memchr(buf, '\0', len)) {
			free(buf);
			continue;	/* not text */
		}
		p = page_for_uname(skip_hostname(buf), arch, sizeof(arch));
		/* the first line, shortened, for the evidence */
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(buf, "\n"), buf);
		free(buf);
		if (p) {
			set(snap, p, PS_UNAME, "%s: %s (%.80s)", files[i], arch, first);
			return 1;
		}
		if (!unknown[0])
			snprintf(unknown, size, "%s is there but unparseable: no architecture buddyctl knows in '%.60s'; ",
				 files[i], first);
	}
	return 0;
}

/*
 * Without evidence: 4K is x86's, and arm64's and riscv's by default; 12 and
 * 14 orders are arm64's defaults with 16K and 64K pages, 9 ppc64's with 64K.
 */
static void default_page(struct snapshot *snap, const char *unknown)
{
	unsigned o = snap->nr_orders;

	set(snap, 4096, PS_DEFAULT, "%sno %sevidence of the page size%s, and 4K is the most common%s",
	    unknown, unknown[0] ? "other " : "", snap->root ? " in the tree" : "",
	    o == 9 || o == 12 || o == 14 ? "; this many orders are usual with 16K or 64K pages: give --page-size" : "");
}

/* The evidence of a tree, strongest first: 1 found, 0 none (unknown: why uname was none), -BC_EDATA. */
static int from_tree(struct snapshot *snap, char *unknown, size_t size, struct bc_error *err)
{
	int rc = from_smaps(snap, err);

	if (rc)
		return rc;
	return from_hugepage(snap) || from_meminfo(snap) || from_uname(snap, unknown, size);
}

int pagesize_find(struct snapshot *snap, unsigned given, struct bc_error *err)
{
	char lbl[16], unknown[160] = "";
	int rc = 0;

	if (given) {
		size_label(lbl, sizeof(lbl), given);
		set(snap, given, PS_OPTION, "--page-size %s", lbl);
		return 0;
	}
	if (snap->root && rootfs_is_live(snap->root)) {
		set(snap, (unsigned)sysconf(_SC_PAGESIZE), PS_SYSCONF, "the running kernel");
		return 0;
	}
	if (snap->root)
		rc = from_tree(snap, unknown, sizeof(unknown), err);
	if (rc == 0)
		default_page(snap, unknown);
	return rc < 0 ? rc : 0;
}
