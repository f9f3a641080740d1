/* The ENET driver's receive path against the fake ENET
 * (enet_fake_nic_fixture.h): RX buffers into the BD ring, frames back to
 * the RX mux in order, error and short frames recycled, and buffers
 * outside the writable DMA windows rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_fake_nic_fixture.h"

/* ---- RX -------------------------------------------------------------- */

static void rx_buffers_fill_ring_with_wrap_on_last(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	for (uint32_t i = 0; i < RX_SLOTS; i++) {
		volatile struct enet_bd *bd = fake_bd(nic, ENET_RDSR, i);
		assert_int_equal(bd->addr, DMA_IO + i * 2048u);
		assert_int_equal(bd->stat & ENET_RXBD_W,
				 i == RX_SLOTS - 1 ? ENET_RXBD_W : 0);
	}
}

static void rx_frames_delivered_in_order_across_ring_wrap(void **unused)
{
	(void)unused;
	mux->opt.rx_recycle = true;
	provide_rx(0, RX_SLOTS);
	for (uint32_t i = 0; i < 3 * RX_SLOTS + 3; i++) {
		assert_true(
			fake_rx_frame(nic, (uint16_t)(60 + i), ENET_RXBD_L));
		hw_event();
	}
	assert_int_equal(mux->rx.ngot, 3 * RX_SLOTS + 3);
	for (uint32_t i = 0; i < mux->rx.ngot; i++) {
		assert_int_equal(mux->rx.got[i].io_or_offset,
				 DMA_IO + (i % RX_SLOTS) * 2048u);
		assert_int_equal(mux->rx.got[i].len, 60 + i);
		assert_int_equal(mux->rx.got[i].flags, 0);
	}
	assert_int_equal(drv_counter("rx_frames"), 3 * RX_SLOTS + 3);
	assert_int_equal(nic->rx_idx, 3);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
}

/* A frame that completes after the driver read EIR but before its
 * write-1-to-clear reaches the MAC has its RXF cleared with the rest.  The
 * driver must make the clear land before it looks at the ring; otherwise
 * that frame waits for an interrupt that never comes. */
static void rx_frame_landing_before_eir_clear_is_delivered(void **unused)
{
	(void)unused;
	/* No buffer comes back, so no later activation of the driver reaps
	 * the ring: only a new interrupt can deliver the second frame. */
	mux->opt.rx_recycle = false;
	provide_rx(0, RX_SLOTS);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	nic->frames_before_eir_clear = 1;
	hw_event();
	assert_int_equal(nic->frames_before_eir_clear, 0);
	assert_int_equal(reg(nic, ENET_EIR) & ENET_INT_RXF, 0);
	assert_int_equal(mux->rx.ngot, 2);
	assert_int_equal(mux->rx.got[0].len, 60);
	assert_int_equal(mux->rx.got[1].len, 61);
	assert_int_equal(drv_counter("rx_frames"), 2);
}

/* A kick the driver posted in an earlier activation that the device has
 * not applied yet when the interrupt comes (it raises its events later). */
static void queue_rdar_kick(void)
{
	enet_writel(&drv->mmio, ENET_RDAR, ENET_RDAR_ACTIVE);
}

/* On posted MMIO the interrupt handler waits for the device to apply
 * nothing: its EIR clear takes effect as of when it was posted
 * (driver/enet/enet_mmio.h), so no read-back, and a kick still queued
 * cannot make EIR stale.  And one notification back to the
 * device per interrupt: the ack, which carries the posted clear (the
 * device applies posted writes whenever it runs). */
static void rx_interrupt_waits_for_no_posted_write(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	uint64_t waits = drv_counter("mmio_waits");
	uint64_t irqs = drv_counter("irq_activations");
	uint32_t bells = nic->doorbells, acks = nic->acks;
	for (uint32_t i = 0; i < 3; i++) {
		assert_true(
			fake_rx_frame(nic, (uint16_t)(60 + i), ENET_RXBD_L));
		queue_rdar_kick();
		hw_event();
		assert_int_equal(mux->rx.ngot, i + 1);
		assert_int_equal(reg(nic, ENET_EIR) & ENET_INT_RXF, 0);
	}
	assert_int_equal(drv_counter("mmio_waits"), waits);
	assert_int_equal(drv_counter("irq_activations") - irqs, 3);
	assert_int_equal(nic->acks - acks, 3);
	assert_int_equal(nic->doorbells - bells, 0);
}

