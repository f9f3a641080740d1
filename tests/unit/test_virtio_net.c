/*
 * Specification of virt/virtio_net.h, part 1: config space and features,
 * RX into posted buffers (merged or not), holding and its bound, counted
 * drops, the poll budget, and hostile guests on the RX side (buffers
 * outside RAM, reset mid-transfer, notifications on unready queues).
 * TX: test_virtio_net_tx.c.  Fixture: tests/unit/virtio_net_fixture.h.
 */
#include "tests/unit/virtio_net_fixture.h"

/* ---- config and features ------------------------------------------------- */

static void config_holds_mac_link_up_and_mtu(void **state)
{
	struct fix *f = up(state, BASE);
	uint8_t mac[6];
	for (unsigned i = 0; i < 6; i++) /* virtio_cread_bytes: readb */
		mac[i] = (uint8_t)virtio_mmio_read(&f->n.mmio,
						   VIRTIO_MMIO_CONFIG + i, 1);
	assert_memory_equal(mac, MAC, 6);
	assert_int_equal(
		virtio_mmio_read(&f->n.mmio, VIRTIO_MMIO_CONFIG + 6, 2),
		VIRTIO_NET_S_LINK_UP);
	assert_int_equal(
		virtio_mmio_read(&f->n.mmio, VIRTIO_MMIO_CONFIG + 10, 2), 1500);
}

static void offers_mac_status_mtu_mrg_rxbuf_and_the_ring_features(void **st)
{
	struct fix *f = *st;
	assert_true(drv_device_features(&f->n.mmio) ==
		    (BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
		     VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX)));
	assert_int_equal(drv_rd(&f->n.mmio, VIRTIO_MMIO_DEVICE_ID), 1);
}

static void link_down_changes_status_with_a_config_interrupt(void **state)
{
	struct fix *f = up(state, BASE);
	virtio_net_set_link(&f->n, false);
	assert_int_equal(
		virtio_mmio_read(&f->n.mmio, VIRTIO_MMIO_CONFIG + 6, 2), 0);
	assert_int_equal(drv_take_interrupt(&f->n.mmio),
			 VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(drv_rd(&f->n.mmio, VIRTIO_MMIO_CONFIG_GENERATION), 1);
}

/* ---- RX ------------------------------------------------------------------ */

static void rx_frame_lands_in_a_posted_buffer_after_the_header(void **st)
{
	struct fix *f = up(st, BASE);
	uint16_t d = post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 60, 7);
	virtio_net_rx_poll(&f->n);
	uint32_t id, len;
	assert_true(gvq_get_used(&f->rx, &id, &len));
	assert_int_equal(id, d);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 60);
	uint8_t *p = guest_at(&f->g, RX_AREA);
	assert_int_equal(le16(p + VIRTIO_NET_HDR_NUM_BUFFERS), 1);
	assert_int_equal(p[0], 0); /* flags: no checksum offload */
	assert_frame(p + VIRTIO_NET_HDR_LEN, 60, 7);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(f->n.count.rx_frames, 1);
	assert_int_equal(be_rx_lent(&f->be), 0);
}

static void rx_without_a_buffer_is_held_until_one_is_posted(void **state)
{
	struct fix *f = up(state, BASE);
	be_queue_frame(&f->be, 100, 1);
	be_queue_frame(&f->be, 200, 2);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 2);
	assert_int_equal(gvq_used_idx(&f->rx), 0);
	post_rx(f, 0, 2048);
	post_rx(f, 1, 2048);
	notify(f, VIRTIO_NET_RXQ);
	assert_int_equal(f->n.nheld, 0);
	uint32_t id, len;
	assert_true(gvq_get_used(&f->rx, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 100); /* in order */
	assert_true(gvq_get_used(&f->rx, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 200);
	assert_frame(guest_at(&f->g, RX_AREA + 2048) + VIRTIO_NET_HDR_LEN, 200,
		     2);
	assert_int_equal(f->n.count.rx_dropped, 0);
}

static void rx_beyond_the_hold_bound_is_dropped_and_counted(void **state)
{
	struct fix *f = up(state, BASE);
	for (unsigned i = 0; i < 6; i++)
		be_queue_frame(&f->be, 64, (uint8_t)i);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 4);
	assert_int_equal(f->n.count.rx_dropped, 2);
	assert_int_equal(be_rx_lent(&f->be), 4);
}

