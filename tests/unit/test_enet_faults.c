/*
 * Faults on the whole ENET data path, in the sim runtime: wire faults the
 * ENET model injects (loss, corruption, link drops; docs/enet.md, "Wire
 * faults") and a restart of the driver PD with frames in flight.  The
 * system is test_enet_system's (tests/fixtures/enet-mux-mem.dts): the real
 * model on the `mem` wire, the real driver, both muxes, and three clients:
 *   a  copy RX, copy TX     a test client on clients/net_client
 *   b  remap RX, remap TX   the same test client
 *   r  copy RX, remap TX    raw_responder
 * Each fault is counted where it is injected (the model's fault_*) and
 * where it is observed (the driver's rx_err_cr, link_changes; the TX mux's
 * drv_reclaimed), and survived: the frames it spares arrive byte-exact and
 * in order, and every test ends with every buffer held by exactly one
 * party (the teardown checks it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_mux_fixture.h"

#define MS 1000000ull
#define FRAMES 60u /* per test: within the test client's log */

/* ---- frames ----------------------------------------------------------- */

static void faults(uint32_t loss_ppm, uint32_t corrupt_ppm, uint64_t seed)
{
	struct enet_model_faults f = {
		.loss_ppm = loss_ppm, .corrupt_ppm = corrupt_ppm, .seed = seed};
	enet_model_set_faults(nic, &f);
}

/* The peer sends FRAMES frames (seeds 0..) to client a; returns which
 * arrived, bit per seed, after checking they arrived byte-exact, in
 * order, each once. */
static uint64_t rx_pattern(void)
{
	uint32_t before = ca->nrx;
	for (uint32_t i = 0; i < FRAMES; i++)
		inject_to(a_mac, 100, (uint8_t)i);
	uint64_t arrived = 0;
	for (uint32_t k = before; k < ca->nrx; k++) {
		/* net_test_frame's byte 14 is seed * 7 + 14; 183 = 1/7 mod 256
		 */
		uint8_t seed = (uint8_t)((ca->rx_bytes[k][14] - 14u) * 183u);
		assert_true(seed < FRAMES);
		assert_false(arrived >> seed & 1);
		assert_true(arrived < 1ull << seed); /* in order */
		expect_rx_at(ca, k, a_mac, 100, seed);
		arrived |= 1ull << seed;
	}
	return arrived;
}

static uint32_t bits(uint64_t v)
{
	return (uint32_t)__builtin_popcountll(v);
}

static uint32_t wire_drain(void)
{
	uint8_t got[WIRE_MAX_FRAME];
	uint32_t n = 0;
	while (wire_mem_take(wire, got, sizeof(got)) > 0)
		n++;
	return n;
}

/* ---- loss and corruption ---------------------------------------------- */

/* A quarter of the frames are lost on the cable: counted by the model,
 * never seen by the MAC or the driver; the rest reach the client whole
 * and in order. */
static void rx_loss_is_counted_and_the_rest_arrive_in_order(void **unused)
{
	(void)unused;
	faults(250000, 0, 7);
	uint64_t arrived = rx_pattern();
	uint64_t lost = pd_counter("nic", "fault_rx_lost");
	assert_true(lost > 0 && lost < FRAMES);
	assert_int_equal(bits(arrived) + lost, FRAMES);
	assert_int_equal(pd_counter("nic", "rx_frames"), bits(arrived));
	assert_int_equal(pd_counter("drv", "rx_frames"), bits(arrived));
	assert_int_equal(pd_counter("drv", "rx_err_cr"), 0);
}

/* The same seed loses the same frames; another seed others. */
static void wire_faults_repeat_for_the_same_seed(void **unused)
{
	(void)unused;
	faults(250000, 0, 7);
	uint64_t first = rx_pattern();
	ca->nrx = 0;
	faults(250000, 0, 7);
	assert_true(rx_pattern() == first);
	ca->nrx = 0;
	faults(250000, 0, 8);
	assert_true(rx_pattern() != first);
}

