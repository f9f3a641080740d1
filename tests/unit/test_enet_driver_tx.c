/* The ENET driver's transmit path against the fake ENET
 * (enet_fake_nic_fixture.h): completions in submit order, frames outside
 * the readable DMA windows rejected, a full ring, and what a batch costs
 * (one TDAR/RDAR write, one doorbell, one mux signal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_fake_nic_fixture.h"

/* ---- TX -------------------------------------------------------------- */

static void tx_completions_return_in_submit_order(void **unused)
{
	(void)unused;
	send_tx(0, 5, 60);
	send_tx(5, 1, 1518);
	assert_int_equal(tx_bds_owned_by_mac(), 6);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(nic->ntx_sent, 6);
	assert_int_equal(mux->tx.ngot, 6);
	for (uint32_t i = 0; i < 6; i++) {
		assert_int_equal(nic->tx_sent_io[i], DMA_IO + i * 2048u);
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 DMA_IO + i * 2048u);
		assert_int_equal(mux->tx.got[i].len, i < 5 ? 60 : 1518);
		assert_int_equal(mux->tx.got[i].flags, 0);
	}
	assert_int_equal(drv_counter("tx_frames"), 6);
	assert_int_equal(drv_counter("tx_bytes"), 5 * 60 + 1518);
}

static void tx_rejects_bad_length_and_address(void **unused)
{
	(void)unused;
	struct sdvf_desc d[4] = {
		{.io_or_offset = DMA_IO, .len = 13},
		{.io_or_offset = DMA_IO, .len = 1519},
		{.io_or_offset = DMA_IO + DMA_SIZE - 100, .len = 200},
		{.io_or_offset = DMA_IO + 4, .len = 64}};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, d, 4), 4);
	run();
	assert_int_equal(drv_counter("tx_bad_len"), 2);
	assert_int_equal(drv_counter("tx_bad_buffer"), 2);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->tdar_writes, 0);
	assert_int_equal(mux->tx.ngot, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->tx.got[i].flags, SDVF_NET_REJECTED);
	}
}

/* The mirror image: a TX frame in a window the device may only write (an
 * RX region behind an IOMMU's write-only mapping) is never posted. */
static void tx_rejects_frame_in_window_device_may_only_write(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = WIN_W_IO, .len = 100};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, &d, 1), 1);
	run();
	assert_int_equal(drv_counter("tx_bad_window"), 1);
	assert_int_equal(drv_counter("tx_bad_buffer"), 0);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->tdar_writes, 0);
	assert_int_equal(mux->tx.ngot, 1);
	assert_int_equal(mux->tx.got[0].io_or_offset, WIN_W_IO);
	assert_int_equal(mux->tx.got[0].len, 100);
	assert_int_equal(mux->tx.got[0].flags, SDVF_NET_REJECTED);
}

/* A frame that starts in one readable window and ends in the next is in
 * no window; one that ends exactly at a window's end (or at 4 GiB) is. */
static void tx_rejects_frames_across_or_past_a_window_end(void **unused)
{
	(void)unused;
	struct sdvf_desc d[4] = {
		{.io_or_offset = WIN_R_IO - 64u, .len = 128}, /* dma0|dma1 */
		{.io_or_offset = IO_TOP - 64u, .len = 128},   /* 4 GiB */
		{.io_or_offset = WIN_R_IO + WIN_SIZE - 128u, .len = 128},
		{.io_or_offset = IO_TOP - 128u, .len = 128},
	};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, d, 4), 4);
	run();
	assert_int_equal(drv_counter("tx_bad_buffer"), 2);
	assert_int_equal(drv_counter("tx_bad_window"), 0);
	assert_int_equal(tx_bds_owned_by_mac(), 2);
	assert_int_equal(fake_bd(nic, ENET_TDSR, 0)->addr, d[2].io_or_offset);
	assert_int_equal(fake_bd(nic, ENET_TDSR, 1)->addr, d[3].io_or_offset);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(mux->tx.ngot, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->tx.got[i].flags,
				 i < 2 ? SDVF_NET_REJECTED : 0);
	}
}

/* RX into a write-only window, TX from a read-only one: each direction
 * needs only its own right. */
static void buffers_in_windows_of_their_direction_are_posted(void **unused)
{
	(void)unused;
	struct sdvf_desc rx = {.io_or_offset = WIN_W_IO};
	struct sdvf_desc tx = {.io_or_offset = WIN_R_IO, .len = 100};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &rx, 1), 1);
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, &tx, 1), 1);
	run();
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr, WIN_W_IO);
	assert_int_equal(fake_bd(nic, ENET_TDSR, 0)->addr, WIN_R_IO);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].flags, 0);
	assert_int_equal(mux->tx.ngot, 1);
	assert_int_equal(mux->tx.got[0].flags, 0);
	assert_int_equal(drv_counter("rx_bad_window"), 0);
	assert_int_equal(drv_counter("tx_bad_window"), 0);
}

