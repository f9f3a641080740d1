/* The ENET driver's bring-up against the fake ENET
 * (enet_fake_nic_fixture.h): the registers init programs and in what
 * order, the descriptions it refuses at init, the link and the PHY
 * behind MDIO, and the MIB counters it publishes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/enet_fake_nic_fixture.h"

/* ---- init ------------------------------------------------------------ */

static uint32_t count_written(uint32_t off)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < nic->nlog; i++)
		n += nic->log[i].offset == off;
	return n;
}

static int first_write(uint32_t off, uint32_t value)
{
	for (uint32_t i = 0; i < nic->nlog; i++)
		if (nic->log[i].offset == off && nic->log[i].value == value)
			return (int)i;
	return -1;
}

static void init_programs_every_register(void **unused)
{
	(void)unused;
	assert_int_equal(reg(nic, ENET_ECR), ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(reg(nic, ENET_EIMR), ENET_INT_TXF | ENET_INT_RXF |
						      ENET_INT_EBERR |
						      ENET_INT_MII);
	assert_int_equal(reg(nic, ENET_RCR),
			 1522u << 16 | ENET_RCR_MII_MODE | ENET_RCR_PROM |
				 ENET_RCR_CRCFWD | ENET_RCR_RGMII_EN);
	assert_int_equal(reg(nic, ENET_TCR), ENET_TCR_FDEN);
	assert_int_equal(reg(nic, ENET_MRBR), 1536);
	assert_int_equal(reg(nic, ENET_RDSR), RING_IO);
	assert_int_equal(reg(nic, ENET_TDSR), TX_RING_IO);
	assert_int_equal(reg(nic, ENET_TFWR), ENET_TFWR_STRFWD);
	assert_int_equal(reg(nic, ENET_PALR), 0x02000000u);
	assert_int_equal(reg(nic, ENET_PAUR), 0x00010000u);
	assert_int_equal(reg(nic, ENET_OPD), 0x0001fff0u);
	assert_int_equal(reg(nic, ENET_TIPG), 12);
	/* 66 MHz: MII_SPEED 13 for MDC <= 2.5 MHz, HOLDTIME 0 */
	assert_int_equal(reg(nic, ENET_MSCR), 13u << 1);
	assert_int_equal(count_written(ENET_IAUR), 1);
	assert_int_equal(count_written(ENET_IALR), 1);
	assert_int_equal(count_written(ENET_GAUR), 1);
	assert_int_equal(count_written(ENET_GALR), 1);
	assert_int_equal(nic->resets, 1);
}

static void init_orders_reset_mib_config_then_enable(void **unused)
{
	(void)unused;
	int reset = first_write(ENET_ECR, ENET_ECR_RESET);
	int mask_off = first_write(ENET_EIMR, 0);
	int mib_dis = first_write(ENET_MIBC, ENET_MIBC_DIS);
	int mib_clr = first_write(ENET_MIBC, ENET_MIBC_DIS | ENET_MIBC_CLEAR);
	int mib_on = first_write(ENET_MIBC, 0);
	int rdsr = first_write(ENET_RDSR, RING_IO);
	int enable = first_write(ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(reset, 0);
	assert_true(reset < mib_dis && mib_dis < mib_clr && mib_clr < mib_on);
	assert_true(reset < mask_off && mask_off < rdsr && rdsr < enable);
	assert_int_equal(nic->mdio_silent, false);
	/* The first PHY poll ran over MDIO and found the link up. */
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("speed_mbps"), 100);
	assert_int_equal(drv_counter("full_duplex"), 1);
	assert_int_equal(drv_counter("link_restarts"), 0);
}

static void init_keeps_hardware_mac_without_config(void **unused)
{
	(void)unused;
	boot("tests/fixtures/enet-fake-nic-no-mac.dts");
	assert_int_equal(reg(nic, ENET_PALR), 0x02aabbccu);
	assert_int_equal(reg(nic, ENET_PAUR), 0xddee0000u);
	assert_int_equal(enet_driver_view(drv).mac[5], 0xee);
	teardown(NULL);
}

/* The description loads (its values are in range), but the driver's init
 * refuses what it cannot trust. */
static void assert_init_refused(const char *system)
{
	assert_int_equal(sdvf_system_load(&sys, system, table, stderr), 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	drv = sdvf_sim_state(sim, "drv");
	mux = sdvf_sim_state(sim, "mux");
	assert_int_equal(sdvf_sim_init(sim), -1);
	teardown(NULL);
}

static void init_refuses_without_dma_window(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-no-window.dts");
}

/* Which buffers a window may hold depends on what the device may do in it:
 * the description must say. */
static void init_refuses_window_without_rights(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-no-rights.dts");
}

static void init_refuses_window_rights_other_than_r_w_rw(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-bad-rights.dts");
}

static void init_refuses_window_past_4_gib(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-window-past-4g.dts");
}

static void init_refuses_overlapping_windows(void **unused)
{
	(void)unused;
	assert_init_refused(
		"tests/fixtures/enet-fake-nic-overlapping-windows.dts");
}

/* The driver writes every BD it posts. */
static void init_refuses_bd_rings_it_may_only_read(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-read-only-rings.dts");
}

/* An RX buffer there would have the MAC write frames over its own BDs. */
static void init_refuses_window_over_bd_rings(void **unused)
{
	(void)unused;
	assert_init_refused(
		"tests/fixtures/enet-fake-nic-window-over-rings.dts");
}

/* ---- link ------------------------------------------------------------ */

static void link_down_holds_tx_and_link_up_releases_it(void **unused)
{
	(void)unused;
	nic->phy[MII_BMSR] &= (uint16_t)~BMSR_LSTATUS;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("link_up"), 0);
	assert_int_equal(drv_counter("speed_mbps"), 0);
	send_tx(0, 3, 64);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->tdar_writes, 0);
	assert_int_equal(mux->tx.ngot, 0);
	assert_int_equal(drv_counter("tx_held_link_down"), 1);
	nic->phy[MII_BMSR] |= BMSR_LSTATUS;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("link_changes"), 3); /* up, down, up */
	assert_int_equal(tx_bds_owned_by_mac(), 3);
	assert_int_equal(nic->tdar_writes, 1);
}

