/*
 * The `sdvf` command line.  Each command parses its own arguments; a usage
 * mistake is one line on stderr and exit 2, a bad description or failed
 * system exit 1, help and success exit 0.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli/cli.h"
#include "core/hosted/hosted.h"
#include "core/sysdesc/sysdesc.h"

#define EXIT_USAGE 2

typedef int (*cmd_fn)(int argc, char **argv,
		      const struct sdvf_component *const *table);

struct cmd {
	const char *name;
	const char *usage;
	const char *help;
	cmd_fn run;
};

static const struct cmd *cmd_find(const char *name);

__attribute__((format(printf, 2, 3))) static int
usage_error(const struct cmd *cmd, const char *fmt, ...)
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
	return EXIT_USAGE;
}

static int cmd_help_text(const struct cmd *cmd)
{
	printf("usage: %s\n\n%s", cmd->usage, cmd->help);
	return 0;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* The one FILE argument of check/dump; --help anywhere wins. */
static int one_file(const struct cmd *cmd, int argc, char **argv,
		    const char **file)
{
	*file = NULL;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i]))
			return cmd_help_text(cmd), -1;
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return usage_error(cmd, "unknown option '%s'", argv[i]);
		if (*file)
			return usage_error(cmd, "unexpected argument '%s'",
					   argv[i]);
		*file = argv[i];
	}
	if (!*file)
		return usage_error(cmd, "missing FILE");
	return 0;
}

static int cmd_check(int argc, char **argv,
		     const struct sdvf_component *const *table)
{
	const char *file;
	struct sdvf_system sys;
	int rc = one_file(cmd_find("check"), argc, argv, &file);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (sdvf_system_load(&sys, file, table, stderr) < 0)
		return 1;
	printf("%s: ok (%d PDs, %d regions, %d channels)\n", file, sys.npds,
	       sys.nregions, sys.nchannels);
	sdvf_system_free(&sys);
	return 0;
}

static int cmd_dump(int argc, char **argv,
		    const struct sdvf_component *const *table)
{
	const char *file;
	struct sdvf_system sys;
	int rc = one_file(cmd_find("dump"), argc, argv, &file);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (sdvf_system_load(&sys, file, table, stderr) < 0)
		return 1;
	sdvf_system_dump(&sys, stdout);
	sdvf_system_free(&sys);
	return 0;
}

static int parse_duration(const struct cmd *cmd, const char *text, double *out)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end != '\0' || !isfinite(v) || v < 0)
		return usage_error(cmd,
				   "--duration: '%s' is not a number of "
				   "seconds (e.g. 10 or 0.5)",
				   text);
	*out = v;
	return 0;
}

static int run_args(const struct cmd *cmd, int argc, char **argv,
		    const char **file, struct sdvf_run_options *opt)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (is_help(a))
			return cmd_help_text(cmd), -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = 0;
		if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
			opt->quiet = true;
		else if (strcmp(a, "--duration") == 0 && i + 1 < argc)
			rc = parse_duration(cmd, argv[++i], &opt->duration_s);
		else if (strcmp(a, "--duration") == 0)
			rc = usage_error(cmd, "--duration needs SECONDS");
		else if (strncmp(a, "--duration=", 11) == 0)
			rc = parse_duration(cmd, a + 11, &opt->duration_s);
		else if (a[0] == '-' && a[1] != '\0')
			rc = usage_error(cmd, "unknown option '%s'", a);
		else if (*file)
			rc = usage_error(cmd, "unexpected argument '%s'", a);
		else
			*file = a;
		if (rc)
			return rc;
	}
	if (!*file)
		return usage_error(cmd, "missing FILE");
	return 0;
}

static int cmd_run(int argc, char **argv,
		   const struct sdvf_component *const *table)
{
	const char *file = NULL;
	struct sdvf_system sys;
	struct sdvf_run_options opt = {
		.duration_s = 0, .max_restarts = 5, .log = stderr};
	int rc = run_args(cmd_find("run"), argc, argv, &file, &opt);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (sdvf_system_load(&sys, file, table, stderr) < 0)
		return 1;
	rc = sdvf_hosted_run(&sys, &opt);
	sdvf_system_free(&sys);
	return rc;
}

static int cmd_stats(int argc, char **argv,
		     const struct sdvf_component *const *table)
{
	(void)table;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i]))
			return cmd_help_text(cmd_find("stats"));
	}
	return sdvf_stats_main(argc, argv);
}

static int cmd_help(int argc, char **argv,
		    const struct sdvf_component *const *table);

static const struct cmd cmds[] = {
	{"run", "sdvf run FILE [--duration SECONDS] [--quiet]",
	 "Load, check and run the system in FILE (.dts or .dtb): one process\n"
	 "per PD, until SIGINT/SIGTERM, --duration SECONDS, or every PD "
	 "exits.\n"
	 "  --duration SECONDS  stop after this long (0: until signalled)\n"
	 "  --quiet             only errors and the final summary\n"
	 "Exit status: 0 if no PD died abnormally, 1 otherwise.\n",
	 cmd_run},
	{"check", "sdvf check FILE",
	 "Load and check the system in FILE; print 'FILE: ok (...)' or every\n"
	 "error, one per line.  Exit status 1 if there are errors.\n",
	 cmd_check},
	{"dump", "sdvf dump FILE",
	 "Print the explicit system in FILE after expansion: every PD, map,\n"
	 "channel end, need, region and channel, one fact per line\n"
	 "(docs/system-description.md, \"Dump format\").\n",
	 cmd_dump},
	{"stats", "sdvf stats [SYSTEM]",
	 "Print the live per-client counters of running systems (or of the\n"
	 "one named SYSTEM).\n",
	 cmd_stats},
	{"help", "sdvf help [COMMAND]", "Describe sdvf or one command.\n",
	 cmd_help},
	{NULL, NULL, NULL, NULL},
};

static const struct cmd *cmd_find(const char *name)
{
	for (const struct cmd *c = cmds; c->name; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

static int main_help(void)
{
	printf("usage: sdvf COMMAND [ARGS]\n\n"
	       "sdvf runs a system of protection domains (PDs) described in a\n"
	       "device-tree source file (docs/system-description.md).\n\n"
	       "commands:\n");
	for (const struct cmd *c = cmds; c->name; c++)
		printf("  %s\n", c->usage);
	printf("\n'sdvf help COMMAND' or 'sdvf COMMAND --help' for more.\n");
	return 0;
}

static int cmd_help(int argc, char **argv,
		    const struct sdvf_component *const *table)
{
	(void)table;
	if (argc < 2)
		return main_help();
	if (argc > 2)
		return usage_error(cmd_find("help"), "unexpected argument '%s'",
				   argv[2]);
	const struct cmd *c = cmd_find(argv[1]);
	if (!c)
		return usage_error(NULL, "unknown command '%s'", argv[1]);
	return cmd_help_text(c);
}

int sdvf_cli_main(int argc, char **argv,
		  const struct sdvf_component *const *table)
{
	if (argc < 2)
		return usage_error(NULL, "missing command");
	if (is_help(argv[1]))
		return main_help();
	const struct cmd *c = cmd_find(argv[1]);
	if (!c) {
		if (argv[1][0] == '-')
			return usage_error(NULL, "unknown option '%s'",
					   argv[1]);
		return usage_error(NULL, "unknown command '%s'", argv[1]);
	}
	return c->run(argc - 1, argv + 1, table);
}
