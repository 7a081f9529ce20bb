/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmdline_build() (`plan --kernel-cmdline`): fixture trees x policies x
 * kernel releases -> the fragment, worked out by hand from the rules in
 * policy/plan/cmdline.h. two-node: nodes 0 and 1, both with memory, 2M and
 * 1G. four-node-sparse: nodes 0, 2, 3, 6 online (four), 0, 2 and 6 with memory,
 * 3 CPU-only. rhel6: two nodes, 2M only.
 */
#include "testutil.h"

#include "cmdline.h"
#include "config.h"
#include "release.h"
#include "remedy.h"
#include "snapshot_read.h"

static const struct kernel_version k6_1 = { 6, 1 }, k5_17 = { 5, 17 }, k5_10 = { 5, 10 },
				   kunknown = { 0, 0 }, k5_4 = { 5, 4 }, k6_14 = { 6, 14 }, k6_15 = { 6, 15 },
				   k7_3 = { 7, 3 };

/*
 * The fragment for policy on tree, or the error: rc is cmdline_build()'s,
 * out holds the fragment (rc 0) or the message. The policy is not checked
 * against the machine first: cmdline_build() must say itself what the
 * machine lacks.
 */
static int build(const char *tree, const char *policy, const struct kernel_version *kv,
		 char *out, size_t size)
{
	struct bc_error e = { 0 };
	struct snapshot snap;
	struct policy pol;
	char root[128];
	int rc;

	snprintf(root, sizeof(root), FIXTURES "/%s", tree);
	assert_int_equal(snapshot_read(root, &snap, &e), 0);
	if (policy_load_string("t.conf", policy, &pol, &e) != 0)
		fail_msg("%s", e.msg);
	rc = cmdline_build(&pol, &snap, kv, out, size, &e);
	if (rc < 0)
		snprintf(out, size, "%s", e.msg);
	policy_free(&pol);
	snapshot_free(&snap);
	return rc;
}

static void expect(const char *tree, const char *policy, const struct kernel_version *kv,
		   const char *want)
{
	char out[512];

	if (build(tree, policy, kv, out, sizeof(out)) != 0)
		fail_msg("unexpected error: %s", out);
	assert_string_equal(out, want);
}

static void expect_error(const char *tree, const char *policy, const struct kernel_version *kv,
			 const char *part1, const char *part2)
{
	char out[512];

	assert_int_equal(build(tree, policy, kv, out, sizeof(out)), -BC_ECONFIG);
	assert_contains(out, part1);
	assert_contains(out, part2);
}

static void test_single_size(void **state)
{
	(void)state;
	/* total = N divides evenly (2048 / 2): the plain count, any kernel */
	expect("two-node", "[hugepages 2M]\ntotal = 2048\n", &k6_1, "hugepagesz=2M hugepages=2048");
	expect("two-node", "[hugepages 2M]\ntotal = 2048\n", &k5_10, "hugepagesz=2M hugepages=2048");
	/* a size given in kB is written as the kernel's memparse() reads it */
	expect("two-node", "[hugepages 2048kB]\ntotal = 6\n", &k6_1, "hugepagesz=2M hugepages=6");
}

static void test_per_node_counts(void **state)
{
	(void)state;
	/* the per-node form from 5.16, nodes in id order whatever the policy's order */
	expect("two-node", "[hugepages 2M]\ncount = 1:256, 0:512\n", &k6_1,
	       "hugepagesz=2M hugepages=0:512,1:256");
	expect("two-node", "[hugepages 2M]\ncount = 0:512, 1:256\n", &kunknown,
	       "hugepagesz=2M hugepages=0:512,1:256");
	/* before 5.16: counts that are the round-robin split of their sum become the sum */
	expect("two-node", "[hugepages 2M]\ncount = 0:513, 1:512\n", &k5_10, "hugepagesz=2M hugepages=1025");
	/* ... others cannot be said */
	expect_error("two-node", "[hugepages 2M]\ncount = 0:512, 1:256\n", &k5_10, "t.conf:2: [hugepages 2M]",
		     "need Linux 5.16; this kernel is 5.10 and would spread hugepages=768");
	/* 512 on node 1 alone is not a round-robin split of 512 either */
	expect_error("two-node", "[hugepages 2M]\ncount = 1:512\n", &k5_10, "t.conf:2",
		     "need Linux 5.16");
}

