/*
 * Local switching between clients of the muxes (mux/tx_mux.c, mux/rx_mux.c),
 * as a specification, on the real ENET driver and model with a "mem" wire
 * (tests/fixtures/mux-switch-enet.dts):
 *   c0  copy RX and TX     may switch to c1 and c2
 *   c1  remap RX and TX    may switch to c0
 *   c2  copy RX and TX     may switch to nobody; the only one taking
 *                          multicast
 * The clients' PDs are stubs; the test plays them on their queues: it
 * writes frames into cN_txd and pushes them on cN_txa, takes what arrives
 * on cN_rxa (a copy in cN_rxd, or a lent rx_dma buffer for c1) and gives it
 * back on cN_rxf.  After every test every buffer is counted: each client TX
 * buffer came back once, every RX buffer a client was given went back, the
 * TX pool and sw_pool are idle in tx_mux, and rx_mux has its 2 reserve
 * buffers and gave the driver the other 14.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/net.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/mux_switch_fixture.h"

/* ---- the allow-list -------------------------------------------------- */

/* tx_mux's allow-list lets c2 reach c0, rx_mux's does not: the frame
 * stays off the wire (tx_mux decided) and reaches nobody (rx_mux
 * re-checks). */
static void switch_rx_mux_rechecks_the_allow_list_itself(void **unused)
{
	(void)unused;
	fixture_text(dts_text, sizeof(dts_text));
	fixture_edit(dts_text, sizeof(dts_text), "txm {",
		     "c2_mac = [02 00 00 00 5c 02];",
		     "c2_mac = [02 00 00 00 5c 02]; c2_switch_to = <1>;");
	start(dts_text);
	send_frame(2, 0, mac[0], 64, 0x11);
	assert_int_equal(counter("txm", "c2.sw_out"), 1);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(0), 0);
	assert_int_equal(counter("rxm", "sw_no_listener"), 1);
}

/* ---- unicast ------------------------------------------------------------ */

static void
switch_allowed_unicast_to_a_copy_client_stays_off_the_wire(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(0, 3, mac[2], 300, 0x20);
	uint16_t len = 0;
	const uint8_t *got = take_rx(2, &len);
	assert_non_null(got);
	assert_int_equal(len, 300);
	assert_memory_equal(got, sent, 300);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(0) + rx_count(1), 0);
	struct sdvf_desc back;
	assert_true(reap_tx(0, &back));
	assert_int_equal(back.io_or_offset, 3 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	assert_int_equal(counter("txm", "c0.sw_out"), 1);
	assert_int_equal(counter("txm", "c0.tx_frames"), 0);
	assert_int_equal(counter("rxm", "c2.sw_in"), 1);
	assert_int_equal(counter("rxm", "sw_frames"), 1);
}

static void
switch_allowed_unicast_to_a_remap_client_arrives_in_rx_dma(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(0, 0, mac[1], 1514, 0x31);
	uint16_t len = 0;
	const uint8_t *got = take_rx(1, &len);
	assert_non_null(got);
	assert_int_equal(len, 1514);
	assert_memory_equal(got, sent, 1514);
	assert_int_equal(cl[1].rx_held[0] % SDVF_BUF_SIZE, 0);
	assert_true(cl[1].rx_held[0] / SDVF_BUF_SIZE < RX_DMA_BUFS);
	assert_int_equal(wire_count(), 0);
	/* the reserve lent one buffer and refills from the driver's next
	 * returns */
	assert_int_equal(counter("rxm", "sw_reserve"), RESERVE - 1);
	assert_int_equal(counter("rxm", "c1.sw_in"), 1);
	assert_int_equal(counter("rxm", "c1.in_flight"), 1);
}

static void switch_from_a_remap_sender_copies_its_buffer_out(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(1, 5, mac[0], 200, 0x42);
	uint8_t expect[200];
	memcpy(expect, sent, sizeof(expect));
	struct sdvf_desc back;
	/* its buffer is back at once: the frame now lives in sw_pool */
	assert_true(reap_tx(1, &back));
	assert_int_equal(back.io_or_offset, 5 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	uint16_t len = 0;
	const uint8_t *got = take_rx(0, &len);
	assert_non_null(got);
	assert_int_equal(len, 200);
	assert_memory_equal(got, expect, 200);
	assert_int_equal(wire_count(), 0);
}

static void
switch_disallowed_unicast_goes_to_the_wire_not_the_client(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(2, 1, mac[0], 120, 0x53);
	uint8_t got[SDVF_BUF_SIZE];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 120);
	assert_memory_equal(got, sent, 120);
	assert_int_equal(rx_count(0), 0);
	assert_int_equal(counter("txm", "c2.sw_out"), 0);
	assert_int_equal(counter("txm", "c2.tx_frames"), 1);
	assert_int_equal(counter("rxm", "c0.sw_in"), 0);
}

