/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy/read/sysctl.c: the sysctl.d(5) lines that size a hugepage pool, as
 * systemd-sysctl reads them; the files in its order under a root (the
 * tests/fixtures/sysctl tree, copied into build/ and given its links and a
 * FIFO there); and the conflicts with a policy's targets.
 */
#include "testutil.h"

#include <sys/stat.h>

#include "sysctl.h"
#include "sysctl_conflict.h"

static struct sysctl_hp_set parse(const char *text, size_t len)
{
	struct sysctl_hp_set set;

	memset(&set, 0, sizeof(set));
	sysctl_hp_parse("f.conf", text, len, &set);
	return set;
}

#define PARSE(text) parse(text, sizeof(text) - 1)

/* The effective line of key, as "LINE VALUE", or "none". */
static const char *eff(const struct sysctl_hp_set *set, enum sysctl_hp_key key)
{
	static char buf[2][256];
	const struct sysctl_hp *h = sysctl_hp_effective(set, key);

	if (!h)
		return "none";
	snprintf(buf[key], sizeof(buf[key]), "%u %s", h->line, h->value);
	return buf[key];
}

#define NR SYSCTL_NR_HUGEPAGES
#define MP SYSCTL_NR_HUGEPAGES_MEMPOLICY

/* Both separators, the "-" prefix, blanks, comments: systemd-sysctl's reading. */
static void keys_as_systemd_reads_them(void **state)
{
	struct sysctl_hp_set s;

	(void)state;
	s = PARSE("# a comment\n; another\n\n  vm.nr_hugepages = 512  \n");
	assert_string_equal(eff(&s, NR), "4 512");
	assert_string_equal(eff(&s, MP), "none");
	assert_string_equal(s.by_name[NR].key, "vm.nr_hugepages");
	assert_string_equal(s.by_name[NR].file, "f.conf");
	s = PARSE("vm/nr_hugepages=16\n");
	assert_string_equal(eff(&s, NR), "1 16");
	assert_string_equal(s.by_name[NR].key, "vm/nr_hugepages");
	/* "-": a failed write is no error, but the key is set all the same */
	s = PARSE("-vm.nr_hugepages_mempolicy = 8\n");
	assert_string_equal(eff(&s, MP), "1 8");
	/* "//" is one, a leading "/" goes (sysctl_normalize()) */
	s = PARSE("vm//nr_hugepages = 3\n");
	assert_string_equal(eff(&s, NR), "1 3");
	s = PARSE("/vm/nr_hugepages = 4\n");
	assert_string_equal(eff(&s, NR), "1 4");
	/* the first separator a slash: the dot stays a dot, no such key */
	s = PARSE("vm/nr.hugepages = 5\nvm.nr/hugepages = 5\n");
	assert_string_equal(eff(&s, NR), "none");
	/* a dotted first separator swaps: vm.nr_hugepages/x is vm/nr_hugepages.x */
	s = PARSE("vm.nr_hugepages.x = 6\nvm.nr_hugepages_x = 6\n");
	assert_string_equal(eff(&s, NR), "none");
	/* not the pool's size: the overcommit limit, other keys, comments, no "=" */
	s = PARSE("vm.nr_overcommit_hugepages = 8\nkernel.pid_max = 1\n# vm.nr_hugepages = 9\n"
		  "  ;vm.nr_hugepages = 9\nvm.nr_hugepages 9\n");
	assert_string_equal(eff(&s, NR), "none");
	assert_string_equal(eff(&s, MP), "none");
}

/* Line ends: \n, \r\n (one line), \r and NUL (each one end); the last line without one. */
static void line_ends(void **state)
{
	struct sysctl_hp_set s;

	(void)state;
	s = PARSE("a = 1\r\nb = 2\r\nvm.nr_hugepages = 12\r\n");
	assert_string_equal(eff(&s, NR), "3 12");
	s = PARSE("a = 1\rb = 2\rvm.nr_hugepages = 13");
	assert_string_equal(eff(&s, NR), "3 13");
	s = PARSE("a = 1\0vm.nr_hugepages = 14\n");
	assert_string_equal(eff(&s, NR), "2 14");
	s = PARSE("");
	assert_string_equal(eff(&s, NR), "none");
	s = PARSE("\n\n\n");
	assert_string_equal(eff(&s, NR), "none");
}

