/*
 * Specification of what the `sdvf,net` subsystem (mux/net_expand*.c)
 * refuses, each with its exact one-line message naming the node and the
 * property the user wrote, and of its one warning (a remap TX client not
 * marked trusted), which `sdvf check` prints without failing.  What it
 * expands to is in test_sysdesc_net.c.
 */
#include <unistd.h>

#include "tests/unit/cli_fixture.h"
#include "tests/unit/net_fixture.h"

/* ---- what it refuses ------------------------------------------------- */

static void net_refuses_an_unknown_policy_listing_the_valid_ones(void **state)
{
	(void)state;
	expect_edit_errors(
		three, "policy = \"drr\";", "policy = \"fifo\";",
		AT ": property 'policy': unknown scheduler \"fifo\" (valid: "
		   "rr, drr, prio, least_served)\n");
	expect_edit_errors(three, "shaper = \"token_bucket\";",
			   "shaper = \"drr\";",
			   AT ": property 'shaper': unknown shaper \"drr\" "
			      "(valid: token_bucket)\n");
}

static void net_refuses_policy_values_out_of_the_policy_range(void **state)
{
	(void)state;
	expect_edit_errors(three, "weight = <4>;", "weight = <0>;",
			   AT "/clients/web: property 'weight': 0 is out of "
			      "range (1..1024)\n");
	expect_edit_errors(three, "rate = <1000000>;", "priority = <1>;",
			   AT "/clients/web: property 'priority': not a "
			      "parameter of the selected policies (drr, "
			      "token_bucket; their client keys: weight, rate, "
			      "burst)\n");
}

static void net_refuses_bad_modes(void **state)
{
	(void)state;
	expect_edit_errors(three, "rx-mode = \"remap\";\n           tx-mode",
			   "rx-mode = \"zero-copy\";\n           tx-mode",
			   AT "/clients/db: property 'rx-mode': \"zero-copy\" "
			      "is not a mode (valid: \"copy\", \"remap\")\n");
	expect_edit_errors(three, "any-source-mac;", "tx-mode = <1>;",
			   AT "/clients/vm: property 'tx-mode': must be one "
			      "string (\"copy\" or \"remap\")\n");
	expect_edit_errors(three, "rx-cap = <64>;", "rx-buffers = <8>;",
			   AT "/clients/db: property 'rx-buffers': only with "
			      "rx-mode \"copy\" (a remap client is lent "
			      "buffers of the RX DMA region: see rx-cap)\n");
}

static void net_refuses_a_client_that_names_no_net_client_pd(void **state)
{
	(void)state;
	expect_edit_errors(three, "      vm { mac",
			   "      vm { pd = \"nope\"; mac",
			   AT "/clients/vm: property 'pd': no PD 'nope' in "
			      "/pds\n");
	expect_edit_errors(three, "      vm { mac", "      box { mac",
			   AT "/clients/box: no PD 'box' in /pds (name the "
			      "client's PD with 'pd')\n");
	expect_edit_errors(three, "      vm { mac",
			   "      vm { pd = \"db\"; mac",
			   AT "/clients/vm: PD 'db' is already client 'db'\n");
	expect_edit_errors(three, "vm { component = \"net_stub\"; };",
			   "vm { component = \"queue_sink\"; };",
			   AT "/clients/vm: PD 'vm' runs component "
			      "'queue_sink', which is not a net client (a "
			      "client- or VMM-role component that needs "
			      "regions rx_active and tx_active)\n");
}

static void net_refuses_duplicate_macs(void **state)
{
	(void)state;
	expect_edit_errors(three, "[02 00 00 00 00 0c]", "[02 00 00 00 00 0a]",
			   AT "/clients/vm: property 'mac': duplicate MAC "
			      "02:00:00:00:00:0a, also client 'web'\n");
	expect_edit_errors(three, "[02 00 00 00 00 0b]", "[02 00 00 00 00 01]",
			   AT "/clients/db: property 'mac': duplicate MAC "
			      "02:00:00:00:00:01, also the NIC's (nic { mac "
			      "})\n");
	expect_edit_errors(three, "[02 00 00 00 00 0b]", "[03 00 00 00 00 0b]",
			   AT "/clients/db: property 'mac': a group address "
			      "(first byte odd): a station address is "
			      "unicast\n");
}