/* c1 may reach c0 only, so its frame to c2 leaves on the wire. */
static void switch_allow_list_is_per_sender(void **unused)
{
	(void)unused;
	send_frame(1, 2, mac[2], 90, 0x54);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(2), 0);
	send_frame(0, 2, mac[2], 90, 0x55);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(2), 1);
}

static void switch_unicast_to_nobody_we_know_goes_to_the_wire(void **unused)
{
	(void)unused;
	send_frame(0, 4, peer_mac, 64, 0x56);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(0) + rx_count(1) + rx_count(2), 0);
	assert_int_equal(counter("txm", "c0.sw_out"), 0);
}

static void switch_drops_a_frame_to_the_senders_own_mac(void **unused)
{
	(void)unused;
	send_frame(0, 6, mac[0], 64, 0x57);
	struct sdvf_desc back;
	assert_true(reap_tx(0, &back));
	assert_int_equal(back.flags, SDVF_NET_REJECTED);
	assert_int_equal(counter("txm", "c0.sw_drop_self"), 1);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(0), 0);
	/* remap: the client's own buffer comes back the same way */
	send_frame(1, 6, mac[1], 64, 0x58);
	assert_true(reap_tx(1, &back));
	assert_int_equal(back.flags, SDVF_NET_REJECTED);
	assert_int_equal(counter("txm", "c1.sw_drop_self"), 1);
	assert_int_equal(wire_count(), 0);
}

/* ---- broadcast ---------------------------------------------------------- */

static void switch_broadcast_reaches_the_wire_and_allowed_clients(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(0, 7, bcast, 60, 0x61);
	uint8_t got[SDVF_BUF_SIZE];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 60);
	assert_memory_equal(got, sent, 60);
	uint16_t len = 0;
	const uint8_t *in1 = take_rx(1, &len);
	assert_non_null(in1);
	assert_memory_equal(in1, sent, 60);
	const uint8_t *in2 = take_rx(2, &len);
	assert_non_null(in2);
	assert_memory_equal(in2, sent, 60);
	assert_int_equal(rx_count(0), 0); /* never back to the sender */
	assert_int_equal(counter("txm", "c0.sw_out"), 1);
	assert_int_equal(counter("txm", "c0.tx_frames"), 1);
}

static void
switch_broadcast_skips_clients_the_sender_may_not_reach(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(1, 8, bcast, 60, 0x62);
	uint8_t expect[60];
	memcpy(expect, sent, sizeof(expect));
	assert_int_equal(wire_count(), 1);
	uint16_t len = 0;
	const uint8_t *in0 = take_rx(0, &len);
	assert_non_null(in0);
	assert_memory_equal(in0, expect, 60);
	assert_int_equal(rx_count(2), 0);
	assert_int_equal(rx_count(1), 0);
	/* c2 may reach nobody: its broadcast only leaves on the wire */
	send_frame(2, 8, bcast, 60, 0x63);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(0) + rx_count(1), 0);
	assert_int_equal(counter("txm", "c2.sw_out"), 0);
}

static void
switch_multicast_reaches_allowed_clients_that_accept_it(void **unused)
{
	(void)unused;
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	const uint8_t *sent = send_frame(0, 10, group, 70, 0x64);
	assert_int_equal(wire_count(), 1);
	uint16_t len = 0;
	const uint8_t *in2 = take_rx(2, &len);
	assert_non_null(in2);
	assert_memory_equal(in2, sent, 70);
	assert_int_equal(rx_count(1), 0); /* allowed, takes no multicast */
	/* c1 may reach c0 only, which takes no multicast: nobody */
	send_frame(1, 10, group, 70, 0x65);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(0) + rx_count(2), 0);
	assert_int_equal(counter("rxm", "sw_no_listener"), 1);
}

