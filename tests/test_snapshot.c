/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot_read() over the fixture trees: node sets with gaps and CPU-only
 * nodes, 14 orders with 64K pages, a Movable zone, missing pagetypeinfo,
 * gigantic pools; and over broken copies of them, each rejected with a
 * message naming the file.
 */
#include "testutil.h"

#include <stdlib.h>

#include <numa.h>

#include "capture.h"
#include "config.h"
#include "explain.h"
#include "metrics.h"
#include "pagesize.h"
#include "snapshot.h"
#include "snapshot_read.h"

static void partial(const char *base, const char *script, struct snapshot *s);

static void read_ok(const char *tree, struct snapshot *s)
{
	struct bc_error e = { 0 };
	char root[256];

	snprintf(root, sizeof(root), FIXTURES "/%s", tree);
	if (snapshot_read(root, s, &e) != 0)
		fail_msg("%s: %s", tree, e.msg);
}

/* Sum of the nodes' pools equals the global pool, for every size. */
static void assert_pools_add_up(const struct snapshot *s)
{
	unsigned i, k;

	for (i = 0; i < s->nr_pools; i++) {
		uint64_t nr = 0, fr = 0;

		for (k = 0; k < s->nr_nodes; k++) {
			const struct hugepool *p = node_pool(&s->nodes[k], s->pools[i].size_kb);

			if (p) {
				nr += p->nr;
				fr += p->free;
			}
		}
		assert_int_equal(nr, s->pools[i].nr);
		assert_int_equal(fr, s->pools[i].free);
	}
}

/* buddyinfo and zoneinfo agree in a static tree: pages free = sum n_k 2^k. */
static void assert_zones_agree(const struct snapshot *s)
{
	unsigned i, k;

	for (i = 0; i < s->nr_nodes; i++)
		for (k = 0; k < s->nodes[i].nr_zones; k++) {
			const struct zone *z = &s->nodes[i].zones[k];

			assert_true(z->in_zoneinfo);
			if (z->in_buddyinfo)
				assert_int_equal(z->free_pages, z->zi_free);
		}
}

static void vm_tree(void **state)
{
	struct snapshot s;

	(void)state;
	read_ok("vm", &s);
	assert_int_equal(s.page_size, 4096);
	assert_int_equal(s.nr_orders, 11);
	assert_int_equal(s.hpage_order, 9);
	assert_int_equal(s.pageblock_order, 9);
	assert_true(s.has_pagetypeinfo);
	assert_int_equal(s.nr_nodes, 1);
	assert_true(s.nodes[0].has_memory);
	assert_non_null(node_zone(&s.nodes[0], "Normal"));
	assert_non_null(node_zone(&s.nodes[0], "Device"));	/* unpopulated: zoneinfo only */
	assert_false(node_zone(&s.nodes[0], "Device")->in_buddyinfo);
	assert_int_equal(s.nr_pools, 2);
	assert_int_equal(s.pools[0].size_kb, 2048);
	assert_int_equal(s.pools[1].size_kb, 1048576);
	assert_int_equal(s.default_hugepage_kb, 2048);
	snapshot_free(&s);
}

static void two_node_tree(void **state)
{
	struct snapshot s;
	const struct hugepool *p;

	(void)state;
	read_ok("two-node", &s);
	assert_int_equal(s.nr_nodes, 2);
	assert_int_equal(s.nodes[1].id, 1);
	p = node_pool(&s.nodes[1], 2048);
	assert_non_null(p);
	assert_int_equal(p->nr, 64);
	assert_int_equal(p->free, 60);
	assert_pools_add_up(&s);
	assert_zones_agree(&s);
	snapshot_free(&s);
}

