/* The ENET model's transmit path and its DMA bus errors
 * (enet_model_fixture.h: the model alone in the sim, frames taken off the
 * mem wire): TX BDs in order, multi-BD frames, padding, loopback, a link
 * down; EBERR for buffers and rings outside the windows or in a region
 * the model may only read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_model_fixture.h"

/* ---- transmit --------------------------------------------------------- */

static void
model_transmits_ready_bds_in_order_and_hands_them_back(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 100, 1);
	make_frame(buf(5), other_mac, 200, 2);
	const uint16_t ready = ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_TC;
	tx_bd_set(0, 4, 100, ready);
	tx_bd_set(1, 5, 200, ready | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 100);
	assert_memory_equal(got, buf(4), 100);
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 200);
	assert_memory_equal(got, buf(5), 200);
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_TC);
	assert_int_equal(host->tx_ring[1].stat,
			 ENET_TXBD_L | ENET_TXBD_TC | ENET_TXBD_W);
	assert_int_equal(rd(ENET_TDAR), 0);
	assert_int_equal(rd(ENET_EIR), ENET_INT_TXF | ENET_INT_TXB);
	assert_int_equal(model_counter("tx_frames"), 2);
}

static void model_tx_uses_big_endian_bds_when_dbswp_clear(void **unused)
{
	(void)unused;
	mac_start_ecr(0, 0, ENET_ECR_ETHEREN);
	make_frame(buf(4), other_mac, 100, 7);
	/* R | W | L | TC, len 100, addr BUFS_IO + 4 * 2048 = 0x10002000 */
	static const uint8_t ready[8] = {0xac, 0x00, 0x00, 0x64,
					 0x10, 0x00, 0x20, 0x00};
	memcpy(host->tx_ring, ready, sizeof(ready));
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 100);
	assert_memory_equal(got, buf(4), 100);
	/* Handed back: R clear, everything else as the host wrote it. */
	static const uint8_t sent[8] = {0x2c, 0x00, 0x00, 0x64,
					0x10, 0x00, 0x20, 0x00};
	assert_memory_equal(host->tx_ring, sent, sizeof(sent));
	assert_int_equal(rd(ENET_EIR), ENET_INT_TXF | ENET_INT_TXB);
	assert_int_equal(model_counter("tx_frames"), 1);
}

/* A TX region is mapped read-only into the model: reading is all TX does. */
static void model_transmits_from_a_region_it_may_only_read(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(host->ro_bufs, other_mac, 300, 4);
	tx_bd_set(0, 0, 300, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	host->tx_ring[0].addr = RO_BUFS_IO;
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 300);
	assert_memory_equal(got, host->ro_bufs, 300);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_W);
	assert_int_equal(model_counter("eberr"), 0);
}

static void model_joins_a_frame_spanning_two_bds(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 100, 1);
	memset(buf(5), 0xab, 50);
	tx_bd_set(0, 4, 100, ENET_TXBD_R);
	tx_bd_set(1, 5, 50, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 150);
	assert_memory_equal(got, buf(4), 100);
	assert_int_equal(got[149], 0xab);
	assert_int_equal(model_counter("tx_frames"), 1);
}

static void model_waits_for_the_rest_of_an_incomplete_frame(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	tx_bd_set(0, 4, 100, ENET_TXBD_R);
	tx_bd_set(1, 5, 50, ENET_TXBD_W); /* not ready yet */
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_R);
	assert_int_equal(rd(ENET_TDAR), ENET_TDAR_ACTIVE);
	host->tx_ring[1].stat = ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W;
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(model_counter("tx_frames"), 1);
	assert_int_equal(rd(ENET_TDAR), 0);
}

static void model_pads_short_tx_frames_to_60(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 42, 1);
	tx_bd_set(0, 4, 42, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 60);
	assert_int_equal(model_counter("tx_padded"), 1);
}

static void model_loops_transmitted_frames_back_when_rcr_loop(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_LOOP, 1);
	make_frame(buf(4), own_mac, 100, 9);
	tx_bd_set(0, 4, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(host->rx_ring[0].len, 104);
	assert_memory_equal(buf(0), buf(4), 100);
	assert_int_equal(model_counter("rx_loopback"), 1);
}

static void model_loses_frames_while_link_is_down(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	enet_model_set_link(nic, false);
	tx_bd_set(0, 4, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	inject_to(own_mac, 100, 0);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_W);
	assert_int_equal(model_counter("tx_link_down"), 1);
	assert_int_equal(model_counter("rx_link_down"), 1);
}

/* ---- bus errors ------------------------------------------------------- */

static void assert_stopped_by_eberr(void)
{
	assert_int_equal(rd(ENET_EIR) & ENET_INT_EBERR, ENET_INT_EBERR);
	assert_int_equal(rd(ENET_ECR) & ENET_ECR_ETHEREN, 0);
	assert_int_equal(rd(ENET_RDAR), 0);
	assert_int_equal(rd(ENET_TDAR), 0);
	assert_int_equal(model_counter("eberr"), 1);
}

