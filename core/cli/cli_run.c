/* `sdvf run FILE [--duration SECONDS] [--quiet] [--allow-incbin]`: load,
 * check and run a system on the hosted runtime (core/hosted/hosted.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli/cli_internal.h"
#include "core/hosted/hosted.h"
#include "core/sysdesc/sysdesc.h"

/* The monitor's deadline is this many nanoseconds past the start: 1e16 ns
 * fits a uint64_t with room to spare (2e10 s would not, and wrapped to "stop
 * at once").  Below a millisecond is a typo for 0, which means no limit. */
#define DURATION_MAX_S 1e7
#define DURATION_MIN_S 1e-3

static int parse_duration(const char *text, double *out)
{
	if (!cli_is_decimal(text))
		return cli_usage_error(&cli_run,
				       "--duration: '%s' is not a number of "
				       "seconds (e.g. 10 or 0.5)",
				       text);
	double v = strtod(text, NULL);
	if (!isfinite(v) || v > DURATION_MAX_S ||
	    (v != 0 && v < DURATION_MIN_S))
		return cli_usage_error(
			&cli_run,
			"--duration: '%s' is out of range (0 for "
			"no limit, or 0.001 to 10000000 seconds)",
			text);
	*out = v;
	return 0;
}

static int parse_run_args(int argc, char **argv, const char **file,
			  struct sdvf_run_options *opt,
			  struct sdvf_load_options *load)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = 0;
		if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
			opt->quiet = true;
		else if (strcmp(a, "--allow-incbin") == 0)
			load->allow_incbin = true;
		else if (strcmp(a, "--duration") == 0 && i + 1 < argc)
			rc = parse_duration(argv[++i], &opt->duration_s);
		else if (strcmp(a, "--duration") == 0)
			rc = cli_usage_error(&cli_run,
					     "--duration needs SECONDS");
		else if (strncmp(a, "--duration=", 11) == 0)
			rc = parse_duration(a + 11, &opt->duration_s);
		else if (a[0] == '-' && a[1] != '\0')
			rc = cli_usage_error(&cli_run, "unknown option '%s'",
					     a);
		else if (*file)
			rc = cli_usage_error(&cli_run,
					     "unexpected argument '%s'", a);
		else
			*file = a;
		if (rc)
			return rc;
	}
	if (!*file)
		return cli_usage_error(&cli_run, "missing FILE");
	return 0;
}

static int run_main(int argc, char **argv,
		    const struct sdvf_component *const *table)
{
	const char *file = NULL;
	struct sdvf_system sys;
	struct sdvf_run_options opt = {
		.duration_s = 0, .max_restarts = 5, .log = stderr};
	if (cli_help_asked(&cli_run, argc, argv))
		return 0;
	struct sdvf_load_options load = {0};
	int rc = parse_run_args(argc, argv, &file, &opt, &load);
	if (rc != 0)
		return rc;
	if (sdvf_system_load_with(&sys, file, table, &load, stderr) < 0)
		return 1;
	rc = sdvf_hosted_run(&sys, &opt);
	sdvf_system_free(&sys);
	return rc;
}

const struct cli_command cli_run = {
	.name = "run",
	.usage = "sdvf run FILE [--duration SECONDS] [--quiet] "
		 "[--allow-incbin]",
	.help = "Load, check and run the system in FILE (.dts or .dtb): one\n"
		"process per PD, until SIGINT/SIGTERM, --duration SECONDS, or\n"
		"every PD exits.  Once every PD has started it prints a line\n"
		"per client of the muxes: its name, component, MAC, IPv4\n"
		"and RX/TX modes, from the expanded description.\n"
		"  --duration SECONDS  stop after that long, 0.001 to\n"
		"                      10000000 (0: run until signalled)\n"
		"  --quiet             only errors and the final summary (no\n"
		"                      start-up lines)\n"
		"  --allow-incbin      let /incbin/ read the files it names\n"
		"Exit status: 0 if no PD died abnormally, none reported that\n"
		"it can no longer make progress and every survivor of a\n"
		"restart answered; 1 otherwise.\n",
	.main = run_main,
};