static void sparse_tree(void **state)
{
	struct snapshot s;
	const struct node *n3, *n6;

	(void)state;
	read_ok("four-node-sparse", &s);
	assert_int_equal(s.nr_nodes, 4);
	assert_int_equal(s.nodes[0].id, 0);
	assert_int_equal(s.nodes[1].id, 2);
	assert_int_equal(s.nodes[2].id, 3);
	assert_int_equal(s.nodes[3].id, 6);
	assert_null(snapshot_node(&s, 1));
	n3 = snapshot_node(&s, 3);
	assert_false(n3->has_memory);
	assert_true(n3->has_cpu);
	/* zoneinfo lists a memoryless node's zones, all unpopulated */
	for (unsigned k = 0; k < n3->nr_zones; k++) {
		assert_false(n3->zones[k].in_buddyinfo);
		assert_int_equal(n3->zones[k].present, 0);
	}
	assert_int_equal(n3->nr_pools, 0);
	n6 = snapshot_node(&s, 6);
	assert_true(n6->has_memory);
	assert_false(n6->has_cpu);
	/* node 6 is the fragmented one: its score is the worst */
	assert_true(metrics_compaction_score(n6, s.nr_orders, 9) >
		    metrics_compaction_score(&s.nodes[0], s.nr_orders, 9));
	assert_pools_add_up(&s);
	assert_zones_agree(&s);
	snapshot_free(&s);
}

static void arm64_tree(void **state)
{
	struct snapshot s;

	(void)state;
	read_ok("arm64-64k", &s);
	assert_int_equal(s.page_size, 65536);
	assert_int_equal(s.nr_orders, 14);
	assert_int_equal(s.hpage_order, 13);		/* 512M PMD */
	assert_int_equal(s.pageblock_order, 13);
	assert_int_equal(s.nr_pools, 3);
	assert_int_equal(s.pools[0].size_kb, 2048);
	assert_int_equal(s.pools[1].size_kb, 524288);
	assert_int_equal(s.pools[2].size_kb, 16777216);
	assert_int_equal(s.default_hugepage_kb, 524288);
	assert_int_equal(metrics_size_order(&s, 2048), 5);
	assert_int_equal(metrics_node_suitable(&s, &s.nodes[0], 16777216), -1);
	assert_true(metrics_node_suitable(&s, &s.nodes[0], 2048) >= 0);
	assert_zones_agree(&s);
	snapshot_free(&s);
}

static void movable_tree(void **state)
{
	struct snapshot s;
	const struct zone *z;

	(void)state;
	read_ok("movable", &s);
	assert_false(s.has_pagetypeinfo);
	assert_string_equal(s.pagetypeinfo_why, "No such file or directory");
	assert_int_equal(s.pageblock_order, -1);
	z = node_zone(snapshot_node(&s, 1), "Movable");
	assert_non_null(z);
	assert_true(z->in_buddyinfo);
	assert_true(z->free_pages > 0);
	assert_zones_agree(&s);
	snapshot_free(&s);
}

static void gigantic_tree(void **state)
{
	struct snapshot s;
	const struct hugepool *g;
	unsigned k, t;
	bool at_least = false;

	(void)state;
	read_ok("gigantic", &s);
	g = snapshot_pool(&s, 1048576);
	assert_non_null(g);
	assert_int_equal(g->nr, 2);
	assert_int_equal(g->free, 1);
	assert_int_equal(g->resv, 1);
	for (k = 0; k < s.nodes[0].nr_zones; k++)
		for (t = 0; t < s.nodes[0].zones[k].nr_types; t++)
			at_least |= s.nodes[0].zones[k].types[t].at_least[0];
	assert_true(at_least);
	assert_pools_add_up(&s);
	snapshot_free(&s);
}

/*
 * rhel6: a 2.6.32 kernel. zoneinfo has no "managed" and only populated
 * zones; pagetypeinfo has Reserve, Reclaimable before Movable; there is no
 * has_memory, nor hpage_pmd_size.
 */