static void rx_before_driver_ok_is_held_not_written(void **state)
{
	struct fix *f = *state;
	struct virtio_mmio *t = &f->n.mmio;
	assert_true(drv_negotiate(t, VIRTIO_ID_NET, BASE));
	assert_true(drv_setup_queue(t, VIRTIO_NET_RXQ, &f->rx));
	post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 1);
	assert_int_equal(gvq_used_idx(&f->rx), 0);
	assert_true(drv_driver_ok(t));
	notify(f, VIRTIO_NET_RXQ);
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(gvq_used_idx(&f->rx), 1);
}

static void chains_posted_before_driver_ok_are_served_at_it(void **state)
{
	struct fix *f = *state;
	struct virtio_mmio *t = &f->n.mmio;
	assert_true(drv_negotiate(t, VIRTIO_ID_NET, BASE));
	assert_true(drv_setup_queue(t, VIRTIO_NET_RXQ, &f->rx));
	assert_true(drv_setup_queue(t, VIRTIO_NET_TXQ, &f->tx));
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	post_rx(f, 0, 2048);
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_RXQ); /* refused: before DRIVER_OK */
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(t->count.bad_notify, 2);
	assert_int_equal(f->be.nsent, 0);
	assert_true(drv_driver_ok(t));
	assert_int_equal(gvq_used_idx(&f->rx), 1);
	assert_int_equal(f->be.nsent, 1);
}

static void probe_reset_gives_frames_held_before_it_back(void **state)
{
	struct fix *f = *state;
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 1);
	up(state, BASE); /* Linux's probe writes status 0 first */
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(be_rx_lent(&f->be), 0);
	assert_int_equal(f->n.count.rx_dropped, 1);
}

static void rx_merged_frame_spans_buffers_with_num_buffers(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
	for (unsigned k = 0; k < 4; k++)
		post_rx(f, k, 600);
	be_queue_frame(&f->be, 1400, 3);
	virtio_net_rx_poll(&f->n);
	uint32_t id, len[3];
	for (unsigned i = 0; i < 3; i++)
		assert_true(gvq_get_used(&f->rx, &id, &len[i]));
	assert_int_equal(len[0], 600);
	assert_int_equal(len[1], 600);
	assert_int_equal(len[2], VIRTIO_NET_HDR_LEN + 1400 - 1200);
	assert_int_equal(gvq_used_idx(&f->rx), 3);
	uint8_t frame[1400];
	memcpy(frame, guest_at(&f->g, RX_AREA) + 12, 588);
	memcpy(frame + 588, guest_at(&f->g, RX_AREA + 2048), 600);
	memcpy(frame + 1188, guest_at(&f->g, RX_AREA + 4096), 212);
	assert_frame(frame, 1400, 3);
	assert_int_equal(
		le16(guest_at(&f->g, RX_AREA) + VIRTIO_NET_HDR_NUM_BUFFERS), 3);
}

static void rx_merged_frame_waits_for_enough_buffers(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
					  VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	post_rx(f, 0, 500);
	be_queue_frame(&f->be, 1000, 9);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 1);
	assert_int_equal(gvq_used_idx(&f->rx), 0); /* buffer not consumed */
	/* Told to notify at the next buffer, past the one waiting. */
	assert_int_equal(gvq_avail_event(&f->rx), 1);
	post_rx(f, 1, 600);
	notify(f, VIRTIO_NET_RXQ);
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(gvq_used_idx(&f->rx), 2);
	assert_int_equal(
		le16(guest_at(&f->g, RX_AREA) + VIRTIO_NET_HDR_NUM_BUFFERS), 2);
}

