/* The ENET model's receive path (enet_model_fixture.h: the model alone in
 * the sim, frames injected on the mem wire): BDs filled and wrapped, FCS,
 * padding, runts, length limits, MRBR, the address filter, the FIFO, BD
 * byte order; and the MIB counters that count frames both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_model_fixture.h"

/* ---- receive ---------------------------------------------------------- */

static void model_receives_frames_into_bds_and_wraps(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	inject_to(own_mac, 100, 1);
	inject_to(own_mac, 200, 2);
	inject_to(own_mac, 300, 3);
	assert_int_equal(host->rx_ring[0].len, 104);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_L);
	assert_int_equal(host->rx_ring[1].len, 204);
	assert_int_equal(host->rx_ring[1].stat, ENET_RXBD_L | ENET_RXBD_W);
	assert_int_equal(rd(ENET_RDAR), 0); /* no empty BD left */
	assert_int_equal(buf(1)[14], (uint8_t)(2 + 14));
	/* The third frame waits in the FIFO until BD 0 is empty again. */
	host->rx_ring[0].stat = ENET_RXBD_E;
	wr(ENET_RDAR, ENET_RDAR_ACTIVE);
	assert_int_equal(host->rx_ring[0].len, 304);
	assert_int_equal(buf(0)[14], (uint8_t)(3 + 14));
	assert_int_equal(model_counter("rx_frames"), 3);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_RXF, ENET_INT_RXF);
}

static void model_appends_a_valid_fcs(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	inject_to(own_mac, 100, 7);
	uint32_t fcs = crc32_ieee(buf(0), 100);
	uint8_t expect[4] = {(uint8_t)fcs, (uint8_t)(fcs >> 8),
			     (uint8_t)(fcs >> 16), (uint8_t)(fcs >> 24)};
	assert_memory_equal(buf(0) + 100, expect, 4);
}

/* The FCS is computed eight bytes at a time with a byte-wise tail: every
 * tail length (0..7), and the longest frame, against the bitwise CRC. */
static void model_fcs_is_right_at_every_length(void **unused)
{
	(void)unused;
	static const size_t lens[] = {60, 61, 62, 63,	64,
				      65, 66, 67, 1513, 1514};
	mac_start(0, 1);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		host->rx_ring[0].stat = ENET_RXBD_E | ENET_RXBD_W;
		wr(ENET_RDAR, ENET_RDAR_ACTIVE);
		inject_to(own_mac, lens[i], (uint8_t)(i + 1));
		assert_int_equal(host->rx_ring[0].len, lens[i] + 4);
		uint32_t fcs = crc32_ieee(buf(0), lens[i]);
		uint8_t expect[4] = {(uint8_t)fcs, (uint8_t)(fcs >> 8),
				     (uint8_t)(fcs >> 16),
				     (uint8_t)(fcs >> 24)};
		assert_memory_equal(buf(0) + lens[i], expect, 4);
	}
}

/* With CRCFWD the MAC checks the FCS and writes none: not a byte past the
 * frame changes. */
static void model_strips_fcs_when_rcr_crcfwd(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_CRCFWD, 1);
	memset(buf(0), 0xa5, 128);
	inject_to(own_mac, 100, 7);
	assert_int_equal(host->rx_ring[0].len, 100);
	assert_int_equal(host->rx_ring[0].stat & ENET_RXBD_ERRORS, 0);
	for (int i = 100; i < 128; i++)
		assert_int_equal(buf(0)[i], 0xa5);
}

/* The hash tables' bit for an address: the top 6 bits of its CRC-32 with
 * no final inversion (RM IAUR/IALR, GAUR/GALR). */
static uint32_t hash_bit(const uint8_t *mac)
{
	return ~crc32_ieee(mac, 6) >> 26;
}

static void hash_set(uint32_t upper, uint32_t lower, const uint8_t *mac)
{
	uint32_t bit = hash_bit(mac);
	wr(bit >= 32 ? upper : lower, 1u << (bit & 31));
}

/* Without PROM an address the station address does not match is taken
 * only if its bit is set in the individual (unicast) or group (multicast)
 * table: an empty table takes nothing, a set bit takes that address and
 * not one whose bit is clear. */
static void model_filters_by_individual_and_group_hash(void **unused)
{
	(void)unused;
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t third[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x42};
	assert_int_not_equal(hash_bit(third), hash_bit(other_mac));
	mac_start(0, 4);
	inject_to(other_mac, 100, 1);
	inject_to(group, 100, 2);
	assert_int_equal(model_counter("rx_filtered"), 2);
	hash_set(ENET_IAUR, ENET_IALR, other_mac);
	hash_set(ENET_GAUR, ENET_GALR, group);
	inject_to(other_mac, 100, 3);
	inject_to(group, 100, 4);
	inject_to(third, 100, 5);
	assert_int_equal(model_counter("rx_filtered"), 3);
	assert_int_equal(model_counter("rx_frames"), 2);
	assert_int_equal(buf(0)[14], (uint8_t)(3 + 14));
	assert_int_equal(host->rx_ring[0].stat & ENET_RXBD_M, 0);
	assert_int_equal(buf(1)[14], (uint8_t)(4 + 14));
	assert_int_equal(host->rx_ring[1].stat & ENET_RXBD_MC, ENET_RXBD_MC);
}

