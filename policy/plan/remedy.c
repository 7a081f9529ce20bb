/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `plan --kernel-cmdline`: the boot-time options the running kernel takes
 * to make the policy's pools reliable, and the traps (the rules are in
 * remedy.h).
 */
#include "remedy.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* Non-gigantic pages at boot from which more allocation threads pay (see threads_remedy()). */
#define THREADS_MIN_KB (64ULL << 20)

static const char HUGEPAGES_RULE[] =
	"hugepagesz=SIZE hugepages=N: every kernel; the per-node form NODE:N from Linux 5.16, node ids at or above the number of online nodes from 5.19";
static const char CMA_RULE[] =
	"Linux 5.7 in total (hugetlb_cma=SIZE), 5.16 per node (hugetlb_cma=NODE:SIZE,...); only a kernel built with CONFIG_CMA (CmaTotal in /proc/meminfo)";
static const char THREADS_RULE[] = "Linux 6.15; non-gigantic pages only";

static bool at_least(const struct kernel_version *kv, unsigned major, unsigned minor)
{
	if (!kv->major)
		return true;	/* unknown: assume a current kernel */
	return kv->major > major || (kv->major == major && kv->minor >= minor);
}

static void say(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static void warn(struct boot_advice *adv, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn(struct boot_advice *adv, const char *code, const char *fmt, ...)
{
	struct boot_warning *w;
	va_list ap;

	if (adv->nr_warnings >= REMEDY_MAX_WARNINGS)
		return;
	w = &adv->warnings[adv->nr_warnings++];
	w->code = code;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
}

/* Beyond the buddy allocator's orders: taken from memblock at boot, or by alloc_contig_pages(). */
static bool gigantic(const struct snapshot *snap, uint64_t size_kb)
{
	if (!snap->page_size || !snap->nr_orders)
		return size_kb > 4096;
	return size_kb * 1024 > ((uint64_t)snap->page_size << (snap->nr_orders - 1));
}

/* The pages target t asks of the node at index i of snap (a total split as the policy splits it). */
static uint64_t node_pages(const struct hp_target *t, const struct snapshot *snap, unsigned i)
{
	unsigned mem = policy_split_nodes(snap), j, k = 0;

	if (t->has_total) {
		if (!mem)
			return i == 0 ? t->total : 0;
		if (!snap->nodes[i].has_memory)
			return 0;
		for (j = 0; j < i; j++)
			k += snap->nodes[j].has_memory;
		return policy_split_share(t->total, mem, k);
	}
	for (j = 0; j < t->nr_counts; j++)
		if (t->counts[j].node == snap->nodes[i].id)
			return t->counts[j].count;
	return 0;
}

/* kB the policy's gigantic (want true) or other pools take on node index i, or on every node (i < 0). */
static uint64_t pool_kb(const struct policy *pol, const struct snapshot *snap, bool want, int i)
{
	uint64_t kb = 0;
	unsigned n, j;

	for (n = 0; n < pol->nr_targets; n++) {
		const struct hp_target *t = &pol->targets[n];

		if (gigantic(snap, t->size_kb) != want)
			continue;
		for (j = 0; j < snap->nr_nodes; j++)
			if (i < 0 || (unsigned)i == j)
				kb += node_pages(t, snap, j) * t->size_kb;
	}
	return kb;
}

/* Is the w bytes at p "hugepagesz=SIZE" of a gigantic size? */
static bool gigantic_size_word(const struct snapshot *snap, const char *p, size_t w)
{
	static const char key[] = "hugepagesz=";
	const size_t k = sizeof(key) - 1;
	uint64_t kb;
	char val[24];

	if (w <= k || w - k >= sizeof(val) || strncmp(p, key, k))
		return false;
	memcpy(val, p + k, w - k);
	val[w - k] = '\0';
	return parse_size_kb(val, &kb) == 0 && gigantic(snap, kb);
}

/* The words of the fragment for the gigantic sizes ("hugepagesz=1G hugepages=0:4,1:4"), into out. */
static void gigantic_words(const struct snapshot *snap, const char *fragment, char *out, size_t size)
{
	const char *p = fragment;
	size_t len = 0, w;

	out[0] = '\0';
	while (*p) {
		p += strspn(p, " ");
		w = strcspn(p, " ");
		if (gigantic_size_word(snap, p, w)) {
			/* the size and the hugepages= after it */
			w += strspn(p + w, " ");
			w += strcspn(p + w, " ");
			if (len + 1 + w < size)
				len += (size_t)snprintf(out + len, size - len, "%s%.*s", len ? " " : "", (int)w, p);
		}
		p += w;
	}
}

static void hugepages_remedy(const char *fragment, struct remedy *r)
{
	r->option = "hugepages";
	r->rule = HUGEPAGES_RULE;
	r->offered = fragment[0] != '\0';
	if (!r->offered) {
		say(r->why, sizeof(r->why), "the policy reserves no hugepages");
		return;
	}
	say(r->words, sizeof(r->words), "%s", fragment);
	say(r->why, sizeof(r->why),
	    "the pages are taken while the kernel boots, before anything can fragment memory: the surest way to have a pool, gigantic pages above all");
}

/*
 * Can the plain hugetlb_cma=SIZE say the gigantic pages per node? The
 * kernel splits SIZE evenly over the online nodes: one node, or the same
 * amount on every node, all with memory.
 */
static bool cma_plain(const struct policy *pol, const struct snapshot *snap)
{
	unsigned i, mem = 0;
	uint64_t first = 0, kb;
	bool even = true;

	for (i = 0; i < snap->nr_nodes; i++) {
		if (!snap->nodes[i].has_memory)
			continue;
		kb = pool_kb(pol, snap, true, (int)i);
		even = even && (mem == 0 || kb == first);
		first = mem++ ? first : kb;
	}
	if (!snap->numa_sysfs || mem <= 1)
		return true;
	return even && mem == snap->nr_nodes;
}

/* "hugetlb_cma=0:2G,1:2G" into r->words; false (why filled) when it does not fit. */
static bool cma_per_node(const struct policy *pol, const struct snapshot *snap, struct remedy *r)
{
	size_t len = (size_t)snprintf(r->words, sizeof(r->words), "hugetlb_cma=");
	const char *sep = "";
	uint64_t kb;
	unsigned i;
	char sz[24];

	for (i = 0; i < snap->nr_nodes && len < sizeof(r->words); i++) {
		kb = pool_kb(pol, snap, true, (int)i);
		if (!kb)
			continue;
		size_label(sz, sizeof(sz), kb * 1024);
		len += (size_t)snprintf(r->words + len, sizeof(r->words) - len, "%s%d:%s", sep, snap->nodes[i].id, sz);
		sep = ",";
	}
	if (len < sizeof(r->words))
		return true;
	r->words[0] = '\0';
	say(r->why, sizeof(r->why), "hugetlb_cma= for this many nodes is longer than %zu bytes", sizeof(r->words) - 1);
	return false;
}

/*
 * hugetlb_cma= in total (one node, or before 5.16 where that says it) or
 * per node, into r->words; false (why filled) when this kernel cannot say it.
 */
static bool cma_words(const struct policy *pol, const struct snapshot *snap, const struct kernel_version *kv,
		      struct remedy *r)
{
	char sz[24];
	bool plain = cma_plain(pol, snap);

	if (plain && (!snap->numa_sysfs || policy_split_nodes(snap) <= 1 || !at_least(kv, 5, 16))) {
		size_label(sz, sizeof(sz), pool_kb(pol, snap, true, -1) * 1024);
		say(r->words, sizeof(r->words), "hugetlb_cma=%s", sz);
		return true;
	}
	if (at_least(kv, 5, 16))
		return cma_per_node(pol, snap, r);
	say(r->why, sizeof(r->why),
	    "the gigantic pages are not spread evenly over the nodes: that needs hugetlb_cma=NODE:SIZE, Linux 5.16; this kernel is %u.%u",
	    kv->major, kv->minor);
	return false;
}

/* Why this kernel takes no hugetlb_cma=, into r->why; false when it does. */
static bool cma_refused(const struct snapshot *snap, const struct kernel_version *kv, struct remedy *r)
{
	if (!at_least(kv, 5, 7))
		say(r->why, sizeof(r->why), "hugetlb_cma= needs Linux 5.7; this kernel is %u.%u", kv->major, kv->minor);
	else if (!snap->meminfo.seen)
		say(r->why, sizeof(r->why),
		    "proc/meminfo was not read: whether this kernel is built with CONFIG_CMA, which hugetlb_cma= needs, is not known");
	else if (!meminfo_has(&snap->meminfo, MI_CMA_TOTAL))
		say(r->why, sizeof(r->why),
		    "/proc/meminfo has no CmaTotal: this kernel is built without CONFIG_CMA and ignores hugetlb_cma= (it passes it on to init as unknown, as Debian's 6.1 kernels do)");
	else
		return false;
	return true;
}

static void cma_remedy(const struct policy *pol, const struct snapshot *snap, const struct kernel_version *kv,
		       const char *fragment, struct remedy *r)
{
	char sz[24];

	r->option = "hugetlb_cma";
	r->rule = CMA_RULE;
	size_label(sz, sizeof(sz), (uint64_t)snap->page_size << (snap->nr_orders ? snap->nr_orders - 1 : 10));
	if (!pool_kb(pol, snap, true, -1)) {
		say(r->why, sizeof(r->why),
		    "the policy has no pool of gigantic pages (larger than %s), the only ones hugetlb_cma= is for", sz);
		return;
	}
	if (cma_refused(snap, kv, r) || !cma_words(pol, snap, kv, r))
		return;
	r->offered = true;
	gigantic_words(snap, fragment, r->replaces, sizeof(r->replaces));
	say(r->why, sizeof(r->why),
	    "for gigantic pools that must grow and shrink at runtime: the kernel sets the memory aside at boot for movable pages only, and a write of nr_hugepages (buddyctl apply) then takes the pages from it and gives them back. In place of %s, never beside: the kernel skips boot-time gigantic pages while hugetlb_cma is set",
	    r->replaces[0] ? r->replaces : "the gigantic hugepages=");
}

static void threads_remedy(const struct policy *pol, const struct snapshot *snap, const struct kernel_version *kv,
			   const struct kernel_boot *boot, struct remedy *r)
{
	uint64_t kb = pool_kb(pol, snap, false, -1);
	char sz[24];

	r->option = "hugepage_alloc_threads";
	r->rule = THREADS_RULE;
	size_label(sz, sizeof(sz), kb * 1024);
	if (!kb)
		say(r->why, sizeof(r->why), "the policy reserves no non-gigantic pages at boot, the only ones it applies to");
	else if (kb < THREADS_MIN_KB)
		say(r->why, sizeof(r->why),
		    "%s of non-gigantic pages are quick to allocate at boot (2 GiB of 2M pages took 40 ms on 2 threads in a 7.3 guest): offered from 64G",
		    sz);
	else if (!at_least(kv, 6, 15))
		say(r->why, sizeof(r->why), "needs Linux 6.15; this kernel is %u.%u and ignores it", kv->major, kv->minor);
	else if (!boot->nr_cpus)
		say(r->why, sizeof(r->why), "the number of CPUs is unknown (no sys/devices/system/cpu/online)");
	else {
		r->offered = true;
		say(r->words, sizeof(r->words), "hugepage_alloc_threads=%u", boot->nr_cpus);
		say(r->why, sizeof(r->why),
		    "%s of non-gigantic pages at boot: every CPU allocating (the kernel's default is a quarter of them) shortens the boot; gigantic pages are not affected",
		    sz);
	}
}

/* A gigantic default size, on the running command line or in /proc/meminfo's Hugepagesize. */
static void default_size_trap(const struct snapshot *snap, const struct kernel_boot *boot, struct boot_advice *adv)
{
	uint64_t kb = 0;
	char sz[24], small[24];

	if (!(boot->default_size[0] && parse_size_kb(boot->default_size, &kb) == 0 && gigantic(snap, kb)))
		kb = snap->default_hugepage_kb;
	if (!kb || !gigantic(snap, kb))
		return;
	size_label(sz, sizeof(sz), kb * 1024);
	size_label(small, sizeof(small), snap->nr_pools ? snap->pools[0].size_kb * 1024 : 2 << 20);
	warn(adv, "default-hugepagesz",
	     "the default hugepage size is %s (%s%s%s): /proc/meminfo's HugePages_*, vm.nr_hugepages and hugetlbfs mounts without pagesize= mean %s pages, while the %s folders stay: a tool that reads or writes those acts on %s pages (this fragment never sets default_hugepagesz=)",
	     sz, boot->default_size[0] ? "default_hugepagesz=" : "Hugepagesize in /proc/meminfo",
	     boot->default_size[0] ? boot->default_size : "", boot->default_size[0] ? " on the running command line" : "",
	     sz, small, sz);
}

static void traps(const struct snapshot *snap, const struct kernel_version *kv, const struct kernel_boot *boot,
		  const char *fragment, const struct cmdline_limit *lim, struct boot_advice *adv)
{
	char giga[256];
	size_t len = strlen(fragment);

	gigantic_words(snap, fragment, giga, sizeof(giga));
	default_size_trap(snap, boot, adv);
	if (boot->hugetlb_cma && giga[0])
		warn(adv, "hugetlb-cma-set",
		     "hugetlb_cma= is on the running command line: while it is there the kernel skips boot-time gigantic pages and %s gives none; take it off, or drop %s and let buddyctl apply take the pages from the CMA area",
		     giga, giga);
	if (strchr(giga, ':') && policy_split_nodes(snap) > 1 && kv->major && !at_least(kv, 7, 3))
		warn(adv, "gigantic-node-fallback",
		     "Linux %u.%u may take a node's gigantic boot pages from another node when that node has no room (a 6.1 guest asked for 0:1,1:2 of 1G got 0 on node 0 and 2 on node 1; 7.3 keeps each page on its node): read each node's nr_hugepages after the boot",
		     kv->major, kv->minor);
	if (len && len > (lim->size - 1) / 2)
		warn(adv, "line-length",
		     "the fragment takes more than half of the command line: the rest of it (cat /proc/cmdline) must fit in the other %zu bytes; a longer line is not cut short, it may not boot at all (a 6.1 guest given about 2,080 bytes on x86, which holds 2,047, never did)",
		     (size_t)(lim->size - 1) - len);
}

void remedy_advise(const struct policy *pol, const struct snapshot *snap, const struct kernel_version *kv,
		   const struct kernel_boot *boot, const char *fragment, const struct cmdline_limit *lim,
		   struct boot_advice *adv)
{
	memset(adv, 0, sizeof(*adv));
	hugepages_remedy(fragment, &adv->remedies[REMEDY_HUGEPAGES]);
	cma_remedy(pol, snap, kv, fragment, &adv->remedies[REMEDY_HUGETLB_CMA]);
	threads_remedy(pol, snap, kv, boot, &adv->remedies[REMEDY_ALLOC_THREADS]);
	traps(snap, kv, boot, fragment, lim, adv);
}
