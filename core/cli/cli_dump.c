/* `sdvf dump FILE`: the explicit system a description expands to. */
#include <stdio.h>

#include "core/cli/cli_internal.h"
#include "core/sysdesc/sysdesc.h"

static int dump_main(int argc, char **argv,
		     const struct sdvf_component *const *table)
{
	const char *file;
	struct sdvf_system sys;
	struct sdvf_load_options load = {0};
	if (cli_help_asked(&cli_dump, argc, argv))
		return 0;
	int rc = cli_one_file(&cli_dump, argc, argv, &file, &load);
	if (rc != 0)
		return rc;
	if (sdvf_system_load_with(&sys, file, table, &load, stderr) < 0)
		return 1;
	sdvf_system_dump(&sys, stdout);
	sdvf_system_free(&sys);
	return 0;
}

const struct cli_command cli_dump = {
	.name = "dump",
	.usage = "sdvf dump FILE [--allow-incbin]",
	.help = "Print the explicit system in FILE after expansion: every\n"
		"PD, map, channel end, need, region and channel, one fact per\n"
		"line (docs/system-description.md, \"Dump format\").\n"
		"  --allow-incbin  let /incbin/ read the files it names\n"
		"Exit status: 0 if the system is valid, 1 if not.\n",
	.main = dump_main,
};
