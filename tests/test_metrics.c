/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's fragmentation formulas, checked against values a real kernel
 * printed in debugfs (KERNEL.md §4) and against
 * hand-worked edge cases.
 */
#include "testutil.h"

#include "metrics.h"
#include "output.h"
#include "units.h"

static struct zone zone_of(const uint64_t *blocks, unsigned n)
{
	struct zone z;
	unsigned k;

	memset(&z, 0, sizeof(z));
	z.in_buddyinfo = true;
	for (k = 0; k < n; k++) {
		z.free_blocks[k] = blocks[k];
		z.free_pages += blocks[k] << k;
	}
	return z;
}

/* Normal zone after THPs ate the order >= 9 blocks: kernel output, verbatim. */
static void kernel_verified_thp_case(void **state)
{
	static const uint64_t b[] = { 716, 537, 1301, 1210, 717, 354, 172, 90, 47, 1, 0 };
	static const char *const unusable[] = { "0.000", "0.009", "0.024", "0.093", "0.223",
						"0.377", "0.529", "0.677", "0.831", "0.993", "1.000" };
	struct zone z = zone_of(b, 11);
	char buf[16];
	unsigned k;

	(void)state;
	for (k = 0; k < 11; k++) {
		out_thousandths(buf, sizeof(buf), metrics_unusable_index(&z, 11, k));
		assert_string_equal(buf, unusable[k]);
	}
	for (k = 0; k < 10; k++)
		assert_int_equal(metrics_fragmentation_index(&z, 11, k), -1000);
	/* 74,546 pages, 5,145 blocks: 1000 - (1000 + 72,798) / 5,145 = 986 */
	assert_int_equal(metrics_fragmentation_index(&z, 11, 10), 986);
	out_thousandths(buf, sizeof(buf), metrics_fragmentation_index(&z, 11, 10));
	assert_string_equal(buf, "0.986");
	out_thousandths(buf, sizeof(buf), metrics_fragmentation_index(&z, 11, 0));
	assert_string_equal(buf, "-1.000");
	/* extfrag_for_order at 9: (74546 - 1*512) * 100 / 74546 = 99 */
	assert_int_equal(metrics_extfrag(&z, 11, 9), 99);
}

static void empty_and_edge_cases(void **state)
{
	static const uint64_t none[11] = { 0 };
	static const uint64_t one_small[11] = { 1 };
	struct zone z = zone_of(none, 11);
	char buf[16];

	(void)state;
	assert_int_equal(metrics_unusable_index(&z, 11, 3), 1000);	/* nothing free */
	assert_int_equal(metrics_fragmentation_index(&z, 11, 3), 0);
	assert_int_equal(metrics_extfrag(&z, 11, 9), 0);
	assert_int_equal(metrics_zone_largest_order(&z, 11), -1);

	/* one order-0 block, order-1 request: 1000 - (1000 + 500) / 1 = -500 */
	z = zone_of(one_small, 11);
	assert_int_equal(metrics_fragmentation_index(&z, 11, 1), -500);
	out_thousandths(buf, sizeof(buf), -500);
	assert_string_equal(buf, "0.-500");		/* as the kernel's "%d.%03d" */
	assert_int_equal(metrics_unusable_index(&z, 11, 0), 0);
	assert_int_equal(metrics_unusable_index(&z, 11, 1), 1000);
	/* beyond MAX_PAGE_ORDER the kernel returns 0 */
	assert_int_equal(metrics_fragmentation_index(&z, 11, 11), 0);
}

static void contig_info_sums(void **state)
{
	static const uint64_t b[] = { 3, 2, 1, 4 };
	struct zone z = zone_of(b, 4);
	struct contig_info ci;

	(void)state;
	metrics_contig_info(&z, 4, 2, &ci);
	assert_int_equal(ci.free_pages, 3 + 4 + 4 + 32);
	assert_int_equal(ci.free_blocks_total, 10);
	assert_int_equal(ci.free_blocks_suitable, 1 + 4 * 2);
	/* (43 - 9*4) * 1000 / 43 = 162 */
	assert_int_equal(metrics_unusable_index(&z, 4, 2), 162);
}

static void node_metrics(void **state)
{
	static const uint64_t a[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1 };	/* 2048 pages, all usable */
	static const uint64_t b[] = { 1024, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };	/* all order 0 */
	struct zone zones[2];
	struct node n = { .id = 0, .zones = zones, .nr_zones = 2, .has_memory = true };
	struct snapshot snap = { .page_size = 4096, .nr_orders = 11 };

	(void)state;
	zones[0] = zone_of(a, 11);
	zones[1] = zone_of(b, 11);
	zones[0].present = 3000;
	zones[1].present = 1000;
	/* the present pages weigh the zones: without zoneinfo, no score */
	assert_int_equal(metrics_compaction_score(&n, 11, 9), -1);
	zones[0].in_zoneinfo = zones[1].in_zoneinfo = true;
	/* zone 0 extfrag 0, zone 1 extfrag 100: 1000 * 100 / 4001 = 24 */
	assert_int_equal(metrics_compaction_score(&n, 11, 9), 24);
	assert_int_equal(metrics_node_free_pages(&n), 2048 + 1024);
	assert_int_equal(metrics_node_largest_order(&n, 11), 10);
	assert_int_equal(metrics_size_order(&snap, 2048), 9);
	assert_int_equal(metrics_size_order(&snap, 1048576), 18);
	assert_int_equal(metrics_size_order(&snap, 3000), -1);
	assert_int_equal(metrics_node_suitable(&snap, &n, 2048), 4);
	assert_int_equal(metrics_node_suitable(&snap, &n, 4096), 1);
	assert_int_equal(metrics_node_suitable(&snap, &n, 1048576), -1);	/* gigantic */
}

static void size_labels(void **state)
{
	char buf[32];

	(void)state;
	size_label(buf, sizeof(buf), 4096);
	assert_string_equal(buf, "4K");
	size_label(buf, sizeof(buf), 2 << 20);
	assert_string_equal(buf, "2M");
	size_label(buf, sizeof(buf), 16ULL << 30);
	assert_string_equal(buf, "16G");
	size_label(buf, sizeof(buf), 512ULL << 20);
	assert_string_equal(buf, "512M");
	out_human_bytes(buf, sizeof(buf), 3609240ULL * 1024);
	assert_string_equal(buf, "3.4G");
	out_human_bytes(buf, sizeof(buf), 15ULL << 20);
	assert_string_equal(buf, "15M");
	out_human_bytes(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_verified_thp_case),
		cmocka_unit_test(empty_and_edge_cases),
		cmocka_unit_test(contig_info_sums),
		cmocka_unit_test(node_metrics),
		cmocka_unit_test(size_labels),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