static void link_at_gigabit_restarts_mac_with_speed_bit(void **unused)
{
	(void)unused;
	nic->phy[MII_BMSR] |= BMSR_ESTATEN;
	nic->phy[MII_CTRL1000] = CTRL1000_ADV_1000FULL;
	nic->phy[MII_STAT1000] = STAT1000_LP_1000FULL;
	provide_rx(0, 4);
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("speed_mbps"), 1000);
	assert_int_equal(drv_counter("link_restarts"), 1);
	assert_int_equal(reg(nic, ENET_ECR),
			 ENET_ECR_ETHEREN | ENET_ECR_DBSWP | ENET_ECR_SPEED);
	assert_int_equal(rx_bds_owned_by_mac(), 4);
}

static void mdio_without_completion_counts_timeout(void **unused)
{
	(void)unused;
	nic->mdio_silent = true;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("mdio_timeouts"), 0);
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("mdio_timeouts"), 1);
	assert_int_equal(drv_counter("link_up"), 1); /* unknown is not down */
}

/* A PHY whose ID reads all zeros (or, in test_enet_system, all ones) is
 * no PHY: link down, counted, whatever its other registers say. */
static void phy_id_of_zero_is_no_phy_and_link_down(void **unused)
{
	(void)unused;
	nic->phy[MII_PHYSID1] = 0;
	nic->phy[MII_PHYSID2] = 0;
	nic->phy[MII_BMSR] = 0xffff;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	/* Found at init, so the next poll reads BMSR: all ones is gone. */
	assert_int_equal(drv_counter("phy_absent"), 1);
	assert_int_equal(drv_counter("link_up"), 0);
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("phy_absent"), 2); /* the ID, now */
	assert_int_equal(drv_counter("link_up"), 0);
	assert_int_equal(drv_counter("link_restarts"), 0);
	send_tx(0, 1, 64);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
}

/* What the PDs print to stderr while `polls` link polls run. */
static const char *stderr_of_polls(uint32_t polls)
{
	static char text[4096];
	fflush(stderr);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	for (uint32_t i = 0; i < polls; i++) {
		sdvf_sim_advance(sim, POLL_NS);
		run();
	}
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	rewind(tmp);
	size_t n = fread(text, 1, sizeof(text) - 1, tmp);
	fclose(tmp);
	text[n] = '\0';
	return text;
}

static uint32_t occurrences(const char *text, const char *what)
{
	uint32_t n = 0;
	for (const char *at = strstr(text, what); at; at = strstr(at + 1, what))
		n++;
	return n;
}

/* A missing PHY is counted at every poll and logged once, naming the
 * address and what was read; once a PHY answers again, a new absence is
 * logged again. */
