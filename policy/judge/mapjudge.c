/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classifies pages by their kpageflags word and ranges by their pages, per kernel; sums and verdicts per node. */
#include "mapjudge.h"

#include <stdio.h>
#include <string.h>

#include "strbuf.h"

/*
 * The bits of a kpageflags word buddyctl reads (include/uapi/linux/
 * kernel-page-flags.h; 32 and 33 are the kernel-internal ones of
 * include/linux/kernel-page-flags.h, the same from 2.6.32 to 7.3).
 */
#define KPF(b) (1ull << (b))
enum {
	KPF_UPTODATE_ = 3, KPF_DIRTY_ = 4, KPF_LRU_ = 5, KPF_SLAB_ = 7, KPF_WRITEBACK_ = 8,
	KPF_BUDDY_ = 10, KPF_MMAP_ = 11, KPF_ANON_ = 12, KPF_SWAPCACHE_ = 13, KPF_SWAPBACKED_ = 14,
	KPF_HEAD_ = 15, KPF_TAIL_ = 16, KPF_HUGE_ = 17,
	KPF_UNEVICTABLE_ = 18, KPF_HWPOISON_ = 19, KPF_NOPAGE_ = 20, KPF_THP_ = 22,
	KPF_OFFLINE_ = 23, KPF_ZERO_PAGE_ = 24, KPF_PGTABLE_ = 26, KPF_RESERVED_ = 32,
	KPF_MLOCKED_ = 33,
};

/* Anything in these bits makes a page one of the blocking classes (or free) before the user-page tests. */
#define TYPED (KPF(KPF_NOPAGE_) | KPF(KPF_HWPOISON_) | KPF(KPF_RESERVED_) | KPF(KPF_HUGE_) | \
	       KPF(KPF_SLAB_) | KPF(KPF_PGTABLE_) | KPF(KPF_OFFLINE_) | KPF(KPF_BUDDY_) | \
	       KPF(KPF_ZERO_PAGE_))
/* A user page: on an LRU list or a THP (6.1's THP tails show THP without LRU) */
#define ON_LRU (KPF(KPF_LRU_) | KPF(KPF_THP_))
/* a user page off the LRU for a moment: in a per-CPU LRU batch, or isolated */
#define USER (KPF(KPF_ANON_) | KPF(KPF_MMAP_) | KPF(KPF_UPTODATE_) | KPF(KPF_SWAPBACKED_))
#define COMPOUND (KPF(KPF_HEAD_) | KPF(KPF_TAIL_))
/*
 * Of a movable page, what keeps reclaim from just dropping it: anonymous
 * or shmem (swap-backed), dirty or under writeback, mapped by a process,
 * mlocked or unevictable. A page on an LRU list with none of these is
 * clean page cache that drop_caches and node reclaim free (KERNEL.md §14).
 */
#define NOT_CLEAN_CACHE (KPF(KPF_ANON_) | KPF(KPF_SWAPCACHE_) | KPF(KPF_SWAPBACKED_) | \
			 KPF(KPF_DIRTY_) | KPF(KPF_WRITEBACK_) | KPF(KPF_MMAP_) | \
			 KPF(KPF_UNEVICTABLE_) | KPF(KPF_MLOCKED_))
/*
 * Pages besides the flag-less ones whose memory cgroup names an owner:
 * page tables (charged with __GFP_ACCOUNT) and mlocked user memory. Slab
 * pages always read 0 in kpagecgroup (KERNEL.md §14): no owner.
 */
#define OWNED (KPF(KPF_PGTABLE_) | KPF(KPF_MLOCKED_) | KPF(KPF_UNEVICTABLE_))

/* The typed classes, first match wins (KERNEL.md §14, the table of page classes). */
static enum page_class typed_class(uint64_t f)
{
	if (f & KPF(KPF_NOPAGE_))
		return PC_HOLE;
	if (f & KPF(KPF_HWPOISON_))
		return PC_OTHER;
	if (f & KPF(KPF_RESERVED_))
		return PC_RESERVED;
	if (f & KPF(KPF_HUGE_))
		return PC_POOL;
	if (f & KPF(KPF_SLAB_))
		return PC_SLAB;
	if (f & KPF(KPF_PGTABLE_))
		return PC_PAGETABLE;
	if (f & KPF(KPF_OFFLINE_))
		return PC_OFFLINE;
	if (f & KPF(KPF_BUDDY_))
		return PC_FREE;
	return PC_KERNEL;	/* the zero page (the huge zero page is no RESERVED one) */
}

