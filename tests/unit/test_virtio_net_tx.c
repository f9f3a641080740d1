/*
 * Specification of virt/virtio_net.h, part 2: TX with the header stripped
 * (direct and indirect chains), backpressure (chains stay pending without
 * room), notification suppression, the poll budget, and hostile TX chains
 * (bad lengths, writable segments, loops).  No buffer may leak.
 * Fixture: tests/unit/virtio_net_fixture.h.
 */
#include "tests/unit/virtio_net_fixture.h"

/* ---- TX ------------------------------------------------------------------ */

static void tx_chain_is_copied_without_its_header(void **state)
{
	struct fix *f = up(state, BASE);
	post_tx(f, 0, 98, 5, true);
	post_tx(f, 1, 1514, 6, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->be.nsent, 2);
	unsigned b0 = f->be.tx_sent[0], b1 = f->be.tx_sent[1];
	assert_int_equal(f->be.tx_len[b0], 98);
	assert_frame(f->be.tx_buf[b0], 98, 5);
	assert_int_equal(f->be.tx_len[b1], 1514);
	assert_frame(f->be.tx_buf[b1], 1514, 6);
	uint32_t id, len;
	assert_true(gvq_get_used(&f->tx, &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_true(gvq_get_used(&f->tx, &id, &len));
	assert_int_equal(id, 2);
	assert_int_equal(f->n.count.tx_frames, 2);
}

static void tx_chain_in_an_indirect_table_is_sent(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	/* As Linux with INDIRECT_DESC: header and frame in a table. */
	uint64_t table = TX_AREA + 64u * 1024u, at = TX_AREA;
	uint8_t *p = guest_at(&f->g, at);
	memset(p, 0, VIRTIO_NET_HDR_LEN);
	for (unsigned i = 0; i < 100; i++)
		p[VIRTIO_NET_HDR_LEN + i] = (uint8_t)(4 + i);
	uint8_t *t = guest_at(&f->g, table);
	uint64_t a0 = at, a1 = at + VIRTIO_NET_HDR_LEN;
	uint32_t l0 = VIRTIO_NET_HDR_LEN, l1 = 100;
	uint16_t fl0 = VIRTQ_DESC_F_NEXT, fl1 = 0, n0 = 1, n1 = 0;
	memcpy(t, &a0, 8), memcpy(t + 8, &l0, 4), memcpy(t + 12, &fl0, 2);
	memcpy(t + 14, &n0, 2);
	memcpy(t + 16, &a1, 8), memcpy(t + 24, &l1, 4), memcpy(t + 28, &fl1, 2);
	memcpy(t + 30, &n1, 2);
	gvq_post1(&f->tx, table, 32, VIRTQ_DESC_F_INDIRECT);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->be.nsent, 1);
	assert_int_equal(f->be.tx_len[f->be.tx_sent[0]], 100);
	assert_frame(f->be.tx_buf[f->be.tx_sent[0]], 100, 4);
}

static void tx_without_room_leaves_chains_pending_until_room(void **state)
{
	struct fix *f = up(state, BASE);
	f->be.tx_room = 1;
	post_tx(f, 0, 60, 0, false);
	post_tx(f, 1, 60, 1, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->be.nsent, 1);
	assert_int_equal(gvq_used_idx(&f->tx), 1);
	assert_int_equal(f->n.mmio.queue[VIRTIO_NET_TXQ].last_avail, 1);
	assert_int_equal(f->n.count.tx_waits, 1);
	assert_true(f->n.tx_waiting);
	/* No room still: a notify changes nothing, drops nothing. */
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(gvq_used_idx(&f->tx), 1);
	/* Room appears: the VMM polls again. */
	f->be.tx_room = 1;
	virtio_net_tx_poll(&f->n);
	assert_false(f->n.tx_waiting);
	assert_int_equal(f->be.nsent, 2);
	assert_frame(f->be.tx_buf[f->be.tx_sent[1]], 60, 1);
	assert_int_equal(gvq_used_idx(&f->tx), 2);
}

static void tx_suppresses_notifications_while_working(void **state)
{
	struct fix *f = up(state, BASE);
	f->be.tx_room = 0;
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(gvq_used_flags(&f->tx), VIRTQ_USED_F_NO_NOTIFY);
	f->be.tx_room = 1;
	virtio_net_tx_poll(&f->n);
	assert_int_equal(gvq_used_flags(&f->tx), 0);
}

static void tx_idle_with_event_idx_asks_for_the_next_chain(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	post_tx(f, 0, 60, 0, false);
	post_tx(f, 1, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(gvq_avail_event(&f->tx), 2);
}

static void tx_frame_of_bad_length_is_refused_and_counted(void **state)
{
	struct fix *f = up(state, BASE);
	post_tx(f, 0, SDVF_NET_FRAME_MIN - 1, 0, false);
	post_tx(f, 1, SDVF_NET_FRAME_MAX + 1, 0, true);
	/* Header only, and a chain shorter than the header. */
	gvq_post1(&f->tx, TX_AREA, VIRTIO_NET_HDR_LEN, 0);
	gvq_post1(&f->tx, TX_AREA, 4, 0);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->n.count.tx_bad_len, 4);
	assert_int_equal(f->be.nsent, 0);
	assert_int_equal(gvq_used_idx(&f->tx), 4); /* all given back */
	assert_int_equal(f->be.tx_room, NBUF);
}

static void tx_chain_with_a_writable_segment_is_refused(void **state)
{
	struct fix *f = up(state, BASE);
	gvq_set_desc(&f->tx, 0, TX_AREA, 12 + 60, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->tx, 1, TX_AREA + 1024, 64, VIRTQ_DESC_F_WRITE, 0);
	gvq_avail_put(&f->tx, 0);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->n.count.tx_bad_chain, 1);
	assert_int_equal(f->be.nsent, 0);
}