static void rhel6_tree(void **state)
{
	struct snapshot s;
	const struct zone *z;
	const struct node *n;

	(void)state;
	read_ok("rhel6", &s);
	assert_true(s.managed_from_present);
	n = snapshot_node(&s, 0);
	assert_int_equal(n->nr_zones, 3);		/* DMA, DMA32, Normal: no unpopulated ones */
	z = node_zone(n, "DMA32");
	assert_int_equal(z->present, 750000);
	assert_int_equal(z->managed, 750000);		/* present stands in */
	assert_int_equal(z->types[3].pageblocks, 1);	/* Reserve */
	assert_string_equal(z->types[3].name, "Reserve");
	assert_string_equal(z->types[1].name, "Reclaimable");
	/* has_memory is missing: nodes with zones in buddyinfo have memory, nothing lost */
	assert_non_null(s.missing[IN_NODE_HAS_MEMORY].file);
	assert_int_equal(s.missing[IN_NODE_HAS_MEMORY].lost, 0);
	assert_int_equal(s.lost, 0);
	assert_true(n->has_memory && snapshot_node(&s, 1)->has_memory);
	/* Hugepagesize 2048 kB = 4096^2 / 8 with 11 orders (4K << 10 = 4M = 2 x 2M) */
	assert_int_equal(s.page_size, 4096);
	assert_int_equal(s.page_size_source, PS_HUGEPAGESIZE);
	assert_int_equal(s.hpage_order, 9);		/* the pageblock order: no hpage_pmd_size */
	assert_zones_agree(&s);
	snapshot_free(&s);

	/*
	 * Without Hugepagesize the node MemTotal decides: 2.6.32 counts the
	 * present pages, 3834 + 750000 + 262144 = 1015978, x 4 kB = 4063912 kB.
	 */
	assert_int_equal(system("set -e; rm -rf build/snapfx; mkdir -p build; cp -r " FIXTURES "/rhel6 build/snapfx;"
				"sed -i '/^Hugepagesize/d' build/snapfx/proc/meminfo"), 0);
	{
		struct bc_error e = { 0 };

		assert_int_equal(snapshot_read("build/snapfx", &s, &e), 0);
	}
	assert_int_equal(s.page_size_source, PS_MEMINFO);
	assert_string_equal(s.page_size_evidence, "node 0 MemTotal 4063912 kB = 1015978 present pages x 4 kB");
	snapshot_free(&s);
	assert_int_equal(system("rm -rf build/snapfx"), 0);
}

/*
 * sparse-ids: node ids far apart (0, 8, 31-40), node 8 Movable-only, node
 * 35 CPU-only, nodes 36-40 without CPUs.
 */
static void sparse_ids_tree(void **state)
{
	struct snapshot s;
	const struct node *n;
	unsigned i;

	(void)state;
	read_ok("sparse-ids", &s);
	assert_int_equal(s.nr_nodes, 12);
	assert_int_equal(s.nodes[0].id, 0);
	assert_int_equal(s.nodes[1].id, 8);
	for (i = 2; i < 12; i++)
		assert_int_equal(s.nodes[i].id, (int)(31 + i - 2));
	assert_null(snapshot_node(&s, 1));
	assert_null(snapshot_node(&s, 30));
	assert_null(snapshot_node(&s, 41));
	n = snapshot_node(&s, 8);
	assert_true(n->has_memory);
	assert_true(node_zone(n, "Movable")->in_buddyinfo);
	assert_false(node_zone(n, "Normal")->in_buddyinfo);
	/* Movable 50 30 20 10 8 6 4 2 2 2 500: 50 + 60 + 80 + 80 + 128 + 192 + 256 + 256 + 512 + 1024 + 512000 */
	assert_int_equal(metrics_node_free_pages(n), 514638);
	/* a node of one zone: its score is that zone's extfrag, weighted present / (present + 1) */
	assert_int_equal(metrics_compaction_score(n, s.nr_orders, 9), 0);
	n = snapshot_node(&s, 35);
	assert_false(n->has_memory);
	assert_true(n->has_cpu);
	assert_int_equal(n->nr_pools, 0);
	n = snapshot_node(&s, 40);
	assert_true(n->has_memory);
	assert_false(n->has_cpu);
	/* Normal 1000 400 20 10 8 4 2 1 1 1 50: 1000+800+80+80+128+128+128+128+256+512+51200 */
	assert_int_equal(metrics_node_free_pages(n), 54440);
	/* 2M: one order-9 block and 50 of order 10 */
	assert_int_equal(metrics_node_suitable(&s, n, 2048), 1 + 50 * 2);
	assert_int_equal(s.lost, 0);
	assert_pools_add_up(&s);
	assert_zones_agree(&s);
	snapshot_free(&s);
}

/*
 * sosreport: what sos collects of an arm64 kernel-64k machine. No node
 * lists (the nodeN directories, buddyinfo and cpulist stand in, nothing is
 * lost), no hpage_pmd_size; the page size from Hugepagesize, else node
 * MemTotal, else the uname capture.
 */
