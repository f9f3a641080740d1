/*
 * Specification of the lines `sdvf run` prints once a system is up, one per
 * client of the muxes (sdvf_system_print_net_clients, core/sysdesc/
 * sysdesc_reach.c): name, component, MAC, IPv4 and the mode of each
 * direction, read from the expanded description.  Run from the repository
 * root (tests/run.sh does): it loads examples/ with the built-in
 * components.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sysdesc/sysdesc.h"

/* What sdvf_system_print_net_clients prints for `path`. */
static char *reach_lines(const char *path)
{
	struct sdvf_system sys;
	assert_int_equal(
		sdvf_system_load(&sys, path, sdvf_builtin_components, stderr),
		0);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	sdvf_system_print_net_clients(&sys, "sdvf: ", out);
	fclose(out);
	sdvf_system_free(&sys);
	return text;
}

static void demo_lists_its_three_clients_with_address_and_modes(void **state)
{
	(void)state;
	char *text = reach_lines("examples/demo.dts");
	assert_string_equal(
		text,
		"sdvf: net client echo: component=echo "
		"mac=02:00:00:00:d0:02 ip=10.214.0.2 rx=copy tx=copy\n"
		"sdvf: net client web: component=http_stats "
		"mac=02:00:00:00:d0:03 ip=10.214.0.3 rx=remap tx=copy\n"
		"sdvf: net client bench: component=bench "
		"mac=02:00:00:00:d0:04 ip=10.214.0.4 rx=remap tx=remap\n");
	free(text);
}

/* A client that takes no IPv4 address (the reflector) shows ip=-. */
static const char reflector_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  compatible = \"sdvf,system\";\n"
	"  pds { mirror { component = \"reflector\"; }; };\n"
	"  subsystems { net {\n"
	"    compatible = \"sdvf,net\";\n"
	"    nic { wire = \"loopback\"; mac = [02 00 00 00 aa 01]; };\n"
	"    clients { mirror { mac = [02 00 00 00 aa 02];\n"
	"                       tx-mode = \"remap\"; }; };\n"
	"  }; };\n"
	"};\n";

static void client_without_ip_shows_a_dash(void **state)
{
	(void)state;
	struct sdvf_system sys;
	assert_int_equal(sdvf_system_load_dts(&sys, "reflector.dts",
					      reflector_dts,
					      sdvf_builtin_components, stderr),
			 0);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	sdvf_system_print_net_clients(&sys, "", out);
	fclose(out);
	sdvf_system_free(&sys);
	assert_string_equal(text, "net client mirror: component=reflector "
				  "mac=02:00:00:00:aa:02 ip=- rx=copy "
				  "tx=remap\n");
	free(text);
}

/* A system without muxes has no net clients: nothing is printed. */
static void system_without_muxes_prints_nothing(void **state)
{
	(void)state;
	char *text = reach_lines("examples/pingpong.dts");
	assert_string_equal(text, "");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			demo_lists_its_three_clients_with_address_and_modes),
		cmocka_unit_test(client_without_ip_shows_a_dash),
		cmocka_unit_test(system_without_muxes_prints_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
