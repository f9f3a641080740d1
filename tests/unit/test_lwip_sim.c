/*
 * An lwIP client (echo over clients/lwip_netif) under the sim runtime:
 * it starts beside the muxes, and a restart in the same process is
 * refused with one log line instead of running on lwIP's global state,
 * which still holds the dead instance (a hosted restart is a new process:
 * tests/integration/lwip_client_restart.sh).  One sim per process: lwIP's
 * state is global.
 */
#include "core/queue.h"
#include "core/sim/sim.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/net_fixture.h"

static const char echo_one[] =
	"/dts-v1/;\n"
	"/ { compatible = \"sdvf,system\";\n"
	"  pds { app { component = \"echo\"; restartable;\n"
	"              config { prefix_len = <24>; }; }; };\n"
	"  subsystems { net { compatible = \"sdvf,net\";\n"
	"    nic { wire = \"mem\"; mac = [02 00 00 00 00 01]; };\n"
	"    clients { app { mac = [02 00 00 00 00 0a];\n"
	"                    ip = [0a 00 00 0a]; }; };\n"
	"  }; };\n"
	"};\n";

static void lwip_client_starts_under_sim_and_refuses_a_restart(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, echo_one);
	struct sdvf_sim *sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 10000);
	bool found = false;
	sdvf_sim_counter(sim, "app", "lwip.rx_frames", &found);
	assert_true(found);
	assert_int_equal(sdvf_sim_restart(sim, "app"), -1);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "net_rx_mux"), 1);
	/* The rest of the system runs on, and the muxes took back what the
	 * client held: the TX pool is whole, no RX buffer is lent. */
	sdvf_sim_run(sim, 10000);
	static const char *const pds[] = {"net_nic", "net_driver", "net_rx_mux",
					  "net_tx_mux"};
	for (size_t i = 0; i < sizeof(pds) / sizeof(pds[0]); i++)
		assert_int_equal(sdvf_sim_failures(sim, pds[i]), 0);
	assert_int_equal(
		sdvf_sim_counter(sim, "net_rx_mux", "dma_lent", &found), 0);
	assert_true(found);
	wire_close(enet_model_wire(sdvf_sim_state(sim, "net_nic")));
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			lwip_client_starts_under_sim_and_refuses_a_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