static void sosreport_tree(void **state)
{
	struct snapshot s;
	unsigned i, nr = 0;

	(void)state;
	read_ok("sosreport", &s);
	assert_int_equal(s.nr_nodes, 2);
	for (i = 0; i < 2; i++) {
		assert_true(s.nodes[i].has_memory);
		assert_true(s.nodes[i].has_cpu);	/* cpulist 0-39, 40-79 */
		assert_true(s.nodes[i].has_meminfo);
		assert_int_equal(s.nodes[i].nr_pools, 3);
	}
	for (i = 0; i < IN_NR; i++)
		nr += s.missing[i].file != NULL;
	assert_int_equal(nr, 3);
	assert_string_equal(s.missing[IN_NODE_ONLINE].file, "sys/devices/system/node/online");
	assert_non_null(s.missing[IN_NODE_HAS_MEMORY].file);
	assert_non_null(s.missing[IN_NODE_HAS_CPU].file);
	assert_int_equal(s.lost, 0);
	/* 524288 kB = 512M = 65536^2 / 8, and 64K << 13 = 512M: 64K; 4K and 16K fit neither */
	assert_int_equal(s.page_size, 65536);
	assert_int_equal(s.page_size_source, PS_HUGEPAGESIZE);
	assert_int_equal(s.nr_orders, 14);
	assert_int_equal(s.hpage_order, 13);		/* the pageblock order, 8192 pages per block */
	assert_pools_add_up(&s);
	assert_zones_agree(&s);
	snapshot_free(&s);

	/* no Hugepagesize: node 0 MemTotal 33216000 kB = (64000 + 455000) managed pages x 64 kB */
	partial("sosreport", "sed -i '/^Hugepagesize/d' proc/meminfo", &s);
	assert_int_equal(s.page_size, 65536);
	assert_string_equal(s.page_size_evidence, "node 0 MemTotal 33216000 kB = 519000 managed pages x 64 kB");
	snapshot_free(&s);
	/* nor node meminfo: the uname capture (a RHEL 9 kernel-64k, "+64k") */
	partial("sosreport", "sed -i '/^Hugepagesize/d' proc/meminfo; rm sys/devices/system/node/node*/meminfo", &s);
	assert_int_equal(s.page_size, 65536);
	assert_int_equal(s.page_size_source, PS_UNAME);
	assert_contains(s.page_size_evidence, "sos_commands/kernel/uname_-a: aarch64 (Linux altra-01.example.com 5.14.0-362.8.1.el9_3.aarch64+64k");
	assert_non_null(s.missing[IN_NODE_MEMINFO].file);
	assert_int_equal(s.nodes[0].lost, LOST_TOTALS);
	snapshot_free(&s);
	/* only the top-level uname link of the sosreport, a relative symlink inside it */
	partial("sosreport", "sed -i '/^Hugepagesize/d' proc/meminfo; rm sys/devices/system/node/node*/meminfo;"
		"mv sos_commands/kernel/uname_-a uname.txt; rm uname; ln -s uname.txt uname", &s);
	assert_int_equal(s.page_size_source, PS_UNAME);
	assert_contains(s.page_size_evidence, "uname: aarch64");
	snapshot_free(&s);
	/* a sosreport without sys/: the proc files name nodes 0 and 1 */
	partial("sosreport", "rm -r sys", &s);
	assert_int_equal(s.nr_nodes, 2);
	assert_non_null(s.missing[IN_NODE_DIR].file);
	assert_non_null(s.missing[IN_HUGEPAGES].file);	/* meminfo has Hugepagesize */
	assert_int_equal(s.nodes[1].lost, LOST_TOTALS | LOST_POOLS);
	assert_int_equal(s.page_size, 65536);
	snapshot_free(&s);
	assert_int_equal(system("rm -rf build/snapfx"), 0);
}

/* A broken copy of the vm tree: SCRIPT runs inside it. */
static void broken(const char *script, int kind, const char *frag)
{
	char cmd[1024];
	struct snapshot s;
	struct bc_error e = { 0 };

	snprintf(cmd, sizeof(cmd), "set -e; rm -rf build/snapfx; mkdir -p build;"
		 "cp -r " FIXTURES "/vm build/snapfx; cd build/snapfx; %s", script);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(snapshot_read("build/snapfx", &s, &e), -kind);
	assert_contains(e.msg, frag);
	assert_null(strchr(e.msg, '\n'));
	assert_int_equal(system("rm -rf build/snapfx"), 0);
}