static void test_total_split(void **state)
{
	(void)state;
	/* 1025 over two nodes: 513 + 512, per node so that no thread puts the odd page elsewhere */
	expect("two-node", "[hugepages 2M]\ntotal = 1025\n", &k6_1, "hugepagesz=2M hugepages=0:513,1:512");
	/* before 5.16 only the plain count exists: round-robin from node 0 gives 513 + 512 */
	expect("two-node", "[hugepages 2M]\ntotal = 1025\n", &k5_10, "hugepagesz=2M hugepages=1025");
	/* three memory nodes (0, 2, 6; 3 has none): 4 = 2 + 1 + 1 */
	expect("four-node-sparse", "[hugepages 2M]\ntotal = 4\n", &k6_1, "hugepagesz=2M hugepages=0:2,2:1,6:1");
	/* 5.17 refuses node 6 (four nodes online): the plain count */
	expect("four-node-sparse", "[hugepages 2M]\ntotal = 4\n", &k5_17, "hugepagesz=2M hugepages=4");
	expect("four-node-sparse", "[hugepages 2M]\ntotal = 6\n", &k6_1, "hugepagesz=2M hugepages=6");
}

static void test_mixed_sizes(void **state)
{
	(void)state;
	/* largest size first, each hugepages= after its own hugepagesz= */
	expect("two-node", "[hugepages 2M]\ntotal = 2048\n\n[hugepages 1G]\ncount = 0:4, 1:4\n", &k6_1,
	       "hugepagesz=1G hugepages=0:4,1:4 hugepagesz=2M hugepages=2048");
	expect("two-node", "[hugepages 1G]\ntotal = 8\n[hugepages 2M]\ncount = 0:100, 1:0\n", &k6_1,
	       "hugepagesz=1G hugepages=8 hugepagesz=2M hugepages=0:100,1:0");
}

static void test_sparse_ids(void **state)
{
	(void)state;
	expect("four-node-sparse", "[hugepages 1G]\ncount = 6:1, 0:2\n", &k6_1, "hugepagesz=1G hugepages=0:2,6:1");
	/* ids below the number of online nodes (4) are fine on 5.16-5.18 */
	expect("four-node-sparse", "[hugepages 1G]\ncount = 0:2, 2:1\n", &k5_17, "hugepagesz=1G hugepages=0:2,2:1");
	/* node 6 is refused there: an even split still works as the sum ... */
	expect("four-node-sparse", "[hugepages 1G]\ncount = 0:1, 2:1, 6:1\n", &k5_17, "hugepagesz=1G hugepages=3");
	/* ... an uneven one cannot be said */
	expect_error("four-node-sparse", "[hugepages 1G]\ncount = 0:2, 6:1\n", &k5_17, "node 6",
		     "needs Linux 5.19; 5.17 refuses a node id at or above the number of online nodes (4)");
}

static void test_size_not_offered(void **state)
{
	(void)state;
	expect_error("rhel6", "[hugepages 2M]\ntotal = 4\n[hugepages 1G]\ncount = 0:1\n", &k6_1,
		     "t.conf:4: [hugepages 1G]: this machine offers no 1048576 kB hugepages",
		     "the kernel ignores hugepagesz=1G and the hugepages= after it");
}