static void tx_poll_stops_at_its_budget_and_says_so(void **state)
{
	struct fix *f = up(state, BASE);
	f->n.budget = 2;
	for (unsigned k = 0; k < 3; k++)
		post_tx(f, k, 60, (uint8_t)k, false);
	f->be.tx_room = 0; /* guest notify finds no room */
	notify(f, VIRTIO_NET_TXQ);
	f->be.tx_room = NBUF;
	assert_true(virtio_net_tx_poll(&f->n));
	assert_true(f->n.tx_more);
	assert_int_equal(f->be.nsent, 2);
	assert_int_equal(gvq_used_idx(&f->tx), 2); /* published anyway */
	assert_false(virtio_net_tx_poll(&f->n));
	assert_int_equal(f->be.nsent, 3);
}

/* ---- a long exchange ------------------------------------------------------
 */

/* The guest's TX side as Linux runs it with EVENT_IDX: it posts while the
 * ring has room, notifies only when avail_event says so, and reclaims used
 * chains before posting; the backend has 4 buffers and completes what was
 * sent once per round (the TX mux), after which the VMM polls.  70000
 * frames wrap every 16-bit index; every frame must arrive intact and in
 * order, no round may pass without progress, and no chain may lie in the
 * ring unseen while the device has room (a lost notification). */
static void tx_long_exchange_with_event_idx_never_stalls(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	f->be.tx_room = 4;
	const unsigned frames = 70000;
	unsigned posted = 0, reclaimed = 0, checked = 0, rounds = 0;
	while (checked < frames) {
		unsigned before = posted + reclaimed + checked;
		uint32_t id, len;
		while (gvq_get_used(&f->tx, &id, &len))
			reclaimed++;
		/* Bursts of 1, 2, 3 or as many as fit: a lone frame must
		 * be notified as surely as a burst. */
		unsigned burst = rounds % 4 == 3 ? 16 : rounds % 4 + 1;
		rounds++;
		uint16_t old = f->tx.avail_idx;
		for (unsigned b = 0;
		     b < burst && posted < frames && posted - reclaimed < 16;
		     b++, posted++)
			post_tx(f, posted % 16, (uint16_t)(60 + posted % 1400),
				(uint8_t)posted, false);
		if (virtq_need_event(gvq_avail_event(&f->tx), f->tx.avail_idx,
				     old))
			notify(f, VIRTIO_NET_TXQ);
		/* The TX mux sends and gives the buffers back; the VMM, told
		 * of room, polls. */
		bool completed = false;
		for (; checked < f->be.nsent; checked++) {
			unsigned h = f->be.tx_sent[checked % NBUF];
			assert_int_equal(f->be.tx_len[h], 60 + checked % 1400);
			assert_frame(f->be.tx_buf[h], f->be.tx_len[h],
				     (uint8_t)checked);
			f->be.tx_state[h] = 0;
			f->be.tx_room++;
			completed = true;
		}
		if (completed && f->n.tx_waiting)
			virtio_net_tx_poll(&f->n);
		assert_true(posted + reclaimed + checked > before);
		/* Unless it waits for room, the device has seen every chain:
		 * none lies in the ring unnoticed (a lost notification). */
		assert_true(f->n.tx_waiting ||
			    f->n.mmio.queue[VIRTIO_NET_TXQ].last_avail ==
				    f->tx.avail_idx);
	}
	assert_int_equal(f->n.count.tx_frames, frames);
	assert_int_equal(f->n.count.tx_bad_len + f->n.count.tx_bad_chain, 0);
}

/* ---- hostile guests ------------------------------------------------------ */

static void tx_descriptor_loop_needs_reset_and_leaks_nothing(void **state)
{
	struct fix *f = up(state, BASE);
	gvq_set_desc(&f->tx, 0, TX_AREA, 64, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->tx, 1, TX_AREA, 64, VIRTQ_DESC_F_NEXT, 0);
	gvq_avail_put(&f->tx, 0);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->n.mmio.queue[1].count.chain_too_long, 1);
	assert_true(drv_rd(&f->n.mmio, VIRTIO_MMIO_STATUS) &
		    VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(drv_take_interrupt(&f->n.mmio),
			 VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(f->be.tx_room, NBUF);
	/* The device serves nothing until reset. */
	post_tx(f, 2, 60, 0, false);
	virtio_net_tx_poll(&f->n);
	assert_int_equal(f->be.nsent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(tx_long_exchange_with_event_idx_never_stalls),
		T(tx_chain_is_copied_without_its_header),
		T(tx_chain_in_an_indirect_table_is_sent),
		T(tx_without_room_leaves_chains_pending_until_room),
		T(tx_suppresses_notifications_while_working),
		T(tx_idle_with_event_idx_asks_for_the_next_chain),
		T(tx_poll_stops_at_its_budget_and_says_so),
		T(tx_frame_of_bad_length_is_refused_and_counted),
		T(tx_chain_with_a_writable_segment_is_refused),
		T(tx_descriptor_loop_needs_reset_and_leaks_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