/* Damaged frames reach the MAC with a bad FCS: it flags them CR, the driver
 * counts each (rx_err_cr) and re-posts its buffer; no damaged byte reaches a
 * client. */
/* QEMU's MAC checks no FCS (imx_fec_receive): a damaged frame reaches the
 * client as it came, CR never set.  The wire of a QEMU NIC is a socket,
 * so this takes a broken peer, not a cable. */
static void qemu_rx_corruption_reaches_the_client_unflagged(void)
{
	for (uint32_t i = 0; i < FRAMES; i++)
		inject_to(a_mac, 100, (uint8_t)i);
	uint64_t bad = pd_counter("nic", "fault_rx_corrupt");
	assert_true(bad > 0 && bad < FRAMES);
	assert_int_equal(ca->nrx, FRAMES);
	uint32_t damaged = 0;
	for (uint32_t i = 0; i < FRAMES; i++) {
		uint8_t want[WIRE_MAX_FRAME];
		net_test_frame(want, 100, (uint8_t)i, a_mac, net_test_peer_mac);
		assert_int_equal(ca->rx[i].len, 100);
		damaged += memcmp(ca->rx_bytes[i], want, 100) != 0;
	}
	assert_int_equal(damaged, bad);
	assert_int_equal(pd_counter("drv", "rx_err_cr"), 0);
	assert_int_equal(pd_counter("drv", "rx_frames"), FRAMES);
}

static void rx_corruption_is_flagged_counted_by_driver_and_dropped(void **u)
{
	(void)u;
	faults(0, 250000, 11);
	if (enet_test_qemu()) {
		qemu_rx_corruption_reaches_the_client_unflagged();
		return;
	}
	uint64_t arrived = rx_pattern();
	uint64_t bad = pd_counter("nic", "fault_rx_corrupt");
	assert_true(bad > 0 && bad < FRAMES);
	assert_int_equal(bits(arrived) + bad, FRAMES);
	assert_int_equal(pd_counter("drv", "rx_err_cr"), bad);
	assert_int_equal(pd_counter("drv", "rx_frames"), bits(arrived));
	assert_int_equal(pd_counter("nic", "rx_frames"), FRAMES);
	sdvf_sim_advance(sim, 500 * MS); /* the driver's MIB snapshot */
	assert_int_equal(pd_counter("drv", "mib_r_crc"), bad);
	assert_int_equal(pd_counter("drv", "mib_r_frame_ok"), bits(arrived));
}

/* Frames sent onto a faulty cable: the MAC sent each (every buffer comes
 * back unflagged); the model counts what the cable lost or damaged, and
 * the peer sees exactly the rest. */
static void tx_faults_are_counted_and_every_buffer_comes_back(void **unused)
{
	(void)unused;
	faults(200000, 200000, 5);
	for (uint32_t i = 0; i < FRAMES; i++) {
		ca->send_len[ca->nsend] = 80;
		ca->send_seed[ca->nsend++] = (uint8_t)i;
		sdvf_sim_inject(sim, "a", "tx");
		run();
		sdvf_sim_advance(sim, 1000); /* ERR006358's window closes */
	}
	uint32_t on_wire = wire_drain();
	uint64_t lost = pd_counter("nic", "fault_tx_lost");
	uint64_t bad = pd_counter("nic", "fault_tx_corrupt");
	assert_true(lost > 0 && bad > 0);
	assert_int_equal(on_wire + lost + bad, FRAMES);
	assert_int_equal(pd_counter("nic", "tx_frames"), on_wire);
	assert_int_equal(pd_counter("txm", "c0.tx_frames"), FRAMES);
	assert_int_equal(pd_counter("txm", "c0.tx_errors"), 0);
	assert_int_equal(ca->ndone, FRAMES);
}

/* ---- link flaps --------------------------------------------------------- */