/* A policy that reserves nothing: an empty fragment, not an error. */
static void test_nothing_to_reserve(void **state)
{
	(void)state;
	expect("two-node", "[run]\nmin_interval = 1m\n", &k6_1, "");
	/* counts of 0 are what the pool is at boot anyway: left out */
	expect("two-node", "[hugepages 2M]\ncount = 0:0, 1:0\n", &k6_1, "");
	expect("two-node", "[hugepages 2M]\ntotal = 0\n[hugepages 1G]\ncount = 0:1\n", &k6_1,
	       "hugepagesz=1G hugepages=0:1");
	/* a size this machine lacks, asked for 0 pages: nothing to say about it */
	expect("rhel6", "[hugepages 1G]\ntotal = 0\n", &k6_1, "");
}

static void test_too_long(void **state)
{
	struct bc_error e = { 0 };
	struct snapshot snap;
	struct policy pol;
	char out[16];

	(void)state;
	assert_int_equal(snapshot_read(FIXTURES "/two-node", &snap, &e), 0);
	assert_int_equal(policy_load_string("t.conf", "[hugepages 2M]\ntotal = 2048\n", &pol, &e), 0);
	/* longer than the buffer: the policy cannot be said (78), not an internal error (70) */
	assert_int_equal(cmdline_build(&pol, &snap, &k6_1, out, sizeof(out), &e), -BC_ECONFIG);
	assert_string_equal(out, "");
	assert_contains(e.msg, "t.conf: the kernel parameters for its hugepage targets are longer than 15 bytes");
	policy_free(&pol);
	snapshot_free(&snap);
}

/* COMMAND_LINE_SIZE by architecture, from the words uname and releases use. */
static void test_line_limits(void **state)
{
	static const struct { const char *text, *arch; unsigned size; } cases[] = {
		{ "x86_64", "x86_64", 2048 }, { "6.1.0-27-amd64", "x86_64", 2048 },
		{ "5.14.0-362.8.1.el9_3.aarch64+64k", "arm64", 2048 }, { "i686", "x86", 2048 },
		{ "ppc64le", "powerpc", 2048 }, { "4.18.0-513.el8.s390x", "s390", 896 },
		{ "riscv64", "riscv", 1024 }, { "armv7l", "arm", 1024 },
		{ "loongarch64", "loongarch", 4096 },
	};
	struct cmdline_limit l;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cmdline_limit_for(cases[i].text, &l) != 0)
			fail_msg("no limit for '%s'", cases[i].text);
		assert_string_equal(l.arch, cases[i].arch);
		assert_int_equal(l.size, cases[i].size);
	}
	/* a generic release, a token that only contains an architecture */
	assert_int_equal(cmdline_limit_for("6.8.0-45-generic", &l), -1);
	assert_int_equal(cmdline_limit_for("x86_64foo mips", &l), -1);
	/* a sosreport: its uname -a, whose host name is not taken for the machine */
	cmdline_limit_read(FIXTURES "/sosreport", &l);
	assert_string_equal(l.arch, "arm64");
	assert_string_equal(l.source, "sos_commands/kernel/uname_-a");
	assert_false(l.assumed);
	/* a tree that says nothing: the smallest limit known, assumed */
	cmdline_limit_read(FIXTURES "/two-node", &l);
	assert_true(l.assumed);
	assert_int_equal(l.size, 896);
	/* the kernel's own word (sysctl kernel.arch) */
	assert_int_equal(system("rm -rf build/karch && mkdir -p build/karch/proc/sys/kernel && "
				"echo ppc64le > build/karch/proc/sys/kernel/arch"), 0);
	cmdline_limit_read("build/karch", &l);
	assert_string_equal(l.arch, "powerpc");
	assert_string_equal(l.source, "proc/sys/kernel/arch");
	assert_int_equal(system("rm -rf build/karch"), 0);
}