/*
 * One table by key: a later assignment replaces an earlier one, the same
 * value keeps the first place, an empty value writes nothing, an exclusion
 * ("-key", no "=") takes the key's place.
 */
static void later_lines_win(void **state)
{
	struct sysctl_hp_set s;

	(void)state;
	s = PARSE("vm.nr_hugepages = 1\nvm.nr_hugepages = 2\n");
	assert_string_equal(eff(&s, NR), "2 2");
	s = PARSE("vm.nr_hugepages = 7\nvm/nr_hugepages = 7\n");
	assert_string_equal(eff(&s, NR), "1 7");
	s = PARSE("vm.nr_hugepages = 7\nvm.nr_hugepages =\n");
	assert_string_equal(eff(&s, NR), "none");
	s = PARSE("vm.nr_hugepages = 7\n-vm.nr_hugepages\n");
	assert_string_equal(eff(&s, NR), "none");
	s = PARSE("-vm.nr_hugepages\nvm.nr_hugepages = 9\n");
	assert_string_equal(eff(&s, NR), "2 9");
	/* across files: the table carries over */
	memset(&s, 0, sizeof(s));
	sysctl_hp_parse("a.conf", "vm.nr_hugepages = 1\n", 20, &s);
	sysctl_hp_parse("b.conf", "x = y\nvm.nr_hugepages = 2\n", 26, &s);
	assert_string_equal(eff(&s, NR), "2 2");
	assert_string_equal(s.by_name[NR].file, "b.conf");
}

/* A pattern sets a key the table does not hold by name, unless an exclusion names it. */
static void patterns(void **state)
{
	struct sysctl_hp_set s;

	(void)state;
	s = PARSE("vm.nr_huge* = 16\n");
	assert_string_equal(eff(&s, NR), "1 16");
	assert_string_equal(eff(&s, MP), "1 16");
	assert_true(s.by_glob[NR].glob);
	s = PARSE("vm.nr_hugepages = 4\nvm.nr_huge* = 16\n");
	assert_string_equal(eff(&s, NR), "1 4");
	assert_string_equal(eff(&s, MP), "2 16");
	s = PARSE("-vm.nr_hugepages\nvm.* = 16\n");
	assert_string_equal(eff(&s, NR), "none");
	assert_string_equal(eff(&s, MP), "2 16");
	/* a "*" does not cross a "/": /proc/sys is globbed */
	s = PARSE("* = 1\nvm = 2\nv?/nr_hugepages = 3\n");
	assert_string_equal(eff(&s, NR), "3 3");
	s = PARSE("*/nr_hugepages_[m]empolicy = 5\n");
	assert_string_equal(eff(&s, MP), "1 5");
	assert_string_equal(eff(&s, NR), "none");
}

