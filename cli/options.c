/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: one table of options (name, value, the commands that
 * take it, how its value is read), the commands and their arguments, the
 * options that exclude each other, and the text of --help.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "log.h"
#include "pagesize.h"
#include "steps.h"
#include "units.h"

#define C_ACTS (C_APPLY | C_COMPACT | C_DROP | C_RESERVE)
#define C_ALL 1023u

struct opt_row;

/* Read an option's value into o: 0, or -1 when it is bad (the row's `bad` says why). */
typedef int (*opt_set)(struct cli_opts *o, const struct opt_row *row, const char *arg);

/* One option. */
struct opt_row {
	const char *name;	/* long name; also how a misplaced option is named */
	const char *alias;	/* a second long name, or NULL */
	char letter;		/* the short option, or 0 */
	bool has_arg;
	unsigned cmds;		/* the commands that take it */
	opt_set set;
	size_t field;		/* the member of struct cli_opts that set fills */
	const char *bad;	/* the usage error for a bad value, '%s' the value */
};

#define F(m) offsetof(struct cli_opts, m)
#define FIELD(o, row, type) ((type *)((char *)(o) + (row)->field))

static int set_str(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	*FIELD(o, row, const char *) = arg;
	return 0;
}

/* --buddyinfo: a file name, never "" (which would read nothing and say so badly). */
static int set_file(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	return *arg ? set_str(o, row, arg) : -1;
}

static int set_true(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	(void)arg;
	*FIELD(o, row, bool) = true;
	return 0;
}

/* The index of arg in the NULL-terminated words, or -1. */
static int word_index(const char *const *words, const char *arg)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(words[i], arg))
			return i;
	return -1;
}

static int set_format(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	static const char *const names[] = { "text", "json", "prometheus", "nagios", NULL };
	static const enum out_format formats[] = { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_NAGIOS };
	int i = word_index(names, arg);

	(void)row;
	if (i < 0)
		return -1;
	o->format = formats[i];
	return 0;
}

static int set_color(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	static const char *const names[] = { "auto", "always", "never", NULL };
	static const int values[] = { -1, 1, 0 };
	int i = word_index(names, arg);

	(void)row;
	if (i < 0)
		return -1;
	o->color = values[i];
	return 0;
}

static int set_rounds(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	unsigned long long rounds;
	char *end;

	(void)row;
	/* range-checked before it is narrowed: 4294967297 is not 1 */
	errno = 0;
	rounds = strtoull(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno || rounds > 100)
		return -1;
	o->rounds = (int)rounds;
	return 0;
}

static int set_duration(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	return parse_duration(arg, FIELD(o, row, double)) < 0 ? -1 : 0;
}

static int set_page_size(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	(void)row;
	return pagesize_parse(arg, &o->page_size) < 0 ? -1 : 0;
}

static int set_quiet(struct cli_opts *o, const struct opt_row *row, const char *arg)
{
	(void)o;
	(void)row;
	(void)arg;
	log_set_quiet(true);
	return 0;
}

/*
 * The options. A misplaced option is reported in this order, the first one
 * found; --help and --version are no rows (they end the parse where they
 * are).
 */