static void broken_trees(void **state)
{
	(void)state;
	broken("rm proc/buddyinfo", BC_ENOINPUT, "build/snapfx/proc/buddyinfo: No such file or directory");
	broken("cd ..; rm -r snapfx", BC_ENOINPUT, "build/snapfx: No such file or directory");
	/* present but malformed is still bad data, optional or not */
	broken("printf 'Node 0 MemTotal: 1 MB\\n' > sys/devices/system/node/node0/meminfo", BC_EDATA,
	       "node0/meminfo:1: expected unit 'kB', got 'MB'");
	broken("echo x > sys/devices/system/node/has_cpu", BC_EDATA, "has_cpu: invalid node list 'x'");
	broken("echo 1 > sys/devices/system/node/online", BC_EDATA, "node 0 has zones but is not online");
	broken("sed -i 's/zone   Normal/zone  Strange/' proc/buddyinfo proc/pagetypeinfo", BC_EDATA,
	       "node 0 zone Strange is in buddyinfo but not in zoneinfo");
	broken("sed -i 's/ 752 $/ 752 1 /' proc/buddyinfo", BC_EDATA, "proc/buddyinfo:2: 12 order columns where earlier lines have 11");
	broken("sed -i '/^Free pages count/s/ 10 $/ 10 11 /; s/^\\(Node .*type.*\\)$/\\1    0 /' proc/pagetypeinfo",
	       BC_EDATA, "pagetypeinfo has 12 orders, buddyinfo 11");
	broken(": > proc/buddyinfo", BC_EDATA, "proc/buddyinfo: empty file");
	broken("printf 'Node 0, zone DMA\\n  pages free 1\\n' > proc/zoneinfo", BC_EDATA,
	       "proc/zoneinfo: node 0 zone DMA has no 'min' line");
}

/*
 * A node MemTotal that fits no page size is no reason to refuse a tree:
 * the page size comes from other evidence (pagesize.c; test_pagesize).
 */
static void odd_memtotal(void **state)
{
	struct snapshot s;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(system("set -e; rm -rf build/snapfx; mkdir -p build; cp -r " FIXTURES "/vm build/snapfx;"
				"sed -i 's/^Node 0 MemTotal: .*/Node 0 MemTotal: 12345 kB/' "
				"build/snapfx/sys/devices/system/node/node0/meminfo"), 0);
	assert_int_equal(snapshot_read("build/snapfx", &s, &e), 0);
	assert_int_equal(s.page_size, 4096);	/* hpage_pmd_size 2M with 11 orders */
	snapshot_free(&s);
	assert_int_equal(system("rm -rf build/snapfx"), 0);
}

/* A copy of fixture base with script run inside it, read. */
static void partial(const char *base, const char *script, struct snapshot *s)
{
	char cmd[1024];
	struct bc_error e = { 0 };

	snprintf(cmd, sizeof(cmd), "set -e; rm -rf build/snapfx; mkdir -p build;"
		 "cp -r " FIXTURES "/%s build/snapfx; cd build/snapfx; %s", base, script);
	assert_int_equal(system(cmd), 0);
	if (snapshot_read("build/snapfx", s, &e) != 0)
		fail_msg("%s + %s: %s", base, script, e.msg);
}

static void assert_missing(const struct snapshot *s, enum snap_input in, const char *file,
			   unsigned lost)
{
	if (!s->missing[in].file)
		fail_msg("%s is not noted as missing", file);
	assert_string_equal(s->missing[in].file, file);
	assert_int_equal(s->missing[in].lost, lost);
	assert_true((s->lost & lost) == lost);
}

static unsigned nr_missing(const struct snapshot *s)
{
	unsigned i, n = 0;

	for (i = 0; i < IN_NR; i++)
		n += s->missing[i].file != NULL;
	return n;
}

/*
 * Only buddyinfo is required: every other file may be missing, and the
 * snapshot says which, and what is unknown without it.
 */