/* n net_stub clients p0..p(n-1), those from `remap_from` on with
 * tx-mode "remap" (trusted), the rest copy: the description in dts. */
static void n_clients(char *dts, size_t size, int n, int remap_from)
{
	char pds[512] = "", clients[1024] = "";
	for (int i = 0; i < n; i++) {
		char line[128];
		snprintf(line, sizeof(line),
			 "p%d { component = \"net_stub\"; };\n", i);
		strcat(pds, line);
		snprintf(line, sizeof(line),
			 "p%d { mac = [02 00 00 00 01 %02x];%s };\n", i, i,
			 i >= remap_from
				 ? " tx-mode = \"remap\"; trusted-source-mac;"
				 : "");
		strcat(clients, line);
	}
	snprintf(dts, size,
		 "/dts-v1/;\n/ { compatible = \"sdvf,system\";\n"
		 "pds { %s };\n"
		 "subsystems { net { compatible = \"sdvf,net\";\n"
		 "nic { wire = \"mem\"; mac = [02 00 00 00 00 01]; };\n"
		 "clients { %s }; }; }; };\n",
		 pds, clients);
}

/* Nine clients: more than the muxes serve. */
static void net_refuses_more_clients_than_the_muxes_serve(void **state)
{
	(void)state;
	char dts[2048];
	n_clients(dts, sizeof(dts), 9, 9);
	expect_errors(dts, AT "/clients: 9 clients: the muxes serve at most 8 "
			      "(c0..c7)\n");
}

/* rx_dma and tx_pool take two of the driver's eight DMA windows. */
static void net_refuses_more_remap_tx_clients_than_dma_windows(void **state)
{
	(void)state;
	char dts[2048];
	n_clients(dts, sizeof(dts), 8, 1);
	expect_errors(dts, AT "/clients: 7 clients with tx-mode \"remap\" "
			      "need 9 DMA windows with rx_dma and tx_pool "
			      "(the ENET driver has 8: at most 6 remap TX "
			      "clients)\n");
}

/* db and vm are lent RX DMA buffers: caps of 128 + 128 of 256 would leave
 * the driver none; 128 + 127 leave it one. */
static void
net_refuses_remap_rx_caps_that_leave_the_driver_no_buffer(void **state)
{
	(void)state;
	char *text = edit(three, "rx-cap = <64>;", "rx-cap = <128>;");
	expect_edit_errors(text, "broadcast = <0>;",
			   "broadcast = <0>; rx-cap = <128>;",
			   AT "/clients: the rx-cap of the clients with "
			      "rx-mode \"remap\" sum to 256 of the 256 RX DMA "
			      "buffers (nic rx-buffers): keep the sum below, "
			      "or one hoarding client could leave the driver "
			      "none\n");
	free(text);
	struct sdvf_system sys;
	text = edit(three, "broadcast = <0>;",
		    "broadcast = <0>; rx-cap = <127>;");
	char *more = edit(text, "rx-cap = <64>;", "rx-cap = <128>;");
	expect_ok(&sys, more);
	sdvf_system_free(&sys);
	free(more);
	free(text);
}