static void no_phy_is_logged_once_until_a_phy_answers(void **unused)
{
	(void)unused;
	static const char line[] = "enet: no PHY at MDIO address 0 (";
	nic->phy[MII_PHYSID1] = 0xffff;
	nic->phy[MII_PHYSID2] = 0xffff;
	nic->phy[MII_BMSR] = 0xffff;
	const char *out = stderr_of_polls(3);
	assert_int_equal(drv_counter("phy_absent"), 3);
	assert_int_equal(occurrences(out, line), 1);
	assert_int_equal(occurrences(out, "(BMSR reads all ones)"), 1);
	assert_int_equal(drv_counter("link_up"), 0);
	/* the PHY is back, then gone again */
	nic->phy[MII_PHYSID1] = 0x0022;
	nic->phy[MII_PHYSID2] = 0x1560;
	nic->phy[MII_BMSR] = BMSR_LSTATUS | BMSR_ANEGCOMPLETE;
	out = stderr_of_polls(1);
	assert_int_equal(occurrences(out, "enet: PHY 0022:1560"), 1);
	assert_int_equal(drv_counter("link_up"), 1);
	nic->phy[MII_PHYSID1] = 0xffff;
	nic->phy[MII_PHYSID2] = 0xffff;
	nic->phy[MII_BMSR] = 0xffff;
	out = stderr_of_polls(2);
	assert_int_equal(drv_counter("phy_absent"), 5);
	assert_int_equal(occurrences(out, line), 1);
	assert_int_equal(drv_counter("link_up"), 0);
}

/* Linux's FEC_QUIRK_CLEAR_SETUP_MII: MSCR going from 0 to non-zero while
 * MMFR holds a previous owner's frame raises MII.  With reset_mode
 * ecr-zero nothing clears MMFR, so init's MSCR write raises it; init
 * clears EIR after MSCR, so the event never reaches the PHY state machine
 * as the answer to its first read (here one that never completes). */
static void init_drops_the_mii_event_its_mscr_write_raises(void **unused)
{
	(void)unused;
	static char text[16384];
	FILE *f = fopen(SYSTEM, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char *mode = strstr(text, "\"ecr-reset\"");
	assert_non_null(mode);
	memcpy(mode, "\"ecr-zero\" ", 11); /* same length, default mode */
	assert_int_equal(
		sdvf_system_load_dts(&sys, SYSTEM, text, table, stderr), 0);
	boot_create();
	nic->mdio_silent = true;
	nic->mmfr_at_boot = ENET_MMFR_ST | ENET_MMFR_OP_READ | ENET_MMFR_TA |
			    (MII_BMSR << ENET_MMFR_RA_SHIFT) | 0x782d;
	boot_start();
	run();
	assert_int_equal(nic->resets, 0); /* ECR = 0, MMFR kept */
	assert_int_not_equal(first_write(ENET_MSCR, 13u << 1), -1);
	/* One MMFR write: PHYSID1, still waiting; no PHYSID2 read made on a
	 * spurious event. */
	assert_int_equal(count_written(ENET_MMFR), 1);
	assert_int_equal((reg(nic, ENET_MMFR) >> ENET_MMFR_RA_SHIFT) & 31u,
			 MII_PHYSID1);
	assert_int_equal(reg(nic, ENET_EIR) & ENET_INT_MII, 0);
	assert_int_equal(drv_counter("phy_absent"), 0);
}

/* ---- stats ----------------------------------------------------------- */

static void mib_counters_reach_published_counters(void **unused)
{
	(void)unused;
	nic->regs[ENET_RMON_R_PACKETS / 4] = 7;
	nic->regs[ENET_IEEE_R_CRC / 4] = 2;
	nic->regs[ENET_RMON_T_OCTETS / 4] = 6000;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("mib_r_packets"), 7);
	assert_int_equal(drv_counter("mib_r_crc"), 2);
	assert_int_equal(drv_counter("mib_t_octets"), 6000);
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(sdvf_sim_counters_refused(sim, "drv"), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, boot_default, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_programs_every_register),
		T(init_orders_reset_mib_config_then_enable),
		cmocka_unit_test(init_keeps_hardware_mac_without_config),
		cmocka_unit_test(init_refuses_bd_rings_it_may_only_read),
		cmocka_unit_test(init_refuses_without_dma_window),
		cmocka_unit_test(init_refuses_window_without_rights),
		cmocka_unit_test(init_refuses_window_rights_other_than_r_w_rw),
		cmocka_unit_test(init_refuses_window_past_4_gib),
		cmocka_unit_test(init_refuses_overlapping_windows),
		cmocka_unit_test(init_refuses_window_over_bd_rings),
		T(link_down_holds_tx_and_link_up_releases_it),
		T(link_at_gigabit_restarts_mac_with_speed_bit),
		T(mdio_without_completion_counts_timeout),
		T(phy_id_of_zero_is_no_phy_and_link_down),
		T(no_phy_is_logged_once_until_a_phy_answers),
		cmocka_unit_test_teardown(
			init_drops_the_mii_event_its_mscr_write_raises,
			teardown),
		T(mib_counters_reach_published_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
