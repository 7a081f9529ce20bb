/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buddyctl: read the buddy allocator's state per NUMA node, judge
 * fragmentation against a policy, remediate. main() only parses options,
 * runs a command and maps its result to an exit status (cli/exitcodes.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "config.h"
#include "errors.h"
#include "exitcodes.h"
#include "load.h"
#include "log.h"
#include "out_nagios.h"
#include "pagesize.h"
#include "cmd_estimate.h"
#include "cmd_diff.h"
#include "cmd_map.h"
#include "cmd_status.h"
#include "units.h"

static const char usage_text[] =
	"Usage: buddyctl [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  status              free blocks per order, fragmentation indices and hugepage\n"
	"                      pools per NUMA node (read-only)\n"
	"  estimate [SIZE...]  how many hugepages of each size every node can give now,\n"
	"                      after compaction and after reclaim, and how (read-only)\n"
	"  check               judge every node and hugepage pool against the policy:\n"
	"                      exit 0 ok, 1 warn, 2 crit\n"
	"  plan                print what apply would do and why; writes nothing (but\n"
	"                      the drop-in of --kernel-cmdline --grub)\n"
	"  apply               carry out the policy's plan and report before/after\n"
	"  compact             compact memory: all nodes, or --node LIST\n"
	"  drop-caches         sync, then drop clean caches (--level pagecache|slab|all)\n"
	"  reserve SIZE:COUNT[@NODES]...\n"
	"                      set hugepage pools, e.g. 2M:1024@0 1G:4@1, or 2M:2048\n"
	"                      split evenly over memory nodes; escalates when short\n"
	"  map                 every aligned range of a size (--size) per node: free,\n"
	"                      can be had by compaction, or what blocks it (root;\n"
	"                      reads /proc/kpageflags)\n"
	"  diff A B            what changed from A to B, each a captured tree, a status\n"
	"                      JSON file or a buddyinfo capture ('-': standard input):\n"
	"                      free blocks, indices and verdicts per node (read-only)\n"
	"\n"
	"Options:\n"
	"  -f, --format FMT    text (default), json, or for status, check and map\n"
	"                      prometheus, or for check nagios (monitoring-plugin\n"
	"                      output; exit 3 UNKNOWN on any error)\n"
	"  -n, --node LIST     only these nodes, e.g. 0,2-3 (status, estimate, compact,\n"
	"                      map)\n"
	"      --size SIZE     map: the size of the ranges, e.g. 2M, 1G (default: the\n"
	"                      largest hugepage size; prometheus: every one)\n"
	"  -o, --output FILE   status, map: write to FILE atomically (temporary file +\n"
	"                      rename)\n"
	"  -b, --buddyinfo FILE  status, check, estimate, plan: read this one buddyinfo\n"
	"                      capture, '-' for standard input (paste, pipe), instead\n"
	"                      of a whole tree; a pasted prompt, quoting, CRLF and blank\n"
	"                      lines are skipped, and said on standard error\n"
	"  -r, --root DIR      read and write /proc and /sys under DIR (default /); the\n"
	"                      lock, state and --output files are inside DIR too\n"
	"      --page-size SIZE  the page size of the machine a tree came from (4K, 16K,\n"
	"                      64K or bytes) instead of working it out (status,\n"
	"                      estimate, check, plan)\n"
	"      --color WHEN    colour text output: auto (default), always, never\n"
	"  -c, --config FILE   policy (default " DEFAULT_CONFIG ");\n"
	"                      status shows what check judges by it\n"
	"      --dry-run       print the plan, write nothing (apply and one-off actions)\n"
	"  -q, --quiet         no text report; the log line on standard error only when\n"
	"                      the exit status is not 0 (check, apply, one-off actions)\n"
	"      --level LEVEL   drop-caches: pagecache (default), slab or all\n"
	"      --no-sync       do not sync(2) before dropping caches\n"
	"      --ladder STEPS  reserve: escalation when short, instead of the one chosen\n"
	"                      from the estimate (retry, compact-node, compact-all,\n"
	"                      reclaim-node, drop-pagecache, drop-slab, drop-all)\n"
	"      --rounds N      reserve: passes over the ladder (default 3; chosen: 8,\n"
	"                      ending when a round gains nothing)\n"
	"      --allow-drop-caches  reserve: the chosen escalation may drop caches on\n"
	"                      every node (vm/drop_caches)\n"
	"      --restore       reserve: give back a short grant (default: keep it)\n"
	"      --force         reserve: allow a count above what a node could ever hold\n"
	"      --time-budget D time for the whole run, e.g. 30s, 2m (default 60s)\n"
	"      --wait D        wait this long for another buddyctl's lock (default 0)\n"
	"      --lock-file F   lock file (default " DEFAULT_LOCK ")\n"
	"      --state-file F  apply: when nodes were last remediated (policy's state_file)\n"
	"      --pools-only    apply, plan: only the policy's hugepage targets, no\n"
	"                      remediation of fragmented nodes (the boot unit)\n"
	"      --kernel-cmdline  plan: print the kernel parameters that reserve the\n"
	"                      policy's hugepage targets at boot, and nothing else\n"
	"      --grub          plan --kernel-cmdline: also (re)write GRUB's drop-in\n"
	"                      /etc/default/grub.d/zz-buddyctl.cfg\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 ok, 1 warn/partial, 2 crit/failed, 3 check -f nagios: any error,\n"
	"64 usage, 65 bad kernel data, 66 missing kernel file, 70 internal error,\n"
	"73 cannot write --output, 74 I/O error, 75 busy, 77 not permitted,\n"
	"78 bad policy, 130 interrupted. See buddyctl(8).\n";

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
 * --format nagios seen: every error from here on is the plugin's UNKNOWN,
 * one line on standard output (where the monitoring system reads it), exit 3.
 */
static bool plugin;

static int plugin_unknown(const char *why)
{
	report_nagios_unknown(stdout, why);
	fflush(stdout);
	return EXIT_PLUGIN_UNKNOWN;
}

static int usage_error(const char *fmt, const char *arg)
{
	char msg[600];

	snprintf(msg, sizeof(msg), fmt, arg);
	if (plugin)
		return plugin_unknown(msg);
	log_print(LOG_ERR, "buddyctl: %s\n", msg);
	log_print(LOG_ERR, "Try 'buddyctl --help'.\n");
	return EXIT_USAGE;
}

enum cmd { C_STATUS = 1, C_CHECK = 2, C_PLAN = 4, C_APPLY = 8, C_COMPACT = 16, C_DROP = 32,
	   C_RESERVE = 64, C_ESTIMATE = 128, C_DIFF = 256, C_MAP = 512 };
#define C_ACTS (C_APPLY | C_COMPACT | C_DROP | C_RESERVE)
#define C_ALL 1023

static const struct { const char *name; enum cmd cmd; } commands[] = {
	{ "status", C_STATUS }, { "check", C_CHECK }, { "plan", C_PLAN }, { "apply", C_APPLY },
	{ "compact", C_COMPACT }, { "drop-caches", C_DROP }, { "reserve", C_RESERVE },
	{ "estimate", C_ESTIMATE }, { "diff", C_DIFF }, { "map", C_MAP },
};

enum { O_COLOR = 256, O_DRY, O_LEVEL, O_NOSYNC, O_LADDER, O_ROUNDS, O_RESTORE, O_BUDGET,
       O_WAIT, O_LOCK, O_STATE, O_FORCE, O_ALLOW_DROP, O_PAGESIZE, O_ROOT, O_BUDDYINFO,
       O_POOLS_ONLY, O_KCMDLINE, O_QUIET, O_GRUB, O_SIZE };

/* A bit per option, to remember which were given. */
static unsigned optbit(int opt)
{
	return opt >= 256 ? 1u << (opt - 256 + 4) : opt == 'n' ? 1u : opt == 'o' ? 2u : opt == 'c' ? 4u : 8u;
}

/* Which commands take each option. */
static unsigned allowed(int opt)
{
	switch (opt) {
	case 'n': return C_STATUS | C_COMPACT | C_ESTIMATE | C_MAP;
	case 'o': return C_STATUS | C_MAP;
	case 'c': return C_STATUS | C_CHECK | C_PLAN | C_APPLY | C_DIFF;
	case O_COLOR: return C_ALL;
	case O_DRY: return C_ACTS | C_PLAN;
	case O_LEVEL: return C_DROP;
	case O_NOSYNC: return C_DROP | C_RESERVE;
	case O_LADDER: case O_ROUNDS: case O_RESTORE: case O_FORCE: case O_ALLOW_DROP: return C_RESERVE;
	case O_BUDGET: return C_APPLY | C_PLAN | C_RESERVE;
	case O_WAIT: case O_LOCK: return C_ACTS | C_PLAN;
	case O_STATE: return C_APPLY | C_PLAN;
	case O_PAGESIZE: return C_STATUS | C_ESTIMATE | C_CHECK | C_PLAN | C_DIFF | C_MAP;
	case O_SIZE: return C_MAP;
	case O_BUDDYINFO: return C_STATUS | C_CHECK | C_ESTIMATE | C_PLAN;
	case O_POOLS_ONLY: return C_APPLY | C_PLAN;
	case O_KCMDLINE: case O_GRUB: return C_PLAN;
	case O_QUIET: return C_CHECK | C_ACTS;
	default: return C_ALL;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "node", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'r' },
		{ "buddyinfo", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, 'c' },
		{ "color", required_argument, NULL, O_COLOR },
		{ "colour", required_argument, NULL, O_COLOR },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "no-sync", no_argument, NULL, O_NOSYNC },
		{ "ladder", required_argument, NULL, O_LADDER },
		{ "rounds", required_argument, NULL, O_ROUNDS },
		{ "restore", no_argument, NULL, O_RESTORE },
		{ "force", no_argument, NULL, O_FORCE },
		{ "allow-drop-caches", no_argument, NULL, O_ALLOW_DROP },
		{ "time-budget", required_argument, NULL, O_BUDGET },
		{ "wait", required_argument, NULL, O_WAIT },
		{ "lock-file", required_argument, NULL, O_LOCK },
		{ "state-file", required_argument, NULL, O_STATE },
		{ "page-size", required_argument, NULL, O_PAGESIZE },
		{ "pools-only", no_argument, NULL, O_POOLS_ONLY },
		{ "kernel-cmdline", no_argument, NULL, O_KCMDLINE },
		{ "grub", no_argument, NULL, O_GRUB },
		{ "size", required_argument, NULL, O_SIZE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct status_args sa = { .root = "/", .format = FMT_TEXT, .color = -1 };
	struct act_args aa = { .root = "/", .rounds = -1, .time_budget = -1, .wait = -1 };
	struct diff_args da = { 0 };
	struct bc_error err = { 0 };
	unsigned long long rounds;
	unsigned used = 0, i;
	const char *cmdname, *map_size = NULL;
	enum cmd cmd = 0;
	char *end;
	bool kcmdline = false;
	int c, rc;

	std_fds_open();
	log_init();
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:n:o:r:b:c:qhV", longopts, NULL)) != -1) {
		used |= optbit(c == 'r' ? O_ROOT : c == 'b' ? O_BUDDYINFO : c == 'q' ? O_QUIET : c);
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text"))
				sa.format = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				sa.format = FMT_JSON;
			else if (!strcmp(optarg, "prometheus"))
				sa.format = FMT_PROMETHEUS;
			else if (!strcmp(optarg, "nagios"))
				sa.format = FMT_NAGIOS;
			else
				return usage_error("--format: unknown format '%s' (text, json, prometheus, nagios)", optarg);
			plugin = sa.format == FMT_NAGIOS;
			break;
		case 'n':
			sa.nodes = aa.nodes = optarg;
			break;
		case 'o':
			sa.output = optarg;
			break;
		case 'r':
			sa.root = aa.root = optarg;
			break;
		case 'b':
			if (!*optarg)
				return usage_error("--buddyinfo: empty file name%s", "");
			sa.buddyinfo = aa.buddyinfo = optarg;
			break;
		case 'c':
			sa.config = aa.config = optarg;
			break;
		case O_COLOR:
			if (!strcmp(optarg, "auto"))
				sa.color = -1;
			else if (!strcmp(optarg, "always"))
				sa.color = 1;
			else if (!strcmp(optarg, "never"))
				sa.color = 0;
			else
				return usage_error("--color: unknown value '%s' (auto, always, never)", optarg);
			break;
		case O_DRY:
			aa.dry_run = true;
			break;
		case O_LEVEL:
			aa.level = optarg;
			break;
		case O_NOSYNC:
			aa.no_sync = true;
			break;
		case O_LADDER:
			aa.ladder = optarg;
			break;
		case O_ROUNDS:
			/* range-checked before it is narrowed: 4294967297 is not 1 */
			errno = 0;
			rounds = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || errno || rounds > 100)
				return usage_error("--rounds: '%s' is not a number from 0 to 100", optarg);
			aa.rounds = (int)rounds;
			break;
		case O_FORCE:
			aa.force = true;
			break;
		case 'q':
			log_set_quiet(true);
			break;
		case O_ALLOW_DROP:
			aa.allow_drop_caches = true;
			break;
		case O_RESTORE:
			aa.restore = true;
			break;
		case O_BUDGET:
			if (parse_duration(optarg, &aa.time_budget) < 0)
				return usage_error("--time-budget: '%s' is not a duration (30s, 2m)", optarg);
			break;
		case O_WAIT:
			if (parse_duration(optarg, &aa.wait) < 0)
				return usage_error("--wait: '%s' is not a duration (30s, 2m)", optarg);
			break;
		case O_LOCK:
			aa.lock_file = optarg;
			break;
		case O_STATE:
			aa.state_file = optarg;
			break;
		case O_PAGESIZE:
			if (pagesize_parse(optarg, &sa.page_size) < 0)
				return usage_error("--page-size: '%s' is not a page size (4K, 16K, 64K, or bytes: a power of two from 4096 to 262144)", optarg);
			aa.page_size = sa.page_size;
			break;
		case O_POOLS_ONLY:
			aa.pools_only = true;
			break;
		case O_KCMDLINE:
			kcmdline = true;
			break;
		case O_GRUB:
			aa.grub = true;
			break;
		case O_SIZE:
			map_size = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return flush_stdout();
		case 'V':
			printf("buddyctl %s\n", BUDDYCTL_VERSION);
			return flush_stdout();
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no command given");
	cmdname = argv[optind++];
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cmdname, commands[i].name))
			cmd = commands[i].cmd;
	if (!cmd)
		return usage_error("unknown command '%s'", cmdname);
	if (cmd == C_RESERVE || cmd == C_ESTIMATE) {
		aa.specs = argv + optind;
		aa.nr_specs = argc - optind;
	} else if (cmd == C_DIFF) {
		if (argc - optind != 2)
			return usage_error("diff: %s", argc - optind < 2 ?
					   "give two snapshots, A and B (a tree, a status JSON file, a buddyinfo capture, or '-')" :
					   "more than two snapshots given");
		da.before = argv[optind];
		da.after = argv[optind + 1];
	} else if (optind < argc) {
		return usage_error("unexpected argument '%s'", argv[optind]);
	}
	{
		static const int opts[] = { 'n', 'o', 'c', O_COLOR, O_DRY, O_LEVEL, O_NOSYNC, O_LADDER,
					    O_ROUNDS, O_RESTORE, O_BUDGET, O_WAIT, O_LOCK, O_STATE, O_FORCE,
					    O_ALLOW_DROP, O_PAGESIZE, O_BUDDYINFO, O_POOLS_ONLY, O_KCMDLINE,
					    O_QUIET, O_GRUB, O_SIZE };
		static const char *const names[] = { "--node", "--output", "--config", "--color",
						     "--dry-run", "--level", "--no-sync", "--ladder",
						     "--rounds", "--restore", "--time-budget", "--wait",
						     "--lock-file", "--state-file", "--force",
						     "--allow-drop-caches", "--page-size", "--buddyinfo",
						     "--pools-only", "--kernel-cmdline", "--quiet", "--grub",
						     "--size" };

		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			if ((used & optbit(opts[i])) && !(allowed(opts[i]) & cmd)) {
				char msg[128];

				snprintf(msg, sizeof(msg), "option %s does not apply to '%s'", names[i], cmdname);
				return usage_error("%s", msg);
			}
		}
	}
	if (cmd == C_DIFF && (used & optbit(O_ROOT)))
		return usage_error("option --root does not apply to 'diff': give the trees as A and B%s", "");
	if ((used & optbit(O_BUDDYINFO)) && (used & optbit(O_ROOT)))
		return usage_error("--buddyinfo and --root: one or the other%s", "");
	/* plan of a capture: a dry run of another machine, which has no lock or state here */
	if ((used & optbit(O_BUDDYINFO)) && (kcmdline || (used & (optbit(O_WAIT) | optbit(O_LOCK) |
								   optbit(O_STATE)))))
		return usage_error("--buddyinfo: a capture has no lock, state file or kernel release (no --wait, --lock-file, --state-file or --kernel-cmdline)%s", "");
	if (cmd != C_STATUS && cmd != C_CHECK && cmd != C_MAP && sa.format == FMT_PROMETHEUS)
		return usage_error("--format prometheus is for 'status', 'check' and 'map' only%s", "");
	if (kcmdline && (sa.format != FMT_TEXT || (used & (optbit(O_POOLS_ONLY) | optbit(O_DRY) |
							    optbit(O_BUDGET) | optbit(O_WAIT) |
							    optbit(O_LOCK) | optbit(O_STATE)))))
		return usage_error("--kernel-cmdline prints only the kernel parameters: no --format, --pools-only, --dry-run, --time-budget, --wait, --lock-file or --state-file%s", "");
	if (aa.grub && !kcmdline)
		return usage_error("--grub writes the drop-in of plan --kernel-cmdline: give both%s", "");
	if (cmd != C_CHECK && sa.format == FMT_NAGIOS)
		return usage_error("--format nagios is for 'check' only%s", "");
	aa.format = sa.format;
	aa.color = sa.color;
	da.format = sa.format;
	da.config = sa.config;
	da.page_size = sa.page_size;

	switch (cmd) {
	case C_STATUS:
		rc = cmd_status(&sa, &err);
		break;
	case C_ESTIMATE:
		rc = cmd_estimate(&sa, aa.specs, aa.nr_specs, &err);
		break;
	case C_DIFF:
		rc = cmd_diff(&da, &err);
		break;
	case C_MAP:
		rc = cmd_map(&sa, map_size, &err);
		break;
	case C_CHECK:
		rc = cmd_check(&aa, &err);
		break;
	case C_PLAN:
		aa.dry_run = true;
		aa.plan = true;
		rc = kcmdline ? cmd_kernel_cmdline(&aa, &err) : cmd_apply(&aa, &err);
		break;
	case C_APPLY:
		rc = cmd_apply(&aa, &err);
		break;
	case C_COMPACT:
		rc = cmd_compact(&aa, &err);
		break;
	case C_DROP:
		rc = cmd_drop_caches(&aa, &err);
		break;
	default:
		rc = cmd_reserve(&aa, &err);
		break;
	}
	if (rc < 0) {
		if (plugin)
			return plugin_unknown(err.msg);
		log_print(LOG_ERR, "buddyctl: %s\n", err.msg);
		return exit_code(rc);
	}
	return cmd == C_STATUS || cmd == C_ESTIMATE || cmd == C_DIFF || cmd == C_MAP ? EXIT_OK : rc;
}