static void net_refuses_unknown_and_malformed_properties(void **state)
{
	(void)state;
	char want[256];
	snprintf(want, sizeof(want),
		 AT ": property 'driver-core': 4096 is out of range (0..%ld)\n",
		 sysconf(_SC_NPROCESSORS_ONLN) - 1);
	expect_edit_errors(one, "nic { wire",
			   "driver-core = <4096>; nic { wire", want);
	expect_edit_errors(
		one, "nic { wire", "colour = \"red\"; nic { wire",
		AT
		": property 'colour': unknown (valid: compatible, policy, "
		"shaper, budget, rx-capacity, tx-capacity, switch-buffers, "
		"switch-reserve, nic-core, driver-core, rx-mux-core, "
		"tx-mux-core, driver-restartable, colocate, colocate-nic)\n");
	expect_edit_errors(
		one, "wire = \"loopback\";",
		"wire = \"tap\"; tap_name = \"x\";",
		AT "/nic: property 'tap_name': unknown (valid: "
		   "wire, mac, rx-ring, tx-ring, rx-buffers, "
		   "tx-buffers, ref-clk-hz, rx-coalesce-frames, "
		   "rx-coalesce-us, tx-coalesce-frames, "
		   "tx-coalesce-us, uio-device, uio-dma, reset-mode, and the "
		   "wire's: tap-name "
		   "udp-local udp-remote pcap-record "
		   "pcap-record-max pcap-replay gen-rate-pps "
		   "gen-count gen-sizes gen-dst-mac mem-depth "
		   "link-up phy-addr fault-loss-ppm "
		   "fault-corrupt-ppm fault-flap-ms "
		   "fault-flap-down-ms fault-seed personality line-rate "
		   "hazard-err006358 "
		   "hazard-reset-hang hazard-mdio-etheren "
		   "hazard-mscr-mii hazard-rx-align hazard-err007885)\n");
	expect_edit_errors(one, "wire = \"loopback\";",
			   "wire = \"loopback\"; personality = \"qemu\";",
			   AT "/nic: property 'personality': \"qemu\" is not "
			      "one of: silicon, qemu-imx7\n");
	expect_edit_errors(one, "wire = \"loopback\";",
			   "wire = \"tap\"; tap-name = \"a-name-too-long-x\";",
			   AT "/nic: property 'tap-name': must be one string "
			      "of at most 15 printable characters\n");
	expect_edit_errors(one, "wire = \"loopback\";",
			   "wire = \"mem\"; mem-depth = <70000>;",
			   AT "/nic: property 'mem-depth': must be a number in "
			      "0..65536\n");
	expect_edit_errors(one, "nic { wire",
			   "rx-capacity = <8192>; nic { wire",
			   AT ": property 'rx-capacity': 8192 is out of range "
			      "(1..4096)\n");
	expect_edit_errors(one, "nic { wire", "lan { }; nic { wire",
			   AT "/lan: unknown node (valid: nic, clients)\n");
	expect_edit_errors(one, "0a]; };", "0a]; vlan { }; };",
			   AT "/clients/app: node 'vlan': unknown (valid: "
			      "none)\n");
	expect_edit_errors(one, "app { mac", "app { weight = <2>; mac",
			   AT "/clients/app: property 'weight': not a "
			      "parameter of the selected policies (rr; their "
			      "client keys: none)\n");
	expect_edit_errors(one, "app { mac", "app { ip = [0a 00 00]; mac",
			   AT "/clients/app: property 'ip': must be 4 bytes "
			      "(e.g. [0a 00 00 02]) or \"dhcp\"\n");
	expect_edit_errors(one, "nic { wire = \"loopback\"; ", "nic { ",
			   AT "/nic: missing property 'wire' (tap, udp, "
			      "loopback, mem, generator or pcap)\n");
	expect_edit_errors(one, "app { mac = [02 00 00 00 00 0a]; };", "",
			   AT "/clients: no client (1..8 client nodes)\n");
}

/* An lwIP client (echo) with its address from DHCP. */
static const char dhcp_one[] =
	"/dts-v1/;\n"
	"/ { compatible = \"sdvf,system\";\n"
	"  pds { app { component = \"echo\"; config { }; }; };\n"
	"  subsystems { net { compatible = \"sdvf,net\";\n"
	"    nic { wire = \"loopback\"; mac = [02 00 00 00 00 01]; };\n"
	"    clients { app { mac = [02 00 00 00 00 0a]; ip = \"dhcp\"; }; };\n"
	"  }; };\n"
	"};\n";

