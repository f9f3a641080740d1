/* `sdvf check FILE`: load and check a system description. */
#include <stdio.h>

#include "core/cli/cli_internal.h"
#include "core/sysdesc/sysdesc.h"

static int check_main(int argc, char **argv,
		      const struct sdvf_component *const *table)
{
	const char *file;
	struct sdvf_system sys;
	struct sdvf_load_options load = {0};
	if (cli_help_asked(&cli_check, argc, argv))
		return 0;
	int rc = cli_one_file(&cli_check, argc, argv, &file, &load);
	if (rc != 0)
		return rc;
	if (sdvf_system_load_with(&sys, file, table, &load, stderr) < 0)
		return 1;
	printf("%s: ok (%d PDs, %d regions, %d channels)\n", file, sys.npds,
	       sys.nregions, sys.nchannels);
	/* One line per co-location group: "FILE: group NAME pds=A,B". */
	char prefix[1024];
	snprintf(prefix, sizeof(prefix), "%s: group ", file);
	sdvf_system_print_groups(&sys, prefix, stdout);
	sdvf_system_free(&sys);
	return 0;
}

const struct cli_command cli_check = {
	.name = "check",
	.usage = "sdvf check FILE [--allow-incbin]",
	.help = "Load and check the system in FILE; print 'FILE: ok (...)'\n"
		"or every error, one per line.\n"
		"  --allow-incbin  let /incbin/ read the files it names\n"
		"Exit status: 0 if the system is valid, 1 if not.\n",
	.main = check_main,
};
