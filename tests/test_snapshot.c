/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot_read() over the fixture trees: node sets with gaps and CPU-only
 * nodes, 14 orders with 64K pages, a Movable zone, missing pagetypeinfo,
 * gigantic pools; and over broken copies of them, each rejected with a
 * message naming the file.
 */
#include "testutil.h"

#include <stdlib.h>

#include "metrics.h"
#include "snapshot.h"

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
	broken("rm proc/zoneinfo", BC_ENOINPUT, "build/snapfx/proc/zoneinfo: No such file or directory");
	broken("rm proc/meminfo", BC_ENOINPUT, "proc/meminfo: No such file or directory");
	broken("rm proc/vmstat", BC_ENOINPUT, "proc/vmstat");
	broken("rm sys/devices/system/node/online", BC_ENOINPUT, "node/online");
	broken("rm sys/devices/system/node/node0/meminfo", BC_ENOINPUT, "node0/meminfo");
	broken("rm sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", BC_ENOINPUT,
	       "hugepages-2048kB/nr_hugepages");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vm_tree),
		cmocka_unit_test(two_node_tree),
		cmocka_unit_test(sparse_tree),
		cmocka_unit_test(arm64_tree),
		cmocka_unit_test(movable_tree),
		cmocka_unit_test(gigantic_tree),
		cmocka_unit_test(broken_trees),
		cmocka_unit_test(pagetypeinfo_optional),
		cmocka_unit_test(odd_memtotal),
	};

	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