/* ---- the wire still works ----------------------------------------------- */

static void switch_leaves_frames_from_the_wire_alone(void **unused)
{
	(void)unused;
	from_wire(2, 0x70);
	uint16_t len = 0;
	const uint8_t *got = take_rx(2, &len);
	assert_non_null(got);
	assert_int_equal(len, 64);
	assert_int_equal(got[20], 0x70);
	assert_int_equal(counter("rxm", "sw_frames"), 0);
}

/* ---- exhaustion --------------------------------------------------------- */

/* Six frames in one activation of tx_mux, four sw_pool buffers: two local
 * copies are dropped, counted, and their buffers come back TX_ERROR. */
static void switch_counts_sw_pool_exhaustion(void **unused)
{
	(void)unused;
	for (uint32_t s = 0; s < 6; s++) {
		write_frame(0, s, mac[2], 80, (uint8_t)s);
		enqueue(0, s, 80);
	}
	kick_tx(0);
	assert_int_equal(counter("txm", "c0.sw_out"), SW_BUFS);
	assert_int_equal(counter("txm", "c0.sw_drop_full"), 2);
	assert_int_equal(rx_count(2), SW_BUFS);
	struct sdvf_desc back;
	int errors = 0;
	for (int k = 0; k < 6; k++) {
		assert_true(reap_tx(0, &back));
		errors += back.flags == SDVF_NET_TX_ERROR;
	}
	assert_int_equal(errors, 2);
	assert_int_equal(wire_count(), 0);
	/* the buffers came home: the next frame is switched again */
	give_back_all(2);
	send_frame(0, 9, mac[2], 80, 0x77);
	assert_int_equal(rx_count(2), 1);
	assert_int_equal(counter("txm", "c0.sw_drop_full"), 2);
}

/* Broadcasts beyond the sw_pool: every one still leaves on the wire and
 * comes back unflagged; only the local copies are dropped. */
static void switch_exhaustion_never_holds_back_the_wire(void **unused)
{
	(void)unused;
	for (uint32_t s = 0; s < 6; s++) {
		write_frame(0, s, bcast, 60, (uint8_t)s);
		enqueue(0, s, 60);
	}
	kick_tx(0);
	assert_int_equal(wire_count(), 6);
	assert_int_equal(counter("txm", "c0.sw_out"), SW_BUFS);
	assert_int_equal(counter("txm", "c0.sw_drop_full"), 2);
	assert_int_equal(rx_count(2), SW_BUFS);
	struct sdvf_desc back;
	for (int k = 0; k < 6; k++) {
		assert_true(reap_tx(0, &back));
		assert_int_equal(back.flags, 0);
	}
}

/* Three frames for the remap client in one activation of rx_mux, two
 * reserve buffers: the third is dropped for it, counted. */
static void switch_counts_an_empty_reserve_for_remap_clients(void **unused)
{
	(void)unused;
	for (uint32_t s = 0; s < 3; s++) {
		write_frame(0, s, mac[1], 80, (uint8_t)s);
		enqueue(0, s, 80);
	}
	kick_tx(0);
	assert_int_equal(counter("txm", "c0.sw_out"), 3);
	assert_int_equal(rx_count(1), RESERVE);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 1);
	assert_int_equal(counter("rxm", "c1.sw_in"), RESERVE);
	assert_int_equal(counter("rxm", "sw_reserve"), 0);
	/* the buffers c1 gives back refill it before the driver */
	give_back_all(1);
	assert_int_equal(counter("rxm", "sw_reserve"), RESERVE);
	assert_int_equal(counter("rxm", "dma_driver"), RX_DMA_BUFS - RESERVE);
}

/* The reserve refills from the next DMA buffer that comes free, here a
 * wire frame copied to c0, while c1 keeps what it was lent. */
static void switch_reserve_refills_from_the_drivers_returns(void **unused)
{
	(void)unused;
	for (uint32_t s = 0; s < 3; s++)
		send_frame(0, s, mac[1], 64, (uint8_t)s);
	assert_int_equal(rx_count(1), RESERVE);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 1);
	from_wire(0, 0x80);
	assert_int_equal(counter("rxm", "sw_reserve"), 1);
	send_frame(0, 3, mac[1], 64, 3);
	assert_int_equal(rx_count(1), 1);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 1);
}

