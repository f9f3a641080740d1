/*
 * `sdvf stats`: the live counters of running systems.  This file reads the
 * arguments and reports "nothing running"; finding and printing the stats
 * files is core/hosted/stats_print.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cli/cli.h"
#include "core/cli/cli_internal.h"
#include "core/hosted/stats.h"
#include "core/sysdesc/sysdesc.h"

static bool parse_format(const char *arg, enum sdvf_stats_format *format)
{
	if (strcmp(arg, "text") == 0)
		*format = SDVF_STATS_TEXT;
	else if (strcmp(arg, "kv") == 0)
		*format = SDVF_STATS_KV;
	else
		return false;
	return true;
}

static int bad_format(const char *arg)
{
	return cli_usage_error(&cli_stats,
			       "--format takes text or kv, not '%s'", arg);
}

/* What `sdvf stats` was asked beyond the query. */
struct stats_args {
	bool explain;
	double interval; /* seconds; 0: one block */
	uint64_t count;	 /* blocks; 0: until killed */
};

/* --interval: plain decimal seconds, 0.001 to 86400. */
static bool parse_interval(const char *arg, double *seconds)
{
	if (!cli_is_decimal(arg))
		return false;
	double v = strtod(arg, NULL);
	if (!(v >= 0.001 && v <= 86400))
		return false;
	*seconds = v;
	return true;
}

/* --count: blocks, digits only, 1 or more. */
static bool parse_count(const char *arg, uint64_t *count)
{
	if (!arg[0] || arg[strspn(arg, "0123456789")] != '\0')
		return false;
	errno = 0;
	unsigned long long v = strtoull(arg, NULL, 10);
	if (errno || v == 0)
		return false;
	*count = v;
	return true;
}

/* The value of option `name` at argv[*i]: "--name VALUE" or "--name=VALUE"
 * (also "-i VALUE" for `short_name`); NULL if argv[*i] is not it.  *missing
 * when the option is there without a value. */
static const char *option(int argc, char **argv, int *i, const char *name,
			  const char *short_name, bool *missing)
{
	const char *a = argv[*i];
	size_t len = strlen(name);
	*missing = false;
	if (strcmp(a, name) == 0 ||
	    (short_name && strcmp(a, short_name) == 0)) {
		if (*i + 1 == argc) {
			*missing = true;
			return NULL;
		}
		return argv[++*i];
	}
	if (strncmp(a, name, len) == 0 && a[len] == '=')
		return a + len + 1;
	return NULL;
}

static int parse_one(int argc, char **argv, int *i, struct sdvf_stats_query *q,
		     struct stats_args *args)
{
	const char *a = argv[*i], *v;
	bool missing;
	if ((v = option(argc, argv, i, "--pd", NULL, &missing)) || missing) {
		if (missing)
			return cli_usage_error(&cli_stats,
					       "missing NAME after '--pd'");
		q->pd = v;
	} else if ((v = option(argc, argv, i, "--client", NULL, &missing)) ||
		   missing) {
		if (missing)
			return cli_usage_error(&cli_stats,
					       "missing NAME after '--client'");
		q->client = v;
	} else if ((v = option(argc, argv, i, "--format", NULL, &missing)) ||
		   missing) {
		if (missing || !parse_format(v, &q->format))
			return bad_format(missing ? "" : v);
	} else if ((v = option(argc, argv, i, "--interval", "-i", &missing)) ||
		   missing) {
		if (missing)
			return cli_usage_error(&cli_stats,
					       "missing SECONDS after '%s'", a);
		if (!parse_interval(v, &args->interval))
			return cli_usage_error(
				&cli_stats,
				"--interval takes seconds, 0.001 "
				"to 86400 (e.g. 1 or 0.5), not "
				"'%s'",
				v);
	} else if ((v = option(argc, argv, i, "--count", NULL, &missing)) ||
		   missing) {
		if (missing)
			return cli_usage_error(&cli_stats,
					       "missing N after '--count'");
		if (!parse_count(v, &args->count))
			return cli_usage_error(&cli_stats,
					       "--count takes a number of "
					       "blocks, 1 or more, not '%s'",
					       v);
	} else if (strcmp(a, "--explain") == 0) {
		args->explain = true;
	} else if (a[0] == '-' || q->system) {
		return cli_usage_error(&cli_stats, "unexpected argument '%s'",
				       a);
	} else {
		q->system = a;
	}
	return 0;
}