static void model_pads_short_frames_to_60(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	inject_to(own_mac, 42, 0);
	assert_int_equal(host->rx_ring[0].len, 64);
	for (int i = 42; i < 60; i++)
		assert_int_equal(buf(0)[i], 0);
	assert_int_equal(model_counter("rx_padded"), 1);
}

static void model_drops_runt_frames(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	uint8_t runt[10] = {0};
	inject(runt, sizeof(runt));
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E | ENET_RXBD_W);
	assert_int_equal(model_counter("rx_runts"), 1);
	assert_int_equal(rd(ENET_RMON_R_FRAG), 1);
}

static void model_flags_frame_longer_than_max_fl_with_lg(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	inject_to(own_mac, 1600, 0);
	assert_int_equal(host->rx_ring[0].len, 1604);
	assert_int_equal(host->rx_ring[0].stat,
			 ENET_RXBD_L | ENET_RXBD_W | ENET_RXBD_LG);
	assert_int_equal(buf(0)[1599], (uint8_t)1599);
	assert_int_equal(model_counter("rx_long"), 1);
}

static void model_truncates_frame_longer_than_ftrl_with_tr(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	wr(ENET_FTRL, 1000);
	inject_to(own_mac, 1200, 0);
	assert_int_equal(host->rx_ring[0].len, 1000);
	assert_int_equal(host->rx_ring[0].stat,
			 ENET_RXBD_L | ENET_RXBD_W | ENET_RXBD_TR);
	assert_int_equal(buf(0)[1000], 0); /* nothing past FTRL */
	assert_int_equal(model_counter("rx_truncated"), 1);
}

static void model_spreads_frame_over_bds_of_mrbr_bytes(void **unused)
{
	(void)unused;
	mac_start(0, 4);
	wr(ENET_MRBR, 256);
	inject_to(own_mac, 600, 5);
	assert_int_equal(host->rx_ring[0].len, 256);
	assert_int_equal(host->rx_ring[0].stat, 0);
	assert_int_equal(host->rx_ring[1].len, 256);
	assert_int_equal(host->rx_ring[2].len, 604); /* the frame length */
	assert_int_equal(host->rx_ring[2].stat, ENET_RXBD_L);
	assert_int_equal(buf(1)[0], (uint8_t)(5 + 256));
	assert_int_equal(rd(ENET_EIR), ENET_INT_RXB | ENET_INT_RXF);
}

static void model_filters_frames_for_other_macs(void **unused)
{
	(void)unused;
	mac_start(0, 4);
	inject_to(other_mac, 100, 0);
	assert_int_equal(model_counter("rx_filtered"), 1);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E);
	const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	inject_to(bcast, 100, 0);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_L | ENET_RXBD_BC);
}

static void model_accepts_others_with_miss_bit_when_promiscuous(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_PROM, 2);
	inject_to(other_mac, 100, 0);
	inject_to(own_mac, 100, 0);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_L | ENET_RXBD_M);
	assert_int_equal(host->rx_ring[1].stat, ENET_RXBD_L | ENET_RXBD_W);
}

static void model_drops_frames_beyond_fifo_when_no_bd_is_free(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	for (int i = 0; i < 12; i++)
		inject_to(own_mac, 100, (uint8_t)i);
	/* 1 in the BD, 8 in the FIFO, the rest dropped. */
	assert_int_equal(model_counter("rx_frames"), 1);
	assert_int_equal(model_counter("rx_fifo_overflow"), 3);
	assert_int_equal(rd(ENET_IEEE_R_MACERR), 3);
}

/* The wire's fd is watched: the model reads the wire when that fd says a
 * frame is there, not at every activation (on a TAP, a read that finds
 * nothing is a system call).  A burst longer than one activation's share
 * is read on at its next activations: test_reflector's 80 frames. */
static void model_reads_the_wire_when_its_fd_says_so(void **unused)
{
	(void)unused;
	mac_start(0, 8);
	uint8_t f[WIRE_MAX_FRAME];
	assert_int_equal(
		wire_mem_inject(wire, f, make_frame(f, own_mac, 100, 1)), 0);
	/* A register write activates the model; stepping never polls the
	 * wire's fd. */
	enet_writel(&host->mmio, ENET_RDAR, ENET_RDAR_ACTIVE);
	enet_mmio_flush(&host->mmio);
	uint64_t steps = 0;
	while (sdvf_sim_step(sim))
		steps++;
	assert_true(steps > 0);
	assert_int_equal(wire_stats(wire)->rx_frames, 0);
	sdvf_sim_run(sim, 10000); /* idle: polls the fd */
	assert_int_equal(wire_stats(wire)->rx_frames, 1);
	assert_int_equal(model_counter("rx_frames"), 1);
}

