/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buddyctl: read the buddy allocator's state per NUMA node, judge
 * fragmentation, remediate. main() only parses options, runs a command and
 * maps its result to an exit status (cli/exitcodes.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "exitcodes.h"
#include "status.h"

static const char usage_text[] =
	"Usage: buddyctl [OPTIONS] COMMAND\n"
	"\n"
	"Commands:\n"
	"  status              show free blocks per order, fragmentation indices and\n"
	"                      hugepage pools per NUMA node (read-only)\n"
	"\n"
	"Options:\n"
	"  -f, --format FMT    text (default), json or prometheus\n"
	"  -n, --node LIST     only these nodes, e.g. 0,2-3\n"
	"  -o, --output FILE   write to FILE atomically (temporary file + rename)\n"
	"  -r, --root DIR      read /proc and /sys under DIR instead of / (default /)\n"
	"      --color WHEN    colour text output: auto (default), always, never\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 ok, 64 usage, 65 bad kernel data, 66 missing kernel file,\n"
	"70 internal error, 73 cannot write --output, 74 I/O error. See buddyctl(8).\n";

static int exit_code(int rc)
{
	switch (-rc) {
	case BC_OK: return EXIT_OK;
	case BC_EDATA: return EXIT_DATAERR;
	case BC_ENOINPUT: return EXIT_NOINPUT;
	case BC_EUSAGE: return EXIT_USAGE;
	case BC_ECANTCREAT: return EXIT_CANTCREAT;
	case BC_EIO: return EXIT_IOERR;
	default: return EXIT_SOFTWARE;
	}
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "buddyctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'buddyctl --help'.\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "node", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'r' },
		{ "color", required_argument, NULL, 'C' },
		{ "colour", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct status_args sa = { .root = "/", .format = FMT_TEXT, .color = -1 };
	struct bc_error err = { 0 };
	const char *cmd;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:n:o:r:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text"))
				sa.format = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				sa.format = FMT_JSON;
			else if (!strcmp(optarg, "prometheus"))
				sa.format = FMT_PROMETHEUS;
			else
				return usage_error("--format: unknown format '%s' (text, json, prometheus)", optarg);
			break;
		case 'n':
			sa.nodes = optarg;
			break;
		case 'o':
			sa.output = optarg;
			break;
		case 'r':
			sa.root = optarg;
			break;
		case 'C':
			if (!strcmp(optarg, "auto"))
				sa.color = -1;
			else if (!strcmp(optarg, "always"))
				sa.color = 1;
			else if (!strcmp(optarg, "never"))
				sa.color = 0;
			else
				return usage_error("--color: unknown value '%s' (auto, always, never)", optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		case 'V':
			printf("buddyctl %s\n", BUDDYCTL_VERSION);
			return EXIT_OK;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no command given");
	cmd = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (strcmp(cmd, "status") != 0)
		return usage_error("unknown command '%s'", cmd);

	rc = cmd_status(&sa, &err);
	if (rc < 0)
		fprintf(stderr, "buddyctl: %s\n", err.msg);
	return exit_code(rc);
}