enum page_class pagemap_page_class(uint64_t f, uint64_t cgroup)
{
	if (f == KPF(KPF_BUDDY_))
		return PC_FREE;		/* most pages of an idle machine: first */
	if (f & TYPED)
		return typed_class(f);
	if (f & (ON_LRU | USER))
		return PC_MOVABLE;
	if (f & COMPOUND)
		return PC_KERNEL;	/* a compound page that is no user page: kmalloc_large, ... */
	if (f == 0)
		return cgroup ? PC_KERNEL : PC_UNKNOWN;	/* freeing a page uncharges it */
	return PC_OTHER;
}

/* Of n movable pages of word f: the mlocked or unevictable ones, and the clean page cache. */
static void count_movable(struct range_counts *rc, uint64_t f, uint32_t n)
{
	if (f & (KPF(KPF_MLOCKED_) | KPF(KPF_UNEVICTABLE_)))
		rc->mlocked += n;
	if ((f & KPF(KPF_LRU_)) && !(f & NOT_CLEAN_CACHE))
		rc->cache += n;
}

void pagemap_count_pages(struct range_counts *rc, const uint64_t *flags, const uint64_t *cgroup,
			 size_t n, bool hole)
{
	size_t i = 0, j;

	if (!flags || hole) {
		rc->pages[PC_HOLE] += (uint32_t)n;
		return;
	}
	while (i < n) {
		uint64_t f = flags[i];
		enum page_class c;

		if (f == 0) {
			/* only a flag-less page's cgroup word is read (kpf_read() reads no other) */
			rc->pages[pagemap_page_class(0, cgroup ? cgroup[i] : 0)]++;
			rc->flagless++;
			i++;
			continue;
		}
		/* a run of one word (a free block, a hugetlb page, a THP's tails): classified once */
		for (j = i + 1; j < n && flags[j] == f; j++)
			;
		c = pagemap_page_class(f, 0);
		rc->pages[c] += (uint32_t)(j - i);
		if (c == PC_MOVABLE)
			count_movable(rc, f, (uint32_t)(j - i));
		i = j;
	}
}

int pagemap_rules_init(struct pagemap_rules *r, const struct snapshot *snap, uint64_t size_kb,
		       const struct kernel_version *kv, bool movable_gigantic, struct bc_error *err)
{
	uint64_t bytes = size_kb * 1024, pages;
	unsigned order = 0;

	memset(r, 0, sizeof(*r));
	if (!snap->page_size || size_kb > (UINT64_MAX >> 10) || bytes % snap->page_size)
		return bc_error_set(err, BC_EUSAGE, "--size: %llu kB is not a multiple of the %u-byte page",
				    (unsigned long long)size_kb, snap->page_size);
	pages = bytes / snap->page_size;
	if (pages & (pages - 1) || pages < 16 || pages > PAGEMAP_MAX_RANGE_PAGES)
		return bc_error_set(err, BC_EUSAGE, "--size: %llu kB is not a power-of-two multiple of the %u-byte page from 16 to %u pages",
				    (unsigned long long)size_kb, snap->page_size, PAGEMAP_MAX_RANGE_PAGES);
	while ((1ull << order) < pages)
		order++;
	r->size_kb = size_kb;
	r->range_pages = pages;
	r->section_pages = PAGEMAP_SECTION_BYTES / snap->page_size;
	if (r->section_pages == 0)
		r->section_pages = 1;
	r->gigantic = order >= snap->nr_orders;
	if (kv)
		r->kv = *kv;
	/*
	 * Gigantic pages come from alloc_contig_pages() with GFP_HIGHUSER:
	 * never ZONE_MOVABLE, unless 7.3's vm.movable_gigantic_pages says so.
	 * The buddy sizes may come from Movable (hugepage_movable_supported()).
	 */
	r->movable_zone = !r->gigantic || movable_gigantic;
	/*
	 * alloc_contig_pages() skips a range holding a hugetlb page up to 6.18;
	 * from 7.0 it migrates pool pages smaller than the request (measured on
	 * 7.3; the change was posted after 6.18; 6.19-7.2 not checked).
	 * Compaction for buddy sizes never migrates them.
	 */
	r->pool_pages_move = r->gigantic && r->kv.major >= 7;
	return 0;
}