/* A switched frame meets the destination's cap like a wire frame. */
static void switch_respects_the_destinations_rx_cap(void **unused)
{
	(void)unused;
	/* c1's remap cap: (16 - 2 reserve) / (1 remap client + 1) = 7; a
	 * wire frame to c0 after each refills the reserve */
	for (uint32_t s = 0; s < 7; s++) {
		send_frame(0, s, mac[1], 64, (uint8_t)s);
		from_wire(0, (uint8_t)s);
	}
	assert_int_equal(rx_count(1), 7);
	send_frame(0, 7, mac[1], 64, 7);
	assert_int_equal(rx_count(1), 0);
	assert_int_equal(counter("rxm", "c1.drop.cap"), 1);
	assert_int_equal(counter("rxm", "c1.sw_in"), 7);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 0);
}

/* The loader lets each mux repeat its clients' MACs (the fixture loads),
 * but not give one MAC to two clients of one mux. */
static void
switch_fixture_refuses_one_mac_for_two_clients_of_a_mux(void **unused)
{
	(void)unused;
	fixture_text(dts_text, sizeof(dts_text));
	fixture_edit(dts_text, sizeof(dts_text), "txm {",
		     "c2_mac = [02 00 00 00 5c 02]",
		     "c2_mac = [02 00 00 00 5c 00]");
	struct sdvf_system bad;
	memset(&bad, 0, sizeof(bad));
	FILE *err = tmpfile();
	assert_non_null(err);
	assert_int_not_equal(
		sdvf_system_load_dts(&bad, "switch.dts", dts_text, table, err),
		0);
	char msg[512] = {0};
	rewind(err);
	size_t got = fread(msg, 1, sizeof(msg) - 1, err);
	fclose(err);
	assert_true(got > 0);
	assert_non_null(strstr(msg, "/pds/txm/config: property 'c2_mac': "
				    "duplicate MAC 02:00:00:00:5c:00, also "
				    "used by /pds/txm"));
	sdvf_system_free(&bad);
}

/* A remap client restarts holding switched frames: the reserve buffers it
 * held come back to the reserve. */
static void switch_restart_of_a_remap_client_refills_the_reserve(void **u)
{
	(void)u;
	send_frame(0, 0, mac[1], 64, 1);
	send_frame(0, 1, mac[1], 64, 2);
	assert_int_equal(counter("rxm", "sw_reserve"), 0);
	assert_int_equal(sdvf_sim_restart(sim, "c1"), 0);
	run();
	reattach(1); /* a new instance, holding nothing */
	assert_int_equal(counter("rxm", "c1.reclaimed"), 2);
	assert_int_equal(counter("rxm", "sw_reserve"), RESERVE);
	send_frame(0, 2, mac[1], 64, 3);
	assert_int_equal(rx_count(1), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, conserved)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			switch_rx_mux_rechecks_the_allow_list_itself,
			conserved),
		T(switch_allowed_unicast_to_a_copy_client_stays_off_the_wire),
		T(switch_allowed_unicast_to_a_remap_client_arrives_in_rx_dma),
		T(switch_from_a_remap_sender_copies_its_buffer_out),
		T(switch_disallowed_unicast_goes_to_the_wire_not_the_client),
		T(switch_allow_list_is_per_sender),
		T(switch_unicast_to_nobody_we_know_goes_to_the_wire),
		T(switch_drops_a_frame_to_the_senders_own_mac),
		T(switch_broadcast_reaches_the_wire_and_allowed_clients),
		T(switch_broadcast_skips_clients_the_sender_may_not_reach),
		T(switch_multicast_reaches_allowed_clients_that_accept_it),
		T(switch_leaves_frames_from_the_wire_alone),
		T(switch_counts_sw_pool_exhaustion),
		T(switch_counts_an_empty_reserve_for_remap_clients),
		T(switch_reserve_refills_from_the_drivers_returns),
		T(switch_respects_the_destinations_rx_cap),
		T(switch_exhaustion_never_holds_back_the_wire),
		T(switch_restart_of_a_remap_client_refills_the_reserve),
	};
#undef T
	const struct CMUnitTest loader_tests[] = {cmocka_unit_test(
		switch_fixture_refuses_one_mac_for_two_clients_of_a_mux)};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return failed + cmocka_run_group_tests(loader_tests, NULL, NULL);
}
