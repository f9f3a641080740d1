/* The ENET model's qemu-imx7 personality (enet_model_fixture.h; docs/enet.md,
 * "Personalities"): what QEMU's imx_fec.c does differently from silicon,
 * and the refusal of any other personality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_model_fixture.h"

/* ---- personality qemu-imx7 (hw/net/imx_fec.c) --------------------------- */

/* imx_eth_write: RCR keeps MAX_FL and its low six bits. */
static void qemu_masks_rcr_so_crcfwd_never_sticks(void **unused)
{
	(void)unused;
	assert_int_equal(rd(ENET_ECR), 0xf0000000u); /* imx_eth_reset */
	wr(ENET_RCR, 0xffffffffu);
	assert_int_equal(rd(ENET_RCR), 0x07ff003fu);
	wr(ENET_RCR, ENET_RCR_CRCFWD | ENET_RCR_MII_MODE);
	assert_int_equal(rd(ENET_RCR), ENET_RCR_MII_MODE);
	wr(ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(rd(ENET_ECR), ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
}

/* zlib's crc32(~0, ...): the register starts at zero. */
static uint32_t qemu_crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* imx_fec_receive: the FCS is written and counted whatever CRCFWD says;
 * QEMU's value, big-endian; nothing padded. */
static void qemu_writes_its_fcs_into_every_frame_unpadded(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_CRCFWD, 2);
	uint8_t f[WIRE_MAX_FRAME];
	size_t n = make_frame(f, own_mac, 20, 3);
	inject(f, n);
	assert_int_equal(host->rx_ring[0].len, 24);
	assert_memory_equal(buf(0), f, 20);
	uint32_t crc = qemu_crc(f, 20);
	uint8_t want[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
			   (uint8_t)(crc >> 8), (uint8_t)crc};
	assert_memory_equal(buf(0) + 20, want, 4);
	assert_int_not_equal(crc, crc32_ieee(f, 20)); /* not Ethernet's */
	assert_int_equal(model_counter("rx_padded"), 0);
}

/* No destination filter, no runt drop: QEMU takes what the wire brings. */
static void qemu_takes_runts_and_frames_for_any_mac(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	inject_to(other_mac, 10, 1);
	inject_to(other_mac, 100, 2);
	assert_int_equal(host->rx_ring[0].len, 14);
	assert_int_equal(host->rx_ring[0].stat & ENET_RXBD_M, 0);
	assert_int_equal(host->rx_ring[1].len, 104);
	assert_int_equal(model_counter("rx_runts"), 0);
	assert_int_equal(model_counter("rx_filtered"), 0);
	assert_int_equal(model_counter("rx_frames"), 2);
}

/* imx_phy_read (QEMU 7.2; lan9118_phy_read since 9.2): SMSC IDs, a 10/100
 * BMSR that does not latch, a constant partner; other addresses all ones;
 * MDIO works with MSCR 0. */
static void qemu_phy_is_lan9118_like_and_needs_no_mdc(void **unused)
{
	(void)unused;
	assert_int_equal(rd(ENET_MSCR), 0);
	assert_int_equal(mdio_read_value(1, MII_PHYSID1), 0x0007);
	assert_int_equal(mdio_read_value(1, MII_PHYSID2), 0xc0d1);
	assert_int_equal(mdio_read_value(1, MII_BMSR), 0x782d);
	assert_int_equal(mdio_read_value(1, MII_BMCR), 0x3000);
	assert_int_equal(mdio_read_value(1, MII_LPA), 0x0f71);
	assert_int_equal(mdio_read_value(1, MII_STAT1000), 0);
	assert_int_equal(mdio_read_value(0, MII_PHYSID1), 0xffff);
	enet_model_set_link(nic, false);
	enet_model_set_link(nic, true);
	assert_int_equal(mdio_read_value(1, MII_BMSR), 0x782d); /* no latch */
	enet_model_set_link(nic, false);
	assert_int_equal(mdio_read_value(1, MII_BMSR), 0x7809);
	assert_int_equal(model_counter("mdio_no_clock"), 0);
}

/* imx_eth_write, TDAR: sent before the write returns, TDAR reads 0; a
 * short frame leaves as it is. */
static void qemu_sends_on_tdar_write_unpadded_and_tdar_reads_0(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 42, 1);
	tx_bd_set(0, 4, 42, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(rd(ENET_TDAR), 0);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_W);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 42);
	assert_int_equal(model_counter("tx_padded"), 0);
}

/* "TODO: Implement MIB": counters read 0; TXIC/RXIC are not registers. */
static void qemu_has_no_mib_counters_and_no_coalescing(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	wr(ENET_TXIC, ENET_IC_EN | 0x04000100u);
	assert_int_equal(rd(ENET_TXIC), 0);
	assert_int_equal(model_counter("qemu_ignored"), 1);
	wr(ENET_EIMR, ENET_INT_RXF);
	inject_to(own_mac, 100, 1);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_RXF, ENET_INT_RXF);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 0);
	wr(ENET_MIBC, ENET_MIBC_DIS | ENET_MIBC_CLEAR);
	assert_int_equal(rd(ENET_MIBC), 0xc0000000u);
}

/* The loader (and the model's init) takes only the two names. */
static void personality_other_than_the_two_is_refused(void **unused)
{
	(void)unused;
	enet_test_personality = "qemu";
	char *text = enet_test_dts(dts, "");
	enet_test_personality = "qemu-imx7";
	FILE *err = tmpfile();
	assert_int_equal(
		sdvf_system_load_dts(&sys, "t.dts", text, model_and_host, err),
		-1);
	free(text);
	char line[256] = "";
	rewind(err);
	assert_non_null(fgets(line, sizeof(line), err));
	fclose(err);
	assert_string_equal(line, "t.dts: /pds/nic/config: property "
				  "'personality': \"qemu\" is not one of: "
				  "silicon, qemu-imx7\n");
	sdvf_system_free(&sys);
}

#define T(f) cmocka_unit_test_setup_teardown(f, boot, shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(qemu_masks_rcr_so_crcfwd_never_sticks),
		T(qemu_writes_its_fcs_into_every_frame_unpadded),
		T(qemu_takes_runts_and_frames_for_any_mac),
		T(qemu_phy_is_lan9118_like_and_needs_no_mdc),
		T(qemu_sends_on_tdar_write_unpadded_and_tdar_reads_0),
		T(qemu_has_no_mib_counters_and_no_coalescing),
		cmocka_unit_test(personality_other_than_the_two_is_refused),
	};
	return cmocka_run_group_tests_name("qemu-imx7", tests, enet_as_qemu,
					   NULL);
}
