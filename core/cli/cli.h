/* The `sdvf` command line: run / check / dump / stats, each with --help.
 * Test programs call it with their own component table (built-ins plus
 * test components), so they behave exactly like `sdvf`. */
#ifndef SDVF_CLI_H
#define SDVF_CLI_H

#include "core/sysdesc/system.h"

/* Exit status: 0 success, 1 the system failed or the description is
 * invalid, 2 usage error. */
int sdvf_cli_main(int argc, char **argv,
		  const struct sdvf_component *const *table);

/* `sdvf stats` alone: argv[0] is "stats".  --explain finds each PD's
 * component in `table`.  Exit status: 0 if a PD was shown, 1 if none is
 * running, 2 usage error. */
int sdvf_stats_main(int argc, char **argv,
		    const struct sdvf_component *const *table);

#endif