static void rx_error_frames_counted_and_recycled(void **unused)
{
	(void)unused;
	static const uint16_t bad[] = {
		ENET_RXBD_L | ENET_RXBD_CR, ENET_RXBD_L | ENET_RXBD_OV,
		ENET_RXBD_L | ENET_RXBD_LG, ENET_RXBD_L | ENET_RXBD_TR,
		ENET_RXBD_L | ENET_RXBD_NO, 0 /* not last */};
	provide_rx(0, RX_SLOTS);
	for (unsigned i = 0; i < 6; i++)
		assert_true(fake_rx_frame(nic, 100, bad[i]));
	assert_true(fake_rx_frame(nic, 0, ENET_RXBD_L)); /* empty */
	hw_event();
	assert_int_equal(mux->rx.ngot, 0);
	assert_int_equal(drv_counter("rx_err_cr"), 1);
	assert_int_equal(drv_counter("rx_err_ov"), 1);
	assert_int_equal(drv_counter("rx_err_lg"), 1);
	assert_int_equal(drv_counter("rx_err_tr"), 1);
	assert_int_equal(drv_counter("rx_err_no"), 1);
	assert_int_equal(drv_counter("rx_err_not_last"), 1);
	assert_int_equal(drv_counter("rx_err_len"), 1);
	assert_int_equal(drv_counter("rx_frames"), 0);
	/* Every buffer went straight back to the MAC. */
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_true(fake_rx_frame(nic, 64, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].io_or_offset, DMA_IO + 7 * 2048u);
}

static void rx_rejects_buffers_outside_dma_windows(void **unused)
{
	(void)unused;
	struct sdvf_desc d[4] = {{.io_or_offset = DMA_IO - 2048u},
				 {.io_or_offset = DMA_IO + 8},
				 {.io_or_offset = DMA_IO + DMA_SIZE - 1024u},
				 {.io_or_offset = 0x100000000ull + DMA_IO}};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, d, 4), 4);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 4);
	assert_int_equal(rx_bds_owned_by_mac(), 0);
	assert_int_equal(mux->rx.ngot, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(mux->rx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->rx.got[i].len, 0);
		assert_int_equal(mux->rx.got[i].flags, SDVF_NET_REJECTED);
	}
}

/* The hardening issue: an RX buffer in a window the device may only read
 * made the MAC raise EBERR on every refill.  It is never posted: it goes
 * back rejected and is counted apart from a bad address. */
static void rx_rejects_buffer_in_window_device_may_only_read(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = WIN_R_IO};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &d, 1), 1);
	run();
	assert_int_equal(drv_counter("rx_bad_window"), 1);
	assert_int_equal(drv_counter("rx_bad_buffer"), 0);
	assert_int_equal(rx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->rdar_writes, 0);
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].io_or_offset, WIN_R_IO);
	assert_int_equal(mux->rx.got[0].len, 0);
	assert_int_equal(mux->rx.got[0].flags, SDVF_NET_REJECTED);
}

/* An RX buffer whose MRBR bytes start in one window and end in the next
 * is in no window, even where both would allow the write: two windows
 * are two regions, and the device may reach neither past its end. */
static void rx_rejects_buffers_across_or_past_a_window_end(void **unused)
{
	(void)unused;
	struct sdvf_desc d[3] = {
		{.io_or_offset = WIN_R_IO - 1024u}, /* dma0 into dma1 */
		{.io_or_offset = WIN_W_IO + WIN_SIZE - 1024u}, /* past dma2 */
		{.io_or_offset = WIN_R_IO - 2048u},	       /* dma0's last */
	};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, d, 3), 3);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 2);
	assert_int_equal(drv_counter("rx_bad_window"), 0);
	assert_int_equal(mux->rx.ngot, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(mux->rx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->rx.got[i].flags, SDVF_NET_REJECTED);
	}
	/* The last slot of a window holds a whole buffer: posted. */
	assert_int_equal(rx_bds_owned_by_mac(), 1);
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr, WIN_R_IO - 2048u);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 3);
	assert_int_equal(mux->rx.got[2].flags, 0);
}

/* The io space ends at 4 GiB; a buffer must end there too, and a 64-bit
 * address never wraps into a window. */
