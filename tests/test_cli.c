/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line as a user meets it: a table of arguments, the exit status
 * and fragments expected on stdout and stderr. Runs the binary named by
 * $BUDDYCTL (./buddyctl by default) against the fixture trees.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct run {
	int status;
	char out[1 << 20];
	char err[8192];
};

static void drain(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size && (r = read(fd, buf + n, size - n - 1)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

/* Run buddyctl with argv (NULL-terminated); stdout and stderr captured. */
static void run(struct run *r, const char *const *args)
{
	const char *bin = getenv("BUDDYCTL") ? getenv("BUDDYCTL") : "./buddyctl";
	char out_tmp[] = "/tmp/buddyctl-test-out.XXXXXX", err_tmp[] = "/tmp/buddyctl-test-err.XXXXXX";
	const char *argv[32];
	int fo = mkstemp(out_tmp), fe = mkstemp(err_tmp), st, i;
	pid_t pid;

	assert_true(fo >= 0 && fe >= 0);
	argv[0] = bin;
	for (i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		setenv("NO_COLOR", "1", 1);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	drain(fo, r->out, sizeof(r->out));
	drain(fe, r->err, sizeof(r->err));
	close(fo);
	close(fe);
	unlink(out_tmp);
	unlink(err_tmp);
}

struct case_ {
	const char *args[12];
	int status;
	const char *out;	/* fragment of stdout, or NULL */
	const char *err;	/* fragment of stderr, or NULL; "" = stderr empty */
};

#define FX(m) "--root", FIXTURES "/" m
/* broken copies of the vm tree, made by setup() */
#define FXD(m) "--root", "build/fx/" m

static const struct case_ cases[] = {
	{ { "--help" }, 0, "Usage: buddyctl", "" },
	{ { "--version" }, 0, "buddyctl 0.", "" },
	{ { NULL }, 64, NULL, "no command given" },
	{ { "frobnicate" }, 64, NULL, "unknown command 'frobnicate'" },
	{ { "status", "extra" }, 64, NULL, "unexpected argument 'extra'" },
	{ { "--bogus", "status" }, 64, NULL, "unknown option '--bogus'" },
	{ { "status", "--format" }, 64, NULL, "option '--format' needs a value" },
	{ { "status", "--format", "yaml" }, 64, NULL, "unknown format 'yaml'" },
	{ { "status", "--color", "sometimes" }, 64, NULL, "--color: unknown value 'sometimes'" },
	{ { "status", "--root", "/nonexistent" }, 66, "", "/nonexistent/proc/zoneinfo: No such file or directory" },
	{ { "status", FX("vm"), "--node", "7" }, 64, "", "--node: node 7 does not exist (nodes: 0)" },
	{ { "status", FX("vm"), "--node", "0-" }, 64, "", "--node: invalid node list '0-'" },
	{ { "status", FX("vm") }, 0, "Node 0: ", "" },
	{ { "status", FX("vm"), "-f", "json" }, 0, "\"schema\":1", "" },
	{ { "status", FX("vm"), "-f", "prometheus" }, 0, "# TYPE buddyctl_free_blocks gauge", "" },
	{ { "status", FX("two-node"), "--node", "1" }, 0, "Node 1: ", "" },
	{ { "status", FX("four-node-sparse") }, 0, "Node 3: no memory (CPU-only node)", "" },
	{ { "status", FX("four-node-sparse"), "--node", "1" }, 64, "", "node 1 does not exist (nodes: 0,2,3,6)" },
	{ { "status", FX("arm64-64k") }, 0, "page size 64K, 14 orders", "" },
	{ { "status", FX("movable") }, 0, "Movable", "" },
	{ { "status", FX("movable") }, 0, "pagetypeinfo not read", "" },
	{ { "status", FX("gigantic"), "-f", "json" }, 0, "\"size_kb\":1048576", "" },
	{ { "status", FXD("bad-buddyinfo") }, 65, "", "proc/buddyinfo:4: 12 order columns where earlier lines have 11, for zone 'Normal'" },
	{ { "status", FXD("no-buddyinfo") }, 66, "", "proc/buddyinfo: No such file or directory" },
	{ { "status", FXD("bad-node-meminfo") }, 65, "", "node0/meminfo:1: expected unit 'kB', got 'MB'" },
	{ { "status", FXD("bad-online") }, 65, "", "node/online: invalid node list 'zero'" },
	{ { "status", FXD("bad-hugepages") }, 65, "", "hugepages-2048kB/free_hugepages:1: expected a non-negative integer, got '-3'" },
};

static void table(void **state)
{
	static struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct case_ *c = &cases[i];

		run(&r, c->args);
		if (r.status != c->status)
			fail_msg("case %zu (%s %s): exit %d, expected %d; stderr: %s", i,
				 c->args[0] ? c->args[0] : "", c->args[1] ? c->args[1] : "",
				 r.status, c->status, r.err);
		if (c->out && c->out[0])
			assert_contains(r.out, c->out);
		if (c->out && !c->out[0] && r.out[0])
			fail_msg("case %zu: expected no stdout (no partial output), got: %.200s", i, r.out);
		if (c->err && c->err[0])
			assert_contains(r.err, c->err);
		if (c->err && !c->err[0] && r.err[0])
			fail_msg("case %zu: expected empty stderr, got: %s", i, r.err);
		if (r.err[0] && strchr(r.err, '\n') != strrchr(r.err, '\n') &&
		    !strstr(r.err, "Try 'buddyctl --help'"))
			fail_msg("case %zu: error is more than one line: %s", i, r.err);
	}
}

/* --output writes the whole file or nothing, and leaves no temporary file. */
static void output_atomic(void **state)
{
	char dir[] = "/tmp/buddyctl-out.XXXXXX", path[256], cmd[512];
	static struct run r;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/buddyctl.prom", dir);
	{
		const char *args[] = { "status", FX("two-node"), "-f", "prometheus", "-o", path, NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_true(st.st_size > 1000);
	/* a failed run leaves the previous file alone */
	{
		const char *args[] = { "status", "--root", "/nonexistent", "-f", "prometheus", "-o", path, NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 66);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 1000);
	snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) = 1", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	return system("set -e; rm -rf build/fx; mkdir -p build/fx; cd build/fx;"
		      "for t in bad-buddyinfo no-buddyinfo bad-node-meminfo bad-online bad-hugepages; do"
		      "  cp -r ../../" FIXTURES "/vm $t; done;"
		      "printf 'Node 0, zone   Normal 1 2 3 4 5 6 7 8 9 10 11 12 \\n' >> bad-buddyinfo/proc/buddyinfo;"
		      "rm no-buddyinfo/proc/buddyinfo;"
		      "sed -i '1s/kB/MB/' bad-node-meminfo/sys/devices/system/node/node0/meminfo;"
		      "echo zero > bad-online/sys/devices/system/node/online;"
		      "echo -3 > bad-hugepages/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(output_atomic),
	};

	return cmocka_run_group_tests_name("cli", tests, setup, NULL);
}
