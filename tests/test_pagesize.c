/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The page size of a tree, from each kind of evidence in its order
 * (pagesize.h): --page-size, a captured smaps, THP's PMD size or meminfo's
 * Hugepagesize with the number of orders, node MemTotal over managed pages
 * (also when they do not quite agree), a uname capture, and 4K as the last
 * word. Every expected value is worked out below from the tree's numbers.
 */
#include "testutil.h"

#include <unistd.h>

#include "pagesize.h"
#include "snapshot.h"
#include "snapshot_read.h"

/* Copy fixture base to build/ps, run script inside it, read it. */
static int tree(const char *base, const char *script, unsigned given, struct snapshot *s,
		struct bc_error *e)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "set -e; rm -rf build/ps; mkdir -p build; cp -r " FIXTURES "/%s build/ps;"
		 "cd build/ps; %s", base, script);
	if (system(cmd) != 0)
		fail_msg("setup failed: %s", script);
	return snapshot_read_opts("build/ps", &(struct snap_opts){ .page_size = given }, s, e);
}

static void expect(const char *base, const char *script, unsigned given, unsigned page,
		   enum page_size_source src, const char *evidence)
{
	struct bc_error e = { 0 };
	struct snapshot s;

	if (tree(base, script, given, &s, &e) != 0)
		fail_msg("%s + %s: %s", base, script, e.msg);
	if (s.page_size != page || s.page_size_source != src)
		fail_msg("%s + %s: page size %u from %s (%s), expected %u from %s", base, script,
			 s.page_size, pagesize_source_name((enum page_size_source)s.page_size_source),
			 s.page_size_evidence, page, pagesize_source_name(src));
	assert_contains(s.page_size_evidence, evidence);
	snapshot_free(&s);
}