static void net_dhcp_client_gets_config_ip_mode_and_no_ip(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *errors = NULL;
	assert_int_equal(load(&sys, dhcp_one, &errors), 0);
	free(errors);
	char *dump = dump_text(&sys);
	assert_non_null(strstr(dump, "pd-config app ip_mode=\"dhcp\"\n"));
	assert_null(strstr(dump, "pd-config app ip="));
	free(dump);
	sdvf_system_free(&sys);
}

static void net_refuses_inconsistent_dhcp_combinations(void **state)
{
	(void)state;
	expect_edit_errors(dhcp_one, "ip = \"dhcp\"; ", "",
			   AT "/clients/app: property 'ip': component 'echo' "
			      "needs an address (4 bytes, or \"dhcp\")\n");
	expect_edit_errors(dhcp_one, "\"echo\"", "\"raw_responder\"",
			   AT "/clients/app: property 'ip': \"dhcp\", but "
			      "component 'raw_responder' has no DHCP client "
			      "(give 4 bytes)\n");
	expect_edit_errors(
		dhcp_one, "config { }", "config { ip_mode = \"dhcp\"; }",
		AT ": property 'ip_mode' already exists in /pds/app/config\n");
	expect_edit_errors(dhcp_one, "config { }",
			   "config { gateway = [0a 00 00 01]; }",
			   AT "/clients/app: property 'ip': \"dhcp\", but PD "
			      "'app' has config gateway (the lease names the "
			      "router)\n");
	char *both =
		edit(dhcp_one, "config { }", "config { ip_mode = \"dhcp\"; }");
	expect_edit_errors(both, "ip = \"dhcp\";", "ip = [0a 00 00 02];",
			   AT "/clients/app: property 'ip': a static address, "
			      "but PD 'app' has config ip_mode \"dhcp\" (write "
			      "ip = \"dhcp\")\n");
	free(both);
	expect_edit_errors(dhcp_one, "ip = \"dhcp\";", "ip = \"auto\";",
			   AT "/clients/app: property 'ip': must be 4 bytes "
			      "(e.g. [0a 00 00 02]) or \"dhcp\"\n");
	char *bootp = edit(dhcp_one, "ip = \"dhcp\";", "ip = [0a 00 00 02];");
	expect_edit_errors(bootp, "config { }",
			   "config { ip_mode = \"bootp\"; }",
			   "t.dts: /pds/app/config: property 'ip_mode': "
			   "\"bootp\" is not one of: static, dhcp\n");
	free(bootp);
}

static void net_refuses_names_that_conflict_with_the_users(void **state)
{
	(void)state;
	expect_edit_errors(
		one, "pds { app",
		"pds { net_driver { component = \"net_stub\"; }; app",
		AT ": PD 'net_driver' already exists in /pds\n");
	expect_edit_errors(
		one, "component = \"net_stub\"; }; };",
		"component = \"net_stub\"; config { rx_capacity = <8>; }; }; "
		"};\n"
		"  regions { net_rx_dma { size = <0x1000>; }; };\n"
		"  channels { net_app_rx { ends = \"app\", \"app\"; }; };",
		AT ": property 'rx_capacity' already exists in "
		   "/pds/app/config\n" AT
		   ": region 'net_rx_dma' already exists in /regions\n" AT
		   ": channel 'net_app_rx' already exists in /channels\n");
}

static void net_warns_about_a_remap_tx_client_without_trust(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *errors;
	char *text = edit(three, "trusted-source-mac;", "");
	assert_int_equal(load(&sys, text, &errors), 0);
	assert_string_equal(
		errors,
		AT "/clients/db: warning: tx-mode \"remap\": the TX mux checks "
		   "the source MAC before the device reads the frame, which "
		   "the client may still rewrite, so the check binds only an "
		   "honest client (if you trust it, write trusted-source-mac; "
		   "else use tx-mode \"copy\")\n");
	sdvf_system_free(&sys);
	free(errors);
	free(text);
}

