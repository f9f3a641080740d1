/* The ENET driver's answer to DMA bus errors (EBERR) against the fake
 * ENET (enet_fake_nic_fixture.h): the reset that accounts for every
 * buffer, and a storm of them halting the MAC with a backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_fake_nic_fixture.h"

/* ---- EBERR ----------------------------------------------------------- */

static void eberr_resets_and_accounts_for_every_buffer(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	send_tx(100, 3, 64);
	assert_true(fake_rx_frame(nic, 70, ENET_RXBD_L));
	assert_true(fake_rx_frame(nic, 71, ENET_RXBD_L));
	/* The DMA faults: the MAC stops. */
	fake_set_eir(nic, ENET_INT_EBERR);
	nic->regs[ENET_ECR / 4] &= ~ENET_ECR_ETHEREN;
	hw_event();
	assert_int_equal(drv_counter("eberr_resets"), 1);
	assert_int_equal(nic->resets, 2);
	assert_int_equal(reg(nic, ENET_ECR), ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(reg(nic, ENET_RDSR), RING_IO);
	/* Frames completed before the fault were delivered ... */
	assert_int_equal(mux->rx.ngot, 2);
	assert_int_equal(mux->rx.got[1].len, 71);
	/* ... the other RX buffers are re-posted from slot 0 in order ... */
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS - 2);
	for (uint32_t i = 0; i < RX_SLOTS - 2; i++)
		assert_int_equal(fake_bd(nic, ENET_RDSR, i)->addr,
				 DMA_IO + (i + 2) * 2048u);
	/* ... and unsent TX frames came back flagged, in order. */
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(mux->tx.ngot, 3);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 DMA_IO + (100 + i) * 2048u);
		assert_int_equal(mux->tx.got[i].flags, SDVF_NET_TX_ERROR);
	}
	assert_int_equal(drv_counter("tx_reset_errors"), 3);
	/* The controller works again. */
	assert_true(fake_rx_frame(nic, 80, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 3);
	assert_int_equal(mux->rx.got[2].io_or_offset, DMA_IO + 2 * 2048u);
}

/* The DMA faults again and again, as with a DMA window the bus cannot
 * reach: one fault per interrupt. */
static void eberr_storm(uint32_t faults)
{
	for (uint32_t i = 0; i < faults; i++) {
		fake_set_eir(nic, ENET_INT_EBERR);
		nic->regs[ENET_ECR / 4] &= ~ENET_ECR_ETHEREN;
		hw_event();
	}
}

static void advance_polls(uint32_t polls)
{
	for (uint32_t i = 0; i < polls; i++) {
		sdvf_sim_advance(sim, POLL_NS);
		run();
	}
}

static void eberr_storm_halts_mac_holds_tx_and_retries(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	eberr_storm(ENET_DRV_EBERR_BURST + 1);
	assert_int_equal(drv_counter("eberr_resets"), ENET_DRV_EBERR_BURST);
	assert_int_equal(drv_counter("eberr_halts"), 1);
	assert_int_equal(drv_counter("halted"), 1);
	/* Stopped (no RDAR/TDAR), with only MDIO left running: its clock,
	 * its interrupt and ETHEREN, without which some ENETs raise no MII
	 * event (Linux's fec_stop). */
	assert_int_equal(reg(nic, ENET_ECR) & ENET_ECR_ETHEREN,
			 ENET_ECR_ETHEREN);
	assert_int_equal(reg(nic, ENET_EIMR), ENET_INT_MII);
	assert_int_not_equal(reg(nic, ENET_MSCR), 0);
	/* RDSR/TDSR are reset: the rings as the driver holds them.  Every RX
	 * buffer is still posted, ready for the restart. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS);
	/* TX is held in the queue, not dropped and not kicked. */
	uint32_t tdar_before = nic->tdar_writes;
	send_tx(100, 3, 64);
	assert_int_equal(enet_driver_view(drv).tx_posted, 0);
	assert_int_equal(mux->tx.ngot, 0);
	assert_int_equal(nic->tdar_writes, tdar_before);
	assert_int_equal(drv_counter("tx_held_halted"), 1);
	/* Half the back-off: still halted; the link is still polled. */
	advance_polls(1);
	assert_int_equal(drv_counter("halted"), 1);
	assert_int_equal(drv_counter("halt_retries"), 0);
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("mdio_timeouts"), 0);
	/* The back-off (1 s) has passed: restarted, held frames go out. */
	advance_polls(1);
	assert_int_equal(drv_counter("halted"), 0);
	assert_int_equal(drv_counter("halt_retries"), 1);
	assert_int_equal(reg(nic, ENET_ECR) & ENET_ECR_ETHEREN,
			 ENET_ECR_ETHEREN);
	assert_int_equal(tx_bds_owned_by_mac(), 3);
	assert_int_equal(nic->tdar_writes, tdar_before + 1);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_true(fake_rx_frame(nic, 90, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].len, 90);
}

/* The retry itself gives the restarted MAC the frames held while halted,
 * in the timer's activation: with the PHY silent, no link poll answers
 * to release them later. */
static void halt_retry_sends_held_tx_without_a_link_poll(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	eberr_storm(ENET_DRV_EBERR_BURST + 1);
	send_tx(100, 3, 64);
	assert_int_equal(drv_counter("tx_held_halted"), 1);
	uint32_t tdar_before = nic->tdar_writes;
	nic->mdio_silent = true;
	advance_polls(2); /* the 1 s back-off */
	assert_int_equal(drv_counter("halt_retries"), 1);
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(tx_bds_owned_by_mac(), 3);
	assert_int_equal(nic->tdar_writes, tdar_before + 1);
}

static void eberr_storm_backoff_doubles_while_it_persists(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	eberr_storm(ENET_DRV_EBERR_BURST + 1);
	advance_polls(2); /* first retry after 1 s */
	assert_int_equal(drv_counter("halt_retries"), 1);
	eberr_storm(ENET_DRV_EBERR_BURST + 1);
	assert_int_equal(drv_counter("eberr_halts"), 2);
	assert_int_equal(drv_counter("eberr_resets"), 2 * ENET_DRV_EBERR_BURST);
	advance_polls(3); /* 1.5 s of a 2 s back-off */
	assert_int_equal(drv_counter("halted"), 1);
	advance_polls(1);
	assert_int_equal(drv_counter("halted"), 0);
	assert_int_equal(drv_counter("halt_retries"), 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, boot_default, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(eberr_resets_and_accounts_for_every_buffer),
		T(eberr_storm_halts_mac_holds_tx_and_retries),
		T(halt_retry_sends_held_tx_without_a_link_poll),
		T(eberr_storm_backoff_doubles_while_it_persists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
