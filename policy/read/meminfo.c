/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/meminfo (fs/proc/meminfo.c)         MemTotal:       24684096 kB
 *                                           HugePages_Total:       0
 * nodeN/meminfo (drivers/base/node.c)       Node 0 MemTotal:        3762392 kB
 * /proc/vmstat (mm/vmstat.c)                compact_migrate_scanned 0
 *
 * New kernels add fields, so unknown names are skipped; the names buddyctl
 * uses are checked strictly. Old kernels lack some (2.6.16's vmstat has no
 * nr_free_pages): a field that is not there is not seen, and what it feeds
 * is unknown; the file is not refused for it.
 */
#include "meminfo.h"

#include <string.h>

#include "textscan.h"

static const char *const mi_names[MI_NR_FIELDS] = {
	[MI_MEM_TOTAL] = "MemTotal:", [MI_MEM_FREE] = "MemFree:",
	[MI_MEM_AVAILABLE] = "MemAvailable:", [MI_MEM_USED] = "MemUsed:",
	[MI_ACTIVE_FILE] = "Active(file):", [MI_INACTIVE_FILE] = "Inactive(file):",
	[MI_FILE_PAGES] = "FilePages:", [MI_CACHED] = "Cached:",
	[MI_DIRTY] = "Dirty:", [MI_WRITEBACK] = "Writeback:", [MI_SHMEM] = "Shmem:",
	[MI_MLOCKED] = "Mlocked:", [MI_UNEVICTABLE] = "Unevictable:",
	[MI_KRECLAIMABLE] = "KReclaimable:", [MI_SRECLAIMABLE] = "SReclaimable:",
	[MI_SUNRECLAIM] = "SUnreclaim:", [MI_ANON_HUGE] = "AnonHugePages:",
	[MI_HUGEPAGESIZE] = "Hugepagesize:", [MI_HUGETLB] = "Hugetlb:",
	[MI_HP_TOTAL] = "HugePages_Total:", [MI_HP_FREE] = "HugePages_Free:",
	[MI_HP_RSVD] = "HugePages_Rsvd:", [MI_HP_SURP] = "HugePages_Surp:",
	[MI_CMA_TOTAL] = "CmaTotal:", [MI_CMA_FREE] = "CmaFree:",
};

