/*
 * `sdvf stats`: the live counters of running systems.  This file reads the
 * arguments and reports "nothing running"; finding and printing the stats
 * files is core/hosted/stats_print.c.
 */
#include <stdio.h>
#include <string.h>

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

static int parse_stats_args(int argc, char **argv, struct sdvf_stats_query *q,
			    bool *explain)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--pd") == 0) {
			if (++i == argc)
				return cli_usage_error(
					&cli_stats,
					"missing NAME after '--pd'");
			q->pd = argv[i];
		} else if (strncmp(a, "--pd=", 5) == 0) {
			q->pd = a + 5;
		} else if (strcmp(a, "--format") == 0) {
			if (++i == argc || !parse_format(argv[i], &q->format))
				return bad_format(i < argc ? argv[i] : "");
		} else if (strncmp(a, "--format=", 9) == 0) {
			if (!parse_format(a + 9, &q->format))
				return bad_format(a + 9);
		} else if (strcmp(a, "--explain") == 0) {
			*explain = true;
		} else if (a[0] == '-' || q->system) {
			return cli_usage_error(&cli_stats,
					       "unexpected argument '%s'", a);
		} else {
			q->system = a;
		}
	}
	/* Both are matched against names, which they must be to match. */
	char why[SDVF_NAME_WHY_MAX];
	if (q->system && sdvf_name_problem(q->system, why))
		return cli_usage_error(&cli_stats, "SYSTEM '%s': name %s",
				       q->system, why);
	if (q->pd && sdvf_name_problem(q->pd, why))
		return cli_usage_error(&cli_stats, "--pd '%s': name %s", q->pd,
				       why);
	/* kv stays four fields a line, for scripts. */
	if (*explain && q->format == SDVF_STATS_KV)
		return cli_usage_error(&cli_stats,
				       "--explain is for the text format, not "
				       "--format=kv");
	return 0;
}

int sdvf_stats_main(int argc, char **argv,
		    const struct sdvf_component *const *table)
{
	struct sdvf_stats_query q = {.format = SDVF_STATS_TEXT};
	bool explain = false;
	if (cli_help_asked(&cli_stats, argc, argv))
		return 0;
	int rc = parse_stats_args(argc, argv, &q, &explain);
	if (rc != 0)
		return rc;
	q.explain = explain ? table : NULL;
	q.err = stderr;
	int pds = sdvf_stats_print(stdout, &q);
	if (pds > 0)
		return 0;
	if (pds < 0)
		return 1; /* the directory was refused, and said why */
	if (q.pd)
		fprintf(stderr, "sdvf stats: no running PD named '%s'%s%s\n",
			q.pd, q.system ? " in system " : "",
			q.system ? q.system : "");
	else if (q.system)
		fprintf(stderr, "sdvf stats: no running system named '%s'\n",
			q.system);
	else
		fprintf(stderr, "sdvf stats: no running system\n");
	return 1;
}

const struct cli_command cli_stats = {
	.name = "stats",
	.usage = "sdvf stats [--pd NAME] [--format=text|kv] [--explain] "
		 "[SYSTEM]",
	.help = "Print the live counters of every running system (or only\n"
		"SYSTEM): each PD's runtime counters, then the counters its\n"
		"component publishes.\n"
		"  --pd NAME    only the PD named NAME\n"
		"  --format=kv  a 'SYSTEM PD COUNTER VALUE' line per counter\n"
		"  --explain    beside each component counter, its meaning as\n"
		"               the component documents it (text format)\n"
		"Stats files are in $SDVF_STATS_DIR, else /run/sdvf for root,\n"
		"else $XDG_RUNTIME_DIR/sdvf, else /tmp/sdvf-UID: a directory\n"
		"only you may write, or it is refused.\n"
		"Exit status: 0 if a PD was shown, 1 if none is running.\n",
	.main = sdvf_stats_main,
};