bool pagemap_blocks(const struct pagemap_rules *r, enum page_class c)
{
	switch (c) {
	case PC_FREE: case PC_MOVABLE: case PC_UNKNOWN:
		return false;
	case PC_POOL:
		return !r->pool_pages_move;
	default:
		return c < PC_NR;
	}
}

/* The blockers, most lasting first: which one a blocked range is counted under. */
static const enum page_class lasting[] = {
	PC_HOLE, PC_RESERVED, PC_OFFLINE, PC_OTHER, PC_KERNEL, PC_PAGETABLE, PC_POOL, PC_SLAB,
};

/*
 * Whether rc's only pages in the way are at most PAGEMAP_TRANSIENT_CHARGED
 * flag-less pages charged to a memory cgroup: kernel stacks and pipe
 * buffers of processes that come and go (buddyctl's own threads' stacks
 * among them). In the guests such ranges, with 1 to 4 of them, were
 * granted 8 times of 9 while the map still called them blocked, and 3 of
 * 3 after; on the VM one with 106 was not granted (KERNEL.md §14).
 */
static bool only_transient_charged(const struct pagemap_rules *r, const struct range_counts *rc)
{
	uint32_t charged = rc->flagless - rc->pages[PC_UNKNOWN];
	unsigned c;

	if (!charged || charged > PAGEMAP_TRANSIENT_CHARGED || rc->pages[PC_KERNEL] != charged)
		return false;
	for (c = 0; c < PC_NR; c++)
		if (c != PC_KERNEL && rc->pages[c] && pagemap_blocks(r, (enum page_class)c))
			return false;
	return true;
}

enum range_class pagemap_range_class(const struct pagemap_rules *r, const struct range_counts *rc,
				     const struct pagemap_zone *z, enum page_class *blocker)
{
	unsigned i;

	*blocker = PC_NR;
	if (!z || !z->usable)
		return RC_OUTSIDE;
	if (rc->pages[PC_POOL] == r->range_pages)
		return RC_POOL;
	if (rc->pages[PC_FREE] == r->range_pages)
		return RC_FREE;
	if (only_transient_charged(r, rc))
		return RC_MAYBE;
	for (i = 0; i < sizeof(lasting) / sizeof(lasting[0]); i++)
		if (rc->pages[lasting[i]] && pagemap_blocks(r, lasting[i])) {
			*blocker = lasting[i];
			return RC_BLOCKED;
		}
	return rc->pages[PC_UNKNOWN] ? RC_MAYBE : RC_COMPACTABLE;
}

void pagemap_summary_add(struct pagemap_summary *s, const struct map_range *m)
{
	unsigned c;

	s->ranges[m->cls]++;
	if (m->cls == RC_OUTSIDE)
		return;
	if (m->cls == RC_BLOCKED)
		s->blocked_by[m->blocker]++;
	for (c = 0; c < PC_NR; c++) {
		s->pages[c] += m->rc->pages[c];
		if (m->rc->pages[c])
			s->holding[c]++;
	}
	if (m->cls == RC_COMPACTABLE) {
		/* what compaction must move elsewhere to clear the range: pool pages too where they move */
		s->movable_to_move += m->rc->pages[PC_MOVABLE] + m->rc->pages[PC_POOL];
		s->mlocked += m->rc->mlocked;
		if (m->rc->cache && m->rc->cache == m->rc->pages[PC_MOVABLE] && !m->rc->pages[PC_POOL]) {
			s->cache_only++;
			s->cache_only_pages += m->rc->cache;
		}
	}
}

/* "; 19 blocked: slab in 17, reserved in 2", or "; none blocked", appended to buf. */
static void verdict_blocked(char *buf, size_t size, const struct pagemap_summary *s)
{
	uint64_t left[PC_NR];
	const char *sep = "";
	unsigned i;

	if (!s->ranges[RC_BLOCKED]) {
		str_append(buf, size, "; none blocked");
		return;
	}
	str_append(buf, size, "; %llu blocked: ", (unsigned long long)s->ranges[RC_BLOCKED]);
	/* the blockers by the ranges they block, most first; a tie in the lasting order */
	memcpy(left, s->blocked_by, sizeof(left));
	for (;;) {
		uint64_t best = 0;
		int pick = -1;

		for (i = 0; i < sizeof(lasting) / sizeof(lasting[0]); i++)
			if (left[lasting[i]] > best) {
				best = left[lasting[i]];
				pick = (int)lasting[i];
			}
		if (pick < 0)
			break;
		str_append(buf, size, "%s%s in %llu", sep, page_class_name((enum page_class)pick),
			   (unsigned long long)best);
		left[pick] = 0;
		sep = ", ";
	}
}