static void rx_buffer_too_small_drops_the_frame_keeps_the_buffer(void **st)
{
	struct fix *f = up(st, BASE);
	post_rx(f, 0, 100);
	be_queue_frame(&f->be, 200, 0);
	be_queue_frame(&f->be, 60, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.count.rx_too_small, 1);
	assert_int_equal(f->n.count.rx_frames, 1); /* the 60-byte one fits */
	assert_int_equal(gvq_used_idx(&f->rx), 1);
	assert_int_equal(be_rx_lent(&f->be), 0);
}

static void rx_frame_of_bad_length_from_the_backend_is_counted(void **st)
{
	struct fix *f = up(st, BASE);
	post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 13, 0);
	be_queue_frame(&f->be, SDVF_NET_FRAME_MAX + 1, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.count.rx_bad_len, 2);
	assert_int_equal(gvq_used_idx(&f->rx), 0);
}

static void rx_interrupt_follows_used_event(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	gvq_set_used_event(&f->rx, 1); /* interrupt after the second */
	post_rx(f, 0, 2048);
	post_rx(f, 1, 2048);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->irqs, 0);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->irqs, 1);
}

static void rx_poll_stops_at_its_budget_and_says_so(void **state)
{
	struct fix *f = up(state, BASE);
	f->n.budget = 2;
	for (unsigned k = 0; k < 3; k++) {
		post_rx(f, k, 2048);
		be_queue_frame(&f->be, 64, 0);
	}
	assert_true(virtio_net_rx_poll(&f->n));
	assert_int_equal(gvq_used_idx(&f->rx), 2);
	assert_false(virtio_net_rx_poll(&f->n));
	assert_false(f->n.rx_more);
	assert_int_equal(gvq_used_idx(&f->rx), 3);
}

/* ---- a long exchange ------------------------------------------------------
 */

/* The guest's RX side as Linux runs it with EVENT_IDX and MRG_RXBUF: it
 * handles used buffers only when interrupted (InterruptStatus read and
 * acknowledged first), asks for an interrupt every
 * fourth buffer (used_event), reposts each buffer and notifies only when
 * avail_event says so.  70000 frames wrap every 16-bit index; if either
 * side's suppression were wrong the exchange would stall (frames held,
 * then dropped) instead of delivering every frame in order. */
static void rx_long_exchange_with_event_idx_never_stalls(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
					  VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	for (unsigned k = 0; k < 16; k++)
		post_rx(f, k, 2048);
	notify(f, VIRTIO_NET_RXQ);
	const unsigned frames = 70000;
	unsigned irqs_seen = 0, got = 0;
	for (unsigned i = 0; i < frames; i++) {
		be_queue_frame(&f->be, (uint16_t)(60 + i % 1400), (uint8_t)i);
		virtio_net_rx_poll(&f->n); /* the backend's signal */
		if (f->irqs == irqs_seen) {
			/* No interrupt: so the fourth buffer is not used yet
			 * (one withheld past used_event would stall us). */
			assert_true((uint16_t)(gvq_used_idx(&f->rx) -
					       f->rx.used_seen) <= 3);
			continue;
		}
		irqs_seen = f->irqs;
		/* Status read and ACKed before the ring, as vm_interrupt. */
		assert_int_equal(drv_take_interrupt(&f->n.mmio),
				 VIRTIO_MMIO_INT_VRING);
		uint16_t old = f->rx.avail_idx;
		uint32_t id, len;
		while (gvq_get_used(&f->rx, &id, &len)) {
			uint8_t *p = guest_at(&f->g, RX_AREA + 2048u * id);
			assert_int_equal(le16(p + VIRTIO_NET_HDR_NUM_BUFFERS),
					 1);
			assert_int_equal(len,
					 VIRTIO_NET_HDR_LEN + 60 + got % 1400);
			assert_int_equal(p[VIRTIO_NET_HDR_LEN], (uint8_t)got);
			got++;
			gvq_set_desc(&f->rx, (uint16_t)id, RX_AREA + 2048u * id,
				     2048, VIRTQ_DESC_F_WRITE, 0);
			gvq_avail_put(&f->rx, (uint16_t)id);
		}
		gvq_set_used_event(&f->rx, (uint16_t)(f->rx.used_seen + 3));
		if (virtq_need_event(gvq_avail_event(&f->rx), f->rx.avail_idx,
				     old))
			notify(f, VIRTIO_NET_RXQ);
	}
	assert_int_equal(f->n.count.rx_dropped, 0);
	assert_int_equal(f->n.count.rx_frames + f->n.nheld, frames);
	assert_true(got + 4 >= frames); /* the last few await an irq */
	assert_true(f->n.mmio.queue[0].used_idx ==
		    (uint16_t)f->n.count.rx_frames);
}

