/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `status` explained: the counters since boot, on a three-node tree whose
 * every figure is worked out by hand below, from the tree's numbers (not
 * from the program's output).
 *
 * The tree (4K pages, 11 orders, no pagetypeinfo; 2M is order 9, 1G 18;
 * each node has one populated zone, Normal, with no per-CPU pages and no
 * protection; free pages are 4 kB each):
 *
 * node 0  free 7168 = 2048 x 1 + 256 x 8 + 4 x 256 + 2 x 512 + 1 x 1024
 *         min 256, present = managed = 524288 (2 GiB)
 *         Active(file) 4096 kB, no slab; pools empty
 * node 1  free 251200 = 100000 x 1 + 50000 x 2 + 200 x 256
 *         min 1024, present = managed = 524288
 *         Active(file) 65536 kB, SReclaimable 16384 kB; 2M pool 2 (free 2)
 * node 2  free 2048 = 2 x 1024; min 128, present = managed = 8192 (32 MiB)
 * /proc/meminfo MemFree = the nodes' MemFree: nothing outside the buddy
 * allocator. vm.compaction_proactiveness 20.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"

#define TREE "build/explain"

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), TREE "/%s", rel);
	f = fopen(path, "w");
	if (!f)
		fail_msg("%s: cannot write", path);
	fputs(text, f);
	fclose(f);
}

static void zone(FILE *f, int node, const char *name, uint64_t free, uint64_t min, uint64_t present)
{
	fprintf(f, "Node %d, zone %8s\n  pages free     %llu\n        boost    0\n"
		"        min      %llu\n        low      %llu\n        high     %llu\n"
		"        promo    %llu\n        spanned  %llu\n        present  %llu\n"
		"        managed  %llu\n        cma      0\n        protection: (0, 0, 0, 0)\n",
		node, name, (unsigned long long)free, (unsigned long long)min,
		(unsigned long long)min + 1, (unsigned long long)min + 2, (unsigned long long)min + 3,
		(unsigned long long)present, (unsigned long long)present, (unsigned long long)present);
}

static void node_meminfo(int node, uint64_t total, uint64_t free, uint64_t act, uint64_t srecl)
{
	char rel[96], text[1024];

	snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/meminfo", node);
	snprintf(text, sizeof(text),
		 "Node %d MemTotal:       %llu kB\nNode %d MemFree:        %llu kB\n"
		 "Node %d MemUsed:        %llu kB\nNode %d Active(file):   %llu kB\n"
		 "Node %d Inactive(file): 0 kB\nNode %d Dirty:          0 kB\n"
		 "Node %d Writeback:      0 kB\nNode %d FilePages:      %llu kB\n"
		 "Node %d SReclaimable:   %llu kB\nNode %d SUnreclaim:     0 kB\n",
		 node, (unsigned long long)total, node, (unsigned long long)free, node,
		 (unsigned long long)(total - free), node, (unsigned long long)act, node, node,
		 node, node, (unsigned long long)act, node, (unsigned long long)srecl, node);
	put(rel, text);
}

