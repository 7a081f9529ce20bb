/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_OPTIONS_H
#define BUDDYCTL_OPTIONS_H

/* The command line: one table of options, which commands take each, and --help. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"

/* The commands, a bit each: the option table says which take an option. */
enum cmd {
	C_STATUS = 1, C_CHECK = 2, C_PLAN = 4, C_APPLY = 8, C_COMPACT = 16, C_DROP = 32,
	C_RESERVE = 64, C_ESTIMATE = 128, C_DIFF = 256, C_MAP = 512
};

/* What the command line gave: the command, its arguments and every option's value. */
struct cli_opts {
	enum cmd cmd;
	const char *cmdname;
	char **args;			/* after the command: reserve's specs, estimate's sizes, diff's A B */
	int nr_args;
	const char *root;		/* --root, "/" */
	const char *buddyinfo;		/* --buddyinfo FILE|- */
	const char *nodes;		/* --node LIST */
	const char *output;		/* --output FILE */
	const char *config;		/* --config FILE */
	enum out_format format;		/* --format, text */
	int color;			/* --color: -1 auto, 0 never, 1 always */
	unsigned page_size;		/* --page-size in bytes, or 0 */
	bool dry_run;
	const char *level;		/* --level */
	bool no_sync;
	const char *ladder;		/* --ladder STEPS */
	int rounds;			/* --rounds N, -1: not given */
	bool restore, force, allow_drop_caches;
	double time_budget;		/* --time-budget, -1: not given */
	double wait;			/* --wait, -1: not given */
	const char *lock_file, *state_file;
	bool pools_only, kernel_cmdline, grub;
	const char *map_size;		/* map --size SIZE */
	uint32_t used;			/* a bit per row of the option table: the options given */
};

/* What options_parse() found: a command to run, or --help or --version (printed by the caller). */
enum opts_result { OPTS_RUN, OPTS_HELP, OPTS_VERSION };

/*
 * Parse the command line into o: the options (each value checked), the
 * command, its arguments, and whether every option given applies to the
 * command and to the others given. Returns an enum opts_result, or -1 with
 * the one-line usage error in msg (size bytes). o->format is the format
 * given so far also on an error (--format nagios makes it the plugin's).
 */
int options_parse(int argc, char **argv, struct cli_opts *o, char *msg, size_t size);

/* The text of --help, its list of --ladder steps from the table of steps. */
void options_usage(FILE *f);

#endif