static void model_raises_eberr_for_rx_buffer_outside_window(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	host->rx_ring[0].addr = 0x20000000u;
	inject_to(own_mac, 100, 0);
	assert_stopped_by_eberr();
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E | ENET_RXBD_W);
}

static void model_raises_eberr_for_buffer_crossing_window_end(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	tx_bd_set(0, 0, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	host->tx_ring[0].addr = BUFS_IO + BUFS_SIZE - 10;
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_stopped_by_eberr();
	assert_int_equal(host->tx_ring[0].stat,
			 ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
}

/* An RX buffer in a region the device may only read (a TX region): the
 * write is a bus error, and nothing at all is written, BD or buffer. */
static void model_raises_eberr_for_rx_into_read_only_region(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	memset(host->ro_bufs, 0x5a, BUF_SIZE);
	host->rx_ring[0].addr = RO_BUFS_IO;
	inject_to(own_mac, 100, 0);
	assert_int_equal(rd(ENET_EIR), ENET_INT_EBERR);
	assert_stopped_by_eberr();
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E | ENET_RXBD_W);
	assert_int_equal(host->rx_ring[0].len, 0);
	assert_int_equal(host->rx_ring[0].addr, RO_BUFS_IO);
	for (uint32_t i = 0; i < BUF_SIZE; i++)
		assert_int_equal(host->ro_bufs[i], 0x5a);
	assert_int_equal(model_counter("rx_frames"), 0);
}

/* Every BD of a frame is checked before any is written: a second BD in the
 * read-only region leaves the first one's buffer and BD untouched too. */
static void model_raises_eberr_before_writing_any_bd_of_a_frame_into_read_only(
	void **unused)
{
	(void)unused;
	mac_start(0, 2);
	wr(ENET_MRBR, 64); /* 104 bytes with FCS: two BDs */
	memset(buf(0), 0x5a, BUF_SIZE);
	memset(host->ro_bufs, 0x5a, BUF_SIZE);
	host->rx_ring[1].addr = RO_BUFS_IO;
	inject_to(own_mac, 100, 0);
	assert_int_equal(rd(ENET_EIR), ENET_INT_EBERR);
	assert_stopped_by_eberr();
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E);
	assert_int_equal(host->rx_ring[0].len, 0);
	assert_int_equal(host->rx_ring[1].stat, ENET_RXBD_E | ENET_RXBD_W);
	for (uint32_t i = 0; i < BUF_SIZE; i++) {
		assert_int_equal(buf(0)[i], 0x5a);
		assert_int_equal(host->ro_bufs[i], 0x5a);
	}
}

static void model_raises_eberr_for_tx_ring_outside_window(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	wr(ENET_ECR, ENET_ECR_DBSWP);
	wr(ENET_TDSR, 0x50000000u);
	wr(ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_stopped_by_eberr();
}

/* The MAC writes back every BD it completes: BD rings it may only read
 * would make each of them a bus error, so the model refuses them at init
 * (the description itself is valid: a need's rights are a maximum). */
static void model_refuses_bd_rings_it_may_only_read(void **unused)
{
	(void)unused;
	char variant[sizeof(dts)];
	memcpy(variant, dts, sizeof(dts));
	char *rings = strstr(variant, "enet_rings = \"rings\", \"rw\"");
	assert_non_null(rings); /* the nic's map comes first */
	memcpy(strstr(rings, "\"rw\""), "\"r\" ", 4);
	struct sdvf_system s;
	assert_int_equal(sdvf_system_load_dts(&s, "test_enet_model", variant,
					      model_and_host, stderr),
			 0);
	struct sdvf_sim *refused = sdvf_sim_create(&s);
	assert_non_null(refused);
	assert_int_equal(sdvf_sim_init(refused), -1);
	sdvf_sim_destroy(refused);
	sdvf_system_free(&s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, boot, shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(model_transmits_ready_bds_in_order_and_hands_them_back),
		T(model_tx_uses_big_endian_bds_when_dbswp_clear),
		T(model_transmits_from_a_region_it_may_only_read),
		T(model_joins_a_frame_spanning_two_bds),
		T(model_waits_for_the_rest_of_an_incomplete_frame),
		T(model_pads_short_tx_frames_to_60),
		T(model_loops_transmitted_frames_back_when_rcr_loop),
		T(model_loses_frames_while_link_is_down),
		T(model_raises_eberr_for_rx_buffer_outside_window),
		T(model_raises_eberr_for_buffer_crossing_window_end),
		T(model_raises_eberr_for_rx_into_read_only_region),
		T(model_raises_eberr_before_writing_any_bd_of_a_frame_into_read_only),
		T(model_raises_eberr_for_tx_ring_outside_window),
		cmocka_unit_test(model_refuses_bd_rings_it_may_only_read),
	};
	return cmocka_run_group_tests_name("silicon", tests, enet_as_silicon,
					   NULL);
}