static void partial_trees(void **state)
{
	struct snapshot s;
	const struct node *n;
	unsigned k;

	(void)state;
	/* the whole tree: nothing missing */
	partial("vm", "true", &s);
	assert_int_equal(nr_missing(&s), 0);
	assert_int_equal(s.lost, 0);
	snapshot_free(&s);

	partial("vm", "rm proc/zoneinfo", &s);
	assert_missing(&s, IN_ZONEINFO, "proc/zoneinfo",
		       LOST_WATERMARKS | LOST_ZONE_SIZES | LOST_PCP | LOST_SCORE);
	assert_string_equal(s.missing[IN_ZONEINFO].why, "No such file or directory");
	assert_int_equal(nr_missing(&s), 1);
	n = &s.nodes[0];
	assert_int_equal(n->nr_zones, 3);	/* buddyinfo's: no unpopulated ones */
	for (k = 0; k < n->nr_zones; k++) {
		assert_true(n->zones[k].in_buddyinfo);
		assert_false(n->zones[k].in_zoneinfo);
	}
	assert_int_equal(s.page_size, 4096);	/* hpage_pmd_size 2M, 11 orders */
	snapshot_free(&s);

	partial("vm", "rm proc/meminfo", &s);
	assert_missing(&s, IN_MEMINFO, "proc/meminfo", LOST_HUGEPAGESIZE);
	assert_int_equal(s.default_hugepage_kb, 0);
	assert_int_equal(s.nr_pools, 2);	/* sysfs still says */
	assert_int_equal(nr_missing(&s), 1);
	snapshot_free(&s);

	partial("vm", "rm proc/vmstat", &s);
	assert_missing(&s, IN_VMSTAT, "proc/vmstat", LOST_VMSTAT);
	assert_int_equal(s.vmstat.seen, 0);
	snapshot_free(&s);

	/* online, has_memory, has_cpu: from the nodeN directories, buddyinfo and cpulist */
	partial("vm", "rm sys/devices/system/node/online sys/devices/system/node/has_memory "
		"sys/devices/system/node/has_cpu", &s);
	assert_missing(&s, IN_NODE_ONLINE, "sys/devices/system/node/online", 0);
	assert_missing(&s, IN_NODE_HAS_MEMORY, "sys/devices/system/node/has_memory", 0);
	assert_missing(&s, IN_NODE_HAS_CPU, "sys/devices/system/node/has_cpu", 0);	/* cpulist "0-1" */
	assert_int_equal(s.nr_nodes, 1);
	assert_true(s.nodes[0].has_memory);
	assert_true(s.nodes[0].has_cpu);
	assert_true(s.nodes[0].has_meminfo);
	snapshot_free(&s);

	partial("vm", "rm sys/devices/system/node/node0/meminfo", &s);
	assert_missing(&s, IN_NODE_MEMINFO, "sys/devices/system/node/nodeN/meminfo", LOST_TOTALS);
	assert_true(numa_bitmask_isbitset(s.missing[IN_NODE_MEMINFO].nodes, 0));
	assert_false(s.nodes[0].has_meminfo);
	assert_int_equal(s.nodes[0].lost, LOST_TOTALS);
	snapshot_free(&s);

	partial("vm", "rm -r sys/devices/system/node/node0/hugepages", &s);
	assert_missing(&s, IN_NODE_HUGEPAGES, "sys/devices/system/node/nodeN/hugepages", LOST_POOLS);
	assert_int_equal(s.nodes[0].lost, LOST_POOLS);
	assert_int_equal(s.nodes[0].nr_pools, 0);
	assert_int_equal(s.nr_pools, 2);	/* the global ones are there */
	snapshot_free(&s);

	/* one pool file missing: no pool is known, globally or per node */
	partial("vm", "rm sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", &s);
	assert_missing(&s, IN_HUGEPAGES, "sys/kernel/mm/hugepages", LOST_POOLS);
	assert_int_equal(s.nr_pools, 0);
	assert_int_equal(s.nodes[0].lost, LOST_POOLS);
	snapshot_free(&s);

	/* no hugepages directory, and meminfo has Hugepagesize: not captured */
	partial("vm", "rm -r sys/kernel/mm/hugepages", &s);
	assert_missing(&s, IN_HUGEPAGES, "sys/kernel/mm/hugepages", LOST_POOLS);
	snapshot_free(&s);
	/* no directory and no Hugepagesize: a kernel without hugetlb, nothing missing */
	partial("vm", "rm -r sys/kernel/mm/hugepages; sed -i '/^Hugepagesize/d' proc/meminfo", &s);
	assert_int_equal(nr_missing(&s), 0);
	assert_int_equal(s.nr_pools, 0);
	assert_int_equal(s.nodes[0].lost, 0);
	snapshot_free(&s);

	/* no node directory and one node 0: CONFIG_NUMA=n, not a missing file */
	partial("vm", "rm -r sys/devices/system/node", &s);
	assert_int_equal(nr_missing(&s), 0);
	assert_true(s.nodes[0].has_meminfo);	/* /proc/meminfo is node 0's */
	snapshot_free(&s);

	/* buddyinfo alone, of two nodes */
	partial("two-node", "rm -r sys proc/zoneinfo proc/pagetypeinfo proc/meminfo proc/vmstat", &s);
	assert_missing(&s, IN_ZONEINFO, "proc/zoneinfo",
		       LOST_WATERMARKS | LOST_ZONE_SIZES | LOST_PCP | LOST_SCORE);
	assert_missing(&s, IN_PAGETYPEINFO, "proc/pagetypeinfo", LOST_PAGEBLOCKS);
	assert_missing(&s, IN_MEMINFO, "proc/meminfo", LOST_HUGEPAGESIZE);
	assert_missing(&s, IN_VMSTAT, "proc/vmstat", LOST_VMSTAT);
	/* the hugepages directory and meminfo both gone: the pools are unknown */
	assert_missing(&s, IN_HUGEPAGES, "sys/kernel/mm/hugepages", LOST_POOLS);
	/* two nodes cannot be CONFIG_NUMA=n: the node directory is missing */
	assert_missing(&s, IN_NODE_DIR, "sys/devices/system/node",
		       LOST_TOTALS | LOST_POOLS | LOST_CPUS | LOST_CPU_ONLY_NODES);
	assert_int_equal(nr_missing(&s), 6);
	assert_int_equal(s.nr_nodes, 2);
	for (k = 0; k < 2; k++) {
		assert_true(s.nodes[k].has_memory);
		assert_false(s.nodes[k].has_meminfo);
		assert_int_equal(s.nodes[k].lost, LOST_TOTALS | LOST_POOLS);
	}
	assert_int_equal(s.page_size, 4096);
	snapshot_free(&s);
}