static int parse_stats_args(int argc, char **argv, struct sdvf_stats_query *q,
			    struct stats_args *args)
{
	for (int i = 1; i < argc; i++) {
		int rc = parse_one(argc, argv, &i, q, args);
		if (rc != 0)
			return rc;
	}
	/* All three are matched against names, which they must be to match. */
	char why[SDVF_NAME_WHY_MAX];
	if (q->system && sdvf_name_problem(q->system, why))
		return cli_usage_error(&cli_stats, "SYSTEM '%s': name %s",
				       q->system, why);
	if (q->pd && sdvf_name_problem(q->pd, why))
		return cli_usage_error(&cli_stats, "--pd '%s': name %s", q->pd,
				       why);
	if (q->client && sdvf_name_problem(q->client, why))
		return cli_usage_error(&cli_stats, "--client '%s': name %s",
				       q->client, why);
	/* kv stays four fields a line, for scripts. */
	if (args->explain && q->format == SDVF_STATS_KV)
		return cli_usage_error(&cli_stats,
				       "--explain is for the text format, not "
				       "--format=kv");
	if (q->client && q->format == SDVF_STATS_KV)
		return cli_usage_error(&cli_stats,
				       "--client is for the text format, not "
				       "--format=kv");
	if (q->client && q->pd)
		return cli_usage_error(&cli_stats,
				       "--client and --pd: give one of them");
	if (args->count && args->interval == 0)
		args->interval = 1;
	return 0;
}

static void say_nothing_shown(const struct sdvf_stats_query *q)
{
	const char *who = q->pd ? "PD" : "client",
		   *name = q->pd ? q->pd : q->client;
	if (name)
		fprintf(stderr, "sdvf stats: no running %s named '%s'%s%s\n",
			who, name, q->system ? " in system " : "",
			q->system ? q->system : "");
	else if (q->system)
		fprintf(stderr, "sdvf stats: no running system named '%s'\n",
			q->system);
	else
		fprintf(stderr, "sdvf stats: no running system\n");
}

int sdvf_stats_main(int argc, char **argv,
		    const struct sdvf_component *const *table)
{
	struct sdvf_stats_query q = {.format = SDVF_STATS_TEXT};
	struct stats_args args = {0};
	if (cli_help_asked(&cli_stats, argc, argv))
		return 0;
	int rc = parse_stats_args(argc, argv, &q, &args);
	if (rc != 0)
		return rc;
	q.explain = args.explain ? table : NULL;
	q.components = table;
	q.err = stderr;
	int pds;
	if (args.interval > 0) {
		struct sdvf_stats_watch w = {
			.interval_ns = (uint64_t)(args.interval * 1e9),
			.count = args.count,
			.terminal = isatty(STDOUT_FILENO) == 1,
		};
		pds = sdvf_stats_watch(stdout, &q, &w);
	} else {
		pds = sdvf_stats_print(stdout, &q);
	}
	if (pds > 0)
		return 0;
	if (pds < 0)
		return 1; /* the directory was refused, and said why */
	say_nothing_shown(&q);
	return 1;
}

const struct cli_command cli_stats = {
	.name = "stats",
	.usage = "sdvf stats [--pd NAME | --client NAME] [--format=text|kv] "
		 "[--explain] [--interval SECONDS] [--count N] [SYSTEM]",
	.help = "Print the live counters of every running system (or only\n"
		"SYSTEM): for a system with muxes, a row per client PD "
		"(frames,\n"
		"bytes, drops, violations, buffers held) and a line per mux;\n"
		"then each PD's runtime counters and the counters its\n"
		"component publishes.\n"
		"  --pd NAME        only the PD named NAME (no client table)\n"
		"  --client NAME    only the client PD NAME: its row and "
		"every\n"
		"                   counter the muxes keep for it\n"
		"  --format=kv      a 'SYSTEM PD COUNTER VALUE' line per "
		"counter\n"
		"  --explain        beside each component counter, its "
		"meaning\n"
		"                   as the component documents it (text "
		"format)\n"
		"  -i, --interval SECONDS\n"
		"                   print again every SECONDS: on a terminal "
		"in\n"
		"                   place, else one timestamped block each "
		"time\n"
		"  --count N        stop after N blocks (interval 1 s if not "
		"given)\n"
		"Stats files are in $SDVF_STATS_DIR, else /run/sdvf for root,\n"
		"else $XDG_RUNTIME_DIR/sdvf, else /tmp/sdvf-UID: a directory\n"
		"only you may write, or it is refused.\n"
		"Exit status: 0 if a PD was shown (in the last block), 1 if "
		"none\n"
		"is running.\n",
	.main = sdvf_stats_main,
};