/* ---- hostile guests ------------------------------------------------------ */

static void rx_buffer_outside_ram_needs_reset_and_holds_the_frame(void **st)
{
	struct fix *f = up(st, BASE);
	gvq_post1(&f->rx, GUEST_GPA + GUEST_SIZE - 100, 2048,
		  VIRTQ_DESC_F_WRITE);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.mmio.queue[0].count.bad_addr, 1);
	assert_true(f->n.mmio.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(f->n.nheld, 1);
	drv_wr(&f->n.mmio, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(be_rx_lent(&f->be), 0);
}

static void reset_mid_transfer_gives_every_buffer_back(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
	post_rx(f, 0, 300); /* half of what the first frame needs */
	for (unsigned i = 0; i < 3; i++)
		be_queue_frame(&f->be, 600, (uint8_t)i);
	f->be.tx_room = 0;
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(be_rx_lent(&f->be), 3);
	drv_wr(&f->n.mmio, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(be_rx_lent(&f->be), 0);
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(f->n.count.rx_dropped, 3);
	assert_int_equal(be_tx_allocated(&f->be), 0);
	/* Up again from scratch, and the path works. */
	gvq_init(&f->rx, &f->g, 0, 16);
	gvq_init(&f->tx, &f->g, 1, 16);
	up(state, BASE);
	post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(gvq_used_idx(&f->rx), 1);
}

static void notify_on_an_unready_queue_is_counted_not_served(void **state)
{
	struct fix *f = *state;
	assert_true(drv_negotiate(&f->n.mmio, VIRTIO_ID_NET, BASE));
	assert_true(drv_setup_queue(&f->n.mmio, VIRTIO_NET_RXQ, &f->rx));
	assert_true(drv_driver_ok(&f->n.mmio));
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	notify(f, 2);
	assert_int_equal(f->n.mmio.count.bad_notify, 2);
	assert_int_equal(f->be.nsent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(rx_long_exchange_with_event_idx_never_stalls),
		T(config_holds_mac_link_up_and_mtu),
		T(offers_mac_status_mtu_mrg_rxbuf_and_the_ring_features),
		T(link_down_changes_status_with_a_config_interrupt),
		T(rx_frame_lands_in_a_posted_buffer_after_the_header),
		T(rx_without_a_buffer_is_held_until_one_is_posted),
		T(rx_beyond_the_hold_bound_is_dropped_and_counted),
		T(rx_before_driver_ok_is_held_not_written),
		T(chains_posted_before_driver_ok_are_served_at_it),
		T(probe_reset_gives_frames_held_before_it_back),
		T(rx_merged_frame_spans_buffers_with_num_buffers),
		T(rx_merged_frame_waits_for_enough_buffers),
		T(rx_buffer_too_small_drops_the_frame_keeps_the_buffer),
		T(rx_frame_of_bad_length_from_the_backend_is_counted),
		T(rx_interrupt_follows_used_event),
		T(rx_poll_stops_at_its_budget_and_says_so),
		T(rx_buffer_outside_ram_needs_reset_and_holds_the_frame),
		T(reset_mid_transfer_gives_every_buffer_back),
		T(notify_on_an_unready_queue_is_counted_not_served),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