static void parse(void **state)
{
	unsigned b = 0;

	(void)state;
	assert_int_equal(pagesize_parse("4K", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(pagesize_parse("16K", &b), 0);
	assert_int_equal(b, 16384);
	assert_int_equal(pagesize_parse("64kB", &b), 0);
	assert_int_equal(b, 65536);
	assert_int_equal(pagesize_parse("65536", &b), 0);
	assert_int_equal(b, 65536);
	assert_int_equal(pagesize_parse("8192", &b), 0);	/* sparc64, alpha */
	assert_int_equal(b, 8192);
	assert_int_equal(pagesize_parse("256K", &b), 0);	/* the largest Linux has */
	assert_int_equal(b, 262144);
	assert_int_equal(pagesize_parse("3K", &b), -1);		/* not a power of two */
	assert_int_equal(pagesize_parse("2048", &b), -1);	/* below 4K */
	assert_int_equal(pagesize_parse("512K", &b), -1);	/* above 256K */
	assert_int_equal(pagesize_parse("1M", &b), -1);
	assert_int_equal(pagesize_parse("0", &b), -1);
	assert_int_equal(pagesize_parse("", &b), -1);
	assert_int_equal(pagesize_parse("4K ", &b), -1);
	assert_int_equal(pagesize_parse("99999999999999999999", &b), -1);
	assert_int_equal(pagesize_parse("-4096", &b), -1);
}

/* The live system: sysconf, whatever the tree would say. */
static void live(void **state)
{
	struct bc_error e = { 0 };
	struct snapshot s;

	(void)state;
	if (snapshot_read("/", &s, &e) != 0)
		skip_because("the live system cannot be read here: %s", e.msg);
	assert_int_equal(s.page_size, (unsigned)sysconf(_SC_PAGESIZE));
	assert_int_equal(s.page_size_source, PS_SYSCONF);
	snapshot_free(&s);
}

/* --page-size wins over every piece of evidence. */
static void option(void **state)
{
	(void)state;
	/* arm64-64k says 64K everywhere; 16K given is 16K */
	expect("arm64-64k", "true", 16384, 16384, PS_OPTION, "--page-size 16K");
}

/*
 * THP's PMD size with the orders: P * P / 8 with a largest block of P <<
 * (orders - 1) equal to it or twice it.
 */
static void pmd_size(void **state)
{
	(void)state;
	/* vm: 2097152 = 4096 * 4096 / 8; 11 orders: 4K << 10 = 4M = 2 x 2M */
	expect("vm", "true", 0, 4096, PS_HUGEPAGESIZE, "THP hpage_pmd_size 2M with 11 orders");
	/* arm64-16k: 32M = 16384 * 16384 / 8 = 2^25; 16K << 11 = 2^25, the same */
	expect("arm64-16k", "true", 0, 16384, PS_HUGEPAGESIZE, "THP hpage_pmd_size 32M with 12 orders");
	/* arm64-64k: 512M = 65536^2 / 8 = 2^29; 64K << 13 = 2^29 */
	expect("arm64-64k", "true", 0, 65536, PS_HUGEPAGESIZE, "THP hpage_pmd_size 512M with 14 orders");
}

/* Without hpage_pmd_size: meminfo's Hugepagesize, the default hugepage. */
static void default_hugepage(void **state)
{
	(void)state;
	/* arm64-16k: Hugepagesize 32768 kB = 32M, as above */
	expect("arm64-16k", "rm sys/kernel/mm/transparent_hugepage/hpage_pmd_size", 0, 16384,
	       PS_HUGEPAGESIZE, "proc/meminfo Hugepagesize 32M with 12 orders");
	/*
	 * ppc64 hash with 64K pages: 16M hugepages, 9 orders. 4K: 2M != 16M and
	 * 4K << 8 = 1M; 16K: 32M, 4M; 64K: 64K << 8 = 16M: the largest block.
	 * The vm tree cut to 9 orders keeps its lines whole.
	 */
	expect("vm", "rm sys/kernel/mm/transparent_hugepage/hpage_pmd_size;"
	       "sed -i 's/^\\(Hugepagesize: *\\)2048 kB/\\116384 kB/' proc/meminfo;"
	       "sed -i -E 's/^(Node 0, zone +[A-Za-z0-9]+( +[0-9]+){9}).*/\\1 /' proc/buddyinfo;"
	       "rm proc/pagetypeinfo", 0, 65536, PS_HUGEPAGESIZE,
	       "proc/meminfo Hugepagesize 16M with 9 orders");
}

/*
 * A hugepage size that fits no candidate leaves it to node MemTotal over
 * the node's managed pages.
 */
static void memtotal(void **state)
{
	static const char no_hp[] = "rm sys/kernel/mm/transparent_hugepage/hpage_pmd_size;"
				    "sed -i 's/^\\(Hugepagesize: *\\)[0-9]* kB/\\11048576 kB/' proc/meminfo;";
	char script[1024];

	(void)state;
	/*
	 * vm: Hugepagesize 1G (default_hugepagesz=1G) fits none (4K: 2M, 4M;
	 * 16K: 32M, 16M; 64K: 512M, 64M). Node 0: managed 3840 + 772918 +
	 * 262144 = 1038902 pages; MemTotal 4155608 kB = 1038902 x 4 kB.
	 */
	expect("vm", no_hp, 0, 4096, PS_MEMINFO, "node 0 MemTotal 4155608 kB = 1038902 managed pages x 4 kB");
	/* arm64-16k: managed 259712 + 261632 = 521344; x 16 kB = 8341504 kB */
	expect("arm64-16k", no_hp, 0, 16384, PS_MEMINFO,
	       "node 0 MemTotal 8341504 kB = 521344 managed pages x 16 kB");
	/* arm64-64k: managed 31402 + 1002213 = 1033615; x 64 kB = 66151360 kB */
	expect("arm64-64k", no_hp, 0, 65536, PS_MEMINFO,
	       "node 0 MemTotal 66151360 kB = 1033615 managed pages x 64 kB");
	/*
	 * A MemTotal that is not a multiple: 4500000 kB over 1038902 pages is
	 * 4.33 kB a page, 1.08 x 4K, inside the 1.25 tolerance.
	 */
	snprintf(script, sizeof(script), "%s sed -i 's/MemTotal: *4155608/MemTotal: 4500000/' "
		 "sys/devices/system/node/node0/meminfo", no_hp);
	expect("vm", script, 0, 4096, PS_MEMINFO, "node 0 MemTotal 4500000 kB ~ 1038902 managed pages x 4 kB");
	/*
	 * Three times the managed memory (12466824 kB): 3.0 x 4K, 0.75 x 16K,
	 * 0.19 x 64K, none within 1.25: no vote, and no uname: 4K assumed.
	 */
	snprintf(script, sizeof(script), "%s sed -i 's/MemTotal: *4155608/MemTotal: 12466824/' "
		 "sys/devices/system/node/node0/meminfo", no_hp);
	expect("vm", script, 0, 4096, PS_DEFAULT, "no evidence of the page size in the tree");
}

/* Nodes that disagree give no answer from meminfo. */
static void memtotal_conflict(void **state)
{
	(void)state;
	/*
	 * two-node, node 1's MemTotal four times larger: node 0 says 4K, node 1
	 * 16K. Neither wins; no uname: 4K assumed.
	 */
	expect("two-node", "rm sys/kernel/mm/transparent_hugepage/hpage_pmd_size;"
	       "sed -i 's/^\\(Hugepagesize: *\\)[0-9]* kB/\\11048576 kB/' proc/meminfo;"
	       "m=$(awk '/MemTotal/ {print $4}' sys/devices/system/node/node1/meminfo);"
	       "sed -i \"s/MemTotal: *$m/MemTotal: $((m * 4))/\" sys/devices/system/node/node1/meminfo",
	       0, 4096, PS_DEFAULT, "no evidence");
}

/* A captured smaps: its smallest KernelPageSize, before anything else. */
static void smaps(void **state)
{
	struct bc_error e = { 0 };
	struct snapshot s;

	(void)state;
	/* arm64-64k with a process whose second mapping is a 512M hugetlb one */
	expect("arm64-64k", "mkdir -p proc/self; printf '%s' '"
	       "aaaab0000000-aaaab0010000 r-xp 00000000 fd:00 131 /usr/bin/cat\n"
	       "Size:                 64 kB\n"
	       "KernelPageSize:       64 kB\n"
	       "MMUPageSize:          64 kB\n"
	       "ffff40000000-ffff60000000 rw-s 00000000 00:10 2 /dev/hugepages/x\n"
	       "KernelPageSize:   524288 kB\n' > proc/self/smaps",
	       0, 65536, PS_SMAPS, "proc/self/smaps:3: KernelPageSize 64 kB");
	/* proc/PID/smaps too, the lowest pid; and it comes before the PMD size (vm: 4K) */
	expect("vm", "mkdir -p proc/4242 proc/77; printf 'KernelPageSize:       16 kB\n' > proc/77/smaps;"
	       "printf 'KernelPageSize:       64 kB\n' > proc/4242/smaps", 0, 16384, PS_SMAPS,
	       "proc/77/smaps:1: KernelPageSize 16 kB");
	/* a cut last line is not read; a capture may be cut anywhere */
	expect("vm", "mkdir -p proc/self; printf 'KernelPageSize:        4 kB\nKernelPageSize:  2' > proc/self/smaps",
	       0, 4096, PS_SMAPS, "proc/self/smaps:1: KernelPageSize 4 kB");
	/* only a hugetlb mapping: no base page in it, the next evidence */
	expect("vm", "mkdir -p proc/self; printf 'KernelPageSize:     2048 kB\n' > proc/self/smaps", 0, 4096,
	       PS_HUGEPAGESIZE, "hpage_pmd_size");
	/* no KernelPageSize line at all: the next evidence */
	expect("vm", "mkdir -p proc/self; printf 'Size: 4 kB\n' > proc/self/smaps", 0, 4096, PS_HUGEPAGESIZE,
	       "hpage_pmd_size");
	/* a value no kernel prints is bad data, named */
	assert_int_equal(tree("vm", "mkdir -p proc/self; printf 'Size: 4 kB\nKernelPageSize:        3 kB\n' > proc/self/smaps",
			      0, &s, &e), -BC_EDATA);
	assert_contains(e.msg, "build/ps/proc/self/smaps:2: 3 kB is not a page size, in 'KernelPageSize:'");
	assert_int_equal(tree("vm", "mkdir -p proc/self; printf 'KernelPageSize: 4 MB\n' > proc/self/smaps",
			      0, &s, &e), -BC_EDATA);
	assert_contains(e.msg, "proc/self/smaps:1: expected 'kB' after the value of 'KernelPageSize:'");
}

/* Nothing but the architecture: a uname capture. */
static void uname_capture(void **state)
{
	/* vm with no hugepage evidence and a MemTotal three times too large */
	static const char base[] = "rm sys/kernel/mm/transparent_hugepage/hpage_pmd_size;"
				   "sed -i 's/^\\(Hugepagesize: *\\)[0-9]* kB/\\11048576 kB/' proc/meminfo;"
				   "sed -i 's/MemTotal: *4155608/MemTotal: 12466824/' sys/devices/system/node/node0/meminfo;"
				   "mkdir -p sos_commands/kernel;";
	static const struct { const char *file, *text; unsigned page; const char *evidence; } cases[] = {
		{ "sos_commands/kernel/uname_-a",
		  "Linux arm-box 5.14.0-362.8.1.el9_3.aarch64+64k #1 SMP PREEMPT_DYNAMIC Tue Oct 3 11:12:36 EDT 2023 aarch64 aarch64 aarch64 GNU/Linux",
		  65536, "sos_commands/kernel/uname_-a: aarch64 (Linux arm-box 5.14.0-362.8.1.el9_3.aarch64+64k" },
		/* RHEL 9's default aarch64 kernel: 4K */
		{ "sos_commands/kernel/uname_-a",
		  "Linux arm-box 5.14.0-362.8.1.el9_3.aarch64 #1 SMP PREEMPT_DYNAMIC Tue Oct 3 11:12:36 EDT 2023 aarch64 aarch64 aarch64 GNU/Linux",
		  4096, "aarch64" },
		/* RHEL 8 built aarch64 with 64K pages */
		{ "uname", "Linux arm-box 4.18.0-372.9.1.el8.aarch64 #1 SMP Fri Apr 15 22:12:19 EDT 2022 aarch64 aarch64 aarch64 GNU/Linux",
		  65536, "uname: aarch64" },
		{ "uname", "Linux box 6.1.0-13-arm64-16k #1 SMP Debian 6.1.55-1 (2023-09-29) aarch64 GNU/Linux", 16384, "aarch64" },
		{ "proc/version", "Linux version 5.14.0-284.el9.ppc64le (mockbuild@ppc) (gcc (GCC) 11.3.1) #1 SMP",
		  65536, "proc/version: ppc64le" },
		/* the host name is not the machine */
		{ "sos_commands/kernel/uname_-a", "Linux aarch64-builder 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 x86_64 GNU/Linux",
		  4096, "x86_64" },
		{ "proc/sys/kernel/osrelease", "6.6.0-loong.loongarch64", 16384, "loongarch64" },
	};
	char script[2048];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(script, sizeof(script), "%s mkdir -p $(dirname %s); printf '%%s\\n' '%s' > %s", base,
			 cases[i].file, cases[i].text, cases[i].file);
		expect("vm", script, 0, cases[i].page, PS_UNAME, cases[i].evidence);
	}
	/* an architecture buddyctl does not know: no answer, 4K assumed, the capture named as unparseable */
	snprintf(script, sizeof(script), "%s printf 'Linux box 6.1 #1 SMP m68k GNU/Linux\\n' > uname", base);
	expect("vm", script, 0, 4096, PS_DEFAULT,
	       "uname is there but unparseable: no architecture buddyctl knows in 'Linux box 6.1 #1 SMP m68k GNU/Linux'; "
	       "no other evidence of the page size in the tree, and 4K is the most common");
}

/* No evidence at all: 4K, and a hint when the orders are 16K's or 64K's. */
static void fallback(void **state)
{
	(void)state;
	/*
	 * arm64-64k booted with default_hugepagesz=2M and no hpage_pmd_size:
	 * 2M with 14 orders fits no candidate (4K << 13 = 32M is neither 2M
	 * nor 4M); MemTotal 66151360 x 3 kB over 1033615 pages is 3 x 64K.
	 */
	expect("arm64-64k", "rm sys/kernel/mm/transparent_hugepage/hpage_pmd_size;"
	       "sed -i 's/^\\(Hugepagesize: *\\)[0-9]* kB/\\12048 kB/' proc/meminfo;"
	       "sed -i 's/MemTotal: *66151360/MemTotal: 198454080/' sys/devices/system/node/node0/meminfo",
	       0, 4096, PS_DEFAULT, "this many orders are usual with 16K or 64K pages: give --page-size");
}

static int cleanup(void **state)
{
	(void)state;
	return system("rm -rf build/ps");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse),
		cmocka_unit_test(live),
		cmocka_unit_test(option),
		cmocka_unit_test(pmd_size),
		cmocka_unit_test(default_hugepage),
		cmocka_unit_test(memtotal),
		cmocka_unit_test(memtotal_conflict),
		cmocka_unit_test(smaps),
		cmocka_unit_test(uname_capture),
		cmocka_unit_test(fallback),
	};

	return cmocka_run_group_tests_name("pagesize", tests, NULL, cleanup);
}