static void advance_until_link(uint64_t up)
{
	for (int i = 0; i < 300 && pd_counter("drv", "link_up") != up; i++)
		sdvf_sim_advance(sim, 10 * MS);
	assert_int_equal(pd_counter("drv", "link_up"), up);
}

/* The link drops for 100 ms every 2 s: the driver's next poll sees the
 * drop (BMSR latches it), holds TX meanwhile without losing a frame, and
 * releases it in order when the link is back.  QEMU's BMSR does not latch,
 * so there the drop must outlast the 500 ms poll to be seen at all. */
static void link_flap_is_seen_held_and_resumed(void **unused)
{
	(void)unused;
	uint64_t changes = pd_counter("drv", "link_changes");
	struct enet_model_faults f = {.flap_ms = 2000,
				      .flap_down_ms =
					      enet_test_qemu() ? 600 : 100,
				      .seed = 1};
	enet_model_set_faults(nic, &f);
	sdvf_sim_inject(sim, "nic", "mmio"); /* re-arm its timer */
	run();
	advance_until_link(0);
	assert_int_equal(pd_counter("nic", "fault_flaps"), 1);
	for (uint32_t i = 0; i < 3; i++) {
		ca->send_len[ca->nsend] = 80;
		ca->send_seed[ca->nsend++] = (uint8_t)i;
	}
	sdvf_sim_inject(sim, "a", "tx");
	run();
	assert_int_equal(wire_drain(), 0); /* held, not lost */
	assert_int_equal(pd_counter("nic", "tx_link_down"), 0);
	advance_until_link(1);
	uint8_t got[WIRE_MAX_FRAME], want[WIRE_MAX_FRAME];
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 80);
		net_test_frame(want, 80, (uint8_t)i, net_test_peer_mac, a_mac);
		assert_memory_equal(got, want, 80);
	}
	assert_int_equal(pd_counter("drv", "link_changes"), changes + 2);
	assert_int_equal(pd_counter("drv", "link_up"), 1);
	assert_int_equal(pd_counter("nic", "fault_flaps"), 1);
	assert_int_equal(ca->ndone, 3);
}

/* ---- the driver restarts ---------------------------------------------- */

/* The driver dies with a remap client's frames in its BDs and their TDAR
 * kick posted but not rung: the model drops the dead CPU's posted writes
 * and re-arms its interrupt line, the TX mux gives every buffer at the
 * driver back (TX_ERROR, never resent), the RX mux refills the new
 * instance, which resets the controller and starts on clean rings; the
 * stale BDs are never sent, and traffic flows both ways at once. */