/* Control bytes are escaped, a long value cut; long keys are no one's; nothing crashes. */
static void hostile_text(void **state)
{
	struct sysctl_hp_set s;
	char big[4096];

	(void)state;
	s = PARSE("vm.nr_hugepages = \x1b[31m5\x7f\n");
	assert_string_equal(s.by_name[NR].value, "\\x1b[31m5\\x7f");
	memset(big, 'a', sizeof(big));
	memcpy(big, "vm.nr_hugepages=", 16);
	s = parse(big, sizeof(big));
	assert_non_null(strstr(s.by_name[NR].value, "..."));
	memset(big, '/', sizeof(big) - 20);
	memcpy(big + sizeof(big) - 20, "vm/nr_hugepages = 1\n", 20);
	s = parse(big, sizeof(big));
	assert_string_equal(eff(&s, NR), "1 1");	/* "//..." is one "/" */
	memset(big, 'v', sizeof(big) - 4);
	memcpy(big + sizeof(big) - 4, "=1\n\n", 4);
	s = parse(big, sizeof(big));
	assert_string_equal(eff(&s, NR), "none");
	s = PARSE("=\n==\n-\n- =\n= 5\n-=-\n");
	assert_string_equal(eff(&s, NR), "none");
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

#define TREE "build/sysctl-tree"

static struct sysctl_hp_set read_tree(void)
{
	struct sysctl_hp_set s;

	sysctl_hp_read(TREE, &s);
	return s;
}

/* Where key is set: "FILE:LINE VALUE" with the tree's path cut off, or "none". */
static const char *at(const struct sysctl_hp_set *set, enum sysctl_hp_key key)
{
	static char buf[2][600];
	const struct sysctl_hp *h = sysctl_hp_effective(set, key);
	const char *f;

	if (!h)
		return "none";
	f = h->file;
	assert_memory_equal(f, TREE "/", strlen(TREE) + 1);
	snprintf(buf[key], sizeof(buf[key]), "%s:%u %s", f + strlen(TREE), h->line, h->value);
	return buf[key];
}

/*
 * The files in systemd-sysctl's order: by name across the directories (so
 * /run's 20-run.conf comes before /etc's 90-vendor.conf), a name in /etc
 * hiding it in /usr/lib, a link to /dev/null masking a name, /etc/sysctl.conf
 * last unless a sysctl.d link already read it.
 */
static void files_in_systemd_order(void **state)
{
	struct sysctl_hp_set s;

	(void)state;
	sh("rm -rf " TREE " && cp -r " FIXTURES "/sysctl " TREE " && mv " TREE "/etc/sysctl.conf " TREE "/sysctl.conf.off && "
	   "ln -s /dev/null " TREE "/etc/sysctl.d/95-masked.conf");
	s = read_tree();
	assert_string_equal(at(&s, NR), "/etc/sysctl.d/90-vendor.conf:3 256");
	assert_string_equal(at(&s, MP), "/usr/lib/sysctl.d/50-vendor.conf:2 64");
	assert_string_equal(s.unread, "");

	/* /etc/sysctl.conf: read last */
	sh("mv " TREE "/sysctl.conf.off " TREE "/etc/sysctl.conf");
	s = read_tree();
	assert_string_equal(at(&s, NR), "/etc/sysctl.conf:4 300");

	/* linked from sysctl.d (Debian, Fedora): read once, as the link */
	sh("ln -s ../sysctl.conf " TREE "/etc/sysctl.d/99-sysctl.conf");
	s = read_tree();
	assert_string_equal(at(&s, NR), "/etc/sysctl.d/99-sysctl.conf:4 300");
	assert_string_equal(s.unread, "");
	/* so a name after 99-sysctl.conf wins: /etc/sysctl.conf is not read again after it */
	sh("printf 'vm.nr_hugepages = 400\\n' > " TREE "/etc/sysctl.d/99-zz.conf");
	s = read_tree();
	assert_string_equal(at(&s, NR), "/etc/sysctl.d/99-zz.conf:1 400");
	sh("rm " TREE "/etc/sysctl.d/99-zz.conf");

	/* merged /usr: /lib/sysctl.d is /usr/lib/sysctl.d, its names hidden already */
	sh("mkdir -p " TREE "/usr/local/lib/sysctl.d && ln -s usr/lib " TREE "/lib");
	s = read_tree();
	assert_string_equal(at(&s, MP), "/usr/lib/sysctl.d/50-vendor.conf:2 64");

	/* without the mask, 95-masked.conf is read */
	sh("rm " TREE "/etc/sysctl.d/95-masked.conf");
	s = read_tree();
	assert_string_equal(at(&s, MP), "/usr/lib/sysctl.d/95-masked.conf:1 999");
	/* an empty file of the same name hides it just as well */
	sh(": > " TREE "/run/sysctl.d/95-masked.conf");
	s = read_tree();
	assert_string_equal(at(&s, MP), "/usr/lib/sysctl.d/50-vendor.conf:2 64");
}

/*
 * What cannot be read is noted, never followed out of the tree, never an
 * error: a link to a FIFO, a link leading out of the root; a FIFO, a
 * directory named *.conf, hidden files and other names skipped as systemd
 * skips them.
 */
static void hostile_tree(void **state)
{
	struct sysctl_hp_set s;

	(void)state;
	sh("rm -rf " TREE " && cp -r " FIXTURES "/sysctl " TREE " && cd " TREE "/etc/sysctl.d && "
	   "mkfifo 70-fifo.conf ../fifo && ln -s ../fifo 71-fifo.conf && ln -s /etc/passwd 60-out.conf && "
	   "ln -s ../../../../x 61-up.conf && "
	   "mkdir 65-dir.conf && printf 'vm.nr_hugepages = 5\\n' > .hidden.conf && "
	   "printf 'vm.nr_hugepages = 6\\n' > 98-README && printf 'vm.nr_hugepages = 7\\n' > 98-x.conf.bak");
	s = read_tree();
	assert_string_equal(at(&s, NR), "/etc/sysctl.conf:4 300");
	assert_string_equal(at(&s, MP), "/usr/lib/sysctl.d/95-masked.conf:1 999");
	/* a FIFO by name is skipped as systemd skips it (not a file), one through a link refused */
	assert_null(strstr(s.unread, "70-fifo"));
	assert_contains(s.unread, TREE "/etc/sysctl.d/71-fifo.conf: not a regular file");
	assert_contains(s.unread, TREE "/etc/sysctl.d/60-out.conf: a symbolic link or '..' leads outside the root directory");
	assert_contains(s.unread, TREE "/etc/sysctl.d/61-up.conf: ");
	assert_null(strstr(s.unread, "65-dir"));
	/* a file name with a control byte is shown escaped */
	sh("printf 'vm.nr_hugepages_mempolicy = 8\\n' > '" TREE "/etc/sysctl.d/99-\033[2J.conf'");
	s = read_tree();
	assert_string_equal(at(&s, MP), "/etc/sysctl.d/99-\\x1b[2J.conf:1 8");
	/* no tree at all: nothing set, nothing to say */
	sysctl_hp_read("build/no-such-tree", &s);
	assert_string_equal(eff(&s, NR), "none");
	assert_string_equal(s.unread, "");
}

static void load(struct policy *p, const char *text)
{
	struct bc_error e = { 0 };

	if (policy_load_string("t.conf", text, p, &e) != 0)
		fail_msg("%s", e.msg);
}

/* One conflict per key that sets the pool of the default size, if the policy sets that size. */
static void conflicts_with_the_policy(void **state)
{
	struct sysctl_conflict c[SYSCTL_HP_NR];
	struct sysctl_hp_set s;
	struct policy p;

	(void)state;
	s = PARSE("\nvm.nr_hugepages = 512\n");
	load(&p, "[fragmentation]\norder = 9\n[hugepages 1G]\ncount = 0:1\n[hugepages 2M]\n\ncount = 1:32\n");
	assert_int_equal(sysctl_hp_conflicts(&s, &p, 2048, c), 1);
	assert_ptr_equal(c[0].setting, &s.by_name[NR]);
	assert_int_equal(c[0].target->size_kb, 2048);
	assert_string_equal(c[0].text,
			    "f.conf:2 sets vm.nr_hugepages = 512, and t.conf:7 sets the 2M pool: each undoes the other "
			    "(sysctl at boot and at every sysctl --system, buddyctl after it); keep one");
	/* the default size is 1G: the 1G section */
	assert_int_equal(sysctl_hp_conflicts(&s, &p, 1048576, c), 1);
	assert_contains(c[0].text, "t.conf:4 sets the 1G pool");
	/* unknown default size, or one the policy does not set: none */
	assert_int_equal(sysctl_hp_conflicts(&s, &p, 0, c), 0);
	assert_int_equal(sysctl_hp_conflicts(&s, &p, 64, c), 0);
	policy_free(&p);

	/* both keys, a pattern said so; nothing when nothing is set */
	s = PARSE("vm.nr_hugepages = 0\nvm.nr_huge*_mempolicy = 4\n");
	load(&p, "[hugepages 2M]\ntotal = 8\n");
	assert_int_equal(sysctl_hp_conflicts(&s, &p, 2048, c), 2);
	assert_contains(c[0].text, "f.conf:1 sets vm.nr_hugepages = 0, and t.conf:2 sets the 2M pool");
	assert_contains(c[1].text, "f.conf:2 sets vm.nr_huge*_mempolicy = 4 (a pattern), and t.conf:2");
	s = PARSE("vm.nr_overcommit_hugepages = 64\n");
	assert_int_equal(sysctl_hp_conflicts(&s, &p, 2048, c), 0);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_as_systemd_reads_them),
		cmocka_unit_test(line_ends),
		cmocka_unit_test(later_lines_win),
		cmocka_unit_test(patterns),
		cmocka_unit_test(hostile_text),
		cmocka_unit_test(files_in_systemd_order),
		cmocka_unit_test(hostile_tree),
		cmocka_unit_test(conflicts_with_the_policy),
	};

	return cmocka_run_group_tests_name("sysctl", tests, NULL, NULL);
}