static const struct opt_row opt_table[] = {
	{ "node", NULL, 'n', true, C_STATUS | C_COMPACT | C_ESTIMATE | C_MAP, set_str, F(nodes), NULL },
	{ "output", NULL, 'o', true, C_STATUS | C_MAP, set_str, F(output), NULL },
	{ "config", NULL, 'c', true, C_STATUS | C_CHECK | C_PLAN | C_APPLY | C_DIFF, set_str, F(config), NULL },
	{ "color", "colour", 0, true, C_ALL, set_color, 0,
	  "--color: unknown value '%s' (auto, always, never)" },
	{ "dry-run", NULL, 0, false, C_ACTS | C_PLAN, set_true, F(dry_run), NULL },
	{ "level", NULL, 0, true, C_DROP, set_str, F(level), NULL },
	{ "no-sync", NULL, 0, false, C_DROP | C_RESERVE, set_true, F(no_sync), NULL },
	{ "ladder", NULL, 0, true, C_RESERVE, set_str, F(ladder), NULL },
	{ "rounds", NULL, 0, true, C_RESERVE, set_rounds, 0, "--rounds: '%s' is not a number from 0 to 100" },
	{ "restore", NULL, 0, false, C_RESERVE, set_true, F(restore), NULL },
	{ "time-budget", NULL, 0, true, C_APPLY | C_PLAN | C_RESERVE, set_duration, F(time_budget),
	  "--time-budget: '%s' is not a duration (30s, 2m)" },
	{ "wait", NULL, 0, true, C_ACTS | C_PLAN, set_duration, F(wait), "--wait: '%s' is not a duration (30s, 2m)" },
	{ "lock-file", NULL, 0, true, C_ACTS | C_PLAN, set_str, F(lock_file), NULL },
	{ "state-file", NULL, 0, true, C_APPLY | C_PLAN, set_str, F(state_file), NULL },
	{ "force", NULL, 0, false, C_RESERVE, set_true, F(force), NULL },
	{ "allow-drop-caches", NULL, 0, false, C_RESERVE, set_true, F(allow_drop_caches), NULL },
	{ "page-size", NULL, 0, true, C_STATUS | C_ESTIMATE | C_CHECK | C_PLAN | C_DIFF | C_MAP, set_page_size, 0,
	  "--page-size: '%s' is not a page size (4K, 16K, 64K, or bytes: a power of two from 4096 to 262144)" },
	{ "buddyinfo", NULL, 'b', true, C_STATUS | C_CHECK | C_ESTIMATE | C_PLAN, set_file, F(buddyinfo),
	  "--buddyinfo: empty file name%s" },
	{ "pools-only", NULL, 0, false, C_APPLY | C_PLAN, set_true, F(pools_only), NULL },
	{ "kernel-cmdline", NULL, 0, false, C_PLAN, set_true, F(kernel_cmdline), NULL },
	{ "quiet", NULL, 'q', false, C_CHECK | C_ACTS, set_quiet, 0, NULL },
	{ "grub", NULL, 0, false, C_PLAN, set_true, F(grub), NULL },
	{ "size", NULL, 0, true, C_MAP, set_str, F(map_size), NULL },
	{ "format", NULL, 'f', true, C_ALL, set_format, 0,
	  "--format: unknown format '%s' (text, json, prometheus, nagios)" },
	{ "root", NULL, 'r', true, C_ALL, set_str, F(root), NULL },
};

#define NR_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

/* getopt_long's value for a row without a letter: above every char. */
#define LONG_ONLY 256

/* The bit of an option in cli_opts.used. */
static uint32_t opt_bit(const char *name)
{
	unsigned i;

	for (i = 0; i < NR_OPTS; i++)
		if (!strcmp(opt_table[i].name, name))
			return 1u << i;
	return 0;
}

static bool given(const struct cli_opts *o, const char *name)
{
	return o->used & opt_bit(name);
}

/* getopt_long's tables, from opt_table (each row, then its alias; then --help, --version). */
static void getopt_tables(struct option *longopts, char *shortopts)
{
	unsigned i, n = 0;
	char *s = shortopts;

	*s++ = ':';	/* a missing value is ':', apart from an unknown option */
	for (i = 0; i < NR_OPTS; i++) {
		const struct opt_row *row = &opt_table[i];
		int val = row->letter ? row->letter : LONG_ONLY + (int)i;
		int arg = row->has_arg ? required_argument : no_argument;

		longopts[n++] = (struct option){ row->name, arg, NULL, val };
		if (row->alias)
			longopts[n++] = (struct option){ row->alias, arg, NULL, val };
		if (row->letter) {
			*s++ = row->letter;
			if (row->has_arg)
				*s++ = ':';
		}
	}
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	strcpy(s, "hV");
}

/* The row of getopt_long's value c, or NULL. */
static const struct opt_row *row_of(int c)
{
	unsigned i;

	if (c >= LONG_ONLY && c < LONG_ONLY + (int)NR_OPTS)
		return &opt_table[c - LONG_ONLY];
	for (i = 0; i < NR_OPTS; i++)
		if (opt_table[i].letter && opt_table[i].letter == c)
			return &opt_table[i];
	return NULL;
}