static void driver_restart_reclaims_every_buffer_and_traffic_resumes(void **u)
{
	(void)u;
	for (uint32_t i = 0; i < 3; i++) {
		cb->send_len[cb->nsend] = 100;
		cb->send_seed[cb->nsend++] = (uint8_t)i;
	}
	sdvf_sim_inject(sim, "b", "tx");
	for (int i = 0; i < 100 && enet_driver_view(drv).tx_posted < 3; i++)
		assert_true(sdvf_sim_step(sim));
	assert_int_equal(enet_driver_view(drv).tx_posted, 3);
	uint64_t resets = pd_counter("nic", "resets");
	assert_int_equal(sdvf_sim_restart(sim, "drv"), 0);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "nic"), 2); /* irq, mmio */
	assert_int_equal(sdvf_sim_peer_restarts(sim, "rxm"), 1);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "txm"), 1);
	run();
	assert_int_equal(pd_counter("nic", "driver_restarts"), 1);
	assert_true(pd_counter("nic", "mmio_dropped") >= 1);
	/* the new instance stopped the MAC with ECR = 0 (reset_mode
	 * ecr-zero), DMA in flight: ECR.RESET would have hung the bus */
	assert_int_equal(pd_counter("nic", "resets"), resets);
	assert_int_equal(pd_counter("nic", "bus_hangs"), 0);
	assert_int_equal(pd_counter("txm", "drv_restarts"), 1);
	assert_int_equal(pd_counter("txm", "drv_reclaimed"), 3);
	assert_int_equal(wire_drain(), 0); /* the stale BDs never went out */
	assert_int_equal(cb->ndone, 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(cb->done[i].flags, SDVF_NET_TX_ERROR);
	assert_int_equal(pd_counter("txm", "c1.tx_errors"), 3);
	assert_int_equal(pd_counter("drv", "link_up"), 1);
	assert_buffers_conserved();
	/* Every RX buffer went back to the new instance's ring. */
	assert_int_equal(enet_driver_view(drv).rx_posted, 8);
	/* Both ways, both clients, at once. */
	inject_to(a_mac, 100, 1);
	expect_rx_at(ca, 0, a_mac, 100, 1);
	inject_to(b_mac, 200, 2);
	expect_rx_at(cb, 0, b_mac, 200, 2);
	ca->send_len[ca->nsend] = 80;
	ca->send_seed[ca->nsend++] = 20;
	cb->send_len[cb->nsend] = 90;
	cb->send_seed[cb->nsend++] = 21;
	sdvf_sim_inject(sim, "a", "tx");
	sdvf_sim_inject(sim, "b", "tx");
	run();
	assert_int_equal(wire_drain(), 2);
	assert_int_equal(cb->ndone, 4);
	assert_int_equal(cb->done[3].flags, 0);
}

/* The driver dies with received frames in its RX ring, not yet reaped:
 * those frames are lost (the new instance resets the controller and never
 * reads the stale BDs), every buffer comes home, and a burst larger than
 * the ring (12 frames, 8 BDs: the MAC's FIFO holds the rest) then
 * arrives whole and in order. */
static void driver_restart_mid_rx_loses_only_what_it_held(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME];
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(
			wire_mem_inject(wire, f,
					net_test_frame(f, 100, (uint8_t)i,
						       a_mac,
						       net_test_peer_mac)),
			0);
	/* The model takes them off the wire when its fd is readable and
	 * puts them in BDs; the driver, held, does not reap them. */
	sdvf_sim_hold(sim, "drv", true);
	run();
	assert_int_equal(pd_counter("nic", "rx_frames"), 5);
	assert_int_equal(pd_counter("drv", "rx_frames"), 0);
	sdvf_sim_hold(sim, "drv", false);
	assert_int_equal(sdvf_sim_restart(sim, "drv"), 0);
	run();
	assert_int_equal(ca->nrx, 0);
	assert_int_equal(pd_counter("drv", "rx_frames"), 0);
	assert_buffers_conserved();
	for (uint32_t i = 0; i < 12; i++)
		assert_int_equal(
			wire_mem_inject(wire, f,
					net_test_frame(f, 100,
						       (uint8_t)(40 + i), a_mac,
						       net_test_peer_mac)),
			0);
	sdvf_sim_inject(sim, "nic", "mmio");
	run();
	assert_int_equal(ca->nrx, 12);
	for (uint32_t i = 0; i < 12; i++)
		expect_rx_at(ca, i, a_mac, 100, (uint8_t)(40 + i));
	assert_int_equal(pd_counter("drv", "rx_frames"), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, boot, shutdown)
		T(rx_loss_is_counted_and_the_rest_arrive_in_order),
		T(wire_faults_repeat_for_the_same_seed),
		T(rx_corruption_is_flagged_counted_by_driver_and_dropped),
		T(tx_faults_are_counted_and_every_buffer_comes_back),
		T(link_flap_is_seen_held_and_resumed),
		T(driver_restart_reclaims_every_buffer_and_traffic_resumes),
		T(driver_restart_mid_rx_loses_only_what_it_held),
#undef T
	};
	return ENET_RUN_BOTH_PERSONALITIES(tests);
}
