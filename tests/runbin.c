/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running the buddyctl binary from a test: see runbin.h. */
#include "testutil.h"
#include "runbin.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

int run_stdout = -1;
const char *run_stdin;
int run_journal;
unsigned run_timeout_s;

const char *buddyctl_bin(void)
{
	const char *bin = getenv("BUDDYCTL");

	return bin ? bin : "./buddyctl";
}

/* In the child: JOURNAL_STREAM as run_journal says; 0 on success. */
static int set_journal_stream(void)
{
	struct stat st;
	char v[64];

	if (!run_journal)
		return unsetenv("JOURNAL_STREAM");
	if (fstat(2, &st) < 0)
		return -1;
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + (run_journal == 2));
	return setenv("JOURNAL_STREAM", v, 1);
}

pid_t start(const char *const *args, int out, int err)
{
	const char *bin = buddyctl_bin();
	const char *argv[32];
	pid_t pid;
	int i;

	argv[0] = bin;
	for (i = 0; args[i]; i++) {
		if (i + 2 >= (int)(sizeof(argv) / sizeof(argv[0])))
			fail_msg("start: more than %d arguments", i);
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(err, 2);
		if (set_journal_stream() < 0)
			_exit(126);
		if (run_stdin) {
			int in = open(run_stdin, O_RDONLY);

			if (in < 0 || dup2(in, 0) < 0)
				_exit(126);
		}
		if (out < 0)
			close(1);
		else
			dup2(out, 1);
		setenv("NO_COLOR", "1", 1);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int wait_status(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	return exit_status(st);
}

/*
 * wait_status(), but after timeout_s seconds pid is killed and -1 returned.
 * Polled every millisecond: little beside a run's 5 to 100 ms.
 */
static int wait_status_within(pid_t pid, unsigned timeout_s)
{
	const struct timespec tick = { 0, 1000000 };
	struct timespec t0, now;
	pid_t got;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((got = waitpid(pid, &st, WNOHANG)) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= (time_t)timeout_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	assert_int_equal(got, pid);
	return exit_status(st);
}

void run(struct run *r, const char *const *args)
{
	char out_tmp[] = "/tmp/buddyctl-test-out.XXXXXX", err_tmp[] = "/tmp/buddyctl-test-err.XXXXXX";
	int fo = mkstemp(out_tmp), fe = mkstemp(err_tmp);
	unsigned timeout_s = run_timeout_s;
	pid_t pid;

	assert_true(fo >= 0 && fe >= 0);
	pid = start(args, run_stdout == -2 ? -1 : run_stdout >= 0 ? run_stdout : fo, fe);
	run_stdout = -1;
	run_stdin = NULL;
	run_journal = 0;
	run_timeout_s = 0;
	r->status = timeout_s ? wait_status_within(pid, timeout_s) : wait_status(pid);
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	test_drain(fo, r->out, sizeof(r->out));
	test_drain(fe, r->err, sizeof(r->err));
	close(fo);
	close(fe);
	unlink(out_tmp);
	unlink(err_tmp);
	if (r->status < 0)
		fail_msg("buddyctl %s%s%s: still running after %u s: killed; stderr so far: %s",
			 args[0] ? args[0] : "", args[0] && args[1] ? " " : "", args[0] && args[1] ? args[1] : "",
			 timeout_s, r->err);
}

void wait_until_open(pid_t pid, const char *path)
{
	char want[PATH_MAX], dir[64], link[PATH_MAX], got[PATH_MAX];
	int tries;

	assert_non_null(realpath(path, want));
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	for (tries = 0; tries < 2000; tries++) {
		int fd;

		for (fd = 0; fd < 64; fd++) {
			ssize_t n;

			snprintf(link, sizeof(link), "%s/%d", dir, fd);
			n = readlink(link, got, sizeof(got) - 1);
			if (n <= 0)
				continue;
			got[n] = '\0';
			if (!strcmp(got, want))
				return;
		}
		usleep(5000);
	}
	fail_msg("pid %d never opened %s", (int)pid, path);
}
