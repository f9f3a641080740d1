/* `sdvf`: the launcher and system-description tool (core/cli/cli.c). */
#include "core/cli/cli.h"

int main(int argc, char **argv)
{
	return sdvf_cli_main(argc, argv, sdvf_builtin_components);
}