static void rx_rejects_buffers_past_the_top_of_io_space(void **unused)
{
	(void)unused;
	struct sdvf_desc d[3] = {
		{.io_or_offset = IO_TOP - 1024u},
		{.io_or_offset = IO_TOP},
		{.io_or_offset = 0xfffffffffffff800ull},
	};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, d, 3), 3);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 3);
	assert_int_equal(rx_bds_owned_by_mac(), 0);
	assert_int_equal(mux->rx.ngot, 3);
	/* The last whole buffer below 4 GiB is fine. */
	struct sdvf_desc top = {.io_or_offset = IO_TOP - RX_BUF_BYTES};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &top, 1), 1);
	run();
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr,
			 IO_TOP - RX_BUF_BYTES);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 4);
	assert_int_equal(drv_counter("rx_bad_buffer"), 3);
}

static void rx_full_ring_leaves_extra_buffers_in_queue(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS + 4);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_int_equal(enet_fixture_queued(&mux->rx), 4);
	assert_true(fake_rx_frame(nic, 64, ENET_RXBD_L));
	hw_event();
	/* The freed BD took the next queued buffer. */
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr,
			 DMA_IO + RX_SLOTS * 2048u);
}

/* An interrupt that hands frames over and refills the ring signals the
 * RX mux before it rings the device for the RDAR kick: a client waits for
 * the frame, the ring still has empty BDs.  The sim runs signals in
 * order. */
static void rx_frames_are_signalled_before_the_refill_kick(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS + 4);
	assert_true(fake_rx_frame(nic, 64, ENET_RXBD_L));
	fake_raise(nic);
	/* the driver's interrupt (its reads wait for the device, which runs
	 * the device inside it) */
	assert_true(sdvf_sim_step(sim));
	uint64_t nic_before = sdvf_sim_activations(sim, "nic");
	uint64_t mux_before = sdvf_sim_activations(sim, "mux");
	assert_true(sdvf_sim_step(sim)); /* the first signal it sent */
	assert_int_equal(sdvf_sim_activations(sim, "mux"), mux_before + 1);
	assert_int_equal(sdvf_sim_activations(sim, "nic"), nic_before);
	run();
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS); /* refilled */
}

/* A frame too short for an Ethernet header is recycled; the shortest one
 * reaches the mux at its length on the wire, whether the MAC stripped the
 * FCS (RCR.CRCFWD) or left it in the BD length (a MAC where CRCFWD does
 * not stick, as QEMU's). */
static void rx_short_frames(void)
{
	provide_rx(0, RX_SLOTS);
	assert_true(fake_rx_frame(nic, 13, ENET_RXBD_L));
	assert_true(fake_rx_frame(nic, 14, ENET_RXBD_L));
	hw_event();
	assert_int_equal(drv_counter("rx_err_short"), 1);
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].len, 14);
	assert_int_equal(drv_counter("rx_bytes"), 14);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS - 1);
}

static void rx_frame_shorter_than_header_is_recycled(void **unused)
{
	(void)unused;
	assert_int_equal(reg(nic, ENET_RCR) & ENET_RCR_CRCFWD, ENET_RCR_CRCFWD);
	rx_short_frames(); /* the BDs say 13 and 14 */
}

static int boot_keeping_fcs(void **unused)
{
	(void)unused;
	assert_int_equal(sdvf_system_load(&sys, SYSTEM, table, stderr), 0);
	boot_create();
	nic->keeps_fcs = true;
	boot_start();
	return 0;
}

static void rx_fcs_a_mac_leaves_is_taken_off(void **unused)
{
	(void)unused;
	assert_int_equal(reg(nic, ENET_RCR) & ENET_RCR_CRCFWD, 0);
	rx_short_frames(); /* the BDs say 17 and 18 */
}

#define T(name) cmocka_unit_test_setup_teardown(name, boot_default, teardown)
#define W(name) cmocka_unit_test_setup_teardown(name, boot_windows, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(rx_buffers_fill_ring_with_wrap_on_last),
		T(rx_frames_delivered_in_order_across_ring_wrap),
		T(rx_frame_landing_before_eir_clear_is_delivered),
		T(rx_interrupt_waits_for_no_posted_write),
		T(rx_error_frames_counted_and_recycled),
		T(rx_rejects_buffers_outside_dma_windows),
		W(rx_rejects_buffer_in_window_device_may_only_read),
		W(rx_rejects_buffers_across_or_past_a_window_end),
		W(rx_rejects_buffers_past_the_top_of_io_space),
		T(rx_full_ring_leaves_extra_buffers_in_queue),
		T(rx_frames_are_signalled_before_the_refill_kick),
		T(rx_frame_shorter_than_header_is_recycled),
		cmocka_unit_test_setup_teardown(
			rx_fcs_a_mac_leaves_is_taken_off, boot_keeping_fcs,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