static void make_tree(void)
{
	FILE *f;
	int n;

	assert_int_equal(system("rm -rf " TREE " && mkdir -p build && cp -r " FIXTURES "/two-node " TREE
				" && rm " TREE "/proc/pagetypeinfo"
				" && cp -r " TREE "/sys/devices/system/node/node1 " TREE "/sys/devices/system/node/node2"), 0);
	put("proc/buddyinfo",
	    "Node 0, zone   Normal   2048      0      0    256      0      0      0      0      4      2      1 \n"
	    "Node 1, zone   Normal 100000  50000      0      0      0      0      0      0    200      0      0 \n"
	    "Node 2, zone   Normal      0      0      0      0      0      0      0      0      0      0      2 \n");
	f = fopen(TREE "/proc/zoneinfo", "w");
	assert_non_null(f);
	for (n = 0; n < 3; n++) {
		static const uint64_t free[] = { 7168, 251200, 2048 }, min[] = { 256, 1024, 128 },
				      present[] = { 524288, 524288, 8192 };

		zone(f, n, "DMA", 0, 0, 0);
		zone(f, n, "DMA32", 0, 0, 0);
		zone(f, n, "Normal", free[n], min[n], present[n]);
		zone(f, n, "Movable", 0, 0, 0);
	}
	fclose(f);
	/* MemTotal = managed x 4 kB; MemFree = free pages x 4 kB */
	node_meminfo(0, 524288 * 4, 7168 * 4, 4096, 0);
	node_meminfo(1, 524288 * 4, 251200 * 4, 65536, 16384);
	node_meminfo(2, 8192 * 4, 2048 * 4, 0, 0);
	{
		char text[256];

		snprintf(text, sizeof(text), "MemTotal:       %d kB\nMemFree:        %d kB\nHugepagesize:       2048 kB\n",
			 (524288 + 524288 + 8192) * 4, (7168 + 251200 + 2048) * 4);
		put("proc/meminfo", text);
	}
	for (n = 0; n < 3; n++) {
		static const char *const files[] = { "nr_hugepages", "free_hugepages", "surplus_hugepages" };
		static const char *const sizes[] = { "2048kB", "1048576kB" };
		char rel[160];
		unsigned s, k;

		for (s = 0; s < 2; s++)
			for (k = 0; k < 3; k++) {
				snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/hugepages/hugepages-%s/%s",
					 n, sizes[s], files[k]);
				put(rel, n == 1 && s == 0 && k < 2 ? "2\n" : "0\n");
			}
	}
	put("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "2\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "2\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages", "0\n");
	put("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages_mempolicy", "2\n");
	put("sys/devices/system/node/online", "0-2\n");
	put("sys/devices/system/node/possible", "0-2\n");
	put("sys/devices/system/node/has_memory", "0-2\n");
	put("sys/devices/system/node/has_normal_memory", "0-2\n");
	put("sys/devices/system/node/has_cpu", "0-1\n");
	put("sys/devices/system/node/node2/cpulist", "\n");
	put("proc/sys/vm/compaction_proactiveness", "20\n");
	/* counters since boot: the tree's vmstat with stalls and failures */
	assert_int_equal(system("cd " TREE "/proc && sed -i"
				" -e 's/^nr_free_pages .*/nr_free_pages 260416/'"
				" -e 's/^compact_stall .*/compact_stall 120/'"
				" -e 's/^compact_success .*/compact_success 90/'"
				" -e 's/^compact_fail .*/compact_fail 25/'"
				" -e 's/^allocstall_normal .*/allocstall_normal 7/'"
				" -e 's/^allocstall_movable .*/allocstall_movable 5/'"
				" -e 's/^htlb_buddy_alloc_success .*/htlb_buddy_alloc_success 64/'"
				" -e 's/^htlb_buddy_alloc_fail .*/htlb_buddy_alloc_fail 3/'"
				" -e 's/^thp_fault_fallback .*/thp_fault_fallback 11/'"
				" -e 's/^compact_daemon_wake .*/compact_daemon_wake 6/' vmstat"), 0);
}

static void read_tree(struct snapshot *s)
{
	struct bc_error e = { 0 };

	if (snapshot_read(TREE, s, &e) != 0)
		fail_msg("%s", e.msg);
}

/* Render into a string. */
static char *render(int (*fn)(FILE *, const struct snapshot *, const struct outopts *),
		    const struct snapshot *s)
{
	struct outopts o = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, s, &o), 0);
	fclose(f);
	return buf;
}

static void since_boot(void **state)
{
	struct snapshot s;
	char *t;

	(void)state;
	make_tree();
	read_tree(&s);
	t = render(status_text, &s);
	/*
	 * direct reclaim stalls are the sum of allocstall_*: normal 7 +
	 * movable 5 (dma, dma32, device 0) = 12
	 */
	assert_contains(t, "\nSince boot (/proc/vmstat)\n"
			"  direct compaction   120 stalls: 90 succeeded, 25 failed\n"
			"  direct reclaim      12 stalls\n"
			"  hugetlb pages       64 allocated from the buddy allocator, 3 failed\n"
			"  THP faults          11 served with small pages instead\n"
			"  kcompactd           6 runs\n");
	free(t);
	t = render(status_json, &s);
	assert_contains(t, "\"allocstall_normal\":7,\"allocstall_movable\":5,");
	assert_contains(t, "\"thp_fault_fallback\":11}");
	free(t);
	snapshot_free(&s);
	/* a kernel before 4.10: one allocstall counter */
	assert_int_equal(system("cd " TREE "/proc && sed -i -e '/^allocstall_/d' -e '$a allocstall 9' vmstat"), 0);
	read_tree(&s);
	t = render(status_text, &s);
	assert_contains(t, "  direct reclaim      9 stalls\n");
	free(t);
	snapshot_free(&s);
	/* no compaction counters (CONFIG_COMPACTION=n): no such line */
	assert_int_equal(system("cd " TREE "/proc && sed -i '/^compact_/d' vmstat"), 0);
	read_tree(&s);
	t = render(status_text, &s);
	if (strstr(t, "direct compaction") || strstr(t, "kcompactd"))
		fail_msg("compaction counters without compact_* lines: %s", t);
	free(t);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(since_boot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
