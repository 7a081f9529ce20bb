/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `plan --kernel-cmdline`: the policy's hugepage targets as kernel
 * parameters (the rules and their kernel sources are in cmdline.h).
 */
#include "cmdline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

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
		rc = bc_error_set(err, BC_ENOMEM, "kernel command line: longer than %zu bytes", size);
	return rc;
}

/* total = N: "hugepages=N", or the policy's split per node where round-robin might differ. */
static int put_total(const struct hp_target *t, const char *sz, const struct snapshot *snap,
		     const struct kernel_version *kv, char *buf, size_t size, size_t *len,
		     struct bc_error *err)
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
		return bc_error_set(err, BC_ENOMEM, "kernel command line: longer than %zu bytes", size);
	return 0;
}

int cmdline_build(const struct policy *pol, const struct snapshot *snap,
		  const struct kernel_version *kv, char *buf, size_t size, struct bc_error *err)
{
	const struct hp_target **t;
	size_t len = 0;
	unsigned i;
	int rc = 0;

	if (size)
		buf[0] = '\0';
	if (!pol->nr_targets)
		return bc_error_set(err, BC_ECONFIG,
				    "%s: no [hugepages SIZE] section: nothing to reserve on the kernel command line",
				    pol->path);
	t = malloc(pol->nr_targets * sizeof(*t));
	if (!t)
		return bc_error_set(err, BC_ENOMEM, "out of memory");
	for (i = 0; i < pol->nr_targets; i++)
		t[i] = &pol->targets[i];
	qsort(t, pol->nr_targets, sizeof(*t), by_size_desc);
	for (i = 0; i < pol->nr_targets && rc == 0; i++) {
		char sz[24];

		size_label(sz, sizeof(sz), t[i]->size_kb * 1024);
		if (!snapshot_pool(snap, t[i]->size_kb))
			rc = bc_error_set(err, BC_ECONFIG,
					  "%s:%u: [hugepages %s]: this machine offers no %llu kB hugepages (no hugepages-%llukB in sys/kernel/mm/hugepages); the kernel ignores hugepagesz=%s and the hugepages= after it",
					  pol->path, t[i]->line, sz, (unsigned long long)t[i]->size_kb,
					  (unsigned long long)t[i]->size_kb, sz);
		else if (t[i]->has_total)
			rc = put_total(t[i], sz, snap, kv, buf, size, &len, err);
		else
			rc = put_counts(pol, t[i], sz, snap, kv, buf, size, &len, err);
	}
	free(t);
	if (rc < 0) {
		buf[0] = '\0';
		return rc;
	}
	/* every part starts with a blank: drop the first */
	memmove(buf, buf + 1, len);
	return 0;
}
