/*
 * Private to core/cli/: what a command is, and the argument helpers the
 * commands share.  Each command lives in its own file (cli_run.c,
 * cli_check.c, cli_dump.c, cli_stats.c) and writes its usage line once,
 * in its struct cli_command: `--help`, `sdvf help NAME`, the command list
 * of `sdvf --help` and every usage error print that one string.
 */
#ifndef SDVF_CLI_INTERNAL_H
#define SDVF_CLI_INTERNAL_H

#include <stdbool.h>

#include "core/sysdesc/sysdesc.h"

#define CLI_EXIT_USAGE 2

struct cli_command {
	const char *name;
	/* "sdvf NAME ARGS": the one usage line. */
	const char *usage;
	/* What --help prints after the usage line and a blank line. */
	const char *help;
	/* argv[0] is the command's name.  Returns the exit status. */
	int (*main)(int argc, char **argv,
		    const struct sdvf_component *const *table);
};

extern const struct cli_command cli_run, cli_check, cli_dump, cli_stats;

/* "sdvf NAME: <message> (usage: USAGE)" on stderr, or for cmd NULL
 * "sdvf: <message> (try 'sdvf --help')".  Returns CLI_EXIT_USAGE. */
__attribute__((format(printf, 2, 3))) int
cli_usage_error(const struct cli_command *cmd, const char *fmt, ...);

/* A plain decimal number: digits, at most one point, an optional exponent;
 * no sign, blanks, hex, "inf" or "nan" (which strtod would all take).  For
 * options in seconds (run --duration, stats --interval). */
bool cli_is_decimal(const char *text);

/* "usage: USAGE", a blank line and the help text on stdout. */
void cli_print_help(const struct cli_command *cmd);

/* If -h or --help is anywhere in argv[1..], print cmd's help and return
 * true: help wins over every other argument, so `sdvf run x.dts --help`
 * never runs x.dts. */
bool cli_help_asked(const struct cli_command *cmd, int argc, char **argv);

/* The one FILE argument (check, dump) and --allow-incbin: 0, or a usage
 * error's status. */
int cli_one_file(const struct cli_command *cmd, int argc, char **argv,
		 const char **file, struct sdvf_load_options *load);

#endif