/*
 * A sosreport copies nodeN/{meminfo,cpulist,distance,hugepages} but not the
 * node lists: online nodes are the nodeN directories, memory nodes those in
 * buddyinfo, CPU nodes those with a CPU in cpulist.
 */
static void node_lists_derived(void **state)
{
	struct snapshot s;
	const struct node *n;

	(void)state;
	/* four-node-sparse: online 0,2-3,6; memory 0,2,6; CPUs 0,3 */
	partial("four-node-sparse", "cd sys/devices/system/node; rm online possible has_memory has_cpu has_normal_memory",
		&s);
	assert_int_equal(s.nr_nodes, 4);
	assert_int_equal(s.nodes[0].id, 0);
	assert_int_equal(s.nodes[1].id, 2);
	assert_int_equal(s.nodes[2].id, 3);
	assert_int_equal(s.nodes[3].id, 6);
	n = snapshot_node(&s, 3);
	assert_false(n->has_memory);
	assert_true(n->has_cpu);
	n = snapshot_node(&s, 6);
	assert_true(n->has_memory);
	assert_false(n->has_cpu);	/* empty cpulist */
	assert_true(n->has_meminfo);
	assert_int_equal(n->lost, 0);
	assert_true(snapshot_node(&s, 0)->has_cpu);
	assert_false(snapshot_node(&s, 2)->has_cpu);
	/* nothing lost: every fact came from another file */
	assert_int_equal(s.lost, 0);
	snapshot_free(&s);
	/* a node of buddyinfo without its directory: its totals and pools are unknown */
	partial("four-node-sparse", "cd sys/devices/system/node; rm online has_memory has_cpu; rm -r node6", &s);
	n = snapshot_node(&s, 6);
	assert_non_null(n);
	assert_true(n->has_memory);
	assert_int_equal(n->lost, LOST_TOTALS | LOST_POOLS);
	assert_missing(&s, IN_NODE_MEMINFO, "sys/devices/system/node/nodeN/meminfo", LOST_TOTALS);
	assert_true(numa_bitmask_isbitset(s.missing[IN_NODE_MEMINFO].nodes, 6));
	assert_missing(&s, IN_NODE_HAS_CPU, "sys/devices/system/node/has_cpu", LOST_CPUS);
	snapshot_free(&s);
	assert_int_equal(system("rm -rf build/snapfx"), 0);
}