static const char *const vm_names[VM_NR_FIELDS] = {
	[VM_NR_FREE_PAGES] = "nr_free_pages",
	[VM_COMPACT_MIGRATE_SCANNED] = "compact_migrate_scanned",
	[VM_COMPACT_FREE_SCANNED] = "compact_free_scanned",
	[VM_COMPACT_ISOLATED] = "compact_isolated",
	[VM_COMPACT_STALL] = "compact_stall",
	[VM_COMPACT_FAIL] = "compact_fail",
	[VM_COMPACT_SUCCESS] = "compact_success",
	[VM_COMPACT_DAEMON_WAKE] = "compact_daemon_wake",
	[VM_PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[VM_PGMIGRATE_FAIL] = "pgmigrate_fail",
	[VM_DROP_PAGECACHE] = "drop_pagecache",
	[VM_DROP_SLAB] = "drop_slab",
	[VM_HTLB_BUDDY_ALLOC_SUCCESS] = "htlb_buddy_alloc_success",
	[VM_HTLB_BUDDY_ALLOC_FAIL] = "htlb_buddy_alloc_fail",
	[VM_ALLOCSTALL] = "allocstall",
	[VM_ALLOCSTALL_DMA] = "allocstall_dma",
	[VM_ALLOCSTALL_DMA32] = "allocstall_dma32",
	[VM_ALLOCSTALL_NORMAL] = "allocstall_normal",
	[VM_ALLOCSTALL_HIGH] = "allocstall_high",
	[VM_ALLOCSTALL_MOVABLE] = "allocstall_movable",
	[VM_ALLOCSTALL_DEVICE] = "allocstall_device",
	[VM_THP_FAULT_FALLBACK] = "thp_fault_fallback",
};

static int lookup(const char *const *names, int n, const char *tok, size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (tok_eq(tok, len, names[i]))
			return i;
	return -1;
}

static int meminfo_line(struct meminfo *mi, int node, struct scan *s,
			struct bc_error *err)
{
	const char *tok;
	size_t len;
	uint64_t v;
	int f, rc;

	if (!scan_token(s, &tok, &len))
		return scan_fail(s, NULL, 0, "empty line", err);
	if (node >= 0) {
		if (!tok_eq(tok, len, "Node"))
			return scan_fail(s, tok, len, "expected 'Node', got", err);
		if (!scan_token(s, &tok, &len))
			return scan_fail(s, NULL, 0, "missing node id", err);
		rc = scan_u64(s, tok, len, &v, err);
		if (rc < 0)
			return rc;
		if (v != (uint64_t)node)
			return scan_fail(s, tok, len, "line for another node:", err);
		if (!scan_token(s, &tok, &len))
			return scan_fail(s, NULL, 0, "missing field name", err);
	}
	if (len < 2 || tok[len - 1] != ':')
		return scan_fail(s, tok, len, "expected 'Name:', got", err);
	f = lookup(mi_names, MI_NR_FIELDS, tok, len);
	if (f < 0)
		return 0;
	if (mi->seen & (1u << f))
		return scan_fail(s, tok, len, "duplicate field", err);
	rc = scan_next_u64(s, mi_names[f], &v, err);
	if (rc < 0)
		return rc;
	if (v > BC_MAX_KB)
		return scan_fail(s, mi_names[f], strlen(mi_names[f]), "implausible value for", err);
	if (scan_token(s, &tok, &len)) {
		if (!tok_eq(tok, len, "kB"))
			return scan_fail(s, tok, len, "expected unit 'kB', got", err);
		if (scan_token(s, &tok, &len))
			return scan_fail(s, tok, len, "unexpected text after the value", err);
	}
	mi->v[f] = v;
	mi->seen |= 1u << f;
	return 0;
}

int meminfo_parse(struct meminfo *mi, int node, const char *path,
		  const char *buf, size_t len, struct bc_error *err)
{
	struct scan s;
	int rc;

	memset(mi, 0, sizeof(*mi));
	scan_init(&s, path, buf, len);
	while ((rc = scan_next_line(&s, err)) > 0)
		if ((rc = meminfo_line(mi, node, &s, err)) < 0)
			return rc;
	/* without MemTotal or MemFree the totals are unknown (meminfo_has_totals()), no more */
	return rc;
}

const char *vmstat_name(enum vmstat_field f)
{
	return f < VM_NR_FIELDS ? vm_names[f] : "?";
}

int vmstat_parse(struct vmstat *vs, const char *path,
		 const char *buf, size_t len, struct bc_error *err)
{
	const char *tok;
	size_t tlen;
	struct scan s;
	uint64_t v;
	int f, rc;

	memset(vs, 0, sizeof(*vs));
	scan_init(&s, path, buf, len);
	while ((rc = scan_next_line(&s, err)) > 0) {
		if (!scan_token(&s, &tok, &tlen))
			return scan_fail(&s, NULL, 0, "empty line", err);
		f = lookup(vm_names, VM_NR_FIELDS, tok, tlen);
		if (f < 0)
			continue;
		if (vs->seen & (1u << f))
			return scan_fail(&s, tok, tlen, "duplicate counter", err);
		rc = scan_next_u64(&s, vm_names[f], &v, err);
		if (rc < 0)
			return rc;
		if (scan_token(&s, &tok, &tlen))
			return scan_fail(&s, tok, tlen, "unexpected text after the value", err);
		vs->v[f] = v;
		vs->seen |= 1u << f;
	}
	/* 2.6.16 has no nr_free_pages (2.6.21 added it): every counter is optional */
	return rc;
}