/* The fragment alone must fit: at most COMMAND_LINE_SIZE - 1 bytes; the message names policy and limit. */
static void test_length_checked(void **state)
{
	struct cmdline_limit x86, unknown = { .size = 896, .assumed = true };
	struct bc_error e = { 0 };
	struct policy pol;

	(void)state;
	assert_int_equal(cmdline_limit_for("x86_64", &x86), 0);
	assert_int_equal(policy_load_string("t.conf", "[hugepages 2M]\ntotal = 2\n", &pol, &e), 0);
	assert_int_equal(cmdline_check_length(&pol, 2047, &x86, &e), 0);
	assert_int_equal(cmdline_check_length(&pol, 2314, &x86, &e), -BC_ECONFIG);
	assert_contains(e.msg, "t.conf: the kernel parameters for its hugepage targets take 2314 bytes; "
		        "the x86_64 kernel command line holds at most 2047 (COMMAND_LINE_SIZE 2048");
	assert_int_equal(cmdline_check_length(&pol, 2048, &x86, &e), -BC_ECONFIG);
	assert_int_equal(cmdline_check_length(&pol, 900, &unknown, &e), -BC_ECONFIG);
	assert_contains(e.msg, "an unknown architecture's kernel command line holds at most 895 (the smallest limit known, s390's)");
	policy_free(&pol);
}

/* The GRUB drop-in: the fragment appended, a policy name that cannot break out of its comment. */
static void test_grub_dropin(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(cmdline_grub_dropin(f, "hugepagesz=2M hugepages=64", "/etc/x\nreboot\n.conf"), 0);
	fclose(f);
	assert_contains(text, "\nGRUB_CMDLINE_LINUX=\"$buddyctl_kept${buddyctl_kept:+ }hugepagesz=2M hugepages=64\"\n");
	assert_contains(text, "# /etc/x?reboot?.conf on the kernel command line.");
	assert_true(strstr(text, "\nreboot") == NULL);
	free(text);
	f = open_memstream(&text, &len);
	assert_int_equal(cmdline_grub_dropin(f, "", "p.conf"), 0);
	fclose(f);
	assert_contains(text, "\nGRUB_CMDLINE_LINUX=$buddyctl_kept\n");
	free(text);
}

/*
 * remedy_advise() for policy on tree (tests/fixtures/ or tests/fixtures/boot/),
 * kernel kv booted as boot, its fragment built first; an x86-64 line.
 */