static void tx_full_ring_holds_frames_in_queue(void **unused)
{
	(void)unused;
	send_tx(0, TX_SLOTS + 4, 100);
	assert_int_equal(tx_bds_owned_by_mac(), TX_SLOTS);
	assert_int_equal(enet_fixture_queued(&mux->tx), 4);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(tx_bds_owned_by_mac(), 4);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(mux->tx.ngot, TX_SLOTS + 4);
	for (uint32_t i = 0; i < TX_SLOTS + 4; i++)
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 DMA_IO + i * 2048u);
	assert_int_equal(fake_bd(nic, ENET_TDSR, TX_SLOTS - 1)->stat &
				 ENET_TXBD_W,
			 ENET_TXBD_W);
}

/* ---- the TX watchdog (tx_timeout_ms, default 2 s) --------------------- */

#define MS 1000000ull

/* A MAC that takes frames and never sends them: after 2 s of a ring that
 * does not move, with the link up, the controller is restarted and the
 * frames go back with TX_ERROR. */
static void tx_watchdog_restarts_a_mac_that_sends_nothing(void **unused)
{
	(void)unused;
	send_tx(0, 2, 60);
	uint32_t resets = nic->resets;
	sdvf_sim_advance(sim, 1500 * MS);
	run();
	assert_int_equal(drv_counter("tx_timeouts"), 0);
	assert_int_equal(mux->tx.ngot, 0);
	sdvf_sim_advance(sim, 1500 * MS);
	run();
	assert_int_equal(drv_counter("tx_timeouts"), 1);
	assert_int_equal(nic->resets, resets + 1);
	assert_int_equal(mux->tx.ngot, 2);
	assert_int_equal(mux->tx.got[0].flags, SDVF_NET_TX_ERROR);
	assert_int_equal(drv_counter("tx_reset_errors"), 2);
}

/* A ring that moves, however slowly, is not stalled. */
static void tx_watchdog_leaves_a_slow_ring_alone(void **unused)
{
	(void)unused;
	send_tx(0, 6, 60);
	for (int i = 0; i < 6; i++) {
		sdvf_sim_advance(sim, 1500 * MS);
		/* one frame sent every 1.5 s */
		volatile struct enet_bd *bd =
			fake_bd(nic, ENET_TDSR, (uint32_t)i);
		bd->stat &= (uint16_t)~ENET_TXBD_R;
		fake_set_eir(nic, ENET_INT_TXF);
		hw_event();
	}
	assert_int_equal(mux->tx.ngot, 6);
	assert_int_equal(drv_counter("tx_timeouts"), 0);
}

/* Frames in the ring when the link goes down wait for it: no restart. */
static void tx_watchdog_waits_while_the_link_is_down(void **unused)
{
	(void)unused;
	send_tx(0, 2, 60);
	nic->phy[MII_BMSR] &= (uint16_t)~BMSR_LSTATUS;
	sdvf_sim_advance(sim, 5000 * MS);
	run();
	assert_int_equal(drv_counter("link_up"), 0);
	assert_int_equal(tx_bds_owned_by_mac(), 2);
	assert_int_equal(drv_counter("tx_timeouts"), 0);
}

/* ---- batching -------------------------------------------------------- */

static void tx_batch_costs_one_tdar_and_one_doorbell(void **unused)
{
	(void)unused;
	uint32_t doorbells = nic->doorbells;
	uint64_t signals = sdvf_sim_notifications(sim, "drv", "mmio");
	send_tx(0, 6, 64);
	assert_int_equal(tx_bds_owned_by_mac(), 6);
	assert_int_equal(nic->tdar_writes, 1);
	assert_int_equal(enet_driver_view(drv).tdar_writes, 1);
	assert_int_equal(nic->doorbells - doorbells, 1);
	assert_int_equal(sdvf_sim_notifications(sim, "drv", "mmio") - signals,
			 1);
}

static void rx_batch_costs_one_rdar_and_one_mux_signal(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	assert_int_equal(nic->rdar_writes, 1);
	for (unsigned i = 0; i < 5; i++)
		assert_true(fake_rx_frame(nic, 64, ENET_RXBD_L));
	uint64_t signals = sdvf_sim_notifications(sim, "drv", "rx");
	uint64_t acks_before = drv_counter("irq_activations");
	hw_event();
	assert_int_equal(mux->rx.ngot, 5);
	assert_int_equal(sdvf_sim_notifications(sim, "drv", "rx") - signals, 1);
	assert_int_equal(drv_counter("irq_activations") - acks_before, 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, boot_default, teardown)
#define W(name) cmocka_unit_test_setup_teardown(name, boot_windows, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(tx_completions_return_in_submit_order),
		T(tx_rejects_bad_length_and_address),
		W(tx_rejects_frame_in_window_device_may_only_write),
		W(tx_rejects_frames_across_or_past_a_window_end),
		W(buffers_in_windows_of_their_direction_are_posted),
		T(tx_full_ring_holds_frames_in_queue),
		T(tx_watchdog_restarts_a_mac_that_sends_nothing),
		T(tx_watchdog_leaves_a_slow_ring_alone),
		T(tx_watchdog_waits_while_the_link_is_down),
		T(tx_batch_costs_one_tdar_and_one_doorbell),
		T(rx_batch_costs_one_rdar_and_one_mux_signal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
