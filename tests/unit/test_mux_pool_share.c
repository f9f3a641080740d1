/*
 * The TX policy must decide who sends when the copy-mode pool is the
 * scarce resource: the system of test_mux_sharing
 * (tests/fixtures/mux_sharing.dts, sim), with the model sending at a line
 * rate (100 Mbit/s: the wire is the bottleneck, as on hardware) and the
 * driver's queue as deep as the whole pool (64), as every sdvf,net
 * system has it (drv_capacity = tx-buffers).  Every pool buffer then
 * waits at the driver, and each one that comes back must go to the client
 * the policy serves next.
 *
 * Found by tests/vm/vm_pair_drr.sh, whose two guests got 0.09-0.24 of
 * the line for a weight of 1 in 4 and followed the client index, not the
 * weight, when the clients were listed in another order: mux/tx_mux.c's
 * tx_provide then staged (copied into a freed pool buffer) clients in
 * index order before the policy picked, and the policy chose only among
 * staged clients; here client 0 got 98.8 % of the bytes.  Now a head is
 * checked without a pool buffer, the policy picks among every client with
 * one, and with the pool empty nobody is picked (docs/policies.md, "When
 * the TX pool waits at the driver").  Buffer conservation is checked at
 * the end, as in test_mux_sharing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "core/sim/sim.h"
#include "tests/unit/mux_sharing_fixture.h"

#define DEPARTURES 4000u

/* Run the fixture with `mux_config` (the txmux node's config body), the
 * line the bottleneck and the pool at the driver, until DEPARTURES frames
 * left; the pool must have run empty (else this tests nothing). */
static void run_with_pool_at_driver(const char *mux_config)
{
	char overlay[512];
	snprintf(overlay, sizeof(overlay),
		 "pds { nic { config { line_rate = <100000000>; }; };\n"
		 "drv { config { tx_capacity = <64>; }; };\n"
		 "txmux { config { drv_capacity = <64>; %s }; };\n"
		 "s0 { config { mix = <3>; }; }; s1 { config { mix = <3>; }; "
		 "};\n"
		 "s2 { config { mix = <3>; }; }; };",
		 mux_config);
	start(overlay);
	while (ndep < DEPARTURES) {
		sdvf_sim_run(sim, 200);
		if (drain_wire() == 0) /* the line is busy: to its next frame */
			sdvf_sim_advance(sim, sdvf_sim_next_timer(sim) -
						      sdvf_sim_now(sim));
	}
	assert_true(counter("txmux", "pool_empty") > 0);
}

static void drr_weights_hold_when_the_pool_waits_at_the_driver(void **u)
{
	(void)u;
	run_with_pool_at_driver("policy = \"drr\"; c0_weight = <1>; "
				"c1_weight = <1>; c2_weight = <2>;");
	double bytes[3] = {0}, total = 0;
	for (uint32_t k = 0; k < DEPARTURES; k++) {
		if (dep[k].client < 3)
			bytes[dep[k].client] += dep[k].len;
		total += dep[k].len;
	}
	const double want[3] = {0.25, 0.25, 0.5};
	for (int i = 0; i < 3; i++)
		printf("drr 1:1:2, pool at the driver: client %d byte share "
		       "%.5f (want %.5f)\n",
		       i, bytes[i] / total, want[i]);
	for (int i = 0; i < 3; i++)
		assert_true(bytes[i] / total > want[i] * 0.97 &&
			    bytes[i] / total < want[i] * 1.03);
	finish();
}

/* rr's turns survive an empty pool: a pick the mux could not serve would
 * move the turn on, so it asks for none; frame counts stay within one of
 * each other after every departure. */
static void rr_turns_hold_when_the_pool_waits_at_the_driver(void **u)
{
	(void)u;
	run_with_pool_at_driver("policy = \"rr\";");
	uint32_t frames[3] = {0};
	for (uint32_t k = 0; k < DEPARTURES; k++) {
		assert_true(dep[k].client < 3);
		frames[dep[k].client]++;
		uint32_t lo = frames[0], hi = frames[0];
		for (int i = 1; i < 3; i++) {
			lo = frames[i] < lo ? frames[i] : lo;
			hi = frames[i] > hi ? frames[i] : hi;
		}
		assert_true(hi - lo <= 1);
	}
	printf("rr, pool at the driver: frames %u %u %u\n", frames[0],
	       frames[1], frames[2]);
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			drr_weights_hold_when_the_pool_waits_at_the_driver),
		cmocka_unit_test(
			rr_turns_hold_when_the_pool_waits_at_the_driver),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
