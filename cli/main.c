/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buddyctl: read the buddy allocator's state per NUMA node, judge
 * fragmentation against a policy, remediate. main() only parses options
 * (cli/options.c), runs a command and maps its result to an exit status
 * (cli/exitcodes.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "cmd_apply.h"
#include "cmd_check.h"
#include "cmd_cmdline.h"
#include "cmd_diff.h"
#include "cmd_estimate.h"
#include "cmd_map.h"
#include "cmd_oneoff.h"
#include "cmd_reserve.h"
#include "cmd_status.h"
#include "errors.h"
#include "exitcodes.h"
#include "log.h"
#include "options.h"
#include "out_nagios.h"

static int exit_code(int rc)
{
	switch (-rc) {
	case BC_OK: return EXIT_OK;
	case BC_EDATA: return EXIT_DATAERR;
	case BC_ENOINPUT: return EXIT_NOINPUT;
	case BC_EUSAGE: return EXIT_USAGE;
	case BC_ECANTCREAT: return EXIT_CANTCREAT;
	case BC_EIO: return EXIT_IOERR;
	case BC_ECONFIG: return EXIT_CONFIG;
	case BC_EPERM: return EXIT_NOPERM;
	case BC_EBUSY: return EXIT_BUSY;
	case BC_EINTR: return EXIT_INTERRUPTED;
	default: return EXIT_SOFTWARE;
	}
}

/*
 * fds 0-2 closed by whoever started us would be reused by the first open():
 * the report would land in the lock file. Point them at /dev/null.
 */
static void std_fds_open(void)
{
	int fd, n;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n != fd)
			_exit(EXIT_IOERR);	/* no /dev/null and nowhere to say so */
	}
}

/* --help and --version: a full or closed stdout is an error (74), not success. */
static int flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	log_print(LOG_ERR, "buddyctl: standard output: %s\n", strerror(errno ? errno : EIO));
	return EXIT_IOERR;
}

/*
 * --format nagios: every error is the plugin's UNKNOWN, one line on
 * standard output (where the monitoring system reads it), exit 3.
 */
static int plugin_unknown(const char *why)
{
	report_nagios_unknown(stdout, why);
	fflush(stdout);
	return EXIT_PLUGIN_UNKNOWN;
}

static int usage_error(const struct cli_opts *o, const char *msg)
{
	if (o->format == FMT_NAGIOS)
		return plugin_unknown(msg);
	log_print(LOG_ERR, "buddyctl: %s\n", msg);
	log_print(LOG_ERR, "Try 'buddyctl --help'.\n");
	return EXIT_USAGE;
}

static struct status_args status_args_of(const struct cli_opts *o)
{
	return (struct status_args){ .root = o->root, .format = o->format, .nodes = o->nodes,
				     .output = o->output, .color = o->color, .config = o->config,
				     .page_size = o->page_size, .buddyinfo = o->buddyinfo };
}

static struct act_args act_args_of(const struct cli_opts *o)
{
	return (struct act_args){
		.root = o->root, .buddyinfo = o->buddyinfo, .format = o->format, .color = o->color,
		.nodes = o->nodes, .config = o->config, .page_size = o->page_size,
		.dry_run = o->dry_run || o->cmd == C_PLAN, .plan = o->cmd == C_PLAN, .level = o->level,
		.no_sync = o->no_sync, .ladder = o->ladder, .rounds = o->rounds, .restore = o->restore,
		.force = o->force, .allow_drop_caches = o->allow_drop_caches,
		.time_budget = o->time_budget, .wait = o->wait, .lock_file = o->lock_file,
		.state_file = o->state_file, .pools_only = o->pools_only, .grub = o->grub,
		.kernel_cmdline = o->kernel_cmdline,
		.specs = o->args, .nr_specs = o->nr_args,
	};
}

static struct diff_args diff_args_of(const struct cli_opts *o)
{
	return (struct diff_args){ .before = o->args[0], .after = o->args[1], .format = o->format,
				   .config = o->config, .page_size = o->page_size };
}

/* The commands that only read: their exit status is 0 when they ran. */
static int run_reader(const struct cli_opts *o, struct bc_error *err)
{
	struct status_args sa = status_args_of(o);
	struct diff_args da;
	int rc;

	switch (o->cmd) {
	case C_STATUS:
		rc = cmd_status(&sa, err);
		break;
	case C_ESTIMATE:
		rc = cmd_estimate(&sa, o->args, o->nr_args, err);
		break;
	case C_MAP:
		rc = cmd_map(&sa, o->map_size, err);
		break;
	default:
		da = diff_args_of(o);
		rc = cmd_diff(&da, err);
		break;
	}
	return rc < 0 ? rc : EXIT_OK;
}

/* The commands that judge or act: their exit status is theirs. */
static int run_actor(const struct cli_opts *o, struct bc_error *err)
{
	struct act_args aa = act_args_of(o);

	switch (o->cmd) {
	case C_CHECK:
		return cmd_check(&aa, err);
	case C_PLAN:
		/* with --format json, the plan's report carries the command line */
		return o->kernel_cmdline && o->format == FMT_TEXT ? cmd_kernel_cmdline(&aa, err) : cmd_apply(&aa, err);
	case C_APPLY:
		return cmd_apply(&aa, err);
	case C_COMPACT:
		return cmd_compact(&aa, err);
	case C_DROP:
		return cmd_drop_caches(&aa, err);
	default:
		return cmd_reserve(&aa, err);
	}
}

int main(int argc, char **argv)
{
	struct bc_error err = { 0 };
	struct cli_opts o;
	char msg[600];
	int rc;

	std_fds_open();
	log_init();
	rc = options_parse(argc, argv, &o, msg, sizeof(msg));
	if (rc < 0)
		return usage_error(&o, msg);
	if (rc == OPTS_HELP) {
		options_usage(stdout);
		return flush_stdout();
	}
	if (rc == OPTS_VERSION) {
		printf("buddyctl %s\n", BUDDYCTL_VERSION);
		return flush_stdout();
	}
	rc = o.cmd & (C_STATUS | C_ESTIMATE | C_DIFF | C_MAP) ? run_reader(&o, &err) : run_actor(&o, &err);
	if (rc >= 0)
		return rc;
	if (o.format == FMT_NAGIOS)
		return plugin_unknown(err.msg);
	log_print(LOG_ERR, "buddyctl: %s\n", err.msg);
	return exit_code(rc);
}
