/*
 * The `sdvf` command line: finds the command named by argv[1] and hands it
 * the rest.  Each command parses its own arguments (cli_run.c, cli_check.c,
 * cli_dump.c, cli_stats.c).  Exit status: help and success 0, a bad
 * description or failed system 1, a usage mistake 2 after one line on
 * stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cli/cli.h"
#include "core/cli/cli_internal.h"

static int help_main(int argc, char **argv,
		     const struct sdvf_component *const *table);

static const struct cli_command cli_help = {
	.name = "help",
	.usage = "sdvf help [COMMAND]",
	.help = "Describe sdvf or one command.\n",
	.main = help_main,
};

static const struct cli_command *const commands[] = {
	&cli_run, &cli_check, &cli_dump, &cli_stats, &cli_help, NULL,
};

static const struct cli_command *command_find(const char *name)
{
	for (const struct cli_command *const *c = commands; *c; c++) {
		if (strcmp((*c)->name, name) == 0)
			return *c;
	}
	return NULL;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static int main_help(void)
{
	printf("usage: sdvf COMMAND [ARGS]\n\n"
	       "sdvf runs a system of protection domains (PDs) described in a\n"
	       "device-tree source file (docs/system-description.md).\n\n"
	       "commands:\n");
	for (const struct cli_command *const *c = commands; *c; c++)
		printf("  %s\n", (*c)->usage);
	printf("\n'sdvf help COMMAND' or 'sdvf COMMAND --help' for more.\n"
	       "Exit status: 0 success, 1 failure, 2 usage error.\n");
	return 0;
}

static int help_main(int argc, char **argv,
		     const struct sdvf_component *const *table)
{
	(void)table;
	if (cli_help_asked(&cli_help, argc, argv))
		return 0;
	if (argc < 2)
		return main_help();
	if (argc > 2)
		return cli_usage_error(&cli_help, "unexpected argument '%s'",
				       argv[2]);
	const struct cli_command *c = command_find(argv[1]);
	if (!c)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	cli_print_help(c);
	return 0;
}

int sdvf_cli_main(int argc, char **argv,
		  const struct sdvf_component *const *table)
{
	if (argc < 2)
		return cli_usage_error(NULL, "missing command");
	if (is_help(argv[1]))
		return main_help();
	const struct cli_command *c = command_find(argv[1]);
	if (!c) {
		if (argv[1][0] == '-')
			return cli_usage_error(NULL, "unknown option '%s'",
					       argv[1]);
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	}
	return c->main(argc - 1, argv + 1, table);
}

/* ---- helpers the commands share ------------------------------------- */

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "sdvf%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, " (usage: %s)\n", cmd->usage);
	else
		fprintf(stderr, " (try 'sdvf --help')\n");
	return CLI_EXIT_USAGE;
}

void cli_print_help(const struct cli_command *cmd)
{
	printf("usage: %s\n\n%s", cmd->usage, cmd->help);
}

bool cli_help_asked(const struct cli_command *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			cli_print_help(cmd);
			return true;
		}
	}
	return false;
}

int cli_one_file(const struct cli_command *cmd, int argc, char **argv,
		 const char **file, struct sdvf_load_options *load)
{
	*file = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--allow-incbin") == 0)
			load->allow_incbin = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error(cmd, "unknown option '%s'",
					       argv[i]);
		else if (*file)
			return cli_usage_error(cmd, "unexpected argument '%s'",
					       argv[i]);
		else
			*file = argv[i];
	}
	if (!*file)
		return cli_usage_error(cmd, "missing FILE");
	return 0;
}

/* A plain decimal number: digits, at most one point, an optional exponent;
 * no sign, blanks, hex, "inf" or "nan" (which strtod would all take). */
bool cli_is_decimal(const char *text)
{
	size_t digits = strspn(text, "0123456789");
	const char *at = text + digits;
	if (*at == '.') {
		size_t frac = strspn(at + 1, "0123456789");
		digits += frac;
		at += 1 + frac;
	}
	if (digits == 0)
		return false;
	if (*at == 'e' || *at == 'E') {
		at++;
		if (*at == '+' || *at == '-')
			at++;
		size_t exp = strspn(at, "0123456789");
		if (exp == 0)
			return false;
		at += exp;
	}
	return *at == '\0';
}