/* `sdvf check`: the warning on stderr, "ok" on stdout, exit status 0. */
static void net_check_prints_the_warning_and_still_succeeds(void **state)
{
	(void)state;
	char path[] = "/tmp/sdvf-net-warn-XXXXXX", want[1024];
	char *text = edit(three, "trusted-source-mac;", "");
	struct cli_result r;
	cli_check_text(&r, text, path, net_table());
	free(text);
	assert_int_equal(r.rc, 0);
	snprintf(want, sizeof(want),
		 "%s: /subsystems/net/clients/db: warning: tx-mode \"remap\": "
		 "the TX mux checks the source MAC before the device reads "
		 "the frame, which the client may still rewrite, so the check "
		 "binds only an honest client (if you trust it, write "
		 "trusted-source-mac; else use tx-mode \"copy\")\n",
		 path);
	assert_string_equal(r.err, want);
	snprintf(want, sizeof(want),
		 "%s: ok (7 PDs, 25 regions, 10 channels)\n", path);
	assert_string_equal(r.out, want);
}

/* ---- mutated descriptions -------------------------------------------- */

static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* 1000 copies of `three`'s blob, each with 1 to 4 bytes changed past the
 * header (seeded, so every run is the same): each one loads, or is refused
 * with at least one line saying why; none crashes the loader or (under
 * the sanitizers, build-san/) touches memory it should not. */
static void net_mutated_descriptions_load_or_say_why(void **state)
{
	(void)state;
	char dir[] = "/tmp/sdvf-net-mutate-XXXXXX", cmd[700], path[300];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/three.dts", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(three, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s/three.dtb %s",
		 dir, path);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/three.dtb", dir);
	static uint8_t blob[8192], mutant[8192];
	f = fopen(path, "rb");
	assert_non_null(f);
	size_t len = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	assert_true(len > 64 && len < sizeof(blob));
	snprintf(path, sizeof(path), "%s/mutant.dtb", dir);
	uint32_t seed = 0x5dfe1234u;
	int loaded = 0, refused = 0;
	for (int i = 0; i < 1000; i++) {
		memcpy(mutant, blob, len);
		int changes = 1 + (int)(xorshift(&seed) % 4);
		for (int c = 0; c < changes; c++) {
			size_t at = 40 + xorshift(&seed) % (len - 40);
			mutant[at] = (uint8_t)xorshift(&seed);
		}
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(mutant, 1, len, f), len);
		fclose(f);
		struct sdvf_system sys;
		char *errors;
		size_t elen;
		FILE *err = open_memstream(&errors, &elen);
		int rc = sdvf_system_load(&sys, path, net_table(), err);
		fclose(err);
		if (rc == 0) {
			loaded++;
			sdvf_system_free(&sys);
		} else {
			refused++;
			assert_true(elen > 0);
		}
		free(errors);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/three.dts", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/three.dtb", dir);
	unlink(path);
	rmdir(dir);
	/* the mutations reach both outcomes */
	assert_true(loaded > 0);
	assert_true(refused > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			net_refuses_an_unknown_policy_listing_the_valid_ones),
		cmocka_unit_test(
			net_refuses_policy_values_out_of_the_policy_range),
		cmocka_unit_test(net_refuses_bad_modes),
		cmocka_unit_test(
			net_refuses_a_client_that_names_no_net_client_pd),
		cmocka_unit_test(net_refuses_duplicate_macs),
		cmocka_unit_test(net_refuses_more_clients_than_the_muxes_serve),
		cmocka_unit_test(
			net_refuses_more_remap_tx_clients_than_dma_windows),
		cmocka_unit_test(
			net_refuses_remap_rx_caps_that_leave_the_driver_no_buffer),
		cmocka_unit_test(net_refuses_unknown_and_malformed_properties),
		cmocka_unit_test(
			net_refuses_names_that_conflict_with_the_users),
		cmocka_unit_test(
			net_warns_about_a_remap_tx_client_without_trust),
		cmocka_unit_test(
			net_check_prints_the_warning_and_still_succeeds),
		cmocka_unit_test(net_mutated_descriptions_load_or_say_why),
		cmocka_unit_test(net_dhcp_client_gets_config_ip_mode_and_no_ip),
		cmocka_unit_test(net_refuses_inconsistent_dhcp_combinations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