/* "node 0, 1G: " into buf. */
static void verdict_head(char *buf, size_t size, const struct pagemap_summary *s, uint64_t size_kb)
{
	char label[16];

	buf[0] = '\0';
	size_label(label, sizeof(label), size_kb * 1024);
	str_append(buf, size, "node %d, %s: ", s->node, label);
}

/* "; 1 already in the pool", appended when there is one. */
static void verdict_pool(char *buf, size_t size, const struct pagemap_summary *s)
{
	if (s->ranges[RC_POOL])
		str_append(buf, size, "; %llu already in the pool", (unsigned long long)s->ranges[RC_POOL]);
}

void pagemap_verdict(char *buf, size_t size, const struct pagemap_summary *s, uint64_t size_kb)
{
	uint64_t had = s->ranges[RC_FREE] + s->ranges[RC_COMPACTABLE];

	if (!size)
		return;
	verdict_head(buf, size, s, size_kb);
	str_append(buf, size, "%llu %s can be had", (unsigned long long)had, had == 1 ? "range" : "ranges");
	if (had)
		str_append(buf, size, " (%llu free, %llu by compaction)",
			   (unsigned long long)s->ranges[RC_FREE], (unsigned long long)s->ranges[RC_COMPACTABLE]);
	if (s->ranges[RC_MAYBE])
		str_append(buf, size, "; %llu maybe (flag-less pages)", (unsigned long long)s->ranges[RC_MAYBE]);
	verdict_pool(buf, size, s);
	verdict_blocked(buf, size, s);
}

/* "; charged pages in them: /app.slice/db.service 4096, / 12" when the sums name owners. */
static void why_owners(char *buf, size_t size, const struct pagemap_summary *s)
{
	uint64_t named = 0;
	unsigned i;

	if (!s->nr_owners)
		return;
	str_append(buf, size, "; charged pages in them: ");
	for (i = 0; i < s->nr_owners; i++) {
		const struct pagemap_owner *o = &s->owners[i];

		if (o->path[0])
			str_append(buf, size, "%s%s %llu", i ? ", " : "", o->path, (unsigned long long)o->pages);
		else
			str_append(buf, size, "%scgroup inode %llu %llu", i ? ", " : "",
				   (unsigned long long)o->ino, (unsigned long long)o->pages);
		named += o->pages;
	}
	if (s->owned_pages > named)
		str_append(buf, size, ", others %llu", (unsigned long long)(s->owned_pages - named));
}

/* " (1 free, 1 by compaction; 2 more compactable have no room for their pages)", when there are any. */
static void why_had(char *buf, size_t size, const struct pagemap_summary *s, uint64_t fit)
{
	uint64_t comp = s->ranges[RC_COMPACTABLE];

	if (!s->ranges[RC_FREE] && !comp)
		return;
	str_append(buf, size, " (%llu free, %llu by compaction", (unsigned long long)s->ranges[RC_FREE],
		   (unsigned long long)fit);
	if (comp > fit)
		str_append(buf, size, "; %llu more compactable %s no room for %s pages",
			   (unsigned long long)(comp - fit), comp - fit == 1 ? "has" : "have",
			   comp - fit == 1 ? "its" : "their");
	str_append(buf, size, ")");
}

void pagemap_why(char *buf, size_t size, const struct pagemap_summary *s, uint64_t size_kb,
		 uint64_t fit, uint64_t maybe_fit)
{
	uint64_t comp = s->ranges[RC_COMPACTABLE], maybe = s->ranges[RC_MAYBE];
	uint64_t had;

	if (!size)
		return;
	fit = fit < comp ? fit : comp;
	maybe_fit = maybe_fit < maybe ? maybe_fit : maybe;
	had = s->ranges[RC_FREE] + fit;
	verdict_head(buf, size, s, size_kb);
	str_append(buf, size, "%llu %s can be had", (unsigned long long)had, had == 1 ? "range" : "ranges");
	why_had(buf, size, s, fit);
	if (maybe)
		str_append(buf, size, "; %llu maybe (flag-less pages)%s", (unsigned long long)maybe_fit,
			   maybe > maybe_fit ? ", more without room" : "");
	verdict_pool(buf, size, s);
	verdict_blocked(buf, size, s);
	why_owners(buf, size, s);
}