static void advise(const char *tree, const char *policy, const struct kernel_version *kv,
		   const struct kernel_boot *boot, struct boot_advice *adv)
{
	struct cmdline_limit lim;
	struct bc_error e = { 0 };
	struct snapshot snap;
	struct policy pol;
	char root[128], frag[2048];

	snprintf(root, sizeof(root), FIXTURES "/%s", tree);
	assert_int_equal(snapshot_read(root, &snap, &e), 0);
	if (policy_load_string("t.conf", policy, &pol, &e) != 0)
		fail_msg("%s", e.msg);
	if (cmdline_build(&pol, &snap, kv, frag, sizeof(frag), &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(cmdline_limit_for("x86_64", &lim), 0);
	remedy_advise(&pol, &snap, kv, boot, frag, &lim, adv);
	policy_free(&pol);
	snapshot_free(&snap);
}

/* The warning of code in adv, or NULL. */
static const char *warning(const struct boot_advice *adv, const char *code)
{
	unsigned i;

	for (i = 0; i < adv->nr_warnings; i++)
		if (!strcmp(adv->warnings[i].code, code))
			return adv->warnings[i].text;
	return NULL;
}

static const char PERNODE[] = "[hugepages 1G]\ncount = 0:1, 1:2\n[hugepages 2M]\ncount = 0:16, 1:8\n";

/*
 * hugetlb_cma: offered only where /proc/meminfo has CmaTotal (CONFIG_CMA),
 * per node from 5.16, in total before where that says the same, never
 * before 5.7, and always in place of the fragment's gigantic words.
 */
static void test_remedy_cma(void **state)
{
	const struct kernel_boot boot = { 0 };
	struct boot_advice adv;
	const struct remedy *c = &adv.remedies[REMEDY_HUGETLB_CMA];

	(void)state;
	advise("boot/cma-7.3", PERNODE, &k7_3, &boot, &adv);
	assert_true(c->offered);
	assert_string_equal(c->option, "hugetlb_cma");
	assert_string_equal(c->words, "hugetlb_cma=0:1G,1:2G");
	assert_string_equal(c->replaces, "hugepagesz=1G hugepages=0:1,1:2");
	assert_contains(c->why, "In place of hugepagesz=1G hugepages=0:1,1:2, never beside");
	assert_contains(c->rule, "5.16 per node");
	/* the hugepages= words stay the fragment's */
	assert_true(adv.remedies[REMEDY_HUGEPAGES].offered);
	assert_string_equal(adv.remedies[REMEDY_HUGEPAGES].words,
			    "hugepagesz=1G hugepages=0:1,1:2 hugepagesz=2M hugepages=0:16,1:8");
	/* Debian's 6.1: no CONFIG_CMA, no CmaTotal */
	advise("boot/nocma-6.1", PERNODE, &k6_1, &boot, &adv);
	assert_false(c->offered);
	assert_string_equal(c->words, "");
	assert_contains(c->why, "/proc/meminfo has no CmaTotal: this kernel is built without CONFIG_CMA");
	/* 5.10 with CMA: 2 + 1 is round-robin for hugepages=3, but not for the CMA area's even halves ... */
	advise("boot/v5.10", "[hugepages 1G]\ncount = 0:2, 1:1\n", &k5_10, &boot, &adv);
	assert_false(c->offered);
	assert_contains(c->why, "not spread evenly over the nodes: that needs hugetlb_cma=NODE:SIZE, Linux 5.16; this kernel is 5.10");
	/* ... an even split can, in total: the kernel halves it */
	advise("boot/v5.10", "[hugepages 1G]\ncount = 0:1, 1:1\n", &k5_10, &boot, &adv);
	assert_true(c->offered);
	assert_string_equal(c->words, "hugetlb_cma=2G");
	assert_string_equal(c->replaces, "hugepagesz=1G hugepages=2");
	advise("boot/v5.10", "[hugepages 1G]\ncount = 0:1, 1:1\n", &k5_4, &boot, &adv);
	assert_false(c->offered);
	assert_contains(c->why, "hugetlb_cma= needs Linux 5.7; this kernel is 5.4");
	/* no gigantic pool: nothing for it to do */
	advise("boot/cma-7.3", "[hugepages 2M]\ntotal = 64\n", &k7_3, &boot, &adv);
	assert_false(c->offered);
	assert_contains(c->why, "no pool of gigantic pages (larger than 4M)");
}

/* hugepage_alloc_threads: from 6.15, for many non-gigantic pages, one thread per CPU. */
static void test_remedy_threads(void **state)
{
	struct kernel_boot boot = { .nr_cpus = 4 };
	struct boot_advice adv;
	const struct remedy *t = &adv.remedies[REMEDY_ALLOC_THREADS];
	/* 40,000 x 2M = 80000M on two-node's 32 GiB: the advice does not judge what fits */
	static const char many[] = "[hugepages 2M]\nforce = yes\ntotal = 40000\n";

	(void)state;
	advise("two-node", many, &k6_15, &boot, &adv);
	assert_true(t->offered);
	assert_string_equal(t->words, "hugepage_alloc_threads=4");
	assert_contains(t->why, "80000M of non-gigantic pages at boot");
	advise("two-node", many, &k6_14, &boot, &adv);
	assert_false(t->offered);
	assert_contains(t->why, "needs Linux 6.15; this kernel is 6.14");
	boot.nr_cpus = 0;
	advise("two-node", many, &k6_15, &boot, &adv);
	assert_false(t->offered);
	assert_contains(t->why, "the number of CPUs is unknown");
	advise("two-node", "[hugepages 2M]\ntotal = 2048\n", &k6_15, &boot, &adv);
	assert_false(t->offered);
	assert_contains(t->why, "4G of non-gigantic pages are quick to allocate at boot");
	advise("two-node", "[hugepages 1G]\ntotal = 2\n", &k6_15, &boot, &adv);
	assert_false(t->offered);
	assert_contains(t->why, "no non-gigantic pages at boot");
}

/* The traps: a gigantic default size, hugetlb_cma= already set, 6.1's node fallback, a long line. */
static void test_remedy_traps(void **state)
{
	struct kernel_boot boot = { .cmdline_read = true };
	struct boot_advice adv;
	const char *w;

	(void)state;
	advise("boot/nocma-6.1", PERNODE, &k6_1, &boot, &adv);
	assert_null(warning(&adv, "default-hugepagesz"));
	assert_null(warning(&adv, "hugetlb-cma-set"));
	w = warning(&adv, "gigantic-node-fallback");
	assert_non_null(w);
	assert_contains(w, "Linux 6.1 may take a node's gigantic boot pages from another node");
	/* 7.3 keeps them on their node; an unknown kernel is taken as a current one */
	advise("boot/nocma-6.1", PERNODE, &k7_3, &boot, &adv);
	assert_null(warning(&adv, "gigantic-node-fallback"));
	advise("boot/nocma-6.1", PERNODE, &kunknown, &boot, &adv);
	assert_null(warning(&adv, "gigantic-node-fallback"));
	/* one count for the machine: no node to miss */
	advise("boot/nocma-6.1", "[hugepages 1G]\ntotal = 2\n", &k6_1, &boot, &adv);
	assert_null(warning(&adv, "gigantic-node-fallback"));

	snprintf(boot.default_size, sizeof(boot.default_size), "1G");
	advise("boot/nocma-6.1", "[hugepages 2M]\ntotal = 64\n", &k6_1, &boot, &adv);
	w = warning(&adv, "default-hugepagesz");
	assert_non_null(w);
	assert_contains(w, "the default hugepage size is 1G (default_hugepagesz=1G on the running command line): "
			"/proc/meminfo's HugePages_*, vm.nr_hugepages and hugetlbfs mounts without pagesize= mean 1G pages, "
			"while the 2M folders stay");
	snprintf(boot.default_size, sizeof(boot.default_size), "2M");
	advise("boot/nocma-6.1", "[hugepages 2M]\ntotal = 64\n", &k6_1, &boot, &adv);
	assert_null(warning(&adv, "default-hugepagesz"));

	boot.hugetlb_cma = true;
	advise("boot/cma-7.3", PERNODE, &k7_3, &boot, &adv);
	w = warning(&adv, "hugetlb-cma-set");
	assert_non_null(w);
	assert_contains(w, "the kernel skips boot-time gigantic pages and hugepagesz=1G hugepages=0:1,1:2 gives none");
	advise("boot/cma-7.3", "[hugepages 2M]\ntotal = 64\n", &k7_3, &boot, &adv);
	assert_null(warning(&adv, "hugetlb-cma-set"));
}

/* What the running kernel was booted with: proc/cmdline's hugepage words, the CPUs online. */
static void test_kernel_boot_read(void **state)
{
	struct kernel_boot b;

	(void)state;
	kernel_boot_read(FIXTURES "/boot/cma-7.3", &b);
	assert_true(b.cmdline_read);
	assert_true(b.hugetlb_cma);
	assert_string_equal(b.default_size, "");
	assert_int_equal(b.nr_cpus, 2);
	kernel_boot_read(FIXTURES "/two-node", &b);
	assert_false(b.cmdline_read);
	assert_int_equal(b.nr_cpus, 0);
	assert_int_equal(system("rm -rf build/kboot && mkdir -p build/kboot/proc build/kboot/sys/devices/system/cpu"), 0);
	tree_put("build/kboot", "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 xdefault_hugepagesz=2M default_hugepagesz=1G quiet\n");
	tree_put("build/kboot", "sys/devices/system/cpu/online", "0-3,8,10-11\n");
	kernel_boot_read("build/kboot", &b);
	assert_string_equal(b.default_size, "1G");
	assert_false(b.hugetlb_cma);
	assert_int_equal(b.nr_cpus, 7);
	/* not a CPU list: unknown, not a guess */
	tree_put("build/kboot", "sys/devices/system/cpu/online", "0-3,x\n");
	kernel_boot_read("build/kboot", &b);
	assert_int_equal(b.nr_cpus, 0);
	tree_put("build/kboot", "sys/devices/system/cpu/online", "3-1\n");
	kernel_boot_read("build/kboot", &b);
	assert_int_equal(b.nr_cpus, 0);
	assert_int_equal(system("rm -rf build/kboot"), 0);
}

static void test_kernel_version(void **state)
{
	struct kernel_version v;

	(void)state;
	assert_int_equal(kernel_version_parse("6.1.0-27-amd64\n", &v), 0);
	assert_int_equal(v.major, 6);
	assert_int_equal(v.minor, 1);
	assert_int_equal(kernel_version_parse("5.19", &v), 0);
	assert_int_equal(v.minor, 19);
	assert_int_equal(kernel_version_parse("2.6.32-754.el6.x86_64", &v), 0);
	assert_int_equal(v.major, 2);
	assert_int_equal(v.minor, 6);
	assert_int_equal(kernel_version_parse("6", &v), -1);
	assert_int_equal(kernel_version_parse("v6.1", &v), -1);
	assert_int_equal(kernel_version_parse("", &v), -1);
}

/* osrelease missing, there and parsed, there but unparseable, there but unreadable: told apart. */
static void test_kernel_release_read(void **state)
{
	struct kernel_version v;
	char text[80];

	(void)state;
	assert_int_equal(system("rm -rf build/rel && mkdir -p build/rel/proc/sys/kernel"), 0);
	assert_int_equal(kernel_release_read("build/rel", &v, text, sizeof(text)), RELEASE_MISSING);
	assert_int_equal(v.major, 0);
	assert_string_equal(text, "");
	tree_put("build/rel", "proc/sys/kernel/osrelease", "6.1.0-27-amd64\n");
	assert_int_equal(kernel_release_read("build/rel", &v, text, sizeof(text)), RELEASE_PARSED);
	assert_int_equal(v.major, 6);
	assert_int_equal(v.minor, 1);
	assert_string_equal(text, "6.1.0-27-amd64");
	/* the first line as read: the caller escapes it */
	tree_put("build/rel", "proc/sys/kernel/osrelease", "\033[2Jlinux\r\nsecond\n");
	assert_int_equal(kernel_release_read("build/rel", &v, text, sizeof(text)), RELEASE_UNPARSEABLE);
	assert_int_equal(v.major, 0);
	assert_string_equal(text, "\033[2Jlinux\r");
	tree_put("build/rel", "proc/sys/kernel/osrelease", "0.99\n");	/* no Linux release */
	assert_int_equal(kernel_release_read("build/rel", &v, text, sizeof(text)), RELEASE_UNPARSEABLE);
	assert_int_equal(v.major, 0);
	assert_int_equal(system("rm build/rel/proc/sys/kernel/osrelease && "
				"mkdir build/rel/proc/sys/kernel/osrelease"), 0);
	assert_int_equal(kernel_release_read("build/rel", &v, text, sizeof(text)), RELEASE_UNREADABLE);
	assert_int_equal(v.major, 0);
	assert_true(text[0] != '\0');	/* why */
	assert_int_equal(system("rm -rf build/rel"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_size),
		cmocka_unit_test(test_per_node_counts),
		cmocka_unit_test(test_total_split),
		cmocka_unit_test(test_mixed_sizes),
		cmocka_unit_test(test_sparse_ids),
		cmocka_unit_test(test_size_not_offered),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_kernel_version),
		cmocka_unit_test(test_nothing_to_reserve),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_length_checked),
		cmocka_unit_test(test_grub_dropin),
		cmocka_unit_test(test_kernel_release_read),
		cmocka_unit_test(test_remedy_cma),
		cmocka_unit_test(test_remedy_threads),
		cmocka_unit_test(test_remedy_traps),
		cmocka_unit_test(test_kernel_boot_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