/* Without pagetypeinfo the snapshot says why and goes on. */
static void pagetypeinfo_optional(void **state)
{
	struct snapshot s;
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(system("set -e; rm -rf build/snapfx; mkdir -p build; cp -r " FIXTURES "/vm build/snapfx;"
				"rm build/snapfx/proc/pagetypeinfo"), 0);
	assert_int_equal(snapshot_read("build/snapfx", &s, &e), 0);
	assert_false(s.has_pagetypeinfo);
	assert_int_equal(s.hpage_order, 9);	/* from hpage_pmd_size */
	snapshot_free(&s);
	assert_int_equal(system("rm -rf build/snapfx"), 0);
}

/*
 * The largest captures the caps let through (bench/gen-worst.sh: 8 MiB,
 * node ids to 65535, 65,536 zones, 32 orders) are read and explained; one
 * zone more is refused. Not timed: bench/captures-bench.sh measures them
 * (bench/CAPTURES.md). Counts: line n's order o holds (n + o) % 3 blocks.
 */
static void worst_captures(void **state)
{
	struct bc_error e = { 0 };
	struct snapshot s, p;
	struct explain ex;
	struct policy pol;
	unsigned i;

	(void)state;
	assert_int_equal(system("sh bench/gen-worst.sh build/worst"), 0);
	/* 65,536 nodes named in descending order: sorted, and every one found */
	if (snapshot_read_capture("build/worst/capture-desc.txt", NULL, &s, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(s.nr_nodes, 65536);
	assert_int_equal(s.nr_zones, 65536);
	assert_int_equal(s.nr_orders, 32);
	assert_null(s.node_slot);
	for (i = 0; i < s.nr_nodes; i++)
		if (s.nodes[i].id != (int)i || snapshot_node(&s, (int)i) != &s.nodes[i])
			fail_msg("node %u at %u", (unsigned)s.nodes[i].id, i);
	/* node 65534 (= 3 x 21844 + 2): 2 blocks at order 0, 0 at order 1, 1 at order 2 */
	assert_int_equal(node_zone(snapshot_node(&s, 65534), "Normal")->free_blocks[0], 2);
	assert_int_equal(node_zone(snapshot_node(&s, 65534), "Normal")->free_blocks[1], 0);
	assert_int_equal(node_zone(snapshot_node(&s, 65534), "Normal")->free_blocks[2], 1);
	assert_int_equal(policy_load_string("defaults", "", &pol, &e), 0);
	if (explain_build(&s, &pol, -1, &ex, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ex.nr_nodes, 65536);
	for (i = 0; i < 65536; i += 4099)
		assert_int_equal(explain_node(&ex, (int)i)->node, (int)i);
	assert_null(explain_node(&ex, 65536));
	explain_free(&ex);
	policy_free(&pol);
	/* the same lines pasted from a mail: a prompt, '> ', CRLF; the same snapshot */
	if (snapshot_read_capture("build/worst/capture-paste.txt", NULL, &p, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(p.nr_nodes, 65536);
	for (i = 0; i < p.nr_nodes; i += 257)
		assert_memory_equal(p.nodes[i].zones[0].free_blocks, s.nodes[i].zones[0].free_blocks,
				    sizeof(p.nodes[i].zones[0].free_blocks));
	snapshot_free(&p);
	snapshot_free(&s);
	/* the most zones: 4,096 nodes of 16 */
	if (snapshot_read_capture("build/worst/capture-zones.txt", NULL, &s, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(s.nr_nodes, 4096);
	assert_int_equal(s.nr_zones, 65536);
	snapshot_free(&s);
	/* one more is refused, at its line */
	assert_int_equal(snapshot_read_capture("build/worst/capture-over.txt", NULL, &s, &e), -BC_EDATA);
	assert_string_equal(e.msg, "build/worst/capture-over.txt:65537: more than 65536 zones in all: no kernel prints that many");
	assert_int_equal(system("rm -rf build/worst"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vm_tree),
		cmocka_unit_test(two_node_tree),
		cmocka_unit_test(sparse_tree),
		cmocka_unit_test(arm64_tree),
		cmocka_unit_test(movable_tree),
		cmocka_unit_test(gigantic_tree),
		cmocka_unit_test(rhel6_tree),
		cmocka_unit_test(sparse_ids_tree),
		cmocka_unit_test(sosreport_tree),
		cmocka_unit_test(broken_trees),
		cmocka_unit_test(pagetypeinfo_optional),
		cmocka_unit_test(odd_memtotal),
		cmocka_unit_test(partial_trees),
		cmocka_unit_test(node_lists_derived),
		cmocka_unit_test(worst_captures),
	};

	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