uint64_t pagemap_had(const struct pagemap_summary *s)
{
	return s->ranges[RC_FREE] + s->ranges[RC_COMPACTABLE] + s->ranges[RC_MAYBE] + s->ranges[RC_POOL];
}

/* One charged page of cgroup ino in rc: its owner's count, or the others'. */
static void count_owner(struct range_counts *rc, uint64_t ino)
{
	unsigned k;

	for (k = 0; k < PAGEMAP_RANGE_OWNERS; k++) {
		if (rc->owners[k].ino == ino) {
			rc->owners[k].pages++;
			return;
		}
		if (!rc->owners[k].ino) {
			rc->owners[k].ino = ino;
			rc->owners[k].pages = 1;
			return;
		}
	}
	rc->owners_other++;
}

void pagemap_count_owners(struct range_counts *rc, const uint64_t *flags, const uint64_t *cgroup,
			  size_t n, uint64_t also)
{
	size_t i;

	for (i = 0; i < n; i++)
		/* the reader read the words of flag-less pages and of those with a bit of also */
		if ((!flags[i] || (flags[i] & also)) && cgroup[i])
			count_owner(rc, cgroup[i]);
}

static void acc_count(void *ctx, struct range_counts *rc, const uint64_t *flags,
		      const uint64_t *cgroup, size_t n, bool hole)
{
	const struct pagemap_acc *a = ctx;

	pagemap_count_pages(rc, flags, cgroup, n, hole);
	if (a->owners && flags && cgroup && !hole)
		pagemap_count_owners(rc, flags, cgroup, n, a->span.cgroup_flags);
}

/* The cgroups of a blocked range's charged pages, added to the node's. */
static void acc_owners(struct pagemap_acc *a, const struct range_counts *rc)
{
	unsigned k, i;

	a->sum.owned_pages += rc->owners_other;
	for (k = 0; k < PAGEMAP_RANGE_OWNERS && rc->owners[k].ino; k++) {
		a->sum.owned_pages += rc->owners[k].pages;
		for (i = 0; i < a->nr_owner && a->owner[i].ino != rc->owners[k].ino; i++)
			;
		if (i == a->nr_owner) {
			if (a->nr_owner == PAGEMAP_ACC_OWNERS)
				continue;	/* counted in owned_pages only: "others" */
			a->owner[a->nr_owner++] = (struct range_owner){ .ino = rc->owners[k].ino };
		}
		a->owner[i].pages += rc->owners[k].pages;
	}
}

/* The PAGEMAP_OWNERS cgroups with the most charged pages, most first, into the sums. */
static void acc_top_owners(struct pagemap_acc *a)
{
	bool taken[PAGEMAP_ACC_OWNERS] = { false };
	unsigned k, i;

	a->sum.nr_owners = 0;
	for (k = 0; k < PAGEMAP_OWNERS; k++) {
		int best = -1;

		for (i = 0; i < a->nr_owner; i++)
			if (!taken[i] && (best < 0 || a->owner[i].pages > a->owner[best].pages))
				best = (int)i;
		if (best < 0)
			break;
		taken[best] = true;
		a->sum.owners[k] = (struct pagemap_owner){ .ino = a->owner[best].ino,
							    .pages = a->owner[best].pages };
		a->sum.nr_owners++;
	}
}

/* The zone of the node holding all of [first, first + n), or NULL. */
static const struct pagemap_zone *zone_holding(const struct pagemap_acc *a, uint64_t first, uint64_t n)
{
	unsigned k;

	for (k = 0; k < a->nr_zones; k++)
		if (first >= a->zones[k].start_pfn && first + n <= a->zones[k].end_pfn)
			return &a->zones[k];
	return NULL;
}