/* ECR.DBSWP clear: the MAC's native big-endian BD, stat in bytes 0-1, len
 * in 2-3, addr in 4-7, each most significant byte first. */
static void model_rx_uses_big_endian_bds_when_dbswp_clear(void **unused)
{
	(void)unused;
	mac_start_ecr(0, 0, ENET_ECR_ETHEREN);
	/* E | W, len 0, addr BUFS_IO + 3 * 2048 = 0x10001800 */
	static const uint8_t empty[8] = {0xa0, 0x00, 0x00, 0x00,
					 0x10, 0x00, 0x18, 0x00};
	memcpy(host->rx_ring, empty, sizeof(empty));
	wr(ENET_RDAR, ENET_RDAR_ACTIVE);
	inject_to(own_mac, 100, 5);
	/* L | W, len 104 (the frame and its FCS), addr untouched */
	static const uint8_t filled[8] = {0x28, 0x00, 0x00, 0x68,
					  0x10, 0x00, 0x18, 0x00};
	assert_memory_equal(host->rx_ring, filled, sizeof(filled));
	uint8_t want[WIRE_MAX_FRAME];
	make_frame(want, own_mac, 100, 5);
	assert_memory_equal(buf(3), want, 100);
	assert_int_equal(rd(ENET_EIR), ENET_INT_RXF);
	assert_int_equal(model_counter("rx_frames"), 1);
	assert_int_equal(model_counter("eberr"), 0);
}

static void model_ignores_rdar_while_disabled(void **unused)
{
	(void)unused;
	wr(ENET_RDAR, ENET_RDAR_ACTIVE);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(rd(ENET_RDAR), 0);
	assert_int_equal(rd(ENET_TDAR), 0);
	inject_to(own_mac, 100, 0);
	assert_int_equal(model_counter("rx_disabled"), 1);
}

/* ---- MIB -------------------------------------------------------------- */

static void model_counts_mib_frames_and_clears_them(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	inject_to(own_mac, 60, 0);
	inject_to(own_mac, 1000, 0);
	tx_bd_set(0, 4, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	make_frame(buf(4), other_mac, 100, 0);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 2);
	assert_int_equal(rd(ENET_RMON_R_P64), 1);
	assert_int_equal(rd(ENET_RMON_R_P512TO1023), 1);
	assert_int_equal(rd(ENET_RMON_R_OCTETS), 64 + 1004);
	assert_int_equal(rd(ENET_IEEE_R_FRAME_OK), 2);
	assert_int_equal(rd(ENET_RMON_T_PACKETS), 1);
	assert_int_equal(rd(ENET_RMON_T_P65TO127), 1);
	assert_int_equal(rd(ENET_IEEE_T_OCTETS_OK), 104);
	wr(ENET_MIBC, ENET_MIBC_CLEAR);
	wr(ENET_MIBC, 0);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 0);
	assert_int_equal(rd(ENET_RMON_T_PACKETS), 0);
}

static void model_mib_counts_nothing_while_disabled(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	wr(ENET_MIBC, ENET_MIBC_DIS);
	assert_int_equal(rd(ENET_MIBC), ENET_MIBC_DIS | ENET_MIBC_IDLE);
	inject_to(own_mac, 100, 0);
	assert_int_equal(model_counter("rx_frames"), 1);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, boot, shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(model_receives_frames_into_bds_and_wraps),
		T(model_appends_a_valid_fcs),
		T(model_fcs_is_right_at_every_length),
		T(model_strips_fcs_when_rcr_crcfwd),
		T(model_filters_by_individual_and_group_hash),
		T(model_pads_short_frames_to_60),
		T(model_drops_runt_frames),
		T(model_flags_frame_longer_than_max_fl_with_lg),
		T(model_truncates_frame_longer_than_ftrl_with_tr),
		T(model_spreads_frame_over_bds_of_mrbr_bytes),
		T(model_filters_frames_for_other_macs),
		T(model_accepts_others_with_miss_bit_when_promiscuous),
		T(model_drops_frames_beyond_fifo_when_no_bd_is_free),
		T(model_reads_the_wire_when_its_fd_says_so),
		T(model_rx_uses_big_endian_bds_when_dbswp_clear),
		T(model_ignores_rdar_while_disabled),
		T(model_counts_mib_frames_and_clears_them),
		T(model_mib_counts_nothing_while_disabled),
	};
	return cmocka_run_group_tests_name("silicon", tests, enet_as_silicon,
					   NULL);
}