/* The options, up to the command: OPTS_RUN, OPTS_HELP, OPTS_VERSION, or -1 with msg. */
static int parse_options(int argc, char **argv, struct cli_opts *o, char *msg, size_t size)
{
	struct option longopts[2 * NR_OPTS + 3];
	char shortopts[3 * NR_OPTS + 4];
	const struct opt_row *row;
	int c;

	getopt_tables(longopts, shortopts);
	optind = 0;	/* afresh: a test parses more than one command line */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h' || c == 'V')
			return c == 'h' ? OPTS_HELP : OPTS_VERSION;
		if (c == ':') {
			snprintf(msg, size, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		}
		row = row_of(c);
		if (!row) {
			snprintf(msg, size, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
		o->used |= 1u << (row - opt_table);
		if (row->set(o, row, optarg) < 0) {
			snprintf(msg, size, row->bad, optarg);
			return -1;
		}
	}
	return OPTS_RUN;
}

/* The commands, and the arguments each takes after its name. */
enum cmd_args { ARGS_NONE, ARGS_LIST, ARGS_TWO };

static const struct { const char *name; enum cmd cmd; enum cmd_args args; } commands[] = {
	{ "status", C_STATUS, ARGS_NONE }, { "check", C_CHECK, ARGS_NONE }, { "plan", C_PLAN, ARGS_NONE },
	{ "apply", C_APPLY, ARGS_NONE }, { "compact", C_COMPACT, ARGS_NONE },
	{ "drop-caches", C_DROP, ARGS_NONE }, { "reserve", C_RESERVE, ARGS_LIST },
	{ "estimate", C_ESTIMATE, ARGS_LIST }, { "diff", C_DIFF, ARGS_TWO }, { "map", C_MAP, ARGS_NONE },
};

/* The command and its arguments: 0, or -1 with msg. */
static int parse_command(int argc, char **argv, struct cli_opts *o, char *msg, size_t size)
{
	enum cmd_args args = ARGS_NONE;
	unsigned i;

	if (optind >= argc) {
		snprintf(msg, size, "no command given");
		return -1;
	}
	o->cmdname = argv[optind++];
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(o->cmdname, commands[i].name)) {
			o->cmd = commands[i].cmd;
			args = commands[i].args;
		}
	if (!o->cmd) {
		snprintf(msg, size, "unknown command '%s'", o->cmdname);
		return -1;
	}
	o->args = argv + optind;
	o->nr_args = argc - optind;
	if (args == ARGS_TWO && o->nr_args != 2) {
		snprintf(msg, size, "diff: %s", o->nr_args < 2 ?
			 "give two snapshots, A and B (a tree, a status JSON file, a buddyinfo capture, or '-')" :
			 "more than two snapshots given");
		return -1;
	}
	if (args == ARGS_NONE && o->nr_args > 0) {
		snprintf(msg, size, "unexpected argument '%s'", o->args[0]);
		return -1;
	}
	return 0;
}

/* The first option given that the command does not take: 0, or -1 with msg. */
static int check_applies(const struct cli_opts *o, char *msg, size_t size)
{
	unsigned i;

	for (i = 0; i < NR_OPTS; i++) {
		if ((o->used & (1u << i)) && !(opt_table[i].cmds & o->cmd)) {
			/* as it was ever cut: the command's name is short anyway */
			char line[128];

			snprintf(line, sizeof(line), "option --%s does not apply to '%s'", opt_table[i].name,
				 o->cmdname);
			snprintf(msg, size, "%s", line);
			return -1;
		}
	}
	return 0;
}

/* Options a capture (--buddyinfo) or diff's A and B exclude: the message, or NULL. */
static const char *source_conflict(const struct cli_opts *o)
{
	if (o->cmd == C_DIFF && given(o, "root"))
		return "option --root does not apply to 'diff': give the trees as A and B";
	if (!given(o, "buddyinfo"))
		return NULL;
	if (given(o, "root"))
		return "--buddyinfo and --root: one or the other";
	/* plan of a capture: a dry run of another machine, which has no lock or state here */
	if (o->kernel_cmdline || given(o, "wait") || given(o, "lock-file") || given(o, "state-file"))
		return "--buddyinfo: a capture has no lock, state file or kernel release (no --wait, --lock-file, --state-file or --kernel-cmdline)";
	return NULL;
}

/* plan --kernel-cmdline prints one line, and --grub writes it: the options that conflict (the message), or NULL. */
static const char *cmdline_conflict(const struct cli_opts *o)
{
	static const char *const excluded[] = { "pools-only", "dry-run", "time-budget", "wait", "lock-file",
						"state-file", NULL };
	unsigned i;

	if (!o->kernel_cmdline)
		return o->grub ? "--grub writes the drop-in of plan --kernel-cmdline: give both" : NULL;
	for (i = 0; excluded[i] && !given(o, excluded[i]); i++)
		;
	if ((o->format != FMT_TEXT && o->format != FMT_JSON) || excluded[i])
		return "--kernel-cmdline: no --format but json, no --pools-only, --dry-run, --time-budget, --wait, --lock-file or --state-file";
	if (o->format == FMT_JSON && o->grub)
		return "--grub writes the drop-in of the text form: no --format json";
	return NULL;
}

/* Options that exclude each other, in the order they are reported: 0, or -1 with msg. */
static int check_conflicts(const struct cli_opts *o, char *msg, size_t size)
{
	const char *why = source_conflict(o);

	if (!why && o->cmd != C_STATUS && o->cmd != C_CHECK && o->cmd != C_MAP && o->format == FMT_PROMETHEUS)
		why = "--format prometheus is for 'status', 'check' and 'map' only";
	if (!why)
		why = cmdline_conflict(o);
	if (!why && o->cmd != C_CHECK && o->format == FMT_NAGIOS)
		why = "--format nagios is for 'check' only";
	if (!why)
		return 0;
	snprintf(msg, size, "%s", why);
	return -1;
}

int options_parse(int argc, char **argv, struct cli_opts *o, char *msg, size_t size)
{
	int rc;

	*o = (struct cli_opts){ .root = "/", .format = FMT_TEXT, .color = -1, .rounds = -1,
				.time_budget = -1, .wait = -1 };
	rc = parse_options(argc, argv, o, msg, size);
	if (rc != OPTS_RUN)
		return rc;
	if (parse_command(argc, argv, o, msg, size) < 0 || check_applies(o, msg, size) < 0 ||
	    check_conflicts(o, msg, size) < 0)
		return -1;
	return OPTS_RUN;
}

static const char usage_head[] =
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
	"                      from the estimate (";

static const char usage_tail[] =
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
	"                      policy's hugepage targets at boot (what else the kernel\n"
	"                      takes on stderr; with -f json in plan's report)\n"
	"      --grub          plan --kernel-cmdline: also (re)write GRUB's drop-in\n"
	"                      /etc/default/grub.d/zz-buddyctl.cfg\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 ok, 1 warn/partial, 2 crit/failed, 3 check -f nagios: any error,\n"
	"64 usage, 65 bad kernel data, 66 missing kernel file, 70 internal error,\n"
	"73 cannot write --output, 74 I/O error, 75 busy, 77 not permitted,\n"
	"78 bad policy, 130 interrupted. See buddyctl(8).\n";

/* --help's lines are at most this long, the width of a terminal less one. */
#define USAGE_WIDTH 79
#define USAGE_INDENT "                      "

/*
 * The steps --ladder takes, from the table of steps, continuing a line
 * that is col characters long: "retry, compact-node, ...)" wrapped under
 * the descriptions.
 */
static void usage_steps(FILE *f, size_t col)
{
	enum step s;
	char word[40];

	for (s = STEP_NONE + 1; s < STEP_NR; s++) {
		snprintf(word, sizeof(word), "%s%s", step_name(s), s + 1 < STEP_NR ? "," : ")");
		if (s > STEP_NONE + 1 && col + 1 + strlen(word) > USAGE_WIDTH) {
			fputs("\n" USAGE_INDENT, f);
			col = strlen(USAGE_INDENT);
		} else if (s > STEP_NONE + 1) {
			fputc(' ', f);
			col++;
		}
		fputs(word, f);
		col += strlen(word);
	}
	fputc('\n', f);
}

void options_usage(FILE *f)
{
	const char *last_line = strrchr(usage_head, '\n') + 1;

	fputs(usage_head, f);
	usage_steps(f, strlen(last_line));
	fputs(usage_tail, f);
}