static int acc_range(void *ctx, const struct range_counts *rc)
{
	struct pagemap_acc *a = ctx;
	struct map_range m = { .rc = rc, .node = a->sum.node };

	unsigned c;

	m.zone = zone_holding(a, rc->first_pfn, a->rules->range_pages);
	m.cls = pagemap_range_class(a->rules, rc, m.zone, &m.blocker);
	for (c = 0; m.cls == RC_BLOCKED && c < PC_NR; c++)
		if (rc->pages[c] && pagemap_blocks(a->rules, (enum page_class)c))
			m.blockers |= 1u << c;
	pagemap_summary_add(&a->sum, &m);
	if (a->owners && m.cls == RC_BLOCKED)
		acc_owners(a, rc);
	return a->each ? a->each(a->ctx, &m) : 0;
}

static void acc_progress(void *ctx, uint64_t done_pfns, uint64_t total_pfns)
{
	struct pagemap_acc *a = ctx;

	if (a->progress)
		a->progress(a->ctx, done_pfns, total_pfns);
}

int pagemap_acc_init(struct pagemap_acc *a, const struct pagemap_rules *r, const struct node *nd,
		     int (*each)(void *ctx, const struct map_range *m), void *ctx, struct bc_error *err)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned k, i;

	memset(a, 0, sizeof(*a));
	a->rules = r;
	a->each = each;
	a->ctx = ctx;
	a->sum.node = nd->id;
	a->sum.range_pages = r->range_pages;
	for (k = 0; k < nd->nr_zones; k++) {
		const struct zone *z = &nd->zones[k];
		struct pagemap_zone *pz;

		if (!z->in_zoneinfo || !z->spanned || !strcmp(z->name, "Device"))
			continue;
		if (!z->has_start_pfn)
			return bc_error_set(err, BC_EDATA, "proc/zoneinfo: node %d zone %s has no 'start_pfn:' line: the map needs where the zone lies",
					    nd->id, z->name);
		if (a->nr_zones == BC_MAX_ZONES)
			break;
		/* insertion by start_pfn: a handful of zones */
		for (i = a->nr_zones; i > 0 && a->zones[i - 1].start_pfn > z->start_pfn; i--)
			a->zones[i] = a->zones[i - 1];
		pz = &a->zones[i];
		pz->name = z->name;
		pz->start_pfn = z->start_pfn;
		pz->end_pfn = z->start_pfn + z->spanned;
		pz->usable = r->movable_zone || strcmp(z->name, "Movable");
		a->nr_zones++;
		if (pz->start_pfn < lo)
			lo = pz->start_pfn;
		if (pz->end_pfn > hi)
			hi = pz->end_pfn;
	}
	if (!a->nr_zones)
		lo = hi = 0;
	a->span.start_pfn = lo & ~(r->range_pages - 1);
	a->span.end_pfn = (hi + r->range_pages - 1) & ~(r->range_pages - 1);
	a->span.need_end_pfn = hi;
	a->span.range_pages = r->range_pages;
	a->span.section_pages = r->section_pages;
	a->sum.first_pfn = a->span.start_pfn;
	a->sum.end_pfn = a->span.end_pfn;
	a->sink = (struct pagemap_sink){ .ctx = a, .count = acc_count, .range = acc_range,
					 .progress = acc_progress };
	return 0;
}

static int judging_node(void *ctx, const struct snapshot *snap, const struct node *nd, uint64_t size_kb,
			const struct kernel_version *kv, bool movable_gigantic,
			const struct pagemap_span **span, const struct pagemap_sink **sink,
			struct bc_error *err)
{
	struct pagemap_judging *j = ctx;
	int rc;

	if (!j->have_rules || j->rules.size_kb != size_kb) {
		rc = pagemap_rules_init(&j->rules, snap, size_kb, kv, movable_gigantic, err);
		if (rc < 0)
			return rc;
		j->have_rules = true;
	}
	rc = pagemap_acc_init(&j->acc, &j->rules, nd, NULL, NULL, err);
	if (rc < 0)
		return rc;
	j->acc.owners = j->owners;
	if (j->owners)
		j->acc.span.cgroup_flags = OWNED;
	*span = &j->acc.span;
	*sink = &j->acc.sink;
	return 0;
}

static void judging_done(void *ctx, struct pagemap_summary *sum)
{
	struct pagemap_judging *j = ctx;

	if (j->owners)
		acc_top_owners(&j->acc);
	*sum = j->acc.sum;
}

void pagemap_judging_init(struct pagemap_judging *j, struct pagemap_judge *ops, bool owners)
{
	memset(j, 0, sizeof(*j));
	j->owners = owners;
	*ops = (struct pagemap_judge){ .ctx = j, .node = judging_node, .done = judging_done };
}
